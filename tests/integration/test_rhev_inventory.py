"""The bigdata.platform.rhev inventory plugin, through real ansible-inventory against the oVirt simulator."""

import json
import os
import subprocess

import pytest
import yaml

from collection import COLLECTIONS_PATH, REPO_ROOT
from integration.playbook import BIN_DIR

GIB = 1024 ** 3


@pytest.fixture
def sim(start_simulator):
    return start_simulator("rhev", speed=50)


def inventory(tmp_path, sim, env=None, name="platform.rhev.yml", **options):
    config = dict(plugin="bigdata.platform.rhev", url=sim.url + "/ovirt-engine/api", username="admin@internal",
                  password="secret")
    config.update(options)
    path = tmp_path / name
    path.write_text(yaml.safe_dump(config))
    environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_INVENTORY_UNPARSED_FAILED="1",
                       ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"), **(env or {}))
    completed = subprocess.run([os.path.join(BIN_DIR, "ansible-inventory"), "-i", str(path), "--list"], cwd=REPO_ROOT,
                               env=environment, capture_output=True, text=True, timeout=120, check=False)
    return completed


def plain(value):
    """ansible-inventory --list marks what came from the engine as untrusted ({"__ansible_unsafe": value})."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def listed(completed):
    assert completed.returncode == 0, completed.stderr
    return plain(json.loads(completed.stdout))


def demo_vms(ansible, sim):
    """Two platform nodes made by rhev_vm itself (the simulator starts with none), up with their addresses."""
    def node(name, ip, tags):
        return {"bigdata.platform.rhev_vm": dict(
            url=sim.url + "/ovirt-engine/api", username="admin@internal", password="secret", name=name,
            cluster="hadoop", memory="2GiB", state="running", wait_for_ip=True, ip_range="198.51.100.0/24", tags=tags,
            affinity_group={"name": "spread", "positive": False},
            disks=[{"name": name + "-boot", "size": "10GiB", "storage_domain": "data", "bootable": True}],
            nics=[{"name": "nic1", "network": "ovirtmgmt"}, {"name": "nic2", "network": "hadoop-data"}],
            cloud_init={"host_name": name + ".example.com",
                        "nic_configurations": [{"name": "eth1", "ip": ip, "netmask": "255.255.255.0"}]})}
    run = ansible.run_tasks([node("demo-master", "198.51.100.10", ["masters"]),
                             node("demo-worker", "198.51.100.11", ["workers"])])
    assert not any(result["failed"] for result in run.results), run.results
    sim.add_vm("stopped-one", status="down", cluster="Default")


def test_lists_vms_with_their_address_groups_and_constructed_vars(sim, ansible, tmp_path):
    demo_vms(ansible, sim)
    sim.log.clear()
    data = listed(inventory(tmp_path, sim, ip_range="198.51.100.0/24",
                            keyed_groups=[{"key": "rhev_vm.status", "prefix": "status"}],
                            groups={"big": "rhev_vm.memory >= 2 * 1024 ** 3"},
                            compose={"memory_gib": "rhev_vm.memory // 1024 ** 3"}))
    hostvars = data["_meta"]["hostvars"]
    assert sorted(hostvars) == ["demo-master.example.com", "demo-worker.example.com", "stopped-one"]
    master = hostvars["demo-master.example.com"]
    assert master["ansible_host"] == "198.51.100.10" and master["memory_gib"] == 2
    assert master["rhev_vm"]["name"] == "demo-master" and master["rhev_vm"]["tags"] == ["masters"]
    assert master["rhev_vm"]["disks"][0]["name"] == "demo-master-boot"
    assert "ansible_host" not in hostvars["stopped-one"]  # down: its guest reports nothing
    assert data["cluster_hadoop"]["hosts"] == ["demo-master.example.com", "demo-worker.example.com"]
    assert data["cluster_Default"]["hosts"] == ["stopped-one"]
    assert data["tag_masters"]["hosts"] == ["demo-master.example.com"]
    assert data["tag_workers"]["hosts"] == ["demo-worker.example.com"]
    assert data["affinity_group_spread"]["hosts"] == ["demo-master.example.com", "demo-worker.example.com"]
    assert sorted(data["status_up"]["hosts"]) == ["demo-master.example.com", "demo-worker.example.com"]
    assert sorted(data["big"]["hosts"]) == ["demo-master.example.com", "demo-worker.example.com"]
    vm_reads = sim.log.entries("GET", path="/vms$")
    assert len(vm_reads) == 1 and sim.log.count("POST", path="sso-logout") == 1  # one read, token revoked


def test_search_hostname_preference_env_credentials_and_cache(sim, ansible, tmp_path):
    demo_vms(ansible, sim)
    by_ip = listed(inventory(tmp_path, sim, search="tag=workers", hostname_preference=["ip", "name"],
                             ip_range="198.51.100.0/24"))
    assert list(by_ip["_meta"]["hostvars"]) == ["198.51.100.11"]
    by_name = listed(inventory(tmp_path, sim, search="cluster=hadoop", hostname_preference=["name"]))
    hostvars = by_name["_meta"]["hostvars"]
    assert sorted(hostvars) == ["demo-master", "demo-worker"]
    assert hostvars["demo-master"]["ansible_host"].startswith("192.0.2.")  # no ip_range: the first address

    config = {"plugin": "bigdata.platform.rhev", "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
              "cache_connection": str(tmp_path / "cache"), "hostname_preference": ["name"]}
    path = tmp_path / "env.rhev.yml"
    path.write_text(yaml.safe_dump(config))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, OVIRT_URL=sim.url + "/ovirt-engine/api",
               OVIRT_USERNAME="admin@internal", OVIRT_PASSWORD="secret", ANSIBLE_LOCAL_TEMP=str(tmp_path / "tmp"))
    command = [os.path.join(BIN_DIR, "ansible-inventory"), "-i", str(path), "--list"]
    first = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    reads = sim.log.count("GET", path="/vms$")
    second = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert json.loads(first.stdout)["_meta"]["hostvars"].keys() == json.loads(second.stdout)["_meta"]["hostvars"].keys()
    assert sim.log.count("GET", path="/vms$") == reads  # the second run read the cache


def test_bad_credentials_and_bad_options_fail_clearly(sim, tmp_path):
    wrong = inventory(tmp_path, sim, password="wrong-password-xyz")
    assert wrong.returncode != 0 and "SSO login of admin@internal failed" in wrong.stderr
    assert "wrong-password-xyz" not in wrong.stderr + wrong.stdout
    bad_range = inventory(tmp_path, sim, name="range.rhev.yml", ip_range="nope")
    assert bad_range.returncode != 0 and "ip_range" in bad_range.stderr


def test_ansible_doc_renders_the_plugin():
    completed = subprocess.run([os.path.join(BIN_DIR, "ansible-doc"), "-t", "inventory", "bigdata.platform.rhev"],
                               env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH), capture_output=True,
                               text=True, timeout=120, check=False)
    assert completed.returncode == 0, completed.stderr
    for text in ("hostname_preference", "ip_range", "OVIRT_URL", "keyed_groups", "cache_plugin"):
        assert text in completed.stdout
