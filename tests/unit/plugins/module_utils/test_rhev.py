"""RHEV client logic that needs no engine: power planning, prediction, payloads, faults, options."""

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.rhev import client as rhev_client
from ansible_collections.bigdata.platform.plugins.module_utils.rhev import sizes
from ansible_collections.bigdata.platform.plugins.module_utils.rhev import vm as rhev
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.modules import rhev_vm

GIB = 1024 ** 3


@pytest.mark.parametrize("status, state, actions", [
    ("down", "present", []), ("up", "present", []), ("suspended", "present", []),
    ("down", "running", ["start"]), ("suspended", "running", ["start"]), ("up", "running", []),
    ("up", "stopped", ["shutdown"]), ("suspended", "stopped", ["stop"]), ("down", "stopped", []),
    ("up", "suspended", ["suspend"]), ("down", "suspended", ["start", "suspend"]), ("suspended", "suspended", []),
    ("up", "rebooted", ["reboot"]), ("down", "rebooted", ["start"]), ("suspended", "rebooted", ["start"]),
    ("up", "absent", ["stop"]), ("suspended", "absent", ["stop"]), ("down", "absent", []),
])
def test_power_actions_take_each_stable_status_to_each_state(status, state, actions):
    assert rhev.power_actions(status, state) == actions


def running_vm(**fields):
    vm = dict(id="1", name="a", status="up", memory=GIB, memory_guaranteed=GIB, cpu_sockets=1, cpu_cores=1,
              cpu_threads=1, os_type="other", description="", high_availability=False, next_run=False, pending={})
    vm.update(fields)
    return vm


def test_prediction_puts_restart_fields_of_a_running_vm_in_pending():
    after = rhev.predict(running_vm(), {"memory": (GIB, 2 * GIB), "description": ("", "x")}, [], {})
    assert after["memory"] == GIB and after["pending"] == {"memory": 2 * GIB} and after["next_run"]
    assert after["description"] == "x" and after["status"] == "up"


def test_prediction_applies_everything_when_the_vm_restarts_or_stops():
    rebooted = rhev.predict(running_vm(pending={"cpu_cores": 2}, next_run=True), {"memory": (GIB, 2 * GIB)}, ["reboot"], {})
    assert (rebooted["memory"], rebooted["cpu_cores"], rebooted["pending"], rebooted["next_run"]) == (2 * GIB, 2, {}, False)
    stopped = rhev.predict(running_vm(), {"memory": (GIB, 2 * GIB)}, ["shutdown"], {})
    assert stopped["memory"] == 2 * GIB and stopped["status"] == "down" and not stopped["next_run"]


def test_prediction_of_a_new_vm_starts_from_the_template():
    new = rhev.predict(None, {"memory": (None, GIB)}, ["start", "suspend"], {"id": None, "status": "down"})
    assert new == {"id": None, "status": "suspended", "memory": GIB, "pending": {}, "next_run": False}


def test_vm_body_and_config_of_are_inverse():
    config = dict(memory=2 * GIB, memory_guaranteed=GIB, cpu_sockets=2, cpu_cores=4, cpu_threads=1,
                  os_type="rhel_8x64", description="d", high_availability=True)
    body = rhev.vm_body(config, cluster="c", template="t", name="n")
    assert body["cluster"] == {"name": "c"} and body["template"] == {"name": "t"} and body["name"] == "n"
    assert rhev.config_of(body) == config
    assert rhev.vm_body({"description": ""}) == {"description": ""}
    # the engine's JSON writes integers and booleans as strings
    assert rhev.config_of({"cpu": {"topology": {"cores": "2"}}, "high_availability": {"enabled": "true"}})["cpu_cores"] == 2


def test_effective_config_applies_pending_values():
    vm = running_vm(pending={"memory": 4 * GIB})
    assert rhev.effective_config(vm)["memory"] == 4 * GIB and vm["memory"] == GIB


