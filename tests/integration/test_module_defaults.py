"""module_defaults with the collection's action groups reaches every REST system's modules: one play gives
the connection options once per system, and the tasks carry none (what meta/runtime.yml action_groups is for)."""

import pytest

from integration.cm_common import connection as cm_connection


@pytest.fixture
def simulators(start_simulator):
    sims = {name: start_simulator(name, speed=50) for name in ("cm", "yarn", "sahara")}
    sims["rhev"] = start_simulator("rhev", speed=50, sample_vms=True)  # the engine starts with no VM otherwise
    return sims


def group_defaults(sims):
    return {
        "group/bigdata.platform.cloudera_manager": cm_connection(sims["cm"]),
        "group/bigdata.platform.yarn": {"rm_urls": [sims["yarn"].url]},
        "group/bigdata.platform.sahara": {"auth": sims["sahara"].auth_args()},
        "group/bigdata.platform.rhev": {"url": sims["rhev"].url + "/ovirt-engine/api",
                                        "username": "admin@internal", "password": "secret"},
    }


def test_each_group_gives_its_modules_their_connection(simulators, ansible):
    tasks = [
        {"bigdata.platform.cm_parcel_info": {"cluster": "Cluster 1"}},
        {"bigdata.platform.cm_service_info": {"cluster": "Cluster 1"}},
        {"bigdata.platform.yarn_app_info": {}},
        {"bigdata.platform.sahara_cluster_info": {}},
        {"bigdata.platform.rhev_vm_info": {}},
    ]
    run = ansible.run_tasks(tasks, module_defaults=group_defaults(simulators))

    parcels, services, apps, clusters, vms = run.results
    for result in run.results:
        assert not result.get("failed"), result
        assert result["changed"] is False
    assert parcels["parcels"] and services["services"] and vms["vms"]
    assert isinstance(apps["apps"], list) and isinstance(clusters["clusters"], list)
    for name, simulator in simulators.items():
        assert simulator.log.count("GET") > 0, name


def test_without_the_defaults_the_same_tasks_fail_naming_the_missing_option(simulators, ansible):
    run = ansible.run_tasks([{"bigdata.platform.cm_parcel_info": {"cluster": "Cluster 1"}}])
    result = run.results[0]
    assert result.get("failed")
    assert "host" in result["msg"], result["msg"]
    assert simulators["cm"].log.count() == 0
