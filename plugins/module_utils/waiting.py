# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's only sleep loop: wait_until() polls with capped exponential backoff."""

from __future__ import annotations

import time

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, WaitTimeout

DEFAULT_INITIAL_DELAY = 0.2
DEFAULT_MAX_DELAY = 5.0
DEFAULT_FACTOR = 2.0


def backoff_delays(initial=DEFAULT_INITIAL_DELAY, maximum=DEFAULT_MAX_DELAY, factor=DEFAULT_FACTOR):
    """Endless delays: initial, initial*factor, ... capped at maximum."""
    delay = initial
    while True:
        yield min(delay, maximum)
        delay = min(delay * factor, maximum)


def wait_until(read, done, failed=None, timeout=600, what="the operation", describe=repr,
               initial_delay=DEFAULT_INITIAL_DELAY, max_delay=DEFAULT_MAX_DELAY, factor=DEFAULT_FACTOR,
               clock=time.monotonic, sleep=time.sleep):
    """Call read() until done(state) is true; return that state.

    failed(state) returns a message (the server's own) when the operation ended badly: that raises
    OperationFailed at once. When `timeout` seconds pass, WaitTimeout carries the last state seen.
    The last poll happens at the deadline, so an operation that finishes just in time is not missed.
    """
    deadline = clock() + timeout
    delays = backoff_delays(initial_delay, max_delay, factor)
    while True:
        state = read()
        reason = failed(state) if failed else None
        if reason:
            raise OperationFailed(reason, last_state=state)
        if done(state):
            return state
        remaining = deadline - clock()
        if remaining <= 0:
            raise WaitTimeout("timed out after %ss waiting for %s; last state seen: %s"
                              % (timeout, what, describe(state)), last_state=state, timeout=timeout)
        sleep(min(next(delays), remaining))


class Deadline:
    """One timeout, the task's, shared by the several waits of a task (a deletion then a re-creation, a stage
    then the next): each wait gets the time left, and running out names the task's timeout."""

    def __init__(self, seconds, clock=time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self.end = clock() + seconds

    def left(self):
        return max(0.0, self.end - self.clock())

    def expired(self):
        return self.clock() >= self.end

    def wait_until(self, read, done, what, describe=repr, failed=None, timeout=None, sleep=time.sleep):
        """waiting.wait_until for the time left, or for `timeout` when that is shorter (its own timeout then
        raises as usual)."""
        left = self.left()
        limit = left if timeout is None else min(timeout, left)
        try:
            return wait_until(read, done, failed=failed, timeout=limit, what=what, describe=describe,
                              clock=self.clock, sleep=sleep)
        except WaitTimeout as exc:
            if timeout is not None and timeout <= left:
                raise
            raise WaitTimeout("timed out: the task's timeout of %ss ran out waiting for %s; last state seen: %s"
                              % (self.seconds, what, describe(exc.last_state)), last_state=exc.last_state,
                              timeout=self.seconds) from None
