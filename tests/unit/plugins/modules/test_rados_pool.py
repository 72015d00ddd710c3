"""rados_pool's decisions that need no cluster: what is managed, how it compares, what is refused up front."""

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import CephCommandError
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import differences
from ansible_collections.bigdata.platform.plugins.modules import rados_pool

OPTIONS = ("pool_type", "erasure_profile", "rule", "size", "min_size", "pg_num", "pgp_num", "pg_autoscale_mode",
           "target_size_ratio", "application", "quota_max_objects", "quota_max_bytes", "settings")
CURRENT = {"name": "p", "type": "replicated", "erasure_profile": None, "pg_autoscale_mode": "on", "pg_num_target": 32,
           "target_size_ratio": 0.1, "applications": ["rbd"], "quota_max_bytes": 0}


def params(**given):
    values = dict.fromkeys(OPTIONS)
    values.update(name="p", state="present", force=False)
    values.update(given)
    return values


class FakeClient:
    def __init__(self, profile=None, create_error=None):
        self.profile = profile
        self.create_error = create_error
        self.created = []

    def erasure_profile(self, name):
        if self.profile is None:
            raise CephCommandError("osd erasure-code-profile get", -2, "unknown erasure code profile '%s'" % name)
        return self.profile

    def create_pool(self, **args):
        if self.create_error:
            raise self.create_error
        self.created.append(args)


def test_options_map_to_what_ceph_converges_to():
    desired = rados_pool.desired_from(params(pg_num=64, pgp_num=64, application="rgw", quota_max_bytes="1G"), exists=True)
    assert desired["pg_num_target"] == 64 and desired["pgp_num_target"] == 64
    assert desired["applications"] == ["rgw"] and desired["quota_max_bytes"] == 1024 ** 3
    assert desired["type"] is None, "an existing pool's type is not managed unless given"
    assert rados_pool.desired_from(params(), exists=False)["type"] == "replicated"


def test_ratio_compares_with_a_tolerance_and_unmanaged_options_are_skipped():
    desired = rados_pool.desired_from(params(target_size_ratio=0.1000000001, application="rbd"), exists=True)
    assert differences(CURRENT, desired, rados_pool.same) == {}
    desired = rados_pool.desired_from(params(target_size_ratio=0.2), exists=True)
    assert differences(CURRENT, desired, rados_pool.same) == {"target_size_ratio": (0.1, 0.2)}


@pytest.mark.parametrize("given,current,words", [
    ({"pg_num": 64}, CURRENT, "pg_autoscale_mode is on for pool 'p'"),
    ({"pgp_num": 64}, CURRENT, "option 'pgp_num'"),
    ({"pg_num": 64}, None, "on by default"),
    ({"pg_num": 64, "pg_autoscale_mode": "on"}, dict(CURRENT, pg_autoscale_mode="off"), "autoscaler"),
    ({"pool_type": "erasure"}, CURRENT, "cannot convert"),
    ({"erasure_profile": "k4m2"}, None, "needs pool_type: erasure"),
    ({"settings": {"crush_rule": "fast"}}, None, "option 'settings.crush_rule': 'fast' has an option of its own: use rule"),
    # Ceph sets these, then lists the pool with a bare nan/inf that breaks every later read of the pools (issue 12).
    ({"target_size_ratio": float("nan")}, CURRENT, "option 'target_size_ratio': nan is not a ratio Ceph can keep"),
    ({"target_size_ratio": float("inf")}, None, "option 'target_size_ratio': inf is not a ratio Ceph can keep"),
    ({"target_size_ratio": 1e308}, None, "a finite number up to 3.4e+38"),
])
def test_requests_refused_before_anything_is_sent(given, current, words):
    request = params(**given)
    with pytest.raises(OptionError) as caught:
        rados_pool.check_request(FakeClient(), request, rados_pool.desired_from(request, current is not None), current)
    assert words in caught.value.message


