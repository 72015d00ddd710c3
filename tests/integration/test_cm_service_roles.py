"""cm_service with roles, role config groups, first run, rolling restarts, maintenance and sensitive settings,
against the Cloudera Manager simulator through real ansible-playbook. The cluster and its hosts are seeded through
the simulator (registering hosts and creating clusters is cm_host's and cm_cluster's, tested with them)."""

import json

import pytest

from integration.cm_common import connection
from integration.playbook import assert_clean_failure

CLUSTER = "Platform 1"  # the display name; the internal name is "platform"
HOSTS = ["master-1.example.com", "worker-1.example.com", "worker-2.example.com"]
MASTER, WORKER_1, WORKER_2 = HOSTS
SECRET = "keystore-s3cret-value"


@pytest.fixture
def sim(start_simulator):
    sim = start_simulator("cm", speed=100, clusters=())
    sim.add_cluster("platform", CLUSTER, "7.1.7")
    for number, hostname in enumerate(HOSTS, 1):
        sim.join("platform", sim.heartbeat(hostname, "10.1.0.%d" % number))
    return sim


def service_task(sim, spec=None, **args):
    """A cm_service task on the platform cluster; spec: a dict of options (the services below), args: more."""
    return {"bigdata.platform.cm_service": dict(connection(sim), **dict(dict(cluster=CLUSTER), **dict(spec or {}, **args)))}


ZOOKEEPER = dict(name="zookeeper", type="ZOOKEEPER", state="started", roles=[{"type": "SERVER", "hosts": HOSTS}])
HDFS = dict(name="hdfs", type="HDFS", state="started", display_name="HDFS",
            config={"zookeeper_service": "zookeeper", "dfs_replication": 2},
            roles=[{"type": "NAMENODE", "hosts": [MASTER]}, {"type": "SECONDARYNAMENODE", "hosts": [MASTER]},
                   {"type": "DATANODE", "hosts": [WORKER_1, WORKER_2]}],
            role_config_groups=[{"role_type": "DATANODE", "config": {"dfs_data_dir_list": "/data/1/dfs/dn,/data/2/dfs/dn"}},
                                {"role_type": "NAMENODE", "config": {"dfs_name_dir_list": "/data/1/dfs/nn"}}])
YARN = dict(name="yarn", type="YARN", state="started",
            config={"hdfs_service": "hdfs", "zookeeper_service": "zookeeper"},
            roles=[{"type": "RESOURCEMANAGER", "hosts": [MASTER]}, {"type": "JOBHISTORY", "hosts": [MASTER]},
                   {"type": "NODEMANAGER", "hosts": ["10.1.0.2", WORKER_2]}],
            role_config_groups=[{"role_type": "NODEMANAGER", "config": {"yarn_nodemanager_resource_memory_mb": 4096}}])
PLATFORM = [ZOOKEEPER, HDFS, YARN]


def placement(sim, service):
    roles = sim.clusters["platform"]["services"][service]["roles"].values()
    return sorted((role["type"], sim.hosts[role["hostId"]]["hostname"]) for role in roles)


def group_config(sim, service, group):
    return sim.clusters["platform"]["services"][service]["roleConfigGroups"][group]["config"]


