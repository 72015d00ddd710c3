# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's only sleep loop: wait_until() polls, fast at first, then at a fraction of the time waited.

The poll policy (poll_delay): the first pauses double from DEFAULT_INITIAL_DELAY up to FLOOR_DELAY; later
ones are ELAPSED_FRACTION of the time waited so far, capped at DEFAULT_MAX_DELAY. So the end of an operation
is noticed within max(0.5 s, 5 % of the wait) of the server reaching it (a few ms of request time fit in
the margin), and an hour-long one is polled every few minutes at the end, not every few seconds for ever.
A server hint (hint(state) -> seconds until the next change, or None) can shorten the next pause.

Every wait records its timeline, the distinct describe(state) texts with the seconds since the wait (or the
task's Deadline) started, that modules return as `timeline`.
"""

from __future__ import annotations

import time

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, WaitTimeout

DEFAULT_INITIAL_DELAY = 0.1
DEFAULT_MAX_DELAY = 300.0
DEFAULT_FACTOR = 2.0
FLOOR_DELAY = 0.4
ELAPSED_FRACTION = 0.04
MIN_DELAY = 0.05


def backoff_delays(initial=DEFAULT_INITIAL_DELAY, maximum=DEFAULT_MAX_DELAY, factor=DEFAULT_FACTOR):
    """Endless delays: initial, initial*factor, ... capped at maximum."""
    delay = initial
    while True:
        yield min(delay, maximum)
        delay = min(delay * factor, maximum)


def poll_delay(elapsed, previous=None, initial=DEFAULT_INITIAL_DELAY, maximum=DEFAULT_MAX_DELAY,
               factor=DEFAULT_FACTOR, floor=FLOOR_DELAY, fraction=ELAPSED_FRACTION):
    """Seconds to pause after a poll `elapsed` seconds into a wait, the previous pause being `previous`.

    Doubling from `initial` up to `floor` (or `initial` when that is larger), then `fraction` of the time
    waited when that is longer, never more than `maximum`.
    """
    ramp = initial if previous is None else previous * factor
    early = min(ramp, max(floor, initial))
    return min(maximum, max(early, fraction * elapsed))


def record(timeline, elapsed, what, text):
    """Append {elapsed, what, state} to timeline unless the state text (for that wait) is the last one's."""
    if timeline is None:
        return
    if timeline and timeline[-1]["state"] == text and timeline[-1]["what"] == what:
        return
    timeline.append({"elapsed": round(elapsed, 1), "what": what, "state": text})


def describe_safely(describe, state):
    """describe(state), or repr(state) when describe cannot render this state (one it did not expect)."""
    try:
        return describe(state)
    except (TypeError, KeyError, AttributeError, IndexError, ValueError):
        return repr(state)


def wait_until(read, done, failed=None, timeout=600, what="the operation", describe=repr,
               initial_delay=DEFAULT_INITIAL_DELAY, max_delay=DEFAULT_MAX_DELAY, factor=DEFAULT_FACTOR,
               clock=time.monotonic, sleep=time.sleep, hint=None, timeline=None, timeline_start=None):
    """Call read() until done(state) is true; return that state.

    failed(state) returns a message (the server's own) when the operation ended badly: that raises
    OperationFailed at once. When `timeout` seconds pass, WaitTimeout carries the last state seen.
    The last poll happens at the deadline, so an operation that finishes just in time is not missed.
    hint(state) may return the seconds after which the server expects the next change: a shorter pause
    than the policy's is then used. timeline (a list) receives each distinct describe(state) with the seconds
    since timeline_start (default: the start of this wait); errors carry it too.
    """
    started = clock()
    deadline = started + timeout
    since = started if timeline_start is None else timeline_start
    delay = None
    while True:
        state = read()
        record(timeline, clock() - since, what, describe_safely(describe, state))
        reason = failed(state) if failed else None
        if reason:
            raise OperationFailed(reason, last_state=state, timeline=timeline)
        if done(state):
            return state
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout("timed out after %ss waiting for %s; last state seen: %s"
                              % (timeout, what, describe(state)), last_state=state, timeout=timeout,
                              timeline=timeline)
        delay = poll_delay(clock() - started, delay, initial_delay, max_delay, factor)
        pause = delay
        hinted = hint(state) if hint else None
        if hinted is not None and hinted >= 0:
            pause = max(MIN_DELAY, min(pause, hinted))
        sleep(min(pause, remaining))


class Deadline:
    """One timeout, the task's, shared by the several waits of a task (a deletion then a re-creation, a stage
    then the next): each wait gets the time left, and running out names the task's timeout.

    timeline: every state the task's waits saw, {elapsed (since the Deadline was made), what, state}, for the
    module to return (e.g. `timeline=deadline.timeline`)."""

    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.start = clock()
        self.end = self.start + seconds
        self.timeline = []

    def left(self):
        return max(0.0, self.end - self.clock())

    def expired(self):
        return self.clock() >= self.end

    def elapsed(self):
        return self.clock() - self.start

    def wait_until(self, read, done, what, describe=repr, failed=None, timeout=None, sleep=time.sleep, hint=None):
        """waiting.wait_until for the time left, or for `timeout` when that is shorter (its own timeout then
        raises as usual)."""
        left = self.left()
        limit = left if timeout is None else min(timeout, left)
        try:
            return wait_until(read, done, failed=failed, timeout=limit, what=what, describe=describe,
                              clock=self.clock, sleep=sleep, hint=hint, timeline=self.timeline,
                              timeline_start=self.start)
        except WaitTimeout as exc:
            if timeout is not None and timeout <= left:
                raise
            raise WaitTimeout("timed out: the task's timeout of %ss ran out waiting for %s; last state seen: %s"
                              % (self.seconds, what, describe(exc.last_state)), last_state=exc.last_state,
                              timeout=self.seconds, timeline=self.timeline) from None
