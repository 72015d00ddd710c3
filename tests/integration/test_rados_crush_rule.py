"""rados_crush_rule against the real one-node Ceph cluster (cephx on): a replicated rule by device class and a pool
on it, an erasure rule from a profile, rules in use left alone; check mode as a read-only user (mon 'allow rx')."""

import json

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.modules import rados_crush_rule
from integration.playbook import assert_clean_failure

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]

RETURN_KEYS = set(yaml.safe_load(rados_crush_rule.RETURN)["rule"]["contains"])


def rule_task(connection, **options):
    return {"bigdata.platform.rados_crush_rule": dict(connection, **options)}


def raw_rules(ceph_cluster):
    return {rule["rule_name"]: rule for rule in json.loads(ceph_cluster.mon_command("osd crush rule dump", format="json"))}


def test_rule_by_device_class_check_mode_create_again_and_a_pool_on_it(ansible, ceph_cluster, key_manager,
                                                                       read_only, forget_crush):
    forget_crush(rule_names=["it-hdd"])
    options = dict(name="it-hdd", device_class="hdd", failure_domain="osd")
    before = raw_rules(ceph_cluster)

    predicted = ansible.run_module("rados_crush_rule", dict(read_only, **options), check=True, diff=True)
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["rule"] == {"name": "it-hdd", "id": None, "type": "replicated", "root": "default",
                                 "failure_domain": "osd", "device_class": "hdd"}
    assert raw_rules(ceph_cluster) == before, "check mode created the rule"

    run = ansible.run_tasks([
        rule_task(key_manager, **options),
        rule_task(key_manager, **options),
        {"bigdata.platform.rados_pool": dict(key_manager, name="it-hdd-pool", rule="it-hdd", pg_autoscale_mode="off", pg_num=8)},
    ], diff=True)
    created, again, pool = run.results
    assert created["changed"] and not created.get("failed"), created
    assert set(created["rule"]) == RETURN_KEYS
    assert dict(created["rule"], id=None) == predicted["rule"]
    assert not again["changed"] and not again.get("failed") and again["rule"] == created["rule"], again
    assert pool["changed"] and pool["pool"]["rule"] == "it-hdd", pool
    raw = raw_rules(ceph_cluster)["it-hdd"]
    assert raw["steps"][0]["item_name"] == "default~hdd" and raw["steps"][1]["type"] == "osd"
    assert ceph_cluster.pool("it-hdd-pool")["crush_rule"] == raw["rule_id"]

    run = ansible.run_tasks([
        rule_task(key_manager, name="it-hdd", state="absent"),
        {"bigdata.platform.rados_crush_rule": dict(read_only, name="it-hdd", state="absent"), "check_mode": True},
        rule_task(key_manager, name="it-hdd", failure_domain="host", force=True),
    ])
    delete, predicted_delete, change = run.results
    assert_clean_failure(delete, "CRUSH rule 'it-hdd' cannot be deleted: pool 'it-hdd-pool' uses it")
    assert_clean_failure(predicted_delete, "pool 'it-hdd-pool' uses it")
    assert_clean_failure(change, "cannot be changed (failure_domain osd -> host)", "pool 'it-hdd-pool' uses it")
    assert raw_rules(ceph_cluster)["it-hdd"] == raw


def test_erasure_rule_from_a_profile_and_an_unused_rule_recreated_with_force(ansible, ceph_cluster, key_manager,
                                                                             forget_crush):
    forget_crush(rule_names=["it-ec-rule", "it-spare-rule"], profile_names=["it-rule-profile"])
    ceph_cluster.mon_command("osd erasure-code-profile set", name="it-rule-profile",
                             profile=["k=2", "m=1", "crush-failure-domain=osd", "crush-device-class=hdd"])
    run = ansible.run_tasks([
        rule_task(key_manager, name="it-ec-rule", rule_type="erasure", erasure_profile="it-rule-profile"),
        rule_task(key_manager, name="it-ec-rule", rule_type="erasure", erasure_profile="it-rule-profile"),
        rule_task(key_manager, name="it-spare-rule", failure_domain="osd"),
        rule_task(key_manager, name="it-spare-rule", failure_domain="host"),
        rule_task(key_manager, name="it-spare-rule", failure_domain="host", force=True),
        rule_task(key_manager, name="it-spare-rule", failure_domain="host"),
        rule_task(key_manager, name="it-spare-rule", state="absent"),
        rule_task(key_manager, name="it-spare-rule", state="absent"),
    ], diff=True)
    erasure, erasure_again, spare, unforced, forced, forced_again, deleted, gone = run.results
    assert erasure["changed"] and not erasure.get("failed"), erasure
    assert {key: erasure["rule"][key] for key in ("type", "root", "failure_domain", "device_class")} == {
        "type": "erasure", "root": "default", "failure_domain": "osd", "device_class": "hdd"}
    assert not erasure_again["changed"] and not erasure_again.get("failed"), erasure_again
    assert raw_rules(ceph_cluster)["it-ec-rule"]["type"] == 3
    assert spare["changed"] and spare["rule"]["failure_domain"] == "osd", spare
    assert_clean_failure(unforced, "'it-spare-rule' differs (failure_domain osd -> host)", "force: true")
    assert forced["changed"] and forced["rule"]["failure_domain"] == "host", forced
    assert forced["diff"]["before"]["failure_domain"] == "osd"
    assert not forced_again["changed"] and not forced_again.get("failed"), forced_again
    assert deleted["changed"] and deleted["rule"] is None and not gone["changed"], (deleted, gone)
    assert "it-spare-rule" not in raw_rules(ceph_cluster)


def test_bad_input_is_refused_before_anything_is_sent(ansible, ceph_cluster, key_manager, forget_crush):
    forget_crush(rule_names=["it-bad-rule"])
    before = raw_rules(ceph_cluster)
    run = ansible.run_tasks([
        rule_task(key_manager, name="it-bad-rule", device_class="ssd"),
        rule_task(key_manager, name="it-bad-rule", root="nowhere"),
        rule_task(key_manager, name="it-bad-rule", failure_domain="galaxy"),
        rule_task(key_manager, name="it-bad-rule", rule_type="erasure"),
        rule_task(key_manager, name="it-bad-rule", rule_type="erasure", erasure_profile="no-such-profile"),
        rule_task(key_manager, name="it-bad-rule", rule_type="erasure", erasure_profile="default", root="default"),
        rule_task(key_manager, name="it-bad-rule", erasure_profile="default"),
    ])
    ssd, root, domain, no_profile, unknown_profile, root_and_profile, profile_on_replicated = run.results
    assert_clean_failure(ssd, "option 'device_class': 'ssd' is not a device class of the CRUSH map (it has hdd)")
    assert_clean_failure(root, "option 'root': 'nowhere' is not a bucket of the CRUSH map", "default")
    assert_clean_failure(domain, "option 'failure_domain': 'galaxy' is not a bucket type", "host", "osd")
    assert_clean_failure(no_profile, "option 'erasure_profile'", "required with rule_type: erasure")
    assert_clean_failure(unknown_profile, "option 'erasure_profile': 'no-such-profile' is not an erasure code profile")
    assert_clean_failure(root_and_profile, "option 'root'", "comes from erasure_profile")
    assert_clean_failure(profile_on_replicated, "option 'erasure_profile'", "needs rule_type: erasure")
    assert raw_rules(ceph_cluster) == before
