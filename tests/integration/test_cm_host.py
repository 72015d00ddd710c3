"""cm_host, cm_host_info and cm_host_template against the Cloudera Manager simulator, through real ansible-playbook."""

import pytest

from integration.cm_common import connection
from integration.playbook import assert_clean_failure

HOST_KEYS = {"host_id", "hostname", "ip_address", "rack_id", "cluster", "cluster_display_name", "health_summary",
             "commission_state", "maintenance_mode", "last_heartbeat", "num_cores", "total_phys_mem_bytes", "roles"}
NODES = [("node%d.example.com" % index, "10.1.0.%d" % index) for index in (1, 2, 3)]
WORKERS = [{"service": "hdfs", "type": "DATANODE"}, {"service": "yarn", "role_type": "NODEMANAGER"}]


@pytest.fixture
def sim(start_simulator):
    """Three agents have heartbeated; cluster 'cluster' ('Cluster 1') has HDFS and YARN, without roles yet."""
    sim = start_simulator("cm", speed=100, clusters=())
    sim.control_agent_heartbeat(hosts=[{"hostname": name, "ip_address": ip} for name, ip in NODES])
    sim.add_cluster("cluster", "Cluster 1", "7.1.7")
    sim.add_service("cluster", "hdfs", "HDFS", "STOPPED")
    sim.add_service("cluster", "yarn", "YARN", "STOPPED")
    return sim


def host_task(sim, hostname, **args):
    return {"bigdata.platform.cm_host": dict(connection(sim), hostname=hostname, **args)}


def template_task(sim, **args):
    return {"bigdata.platform.cm_host_template": dict(connection(sim), **dict(dict(cluster="Cluster 1", name="workers"), **args))}


def info_task(sim, **args):
    return {"bigdata.platform.cm_host_info": dict(connection(sim), **args)}


def role_types(sim, hostname):
    host = sim.host_by_name(hostname)["hostId"]
    return sorted(role["type"] for service, role in sim.roles_on_host(host))


def test_template_then_hosts_check_apply_again_info(sim, ansible):
    member = dict(cluster="Cluster 1", host_template="workers", rack_id="/rack1")
    check = ansible.run_tasks([template_task(sim, role_config_groups=WORKERS)]
                              + [host_task(sim, name, **member) for name, ip in NODES], check=True, diff=True).results
    assert all(result["changed"] and not result["failed"] for result in check), check
    assert sim.log.mutating() == []
    assert check[0]["host_template"]["role_config_groups"] == ["hdfs-DATANODE-BASE", "yarn-NODEMANAGER-BASE"]
    assert check[1]["commands"] == ["setRackId", "attach", "applyHostTemplate"]
    assert check[1]["diff"]["before"] == {"cluster": None, "rack_id": "/default", "maintenance_mode": False, "roles": []}

    tasks = [template_task(sim, role_config_groups=WORKERS)] + [host_task(sim, name, **member) for name, ip in NODES]
    applied = ansible.run_tasks(tasks).results
    again = ansible.run_tasks(tasks).results
    template, first = applied[0], applied[1]
    assert template["changed"] and template["host_template"] == {
        "name": "workers", "cluster": "cluster", "cluster_display_name": "Cluster 1",
        "role_config_groups": ["hdfs-DATANODE-BASE", "yarn-NODEMANAGER-BASE"]}, template
    assert first["changed"] and first["commands"] == ["setRackId", "attach", "applyHostTemplate"], first
    assert set(first["host"]) == HOST_KEYS
    assert (first["host"]["cluster"], first["host"]["cluster_display_name"], first["host"]["rack_id"]) == \
        ("cluster", "Cluster 1", "/rack1")
    assert len(first["host"]["roles"]) == 2
    assert not any(result["changed"] for result in again), again
    for name, ip in NODES:
        assert role_types(sim, name) == ["DATANODE", "NODEMANAGER"]
        assert sim.host_by_name(name)["cluster"] == "cluster"

    templates = {"bigdata.platform.cm_host_template_info": dict(connection(sim), cluster="Cluster 1")}
    found = ansible.run_tasks([info_task(sim, cluster="cluster", roles=True), info_task(sim, hostname="10.1.0.2"),
                               info_task(sim, hostname="nope.example.com"), templates]).results
    members, by_address, unknown, listed = found
    assert listed["host_templates"] == [template["host_template"]]
    assert [h["hostname"] for h in members["hosts"]] == [name for name, ip in NODES]
    assert {r["type"] for r in members["hosts"][0]["roles"]} == {"DATANODE", "NODEMANAGER"}
    assert set(members["hosts"][0]["roles"][0]) == {"name", "service", "type", "role_config_group"}
    assert by_address["hosts"] == [dict(applied[2]["host"], last_heartbeat=by_address["hosts"][0]["last_heartbeat"])]
    assert unknown["hosts"] == []


def test_register_a_host_whose_agent_has_not_heartbeated(sim, ansible):
    results = ansible.run_tasks([host_task(sim, "node9.example.com"),
                                 host_task(sim, "node9.example.com", ip_address="10.1.0.9", maintenance=True),
                                 host_task(sim, "node9.example.com", ip_address="10.1.0.9", maintenance=True)]).results
    no_address, registered, again = results
    assert_clean_failure(no_address, "option 'ip_address'", "node9.example.com", "has not heartbeated")
    assert registered["changed"] and registered["commands"] == ["register", "enterMaintenanceMode"], registered
    assert registered["host"]["health_summary"] == "BAD" and registered["host"]["last_heartbeat"] is None
    assert registered["host"]["host_id"] == "node9.example.com" and registered["host"]["maintenance_mode"]
    assert not again["changed"], again
    sim.control_agent_heartbeat("node9.example.com")
    healthy = ansible.run_tasks([info_task(sim, hostname="node9.example.com")]).results[0]["hosts"][0]
    assert healthy["health_summary"] == "GOOD" and healthy["host_id"] == "node9.example.com"


