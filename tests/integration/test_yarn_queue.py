"""yarn_queue and yarn_cluster_info against the YARN simulator's Capacity Scheduler, through real ansible-playbook.

The simulator starts from an empty estate (root.default at 100%), as a fresh cluster does."""

import json

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.modules import yarn_cluster_info, yarn_queue
from integration.playbook import assert_clean_failure

QUEUE_KEYS = set(yaml.safe_load(yarn_queue.RETURN)["queues"]["contains"])
PREFIX = "yarn.scheduler.capacity."
THREE = [{"path": "root.default", "capacity": 40},
         {"path": "root.etl", "capacity": 40, "maximum_capacity": 80, "properties": {"user-limit-factor": 2}},
         {"path": "root.adhoc", "capacity": 20}]


@pytest.fixture
def sim(start_simulator):
    return start_simulator("yarn", speed=50.0, empty=True)


def queue_task(sim, user="yarn", **args):
    return {"bigdata.platform.yarn_queue": dict(rm_urls=[sim.url], user=user, **args)}


def info_task(sim, **args):
    return {"bigdata.platform.yarn_cluster_info": dict(dict(rm_urls=[sim.url]), **args)}


def puts(sim):
    return sim.log.entries("PUT", "scheduler-conf$")


def capacities(sim):
    conf = sim.control_scheduler_conf()
    leaves = conf[PREFIX + "root.queues"].split(",")
    return {leaf: float(conf[PREFIX + "root.%s.capacity" % leaf]) for leaf in leaves}


def test_queues_created_in_one_put_then_unchanged_then_read_back(sim, ansible):
    create = queue_task(sim, queues=THREE)
    predicted = ansible.run_tasks([create], check=True, diff=True).results[0]
    assert predicted["changed"] and not predicted["failed"], predicted
    assert sim.log.mutating() == []
    assert predicted["diff"]["before"] == {"root.default": {"path": "root.default", "capacity": 100.0, "maximum_capacity": 100.0,
                                                            "state": "RUNNING", "properties": {}}}
    assert predicted["diff"]["after"]["root.etl"] == {"path": "root.etl", "capacity": 40.0, "maximum_capacity": 80.0,
                                                      "state": "RUNNING", "properties": {"user-limit-factor": "2"}}
    assert predicted["diff"]["after"]["root.default"]["capacity"] == 40.0

    run = ansible.run_tasks([create, create, info_task(sim)], diff=True)
    first, again, info = run.results
    assert first["changed"] and not first["failed"], first
    assert len(puts(sim)) == 1 and puts(sim)[0].status == 200
    assert [set(queue) for queue in first["queues"]] == [QUEUE_KEYS] * 3
    assert first["diff"] == predicted["diff"]
    assert capacities(sim) == {"default": 40.0, "etl": 40.0, "adhoc": 20.0}
    assert sim.control_scheduler_conf()[PREFIX + "root.etl.user-limit-factor"] == "2"
    assert not again["changed"] and again["mutations"] == [], again
    assert len(puts(sim)) == 1
    queues = {queue["path"]: queue for queue in info["scheduler"]["queues"]}
    assert set(queues) == {"root", "root.default", "root.etl", "root.adhoc"} and queues["root"]["children"] == [
        "root.default", "root.etl", "root.adhoc"]
    assert queues["root.etl"]["capacity"] == 40.0 and queues["root.etl"]["maximum_capacity"] == 80.0
    assert queues["root.etl"]["state"] == "RUNNING" and queues["root.etl"]["leaf"]


