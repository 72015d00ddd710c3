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
    assert fake.sleeps == [0.1, 0.2]


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
    # 0.1, 0.2, then 0.4 s apart (4 % of under 10 s is less), the rest of the 10 s, one last poll at the deadline
    assert fake.sleeps[:4] == [0.1, 0.2, 0.4, 0.4] and set(fake.sleeps[2:-1]) == {0.4}
    assert sum(fake.sleeps) == pytest.approx(10) and fake.sleeps[-1] <= 0.4
    assert error.value.last_state["poll"] == len(fake.sleeps) + 1


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


# -- the poll policy (issue 13): notice within max(0.5 s, 5 %), no hammering, hints, timeline -----------

READ_SECONDS = 0.02  # what one poll's request takes, in the fake clock


def notice_delay(operation_seconds, **policy):
    """Fake seconds between the server finishing (at operation_seconds) and wait_until returning."""
    fake = FakeTime()

    def read():
        finished = fake.now >= operation_seconds  # the state as the server saw it when the request arrived
        fake.now += READ_SECONDS
        return finished

    wait_until(read, lambda finished: finished, timeout=3 * 3600, clock=fake.clock, sleep=fake.sleep, **policy)
    return fake.now - operation_seconds, fake


@pytest.mark.parametrize("seconds", [0.3, 1, 2.5, 7, 10, 29, 60, 95, 300, 600, 1234, 1800, 3600, 5000, 7200])
def test_a_wait_notices_the_end_within_half_a_second_or_5_percent(seconds):
    delay, dummy = notice_delay(seconds)
    assert 0 <= delay <= max(0.5, 0.05 * seconds), delay


def test_the_bound_holds_for_every_end_time_from_1_s_to_2_h():
    """Not just round numbers: the worst case is an operation ending just after a poll."""
    worst = 0.0
    for step in range(0, 600):
        seconds = 1.0 * (7200.0 ** (step / 599.0))  # 1 s .. 2 h, evenly on a log scale
        delay, dummy = notice_delay(seconds)
        worst = max(worst, delay / max(0.5, 0.05 * seconds))
    assert worst <= 1.0, worst


def test_polling_starts_fast_and_backs_off_to_a_fraction_of_the_elapsed_time():
    dummy, fake = notice_delay(3600)
    assert fake.sleeps[:3] == [0.1, 0.2, 0.4]
    assert 60 <= fake.sleeps[-1] <= 300  # an hour in: minutes apart, not seconds
    assert len(fake.sleeps) < 250  # the old 5 s cap polled 720 times in an hour


def test_a_server_hint_shortens_the_next_poll():
    fake = FakeTime()
    states = iter([{"eta": 30.0}, {"eta": 0.3}, {"eta": 0.0, "done": True}])
    wait_until(lambda: next(states), lambda s: s.get("done"), hint=lambda s: s["eta"], initial_delay=1,
               clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [1, 0.3]  # a hint never lengthens the policy's pause


def test_a_hint_never_makes_the_loop_spin():
    fake = FakeTime()
    states = iter([1, 2, 3])
    wait_until(lambda: next(states), lambda s: s == 3, hint=lambda s: 0, clock=fake.clock, sleep=fake.sleep)
    assert fake.sleeps == [0.05, 0.05]


def test_the_timeline_records_each_distinct_state_with_its_elapsed_seconds():
    fake = FakeTime()
    states = iter(["DOWNLOADING 0%", "DOWNLOADING 0%", "DOWNLOADING 50%", "DOWNLOADED"])
    timeline = []
    wait_until(lambda: next(states), lambda s: s == "DOWNLOADED", what="the parcel", describe=str,
               timeline=timeline, clock=fake.clock, sleep=fake.sleep)
    assert timeline == [{"elapsed": 0.0, "what": "the parcel", "state": "DOWNLOADING 0%"},
                        {"elapsed": 0.3, "what": "the parcel", "state": "DOWNLOADING 50%"},
                        {"elapsed": 0.7, "what": "the parcel", "state": "DOWNLOADED"}]


def test_the_deadline_keeps_one_timeline_for_the_waits_of_a_task_and_errors_carry_it():
    fake = FakeTime()
    deadline = Deadline(5, clock=fake.clock)
    gone = iter(["Deleting", None])
    deadline.wait_until(lambda: next(gone), lambda s: s is None, what="the old cluster to go",
                        describe=lambda s: s["status"], sleep=fake.sleep)  # describe(None) fails: repr is used
    with pytest.raises(WaitTimeout) as error:
        deadline.wait_until(lambda: "Spawning", lambda s: False, what="the new cluster", describe=str,
                            sleep=fake.sleep)
    assert [(e["what"], e["state"]) for e in deadline.timeline] == [
        ("the old cluster to go", "'Deleting'"), ("the old cluster to go", "None"), ("the new cluster", "Spawning")]
    assert deadline.timeline[-1]["elapsed"] == pytest.approx(0.1)
    assert error.value.to_result()["timeline"] == deadline.timeline
