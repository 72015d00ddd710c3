"""The Ceph client's pure parts: settings, mon command errors, the pool normaliser (no cluster needed)."""

import json
import math

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import client as ceph
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError

RAW_POOL = {
    "pool_id": 7, "pool_name": "rbd-volumes", "type": 1, "size": 3, "min_size": 2, "crush_rule": 0,
    "pg_num": 16, "pg_placement_num": 16, "pg_num_target": 32, "pg_placement_num_target": 32,
    "pg_autoscale_mode": "off", "quota_max_bytes": 1024, "quota_max_objects": 10, "erasure_code_profile": "",
    "options": {"target_size_ratio": 0.10000000149011612}, "application_metadata": {"rgw": {}, "rbd": {}},
    "flags_names": "hashpspool,nodelete",
}


class FakeHandle:
    def __init__(self, *answers):
        self.answers = list(answers)
        self.commands = []

    def mon_command(self, command, inbuf, timeout=0):
        self.commands.append(json.loads(command))
        return self.answers.pop(0)


def client_with(*answers):
    client = ceph.CephClient(client_name="ansible")
    client._handle = FakeHandle(*answers)  # pylint: disable=protected-access
    return client


def test_normalise_pool_reports_targets_rule_names_and_a_rounded_ratio():
    pool = ceph.normalise_pool(RAW_POOL, {0: "replicated_rule"})
    assert pool == {
        "name": "rbd-volumes", "id": 7, "type": "replicated", "size": 3, "min_size": 2, "pg_num": 16, "pg_num_target": 32,
        "pgp_num": 16, "pgp_num_target": 32, "pg_autoscale_mode": "off", "target_size_ratio": 0.1, "rule": "replicated_rule",
        "erasure_profile": None, "applications": ["rbd", "rgw"], "quota_max_objects": 10, "quota_max_bytes": 1024,
        "flags": ["hashpspool", "nodelete"],
    }


def test_normalise_pool_of_an_erasure_pool_without_options():
    raw = dict(RAW_POOL, type=3, erasure_code_profile="k4m2", options={}, crush_rule=5)
    pool = ceph.normalise_pool(raw, {0: "replicated_rule"})
    assert (pool["type"], pool["erasure_profile"], pool["target_size_ratio"], pool["rule"]) == ("erasure", "k4m2", 0.0, "5")


def test_settings_make_the_timeout_effective_and_take_key_or_keyring():
    client = ceph.CephClient(keyring="/k", key="AQ==", client_name="ansible", conf={"mon_host": "10.0.0.1"}, connect_timeout=3)
    assert client.client_name == "client.ansible"
    assert client.settings == {"mon_host": "10.0.0.1", "keyring": "/k", "key": "AQ==", "client_mount_timeout": "3",
                               "rados_mon_op_timeout": "3", "rados_osd_op_timeout": "3"}
    assert ceph.CephClient(conf={"client_mount_timeout": 60}).settings["client_mount_timeout"] == "60"
    assert ceph.CephClient(client_name="osd.0").client_name == "osd.0"


def test_mon_command_returns_ceph_answer_and_sends_json():
    client = client_with((0, b'[{"pool_name": "a"}]', ""))
    assert client.mon_json("osd pool ls", detail="detail") == [{"pool_name": "a"}]
    assert client._handle.commands == [{"prefix": "osd pool ls", "detail": "detail", "format": "json"}]  # pylint: disable=protected-access


def test_a_pool_whose_ratio_is_nan_or_inf_is_still_read():
    """Ceph lists such a pool with a bare nan or inf, which is not JSON: reading the pools crashed before (issue 12)."""
    answer = b'[{"pool_name": "a", "options": {"target_size_ratio": nan}}, {"pool_name": "b", "options": {"x": -inf}}]'
    pools = client_with((0, answer, "")).mon_json("osd pool ls", detail="detail")
    ratio, other = pools[0]["options"]["target_size_ratio"], pools[1]["options"]["x"]
    assert math.isnan(ratio) and other == float("-inf")
    assert client_with((0, b'["nan", "inf"]', "")).mon_json("x") == ["nan", "inf"], "strings stay strings"


def test_a_refused_mon_command_carries_the_errno_name_and_ceph_message():
    client = client_with((-1, b"", "configuring pool size as 1 is disabled by default."))
    with pytest.raises(ceph.CephCommandError) as caught:
        client.set_pool("p", "size", 1)
    error = caught.value
    assert str(error) == "osd pool set size on pool 'p' failed: EPERM: configuring pool size as 1 is disabled by default."
    assert error.to_result()["errno"] == "EPERM"
    as_option = error.for_option("size", 1)
    assert isinstance(as_option, OptionError)
    assert as_option.message == "option 'size': 1 was refused by Ceph: EPERM: configuring pool size as 1 is disabled by default."
    assert as_option.to_result()["ceph_message"] == "configuring pool size as 1 is disabled by default."


def test_an_empty_ceph_message_falls_back_to_the_errno_text():
    assert ceph.CephCommandError("osd pool create", -2, "").ceph_message == "No such file or directory"


@pytest.mark.parametrize("number,words", [(110, "connect_timeout=4"), (2, "conf_file"), (13, "no mon caps"), (5, "")])
def test_connect_hint(number, words):
    assert words in ceph.connect_hint(number, 4)


def test_the_missing_binding_message_names_the_package_and_the_interpreter():
    assert "python3-rados" in ceph.RADOS_LIBRARY and "ansible_python_interpreter" in ceph.RADOS_LIBRARY


def test_a_read_only_client_sends_no_changing_command():
    client = client_with((0, b"[]", ""))
    client.read_only = True
    assert client.mon_json("osd pool ls", detail="detail") == []
    for change in (lambda: client.create_pool(pool="p"), lambda: client.set_pool("p", "size", 2),
                   lambda: client.set_quota("p", "max_bytes", 1), lambda: client.enable_application("p", "rbd"),
                   lambda: client.disable_application("p", "rbd"), lambda: client.delete_pool("p")):
        with pytest.raises(PlatformError, match="in check mode; nothing was sent"):
            change()
    assert len(client._handle.commands) == 1  # pylint: disable=protected-access


def test_access_denied_names_the_command_and_the_caps_it_needs():
    client = client_with((-13, b"", "access denied"))
    with pytest.raises(PlatformError, match="the caps of client.ansible do not allow 'auth caps'; it needs mon 'allow rwx'"):
        client.change({"prefix": "auth caps", "entity": "client.x", "caps": []})


class FakeModule:
    """What client_for reads of an AnsibleModule."""

    def __init__(self, **params):
        self.argument_spec = dict(ceph.CEPH_ARGS, secret={"type": "str", "no_log": True})
        self.params = dict({"cluster": "ceph", "conf_file": None, "keyring": None, "key": None,
                            "client_name": "client.admin", "conf": {}, "connect_timeout": 10, "secret": None}, **params)
        self.check_mode = False
        self.no_log_values = {str(value) for value in self.params["conf"].values()} | {
            value for value in (self.params["key"], self.params["secret"]) if value}


def test_client_for_unmasks_only_conf_values_that_are_not_secrets():
    module = FakeModule(conf={"mon_host": "10.0.0.1", "key": "AQkey", "keyring": "/etc/ceph/k", "debug_ms": "AQsecret"},
                        secret="AQsecret")
    client = ceph.client_for(module)
    assert module.no_log_values == {"AQkey", "/etc/ceph/k", "AQsecret"}
    assert client.settings["mon_host"] == "10.0.0.1" and not client.read_only
