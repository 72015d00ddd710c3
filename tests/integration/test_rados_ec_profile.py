"""rados_ec_profile against the real one-node Ceph cluster (cephx on): check mode as a read-only user (mon 'allow rx',
so Ceph would refuse any change it sent), a profile and an erasure pool on it, and a profile in use left alone."""

import json

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.modules import rados_ec_profile
from integration.playbook import assert_clean_failure

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]

RETURN_KEYS = set(yaml.safe_load(rados_ec_profile.RETURN)["profile"]["contains"])


def profile_task(connection, **options):
    return {"bigdata.platform.rados_ec_profile": dict(connection, **options)}


def raw_profile(ceph_cluster, name):
    profiles = json.loads(ceph_cluster.mon_command("osd erasure-code-profile ls", format="json"))
    if name not in profiles:
        return None
    return json.loads(ceph_cluster.mon_command("osd erasure-code-profile get", name=name, format="json"))


def test_profile_check_mode_create_again_and_a_pool_on_it(ansible, ceph_cluster, key_manager, read_only, forget_crush):
    forget_crush(rule_names=["it-ec-pool"], profile_names=["it-k2m1"])
    options = dict(name="it-k2m1", k=2, m=1, crush_failure_domain="osd", crush_device_class="hdd", stripe_unit="4K",
                   plugin="jerasure", technique="reed_sol_van")

    predicted = ansible.run_module("rados_ec_profile", dict(read_only, **options), check=True, diff=True)
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["diff"]["before"] == {} and predicted["profile"]["stripe_unit"] == 4096
    assert raw_profile(ceph_cluster, "it-k2m1") is None, "check mode created the profile"

    run = ansible.run_tasks([
        profile_task(key_manager, **options),
        profile_task(key_manager, **options),
        {"bigdata.platform.rados_pool": dict(key_manager, name="it-ec-pool", pool_type="erasure", erasure_profile="it-k2m1",
                                             pg_autoscale_mode="off", pg_num=8)},
    ], diff=True)
    created, again, pool = run.results
    assert created["changed"] and not created.get("failed"), created
    assert set(created["profile"]) == RETURN_KEYS
    profile = created["profile"]
    assert (profile["k"], profile["m"], profile["crush_failure_domain"], profile["crush_device_class"], profile["crush_root"],
            profile["stripe_unit"], profile["plugin"], profile["technique"]) == (2, 1, "osd", "hdd", "default", 4096,
                                                                                 "jerasure", "reed_sol_van")
    assert not again["changed"] and not again.get("failed"), again
    assert pool["changed"] and pool["pool"]["type"] == "erasure" and pool["pool"]["erasure_profile"] == "it-k2m1", pool
    raw = raw_profile(ceph_cluster, "it-k2m1")
    assert (raw["k"], raw["m"], raw["crush-failure-domain"], raw["crush-device-class"]) == ("2", "1", "osd", "hdd")
    assert ceph_cluster.pool("it-ec-pool")["erasure_code_profile"] == "it-k2m1"

    run = ansible.run_tasks([
        profile_task(key_manager, name="it-k2m1", k=3),
        profile_task(key_manager, name="it-k2m1", k=3, force=True),
        {"bigdata.platform.rados_ec_profile": dict(read_only, name="it-k2m1", state="absent"), "check_mode": True},
        profile_task(key_manager, name="it-k2m1", state="absent"),
    ])
    changed, forced, predicted_delete, delete = run.results
    assert_clean_failure(changed, "erasure code profile 'it-k2m1' cannot be changed (k 2 -> 3)", "pool 'it-ec-pool' uses it")
    assert_clean_failure(forced, "pool 'it-ec-pool' uses it")
    assert_clean_failure(predicted_delete, "cannot be deleted", "pool 'it-ec-pool' uses it")
    assert_clean_failure(delete, "cannot be deleted", "pool 'it-ec-pool' uses it")
    assert delete["pools"] == ["it-ec-pool"] and not delete["changed"]
    assert raw_profile(ceph_cluster, "it-k2m1") == raw


def test_an_unused_profile_is_recreated_only_with_force_then_deleted(ansible, ceph_cluster, key_manager, forget_crush):
    forget_crush(profile_names=["it-spare"])
    run = ansible.run_tasks([
        profile_task(key_manager, name="it-spare", k=2, m=1, crush_failure_domain="osd"),
        profile_task(key_manager, name="it-spare", k=3, m=1),
        profile_task(key_manager, name="it-spare", k=3, m=1, force=True),
        profile_task(key_manager, name="it-spare", k=3, m=1),
        profile_task(key_manager, name="it-spare", state="absent"),
        profile_task(key_manager, name="it-spare", state="absent"),
    ], diff=True)
    created, unforced, forced, again, deleted, gone = run.results
    assert created["changed"] and not created.get("failed"), created
    assert_clean_failure(unforced, "'it-spare' differs (k 2 -> 3)", "no pool uses it", "force: true")
    assert forced["changed"] and forced["profile"]["k"] == 3 and forced["diff"]["before"]["k"] == 2, forced
    # Recreated from the options given and Ceph's defaults: the failure domain is Ceph's default again.
    assert forced["profile"]["crush_failure_domain"] == "host"
    assert not again["changed"] and not again.get("failed"), again
    assert deleted["changed"] and deleted["profile"] is None and not gone["changed"], (deleted, gone)
    assert raw_profile(ceph_cluster, "it-spare") is None


def test_bad_input_is_refused_before_anything_is_sent(ansible, ceph_cluster, key_manager, forget_crush):
    forget_crush(profile_names=["it-bad-profile"])
    run = ansible.run_tasks([
        profile_task(key_manager, name="it-bad-profile", k=0, m=1),
        profile_task(key_manager, name="it-bad-profile", m=-1),
        profile_task(key_manager, name="it-bad-profile", crush_device_class="nvme"),
        profile_task(key_manager, name="it-bad-profile", crush_failure_domain="galaxy"),
        profile_task(key_manager, name="it-bad-profile", stripe_unit="lots"),
        profile_task(key_manager, name="it-bad-profile", plugin="no-such-plugin"),
    ])
    zero_k, negative_m, device_class, domain, stripe, plugin = run.results
    assert_clean_failure(zero_k, "option 'k': 0 must be 1 or more")
    assert_clean_failure(negative_m, "option 'm': -1 must be 1 or more")
    assert_clean_failure(device_class, "option 'crush_device_class': 'nvme' is not a device class of the CRUSH map", "hdd")
    assert_clean_failure(domain, "option 'crush_failure_domain': 'galaxy' is not a bucket type", "host")
    assert_clean_failure(stripe, "option 'stripe_unit'", "'lots'")
    assert_clean_failure(plugin, "option 'plugin': 'no-such-plugin' was refused by Ceph for erasure code profile "
                                 "'it-bad-profile'", "libec_no-such-plugin.so")
    assert not plugin["changed"]
    assert raw_profile(ceph_cluster, "it-bad-profile") is None
