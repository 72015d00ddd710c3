"""From an empty Cloudera Manager to a cluster built from hosts, through the cm_hosts and cm_cluster roles and
real ansible-playbook: register three hosts by FQDN and IP, create the cluster by its display name, create the
services, create host templates and apply them. Check mode first (no mutating request), then the run, then the
same run again (changed: false everywhere, no mutating request).

CM-B extends PLATFORM_TASKS' services step (roles, role config groups, first run, start); the host and
cluster steps stay as they are."""

import os
import subprocess

import pytest

from integration.cm_common import connection
from integration.playbook import BIN_DIR, COLLECTIONS_PATH, assert_clean_failure

HOSTS = [{"hostname": "master1.example.com", "ip_address": "10.2.0.1", "rack_id": "/rack1", "host_template": "masters"},
         {"hostname": "worker1.example.com", "ip_address": "10.2.0.2", "rack_id": "/rack1", "host_template": "workers"},
         {"hostname": "worker2.example.com", "ip_address": "10.2.0.3", "rack_id": "/rack2", "host_template": "workers"}]
TEMPLATES = [
    {"name": "masters", "role_config_groups": [{"service": "zookeeper", "type": "SERVER"},
                                               {"service": "hdfs", "type": "NAMENODE"},
                                               {"service": "yarn", "type": "RESOURCEMANAGER"}]},
    {"name": "workers", "role_config_groups": [{"service": "zookeeper", "type": "SERVER"},
                                               {"service": "hdfs", "type": "DATANODE"},
                                               {"service": "yarn", "type": "NODEMANAGER"}]},
]
SERVICES = [{"name": "zookeeper", "type": "ZOOKEEPER"}, {"name": "hdfs", "type": "HDFS"}, {"name": "yarn", "type": "YARN"}]
MASTER, WORKERS = "master1.example.com", ["worker1.example.com", "worker2.example.com"]
# The services step on top of the hosts the templates gave roles (listed out of order on purpose: the cm_services
# role goes ZooKeeper, HDFS, YARN): the roles templates do not place, role-level settings, first run, started.
RUNNING_SERVICES = [
    {"name": "yarn", "type": "YARN", "first_run": True, "config": {"hdfs_service": "hdfs", "zookeeper_service": "zookeeper"},
     "roles": [{"type": "RESOURCEMANAGER", "hosts": [MASTER]}, {"type": "JOBHISTORY", "hosts": [MASTER]},
               {"type": "NODEMANAGER", "hosts": WORKERS}],
     "role_config_groups": [{"role_type": "NODEMANAGER", "config": {"yarn_nodemanager_resource_memory_mb": 6144}}]},
    {"name": "hdfs", "type": "HDFS", "first_run": True, "config": {"zookeeper_service": "zookeeper", "dfs_replication": 2},
     "roles": [{"type": "NAMENODE", "hosts": [MASTER]}, {"type": "SECONDARYNAMENODE", "hosts": [MASTER]},
               {"type": "DATANODE", "hosts": WORKERS}],
     "role_config_groups": [{"role_type": "DATANODE", "config": {"dfs_data_dir_list": "/data/1/dfs/dn,/data/2/dfs/dn"}},
                            {"role_type": "NAMENODE", "config": {"dfs_name_dir_list": "/data/1/dfs/nn"}}]},
    {"name": "zookeeper", "type": "ZOOKEEPER", "first_run": True,
     "roles": [{"type": "SERVER", "hosts": [MASTER] + WORKERS}]},
]


def role(name, variables):
    return {"name": "role %s" % name, "ansible.builtin.include_role": {"name": "bigdata.platform." + name}, "vars": variables}


def platform_play(sim):
    return {
        "name": "Cloudera Manager platform",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/bigdata.platform.cloudera_manager": connection(sim)},
        "tasks": [
            role("cm_hosts", {"cm_hosts_list": HOSTS, "cm_hosts_apply_templates": False}),
            role("cm_cluster", {"cm_cluster_name": "cluster", "cm_cluster_display_name": "Cluster 1",
                                "cm_cluster_version": "7.1.7", "cm_cluster_hosts": [h["hostname"] for h in HOSTS]}),
            {"name": "services", "bigdata.platform.cm_service": {"cluster": "{{ cm_cluster_facts.display_name }}",
                                                                 "name": "{{ item.name }}", "type": "{{ item.type }}",
                                                                 "state": "present"},
             "loop": SERVICES},
            role("cm_hosts", {"cm_hosts_list": HOSTS, "cm_hosts_cluster": "Cluster 1", "cm_hosts_templates": TEMPLATES}),
            role("cm_services", {"cm_services_cluster": "Cluster 1", "cm_services_list": RUNNING_SERVICES}),
        ],
    }


@pytest.fixture
def sim(start_simulator):
    return start_simulator("cm", speed=100, clusters=())


def changed_tasks(run):
    return [result for result in run.results if result.get("changed")]


