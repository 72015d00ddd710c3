"""cm_cluster and cm_cluster_info against the Cloudera Manager simulator, through real ansible-playbook."""

import pytest

from integration.cm_common import connection
from integration.playbook import assert_clean_failure

CLUSTER_KEYS = {"name", "display_name", "version", "full_version", "entity_status", "state", "hosts", "services",
                "maintenance_mode", "cluster_type", "uuid"}
NODES = [("node%d.example.com" % index, "10.1.0.%d" % index) for index in (1, 2, 3)]


@pytest.fixture
def empty(start_simulator):
    """An empty Cloudera Manager whose three agents have heartbeated (so CM knows their hosts)."""
    sim = start_simulator("cm", speed=100, clusters=())
    sim.control_agent_heartbeat(hosts=[{"hostname": name, "ip_address": ip} for name, ip in NODES])
    return sim


@pytest.fixture
def seeded(start_simulator):
    return start_simulator("cm", speed=100)


def cluster_task(sim, **args):
    return {"bigdata.platform.cm_cluster": dict(connection(sim), **args)}


def info_task(sim, **args):
    return {"bigdata.platform.cm_cluster_info": dict(connection(sim), **args)}


def test_create_by_display_name_check_apply_again_info_delete(empty, ansible):
    hosts = [name for name, ip in NODES]
    create = dict(name="cluster", display_name="Cluster 1", version="7.1.7", hosts=hosts)
    check = ansible.run_tasks([cluster_task(empty, **create)], check=True, diff=True).results[0]
    assert check["changed"] and not check["failed"], check
    assert empty.log.mutating() == []
    assert check["diff"] == {"before": {}, "after": {"display_name": "Cluster 1", "full_version": "7.1.7",
                                                     "state": "none", "hosts": hosts}}

    run = ansible.run_tasks([cluster_task(empty, **create),
                             # The display name finds the cluster again: nothing to do.
                             cluster_task(empty, **{**create, "name": "Cluster 1"}),
                             info_task(empty), info_task(empty, name="Cluster 1"), info_task(empty, name="nope")])
    applied, again, every, one, none = run.results
    assert applied["changed"] and set(applied["cluster"]) == CLUSTER_KEYS, applied
    assert (applied["cluster"]["name"], applied["cluster"]["display_name"], applied["cluster_display_name"]) == \
        ("cluster", "Cluster 1", "Cluster 1")
    assert applied["cluster"]["version"] == "CDH7" and applied["cluster"]["hosts"] == hosts
    assert not again["changed"] and again["commands"] == [], again
    assert len(empty.log.mutating()) == 2  # POST /clusters, POST /clusters/cluster/hosts
    assert empty.clusters["cluster"]["displayName"] == "Cluster 1"
    assert [empty.hosts[h]["hostname"] for h in empty.clusters["cluster"]["hosts"]] == hosts
    assert every["clusters"] == one["clusters"] == [applied["cluster"]]
    assert set(every["clusters"][0]) == CLUSTER_KEYS
    assert none["clusters"] == []

    renamed = ansible.run_tasks([cluster_task(empty, name="Cluster 1", display_name="Platform A"),
                                 cluster_task(empty, name="Platform A", hosts=hosts[:2], purge_hosts=True),
                                 cluster_task(empty, name="cluster", state="absent"),
                                 cluster_task(empty, name="cluster", state="absent")], diff=True).results
    shown, purged, deleted, deleted_again = renamed
    assert shown["changed"] and shown["cluster_display_name"] == "Platform A", shown
    assert shown["diff"]["before"]["display_name"] == "Cluster 1" and shown["diff"]["after"]["display_name"] == "Platform A"
    assert purged["changed"] and purged["cluster"]["hosts"] == hosts[:2], purged
    assert deleted["changed"] and deleted["cluster"] is None, deleted
    assert not deleted_again["changed"], deleted_again
    assert empty.clusters == {} and len(empty.hosts) == 3
    assert all(host["cluster"] is None for host in empty.hosts.values())


def test_bad_input_fails_naming_the_option_and_sends_nothing(empty, ansible):
    ansible.run_tasks([cluster_task(empty, name="cluster", display_name="Cluster 1", version="CDH7", hosts=[NODES[0][0]])])
    empty.log.clear()
    results = ansible.run_tasks([
        cluster_task(empty, name="other"),
        cluster_task(empty, name="Cluster 1", version="6.3.4"),
        cluster_task(empty, name="Cluster 1", version="seven"),
        cluster_task(empty, name="Cluster 1", hosts=["ghost.example.com"]),
        cluster_task(empty, name="Cluster 1", rolling={"batch_size": 1}),
        cluster_task(empty, name="Cluster 1", state="restarted", rolling={"batch_size": 0}),
        cluster_task(empty, name=" "),
        cluster_task(empty, name="Cluster 1", stale_only=True),
        # Refused before the new cluster is created, not after (which left an empty cluster behind).
        cluster_task(empty, name="second", version="7.1.7", hosts=[NODES[0][0]]),
        cluster_task(empty, name="Cluster 1", state="restarted", rolling={"services": ["hbase"]}),
    ]).results
    (no_version, other_version, bad_version, ghost, rolling_present, zero_batch, blank, stale_present, taken_host,
     unknown_service) = results
    assert_clean_failure(no_version, "option 'version'", "required to create cluster other")
    assert_clean_failure(other_version, "option 'version'", "6.3.4", "parcels")
    assert_clean_failure(bad_version, "option 'version'", "seven")
    assert_clean_failure(ghost, "option 'hosts'", "ghost.example.com", "not a host Cloudera Manager knows")
    assert_clean_failure(rolling_present, "option 'rolling'", "state=restarted")
    assert_clean_failure(zero_batch, "option 'rolling.batch_size'", "1 or more")
    assert_clean_failure(blank, "option 'name'")
    assert_clean_failure(stale_present, "option 'stale_only'", "state=restarted")
    assert_clean_failure(taken_host, "option 'hosts'", NODES[0][0], "belongs to cluster cluster")
    assert_clean_failure(unknown_service, "option 'rolling.services'", "'hbase'", "not a service of cluster cluster")
    for result in results:
        assert not result["changed"], result
    assert empty.log.mutating() == []


