"""cm_role against the Cloudera Manager simulator, through real ansible-playbook: the roles of one host stopped
for maintenance and started again, while the rest of the service runs."""

import pytest

from integration.cm_common import task
from integration.playbook import assert_clean_failure

ROLE_KEYS = {"name", "type", "hostname", "host_id", "role_state", "health_summary", "config_staleness_status",
             "commission_state", "maintenance_mode", "role_config_group"}
WORKER = "c1-node-3.example.com"


@pytest.fixture
def sim(start_simulator):
    return start_simulator("cm", speed=100)


def role_task(sim, **args):
    return task("cm_role", sim, **dict(dict(service="hdfs", hosts=[WORKER]), **args))


def role_states(sim, service="hdfs"):
    roles = sim.clusters["cluster"]["services"][service]["roles"].values()
    return {(role["type"], sim.hosts[role["hostId"]]["hostname"]): sim.role_state(sim.clusters["cluster"]["services"][service], role)
            for role in roles}


def test_one_host_down_for_maintenance_and_back(sim, ansible):
    check = ansible.run_tasks([role_task(sim, state="stopped", maintenance=True)], check=True, diff=True).results[0]
    assert check["changed"] and check["commands"] == ["enterMaintenanceMode", "stop"], check
    assert sim.log.mutating() == []
    assert check["roles"][0]["role_state"] == "STOPPED" and check["roles"][0]["maintenance_mode"] is True
    assert check["diff"]["before"] == {"DATANODE@" + WORKER: {"role_state": "STARTED", "maintenance_mode": False}}
    run = ansible.run_tasks([
        role_task(sim, state="stopped", maintenance=True),
        role_task(sim, state="stopped", maintenance=True),
        role_task(sim, cluster="cluster", state="started", maintenance=False),
        role_task(sim, state="started", maintenance=False),
    ], diff=True)
    stopped, stopped_again, started, started_again = run.results
    assert stopped["changed"] and stopped["commands"] == ["enterMaintenanceMode", "stop"], stopped
    assert [(r["type"], r["hostname"], r["role_state"], r["maintenance_mode"]) for r in stopped["roles"]] == \
        [("DATANODE", WORKER, "STOPPED", True)]
    assert set(stopped["roles"][0]) == ROLE_KEYS
    assert (stopped["cluster"], stopped["cluster_display_name"]) == ("cluster", "Cluster 1")
    assert not stopped_again["changed"] and stopped_again["commands"] == [], stopped_again
    assert started["changed"] and started["commands"] == ["exitMaintenanceMode", "start"], started
    assert started["roles"][0]["role_state"] == "STARTED" and started["roles"][0]["maintenance_mode"] is False
    assert not started_again["changed"], started_again
    # Only the worker's role was touched; the service ran throughout.
    assert [entry.path.rsplit("/", 1)[1] for entry in sim.log.mutating()] == \
        ["enterMaintenanceMode", "stop", "exitMaintenanceMode", "start"]
    assert set(role_states(sim).values()) == {"STARTED"}
    assert sim.clusters["cluster"]["services"]["hdfs"]["state"] == "STARTED"


def test_stopped_roles_of_a_host_leave_the_others_running(sim, ansible):
    result = ansible.run_tasks([role_task(sim, service="yarn", state="stopped")]).results[0]
    assert result["changed"] and [r["type"] for r in result["roles"]] == ["NODEMANAGER"]
    states = role_states(sim, "yarn")
    assert states[("NODEMANAGER", WORKER)] == "STOPPED"
    assert {state for key, state in states.items() if key != ("NODEMANAGER", WORKER)} == {"STARTED"}


def test_restarted_always_restarts_the_chosen_types(sim, ansible):
    run = ansible.run_tasks([
        role_task(sim, hosts=["c1-node-1.example.com"], role_types=["datanode"], state="restarted"),
        role_task(sim, hosts=["c1-node-1.example.com"], role_types=["DATANODE"], state="restarted"),
    ])
    first, second = run.results
    assert first["changed"] and second["changed"] and first["commands"] == ["restart"]
    assert [r["type"] for r in first["roles"]] == ["DATANODE"]  # not the NameNode on the same host
    assert [(e["kind"], e["where"]) for e in sim.restart_log] == [("slaves", ["c1-node-1.example.com"])] * 2


def test_bad_input_and_a_failed_role_command_are_named(sim, ansible):
    sim.control_fail_next_role_command("hdfs", WORKER, message="DataNode: Address already in use: 9866")
    sim.control_set_service("Cluster 1", "hdfs", state="STARTED")
    run = ansible.run_tasks([
        role_task(sim, state="stopped"),
        role_task(sim, state="restarted"),
        role_task(sim, hosts=["nowhere.example.com"], state="stopped"),
        role_task(sim, hosts=["c1-node-3.example.com"], role_types=["NAMENODE"], state="stopped"),
        role_task(sim, service="nope", state="stopped"),
        role_task(sim, cluster="Cluster 9", state="stopped"),
    ])
    stop, failed, no_host, no_role, no_service, no_cluster = run.results
    assert stop["changed"]
    assert_clean_failure(failed, "restart of roles of service hdfs", "DataNode: Address already in use: 9866")
    assert failed["changed"] is True and failed["commands"] == ["restart"]
    assert_clean_failure(no_host, "option 'hosts'", "nowhere.example.com", "c1-node-1.example.com")
    assert no_host["changed"] is False
    assert_clean_failure(no_role, "option 'hosts'", WORKER, "NAMENODE")
    assert_clean_failure(no_service, "option 'service'", "'nope'", "not a service of cluster Cluster 1", "hdfs, yarn, zookeeper")
    assert_clean_failure(no_cluster, "option 'cluster'", "Cluster 9", "Cluster 1")
    assert [entry.path.rsplit("/", 1)[1] for entry in sim.log.mutating()] == ["stop", "restart"]
