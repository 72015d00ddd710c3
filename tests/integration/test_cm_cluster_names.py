"""Every cm_* module (the cloudera_manager action group) names the cluster by its internal name or its display
name, uses the internal name in API paths, and returns both. A module added to the group without a case here
fails the first test."""

import os

import pytest
import yaml

from collection import REPO_ROOT
from integration.cm_common import connection
from simulators.cloudera_manager import CDH_7_1_7

# module -> (arguments besides cluster (the name goes under `cluster_option`), where the names are in the result)
CASES = {
    "cm_cluster": ({}, "name", lambda r: (r["cluster"]["name"], r["cluster"]["display_name"])),
    "cm_cluster_info": ({}, "name", lambda r: (r["clusters"][0]["name"], r["clusters"][0]["display_name"])),
    "cm_host": ({"hostname": "c1-node-1.example.com"}, "cluster",
                lambda r: (r["host"]["cluster"], r["host"]["cluster_display_name"])),
    "cm_host_info": ({}, "cluster", lambda r: (r["hosts"][0]["cluster"], r["hosts"][0]["cluster_display_name"])),
    "cm_host_template": ({"name": "workers", "role_config_groups": [{"service": "hdfs", "type": "DATANODE"}]}, "cluster",
                         lambda r: (r["host_template"]["cluster"], r["host_template"]["cluster_display_name"])),
    "cm_host_template_info": ({}, "cluster", lambda r: (r["host_templates"][0]["cluster"],
                                                        r["host_templates"][0]["cluster_display_name"])),
    "cm_parcel": ({"version": CDH_7_1_7}, "cluster", lambda r: (r["parcel"]["cluster"], r["parcel"]["cluster_display_name"])),
    "cm_parcel_info": ({}, "cluster", lambda r: (r["parcels"][0]["cluster"], r["parcels"][0]["cluster_display_name"])),
    "cm_service": ({"name": "hdfs"}, "cluster", lambda r: (r["service"]["cluster"], r["service"]["cluster_display_name"])),
    "cm_service_info": ({"name": "hdfs"}, "cluster",
                        lambda r: (r["services"][0]["cluster"], r["services"][0]["cluster_display_name"])),
    "cm_role": ({"service": "hdfs", "hosts": ["c1-node-1.example.com"], "state": "started"}, "cluster",
                lambda r: (r["cluster"], r["cluster_display_name"])),
}


def cm_modules():
    with open(os.path.join(REPO_ROOT, "meta", "runtime.yml")) as handle:
        return sorted(yaml.safe_load(handle)["action_groups"]["cloudera_manager"])


def test_every_cm_module_has_a_case():
    assert sorted(CASES) == cm_modules()


@pytest.mark.parametrize("named", ["cluster", "Cluster 1"])
def test_each_module_takes_the_name_or_display_name_and_returns_both(start_simulator, ansible, named):
    sim = start_simulator("cm", speed=100)
    tasks = []
    for module, (args, option, dummy) in sorted(CASES.items()):
        tasks.append({"bigdata.platform." + module: dict(connection(sim), **dict(args, **{option: named}))})
    results = ansible.run_tasks(tasks).results
    for (module, (args, option, names)), result in zip(sorted(CASES.items()), results):
        assert not result["failed"], (module, result)
        assert names(result) == ("cluster", "Cluster 1"), (module, result)
    # Only cm_host_template had something to create; the rest found everything as asked.
    assert [module for (module, dummy), result in zip(sorted(CASES.items()), results) if result["changed"]] == ["cm_host_template"]
    # Paths carry the internal name. The display name goes only into the cluster's own lookup (GET
    # /clusters/{name given}, which finds an internal name at once; its answer names the internal name).
    paths = [entry.path for entry in sim.log.entries()]
    assert not [path for path in paths if ("Cluster%201" in path or "Cluster 1" in path)
                and path != "/api/v51/clusters/Cluster%201"]
    assert [path for path in paths if "/clusters/cluster/" in path]
