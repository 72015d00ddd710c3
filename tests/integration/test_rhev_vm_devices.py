"""rhev_vm builds platform nodes (issue 14): disks, NICs, cloud-init, addresses, placement, through real
ansible-playbook against the oVirt simulator, which starts with no VM at all."""

import time

import pytest

from integration.playbook import assert_clean_failure

GIB = 1024 ** 3
SPEED = 50
ROOT_PASSWORD = "Sup3r-S3cret-r00t-pw"
SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHadoopNodeTestKey ops@example.com"


@pytest.fixture
def sim(start_simulator):
    return start_simulator("rhev", speed=SPEED)


def connection(sim, **args):
    return dict(url=sim.url + "/ovirt-engine/api", username="admin@internal", password="secret", **args)


def vm_task(sim, **args):
    return {"bigdata.platform.rhev_vm": connection(sim, **args)}


def amended(args, **values):
    """args with values replaced (dict(args, key=...) for keys args already has, which pylint takes for a repeat)."""
    return {**args, **values}


def api_mutations(sim):
    return sim.log.mutating(path="^/ovirt-engine/api")


def node(**overrides):
    """A Hadoop worker from Blank: boot + data disk, management + data NIC, cloud-init with a static data address."""
    args = dict(
        name="worker-1", cluster="hadoop", memory="4GiB", cpu_cores=2, state="running",
        disks=[{"name": "worker-1-boot", "size": "20GiB", "storage_domain": "data", "bootable": True},
               {"name": "worker-1-data", "size": "100GiB", "storage_domain": "fast-ssd", "format": "raw",
                "interface": "virtio"}],
        nics=[{"name": "nic1", "network": "ovirtmgmt"}, {"name": "nic2", "network": "hadoop-data"}],
        cloud_init={"host_name": "worker-1.example.com", "user_name": "cloud-user", "root_password": ROOT_PASSWORD,
                    "authorized_ssh_keys": [SSH_KEY], "dns_servers": ["192.0.2.53"],
                    "nic_configurations": [{"name": "eth0", "boot_protocol": "dhcp"},
                                           {"name": "eth1", "ip": "198.51.100.21", "netmask": "255.255.255.0"}]},
        wait_for_ip=True, ip_range="198.51.100.0/24", tags=["hadoop", "workers"],
    )
    args.update(overrides)
    return args


def test_node_from_blank_check_mode_apply_idempotent_with_its_address(sim, ansible):
    args = node()
    check = ansible.run_module("rhev_vm", connection(sim, **args), check=True, diff=True)
    assert check["changed"] and not check["failed"], check
    assert api_mutations(sim) == []
    assert [(c["kind"], c["name"], c["action"]) for c in check["changes"]] == [
        ("initialization", "cloud_init", "update"),
        ("disk", "worker-1-boot", "create"), ("disk", "worker-1-data", "create"),
        ("nic", "nic1", "create"), ("nic", "nic2", "create"),
        ("tag", "hadoop", "add"), ("tag", "workers", "add")]
    assert check["changes"][2]["size"] == "100GiB" and check["changes"][4]["network"] == "hadoop-data"
    after = check["diff"]["after"]
    assert after["memory"] == "4GiB" and after["disks"]["worker-1-data"]["size"] == "100GiB"
    assert after["nics"]["nic2"]["network"] == "hadoop-data" and after["initialization"]["host_name"] == "worker-1.example.com"
    assert check["actions"] == ["start"] and check["vm"]["status"] == "up"

    run = ansible.run_tasks([vm_task(sim, **args), vm_task(sim, **args),
                             {"bigdata.platform.rhev_vm_info": connection(sim, name="worker-1")}], diff=True, verbosity=4)
    applied, again, info = run.results
    assert applied["changed"] and not applied["failed"], applied
    vm = applied["vm"]
    assert vm["status"] == "up" and vm["fqdn"] == "worker-1.example.com"
    assert "198.51.100.21" in vm["ips"] and any(ip.startswith("192.0.2.") for ip in vm["ips"])
    assert [(d["name"], d["size"], d["storage_domain"], d["bootable"]) for d in vm["disks"]] == [
        ("worker-1-boot", 20 * GIB, "data", True), ("worker-1-data", 100 * GIB, "fast-ssd", False)]
    assert [(n["name"], n["network"], n["interface"]) for n in vm["nics"]] == [
        ("nic1", "ovirtmgmt", "virtio"), ("nic2", "hadoop-data", "virtio")]
    assert vm["initialization"]["authorized_ssh_keys"] == SSH_KEY and "root_password" not in vm["initialization"]
    assert vm["tags"] == ["hadoop", "workers"] and vm["template"] == "Blank"
    guest = sim.guest_of("worker-1")
    assert guest["initialization"]["root_password"] == ROOT_PASSWORD  # the guest got it, persisted
    assert guest["initialization"]["host_name"] == "worker-1.example.com"
    assert not again["changed"] and again["changes"] == [] and again["actions"] == [], again
    assert info["vms"] == [again["vm"]]
    assert ROOT_PASSWORD not in run.output  # at -vvvv, with --diff
    start = [e for e in api_mutations(sim) if e.path.endswith("/start")]
    assert len(start) == 1 and '"use_cloud_init": true' in start[0].body


