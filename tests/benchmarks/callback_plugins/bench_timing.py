# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Benchmark-only callback: one JSON line per task result (and per loop item) in $BIGDATA_BENCH_TIMES,
with the wall-clock (time.time()) start and end, so tests/benchmarks/run.py can time each task of one
playbook and count the simulator requests that fell inside it."""

from __future__ import annotations

import json
import os
import time

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = r"""
name: bench_timing
type: aggregate
short_description: per-task and per-item wall-clock times for tests/benchmarks/run.py
description:
  - Benchmark-only callback.
requirements:
  - the environment variable BIGDATA_BENCH_TIMES
"""


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timing"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.started = None
        self.item_started = None

    def _write(self, entry):
        path = os.environ.get("BIGDATA_BENCH_TIMES")
        if path:
            with open(path, "a") as handle:
                handle.write(json.dumps(entry, default=str) + "\n")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self.started = self.item_started = time.time()

    def _record(self, result, status, item=False):
        now = time.time()
        began = self.item_started if item else self.started
        values = result._result  # pylint: disable=protected-access
        self._write({"task": result._task.get_name(), "status": status, "item": item,  # pylint: disable=protected-access
                     "start": began, "end": now, "changed": bool(values.get("changed")),
                     "msg": str(values.get("msg", ""))[:500]})
        if item:
            self.item_started = now

    def v2_runner_on_ok(self, result):
        self._record(result, "ok")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_item_on_ok(self, result):
        self._record(result, "ok", item=True)

    def v2_runner_item_on_failed(self, result):
        self._record(result, "failed", item=True)