def test_a_capacity_change_is_one_put_with_its_diff_and_a_wrong_sum_is_refused_before_sending(sim, ansible):
    ansible.run_tasks([queue_task(sim, queues=THREE)])
    sim.log.clear()
    shift = queue_task(sim, queues=[{"path": "root.default", "capacity": 30}, {"path": "root.etl", "capacity": 50}])
    run = ansible.run_tasks([
        shift,
        queue_task(sim, path="root.etl", capacity=60),
        queue_task(sim, path="root.etl", maximum_capacity=100),
        queue_task(sim, queues=[{"path": "root.adhoc", "state": "absent"}]),
    ], diff=True)
    shifted, wrong_sum, growing, removal_breaking_the_sum = run.results
    assert shifted["changed"] and shifted["diff"]["before"]["root.etl"]["capacity"] == 40.0, shifted
    assert shifted["diff"]["after"]["root.etl"]["capacity"] == 50.0 and shifted["diff"]["after"]["root.default"]["capacity"] == 30.0
    assert_clean_failure(wrong_sum, "root.adhoc 20.0", "root.default 30.0", "root.etl 60.0", "would sum to 110.0")
    assert wrong_sum["changed"] is False
    assert growing["changed"] and growing["diff"]["after"]["root.etl"]["maximum_capacity"] == 100.0
    assert_clean_failure(removal_breaking_the_sum, "would sum to 80.0")
    assert [json.loads(entry.body) for entry in puts(sim)] == [
        {"update-queue": [{"queue-name": "root.default", "params": {"entry": [{"key": "capacity", "value": "30"}]}},
                          {"queue-name": "root.etl", "params": {"entry": [{"key": "capacity", "value": "50"}]}}]},
        {"update-queue": [{"queue-name": "root.etl", "params": {"entry": [{"key": "maximum-capacity", "value": "100"}]}}]}]


def test_a_removal_stops_then_removes_and_waits_for_the_queue_to_drain(sim, ansible):
    ansible.run_tasks([queue_task(sim, queues=THREE)])
    job = {"bigdata.platform.yarn_app": dict(rm_urls=[sim.url], user="etl", name="in-adhoc", queue="adhoc", state="running",
                                             commands=["sleep"], environment={"SIM_RUN_SECONDS": "20"})}
    removal = queue_task(sim, queues=[{"path": "root.adhoc", "state": "absent"}, {"path": "root.default", "capacity": 60}])
    sim.log.clear()
    predicted = ansible.run_tasks([removal], check=True, diff=True).results[0]
    assert predicted["changed"] and [list(m) for m in predicted["mutations"]] == [["update-queue"], ["remove-queue", "update-queue"]]
    assert "root.adhoc" not in predicted["diff"]["after"] and sim.log.mutating() == []

    run = ansible.run_tasks([job, removal, removal, info_task(sim, gather=["scheduler"])], diff=True)
    submitted, removed, again, info = run.results
    assert submitted["changed"] and submitted["app"]["state"] == "RUNNING", submitted
    assert removed["changed"] and not removed["failed"], removed
    bodies = [json.loads(entry.body) for entry in puts(sim)]
    assert bodies == [
        {"update-queue": [{"queue-name": "root.adhoc", "params": {"entry": [{"key": "state", "value": "STOPPED"}]}}]},
        {"remove-queue": ["root.adhoc"],
         "update-queue": [{"queue-name": "root.default", "params": {"entry": [{"key": "capacity", "value": "60"}]}}]}]
    assert removed["mutations"] == bodies
    # The second PUT went only once the app in adhoc had ended: the queue was DRAINING until then.
    app = sim.app_view(sim.cluster.apps[submitted["app"]["id"]])
    assert app["state"] == "FINISHED" and app["finishedTime"] > 0
    assert not again["changed"], again
    assert [queue["path"] for queue in info["scheduler"]["queues"]] == ["root", "root.default", "root.etl"]
    assert capacities(sim) == {"default": 60.0, "etl": 40.0}


def test_without_wait_a_draining_queue_fails_with_the_rms_message(sim, ansible):
    ansible.run_tasks([queue_task(sim, queues=THREE)])
    job = {"bigdata.platform.yarn_app": dict(rm_urls=[sim.url], user="etl", name="forever", queue="adhoc", state="running",
                                             commands=["sleep"], environment={"SIM_RUN_SECONDS": "forever"})}
    removal = queue_task(sim, wait=False, queues=[{"path": "root.adhoc", "state": "absent"}, {"path": "root.default", "capacity": 60}])
    job_result, removed = ansible.run_tasks([job, removal]).results
    assert job_result["changed"]
    assert_clean_failure(removed, "HTTP 400", "root.adhoc cannot be deleted from the capacity scheduler configuration",
                         "Current State : DRAINING")
    assert removed["changed"] is True and list(removed["mutations"][0]) == ["update-queue"], removed
    assert sim.control_scheduler_conf()[PREFIX + "root.adhoc.state"] == "STOPPED"