def test_noop_sends_three_requests_with_a_password_and_one_with_a_token(sim, ansible):
    args = node(wait_for_ip=False)
    assert not ansible.run_module("rhev_vm", connection(sim, **args))["failed"]
    sim.log.clear()
    again = ansible.run_module("rhev_vm", connection(sim, **args))
    assert not again["changed"], again
    assert [(e.method, e.path.rsplit("/", 1)[-1]) for e in sim.log.entries()] == [
        ("POST", "token"), ("GET", "vms"), ("POST", "sso-logout")]
    login = ansible.run_tasks([{"ansible.builtin.uri": {
        "url": sim.url + "/ovirt-engine/sso/oauth/token", "method": "POST", "body_format": "form-urlencoded",
        "body": {"grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal", "password": "secret"}}}])
    token = login.results[0]["json"]["access_token"]
    sim.log.clear()
    with_token = ansible.run_module("rhev_vm", dict(url=sim.url + "/ovirt-engine/api", token=token, **args))
    assert not with_token["changed"] and [e.method for e in sim.log.entries()] == ["GET"], with_token


def test_grow_a_disk_and_add_a_nic_on_the_running_node_then_refusals_change_nothing(sim, ansible):
    args = node(wait_for_ip=False, tags=None)
    assert not ansible.run_module("rhev_vm", connection(sim, **args))["failed"]
    grown = amended(args, disks=[{"name": "worker-1-data", "size": "150GiB"}],
                    nics=[{"name": "nic3", "network": "hadoop-data", "interface": "e1000"}])
    sim.log.clear()
    check = ansible.run_module("rhev_vm", connection(sim, **grown), check=True, diff=True)
    assert [(c["kind"], c["action"], c.get("size")) for c in check["changes"]] == [
        ("disk", "grow", "150GiB"), ("nic", "create", None)] and api_mutations(sim) == []
    assert check["diff"]["before"]["disks"]["worker-1-data"]["size"] == "100GiB"
    assert check["diff"]["after"]["disks"]["worker-1-data"]["size"] == "150GiB"
    run = ansible.run_tasks([vm_task(sim, **grown), vm_task(sim, **grown)])
    applied, again = run.results
    assert applied["changed"] and applied["vm"]["status"] == "up" and applied["actions"] == [], applied
    assert {d["name"]: d["size"] for d in applied["vm"]["disks"]}["worker-1-data"] == 150 * GIB
    assert [n["name"] for n in applied["vm"]["nics"]] == ["nic1", "nic2", "nic3"]
    assert not again["changed"], again

    sim.log.clear()
    args = amended(args, disks=None, nics=None, cloud_init=None)
    refused = ansible.run_tasks([
        vm_task(sim, **amended(args, disks=[{"name": "worker-1-data", "size": "50GiB"}])),
        vm_task(sim, **amended(args, disks=[{"name": "extra", "size": "1GiB", "storage_domain": "nowhere"}])),
        vm_task(sim, **amended(args, nics=[{"name": "nic9", "network": "no-such-net"}])),
        vm_task(sim, **amended(args, nics=[{"name": "nic9", "vnic_profile": "no-such-profile"}])),
        vm_task(sim, **amended(args, nics=[{"name": "nic3", "network": "hadoop-data", "interface": "virtio"}])),
        vm_task(sim, **amended(args, name="worker-2", disks=[{"name": "w2", "size": "1GiB", "storage_domain": "nowhere"}])),
        vm_task(sim, **amended(args, name="worker-2", memory="16GB")),
        vm_task(sim, **amended(args, name="worker-2", memory="999P")),
        vm_task(sim, **amended(args, name="worker-2", ip_range="not-a-network")),
        vm_task(sim, **amended(args, name="worker-2", state="stopped", shutdown_timeout=-1)),
    ])
    shrink, domain, network, profile, interface, new_domain, si, huge, cidr, negative = refused.results
    assert_clean_failure(shrink, "option 'disks[0].size'", "50GiB", "worker-1-data (150GiB)", "never shrunk")
    assert_clean_failure(domain, "option 'disks[0].storage_domain'", "nowhere")
    assert_clean_failure(network, "option 'nics[0].network'", "no-such-net")
    assert_clean_failure(profile, "option 'nics[0].vnic_profile'", "no-such-profile")
    assert_clean_failure(interface, "option 'nics[0].interface'", "stop the VM first")
    assert_clean_failure(new_domain, "option 'disks[0].storage_domain'", "nowhere")
    assert_clean_failure(si, "option 'memory'", "16GB", "write 16GiB")
    assert_clean_failure(huge, "option 'memory'", "999P", "largest")
    assert_clean_failure(cidr, "option 'ip_range'", "not-a-network")
    assert_clean_failure(negative, "shutdown_timeout")
    assert api_mutations(sim) == [] and sim.vm_by_name("worker-2") is None


