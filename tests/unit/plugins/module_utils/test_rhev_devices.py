"""rhev_vm's planning of disks, NICs, cloud-init, placement and affinity groups: no engine needed."""

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.rhev import devices, vm as rhev_vm

GIB = 1024 ** 3


def disk(name, size, **fields):
    base = {"id": name + "-id", "name": name, "size": size, "storage_domain": "data", "interface": "virtio_scsi",
            "format": "cow", "sparse": True, "bootable": False, "active": True, "status": "ok"}
    base.update(fields)
    return base


def spec(name, **fields):
    base = {"name": name, "size": None, "storage_domain": None, "interface": None, "format": None, "sparse": None,
            "bootable": None, "state": "present"}
    base.update(fields)
    return base


def domains():
    return {"data", "fast-ssd"}


def test_disks_are_created_grown_and_removed_and_never_shrunk():
    current = [disk("boot", 10 * GIB, bootable=True), disk("data", 100 * GIB)]
    steps, after = devices.plan_disks(current, [spec("boot", size="20G"), spec("logs", size="5GiB"),
                                                spec("data", state="absent")], True, "fast-ssd", domains)
    assert [(s["name"], s["action"]) for s in steps] == [("boot", "grow"), ("logs", "create"), ("data", "remove")]
    assert steps[0]["_body"] == {"disk": {"provisioned_size": 20 * GIB}} and steps[0]["size"] == "20GiB"
    assert steps[1]["_body"]["disk"]["storage_domains"] == {"storage_domain": [{"name": "fast-ssd"}]}
    assert steps[2]["_deactivate"] is True  # active on a running VM: deactivated before it is detached
    assert [d["name"] for d in after] == ["boot", "logs"]
    with pytest.raises(OptionError) as error:
        devices.plan_disks(current, [spec("data", size="50GiB")], False, None, domains)
    assert error.value.option == "disks[0].size" and "data (100GiB)" in str(error.value)
    with pytest.raises(OptionError) as error:
        devices.plan_disks([], [spec("new", size="1GiB", storage_domain="nowhere")], False, None, domains)
    assert error.value.option == "disks[0].storage_domain"
    with pytest.raises(OptionError) as error:
        devices.plan_disks([], [spec("new")], False, "data", domains)
    assert error.value.option == "disks[0].size"
    unchanged, dummy = devices.plan_disks(current, [spec("boot", size="10GiB")], True, None, domains)
    assert unchanged == []


def profiles():
    return [{"id": "p1", "name": "ovirtmgmt", "network": "ovirtmgmt"},
            {"id": "p2", "name": "hadoop-data", "network": "hadoop-data"},
            {"id": "p3", "name": "jumbo", "network": "hadoop-data"}]


def nic_spec(name, **fields):
    base = {"name": name, "network": None, "vnic_profile": None, "interface": None, "mac_address": None,
            "linked": None, "state": "present"}
    base.update(fields)
    return base


def test_nics_resolve_their_profile_and_refuse_what_the_engine_would():
    current = [{"id": "n1", "name": "nic1", "vnic_profile": "ovirtmgmt", "network": "ovirtmgmt", "interface": "virtio",
                "mac_address": "56:6f:00:00:00:01", "linked": True, "plugged": True}]
    steps, after = devices.plan_nics(current, [nic_spec("nic1", network="ovirtmgmt"), nic_spec("nic2", network="hadoop-data"),
                                               nic_spec("nic3", vnic_profile="jumbo")], True, profiles)
    assert [(s["name"], s["action"], s.get("vnic_profile")) for s in steps] == [
        ("nic2", "create", "hadoop-data"), ("nic3", "create", "jumbo")]  # nic2: the profile named after its network
    assert steps[0]["_body"]["vnic_profile"] == {"id": "p2"} and len(after) == 3
    for wanted, option in ((nic_spec("x", network="nope"), "nics[0].network"),
                           (nic_spec("x", vnic_profile="nope"), "nics[0].vnic_profile"),
                           (nic_spec("x"), "nics[0].network"),
                           (nic_spec("nic1", interface="e1000"), "nics[0].interface")):
        with pytest.raises(OptionError) as error:
            devices.plan_nics(current, [wanted], True, profiles)
        assert error.value.option == option


def test_initialization_compares_what_the_engine_returns_and_keeps_the_password_out():
    params = {"cloud_init": {"host_name": "w1.example.com", "user_name": None, "root_password": "pw",
                             "authorized_ssh_keys": ["ssh-ed25519 A one", "ssh-ed25519 B two"], "dns_servers": ["192.0.2.53"],
                             "dns_search": None, "timezone": None, "custom_script": None,
                             "nic_configurations": [{"name": "eth1", "boot_protocol": None, "ip": "198.51.100.5",
                                                     "netmask": "255.255.255.0", "gateway": None, "on_boot": True}]},
              "sysprep": None}
    steps, after, body = devices.plan_initialization({}, params)
    assert steps[0]["fields"] == ["authorized_ssh_keys", "dns_servers", "host_name", "nic_configurations"]
    assert body["root_password"] == "pw" and body["authorized_ssh_keys"] == "ssh-ed25519 A one\nssh-ed25519 B two"
    assert body["nic_configurations"]["nic_configuration"][0]["boot_protocol"] == "static"
    assert "root_password" not in after
    engine_view = rhev_vm.initialization_of({"initialization": dict(
        {k: v for k, v in body.items() if k not in ("root_password", "nic_configurations")},
        nic_configurations=body["nic_configurations"])})
    assert devices.plan_initialization(engine_view, params)[0] == []  # what the engine returns is what was asked
    with pytest.raises(OptionError) as error:
        devices.plan_initialization({}, {"sysprep": None, "cloud_init": dict(params["cloud_init"], nic_configurations=[
            {"name": "eth0", "boot_protocol": "static", "ip": None, "netmask": None, "gateway": None, "on_boot": True}])})
    assert error.value.option == "cloud_init.nic_configurations[0].ip"


def test_affinity_group_is_created_updated_or_joined():
    cluster = {"affinity_groups": {"affinity_group": [
        {"id": "g1", "name": "apart", "positive": "false", "enforcing": "true", "vms": {"vm": [{"id": "vm1"}]}}]}}
    wanted = {"name": "apart", "positive": False, "enforcing": True}
    assert devices.plan_affinity_group("vm1", cluster, wanted) == []
    assert [s["action"] for s in devices.plan_affinity_group("vm2", cluster, wanted)] == ["add_vm"]
    assert [s["action"] for s in devices.plan_affinity_group("vm1", cluster, dict(wanted, enforcing=False))] == ["update"]
    assert [s["action"] for s in devices.plan_affinity_group(None, {}, wanted)] == ["create", "add_vm"]
