"""wait_until(): backoff schedule, deadline, failure, last state."""

import itertools

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, WaitTimeout
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline, backoff_delays, wait_until


class FakeTime:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def clock(self):
        return self.now

    def sleep(self, seconds):
        self.sleeps.append(round(seconds, 6))
        self.now += seconds


def test_backoff_doubles_from_the_initial_delay_up_to_the_cap():
    assert list(itertools.islice(backoff_delays(0.2, 5.0, 2.0), 8)) == [0.2, 0.4, 0.8, 1.6, 3.2, 5.0, 5.0, 5.0]


def test_backoff_start_and_cap_are_configurable():
    assert list(itertools.islice(backoff_delays(1, 3, 3), 4)) == [1, 3, 3, 3]


def test_returns_the_state_that_satisfied_done():
    fake = FakeTime()
    states = iter(["DOWNLOADING", "DOWNLOADING", "DOWNLOADED"])
    result = wait_until(lambda: next(states), lambda s: s == "DOWNLOADED", timeout=60,
                        clock=fake.clock, sleep=fake.sleep)
    assert result == "DOWNLOADED"
    assert fake.sleeps == [0.2, 0.4]


def test_no_sleep_when_already_done():
    fake = FakeTime()
    wait_until(lambda: "up", lambda s: s == "up", clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == []


def test_timeout_raises_with_the_last_state_seen():
    fake = FakeTime()
    polls = itertools.count(1)
    with pytest.raises(WaitTimeout) as error:
        wait_until(lambda: {"status": "powering_up", "poll": next(polls)}, lambda s: False, timeout=10,
                   what="VM hadoop-1 to be up", clock=fake.clock, sleep=fake.sleep)
    assert error.value.last_state["status"] == "powering_up"
    assert "timed out after 10s waiting for VM hadoop-1 to be up" in str(error.value)
    assert "powering_up" in str(error.value)
    assert fake.now == pytest.approx(10)
    # 0.2+0.4+0.8+1.6+3.2 = 6.2, then the remaining 3.8 s, then one last poll at the deadline
    assert fake.sleeps == [0.2, 0.4, 0.8, 1.6, 3.2, 3.8]
    assert error.value.last_state["poll"] == 7


def test_an_operation_finishing_at_the_deadline_is_not_missed():
    fake = FakeTime()
    result = wait_until(lambda: fake.now >= 1.0, lambda done: done, timeout=1.0, clock=fake.clock, sleep=fake.sleep)
    assert result is True


def test_failed_state_raises_operation_failed_with_the_server_message():
    fake = FakeTime()
    states = iter([{"active": True}, {"active": False, "success": False, "resultMessage": "Host h1 is down"}])
    with pytest.raises(OperationFailed) as error:
        wait_until(lambda: next(states), lambda s: not s["active"],
                   failed=lambda s: s.get("success") is False and s["resultMessage"],
                   clock=fake.clock, sleep=fake.sleep)
    assert str(error.value) == "Host h1 is down"
    assert error.value.last_state["resultMessage"] == "Host h1 is down"


def test_custom_delays_are_used():
    fake = FakeTime()
    with pytest.raises(WaitTimeout):
        wait_until(lambda: 0, lambda s: False, timeout=3, initial_delay=1, max_delay=1,
                   clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [1, 1, 1]


def test_deadline_is_shared_and_never_negative():
    fake = FakeTime()
    deadline = Deadline(30, clock=fake.clock)
    fake.now += 20
    assert deadline.left() == 10 and not deadline.expired()
    fake.now += 20
    assert deadline.left() == 0 and deadline.expired()


def test_waits_of_one_task_share_its_timeout_and_the_message_names_it():
    fake = FakeTime()
    deadline = Deadline(10, clock=fake.clock)
    states = iter(["Deleting", None])
    deadline.wait_until(lambda: next(states), lambda s: s is None, what="the old cluster to go", sleep=fake.sleep)
    with pytest.raises(WaitTimeout) as error:
        deadline.wait_until(lambda: "Spawning", lambda s: False, what="the new cluster", describe=str, sleep=fake.sleep)
    assert fake.now == pytest.approx(10)
    assert str(error.value) == ("timed out: the task's timeout of 10s ran out waiting for the new cluster; "
                                "last state seen: Spawning")
    assert error.value.timeout == 10 and error.value.last_state == "Spawning"


def test_a_shorter_wait_inside_the_deadline_times_out_on_its_own():
    fake = FakeTime()
    deadline = Deadline(60, clock=fake.clock)
    with pytest.raises(WaitTimeout) as error:
        deadline.wait_until(lambda: "up", lambda s: False, what="the guest to shut down", timeout=5, sleep=fake.sleep)
    assert fake.now == pytest.approx(5)
    assert "timed out after 5s" in str(error.value)
    assert not deadline.expired()