def test_three_services_with_roles_from_an_empty_cluster(sim, ansible):
    check = ansible.run_tasks([service_task(sim, s) for s in PLATFORM], check=True, diff=True).results
    assert [r["changed"] for r in check] == [True, True, True], check
    assert [r["commands"] for r in check] == [["firstRun"]] * 3
    assert sim.log.mutating() == []
    assert check[1]["diff"]["after"]["roles"] == ["DATANODE@" + WORKER_1, "DATANODE@" + WORKER_2,
                                                  "NAMENODE@" + MASTER, "SECONDARYNAMENODE@" + MASTER]
    assert check[1]["diff"]["after"]["role_config_groups"]["hdfs-DATANODE-BASE"] == {"dfs_data_dir_list": "/data/1/dfs/dn,/data/2/dfs/dn"}
    applied = ansible.run_tasks([service_task(sim, s) for s in PLATFORM], diff=True).results
    assert [r["commands"] for r in applied] == [["firstRun"]] * 3, applied
    assert {r["service"]["service_state"] for r in applied} == {"STARTED"}
    hdfs = applied[1]["service"]
    assert (hdfs["cluster"], hdfs["cluster_display_name"], hdfs["display_name"]) == ("platform", CLUSTER, "HDFS")
    assert {r["role_state"] for r in hdfs["roles"]} == {"STARTED"}
    assert sorted((r["type"], r["hostname"]) for r in hdfs["roles"]) == placement(sim, "hdfs")
    assert placement(sim, "yarn") == [("JOBHISTORY", MASTER), ("NODEMANAGER", WORKER_1), ("NODEMANAGER", WORKER_2),
                                      ("RESOURCEMANAGER", MASTER)]
    assert placement(sim, "zookeeper") == [("SERVER", h) for h in HOSTS]
    assert group_config(sim, "hdfs", "hdfs-DATANODE-BASE") == {"dfs_data_dir_list": "/data/1/dfs/dn,/data/2/dfs/dn"}
    assert group_config(sim, "yarn", "yarn-NODEMANAGER-BASE") == {"yarn_nodemanager_resource_memory_mb": "4096"}
    assert hdfs["role_config_groups"][0] == {"name": "hdfs-DATANODE-BASE", "role_type": "DATANODE", "base": True,
                                             "config": {"dfs_data_dir_list": "/data/1/dfs/dn,/data/2/dfs/dn"}}
    # first run in dependency order: each after the services it depends on were running
    first_runs = [e.path.split("/")[-3] for e in sim.log.entries("POST", "/commands/firstRun$")]
    assert first_runs == ["zookeeper", "hdfs", "yarn"]
    sim.log.clear()
    again = ansible.run_tasks([service_task(sim, s, cluster="platform") for s in PLATFORM]).results
    assert [r["changed"] for r in again] == [False, False, False], again
    assert sim.log.mutating() == []


def test_roles_added_moved_and_purged(sim, ansible):
    ansible.run_tasks([service_task(sim, s) for s in (ZOOKEEPER, HDFS)])
    grown = dict(HDFS, roles=HDFS["roles"][:2] + [{"type": "DATANODE", "hosts": HOSTS, "role_config_group": "hdfs-DATANODE-big"}],
                 role_config_groups=[{"name": "hdfs-DATANODE-big", "role_type": "DATANODE",
                                      "config": {"datanode_java_heapsize": 4294967296}}])
    shrunk = dict(HDFS, roles=HDFS["roles"][:2] + [{"type": "DATANODE", "hosts": [WORKER_1]}], purge_roles=True,
                  role_config_groups=None)
    run = ansible.run_tasks([
        dict(service_task(sim, grown), check_mode=True), service_task(sim, grown), service_task(sim, grown),
        dict(service_task(sim, shrunk), check_mode=True), service_task(sim, shrunk), service_task(sim, shrunk),
    ], diff=True)
    predicted, added, added_again, predicted_purge, purged, purged_again = run.results
    assert predicted["changed"] and predicted["commands"] == ["startRoles"], (predicted["service"], predicted["diff"])
    assert added["changed"] and added["commands"] == ["startRoles"], added
    assert {(r["type"], r["hostname"]): (r["role_config_group"], r["role_state"]) for r in added["service"]["roles"]
            if r["type"] == "DATANODE"} == {(h, "DATANODE")[::-1]: ("hdfs-DATANODE-big", "STARTED") for h in HOSTS}
    assert added["diff"]["before"]["roles"] != added["diff"]["after"]["roles"]
    assert not added_again["changed"], added_again
    assert predicted_purge["changed"] and predicted_purge["commands"] == ["stopRoles"], predicted_purge
    assert purged["changed"] and purged["commands"] == ["stopRoles"]
    assert [r["hostname"] for r in purged["service"]["roles"] if r["type"] == "DATANODE"] == [WORKER_1]
    assert not purged_again["changed"]
    assert placement(sim, "hdfs") == [("DATANODE", WORKER_1), ("NAMENODE", MASTER), ("SECONDARYNAMENODE", MASTER)]


