"""rados_pool against a real one-node Ceph cluster with cephx on (fixture ceph_cluster), as client.ansible.

Every check-mode run is verified on the cluster: the pool's 'osd pool ls detail' entry (which holds
last_change, the osdmap epoch of its last change) must be identical before and after.
"""

import contextlib
import json
import os
import socket
import subprocess
import sys
import time

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.modules import rados_pool
from integration.playbook import assert_clean_failure

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]

RETURN_KEYS = set(yaml.safe_load(rados_pool.RETURN)["pool"]["contains"])
GIB = 1024 ** 3


def pool_task(ceph_args, **options):
    return {"bigdata.platform.rados_pool": dict(ceph_args, **options)}


def test_replicated_pool_check_mode_create_apply_and_idempotence(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-replicated", create=False)
    options = dict(name=name, size=2, min_size=2, pg_autoscale_mode="off", pg_num=16, application="rbd",
                   target_size_ratio=0.1, quota_max_bytes="10G", quota_max_objects=5000, rule="replicated_rule")

    predicted = ansible.run_module("rados_pool", dict(ceph_args, **options), check=True, diff=True)
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["diff"]["before"] == {}
    assert predicted["diff"]["after"]["size"] == 2 and predicted["diff"]["after"]["quota_max_bytes"] == 10 * GIB
    assert ceph_cluster.pool(name) is None, "check mode created the pool"

    run = ansible.run_tasks([pool_task(ceph_args, **options), pool_task(ceph_args, **options),
                             {"bigdata.platform.rados_pool_info": dict(ceph_args, name=name)}], diff=True)
    created, again, info = run.results
    assert created["changed"] and not created.get("failed"), created
    assert set(created["pool"]) == RETURN_KEYS - {"settings"}, "settings is returned only when the task gives settings"
    expected = {"name": name, "type": "replicated", "size": 2, "min_size": 2, "pg_num_target": 16, "pgp_num_target": 16,
                "pg_autoscale_mode": "off", "target_size_ratio": 0.1, "rule": "replicated_rule", "erasure_profile": None,
                "applications": ["rbd"], "quota_max_bytes": 10 * GIB, "quota_max_objects": 5000}
    assert {key: created["pool"][key] for key in expected} == expected
    assert created["diff"]["before"] == {} and created["diff"]["after"]["min_size"] == 2
    assert not again["changed"] and not again.get("failed"), again
    assert info["pools"] == [again["pool"]]

    raw = ceph_cluster.pool(name)
    assert (raw["size"], raw["min_size"], raw["pg_num_target"], raw["pg_autoscale_mode"]) == (2, 2, 16, "off")
    assert list(raw["application_metadata"]) == ["rbd"]
    assert (raw["quota_max_bytes"], raw["quota_max_objects"]) == (10 * GIB, 5000)
    assert abs(raw["options"]["target_size_ratio"] - 0.1) < 1e-6


def test_each_option_changes_once_then_reports_no_change(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-modify", pg_num=8, autoscale_mode="off", size=1)
    ceph_cluster.mon_command("osd pool application enable", pool=name, app="rbd")
    ceph_cluster.mon_command("osd crush rule create-replicated", name="it-other-rule", root="default", type="osd")
    changes = [("size", 2), ("min_size", 2), ("pg_num", 16), ("pgp_num", 12), ("pg_autoscale_mode", "warn"),
               ("target_size_ratio", 0.3), ("rule", "it-other-rule"), ("application", "rgw"),
               ("quota_max_objects", 100), ("quota_max_bytes", "2G"),
               ("settings", {"bulk": True, "compression_mode": "aggressive", "compression_required_ratio": 0.7}),
               ("quota_max_bytes", 0)]
    before = ceph_cluster.pool(name)

    predicted = ansible.run_module("rados_pool", dict(ceph_args, name=name, **dict(changes[:-1])), check=True, diff=True)
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["diff"]["before"]["size"] == 1 and predicted["diff"]["after"]["size"] == 2
    assert predicted["diff"]["before"]["applications"] == ["rbd"] and predicted["diff"]["after"]["applications"] == ["rgw"]
    assert ceph_cluster.pool(name) == before, "check mode changed the pool"

    # One task per option, then all of them again in one task: each value must compare equal once applied.
    tasks = [pool_task(ceph_args, name=name, **{option: value}) for option, value in changes]
    everything = dict(ceph_args, name=name)
    everything.update(changes)
    tasks.append({"bigdata.platform.rados_pool": everything})
    results = ansible.run_tasks(tasks, diff=True).results
    for (option, value), result in zip(changes, results):
        assert result["changed"] and not result.get("failed"), (option, result)
        assert result["diff"]["before"] != result["diff"]["after"], option
    assert not results[-1]["changed"] and not results[-1].get("failed"), results[-1]

    raw = ceph_cluster.pool(name)
    rules = {rule["rule_id"]: rule["rule_name"] for rule in ceph_cluster_rules(ceph_cluster)}
    assert (raw["size"], raw["min_size"], raw["pg_num_target"], raw["pg_placement_num_target"]) == (2, 2, 16, 12)
    assert raw["pg_autoscale_mode"] == "warn" and rules[raw["crush_rule"]] == "it-other-rule"
    assert list(raw["application_metadata"]) == ["rgw"], "the old application must be disabled"
    assert (raw["quota_max_objects"], raw["quota_max_bytes"]) == (100, 0)
    assert "bulk" in raw["flags_names"].split(",") and raw["options"]["compression_mode"] == "aggressive"
    assert results[-1]["pool"]["settings"] == {"bulk": True, "compression_mode": "aggressive", "compression_required_ratio": 0.7}
    assert abs(raw["options"]["target_size_ratio"] - 0.3) < 1e-6


def ceph_cluster_rules(ceph_cluster):
    return json.loads(ceph_cluster.mon_command("osd crush rule dump", format="json"))


def test_erasure_pool(ansible, ceph_cluster, ceph_args, make_pool):
    ceph_cluster.mon_command("osd erasure-code-profile set", name="it-k2m1",
                             profile=["k=2", "m=1", "crush-failure-domain=osd"])
    name = make_pool("it-erasure", create=False)
    options = dict(name=name, pool_type="erasure", erasure_profile="it-k2m1", application="rgw", size=3,
                   pg_autoscale_mode="warn", target_size_ratio=0.2)

    run = ansible.run_tasks([
        {"bigdata.platform.rados_pool": dict(ceph_args, **options), "check_mode": True},
        pool_task(ceph_args, **options),
        pool_task(ceph_args, **options),
        pool_task(ceph_args, name=name, target_size_ratio=0.4),
        pool_task(ceph_args, name=name, size=5),
        pool_task(ceph_args, name=name, pool_type="replicated"),
        pool_task(ceph_args, name=make_pool("it-erasure-size", create=False), pool_type="erasure",
                  erasure_profile="it-k2m1", size=4),
        pool_task(ceph_args, name=name, settings={"allow_ec_overwrites": True}),
        pool_task(ceph_args, name=name, state="absent"),
    ])
    predicted, created, again, ratio, size, convert, bad_size, overwrites, gone = run.results
    assert predicted["changed"] and predicted["pool"]["type"] == "erasure"
    assert created["diff"]["before"] == {}, "check mode created the pool"
    assert created["changed"] and not created.get("failed"), created
    pool = created["pool"]
    assert (pool["type"], pool["erasure_profile"], pool["size"], pool["applications"]) == ("erasure", "it-k2m1", 3, ["rgw"])
    assert not again["changed"] and not again.get("failed"), again
    assert ratio["changed"] and ratio["pool"]["target_size_ratio"] == 0.4
    assert_clean_failure(size, "option 'size'", "ENOTSUP", "can not change the size of an erasure-coded pool")
    assert_clean_failure(convert, "option 'pool_type'", "cannot convert")
    assert_clean_failure(bad_size, "option 'size'", "k+m", "it-k2m1")
    assert ceph_cluster.pool("it-erasure-size") is None
    # Ceph allows EC overwrites only on BlueStore OSDs; the test cluster's OSD is a memstore one.
    assert_clean_failure(overwrites, "option 'settings.allow_ec_overwrites'", "EINVAL", "only be stored on bluestore")
    assert gone["changed"] and not gone.get("failed") and ceph_cluster.pool(name) is None


def test_pg_num_is_refused_while_the_autoscaler_owns_it(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-autoscale", autoscale_mode="on")
    new = make_pool("it-autoscale-new", create=False)
    before = ceph_cluster.pool(name)
    run = ansible.run_tasks([
        pool_task(ceph_args, name=name, pg_num=32),
        pool_task(ceph_args, name=name, pgp_num=4),
        pool_task(ceph_args, name=new, pg_num=16),
        pool_task(ceph_args, name=name, pg_num=32, pg_autoscale_mode="off"),
    ])
    existing, pgp, create, turned_off = run.results
    assert_clean_failure(existing, "option 'pg_num'", "autoscaler", "pg_autoscale_mode is on")
    assert_clean_failure(pgp, "option 'pgp_num'", "autoscaler")
    assert_clean_failure(create, "option 'pg_num'", "on by default")
    assert ceph_cluster.pool(new) is None
    assert turned_off["changed"] and not turned_off.get("failed"), turned_off
    raw = ceph_cluster.pool(name)
    assert (raw["pg_autoscale_mode"], raw["pg_num_target"]) == ("off", 32) and before["pg_autoscale_mode"] == "on"


def test_requests_ceph_rejects_name_the_option(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-rejects", autoscale_mode="off", size=2)
    new = make_pool("it-rejects-new", create=False)
    before = ceph_cluster.pool(name)
    run = ansible.run_tasks([
        pool_task(ceph_args, name=name, size=1),
        pool_task(ceph_args, name=name, pgp_num=64),
        pool_task(ceph_args, name=name, rule="no-such-rule"),
        pool_task(ceph_args, name=name, min_size=5),
        pool_task(ceph_args, name=name, target_size_ratio=-1),
        pool_task(ceph_args, name=name, quota_max_bytes="lots"),
        pool_task(ceph_args, name=new, rule="no-such-rule"),
        pool_task(ceph_args, name=new, pg_autoscale_mode="off", pg_num=8, pgp_num=16),
        pool_task(ceph_args, name=new, pool_type="erasure", erasure_profile="no-such-profile"),
        pool_task(ceph_args, name=new, erasure_profile="it-k2m1"),
        pool_task(ceph_args, name=make_pool("it-rejects-partial", create=False), size=2, min_size=3),
        pool_task(ceph_args, name=name, settings={"compression_mode": "fastest"}),
        pool_task(ceph_args, name=name, settings={"no_such_variable": 1}),
        pool_task(ceph_args, name=new, settings={"size": 3}),
    ])
    (size, pgp, rule, min_size, ratio, quota, new_rule, new_pgp, profile, profile_on_replicated, partial,
     bad_setting, unknown_setting, own_option) = run.results
    assert_clean_failure(size, "option 'size'", "EPERM", "configuring pool size as 1 is disabled", "mon_allow_pool_size_one")
    assert_clean_failure(pgp, "option 'pgp_num'", "EINVAL", "specified pgp_num 64 > pg_num 8")
    assert_clean_failure(rule, "option 'rule'", "ENOENT", "no-such-rule does not exist")
    assert_clean_failure(min_size, "option 'min_size'", "EINVAL", "min_size must be between 1 and size")
    assert_clean_failure(ratio, "option 'target_size_ratio'", "cannot be negative")
    assert_clean_failure(quota, "option 'quota_max_bytes'", "'lots'")
    assert_clean_failure(new_rule, "option 'rule'", "ENOENT", "specified rule no-such-rule doesn't exist")
    assert_clean_failure(new_pgp, "option 'pgp_num'", "ERANGE")
    assert_clean_failure(profile, "option 'erasure_profile'", "ENOENT", "unknown erasure code profile 'no-such-profile'")
    assert_clean_failure(profile_on_replicated, "option 'erasure_profile'", "pool_type: erasure")
    assert size["errno"] == "EPERM" and "configuring pool size as 1" in size["ceph_message"]
    assert not size["changed"] and not new_rule["changed"]
    # min_size is set right after 'osd pool create': the pool exists, and the task says so.
    assert_clean_failure(partial, "pool 'it-rejects-partial' was created, but option 'min_size': 3 was refused by Ceph")
    assert partial["changed"] and ceph_cluster.pool("it-rejects-partial")["size"] == 2
    assert_clean_failure(bad_setting, "option 'settings.compression_mode'", "EINVAL", "unrecognized compression mode 'fastest'")
    assert_clean_failure(unknown_setting, "option 'settings.no_such_variable'", "EINVAL", "invalid variable")
    assert_clean_failure(own_option, "option 'settings.size'", "use size")
    assert ceph_cluster.pool(new) is None
    assert ceph_cluster.pool(name) == before


def test_size_one_needs_the_cluster_setting_and_force(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-size-one", size=2)
    ceph_cluster.set_option("mon_allow_pool_size_one", "true")
    try:
        run = ansible.run_tasks([pool_task(ceph_args, name=name, size=1),
                                 pool_task(ceph_args, name=name, size=1, force=True)])
    finally:
        ceph_cluster.set_option("mon_allow_pool_size_one", "false")
    unconfirmed, confirmed = run.results
    assert_clean_failure(unconfirmed, "option 'size'", "yes-i-really-mean-it", "force: true")
    assert confirmed["changed"] and ceph_cluster.pool(name)["size"] == 1


def test_absent_refuses_a_pool_with_objects_unless_forced(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-delete-guard")
    ioctx = ceph_cluster.admin().open_ioctx(name)
    ioctx.set_namespace("tenant-a")  # the guard looks in every namespace, not only the default one
    ioctx.write_full("precious", b"data")
    ioctx.close()
    before = ceph_cluster.pool(name)

    run = ansible.run_tasks([pool_task(ceph_args, name=name, state="absent"),
                             {"bigdata.platform.rados_pool": dict(ceph_args, name=name, state="absent", force=True),
                              "check_mode": True, "diff": True}])
    refused, predicted = run.results
    assert_clean_failure(refused, "holds objects", "precious", "force: true")
    assert predicted["changed"] and predicted["pool"] is None and predicted["diff"]["before"]["name"] == name
    assert ceph_cluster.pool(name) == before

    run = ansible.run_tasks([pool_task(ceph_args, name=name, state="absent", force=True),
                             pool_task(ceph_args, name=name, state="absent")])
    deleted, missing = run.results
    assert deleted["changed"] and not deleted.get("failed"), deleted
    assert not missing["changed"] and not missing.get("failed"), missing
    assert ceph_cluster.pool(name) is None


def test_deletion_blocked_by_the_cluster_names_the_setting(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-delete-blocked")
    ceph_cluster.set_option("mon_allow_pool_delete", "false")
    try:
        by_monitors = ansible.run_module("rados_pool", dict(ceph_args, name=name, state="absent"))
    finally:
        ceph_cluster.set_option("mon_allow_pool_delete", "true")
    assert_clean_failure(by_monitors, "EPERM", "you must first set the mon_allow_pool_delete config option to true",
                         "blocked by the monitors' mon_allow_pool_delete")

    ceph_cluster.mon_command("osd pool set", pool=name, var="nodelete", val="true")
    run = ansible.run_tasks([pool_task(ceph_args, name=name, state="absent"),
                             {"bigdata.platform.rados_pool": dict(ceph_args, name=name, state="absent"), "check_mode": True}])
    by_flag, predicted = run.results
    assert_clean_failure(by_flag, "EPERM", "you must unset nodelete flag", "blocked by the pool's nodelete flag")
    assert_clean_failure(predicted, "nodelete")
    assert ceph_cluster.pool(name) is not None


def test_dead_monitor_fails_within_connect_timeout(ansible, ceph_args, tmp_path):
    conf = tmp_path / "dead.conf"
    with unused_port() as port:
        conf.write_text("[global]\nmon host = [v2:127.0.0.1:%d]\n" % port)
        started = time.monotonic()
        result = ansible.run_module("rados_pool", dict(ceph_args, name="any", conf_file=str(conf), connect_timeout=3))
        elapsed = time.monotonic() - started
    assert_clean_failure(result, "cannot connect", "connect_timeout=3")
    assert elapsed < 60, elapsed  # the hang it guards against lasted for ever; ansible start-up under load varies


@contextlib.contextmanager
def unused_port():
    """A port nobody listens on, held (bound, not listening) so nothing else takes it meanwhile."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


def test_connection_from_environment_key_and_user_alias(ansible, ceph_cluster, ceph_args, make_pool):
    name = make_pool("it-connection")
    with open(ceph_args["keyring"]) as handle:
        key = handle.read().split("key = ")[1].strip()
    wrong_key = subprocess.run(["ceph-authtool", "--gen-print-key"], check=True, capture_output=True, text=True).stdout.strip()
    env = {"CEPH_CONF": ceph_args["conf_file"], "CEPH_KEYRING": ceph_args["keyring"], "CEPH_CLIENT_NAME": "client.ansible"}
    run = ansible.run_tasks([
        {"bigdata.platform.rados_pool_info": {"name": name}},
        {"bigdata.platform.rados_pool_info": {"name": name, "conf_file": ceph_args["conf_file"], "key": key, "user": "ansible"}},
        {"bigdata.platform.rados_pool_info": {"name": name, "conf_file": ceph_args["conf_file"], "user": "ansible",
                                              "key": wrong_key}},
        {"bigdata.platform.rados_pool_info": {"name": name, "conf_file": ceph_args["conf_file"], "keyring": "/nonexistent"}},
    ], env=env, verbosity=3)
    from_env, with_key, wrong_key, no_keyring = run.results
    assert [pool["name"] for pool in from_env["pools"]] == [name], from_env
    assert with_key["pools"] == from_env["pools"]
    assert_clean_failure(wrong_key, "cannot connect", "client.ansible", "Authentication failed")
    assert_clean_failure(no_keyring, "cannot connect", "no keyring was found")
    assert key not in run.output, "the key option must be no_log"


def test_missing_rados_binding_names_the_package_and_the_interpreter(ansible, ceph_args, tmp_path):
    bare = tmp_path / "bare-venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(bare)], check=True, capture_output=True)
    python = os.path.join(str(bare), "bin", "python")
    run = ansible.run_tasks([pool_task(ceph_args, name="any")], vars={"ansible_python_interpreter": python})
    assert_clean_failure(run.results[0], "python3-rados", "ansible_python_interpreter")


def test_the_documented_examples_run(ansible, ceph_args, make_pool):
    """EXAMPLES of rados_pool then rados_pool_info, run as written but pointed at the test cluster."""
    from ansible_collections.bigdata.platform.plugins.modules import rados_pool_info

    for name in ("rbd-volumes", "metrics", "archive", "default.rgw.buckets.data", "scratch"):
        make_pool(name, create=False)
    tasks = [at_test_cluster(task, ceph_args) for module in (rados_pool, rados_pool_info)
             for task in yaml.safe_load(module.EXAMPLES)]
    run = ansible.run_tasks(tasks, module_defaults={"group/bigdata.platform.ceph": ceph_args})
    for result in run.results:
        assert not result.get("failed"), result
    rbd, metrics, archive, rgw, scratch, every, rbd_names, one = run.results
    assert rbd["changed"] and metrics["changed"] and archive["changed"] and rgw["changed"] and not scratch["changed"]
    assert archive["pool"]["settings"] == {"bulk": True, "compression_mode": "aggressive", "compression_algorithm": "zstd",
                                           "nodelete": True}
    assert metrics["pool"]["pg_num_target"] == 64 and rgw["pool"]["type"] == "erasure"
    assert "rbd-volumes" in [pool["name"] for pool in every["pools"]]
    # Other tests of the session may leave rbd pools of their own on the shared cluster.
    assert "rbd-volumes" in rbd_names["msg"]
    # The same pool, but the transient 'creating' flag may have cleared in between, and the autoscaler (on, with
    # a target_size_ratio) may have moved its PG counts.
    moving = dict.fromkeys(("flags", "pg_num", "pg_num_target", "pgp_num", "pgp_num_target"))
    assert [dict(pool, **moving) for pool in one["pools"]] == [dict(rbd["pool"], **moving)]


def at_test_cluster(task, ceph_args):
    """The task with its connection options (and those of a block's module_defaults) replaced by the test cluster's."""
    task = dict(task)
    for key, value in task.items():
        if key.startswith("bigdata.platform.") and isinstance(value, dict):
            task[key] = dict(value, **{option: ceph_args[option] for option in ceph_args if option in value})
    if "module_defaults" in task:
        task["module_defaults"] = {group: dict(defaults, **ceph_args) for group, defaults in task["module_defaults"].items()}
    if "block" in task:
        task["block"] = [at_test_cluster(inner, ceph_args) for inner in task["block"]]
    return task


def test_zero_size_or_pg_num_is_refused_before_the_pool_is_created(ansible, ceph_cluster, ceph_args, make_pool):
    """Issue 12 item 8: Ceph creates the pool and refuses the value only in the next command."""
    name = make_pool("it-zero", create=False)
    run = ansible.run_tasks([
        pool_task(ceph_args, name=name, size=0),
        pool_task(ceph_args, name=name, pg_autoscale_mode="off", pg_num=0),
        pool_task(ceph_args, name=name, pg_autoscale_mode="off", pg_num=8, pgp_num=0),
        pool_task(ceph_args, name=name, min_size=-1),
        pool_task(ceph_args, name=name, quota_max_objects=-5),
    ])
    size, pg_num, pgp_num, min_size, quota = run.results
    assert_clean_failure(size, "option 'size': 0 must be 1 or more")
    assert_clean_failure(pg_num, "option 'pg_num': 0 must be 1 or more")
    assert_clean_failure(pgp_num, "option 'pgp_num': 0 must be 1 or more")
    assert_clean_failure(min_size, "option 'min_size': -1 must be 1 or more")
    assert_clean_failure(quota, "option 'quota_max_objects': -5 must be 0 or more")
    assert not any(result["changed"] for result in run.results)
    assert ceph_cluster.pool(name) is None, "nothing is left behind"


def test_check_mode_of_absent_predicts_the_refusal_of_the_monitors(ansible, ceph_cluster, ceph_args, make_pool):
    """Issue 12 item 12: mon_allow_pool_delete=false is readable from the mons, so check mode does not promise a delete."""
    name = make_pool("it-delete-predicted")
    ceph_cluster.set_option("mon_allow_pool_delete", "false")
    try:
        run = ansible.run_tasks([
            {"bigdata.platform.rados_pool": dict(ceph_args, name=name, state="absent"), "check_mode": True},
            pool_task(ceph_args, name=name, state="absent"),
        ])
    finally:
        ceph_cluster.set_option("mon_allow_pool_delete", "true")
    predicted, applied = run.results
    assert_clean_failure(predicted, "pool 'it-delete-predicted' cannot be deleted", "mon_allow_pool_delete setting is false")
    assert_clean_failure(applied, "mon_allow_pool_delete")
    allowed = ansible.run_module("rados_pool", dict(ceph_args, name=name, state="absent"), check=True)
    assert allowed["changed"] and not allowed.get("failed"), allowed
    assert ceph_cluster.pool(name) is not None


@pytest.mark.parametrize("timeout", [0, -1])
def test_connect_timeout_librados_takes_as_forever_is_refused_at_once(ansible, ceph_args, tmp_path, timeout):
    """Issue 12 item 4: 0 means 'wait forever' to librados (a task hung 406 s), -1 gave an unclear EINVAL."""
    conf = tmp_path / "dead.conf"
    with unused_port() as port:
        conf.write_text("[global]\nmon host = [v2:127.0.0.1:%d]\n" % port)
        started = time.monotonic()
        run = ansible.run_tasks([pool_task(ceph_args, name="any", conf_file=str(conf), connect_timeout=timeout),
                                 {"bigdata.platform.rados_pool_info": dict(ceph_args, conf_file=str(conf),
                                                                           connect_timeout=timeout)}])
        elapsed = time.monotonic() - started
    for result in run.results:
        assert_clean_failure(result, "option 'connect_timeout': %d must be more than 0" % timeout)
    assert elapsed < 60, elapsed
