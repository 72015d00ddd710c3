"""cm_service and cm_service_info against the Cloudera Manager simulator, through real ansible-playbook."""

import json

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import ClouderaManagerClient
from ansible_collections.bigdata.platform.plugins.module_utils.errors import WaitTimeout
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline
from ansible_collections.bigdata.platform.plugins.modules import cm_service
from integration.cm_common import CLUSTER, InProcessModule, task
from integration.playbook import assert_clean_failure
from simulators.cloudera_manager import CDH_7_1_8

SERVICE_KEYS = {"cluster", "name", "type", "display_name", "service_state", "health_summary", "config_staleness_status",
                "client_config_staleness_status", "maintenance_mode", "service_version", "cluster_display_name"}


@pytest.fixture
def sim(start_simulator):
    return start_simulator("cm", speed=100)


def service_task(sim, name="hdfs", **args):
    return task("cm_service", sim, name=name, **args)


def info_task(sim, **args):
    return task("cm_service_info", sim, **args)


def sent_commands(sim, name):
    return [entry.path.rsplit("/", 1)[1] for entry in sim.log.entries("POST", "/services/%s/commands/" % name)]


def test_config_check_apply_again_and_info(sim, ansible):
    args = dict(state="started", config={"dfs_replication": 2, "dfs_permissions": True},
                restart_on_config_change=True, rolling=True)
    check = ansible.run_tasks([service_task(sim, **args)], check=True, diff=True).results[0]
    assert check["changed"] and not check.get("failed"), check
    assert sim.log.mutating() == []
    assert check["commands"] == ["rollingRestart", "deployClientConfig"]
    assert check["diff"] == {"before": {"service_state": "STARTED", "config": {"dfs_replication": "3", "dfs_permissions": "true"}},
                             "after": {"service_state": "STARTED", "config": {"dfs_replication": "2", "dfs_permissions": "true"}}}

    run = ansible.run_tasks([service_task(sim, **args), service_task(sim, **args), info_task(sim, name="hdfs", config=True),
                             info_task(sim), service_task(sim, config={"dfs_replication": None}),
                             service_task(sim, config={"dfs_replication": None})], diff=True)
    applied, again, hdfs, every, reset, reset_again = run.results
    assert applied["changed"] and applied["commands"] == ["rollingRestart", "deployClientConfig"], applied
    assert set(applied) >= {"service", "commands", "diff"}
    assert set(applied["service"]) == SERVICE_KEYS | {"config", "roles"}
    assert applied["service"]["config"] == {"dfs_replication": "2", "dfs_permissions": "true"}
    assert applied["service"]["config_staleness_status"] == applied["service"]["client_config_staleness_status"] == "FRESH"
    assert applied["diff"]["after"]["config"] == {"dfs_replication": "2", "dfs_permissions": "true"}
    # Only the setting that differs is sent; the one already in effect (a default) is not.
    puts = sim.log.entries("PUT", "/services/hdfs/config$")
    assert [json.loads(put.body) for put in puts] == [{"items": [{"name": "dfs_replication", "value": "2"}]},
                                                      {"items": [{"name": "dfs_replication", "value": None}]}]
    assert not again["changed"] and again["commands"] == [], again
    assert sent_commands(sim, "hdfs") == ["rollingRestart", "deployClientConfig"]
    assert hdfs["services"][0]["config"]["dfs_replication"] == "2"
    assert hdfs["services"][0]["config"]["dfs_block_size"] == "134217728"
    assert set(hdfs["services"][0]) == SERVICE_KEYS | {"config"}
    assert [s["name"] for s in every["services"]] == ["hdfs", "yarn", "zookeeper"]
    assert set(every["services"][0]) == SERVICE_KEYS
    assert {k: v for k, v in applied["service"].items() if k not in ("config", "roles")} == every["services"][0]
    assert [(r["type"], r["role_state"]) for r in applied["service"]["roles"]] == \
        [("DATANODE", "STARTED")] * 3 + [("NAMENODE", "STARTED"), ("SECONDARYNAMENODE", "STARTED")]
    # null: back to the default (a change only while a value is set); the running service is now stale.
    assert reset["changed"] and reset["service"]["config"] == {"dfs_replication": "3"}, reset
    assert reset["diff"]["before"]["config"] == {"dfs_replication": "2"}
    assert reset["service"]["config_staleness_status"] == "STALE"
    assert not reset_again["changed"], reset_again