def test_cloud_init_change_on_a_running_vm_is_pending_until_the_next_start(sim, ansible):
    args = node(wait_for_ip=False, tags=None)
    assert not ansible.run_module("rhev_vm", connection(sim, **args))["failed"]
    renamed = amended(args, cloud_init=dict(args["cloud_init"], host_name="worker-one.example.com"))
    run = ansible.run_tasks([vm_task(sim, **renamed), vm_task(sim, **renamed),
                             vm_task(sim, **amended(renamed, state="stopped")),
                             vm_task(sim, **amended(renamed, wait_for_ip=True))], diff=True)
    changed, settled, stopped, restarted = run.results
    assert changed["changed"] and changed["changes"] == [
        {"kind": "initialization", "name": "cloud_init", "action": "update", "fields": ["host_name"]}], changed
    assert changed["vm"]["pending"]["initialization"]["host_name"] == "worker-one.example.com"
    assert any("next boot" in warning for warning in changed["warnings"])
    assert changed["diff"]["after"]["initialization"]["host_name"] == "worker-one.example.com"
    assert changed["vm"]["fqdn"] == "worker-1.example.com"  # the running guest still has the old one
    assert not settled["changed"], settled
    assert stopped["actions"] == ["shutdown"] and restarted["actions"] == ["start"]
    assert restarted["vm"]["fqdn"] == "worker-one.example.com"


