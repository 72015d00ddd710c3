"""The pure parts of the CM cluster and host helpers: versions, run state, rolling restart arguments, the
cluster list in error messages, nested command failures."""

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import command_failure, describe_clusters
from ansible_collections.bigdata.platform.plugins.module_utils.cm_clusters import (
    parse_version, rolling_restart_args, run_state, version_matches,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import find_host, normalize_host
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError


def test_versions_major_or_full():
    assert parse_version("CDH7") == parse_version("cdh7") == {"version": "CDH7"}
    assert parse_version("7.1.7") == {"fullVersion": "7.1.7"}
    with pytest.raises(OptionError) as bad:
        parse_version("seven")
    assert "option 'version'" in str(bad.value) and "seven" in str(bad.value)
    cluster = {"version": "CDH7", "fullVersion": "7.1.7"}
    assert version_matches(cluster, {"version": "CDH7"}) and version_matches(cluster, {"fullVersion": "7.1"})
    assert not version_matches(cluster, {"fullVersion": "7.1.8"}) and not version_matches(cluster, {"version": "CDH6"})


def test_run_state_from_the_services():
    assert run_state([]) == "none"
    assert run_state([{"serviceState": "STARTED"}] * 2) == "started"
    assert run_state([{"serviceState": "STOPPED"}, {"serviceState": "NA"}]) == "stopped"
    assert run_state([{"serviceState": "STARTED"}, {"serviceState": "STOPPED"}]) == "mixed"


def test_rolling_restart_args_are_cms_names():
    rolling = {"batch_size": 2, "fail_threshold": 1, "sleep_seconds": None, "roles_to_include": "all_roles",
               "services": ["hdfs"]}
    assert rolling_restart_args(rolling, True) == {"slaveBatchSize": 2, "staleConfigsOnly": True,
                                                   "rolesToInclude": "ALL_ROLES", "slaveFailCountThreshold": 1,
                                                   "restartServiceNames": ["hdfs"]}


def test_cluster_list_shows_display_names_and_internal_ones_when_they_differ():
    assert describe_clusters([]) == "clusters: none"
    assert describe_clusters([{"name": "c1", "displayName": "c1"}]) == "clusters: c1"
    assert describe_clusters([{"name": "cluster", "displayName": "Cluster 1"}, {"name": "cluster2", "displayName": "Cluster 2"}]) == \
        "clusters: Cluster 1, Cluster 2; internal names: cluster, cluster2"


def test_a_cluster_commands_failure_carries_the_deepest_messages():
    command = {"active": False, "success": False, "resultMessage": "Failed to start cluster.", "children": {"items": [
        {"success": True, "resultMessage": "ok", "serviceRef": {"serviceName": "zookeeper"}},
        {"success": False, "resultMessage": "Failed to start service.", "serviceRef": {"serviceName": "hdfs"},
         "children": {"items": [{"success": False, "resultMessage": "port 8020 in use",
                                 "roleRef": {"roleName": "hdfs-NAMENODE-1"}}]}}]}}
    assert command_failure(command) == "Failed to start cluster. hdfs: Failed to start service. hdfs-NAMENODE-1: port 8020 in use"
    assert command_failure(dict(command, active=True)) is None


def test_hosts_found_by_name_else_address():
    known = [{"hostId": "a", "hostname": "n1", "ipAddress": "10.0.0.1"}, {"hostId": "b", "hostname": "n2", "ipAddress": "10.0.0.2"}]
    assert find_host(None, "n2", known=known)["hostId"] == "b"
    assert find_host(None, None, "10.0.0.1", known=known)["hostId"] == "a"
    assert find_host(None, "n9", "10.0.0.2", known=known)["hostId"] == "b"
    assert find_host(None, "n9", known=known) is None
    host = normalize_host(dict(known[0], roleRefs=[{"roleName": "r2"}, {"roleName": "r1"}]))
    assert host["roles"] == ["r1", "r2"] and host["cluster"] is None and host["cluster_display_name"] is None