@pytest.mark.parametrize("given,current", [
    ({"pg_num": 64, "pg_autoscale_mode": "off"}, CURRENT),
    ({"pg_num": 64}, dict(CURRENT, pg_autoscale_mode="warn")),
    ({"pg_num": 64, "pg_autoscale_mode": "warn"}, None),
])
def test_pg_num_is_accepted_when_the_autoscaler_does_not_own_it(given, current):
    request = params(**given)
    rados_pool.check_request(FakeClient(), request, rados_pool.desired_from(request, current is not None), current)


def test_an_erasure_pool_size_must_be_k_plus_m_of_an_existing_profile():
    request = params(pool_type="erasure", erasure_profile="k2m1", size=3)
    rados_pool.check_request(FakeClient({"k": "2", "m": "1"}), request, rados_pool.desired_from(request, False), None)
    request["size"] = 4
    with pytest.raises(OptionError, match=r"k\+m of erasure profile 'k2m1' \(3\)"):
        rados_pool.check_request(FakeClient({"k": "2", "m": "1"}), request, rados_pool.desired_from(request, False), None)
    with pytest.raises(OptionError, match="option 'erasure_profile'.*ENOENT: unknown erasure code profile"):
        rados_pool.check_request(FakeClient(), request, rados_pool.desired_from(request, False), None)


def test_create_sends_what_ceph_takes_at_create_and_names_the_option_it_refuses():
    request = params(size=2, min_size=2, pg_num=16, pg_autoscale_mode="off", target_size_ratio=0.2, rule="fast")
    client = FakeClient()
    rados_pool.create_pool(client, request, rados_pool.desired_from(request, False))
    assert client.created == [{"pool": "p", "pool_type": "replicated", "pg_num": 16, "rule": "fast", "autoscale_mode": "off",
                               "target_size_ratio": 0.2, "size": 2}]
    refused = CephCommandError("osd pool create", -2, "specified rule fast doesn't exist")
    with pytest.raises(OptionError, match="option 'rule': 'fast' was refused by Ceph creating pool 'p': ENOENT"):
        rados_pool.create_pool(FakeClient(create_error=refused), request, rados_pool.desired_from(request, False))


class FakeModule:
    def __init__(self, check_mode=False, **given):
        self.params = params(**given)
        self.check_mode = check_mode


class StubbornClient:
    """Accepts every command but the pool never changes: what a silently ignored setting looks like."""

    def __init__(self, pool):
        self.current = pool
        self.sent = []

    def pool(self, name):
        return dict(self.current)

    def set_pool(self, *args):
        self.sent.append(args)


def test_a_setting_ceph_accepts_but_does_not_apply_fails_the_task():
    client = StubbornClient(dict(CURRENT, size=3, min_size=2))
    with pytest.raises(OperationFailed, match=r"Ceph accepted the commands but reports size 3 \(wanted 2\)"):
        rados_pool.ensure_present(FakeModule(size=2), client, client.pool("p"))
    assert client.sent == [("p", "size", 2, False)]


def test_check_mode_predicts_without_sending():
    client = StubbornClient(dict(CURRENT, size=3))
    result = rados_pool.ensure_present(FakeModule(check_mode=True, size=2, application="rgw"), client, client.pool("p"))
    assert result["changed"] and client.sent == []
    assert result["diff"]["before"]["size"] == 3 and result["pool"]["size"] == 2 and result["pool"]["applications"] == ["rgw"]


@pytest.mark.parametrize("have,wanted,equal", [
    (True, "true", True), (0, False, True), (1, True, True), (0.7, "0.7000001", True), ("aggressive", "aggressive", True),
    (None, "aggressive", False), (4, 5, False), ("zstd", "snappy", False), (False, True, False),
])
def test_pool_variables_compare_as_ceph_reports_them(have, wanted, equal):
    assert rados_pool.same_setting(have, wanted) is equal
    assert rados_pool.same("settings", {"v": have}, {"v": wanted}) is equal