def test_a_host_with_roles_is_never_removed_silently(sim, ansible):
    ansible.run_tasks([template_task(sim, role_config_groups=WORKERS),
                       host_task(sim, "node1.example.com", cluster="Cluster 1", host_template="workers")])
    sim.log.clear()
    refused = ansible.run_tasks([host_task(sim, "node1.example.com", state="absent"),
                                 host_task(sim, "node1.example.com", state="detached"),
                                 {"bigdata.platform.cm_cluster": dict(connection(sim), name="Cluster 1", hosts=[],
                                                                      purge_hosts=True)}]).results
    for result in refused[:2]:
        assert_clean_failure(result, "option 'decommission'", "node1.example.com", "still carries roles", "DATANODE")
    assert_clean_failure(refused[2], "option 'purge_hosts'", "node1.example.com")
    assert sim.log.mutating() == [] and role_types(sim, "node1.example.com") == ["DATANODE", "NODEMANAGER"]

    check = ansible.run_tasks([host_task(sim, "node1.example.com", state="absent", decommission=True)], check=True).results[0]
    assert check["changed"] and check["commands"] == ["removeHostsFromCluster", "delete"] and check["host"] is None, check
    assert sim.log.mutating() == []
    removed, again = ansible.run_tasks([host_task(sim, "node1.example.com", state="absent", decommission=True),
                                        host_task(sim, "node1.example.com", state="absent")]).results
    assert removed["changed"] and removed["commands"] == ["removeHostsFromCluster", "delete"], removed
    assert not again["changed"] and again["host"] is None, again
    assert sim.host_by_name("node1.example.com") is None
    assert sim.clusters["cluster"]["hosts"] == [] and sim.clusters["cluster"]["services"]["hdfs"]["roles"] == {}


def test_detach_a_host_without_roles(sim, ansible):
    results = ansible.run_tasks([host_task(sim, "node2.example.com", cluster="cluster"),
                                 host_task(sim, "node2.example.com", state="detached"),
                                 host_task(sim, "node2.example.com", state="detached")]).results
    attached, detached, again = results
    assert attached["changed"] and attached["commands"] == ["attach"], attached
    assert detached["changed"] and detached["commands"] == ["detach"] and detached["host"]["cluster"] is None, detached
    assert not again["changed"], again
    assert sim.host_by_name("node2.example.com")["cluster"] is None


def test_bad_input_names_the_option_and_sends_nothing(sim, ansible):
    sim.log.clear()
    results = ansible.run_tasks([
        host_task(sim, "node1.example.com", rack_id="rack1"),
        host_task(sim, "node1.example.com", host_template="workers"),
        host_task(sim, "node1.example.com", cluster="Cluster 9"),
        host_task(sim, "node1.example.com", cluster="Cluster 1", host_template="nope"),
        host_task(sim, "node1.example.com", cluster="Cluster 1", state="detached"),
        host_task(sim, " "),
        template_task(sim, role_config_groups=[{"service": "hdfs", "type": "NOPE"}]),
        template_task(sim, role_config_groups=[{"service": "hbase", "type": "REGIONSERVER"}]),
        template_task(sim, role_config_groups=[{"service": "hdfs", "name": "hdfs-nope"}]),
        template_task(sim, role_config_groups=[{"service": "hdfs"}]),
        template_task(sim),
        template_task(sim, cluster="Cluster 9", role_config_groups=WORKERS),
        # A misspelt hostname with the address of another host: that other host is not deleted.
        host_task(sim, "node9.example.com", ip_address=NODES[0][1], state="absent"),
    ]).results
    rack, no_cluster, bad_cluster, bad_template, detached_member, blank, bad_type, bad_service, bad_group, neither, \
        no_groups, template_cluster, misspelt = results
    assert_clean_failure(rack, "option 'rack_id'", "rack1", "start with '/'")
    assert_clean_failure(no_cluster, "option 'host_template'", "needs the cluster option")
    assert_clean_failure(bad_cluster, "option 'cluster'", "Cluster 9", "clusters: Cluster 1; internal names: cluster")
    assert_clean_failure(bad_template, "option 'host_template'", "nope", "not a host template of cluster Cluster 1")
    assert_clean_failure(detached_member, "option 'cluster'", "state=detached")
    assert_clean_failure(blank, "option 'hostname'")
    assert_clean_failure(bad_type, "option 'role_config_groups.type'", "NOPE", "DATANODE")
    assert_clean_failure(bad_service, "option 'role_config_groups.service'", "hbase")
    assert_clean_failure(bad_group, "option 'role_config_groups.name'", "hdfs-nope", "hdfs-DATANODE-BASE")
    assert_clean_failure(neither, "type", "name")
    assert_clean_failure(no_groups, "option 'role_config_groups'", "required with state=present")
    assert_clean_failure(template_cluster, "option 'cluster'", "Cluster 9")
    assert_clean_failure(misspelt, "option 'hostname'", "node9.example.com", "is host node1.example.com's")
    assert not any(result["changed"] for result in results)
    assert sim.log.mutating() == []