def test_empty_cm_to_a_cluster_of_three_hosts_by_display_name(sim, ansible):
    check = ansible.run_playbook([platform_play(sim)], check=True)
    assert check.returncode == 0, check.output
    assert not [r for r in check.results if r.get("failed")], check.output
    assert sim.log.mutating() == []
    assert changed_tasks(check), "check mode predicts the build"

    built = ansible.run_playbook([platform_play(sim)])
    assert built.returncode == 0, built.output
    cluster = sim.clusters["cluster"]
    assert cluster["displayName"] == "Cluster 1"
    members = {sim.hosts[h]["hostname"]: sim.hosts[h] for h in cluster["hosts"]}
    assert sorted(members) == sorted(h["hostname"] for h in HOSTS)
    for host in HOSTS:
        record = members[host["hostname"]]
        assert (record["ipAddress"], record["rackId"]) == (host["ip_address"], host["rack_id"])
    placed = {(service["name"], role["type"], sim.hosts[role["hostId"]]["hostname"])
              for service in cluster["services"].values() for role in service["roles"].values()}
    assert placed == {("zookeeper", "SERVER", h["hostname"]) for h in HOSTS} | {
        ("hdfs", "NAMENODE", "master1.example.com"), ("yarn", "RESOURCEMANAGER", "master1.example.com"),
        ("hdfs", "DATANODE", "worker1.example.com"), ("hdfs", "DATANODE", "worker2.example.com"),
        ("yarn", "NODEMANAGER", "worker1.example.com"), ("yarn", "NODEMANAGER", "worker2.example.com"),
        ("hdfs", "SECONDARYNAMENODE", MASTER), ("yarn", "JOBHISTORY", MASTER)}
    # role-level settings, first run in dependency order, every service and role running
    groups = {name: service["roleConfigGroups"] for name, service in cluster["services"].items()}
    assert groups["hdfs"]["hdfs-DATANODE-BASE"]["config"] == {"dfs_data_dir_list": "/data/1/dfs/dn,/data/2/dfs/dn"}
    assert groups["yarn"]["yarn-NODEMANAGER-BASE"]["config"] == {"yarn_nodemanager_resource_memory_mb": "6144"}
    assert [e.path.split("/")[-3] for e in sim.log.entries("POST", "/commands/firstRun$")] == ["zookeeper", "hdfs", "yarn"]
    assert {s["state"] for s in cluster["services"].values()} == {"STARTED"}
    assert {sim.role_state(s, r) for s in cluster["services"].values() for r in s["roles"].values()} == {"STARTED"}

    sim.log.clear()
    again = ansible.run_playbook([platform_play(sim)])
    assert again.returncode == 0, again.output
    assert changed_tasks(again) == [], [r.get("invocation") for r in changed_tasks(again)]
    assert sim.log.mutating() == []


def teardown_play(sim):
    return {
        "name": "Cloudera Manager teardown",
        "hosts": "localhost",
        "gather_facts": False,
        "module_defaults": {"group/bigdata.platform.cloudera_manager": connection(sim)},
        "tasks": [
            role("cm_hosts", {"cm_hosts_list": HOSTS, "cm_hosts_state_override": "absent", "cm_hosts_decommission": True}),
            role("cm_cluster", {"cm_cluster_name": "Cluster 1", "cm_cluster_state": "absent"}),
        ],
    }


def test_teardown_leaves_cm_empty_and_the_platform_builds_again(sim, ansible):
    assert ansible.run_playbook([platform_play(sim)]).returncode == 0
    down = ansible.run_playbook([teardown_play(sim)])
    assert down.returncode == 0, down.output
    assert sim.clusters == {} and sim.hosts == {}
    sim.log.clear()
    again = ansible.run_playbook([teardown_play(sim)])
    assert again.returncode == 0 and changed_tasks(again) == [] and sim.log.mutating() == [], again.output
    rebuilt = ansible.run_playbook([platform_play(sim)])
    assert rebuilt.returncode == 0, rebuilt.output
    assert sorted(sim.hosts[h]["hostname"] for h in sim.clusters["cluster"]["hosts"]) == sorted(h["hostname"] for h in HOSTS)


def test_the_roles_validate_their_variables_and_render_in_ansible_doc(ansible):
    wrong = [role("cm_cluster", {"cm_cluster_name": "cluster", "cm_cluster_timeout": "soon"}),
             role("cm_hosts", {"cm_hosts_list": [{"hostname": "node1", "maintenance": "maybe"}]}),
             role("cm_cluster", {})]
    for task in wrong:
        task["ansible.builtin.include_role"]["apply"] = {"ignore_errors": True}
    results = [r for r in ansible.run_tasks(wrong).results if "validate_args_context" in r]
    assert len(results) == 3, results
    assert_clean_failure(results[0], "cm_cluster_timeout", "int")
    assert_clean_failure(results[1], "maintenance", "bool")
    assert_clean_failure(results[2], "cm_cluster_name")
    for name in ("cm_cluster", "cm_hosts"):
        done = subprocess.run([os.path.join(BIN_DIR, "ansible-doc"), "-t", "role", "bigdata.platform." + name],
                              env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH), capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode == 0 and name + "_timeout" in done.stdout, done.stderr
