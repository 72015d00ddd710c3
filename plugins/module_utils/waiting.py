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