def test_lifecycle_create_start_stop_restart_delete(sim, ansible):
    kafka = dict(name="kafka", type="KAFKA")
    check = ansible.run_tasks([service_task(sim, state="started", **kafka)], check=True, diff=True).results[0]
    assert check["changed"] and check["commands"] == ["start"] and sim.log.mutating() == [], check
    assert check["diff"] == {"before": {}, "after": {"service_state": "STARTED"}}
    run = ansible.run_tasks([
        service_task(sim, state="started", **kafka), service_task(sim, state="started", **kafka),
        service_task(sim, name="kafka", state="stopped"), service_task(sim, name="kafka", state="stopped"),
        service_task(sim, name="kafka", state="restarted"), service_task(sim, name="kafka", state="restarted", rolling=True),
        dict(service_task(sim, name="kafka", state="absent"), check_mode=True),
        service_task(sim, name="kafka", state="absent"), service_task(sim, name="kafka", state="absent"),
        info_task(sim, name="kafka"),
    ], diff=True)
    created, again, stopped, stopped_again, restarted, rolled, predicted, deleted, deleted_again, info = run.results
    assert created["changed"] and created["commands"] == ["start"] and created["service"]["service_state"] == "STARTED"
    assert not again["changed"]
    assert stopped["commands"] == ["stop"] and stopped["service"]["service_state"] == "STOPPED"
    assert not stopped_again["changed"]
    assert restarted["changed"] and restarted["commands"] == ["restart"] and restarted["service"]["service_state"] == "STARTED"
    assert rolled["changed"] and rolled["commands"] == ["rollingRestart"]
    assert predicted["changed"] and predicted["commands"] == ["stop"], predicted
    assert deleted["changed"] and deleted["commands"] == ["stop"] and deleted["service"] is None
    assert deleted["diff"] == {"before": {"service_state": "STARTED"}, "after": {}}
    assert not deleted_again["changed"]
    assert info["services"] == []
    assert sent_commands(sim, "kafka") == ["start", "stop", "restart", "rollingRestart", "stop"]
    assert sim.log.count("DELETE", "/services/kafka$") == 1


STARTS = ["missing", "STOPPED", "STARTED", "STARTING", "STOPPING"]
EXPECTED = {  # (start, state) -> (commands, final service state or None when deleted)
    ("missing", "present"): ([], "STOPPED"), ("missing", "started"): (["start"], "STARTED"),
    ("missing", "stopped"): ([], "STOPPED"), ("missing", "restarted"): (["restart"], "STARTED"),
    ("missing", "absent"): ([], None),
    ("STOPPED", "present"): ([], "STOPPED"), ("STOPPED", "started"): (["start"], "STARTED"),
    ("STOPPED", "stopped"): ([], "STOPPED"), ("STOPPED", "restarted"): (["restart"], "STARTED"),
    ("STOPPED", "absent"): ([], None),
    ("STARTED", "present"): ([], "STARTED"), ("STARTED", "started"): ([], "STARTED"),
    ("STARTED", "stopped"): (["stop"], "STOPPED"), ("STARTED", "restarted"): (["restart"], "STARTED"),
    ("STARTED", "absent"): (["stop"], None),
    ("STARTING", "present"): ([], "STARTED"), ("STARTING", "started"): ([], "STARTED"),
    ("STARTING", "stopped"): (["stop"], "STOPPED"), ("STARTING", "restarted"): (["restart"], "STARTED"),
    ("STARTING", "absent"): (["stop"], None),
    ("STOPPING", "present"): ([], "STOPPED"), ("STOPPING", "started"): (["start"], "STARTED"),
    ("STOPPING", "stopped"): ([], "STOPPED"), ("STOPPING", "restarted"): (["restart"], "STARTED"),
    ("STOPPING", "absent"): ([], None),
}


def put_service_in(sim, client, start):
    """Kafka in `start`: missing, stopped, started, or with a start/stop command still running."""
    if start == "missing":
        return
    client.create_service(CLUSTER, "kafka", "KAFKA")
    if start != "STOPPED":
        sim.control_set_service(CLUSTER, "kafka", state="STARTED" if start in ("STARTED", "STOPPING") else "STOPPED")
    if start in ("STARTING", "STOPPING"):
        client.service_command(CLUSTER, "kafka", "start" if start == "STARTING" else "stop", Deadline(60), wait=False)


