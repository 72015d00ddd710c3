"""The pure parts of the Ceph package beside the client: cephx names and secrets, CRUSH rule and EC profile
normalisers, health and PG summaries (no cluster needed; the real cluster is in tests/integration)."""

import base64

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import auth, cluster, crush
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError

SECRET = base64.b64encode(bytes(range(28))).decode()


@pytest.mark.parametrize("name", ["client.spark", "mgr.x", "osd.0", "client.rgw.gateway-1"])
def test_entity_names_ceph_accepts(name):
    auth.check_entity("name", name)


@pytest.mark.parametrize("name", ["spark", "client.", "user.spark", "client. x", ""])
def test_entity_names_without_a_type_or_id_are_refused(name):
    with pytest.raises(OptionError, match="TYPE.ID"):
        auth.check_entity("name", name)


@pytest.mark.parametrize("secret", ["not-base64!", base64.b64encode(b"short").decode(), SECRET + "AA"])
def test_a_secret_that_is_not_a_cephx_key_is_refused_without_showing_it(secret):
    with pytest.raises(PlatformError) as refused:
        auth.check_secret("secret", secret)
    assert "not a cephx key" in str(refused.value) and secret not in str(refused.value)


def test_a_cephx_key_is_accepted_and_keyrings_and_caps_are_what_ceph_reads():
    auth.check_secret("secret", SECRET)
    assert auth.keyring_text("client.x", SECRET) == "[client.x]\n\tkey = %s\n" % SECRET
    assert auth.caps_args({"osd": "allow rw pool=a", "mon": "allow r"}) == ["mon", "allow r", "osd", "allow rw pool=a"]
    raw = {"entity": "client.x", "key": SECRET, "caps": {"osd": "b", "mon": "a"}}
    assert auth.normalise_user(raw) == {"name": "client.x", "caps": {"mon": "a", "osd": "b"}}
    assert auth.normalise_user(raw, with_key=True)["key"] == SECRET


def test_normalise_rule_reads_root_class_and_failure_domain_from_the_steps():
    replicated = {"rule_id": 2, "rule_name": "fast", "type": 1, "steps": [
        {"op": "take", "item": -2, "item_name": "default~ssd"}, {"op": "chooseleaf_firstn", "num": 0, "type": "host"},
        {"op": "emit"}]}
    erasure = {"rule_id": 3, "rule_name": "ec", "type": 3, "steps": [
        {"op": "set_chooseleaf_tries", "num": 5}, {"op": "take", "item": -1, "item_name": "default"},
        {"op": "choose_indep", "num": 0, "type": "osd"}, {"op": "emit"}]}
    assert crush.normalise_rule(replicated) == {"name": "fast", "id": 2, "type": "replicated", "root": "default",
                                                "device_class": "ssd", "failure_domain": "host"}
    assert crush.normalise_rule(erasure) == {"name": "ec", "id": 3, "type": "erasure", "root": "default",
                                             "device_class": None, "failure_domain": "osd"}


def test_normalise_profile_types_its_numbers_and_keeps_the_other_keys():
    raw = {"k": "4", "m": "2", "plugin": "jerasure", "technique": "reed_sol_van", "crush-root": "default",
           "crush-failure-domain": "host", "crush-device-class": "", "stripe_unit": "4K", "w": "8"}
    profile = crush.normalise_profile("k4m2", raw)
    assert (profile["k"], profile["m"], profile["crush_device_class"], profile["stripe_unit"]) == (4, 2, None, 4096)
    assert profile["other"] == {"w": "8"} and profile["name"] == "k4m2"


def test_pg_states_active_clean_and_scrubbing_count_as_clean():
    pgs = cluster.pg_summary({"num_pgs": 12, "pgs_by_state": [
        {"state_name": "active+clean", "count": 8}, {"state_name": "active+clean+scrubbing+deep", "count": 2},
        {"state_name": "active+undersized+degraded", "count": 2}]})
    assert pgs == {"total": 12, "by_state": {"active+clean": 8, "active+clean+scrubbing+deep": 2,
                                             "active+undersized+degraded": 2}, "not_clean": 2, "all_clean": False}
    assert not cluster.is_clean("active+cleaning") and cluster.is_clean("active+clean+snaptrim")


def test_healthy_means_health_ok_and_clean_pgs_unless_only_pgs_are_asked_for():
    warn = {"health": {"status": "HEALTH_WARN", "checks": {"MON_CLOCK_SKEW": {"message": "clock skew"}}},
            "pgs": {"all_clean": True, "total": 8, "by_state": {"active+clean": 8}, "not_clean": 0}}
    assert not cluster.is_healthy(warn, "health_ok") and cluster.is_healthy(warn, "pgs_clean")
    ok_but_peering = {"health": {"status": "HEALTH_OK", "checks": {}},
                      "pgs": {"all_clean": False, "total": 8, "by_state": {"peering": 8}, "not_clean": 8}}
    assert not cluster.is_healthy(ok_but_peering, "health_ok")
    assert cluster.describe_health(warn) == "HEALTH_WARN (MON_CLOCK_SKEW: clock skew); all 8 PGs active+clean"
    assert cluster.describe_health(ok_but_peering) == "HEALTH_OK; 8 of 8 PGs not active+clean (peering: 8)"


def test_mon_host_lists_v2_before_v1_for_each_monitor():
    first = [{"type": "v2", "addr": "10.0.0.1:3300"}, {"type": "v1", "addr": "10.0.0.1:6789"}]
    mon_map = {"mons": [{"name": "a", "rank": 0, "public_addrs": {"addrvec": first}},
                        {"name": "b", "rank": 1, "public_addrs": {"addrvec": [{"type": "v1", "addr": "10.0.0.2:6789"}]}}]}
    mons = cluster.monitors(mon_map)
    assert mons[1] == {"name": "b", "rank": 1, "v2": None, "v1": "10.0.0.2:6789"}
    assert cluster.mon_host(mons) == "[v2:10.0.0.1:3300,v1:10.0.0.1:6789],[v1:10.0.0.2:6789]"
