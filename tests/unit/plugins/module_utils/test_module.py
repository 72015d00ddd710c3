"""Helpers every module shares: specs, differences, sizes, error results, version."""

import json
import os
import re

import pytest
import yaml
from ansible.module_utils.testing import patch_module_args

from ansible_collections.bigdata.platform.plugins.module_utils import module
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, WaitTimeout
from ansible_collections.bigdata.platform.plugins.module_utils.version import COLLECTION_VERSION

REPO_ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), *[os.pardir] * 4))


def test_merge_specs_refuses_an_option_defined_twice():
    assert set(module.merge_specs(module.WAIT_ARGS, {"name": {}})) == {"wait", "timeout", "name"}
    with pytest.raises(ValueError):
        module.merge_specs(module.WAIT_ARGS, {"wait": {}})


def test_differences_skip_unmanaged_options_and_use_the_comparator():
    current = {"size": 3, "ratio": 0.1, "name": "a"}
    desired = {"size": 3, "ratio": 0.1000001, "name": None, "min_size": 2}
    assert module.differences(current, desired) == {"ratio": (0.1, 0.1000001), "min_size": (None, 2)}

    def close(key, have, wanted):
        return abs(have - wanted) < 1e-3 if key == "ratio" else have == wanted

    assert module.differences(current, desired, close) == {"min_size": (None, 2)}


def test_apply_changes_predicts_the_after_state():
    assert module.apply_changes({"a": 1, "b": 2}, {"b": (2, 3)}) == {"a": 1, "b": 3}
    assert module.make_diff(None, {"a": 1}) == {"before": {}, "after": {"a": 1}}


@pytest.mark.parametrize("value,expected", [
    (1024, 1024), ("1024", 1024), ("10G", 10 * 1024 ** 3), ("10g", 10 * 1024 ** 3), ("2GiB", 2 * 1024 ** 3),
    ("512M", 512 * 1024 ** 2), ("1.5T", int(1.5 * 1024 ** 4)), ("1GB", 10 ** 9), ("100kB", 100000),
])
def test_parse_size(value, expected):
    assert module.parse_size(value, "memory") == expected


@pytest.mark.parametrize("value", ["ten", "10X", "-1G", "1 G B", -5])
def test_parse_size_errors_name_the_option_and_value(value):
    with pytest.raises(OptionError) as error:
        module.parse_size(value, "quota_max_bytes")
    assert "quota_max_bytes" in str(error.value) and repr(value) in str(error.value)


def test_errors_become_fail_json_arguments_with_details():
    error = ApiError(400, "Parcel not available", body={"message": "Parcel not available"},
                     url="http://cm/api/v41/x", method="POST")
    result = error.to_result()
    assert result["msg"] == "POST http://cm/api/v41/x returned HTTP 400: Parcel not available"
    assert result["status"] == 400 and result["url"] == "http://cm/api/v41/x"

    timeout = WaitTimeout("timed out", last_state={"stage": "DOWNLOADING"}, timeout=5).to_result()
    assert timeout == {"msg": "timed out", "last_state": {"stage": "DOWNLOADING"}, "timeout": 5}


def test_version_matches_galaxy_yml():
    with open(os.path.join(REPO_ROOT, "galaxy.yml")) as handle:
        assert yaml.safe_load(handle)["version"] == COLLECTION_VERSION


# -- run_module's shared guards (issue 12): checked before the module's own code sends anything ---------

def run_with(params, spec, identity=(), positive=(), result=None):
    """run_module(spec, action) as ansible would start it; the modules action() was called with."""
    called = []
    with patch_module_args(params), pytest.raises(SystemExit):
        module.run_module(spec, lambda m: called.append(m) or dict(result or {}, changed=False), identity=identity,
                          positive=positive)
    return called


@pytest.fixture
def module_result(capsys):
    import json

    def result():
        return json.loads(capsys.readouterr().out)
    return result


IDENTITY_SPEC = dict(name=dict(type="str"), id=dict(type="str"), tags=dict(type="list", elements="str"),
                     groups=dict(type="list", elements="dict", options=dict(name=dict(type="str"))),
                     owner=dict(type="dict", options=dict(name=dict(type="str"))))


@pytest.mark.parametrize("params,option", [
    ({"name": ""}, "name"), ({"name": "   "}, "name"), ({"name": "."}, "name"), ({"name": ".."}, "name"),
    ({"id": " .. "}, "id"), ({"tags": ["ok", ""]}, "tags"),
    ({"groups": [{"name": "a"}, {"name": ".."}]}, "groups[1].name"), ({"owner": {"name": "."}}, "owner.name"),
])
def test_an_identity_option_that_names_no_resource_fails_before_the_module_runs(params, option, module_result):
    called = run_with(params, IDENTITY_SPEC, identity=("name", "id", "tags", "groups.name", "owner.name"))
    result = module_result()
    assert not called
    assert result["failed"] and result["msg"].startswith("option '%s': " % option)