def test_a_store_that_is_not_mutable_a_non_admin_and_bad_input_fail_clearly(sim, ansible):
    run = ansible.run_tasks([
        queue_task(sim, user="etl", queues=THREE),
        queue_task(sim, path=""),
        queue_task(sim, path="."),
        queue_task(sim, path="root"),
        queue_task(sim, path="root..etl"),
        queue_task(sim, path="root.etl"),
        queue_task(sim, path="root.nope.etl", capacity=10),
        queue_task(sim, path="root.default", capacity=120),
        queue_task(sim, path="root.default", capacity=50, maximum_capacity=40),
        queue_task(sim, path="root.default", properties={"capacity": 5}),
        queue_task(sim, queues=[]),
        queue_task(sim, queues=[{"path": "root.default", "capacity": 100}, {"path": "root.default", "capacity": 100}]),
    ])
    (non_admin, empty, dot, root, double_dot, no_capacity, no_parent, too_big, max_below, managed_property, no_queues,
     twice) = run.results
    assert_clean_failure(non_admin, "HTTP 403", "Only admins can carry out this operation.")
    for result in (empty, dot):
        assert_clean_failure(result, "option 'path'")  # the shared identity guard
    for result in (root, double_dot):
        assert_clean_failure(result, "option 'path'", "is not a queue path below root")
    assert_clean_failure(no_capacity, "option 'capacity'", "required to add queue root.etl")
    assert_clean_failure(no_parent, "option 'path'", "its parent queue root.nope does not exist")
    assert_clean_failure(too_big, "option 'capacity'", "120")
    assert_clean_failure(max_below, "option 'maximum_capacity'", "below capacity")
    assert_clean_failure(managed_property, "option 'properties'", "capacity")
    assert_clean_failure(no_queues, "option 'queues'")
    assert_clean_failure(twice, "option 'queues.path'", "listed twice")
    assert [entry.status for entry in sim.log.mutating()] == [403]  # only the non-admin's, which the RM refused
    sim.log.clear()

    sim.control_set_conf_store("file")
    disabled = ansible.run_tasks([queue_task(sim, queues=THREE)], check=True).results[0]
    assert_clean_failure(disabled, "Configuration change only supported by MutableConfScheduler.",
                         "yarn.scheduler.configuration.store.class is 'file'")
    assert sim.log.mutating() == []


def test_cluster_info_reports_the_rm_metrics_nodes_queues_and_app_counts(start_simulator, ansible):
    sim = start_simulator("yarn", speed=50.0)
    standby = sim.start_standby()
    sim.control_set_node("worker-3.sim:8041", "UNHEALTHY", "1/1 local-dirs usable space is below configured utilization")
    sim.control_set_node("worker-4.sim:8041", "LOST")
    run = ansible.run_tasks([
        info_task(standby, rm_urls=[standby.url, sim.url]),
        info_task(sim, gather=["nodes"], node_states=["UNHEALTHY"]),
        info_task(sim, gather=["everything"]),
    ], check=True)
    everything, unhealthy, bad = run.results
    returned = yaml.safe_load(yarn_cluster_info.RETURN)
    assert set(everything["cluster"]) == set(returned["cluster"]["contains"])
    assert everything["cluster"]["ha_state"] == "ACTIVE" and everything["cluster"]["resource_manager_version"] == "3.3.6"
    assert everything["cluster"]["resource_managers"] == [{"url": standby.url, "ha_state": "STANDBY"},
                                                          {"url": sim.url, "ha_state": "ACTIVE"}]
    metrics = everything["metrics"]
    assert metrics["active_nodes"] == 2 and metrics["unhealthy_nodes"] == 1 and metrics["lost_nodes"] == 1
    assert metrics["apps_running"] == 2 and metrics["allocated_mb"] == 2048
    assert [node["state"] for node in everything["nodes"]] == ["RUNNING", "RUNNING", "UNHEALTHY", "LOST"]
    assert all(set(node) == set(returned["nodes"]["contains"]) for node in everything["nodes"])
    assert [node["id"] for node in unhealthy["nodes"]] == ["worker-3.sim:8041"]
    assert unhealthy["nodes"][0]["health_report"].startswith("1/1 local-dirs") and unhealthy["metrics"] == {}
    queues = everything["scheduler"]["queues"]
    assert everything["scheduler"]["type"] == "capacityScheduler"
    assert [queue["path"] for queue in queues] == ["root", "root.default", "root.etl", "root.adhoc"]
    assert all(set(queue) == set(returned["scheduler"]["contains"]["queues"]["contains"]) for queue in queues)
    assert {queue["path"]: queue["num_applications"] for queue in queues}["root.etl"] == 1
    assert everything["app_statistics"]["RUNNING"] == 2 and everything["app_statistics"]["FINISHED"] == 1
    assert_clean_failure(bad, "gather", "everything")
    assert sim.log.mutating() == [] and standby.log.mutating() == []