class FakeResponse:
    status_code = 409
    reason = "Conflict"


def test_fault_messages_come_from_the_engine_body():
    fault = {"reason": "Operation Failed", "detail": "[Cannot run VM. VM is running.]"}
    assert rhev_client.fault_message(FakeResponse(), fault) == "Operation Failed: [Cannot run VM. VM is running.]"
    assert rhev_client.fault_message(FakeResponse(), {"status": "failed", "fault": fault}).endswith("VM is running.]")
    sso = {"error_code": "access_denied", "error": "Cannot authenticate user 'a@internal'"}
    assert rhev_client.fault_message(FakeResponse(), sso) == "access_denied: Cannot authenticate user 'a@internal'"
    assert rhev_client.fault_message(FakeResponse(), {"error": "invalid_grant", "error_description": "expired"}) == "invalid_grant: expired"


def test_client_options_are_checked_before_any_request():
    with pytest.raises(OptionError) as error:
        rhev_client.RhevClient("https://engine/ovirt-engine/api", username="admin@internal")
    assert error.value.option == "username"
    with pytest.raises(OptionError) as error:
        rhev_client.RhevClient("engine/ovirt-engine/api", token="abc")
    assert error.value.option == "url"
    client = rhev_client.RhevClient("https://engine:8443/ovirt-engine/api", token="abc")
    assert client.engine == "https://engine:8443" and client.http.request_count == 0


def test_argument_spec_reads_credentials_and_ca_from_ovirt_variables():
    spec = rhev_client.rhev_argument_spec()
    assert spec["ca_cert"]["fallback"][1] == ["OVIRT_CAFILE"] and spec["ca_cert"]["aliases"] == ["ca_file"]
    assert spec["password"]["no_log"] and spec["token"]["no_log"]
    assert {name: spec[name]["fallback"][1][0] for name in ("url", "username", "password", "token")} == {
        "url": "OVIRT_URL", "username": "OVIRT_USERNAME", "password": "OVIRT_PASSWORD", "token": "OVIRT_TOKEN"}


def test_desired_config_parses_sizes_and_names_the_bad_option():
    params = dict.fromkeys(rhev.CONFIG_FIELDS)
    params.update(memory="2GiB", memory_guaranteed="512MiB", cpu_cores=2)
    assert rhev_vm.desired_config(params)["memory"] == 2 * GIB
    assert rhev_vm.desired_config(params)["memory_guaranteed"] == 512 * 1024 ** 2
    for option, value in (("memory", "two gigs"), ("memory_guaranteed", "-1G"), ("cpu_sockets", 0)):
        with pytest.raises(OptionError) as error:
            rhev_vm.desired_config(dict(params, **{option: value}))
        assert error.value.option == option


def test_sizes_are_binary_si_units_are_refused_and_absurd_ones_too():
    assert sizes.parse_binary_size("16GiB", "memory", sizes.MAX_MEMORY) == 16 * GIB
    assert sizes.parse_binary_size("16G", "memory", sizes.MAX_MEMORY) == 16 * GIB
    assert sizes.parse_binary_size("1536M", "memory", sizes.MAX_MEMORY) == 1536 * 1024 ** 2
    with pytest.raises(OptionError) as error:
        sizes.parse_binary_size("16GB", "memory", sizes.MAX_MEMORY)
    assert "write 16GiB" in str(error.value) and "10^9" in str(error.value)
    for value in ("999P", "7TiB", "0", "0.0001K", True, "lots"):
        with pytest.raises(OptionError) as error:
            sizes.parse_binary_size(value, "memory", sizes.MAX_MEMORY)
        assert error.value.option == "memory"
    assert sizes.human(16 * GIB) == "16GiB" and sizes.human(1536 * 1024 ** 2, "GiB") == "1.5GiB"
    assert sizes.human(1536 * 1024 ** 2) == "1536MiB" and sizes.unit_of("16G") == "GiB" and sizes.unit_of(1024) is None