def test_placement_affinity_group_clone_and_storage_domain(sim, ansible):
    group = {"name": "masters-apart", "positive": False, "enforcing": True}
    masters = [vm_task(sim, name=name, cluster="hadoop", template="centos7-hadoop", clone=True,
                       storage_domain="fast-ssd", affinity_group=group, state="running") for name in ("m1", "m2")]
    pinned = vm_task(sim, name="edge", cluster="hadoop", host="host1", placement_policy="pinned", state="running")
    check = ansible.run_tasks([masters[0]], check=True)
    assert [(c["kind"], c["action"]) for c in check.results[0]["changes"]] == [
        ("affinity_group", "create"), ("affinity_group", "add_vm")] and api_mutations(sim) == []
    run = ansible.run_tasks(masters + [pinned] + masters + [pinned])
    m1, m2, edge, m1_again, m2_again, edge_again = run.results
    assert m1["changed"] and m2["changed"] and edge["changed"], run.results
    assert m1["vm"]["affinity_groups"] == ["masters-apart"] and m2["vm"]["affinity_groups"] == ["masters-apart"]
    assert m1["vm"]["host"] != m2["vm"]["host"]  # the negative enforcing group keeps them apart
    assert m1["vm"]["clone"] and m1["vm"]["template"] == "centos7-hadoop"
    assert [d["storage_domain"] for d in m1["vm"]["disks"]] == ["fast-ssd"]
    assert edge["vm"]["host"] == "host1" and edge["vm"]["placement_policy"] == "pinned"
    assert edge["vm"]["placement_hosts"] == ["host1"]
    assert not any(r["changed"] for r in (m1_again, m2_again, edge_again)), run.results
    refused = ansible.run_module("rhev_vm", connection(sim, name="edge", host="no-such-host"))
    assert_clean_failure(refused, "option 'host'", "no-such-host")


def test_wait_for_ip_on_a_vm_without_nic_fails_at_once(sim, ansible):
    bare = ansible.run_module("rhev_vm", connection(sim, name="bare", cluster="Default", state="running",
                                                    wait_for_ip=True, timeout=600))
    assert_clean_failure(bare, "VM bare has no NIC")
    assert bare["changed"] is True and bare["actions"] == ["start"], bare  # it was created and started


def test_a_timeout_after_the_engine_accepted_a_start_reports_the_start(sim, ansible):
    sim.add_vm("slow", status="down", cluster="Default")
    sim.set_durations(powering_up=100000)
    slow = ansible.run_module("rhev_vm", connection(sim, name="slow", state="running", timeout=3))
    assert_clean_failure(slow, "timed out", "VM slow to start")
    assert slow["changed"] is True and slow["actions"] == ["start"], slow


def test_a_retried_delete_that_finds_the_vm_gone_and_a_retried_login_succeed(sim, ansible):
    sim.add_vm("doomed", status="down", cluster="Default")
    sim.answer_late("DELETE", "/vms/", 2.0)  # removed at once, answered after the client gave up: it retries
    removed = ansible.run_module("rhev_vm", connection(sim, name="doomed", state="absent", request_timeout=0.5))
    assert removed["changed"] and not removed["failed"] and removed["actions"] == ["remove"], removed
    deadline = time.monotonic() + 10
    while sim.log.count("DELETE") < 2 and time.monotonic() < deadline:  # the late answer is logged when sent
        time.sleep(0.1)
    assert sim.vm_by_name("doomed") is None and sorted(e.status for e in sim.log.entries("DELETE")) == [200, 404]
    sim.faults.add(method="POST", path="/sso/oauth/token$", status=503)
    sim.log.clear()
    read = ansible.run_module("rhev_vm_info", connection(sim, name="doomed"))
    assert not read["failed"] and read["vms"] == [], read
    assert sim.log.count("POST", path="/sso/oauth/token$") == 2


def test_a_url_without_the_api_path_suggests_it(sim, ansible):
    result = ansible.run_module("rhev_vm_info", dict(connection(sim, name="x"), url=sim.url))
    assert_clean_failure(result, "HTTP 404", "/ovirt-engine/api")


def test_empty_and_dot_segment_names_are_refused_before_any_request(sim, ansible):
    run = ansible.run_tasks([
        {"bigdata.platform.rhev_vm_info": connection(sim, id="..")},
        vm_task(sim, name="w", cluster="hadoop", disks=[{"name": "..", "size": "1GiB"}]),
        vm_task(sim, name="w", cluster="hadoop", nics=[{"name": " ", "network": "ovirtmgmt"}]),
        vm_task(sim, name="w", cluster="hadoop", tags=[""]),
        vm_task(sim, name="w", cluster="hadoop", affinity_group={"name": "."}),
    ])
    for result, option in zip(run.results, ("id", "disks[0].name", "nics[0].name", "tags", "affinity_group.name")):
        assert_clean_failure(result, "option '%s'" % option)
    assert sim.log.count() == 0