@pytest.mark.parametrize("start", STARTS)
def test_every_starting_state_reaches_every_state(sim, start):
    """Each run state the service can be in (a start or stop in progress included) to each `state`; 25 cases
    run in process (the same run() ansible-playbook calls), as 25 playbooks would take minutes."""
    client = ClouderaManagerClient("127.0.0.1", "admin", "admin", port=sim.port)
    in_progress = start in ("STARTING", "STOPPING")
    for state in ["present", "started", "stopped", "restarted", "absent"]:
        if in_progress:
            # Simulated time stands still until the module's first read of the service, then the command runs
            # its 0.2 s: the module finds it in progress however long the machine took to get there.
            sim.clock.set_speed(0)
        put_service_in(sim, client, start)
        assert start == "missing" or client.read_service(CLUSTER, "kafka")["serviceState"] == start
        if in_progress:
            sim.on_request(lambda request: sim.clock.set_speed(10), method="GET", path="/services/kafka$")
        sim.log.clear()
        params = service_task(sim, name="kafka", type="KAFKA", state=state)["bigdata.platform.cm_service"]
        result = cm_service.run(InProcessModule(cm_service.argument_spec(), params))
        commands, final = EXPECTED[(start, state)]
        assert result["commands"] == commands == sent_commands(sim, "kafka"), (start, state, result)
        exists = start != "missing"
        assert result["changed"] == (bool(commands) or exists == (state == "absent") or state == "restarted"), \
            (start, state, result)
        assert (result["service"] or {}).get("service_state") == final, (start, state, result)
        if final == "STARTED":
            client.service_command(CLUSTER, "kafka", "stop", Deadline(60))
        if final:
            client.delete_service(CLUSTER, "kafka")


def test_stale_after_parcel_activation_is_restarted(sim, ansible):
    run = ansible.run_tasks([
        task("cm_parcel", sim, version=CDH_7_1_8, state="activated"),
        info_task(sim),
        dict(service_task(sim, name="yarn", restart_on_config_change=True), check_mode=True),
        service_task(sim, name="yarn", restart_on_config_change=True),
        service_task(sim, name="yarn", restart_on_config_change=True),
        service_task(sim, name="zookeeper"),
    ])
    parcel, info, predicted, restarted, again, untouched = run.results
    assert parcel["parcel"]["stage"] == "ACTIVATED", parcel
    assert {s["config_staleness_status"] for s in info["services"]} == {"STALE"}
    assert predicted["changed"] and predicted["commands"] == ["restart", "deployClientConfig"], predicted
    assert restarted["commands"] == ["restart", "deployClientConfig"]
    assert restarted["service"]["config_staleness_status"] == restarted["service"]["client_config_staleness_status"] == "FRESH"
    assert not again["changed"], again
    assert not untouched["changed"] and untouched["service"]["config_staleness_status"] == "STALE"
    assert sent_commands(sim, "yarn") == ["restart", "deployClientConfig"]
    assert json.loads(sim.log.entries("POST", "/services/yarn/commands/deployClientConfig$")[0].body) == {"items": []}


def test_bad_input_and_a_failed_command_are_named(sim, ansible):
    sim.control_fail_next_command("zookeeper", message="Address already in use: 2181")
    run = ansible.run_tasks([
        service_task(sim, name="zookeeper", state="restarted"),
        service_task(sim, config={"dfs_nope": 1}),
        service_task(sim, name="kafka", state="started"),
        service_task(sim, type="YARN"),
        service_task(sim, cluster="Cluster 9"),
        info_task(sim, cluster="Cluster 9"),
        service_task(sim, name="kafka", type="NOT_A_TYPE"),
        service_task(sim, config={"dfs_replication": [2, 3]}),
    ])
    failed, unknown_key, no_type, wrong_type, no_cluster, info_no_cluster, bad_type, list_value = run.results
    # CM's message, and the cause that is in the failed child command
    assert_clean_failure(failed, "command restart on service zookeeper", "Failed to restart service.",
                         "Address already in use: 2181", "zookeeper-SERVER-")
    assert failed["last_state"]["success"] is False
    assert failed["changed"] is True and failed["commands"] == ["restart"]
    assert unknown_key["changed"] is False and unknown_key["commands"] == []
    assert_clean_failure(unknown_key, "option 'config'", "dfs_nope", "HDFS")
    assert_clean_failure(no_type, "option 'type'", "kafka")
    assert_clean_failure(wrong_type, "option 'type'", "'YARN'", "HDFS")
    assert_clean_failure(no_cluster, "option 'cluster'", "Cluster 9", "Cluster 1, Cluster 2")
    assert_clean_failure(info_no_cluster, "option 'cluster'", "Cluster 9")
    assert_clean_failure(bad_type, "HTTP 400", "NOT_A_TYPE")
    assert_clean_failure(list_value, "option 'config'", "dfs_replication", "one string")
    # the restart, and the refused creation of a service of an unknown type: nothing else was sent
    assert [entry.path.rsplit("/", 1)[-1] for entry in sim.log.mutating()] == ["restart", "services"]