def role(name, **variables):
    return {"ansible.builtin.include_role": {"name": "bigdata.platform." + name}, "vars": variables}


DEMO_QUEUES = [{"path": "root.default", "capacity": 40}, {"path": "root.etl", "capacity": 40, "maximum_capacity": 80},
               {"path": "root.adhoc", "capacity": 20}]
DEMO_APPS = [{"name": "ingest", "queue": "etl", "tags": ["demo"], "commands": ["/bin/ingest"], "environment": {"SIM_RUN_SECONDS": "forever"}},
             {"name": "report", "queue": "adhoc", "tags": ["demo"], "commands": ["/bin/report"], "environment": {"SIM_RUN_SECONDS": "forever"}}]


def test_roles_create_the_queues_then_submit_into_them_and_tear_down_to_the_empty_estate(sim, ansible):
    """Issue 17/19: yarn_apps submits into queues yarn_queues created, on an RM that had only root.default."""
    defaults = {"group/bigdata.platform.yarn": {"rm_urls": [sim.url], "user": "hadoop"}}
    site = [role("yarn_queues", yarn_queues_list=DEMO_QUEUES), role("yarn_apps", yarn_apps_list=DEMO_APPS)]
    first = ansible.run_tasks(site, module_defaults=defaults)
    assert not any(result.get("failed") for result in first.results), first.output
    apps = {app["name"]: app for app in sim.control_apps()}
    assert {name: (app["queue"], app["state"]) for name, app in apps.items()} == {"ingest": ("etl", "RUNNING"),
                                                                                  "report": ("adhoc", "RUNNING")}
    assert capacities(sim) == {"default": 40.0, "etl": 40.0, "adhoc": 20.0}
    sim.log.clear()
    again = ansible.run_tasks(site, module_defaults=defaults)
    assert not any(result.get("changed") for result in again.results), again.output
    assert sim.log.mutating() == []

    teardown = [role("yarn_apps", yarn_apps_list=DEMO_APPS, yarn_apps_state_override="killed"),
                role("yarn_queues", yarn_queues_list=DEMO_QUEUES, yarn_queues_state_override="absent")]
    down = ansible.run_tasks(teardown, module_defaults=defaults)
    assert not any(result.get("failed") for result in down.results), down.output
    assert capacities(sim) == {"default": 100.0}
    assert {PREFIX + "root.etl.capacity", PREFIX + "root.adhoc.state"}.isdisjoint(sim.control_scheduler_conf())


@pytest.mark.parametrize("step", ["create", "remove"])
def test_a_put_applied_whose_answer_was_lost_is_not_a_failure(sim, ansible, step):
    """The RM applies the PUT and the connection closes before its answer: the PUT is sent again (PUT is
    idempotent for the HTTP layer) and the RM refuses the repeat ("Can't add existing queue root.etl",
    "Queue root.adhoc not found"). The configuration shows the change made, so the task succeeds."""
    if step == "remove":
        ansible.run_tasks([queue_task(sim, queues=THREE)])
        task = queue_task(sim, queues=[{"path": "root.adhoc", "state": "absent"}, {"path": "root.default", "capacity": 60}])
        expected = {"default": 60.0, "etl": 40.0}
    else:
        task = queue_task(sim, queues=THREE)
        expected = {"default": 40.0, "etl": 40.0, "adhoc": 20.0}
    sim.log.clear()
    sim.drop_answer_after_applying("PUT", "scheduler-conf$", skip=1 if step == "remove" else 0)  # remove: after the stop
    result, again = ansible.run_tasks([task, task]).results
    assert result["changed"] and not result["failed"], result
    assert not again["changed"], again
    assert capacities(sim) == expected
    statuses = [entry.status for entry in puts(sim)]
    assert 0 in statuses and 400 in statuses, statuses
