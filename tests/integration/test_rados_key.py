"""rados_key and rados_key_info against the real one-node Ceph cluster (cephx on).

The modules manage users as client.it-keymgr (mon 'allow rwx'), not client.admin. Check mode runs as
client.it-readonly (mon 'allow rx'): Ceph refuses every mutating command of that user, so a check-mode run that
succeeds sent none; the cluster's users are compared before and after too.
"""

import os
import stat
import subprocess

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.modules import rados_key, rados_key_info
from integration.playbook import assert_clean_failure

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]

USER_KEYS = set(yaml.safe_load(rados_key.RETURN)["user"]["contains"])
INFO_KEYS = set(yaml.safe_load(rados_key_info.RETURN)["users"]["contains"])
RBD_CAPS = {"mon": "profile rbd", "osd": "profile rbd pool=vms"}


def key_task(connection, **options):
    return {"bigdata.platform.rados_key": dict(connection, **options)}


def new_secret():
    return subprocess.run(["ceph-authtool", "--gen-print-key"], check=True, capture_output=True, text=True).stdout.strip()


def file_state(path):
    info = os.stat(path)
    return stat.S_IMODE(info.st_mode), info.st_ino, info.st_mtime_ns


def test_key_with_caps_check_mode_create_again_and_caps_changed_in_place(ansible, ceph_cluster, make_user, key_manager,
                                                                         read_only, tmp_path):
    name = make_user("client.it-spark", create=False)
    dest = tmp_path / "ceph.client.it-spark.keyring"
    users_before = ceph_cluster.users()

    predicted = ansible.run_module("rados_key", dict(read_only, name=name, caps=RBD_CAPS, dest=str(dest)),
                                   check=True, diff=True)
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["user"] == {"name": name, "caps": RBD_CAPS} and predicted["keyring"]["changed"]
    assert predicted["diff"]["before"] == {} and predicted["diff"]["after"]["caps"] == RBD_CAPS
    assert ceph_cluster.users() == users_before and not dest.exists(), "check mode changed something"

    run = ansible.run_tasks([key_task(key_manager, name=name, caps=RBD_CAPS, dest=str(dest)),
                             key_task(key_manager, name=name, caps=RBD_CAPS, dest=str(dest))], diff=True)
    created, again = run.results
    assert created["changed"] and not created.get("failed"), created
    assert set(created["user"]) == USER_KEYS - {"key"}, "the key is returned only with return_key"
    assert created["user"] == {"name": name, "caps": RBD_CAPS} and created["keyring"] == {"path": str(dest), "changed": True}
    assert not again["changed"] and not again.get("failed") and not again["keyring"]["changed"], again
    entry = ceph_cluster.user(name)
    assert entry["caps"] == RBD_CAPS
    assert dest.read_text() == "[%s]\n\tkey = %s\n" % (name, entry["key"])
    written = file_state(dest)
    assert written[0] == 0o600
    assert entry["key"] not in run.output

    changed_caps = {"mon": "profile rbd", "osd": "profile rbd pool=vms, profile rbd-read-only pool=images"}
    predicted = ansible.run_module("rados_key", dict(read_only, name=name, caps=changed_caps, dest=str(dest)),
                                   check=True, diff=True)
    assert predicted["changed"] and not predicted["keyring"]["changed"], predicted
    assert predicted["diff"]["before"]["caps"] == RBD_CAPS and predicted["diff"]["after"]["caps"] == changed_caps
    assert ceph_cluster.user(name) == entry, "check mode changed the caps"

    run = ansible.run_tasks([key_task(key_manager, name=name, caps=changed_caps, dest=str(dest)),
                             {"bigdata.platform.rados_key_info": dict(read_only, name=name)},
                             {"bigdata.platform.rados_key_info": read_only}], diff=True)
    updated, one, every = run.results
    assert updated["changed"] and not updated["keyring"]["changed"], updated
    assert ceph_cluster.user(name) == dict(entry, caps=changed_caps), "the caps change in place, the key stays"
    assert file_state(dest) == written, "the keyring file is not rewritten when its content is the same"
    assert one["users"] == [updated["user"]] and set(one["users"][0]) == INFO_KEYS - {"key"}
    assert updated["user"] in every["users"]
    assert all("key" not in user for user in every["users"])
    assert [user["name"] for user in every["users"]] == sorted(ceph_cluster.users())
    assert not any(user["key"] in run.output for user in ceph_cluster.users().values()), "a key reached the output"

    dest.chmod(0o644)
    fixed = ansible.run_module("rados_key", dict(key_manager, name=name, dest=str(dest), mode="0640"))
    assert fixed["changed"] and fixed["keyring"]["changed"] and file_state(dest)[0] == 0o640, fixed


def test_key_imported_with_a_given_secret_then_replaced_then_removed(ansible, ceph_cluster, make_user, key_manager,
                                                                     read_only, tmp_path):
    name = make_user("client.it-backup", create=False)
    dest = tmp_path / "backup.keyring"
    first, second = new_secret(), new_secret()
    caps = {"mon": "allow r", "osd": "allow rw pool=backup"}

    run = ansible.run_tasks([
        key_task(key_manager, name=name, secret=first, caps=caps, dest=str(dest)),
        key_task(key_manager, name=name, secret=first, caps=caps, dest=str(dest)),
        {"bigdata.platform.rados_key": dict(read_only, name=name, secret=second, dest=str(dest)), "check_mode": True},
    ], verbosity=4, diff=True)
    imported, again, predicted = run.results
    assert imported["changed"] and not imported.get("failed"), imported
    assert not again["changed"] and not again.get("failed"), again
    assert predicted["changed"] and predicted["keyring"]["changed"] and predicted["diff"]["after"]["key_replaced"]
    assert ceph_cluster.user(name) == {"entity": name, "key": first, "caps": caps}
    assert dest.read_text() == "[%s]\n\tkey = %s\n" % (name, first)
    assert first not in run.output and second not in run.output, "a secret reached the output at -vvvv"

    run = ansible.run_tasks([key_task(key_manager, name=name, secret=second, dest=str(dest)),
                             key_task(key_manager, name=name, state="absent", dest=str(dest)),
                             key_task(key_manager, name=name, state="absent", dest=str(dest))])
    replaced, removed, gone = run.results
    assert replaced["changed"] and replaced["keyring"]["changed"], replaced
    assert removed["changed"] and removed["user"] is None and removed["keyring"]["changed"], removed
    assert not gone["changed"] and not gone.get("failed"), gone
    assert ceph_cluster.user(name) is None and not dest.exists()


