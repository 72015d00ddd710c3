"""Requests per no-op of every cm_* module (issue 13: at most 3; CM has no login round trip, basic auth goes
with every request), counted from the simulator's request log. Each module talks to its own simulator in one
ansible-playbook run, so each log holds exactly that task's requests."""

import pytest

from integration.cm_common import connection
from integration.test_cm_cluster_names import cm_modules
from simulators.cloudera_manager import CDH_7_1_7

HOSTS = ["c1-node-%d.example.com" % number for number in (1, 2, 3)]  # the seeded Cluster 1's agents
TEMPLATE_GROUPS = [{"service": "hdfs", "type": "DATANODE"}]
# module -> its arguments on the seeded estate, where each is already as asked (cm_host_template's template is
# made before the run).
NO_OPS = {
    "cm_parcel": dict(cluster="Cluster 1", version=CDH_7_1_7, state="activated"),
    "cm_parcel_info": dict(cluster="Cluster 1"),
    "cm_service": dict(cluster="Cluster 1", name="hdfs", state="started"),
    "cm_service_info": dict(cluster="Cluster 1"),
    "cm_cluster": dict(name="cluster", display_name="Cluster 1", hosts=HOSTS, state="started"),
    "cm_cluster_info": dict(name="Cluster 1"),
    "cm_host": dict(hostname=HOSTS[0], cluster="Cluster 1"),
    "cm_host_info": dict(cluster="Cluster 1"),
    "cm_host_template": dict(cluster="Cluster 1", name="workers", role_config_groups=TEMPLATE_GROUPS),
    "cm_host_template_info": dict(cluster="Cluster 1"),
    "cm_role": dict(cluster="Cluster 1", service="hdfs", hosts=[HOSTS[0]], state="started"),
}
BUDGET = 3


def run_each_on_its_own_simulator(start_simulator, ansible, cases, **simulator_options):
    """{name: (result, [requests])} for cases {name: (module, args)}, one simulator per case."""
    sims = {}
    for name, (module, args) in cases.items():
        sims[name] = sim = start_simulator("cm", speed=100, **simulator_options)
        if module == "cm_host_template":
            create_template(sim)
        sim.log.clear()
    tasks = [{"bigdata.platform." + module: dict(connection(sims[name]), **args)} for name, (module, args) in cases.items()]
    results = ansible.run_tasks(tasks).results
    return {name: (result, sims[name].log.entries()) for name, result in zip(cases, results)}


def create_template(sim):
    from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import ClouderaManagerClient
    from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import create_host_template

    client = ClouderaManagerClient("127.0.0.1", "admin", "admin", port=sim.port)
    create_host_template(client, "cluster", "workers", ["hdfs-DATANODE-BASE"])


def test_every_cm_module_has_a_no_op_case():
    assert sorted(NO_OPS) == cm_modules()


def test_every_cm_no_op_sends_at_most_3_requests_and_none_mutating(start_simulator, ansible):
    runs = run_each_on_its_own_simulator(start_simulator, ansible, {m: (m, args) for m, args in NO_OPS.items()})
    over = {}
    for module, (result, requests) in runs.items():
        assert not result["failed"] and not result["changed"], (module, result)
        assert [r for r in requests if r.method != "GET"] == [], (module, requests)
        # No discovery on a CM that offers the API version the modules know.
        assert not [r for r in requests if r.path == "/api/version"], (module, requests)
        if len(requests) > BUDGET:
            over[module] = requests
    assert over == {}, over


def test_cluster_info_without_a_name_reads_the_hosts_once_and_services_per_cluster(start_simulator, ansible):
    (result, requests), = run_each_on_its_own_simulator(
        start_simulator, ansible, {"all": ("cm_cluster_info", {})}).values()
    assert [c["name"] for c in result["clusters"]] == ["cluster", "cluster2"]
    assert [c["hosts"] for c in result["clusters"]] == [HOSTS, ["c2-node-%d.example.com" % n for n in (1, 2, 3)]]
    # The list, every host (with its clusterRef), then each cluster's services: an inventory of N clusters.
    assert [r.path for r in requests] == ["/api/v51/clusters", "/api/v51/hosts", "/api/v51/clusters/cluster/services",
                                          "/api/v51/clusters/cluster2/services"]


@pytest.mark.parametrize("module", ["cm_service", "cm_parcel"])
def test_an_older_cm_costs_its_version_read_once_and_the_run_is_the_same(start_simulator, ansible, module):
    """A CM 7.1 (API v43): the first read at v51 answers 404, /api/version says v43, the read goes again at v43."""
    (result, requests), = run_each_on_its_own_simulator(
        start_simulator, ansible, {module: (module, NO_OPS[module])}, latest_api=43).values()
    assert not result["failed"] and not result["changed"], result
    assert [(r.path, r.status) for r in requests[:3]] == [
        ("/api/v51/clusters/Cluster%201", 404), ("/api/version", 200), ("/api/v43/clusters/Cluster%201", 200)]
    assert all(r.path.startswith("/api/v43/") for r in requests[3:]) and len(requests) <= BUDGET + 2, requests


def test_a_pinned_version_costs_the_same_and_a_display_name_cm_refused_in_paths_two_more(
        start_simulator, ansible):
    cases = {
        "pinned": ("cm_service", dict(NO_OPS["cm_service"], cluster="cluster", api_version="v51")),
        "display name not in paths": ("cm_service", NO_OPS["cm_service"]),
    }
    runs = run_each_on_its_own_simulator(start_simulator, ansible, cases, display_names_in_paths=False)
    pinned, display = runs["pinned"], runs["display name not in paths"]
    for result, dummy in (pinned, display):
        assert not result["failed"] and not result["changed"], result
        assert (result["service"]["cluster"], result["service"]["cluster_display_name"]) == ("cluster", "Cluster 1")
    assert len(pinned[1]) == BUDGET, pinned[1]
    # A CM that takes only internal names in paths answers 404 to the display name; a 404 at the first request
    # could also mean an older CM, so /api/version is read (v51: the 404 was the name), then the list finds it.
    assert [r.path for r in display[1][:4]] == ["/api/v51/clusters/Cluster%201", "/api/version", "/api/v51/clusters",
                                                 "/api/v51/clusters/cluster/services/hdfs"]
    assert len(display[1]) == BUDGET + 2, display[1]
