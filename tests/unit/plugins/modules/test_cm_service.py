"""cm_service decisions that need no server: which run-state command, which settings change."""

from types import SimpleNamespace

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.cm_roles import REDACTED, setting_changes
from ansible_collections.bigdata.platform.plugins.modules.cm_service import state_command

ITEMS = {"dfs_replication": {"name": "dfs_replication", "default": "3"},
         "dfs_umaskmode": {"name": "dfs_umaskmode", "default": "022", "value": "077"},
         "ssl_server_keystore_password": {"name": "ssl_server_keystore_password", "sensitive": True, "value": REDACTED}}


def service(state, rolling=None, restart_on_config_change=False, first_run=None):
    return SimpleNamespace(rolling=rolling, params={"state": state, "first_run": first_run,
                                                    "restart_on_config_change": restart_on_config_change})


def command(wanted, service_state, created=False, roles=(), config_changed=False, stale=False):
    return state_command(wanted, service_state, created, list(roles), config_changed, stale)


@pytest.mark.parametrize("state,service_state,expected", [
    ("started", "STOPPED", "start"), ("started", "STARTED", None),
    ("stopped", "STARTED", "stop"), ("stopped", "STOPPED", None),
    ("restarted", "STARTED", "restart"), ("restarted", "STOPPED", "restart"),
    ("present", "STARTED", None), ("present", "STOPPED", None),
])
def test_state_command(state, service_state, expected):
    assert command(service(state), service_state) == expected


def test_rolling_restart_only_for_a_running_service():
    assert command(service("restarted", rolling={}), "STARTED") == "rollingRestart"
    assert command(service("restarted", rolling={}), "STOPPED") == "restart"


def test_first_run_for_a_service_this_task_created_with_roles_or_when_asked():
    assert command(service("started"), "STOPPED", created=True, roles=[{"type": "SERVER"}]) == "firstRun"
    assert command(service("started"), "STOPPED", created=True) == "start"
    assert command(service("started"), "STOPPED") == "start"
    assert command(service("started", first_run=True), "STOPPED") == "firstRun"
    assert command(service("started", first_run=False), "STOPPED", created=True, roles=[{"type": "SERVER"}]) == "start"


def test_restart_on_config_change_when_changed_or_stale_and_running():
    wanted = service("present", restart_on_config_change=True)
    assert command(wanted, "STARTED", config_changed=True) == "restart"
    assert command(wanted, "STARTED", stale=True) == "restart"
    assert command(wanted, "STARTED") is None
    assert command(wanted, "STOPPED", config_changed=True, stale=True) is None
    assert command(service("present"), "STARTED", config_changed=True, stale=True) is None
    assert command(service("stopped", restart_on_config_change=True), "STARTED", config_changed=True) == "stop"


def test_setting_changes_compare_values_in_effect():
    assert setting_changes({"dfs_replication": "3"}, ITEMS) == {}
    assert setting_changes({"dfs_replication": "2"}, ITEMS) == {"dfs_replication": ("3", "2")}
    assert setting_changes({"dfs_umaskmode": "077"}, ITEMS) == {}


def test_null_resets_to_the_default_only_when_a_value_is_set():
    assert setting_changes({"dfs_umaskmode": None}, ITEMS) == {"dfs_umaskmode": ("077", "022")}
    assert setting_changes({"dfs_replication": None}, ITEMS) == {}


def test_a_sensitive_value_cm_shows_only_as_redacted_counts_as_in_place():
    assert setting_changes({"ssl_server_keystore_password": "s3cret"}, ITEMS) == {}