def test_rolling_restart_one_worker_at_a_time_and_stale_only(sim, ansible):
    ansible.run_tasks([service_task(sim, s) for s in PLATFORM])
    sim.restart_log.clear()
    run = ansible.run_tasks([
        service_task(sim, name="yarn", state="restarted", rolling={"batch_size": 1}),
        service_task(sim, name="yarn", state="started", restart_on_config_change=True, rolling={"stale_only": True, "batch_size": 2},
                     role_config_groups=[{"role_type": "NODEMANAGER", "config": {"yarn_nodemanager_resource_memory_mb": 6144}}]),
        service_task(sim, name="yarn", state="started", restart_on_config_change=True, rolling={"stale_only": True},
                     role_config_groups=[{"role_type": "NODEMANAGER", "config": {"yarn_nodemanager_resource_memory_mb": 6144}}]),
    ])
    rolled, stale, again = run.results
    assert rolled["commands"] == ["rollingRestart"], rolled
    body = json.loads(sim.log.entries("POST", "/services/yarn/commands/rollingRestart$")[0].body)
    assert body == {"slaveBatchSize": 1}
    first = [e for e in sim.restart_log if e["command"] == sim.restart_log[0]["command"]]
    workers = [e for e in first if e["kind"] == "slaves"]
    assert [e["where"] for e in workers] == [[WORKER_1], [WORKER_2]]  # one worker at a time
    assert all(a["end"] <= b["start"] for a, b in zip(first, first[1:]))
    assert stale["commands"] == ["rollingRestart", "deployClientConfig"], stale
    assert json.loads(sim.log.entries("POST", "/services/yarn/commands/rollingRestart$")[1].body) == \
        {"slaveBatchSize": 2, "staleConfigsOnly": True}
    second = [e for e in sim.restart_log if e["command"] != first[0]["command"]]
    assert [(e["kind"], sorted(e["where"])) for e in second] == [("slaves", [WORKER_1, WORKER_2])]
    assert stale["service"]["config_staleness_status"] == "FRESH"
    assert not again["changed"], again


def test_sensitive_settings_are_masked_and_compared_without_printing(sim, ansible):
    ansible.run_tasks([service_task(sim, s) for s in (ZOOKEEPER, HDFS)])
    secret = dict(name="hdfs", config={"ssl_server_keystore_password": SECRET},
                  role_config_groups=[{"role_type": "DATANODE", "config": {"ssl_server_keystore_password": SECRET}}])
    run = ansible.run_tasks([dict(service_task(sim, secret), check_mode=True), service_task(sim, secret),
                             service_task(sim, secret)], diff=True, verbosity=3)
    predicted, applied, redacted = run.results
    assert SECRET not in run.stdout + run.stderr and SECRET not in json.dumps(run.results)
    assert predicted["changed"] and applied["changed"]
    assert applied["service"]["config"] == {"ssl_server_keystore_password": "********"}
    assert applied["diff"]["after"]["config"] == {"ssl_server_keystore_password": "********"}
    assert applied["diff"]["before"]["config"] == {"ssl_server_keystore_password": None}
    assert applied["service"]["role_config_groups"][0]["config"] == {"ssl_server_keystore_password": "********"}
    assert sim.clusters["platform"]["services"]["hdfs"]["config"]["ssl_server_keystore_password"] == SECRET
    # CM 7 answers it as REDACTED: it cannot be compared, so the task leaves it and says so
    assert not redacted["changed"], redacted
    assert any("REDACTED" in warning for warning in redacted["warnings"])
    sim.control_set_api_redaction(False)
    changed = dict(secret, config={"ssl_server_keystore_password": SECRET + "-2"}, role_config_groups=None)
    run = ansible.run_tasks([service_task(sim, secret), service_task(sim, changed), service_task(sim, changed)],
                            diff=True, verbosity=3)
    same, new, new_again = run.results
    assert SECRET not in run.stdout + run.stderr
    assert not same["changed"] and new["changed"] and not new_again["changed"], run.results
    assert new["diff"]["before"]["config"] == new["diff"]["after"]["config"] == {"ssl_server_keystore_password": "********"}