def run_in_process(sim, **args):
    params = service_task(sim, **args)["bigdata.platform.cm_service"]
    return cm_service.run(InProcessModule(cm_service.argument_spec(), params))


def test_wait_false_returns_while_the_command_runs_and_a_timeout_names_it(sim):
    sim.clock.set_speed(0.01)  # the 2 s commands take 200 s: still running when the module reads, however loaded
    result = run_in_process(sim, name="zookeeper", state="stopped", wait=False)
    assert result["commands"] == ["stop"] and result["service"]["service_state"] == "STOPPING", result
    with pytest.raises(WaitTimeout, match="the task's timeout of 1s ran out .* last state seen: command Restart still active"):
        run_in_process(sim, name="hdfs", state="restarted", timeout=1)


@pytest.mark.parametrize("start", ["STARTING", "STOPPING"])
def test_check_mode_with_a_command_in_progress_predicts_what_the_run_does(sim, start):
    """A start or stop still running when the task reads the service: the run waits for it to settle and then
    decides, so check mode must predict from the state the command leads to, not from STARTING/STOPPING."""
    client = ClouderaManagerClient("127.0.0.1", "admin", "admin", port=sim.port)
    sim.clock.set_speed(0.01)  # the command stays in progress for the whole check-mode run
    for state in ["present", "started", "stopped", "restarted", "absent"]:
        put_service_in(sim, client, start)
        sim.log.clear()
        params = service_task(sim, name="kafka", type="KAFKA", state=state)["bigdata.platform.cm_service"]
        result = cm_service.run(InProcessModule(cm_service.argument_spec(), params, check_mode=True))
        commands, final = EXPECTED[(start, state)]
        assert sim.log.mutating() == [], (start, state)
        assert result["commands"] == commands, (start, state, result)
        assert result["changed"] == (bool(commands) or state in ("restarted", "absent")), (start, state, result)
        assert (result["service"] or {}).get("service_state") == final, (start, state, result)
        sim.clock.set_speed(100)
        settled = Deadline(10).wait_until(lambda: client.read_service(CLUSTER, "kafka"),
                                          lambda s: s["serviceState"] in ("STARTED", "STOPPED"), what="kafka to settle")
        if settled["serviceState"] == "STARTED":
            client.service_command(CLUSTER, "kafka", "stop", Deadline(60))
        client.delete_service(CLUSTER, "kafka")
        sim.clock.set_speed(0.01)


def test_a_delete_whose_retry_finds_the_service_gone_and_a_refused_start(sim, ansible):
    """Issue 12 items 3 and 9. The first DELETE is answered only after the client gave up (request_timeout 2 s) but
    CM deleted the service; the retry (held 0.8 s, so it lands after the first is done, and all of it within the
    request's time budget of 2 x request_timeout) that finds it gone (404) means success, changed. A start CM refuses (503 on the
    POST itself) changed nothing; a command CM accepted and that then failed did."""
    client = ClouderaManagerClient("127.0.0.1", "admin", "admin", port=sim.port)
    client.create_service(CLUSTER, "kafka", "KAFKA")
    sim.faults.add(method="DELETE", path="/services/kafka$", delay=2.4)
    sim.faults.add(method="DELETE", path="/services/kafka$", delay=0.8)
    sim.faults.add(method="POST", path="/services/zookeeper/commands/stop$", status=503, count=1)
    sim.control_fail_next_command("yarn", message="NodeManager did not stop")
    run = ansible.run_tasks([service_task(sim, name="kafka", state="absent", request_timeout=2),
                             service_task(sim, name="zookeeper", state="stopped"),
                             service_task(sim, name="yarn", state="stopped")])
    deleted, refused, failed = run.results
    assert deleted["changed"] is True and not deleted.get("failed") and deleted["service"] is None, deleted
    assert 404 in [entry.status for entry in sim.log.entries("DELETE", "/services/kafka$")]
    assert "kafka" not in sim.clusters["cluster"]["services"]
    assert_clean_failure(refused, "HTTP 503")
    assert refused["changed"] is False and refused["commands"] == []
    assert sim.log.count("POST", "/services/zookeeper/commands/stop$") == 1  # a POST is never sent twice
    assert_clean_failure(failed, "NodeManager did not stop")
    assert failed["changed"] is True and failed["commands"] == ["stop"]
