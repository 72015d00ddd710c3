"""The rhev_vms role: nodes with disks, NICs and cloud-init, one login per play, the rhev_vms_nodes fact."""

import pytest


@pytest.fixture
def sim(start_simulator):
    return start_simulator("rhev", speed=50)


def node(name, group, ip):
    return {"name": name, "group": group, "cluster": "hadoop", "memory": "2GiB",
            "disks": [{"name": name + "-boot", "size": "10GiB", "storage_domain": "data", "bootable": True},
                      {"name": name + "-data", "size": "50GiB", "storage_domain": "fast-ssd"}],
            "nics": [{"name": "nic1", "network": "ovirtmgmt"}, {"name": "nic2", "network": "hadoop-data"}],
            "cloud_init": {"host_name": name + ".example.com", "authorized_ssh_keys": ["ssh-ed25519 AAAA ops"],
                           "nic_configurations": [{"name": "eth0", "boot_protocol": "dhcp"},
                                                  {"name": "eth1", "ip": ip, "netmask": "255.255.255.0"}]}}


def play(sim, vms, **extra):
    variables = {"rhev_vms_list": vms, "rhev_vms_wait_for_ip": True, "rhev_vms_ip_range": "198.51.100.0/24"}
    variables.update(extra)
    return [{"hosts": "localhost", "gather_facts": False,
             "module_defaults": {"group/bigdata.platform.rhev": {
                 "url": sim.url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret"}},
             "roles": [{"role": "bigdata.platform.rhev_vms", "vars": variables}],
             "post_tasks": [{"ansible.builtin.debug": {"var": "rhev_vms_nodes"}}]}]


def test_role_builds_nodes_logs_in_once_and_records_them(sim, ansible):
    vms = [node("rm-master", "masters", "198.51.100.30"), node("rm-worker-1", "workers", "198.51.100.31"),
           node("rm-worker-2", "workers", "198.51.100.32")]
    first = ansible.run_playbook(play(sim, vms))
    assert first.returncode == 0, first.output
    nodes = first.results[-1]["rhev_vms_nodes"]
    assert nodes == [
        {"name": "rm-master", "fqdn": "rm-master.example.com", "ip": "198.51.100.30", "group": "masters"},
        {"name": "rm-worker-1", "fqdn": "rm-worker-1.example.com", "ip": "198.51.100.31", "group": "workers"},
        {"name": "rm-worker-2", "fqdn": "rm-worker-2.example.com", "ip": "198.51.100.32", "group": "workers"}]
    assert sim.log.count("POST", path="/sso/oauth/token$") == 1 and sim.log.count("POST", path="sso-logout$") == 1
    assert not sim.tokens  # revoked
    sim.log.clear()
    second = ansible.run_playbook(play(sim, vms))
    assert second.returncode == 0 and "changed=0" in second.stdout, second.output
    assert second.results[-1]["rhev_vms_nodes"] == nodes
    assert sim.log.mutating(path="^/ovirt-engine/api") == []
    assert sim.log.count("POST", path="/sso/oauth/token$") == 1
    assert sim.log.count("GET", path="/vms$") == 3  # one read per VM, no per-VM login

    gone = ansible.run_playbook(play(sim, vms, rhev_vms_state_override="absent"))
    assert gone.returncode == 0 and gone.results[-1]["rhev_vms_nodes"] == [], gone.output
    assert sim.vms == {} and sim.disks == {}  # the estate is empty again