def test_display_name_maintenance_and_bad_input(sim, ansible):
    ansible.run_tasks([service_task(sim, ZOOKEEPER)])
    sim.log.clear()
    run = ansible.run_tasks([
        service_task(sim, name="zookeeper", display_name="ZooKeeper", maintenance=True),
        service_task(sim, name="zookeeper", display_name="ZooKeeper", maintenance=True),
        service_task(sim, name="zookeeper", maintenance=False),
        service_task(sim, name="zookeeper", roles=[{"type": "SERVER", "hosts": ["nowhere.example.com"]}]),
        service_task(sim, name="zookeeper", roles=[{"type": "NAMENODE", "hosts": [MASTER]}]),
        service_task(sim, name="zookeeper", role_config_groups=[{"name": "zk-custom", "config": {}}]),
        service_task(sim, name="zookeeper", role_config_groups=[{"role_type": "SERVER", "config": {"nope": 1}}]),
        service_task(sim, name="zookeeper", rolling={"batch_size": 0}, state="restarted"),
        service_task(sim, name="zookeeper", purge_roles=True),
        service_task(sim, name="zookeeper", roles=[{"type": "SERVER", "hosts": [MASTER], "role_config_group": ".."}]),
        service_task(sim, name="..", state="absent"),
        service_task(sim, name="", state="restarted"),
    ], diff=True)
    named, named_again, out, no_host, wrong_type, no_group, unknown_key, bad_rolling, purge_alone, dots = run.results[:10]
    parent, empty = run.results[10:]
    # issue 12 item 2: a name that would address the cluster (or the service list) is refused before any request
    assert_clean_failure(parent, "option 'name'", "'..'")
    assert_clean_failure(empty, "option 'name'")
    assert named["changed"] and named["commands"] == ["enterMaintenanceMode"], named
    assert named["service"]["display_name"] == "ZooKeeper" and named["service"]["maintenance_mode"] is True
    assert named["diff"] == {"before": {"service_state": "STARTED", "display_name": "ZOOKEEPER", "maintenance_mode": False},
                             "after": {"service_state": "STARTED", "display_name": "ZooKeeper", "maintenance_mode": True}}
    assert not named_again["changed"] and out["changed"] and out["service"]["maintenance_mode"] is False
    assert_clean_failure(no_host, "option 'roles'", "nowhere.example.com", MASTER)
    assert_clean_failure(wrong_type, "HTTP 400", "Invalid role type 'NAMENODE'")
    assert wrong_type["changed"] is False
    assert_clean_failure(no_group, "option 'role_config_groups'", "zk-custom", "role_type")
    assert_clean_failure(unknown_key, "option 'role_config_groups'", "nope", "SERVER")
    assert_clean_failure(bad_rolling, "option 'rolling.batch_size'", "1 or more")
    assert_clean_failure(purge_alone, "option 'purge_roles'", "needs roles")
    assert_clean_failure(dots, "roles[0].role_config_group")
    assert [e.path.rsplit("/", 1)[1] for e in sim.log.mutating()] == ["zookeeper", "enterMaintenanceMode", "exitMaintenanceMode", "roles"]


def test_check_mode_on_an_empty_estate_predicts_without_failing(start_simulator, ansible):
    sim = start_simulator("cm", speed=100, clusters=())
    with_secret = dict(HDFS, config=dict(HDFS["config"], ssl_server_keystore_password=SECRET))
    run = ansible.run_tasks([service_task(sim, s) for s in (ZOOKEEPER, with_secret, YARN)], check=True, diff=True)
    assert [r["changed"] for r in run.results] == [True, True, True], run.results
    # nothing to ask CM whether it is sensitive: a password-like name is masked all the same
    assert run.results[1]["service"]["config"]["ssl_server_keystore_password"] == "********"
    assert SECRET not in run.stdout + run.stderr and SECRET not in json.dumps(run.results)
    assert [r["commands"] for r in run.results] == [["firstRun"]] * 3
    assert run.results[2]["service"]["roles"][0]["hostname"] == MASTER
    assert any("not a host of cluster Platform 1 (yet)" in w for w in run.results[0]["warnings"])
    assert sim.log.mutating() == []


def test_the_cm_services_role_goes_in_dependency_order_and_back(sim, ansible):
    """roles/cm_services from inventory-like variables listed in the wrong order: created and first-run ZooKeeper,
    HDFS, YARN; a second pass changes nothing; the teardown override removes them in reverse order."""
    def role(**variables):
        task = {"name": "services", "ansible.builtin.include_role": {"name": "bigdata.platform.cm_services"},
                "vars": dict({"cm_services_cluster": CLUSTER, "cm_services_list": [YARN, HDFS, ZOOKEEPER]}, **variables)}
        return ansible.run_tasks([task], module_defaults={"group/bigdata.platform.cloudera_manager": connection(sim)})

    first = role()
    assert not any(r.get("failed") for r in first.results), first.output
    assert [e.path.split("/")[-3] for e in sim.log.entries("POST", "/commands/firstRun$")] == ["zookeeper", "hdfs", "yarn"]
    sim.log.clear()
    second = role()
    assert not any(r.get("changed") for r in second.results) and sim.log.mutating() == [], second.output
    teardown = role(cm_services_state_override="absent")
    assert not any(r.get("failed") for r in teardown.results), teardown.output
    assert [e.path.split("/")[-1] for e in sim.log.entries("DELETE", "/services/")] == ["yarn", "hdfs", "zookeeper"]
    assert sim.clusters["platform"]["services"] == {}