@pytest.mark.parametrize("params", [{}, {"name": "web-1"}, {"name": ".hidden"}, {"name": "a..b"},
                                    {"groups": [{"name": "a"}, {}]}, {"owner": {}}])
def test_identity_options_that_name_one_resource_or_are_unset_pass(params, module_result):
    assert run_with(params, IDENTITY_SPEC, identity=("name", "groups.name", "owner.name"))
    assert module_result()["changed"] is False


def test_options_not_listed_as_identity_may_be_empty(module_result):
    assert run_with({"name": "", "id": "x"}, IDENTITY_SPEC, identity=("id",))


TIMEOUT_SPEC = dict(request_timeout=dict(type="float", default=30), connect_timeout=dict(type="int"),
                    shutdown_timeout=dict(type="int"), timeout=dict(type="int", default=1800))


@pytest.mark.parametrize("params,option", [
    ({"request_timeout": 0}, "request_timeout"), ({"request_timeout": -1.5}, "request_timeout"),
    ({"request_timeout": "nan"}, "request_timeout"), ({"request_timeout": "inf"}, "request_timeout"),
    ({"request_timeout": 1e12}, "request_timeout"), ({"connect_timeout": 0}, "connect_timeout"),
    ({"shutdown_timeout": -1}, "shutdown_timeout"), ({"timeout": 10 ** 12}, "timeout"),
])
def test_durations_where_zero_means_forever_must_be_positive(params, option, module_result):
    called = run_with(params, TIMEOUT_SPEC, positive=("shutdown_timeout",))
    result = module_result()
    assert not called
    assert result["failed"] and result["msg"].startswith("option '%s': " % option)
    assert "must be" in result["msg"]


def test_a_zero_task_timeout_still_means_do_not_wait(module_result):
    assert run_with({"timeout": 0, "request_timeout": 0.5, "connect_timeout": 1}, TIMEOUT_SPEC)


@pytest.mark.parametrize("kind", ["missing", "unreadable"])
def test_a_ca_cert_that_cannot_be_read_fails_naming_the_option(kind, tmp_path, module_result):
    path = tmp_path / "ca.pem"
    if kind == "unreadable":
        if os.geteuid() == 0:
            pytest.skip("root reads any file")
        path.write_text("x")
        path.chmod(0)
    called = run_with({"ca_cert": str(path)}, dict(ca_cert=dict(type="path")))
    result = module_result()
    assert not called
    assert result["msg"].startswith("option 'ca_cert': '%s' " % path)


def test_a_readable_ca_cert_file_or_directory_passes(tmp_path, module_result):
    (tmp_path / "ca.pem").write_text("x")
    assert run_with({"ca_cert": str(tmp_path / "ca.pem")}, dict(ca_cert=dict(type="path")))
    module_result()
    assert run_with({"ca_cert": str(tmp_path)}, dict(ca_cert=dict(type="path")))


def test_every_module_passes_its_identity_options_to_run_module():
    """The guard only protects modules that list their naming options: each module's main() does, itself or
    through its system's run_module wrapper (sahara's main_for, whose default guards `name`); a module that
    names nothing says identity=() so the choice is visible."""
    modules = os.path.join(REPO_ROOT, "plugins", "modules")
    missing = [name for name in sorted(os.listdir(modules)) if name.endswith(".py")
               and not re.search(r"identity=|main_for\(", open(os.path.join(modules, name)).read())]
    assert not missing, "pass identity=(...) to run_module in: %s" % ", ".join(missing)


def test_a_password_in_a_url_option_is_masked_in_every_result(module_result):
    spec = dict(rm_urls=dict(type="list", elements="str"), url=dict(type="str"))
    params = {"rm_urls": ["http://rm1:8088", "http://etl:p%40ss@rm2:8088"], "url": "https://admin:hunter2@engine/api"}
    assert run_with(params, spec, result={"msg": "GET https://admin:hunter2@engine/api/vms answered"})
    output = json.dumps(module_result())
    assert "hunter2" not in output and "p@ss" not in output and "p%40ss" not in output
    assert "https://admin:********@engine/api" in output


def test_a_task_failing_on_a_lost_answer_reports_changed(module_result):
    def lost(module):
        error = ApiError(None, "the answer was lost", url="http://x/things", method="POST", maybe_applied=True)
        error.details.update(changed=False, commands=[])  # what a module counted as sent before the lost one
        raise error

    with patch_module_args({}), pytest.raises(SystemExit):
        module.run_module({}, lost)
    result = module_result()
    assert result["failed"] and result["changed"] is True
