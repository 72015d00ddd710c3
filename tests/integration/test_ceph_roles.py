"""The ceph_clients and ceph_pools roles on the real one-node Ceph cluster (cephx on): check mode sends nothing and
writes nothing, a consumer connects with only the directory the role filled, a second pass changes nothing, and
teardown leaves no user and no file."""

import os
import stat

import pytest
import rados

from integration.playbook import assert_clean_failure

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]


def role(name, variables):
    return {"name": "role " + name, "ansible.builtin.include_role": {"name": "bigdata.platform." + name}, "vars": variables}


def tasks(run):
    """The results of the roles' tasks (not of the include itself or of the argument validation)."""
    return [result for result in run.results if not {"include_args", "validate_args_context"} & set(result)]


def show(variable):
    return {"ansible.builtin.debug": {"var": variable}}


def test_ceph_clients_deliver_a_key_keyring_and_ceph_conf_per_consumer(ansible, ceph_cluster, make_user,
                                                                       key_manager, make_pool, tmp_path):
    pool = make_pool("it-role-data")
    spark, vms = make_user("client.it-role-spark", create=False), make_user("client.it-role-vms", create=False)
    clients = [{"name": spark, "caps": {"mon": "allow r", "osd": "allow rw pool=%s" % pool}, "path": str(tmp_path / "spark")},
               {"name": vms, "caps": {"mon": "profile rbd", "osd": "profile rbd pool=%s" % pool}, "path": str(tmp_path / "vms")}]
    defaults = {"group/bigdata.platform.ceph": key_manager}
    users_before = ceph_cluster.users()

    checked = ansible.run_tasks([role("ceph_clients", {"ceph_clients_list": clients})], check=True, module_defaults=defaults)
    assert not any(result["failed"] for result in checked.results), checked.output
    assert ceph_cluster.users() == users_before and not (tmp_path / "spark").exists(), "check mode changed something"

    first = ansible.run_tasks([role("ceph_clients", {"ceph_clients_list": clients}), show("ceph_clients_delivered")],
                              module_defaults=defaults)
    second = ansible.run_tasks([role("ceph_clients", {"ceph_clients_list": clients})], module_defaults=defaults)
    assert not any(result["failed"] for result in first.results + second.results), first.output + second.output
    assert any(result.get("changed") for result in tasks(first))
    assert not any(result.get("changed") for result in tasks(second)), second.output
    delivered = tasks(first)[-1]["ceph_clients_delivered"]
    assert [entry["name"] for entry in delivered] == [spark, vms]

    for client, entry in zip(clients, delivered):
        assert ceph_cluster.user(client["name"])["caps"] == client["caps"]
        assert entry["conf_file"] == os.path.join(client["path"], "ceph.conf")
        assert stat.S_IMODE(os.stat(entry["keyring"]).st_mode) == 0o600
        # What a consumer does: only its directory's ceph.conf and its name; the conf points at the keyring.
        handle = rados.Rados(conffile=entry["conf_file"], name=client["name"], conf={"client_mount_timeout": "10"})
        try:
            handle.connect(timeout=10)
            ioctx = handle.open_ioctx(pool)
            ioctx.write_full("from-" + client["name"], b"ok")
            ioctx.close()
        finally:
            handle.shutdown()

    teardown = ansible.run_tasks([role("ceph_clients", {"ceph_clients_list": clients, "ceph_clients_state_override": "absent"}),
                                  role("ceph_clients", {"ceph_clients_list": clients, "ceph_clients_state_override": "absent"})],
                                 module_defaults=defaults)
    assert not any(result["failed"] for result in teardown.results), teardown.output
    assert ceph_cluster.user(spark) is None and ceph_cluster.user(vms) is None
    assert os.listdir(tmp_path / "spark") == [] and os.listdir(tmp_path / "vms") == []
    keys = [entry["key"] for entry in ceph_cluster.users().values()]
    assert not any(key in first.output + second.output + teardown.output for key in keys)


def test_ceph_clients_validates_its_variables(ansible):
    run = ansible.run_tasks([{"name": "role", "ansible.builtin.include_role": {"name": "bigdata.platform.ceph_clients",
                                                                               "apply": {"ignore_errors": True}},
                              "vars": {"ceph_clients_list": [{"name": "client.x", "caps": "allow r"}]}}])
    failed = [result for result in run.results if result.get("failed")]
    assert_clean_failure(failed[0], "Validation of arguments failed", "caps", "dict", "path")


def test_ceph_pools_passes_settings_through(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-role-settings", create=False)
    pools = [{"name": name, "settings": {"compression_mode": "aggressive", "bulk": True}}]
    run = ansible.run_tasks([role("ceph_pools", {"ceph_pools_list": pools}), role("ceph_pools", {"ceph_pools_list": pools}),
                             show("ceph_pools_results")], module_defaults={"group/bigdata.platform.ceph": ceph_args})
    created, again, registered = tasks(run)
    assert created["changed"] and not again["changed"], run.output
    raw = ceph_cluster.pool(name)
    assert raw["options"]["compression_mode"] == "aggressive" and "bulk" in raw["flags_names"].split(",")
    assert registered["ceph_pools_results"]["results"][0]["pool"]["settings"]["compression_mode"] == "aggressive"
