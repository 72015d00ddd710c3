"""sahara_node_group_template and sahara_cluster_template against the simulator, through real ansible-playbook."""

import json

import pytest

from integration.playbook import assert_clean_failure
from simulators.sahara import IMAGE_ID, NETWORK_ID, SaharaSimulator

NGT_KEYS = {"id", "name", "plugin", "plugin_version", "flavor_id", "node_processes", "image_id", "project_id"}
CT_KEYS = {"id", "name", "plugin", "plugin_version", "node_groups", "default_image_id", "neutron_management_network"}
VANILLA = {"plugin": "vanilla", "plugin_version": "2.7.1"}


@pytest.fixture
def sim(start_simulator):
    simulator = start_simulator(SaharaSimulator, speed=20)
    simulator.register_seed_image()
    return simulator


def ngt(sim, name, **args):
    return {"bigdata.platform.sahara_node_group_template": dict({"auth": sim.auth_args(), "name": name}, **args)}


def cluster_template(sim, **args):
    return {"bigdata.platform.sahara_cluster_template": dict({"auth": sim.auth_args(), "name": "small"}, **args)}


def templates(sim, workers=2, flavor="2", **extra):
    return [
        ngt(sim, "master", flavor_id="2", node_processes=["namenode", "resourcemanager"], **dict(VANILLA, **extra)),
        ngt(sim, "worker", flavor_id=flavor, node_processes=["nodemanager", "datanode"], image="sahara-vanilla-2.7.1",
            **dict(VANILLA, **extra)),
        cluster_template(sim, default_image="sahara-vanilla-2.7.1", neutron_management_network=NETWORK_ID,
                         node_groups=[{"name": "worker", "node_group_template": "worker", "count": workers},
                                      {"name": "master", "node_group_template": "master", "count": 1}],
                         **dict(VANILLA, **extra)),
    ]


def test_templates_create_update_delete_idempotently(sim, ansible):
    predicted = ansible.run_tasks(templates(sim)[:1], check=True, diff=True).results[0]
    assert predicted["changed"] and predicted["diff"]["after"]["flavor_id"] == "2" and predicted["diff"]["before"] == {}
    assert sim.mutations() == [] and sim.node_group_templates == {}

    info = [{"bigdata.platform.sahara_node_group_template_info": {"auth": sim.auth_args()}},
            {"bigdata.platform.sahara_cluster_template_info": {"auth": sim.auth_args(), "name": "small"}}]
    run = ansible.run_tasks(templates(sim) + templates(sim) + info)
    master, worker, small = run.results[:3]
    assert all(result["changed"] and not result.get("failed") for result in run.results[:3]), run.results[:3]
    assert all(result["changed"] is False for result in run.results[3:]), run.results[3:]
    ngt_info, ct_info = run.results[6:]
    assert ngt_info["node_group_templates"] == [master["node_group_template"], worker["node_group_template"]]
    assert ct_info["cluster_templates"] == [small["cluster_template"]]
    assert NGT_KEYS <= set(worker["node_group_template"]) and CT_KEYS <= set(small["cluster_template"])
    assert worker["node_group_template"]["image_id"] == IMAGE_ID
    assert worker["node_group_template"]["node_processes"] == ["datanode", "nodemanager"]
    assert small["cluster_template"]["node_groups"] == [
        {"name": "master", "node_group_template_id": master["node_group_template"]["id"], "count": 1},
        {"name": "worker", "node_group_template_id": worker["node_group_template"]["id"], "count": 2}]
    assert len(sim.log.mutating("/(node-group|cluster)-templates")) == 3

    sim.log.clear()
    changed = templates(sim, workers=4, flavor="3")[1:]
    checked = ansible.run_tasks(changed, check=True, diff=True).results
    assert [r["changed"] for r in checked] == [True, True] and sim.mutations() == []
    assert checked[0]["diff"]["after"]["flavor_id"] == "3" and checked[1]["cluster_template"]["node_groups"][1]["count"] == 4
    run = ansible.run_tasks(changed + [
        ngt(sim, "incomplete", flavor_id="2"),
        cluster_template(sim, name="broken", node_groups=[{"name": "w", "node_group_template": "nosuch", "count": 1}],
                         **VANILLA),
        ngt(sim, "bad-plugin", plugin="nosuch", plugin_version="1", flavor_id="2", node_processes=["datanode"]),
    ], diff=True)
    worker, small, incomplete, broken, bad_plugin = run.results
    assert worker["diff"]["before"]["flavor_id"] == "2" and worker["diff"]["after"]["flavor_id"] == "3"
    assert small["cluster_template"]["node_groups"][1]["count"] == 4
    updates = sim.mutations()
    assert [(entry.method, entry.status) for entry in updates] == [("PATCH", 202), ("PATCH", 202)], \
        "bad input is refused before any request, an unknown plugin too (checked against Sahara's plugins)"
    assert json.loads(updates[0].body) == {"flavor_id": "3"}, "only the changed field is sent"
    assert list(json.loads(updates[1].body)) == ["node_groups"]
    for result, fragments in ((incomplete, ("option 'plugin'", "required")),
                              (broken, ("node_groups.node_group_template", "nosuch")),
                              (bad_plugin, ("option 'plugin': 'nosuch' is not a plugin of this Sahara (it has cdh, "
                                            "spark, vanilla)",))):
        assert_clean_failure(result, *fragments)

    sim.log.clear()
    absent = [cluster_template(sim, state="absent"), ngt(sim, "worker", state="absent"), ngt(sim, "master", state="absent")]
    predicted = ansible.run_tasks(absent[:1], check=True, diff=True).results[0]
    assert predicted["changed"] and predicted["diff"]["after"] == {} and sim.mutations() == []
    run = ansible.run_tasks(absent + absent[:1])
    assert [result["changed"] for result in run.results] == [True, True, True, False]
    assert sim.node_group_templates == {} and sim.cluster_templates == {}


def test_templates_on_api_v11(sim, ansible):
    run = ansible.run_tasks(templates(sim, api_version="1.1") + [
        ngt(sim, "worker", flavor_id="3", api_version="1.1"),
        cluster_template(sim, state="absent", api_version="1.1")])
    assert [result["changed"] for result in run.results] == [True] * 5, run.results
    assert run.results[1]["node_group_template"]["plugin_version"] == "2.7.1"
    sahara = sim.mutations()
    assert [entry.method for entry in sahara] == ["POST", "POST", "POST", "PUT", "DELETE"]
    assert all(entry.path.startswith("/v1.1/") for entry in sahara)
    assert json.loads(sahara[0].body)["hadoop_version"] == "2.7.1"
