"""Helpers every module shares: specs, differences, sizes, error results, version."""

import os

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.module_utils import module
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, WaitTimeout
from ansible_collections.bigdata.platform.plugins.module_utils.version import COLLECTION_VERSION
from collection import REPO_ROOT


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
