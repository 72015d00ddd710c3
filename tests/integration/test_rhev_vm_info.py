"""rhev_vm_info against the oVirt engine simulator, through real ansible-playbook."""

import pytest

from integration.playbook import assert_clean_failure

GIB = 1024 ** 3
VM_KEYS = {"id", "name", "status", "cluster", "template", "host", "memory", "memory_guaranteed", "cpu_sockets",
           "cpu_cores", "cpu_threads", "os_type", "description", "high_availability", "next_run", "pending", "clone",
           "disks", "nics", "initialization", "placement_policy", "placement_hosts", "affinity_groups", "tags", "fqdn",
           "ips"}


@pytest.fixture
def sim(start_simulator):
    simulator = start_simulator("rhev", speed=50, sample_vms=True)
    simulator.add_vm("Hadoop-Master", status="down", cluster="Default")  # differs from hadoop-master only in case
    simulator.add_vm("spark-1", status="suspended", cluster="Default", memory=2 * GIB)
    return simulator


def info(sim, **args):
    args.update(url=sim.url + "/ovirt-engine/api", username="admin@internal", password="secret")
    return {"bigdata.platform.rhev_vm_info": args}


def test_by_name_id_pattern_and_all_in_check_mode_too(sim, ansible):
    master_id = sim.find(sim.vms, "hadoop-master")
    run = ansible.run_tasks([
        info(sim, name="hadoop-master"),
        info(sim, id=master_id),
        info(sim, pattern="name=hadoop-*"),
        info(sim, pattern="name=hadoop-* and status=up"),
        info(sim),
        info(sim, name="no-such-vm"),
        info(sim, id="00000000-1111-2222-3333-444444444444"),
        info(sim, id="../clusters"),  # an id is one path segment: it cannot reach another collection
    ], check=True)
    by_name, by_id, pattern, pattern_up, everything, missing, missing_id, not_an_id = run.results
    assert sim.log.mutating(path="^/ovirt-engine/api") == []
    assert all(not result["changed"] and not result.get("failed") for result in run.results), run.results

    master = by_name["vms"][0]
    assert [vm["name"] for vm in by_name["vms"]] == ["hadoop-master"]  # exact match, not the case-insensitive search
    assert set(master) == VM_KEYS
    assert master["id"] == master_id and master["status"] == "up" and master["host"] in ("host1", "host2")
    assert (master["cluster"], master["template"], master["memory"], master["cpu_cores"]) == ("hadoop", "centos7-hadoop", 8 * GIB, 4)
    assert master["next_run"] is False and master["pending"] == {}
    assert by_id["vms"] == by_name["vms"]

    assert [vm["name"] for vm in pattern["vms"]] == ["Hadoop-Master", "hadoop-master", "hadoop-worker-1"]
    assert [vm["name"] for vm in pattern_up["vms"]] == ["hadoop-master"]
    statuses = {vm["name"]: vm["status"] for vm in everything["vms"]}
    assert statuses == {"Hadoop-Master": "down", "hadoop-master": "up", "hadoop-worker-1": "down", "spark-1": "suspended"}
    assert {vm["name"]: vm["host"] for vm in everything["vms"]}["hadoop-worker-1"] is None
    assert missing["vms"] == [] and missing_id["vms"] == [] and not_an_id["vms"] == []


def test_pending_next_run_configuration_is_shown(sim, ansible):
    run = ansible.run_tasks([
        {"bigdata.platform.rhev_vm": info(sim, name="hadoop-master", memory="12GiB", cpu_threads=2)["bigdata.platform.rhev_vm_info"]},
        info(sim, pattern="name=hadoop-master"),
    ])
    changed, found = run.results
    assert changed["changed"] and changed["vm"]["next_run"]
    assert [vm["name"] for vm in found["vms"]] == ["Hadoop-Master", "hadoop-master"]  # the engine's search ignores case
    master = found["vms"][1]
    assert master["next_run"] is True and master["pending"] == {"memory": 12 * GIB, "cpu_threads": 2}
    assert master["memory"] == 8 * GIB and master["cpu_threads"] == 1  # still running with the old values
    assert found["vms"][0]["next_run"] is False and found["vms"][0]["pending"] == {}


def test_bad_input_and_unreachable_engine_fail_clearly(sim, ansible):
    run = ansible.run_tasks([
        info(sim, name="hadoop-master", pattern="name=*"),
        {"bigdata.platform.rhev_vm_info": {"url": "engine.example.com", "username": "admin@internal", "password": "unused-pw"}},
        {"bigdata.platform.rhev_vm_info": {"url": "http://127.0.0.1:9/ovirt-engine/api", "token": "some-token-value", "request_timeout": 2}},
        {"bigdata.platform.rhev_vm_info": {"url": "https://[::1/ovirt-engine/api", "token": "some-token-value"}},
    ])
    exclusive, bad_url, unreachable, bad_ipv6 = run.results
    assert_clean_failure(exclusive, "mutually exclusive", "pattern")
    assert_clean_failure(bad_url, "option 'url'", "engine.example.com")
    assert_clean_failure(unreachable, "cannot reach the server")
    assert_clean_failure(bad_ipv6, "option 'url'", "[::1")


def test_tls_is_verified_unless_insecure_and_ca_file_comes_from_ovirt_cafile(start_simulator, certificate, ansible):
    sim = start_simulator("rhev", speed=50, tls=certificate, sample_vms=True)
    task = info(sim, name="hadoop-master")
    run = ansible.run_tasks([
        task,
        dict(task, environment={"OVIRT_CAFILE": certificate[0]}),
        {"bigdata.platform.rhev_vm_info": dict(task["bigdata.platform.rhev_vm_info"], insecure=True)},
    ])
    refused, with_ca, insecure = run.results
    assert_clean_failure(refused, "TLS verification failed")
    assert [vm["name"] for vm in with_ca["vms"]] == ["hadoop-master"], with_ca
    assert [vm["name"] for vm in insecure["vms"]] == ["hadoop-master"], insecure
    assert sim.log.count("POST", path="/sso/oauth/token$") == 2  # the refused task never reached the engine