def started_services(sim, kind):
    """Service names in the order the simulator ran their `kind` commands."""
    commands = sorted((c for c in sim.commands.values() if c.kind == kind and "serviceRef" in c.refs), key=lambda c: c.start)
    return [c.refs["serviceRef"]["serviceName"] for c in commands]


def test_stop_start_in_dependency_order_by_display_name(seeded, ansible):
    check = ansible.run_tasks([cluster_task(seeded, name="Cluster 1", state="stopped")], check=True).results[0]
    assert check["changed"] and check["commands"] == ["stop"] and check["cluster"]["state"] == "stopped", check
    assert seeded.log.mutating() == []
    run = ansible.run_tasks([cluster_task(seeded, name="Cluster 1", state="stopped"),
                             cluster_task(seeded, name="Cluster 1", state="stopped"),
                             cluster_task(seeded, name="cluster", state="started"),
                             cluster_task(seeded, name="cluster", state="started")]).results
    stopped, stopped_again, started, started_again = run
    assert stopped["changed"] and stopped["cluster"]["state"] == "stopped", stopped
    assert not stopped_again["changed"] and stopped_again["commands"] == []
    assert started["changed"] and started["cluster"]["state"] == "started", started
    assert not started_again["changed"]
    # CM orders them: ZooKeeper before HDFS before YARN on the way up, the reverse on the way down.
    assert started_services(seeded, "stop") == ["yarn", "hdfs", "zookeeper"]
    assert started_services(seeded, "start") == ["zookeeper", "hdfs", "yarn"]
    assert seeded.clusters["cluster2"]["services"]["hdfs"]["state"] == "STARTED"  # the other cluster untouched


def test_rolling_restart_one_worker_at_a_time_only_when_stale(seeded, ansible):
    rolling = dict(name="Cluster 1", state="restarted", stale_only=True, rolling={"batch_size": 1})
    fresh = ansible.run_tasks([cluster_task(seeded, **rolling)]).results[0]
    assert not fresh["changed"] and fresh["commands"] == [], fresh
    for service in ("hdfs", "yarn"):
        seeded.control_set_service("Cluster 1", service, stale="STALE")
    check = ansible.run_tasks([cluster_task(seeded, **rolling)], check=True).results[0]
    assert check["changed"] and check["commands"] == ["rollingRestart"] and seeded.log.mutating() == [], check
    done, again = ansible.run_tasks([cluster_task(seeded, **rolling), cluster_task(seeded, **rolling)]).results
    assert done["changed"] and done["commands"] == ["rollingRestart"], done
    assert not again["changed"], again
    batches = [entry for entry in seeded.restart_log if entry["kind"] == "slaves"]
    assert [entry["where"] for entry in batches] == [["c1-node-1.example.com"], ["c1-node-2.example.com"],
                                                     ["c1-node-3.example.com"]]
    # One worker at a time: each batch (its DataNode and NodeManager) starts after the previous one ended.
    assert all(len(entry["roles"]) == 2 for entry in batches)
    assert all(later["start"] >= earlier["end"] for earlier, later in zip(batches, batches[1:]))
    assert seeded.log.entries("POST", "/commands/rollingRestart")[0].body is not None
    # The restart freshened the configuration, not the clients': deploy it once.
    deploy = dict(name="Cluster 1", deploy_client_config=True)
    deployed, deployed_again = ansible.run_tasks([cluster_task(seeded, **deploy), cluster_task(seeded, **deploy)]).results
    assert deployed["changed"] and deployed["commands"] == ["deployClientConfig"], deployed
    assert not deployed_again["changed"], deployed_again
    assert {s["client_stale"] for s in seeded.clusters["cluster"]["services"].values()} == {"FRESH"}


def test_absent_stops_a_running_cluster_first_even_without_wait(seeded, ansible):
    check = ansible.run_tasks([cluster_task(seeded, name="Cluster 2", state="absent")], check=True).results[0]
    assert check["changed"] and check["commands"] == ["stop"] and check["cluster"] is None, check
    assert seeded.log.mutating() == []
    gone = ansible.run_tasks([cluster_task(seeded, name="Cluster 2", state="absent", wait=False)]).results[0]
    assert gone["changed"] and gone["commands"] == ["stop"], gone
    assert list(seeded.clusters) == ["cluster"]
    assert sorted(h["hostname"] for h in seeded.hosts.values() if h["cluster"] is None) == \
        ["c2-node-%d.example.com" % index for index in (1, 2, 3)]


def test_a_failed_cluster_command_fails_with_cms_messages(seeded, ansible):
    ansible.run_tasks([cluster_task(seeded, name="Cluster 1", state="stopped")])
    seeded.control_fail_next_command("hdfs", message="NameNode failed to bind port 8020", cluster="Cluster 1")
    failed = ansible.run_tasks([cluster_task(seeded, name="Cluster 1", state="started")]).results[0]
    assert_clean_failure(failed, "command start on cluster cluster failed", "NameNode failed to bind port 8020")
    assert failed["changed"] and failed["commands"] == ["start"], failed
    services = seeded.clusters["cluster"]["services"]
    assert (services["zookeeper"]["state"], services["hdfs"]["state"], services["yarn"]["state"]) == \
        ("STARTED", "STOPPED", "STOPPED")
