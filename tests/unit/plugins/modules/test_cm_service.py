"""cm_service decisions that need no server: which run-state command, which settings change."""

import pytest

from ansible_collections.bigdata.platform.plugins.modules.cm_service import config_changes, state_command

ITEMS = {"dfs_replication": {"name": "dfs_replication", "default": "3"},
         "dfs_umaskmode": {"name": "dfs_umaskmode", "default": "022", "value": "077"}}


def params(state, rolling=False, restart_on_config_change=False):
    return {"state": state, "rolling": rolling, "restart_on_config_change": restart_on_config_change}


@pytest.mark.parametrize("state,service_state,expected", [
    ("started", "STOPPED", "start"), ("started", "STARTED", None),
    ("stopped", "STARTED", "stop"), ("stopped", "STOPPED", None),
    ("restarted", "STARTED", "restart"), ("restarted", "STOPPED", "restart"),
    ("present", "STARTED", None), ("present", "STOPPED", None),
])
def test_state_command(state, service_state, expected):
    assert state_command(params(state), service_state, False, False) == expected


def test_rolling_restart_only_for_a_running_service():
    assert state_command(params("restarted", rolling=True), "STARTED", False, False) == "rollingRestart"
    assert state_command(params("restarted", rolling=True), "STOPPED", False, False) == "restart"


def test_restart_on_config_change_when_changed_or_stale_and_running():
    wanted = params("present", restart_on_config_change=True)
    assert state_command(wanted, "STARTED", True, False) == "restart"
    assert state_command(wanted, "STARTED", False, True) == "restart"
    assert state_command(wanted, "STARTED", False, False) is None
    assert state_command(wanted, "STOPPED", True, True) is None
    assert state_command(params("present"), "STARTED", True, True) is None
    assert state_command(params("stopped", restart_on_config_change=True), "STARTED", True, True) == "stop"


def test_config_changes_compare_values_in_effect():
    assert config_changes({"dfs_replication": "3"}, ITEMS) == {}
    assert config_changes({"dfs_replication": "2"}, ITEMS) == {"dfs_replication": ("3", "2")}
    assert config_changes({"dfs_umaskmode": "077"}, ITEMS) == {}


def test_null_resets_to_the_default_only_when_a_value_is_set():
    assert config_changes({"dfs_umaskmode": None}, ITEMS) == {"dfs_umaskmode": ("077", "022")}
    assert config_changes({"dfs_replication": None}, ITEMS) == {}
