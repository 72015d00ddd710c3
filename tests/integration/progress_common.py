"""Driving a simulator's clock per module run, and reading progress lines, for the -v progress tests
(plugins/plugin_utils/progress.py).

A simulator made by clock_per_run() stands still (start it with speed=0) and moves `seconds` simulated seconds
each time a module run starts, which each run tells by one request it sends once (an API version discovery, a
token). Each slice of a wait therefore sees the resource stand still and ends in its own timeout whatever the
machine's load, and the next slice sees it `seconds` on: no real time is raced against simulated time.
"""

import re

# One-second slices: the plugin runs the module again every second of real time instead of every 20.
FAST_SLICES = {"BIGDATA_PLATFORM_PROGRESS_INTERVAL": "1"}
# The request each cm_* run sends once, first: it looks its cluster up.
CM_RUN_STARTS = r"^/api/v\d+/clusters/[^/]+$"


def clock_per_run(simulator_class, method, path, seconds=20):
    """A subclass of simulator_class whose clock moves `seconds` at each `method` request whose path matches the
    regular expression `path`."""

    def dispatch(self, request):
        if request.method == method and re.match(path, request.path):
            self.clock.advance(seconds)
        return simulator_class.dispatch(self, request)

    return type("ClockPerRun" + simulator_class.__name__, (simulator_class,), {"dispatch": dispatch})


def progress_lines(stdout, module):
    """The states the -v progress lines of `module` show, in order."""
    return re.findall(r"^(?:<[^>]+> )?%s: still waiting after \d+s: (.*)$" % module, stdout, re.MULTILINE)


def shown_states(result, module):
    """The states of the task's timeline that the plugin added (one per slice, and the end)."""
    return [entry["state"] for entry in result["timeline"] if entry["what"] == module]


def assert_timeline_in_order(result):
    elapsed = [entry["elapsed"] for entry in result["timeline"]]
    assert elapsed and elapsed == sorted(elapsed), result["timeline"]
