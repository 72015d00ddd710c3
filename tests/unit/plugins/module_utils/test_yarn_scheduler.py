"""The Capacity Scheduler logic of module_utils/yarn/scheduler.py and apps.py that needs no server."""

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.yarn import apps, scheduler

P = scheduler.PREFIX
PROPS = {P + "root.queues": "default,etl", P + "root.default.capacity": "60", P + "root.etl.capacity": "40",
         P + "root.etl.maximum-capacity": "-1", P + "root.etl.queues": "nightly", P + "root.etl.nightly.capacity": "100",
         P + "root.etl.acl_submit_applications": "etl", P + "root.etl.ordering-policy.fair.enable-size-based-weight": "true",
         P + "root.etl.nightly.state": "STOPPED", P + "maximum-applications": "10000"}


def test_a_queue_keeps_its_own_properties_and_not_its_childrens():
    etl = scheduler.configured_queue(PROPS, "root.etl")
    assert etl == {"path": "root.etl", "capacity": 40.0, "maximum_capacity": 100.0, "state": "RUNNING",
                   "properties": {"acl_submit_applications": "etl", "ordering-policy.fair.enable-size-based-weight": "true"}}
    assert scheduler.queue_paths(PROPS) == ["root", "root.default", "root.etl", "root.etl.nightly"]
    assert scheduler.configured_queue(PROPS, "root.etl.nightly")["state"] == "STOPPED"


def test_sibling_capacities_must_sum_to_100_naming_the_queues():
    queues = scheduler.configured_queues(PROPS)
    scheduler.check_capacities(queues, ["root.etl", "root.etl.nightly"])
    queues["root.etl"] = dict(queues["root.etl"], capacity=50.0)
    with pytest.raises(OptionError) as error:
        scheduler.check_capacities(queues, ["root.etl"])
    assert "root.default 60.0, root.etl 50.0" in str(error.value) and "sum to 110.0" in str(error.value)
    queues["root.default"] = None  # removed
    queues["root.etl"] = dict(queues["root.etl"], capacity=100.0)
    scheduler.check_capacities(queues, ["root.default"])


def test_params_and_names():
    entry = scheduler.params_entry({"capacity": 40.0, "gone": None})
    assert entry == {"entry": [{"key": "capacity", "value": "40.0"}, {"key": "gone", "value": ""}]}
    assert scheduler.queue_params({"capacity": 40.0, "state": "STOPPED", "properties": {"x": "1"}}) == {
        "x": "1", "capacity": "40", "state": "STOPPED"}
    assert scheduler.snake("allocatedMB") == "allocated_mb" and scheduler.snake("appsSubmitted") == "apps_submitted"
    assert scheduler.snake("totalVirtualCores") == "total_virtual_cores"


def test_lifetime_from_the_expiry_time_and_back():
    started = 1700000000123
    expiry = apps.expiry_time(started, 3600)
    assert expiry == "2023-11-14T23:13:20.123+0000"
    assert apps.lifetime_of({"expiryTime": expiry}, started) == 3600
    assert apps.lifetime_of({"expiryTime": "2023-11-15T04:43:20.123+0530"}, started) == 3600
    assert apps.lifetime_of({"expiryTime": "UNLIMITED"}, started) is None


@pytest.mark.parametrize("bad", ["", " ", ".", "..", "application_1_1/../x", "application_x_1", "app-1"])
def test_an_app_id_must_be_one(bad):
    with pytest.raises(OptionError) as error:
        apps.check_app_id(bad)
    assert error.value.option == "id"
    assert apps.check_app_id("application_1700000000000_0001") == "application_1700000000000_0001"