def test_return_key_hides_the_result_and_registers_the_key(ansible, ceph_cluster, make_user, key_manager, tmp_path):
    name = "client.it-returned"
    make_user(name, {"mon": "allow r"})
    copied = tmp_path / "copied"
    run = ansible.run_tasks([
        {"bigdata.platform.rados_key": dict(key_manager, name=name, return_key=True), "register": "found"},
        {"bigdata.platform.rados_key_info": dict(key_manager, name=name, return_keys=True), "register": "listed"},
        {"ansible.builtin.copy": {"content": "{{ found.user.key }} {{ listed.users[0].key }}", "dest": str(copied)},
         "no_log": True},
    ], verbosity=4)
    found, listed, dummy = run.results
    key = ceph_cluster.user(name)["key"]
    assert copied.read_text() == "%s %s" % (key, key), "the registered results hold the key"
    assert key not in run.output, "return_key must hide the result"
    assert "censored" in found and "censored" in listed, (found, listed)


def test_permissions_name_the_caps_needed(ansible, ceph_cluster, make_user, read_only):
    no_caps = make_user("client.it-nocaps", {})
    mon_read = make_user("client.it-monread", {"mon": "allow r"})
    target = make_user("client.it-target", create=False)
    run = ansible.run_tasks([
        {"bigdata.platform.rados_key_info": no_caps},
        key_task(mon_read, name=target, caps={"mon": "allow r"}),
        key_task(read_only, name=target, caps={"mon": "allow r"}),
    ])
    nothing, cannot_read, cannot_write = run.results
    assert_clean_failure(nothing, "cannot connect", "client.it-nocaps", "no mon caps")
    assert_clean_failure(cannot_read, "EACCES", "the caps of client.it-monread do not allow 'auth get'", "mon 'allow rx'")
    assert_clean_failure(cannot_write, "EACCES", "the caps of client.it-readonly do not allow 'auth add'", "mon 'allow rwx'")
    assert ceph_cluster.user(target) is None


def test_bad_input_is_refused_before_anything_changes(ansible, ceph_cluster, make_user, key_manager, tmp_path):
    name = make_user("client.it-bad", create=False)
    users = ceph_cluster.users()
    run = ansible.run_tasks([
        key_task(key_manager, name="spark"),
        key_task(key_manager, name=""),
        key_task(key_manager, name=name, secret="not-a-cephx-key"),
        key_task(key_manager, name=name, caps={"mon": "allow bogus"}),
        key_task(key_manager, name=name, caps={"foo": "allow r"}),
        key_task(key_manager, name=name, caps={"mon": ""}),
        key_task(key_manager, name=name, connect_timeout=0),
        key_task(key_manager, name=name, connect_timeout=-1),
        {"bigdata.platform.rados_key_info": dict(key_manager, name="..")},
    ])
    no_type, empty, secret, bad_cap, unknown_service, empty_cap, zero, negative, dots = run.results
    assert_clean_failure(no_type, "option 'name'", "'spark'", "TYPE.ID")
    assert_clean_failure(empty, "option 'name'", "is empty")
    assert_clean_failure(secret, "option 'secret'", "not a cephx key")
    assert "not-a-cephx-key" not in secret["msg"]
    assert_clean_failure(bad_cap, "option 'caps.mon'", "EINVAL", "mon capability parse failed")
    assert_clean_failure(unknown_service, "option 'caps.foo'", "unknown cap type 'foo'")
    assert_clean_failure(empty_cap, "option 'caps.mon'", "not a caps string")
    assert_clean_failure(zero, "option 'connect_timeout'", "more than 0")
    assert_clean_failure(negative, "option 'connect_timeout'", "more than 0")
    assert_clean_failure(dots, "option 'name'", "dot segment")
    assert ceph_cluster.users() == users


def test_conf_key_stays_hidden_but_mon_host_shows(ansible, ceph_cluster, key_manager):
    """conf is no_log (it can hold the key); its other settings are not masked in results."""
    with open(key_manager["keyring"]) as handle:
        key = handle.read().split("key = ")[1].strip()
    with open(ceph_cluster.conf_file) as handle:
        mon_host = [line.split("=", 1)[1].strip() for line in handle if line.startswith("mon host")][0]
    connection = {"client_name": key_manager["client_name"], "conf": {"key": key, "mon_host": mon_host}}
    run = ansible.run_tasks([{"bigdata.platform.rados_key_info": dict(connection, name="client.it-keymgr")}], verbosity=4)
    result = run.results[0]
    assert result["users"][0]["name"] == "client.it-keymgr" and not result.get("failed"), result
    assert key not in run.output, "the key in conf reached the output at -vvvv"
    assert result["invocation"]["module_args"]["conf"]["mon_host"] == mon_host
