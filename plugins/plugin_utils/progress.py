# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Progress on long waits: the base of the collection's thin action plugins (contract in CONTRIBUTING.md).

A module waits inside one execution, so nothing reaches the terminal until it returns. When a task waits
(wait true, not async, not check mode), the action plugin runs the module in slices instead: the same task
with ``timeout`` set to the slice (INTERVAL seconds, or what is left of the task's own timeout). A slice
that ends in the module's own timeout (a result with ``timeout`` and ``last_state``) is still under way:
the plugin shows the last state at -v and runs the next slice, in which the module reads the resource again
and goes on waiting -- it never repeats a command that is under way, and it detects failures itself,
exactly as in one long run. The task ends with the module's result (or failure), with ``changed`` and the
ACCUMULATE lists of every slice, and the ``timeline`` of the states every slice saw (waiting.py's entries,
in seconds since the task began); one deadline, the task's
``timeout``, covers all slices. ``async``, ``wait: false``, ``--check`` and running the module without the
plugin behave as the module alone does.
"""

from __future__ import annotations

import os
import time

from ansible.module_utils.parsing.convert_bool import boolean
from ansible.plugins.action import ActionBase
from ansible.utils.display import Display
from ansible.utils.vars import merge_hash

display = Display()

# Seconds between two progress lines, at most (plus one module start); operators watch for a line every 30 s.
INTERVAL = float(os.environ.get("BIGDATA_PLATFORM_PROGRESS_INTERVAL", "20"))
DEFAULT_TIMEOUT = 1800  # module_utils/module.py WAIT_ARGS


class ProgressAction(ActionBase):
    """Subclasses set describe (one line from the module's last_state: stage and progress) and ACCUMULATE."""

    _supports_async = True
    _supports_check_mode = True
    ACCUMULATE = ()  # list-valued result keys that add up over the slices (the commands sent, for example)
    RESOURCE = None  # the result key holding the resource (describe() of it ends the timeline)

    @staticmethod
    def describe(state):
        return str(state)

    def described(self, state, message=None):
        """describe(state); for a state it does not know (that of another wait of the module: finding the active
        server...), what the module's own message says of it, never the state's raw repr."""
        if state is None:
            return "nothing read yet"
        try:
            return self.describe(state)
        except (TypeError, KeyError, AttributeError, IndexError, ValueError):
            dummy, found, seen = (message or "").partition("last state seen: ")
            return seen if found else "state not shown"

    def next_args(self, args, slices):
        """The task's args for the next slice, given the results of the slices so far. A module whose state names
        an action rather than where it leads (restarted, rebooted) asks for where it leads once the action was
        sent (see sent()), so that a slice starting after the action finished does not send it again."""
        del slices
        return args

    def sent(self, slices):
        """The ACCUMULATE items (the commands or actions sent) of the slices so far."""
        return [item for outcome in slices for key in self.ACCUMULATE for item in outcome.get(key) or []]

    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        del tmp
        args = dict(self._task.args)
        timeout = task_timeout(args)
        if self._task.async_val or self._task.check_mode or not boolean(args.get("wait", True), strict=False) \
                or timeout is None:
            return merge_hash(result, self._run_as_is(task_vars))
        try:
            return merge_hash(result, self._run_in_slices(args, timeout, task_vars))
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)

    def _run_as_is(self, task_vars):
        wrap_async = bool(self._task.async_val) and not self._connection.has_native_async
        outcome = self._execute_module(task_vars=task_vars, wrap_async=wrap_async)
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return outcome

    def _run_in_slices(self, args, timeout, task_vars):
        progress = Progress(self._task.action, task_vars.get("inventory_hostname"))
        slices = []
        while True:
            started = progress.elapsed()
            limit = max(0, int(min(INTERVAL, timeout - started) + 0.999))
            outcome = self._execute_module(module_name=self._task.action,
                                           module_args=dict(self.next_args(args, slices), timeout=limit),
                                           task_vars=task_vars)
            slices.append(outcome)
            if not still_waiting(outcome, limit):
                resource = outcome.get(self.RESOURCE) if self.RESOURCE else None
                progress.add(started, outcome.get("timeline"), self.described(resource) if resource else None)
                return self._combine(slices, progress)
            state = outcome.get("last_state")
            progress.seen(started, outcome.get("timeline"), self.described(state, outcome.get("msg")))
            if progress.elapsed() >= timeout:
                outcome.update(timeout=args.get("timeout", DEFAULT_TIMEOUT),
                               msg=task_timeout_message(outcome.get("msg") or "", limit, args.get("timeout", DEFAULT_TIMEOUT),
                                                        progress.last))
                return self._combine(slices, progress)

    def _combine(self, slices, progress):
        """The last slice's result with changed and the ACCUMULATE lists of all slices, and the timeline."""
        combined = dict(slices[-1])
        combined["changed"] = any(outcome.get("changed") for outcome in slices)
        for key in self.ACCUMULATE:
            combined[key] = [item for outcome in slices for item in outcome.get(key) or []]
        if len(slices) > 1:
            combined.pop("invocation", None)  # it would show the slice's timeout, not the task's
        combined["timeline"] = progress.timeline
        return combined


def task_timeout(args):
    """The task's timeout in seconds; None when it is no positive number (the module alone then refuses it)."""
    try:
        timeout = float(args.get("timeout", DEFAULT_TIMEOUT))
    except (TypeError, ValueError):
        return None
    return timeout if timeout > 0 else None


def task_timeout_message(message, limit, timeout, state):
    """The last slice's WaitTimeout message (waiting.py's words, so a task reads the same with or without this
    plugin) with the task's timeout instead of the slice's and the last state as describe() puts it."""
    head, found, dummy = message.partition("; last state seen: ")
    ran_out = "the task's timeout of %ss ran out" % limit
    if not found or ran_out not in head:
        head = "timed out: %s" % ran_out
    return "%s; last state seen: %s" % (head.replace(ran_out, "the task's timeout of %ss ran out" % timeout, 1), state)


def still_waiting(outcome, limit):
    """The module's own timeout of a slice: WaitTimeout's result carries timeout and last_state."""
    return bool(outcome.get("failed")) and outcome.get("timeout") == limit and "last_state" in outcome and limit > 0


class Progress:
    """The task's timeline: each slice's own entries (module_utils/waiting.py's {elapsed, what, state}, shifted
    to seconds since the task began) and the state it ended in as describe() puts it; the state of each
    slice that ran out is displayed at -v."""

    def __init__(self, action, host):
        self.name = action.split(".")[-1]
        self.host = host
        self.start = time.monotonic()
        self.timeline = []
        self.last = None

    def elapsed(self):
        return time.monotonic() - self.start

    def add(self, started, entries, state=None):
        """The slice's own entries, then its last state as the plugin describes it (with progress)."""
        entries = [entry for entry in entries or [] if isinstance(entry, dict) and "state" in entry]
        if state is not None:
            entries.append(dict(elapsed=self.elapsed() - started, what=self.name, state=state))  # rounded once, below
        for entry in entries:
            shifted = dict(entry, elapsed=round(started + float(entry.get("elapsed") or 0), 1))
            if not self.timeline or (self.timeline[-1]["state"], self.timeline[-1].get("what")) != (
                    shifted["state"], shifted.get("what")):
                self.timeline.append(shifted)

    def seen(self, started, entries, state):
        self.add(started, entries, state)
        display.v("%s: still waiting after %ss: %s" % (self.name, int(self.elapsed()), state), host=self.host)
        self.last = state
