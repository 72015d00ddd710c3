"""yarn_app at -v: a long application run shows its state and progress every slice; it is submitted once, and the
module still works alone and with async (plugins/action/yarn_app.py)."""

import re

from ansible_collections.bigdata.platform.plugins.modules import yarn_app
from integration.cm_common import InProcessModule
from integration.progress_common import (
    FAST_SLICES, assert_timeline_in_order, clock_per_run, progress_lines, shown_states,
)
from simulators.yarn import YarnSimulator

ClockPerRun = clock_per_run(YarnSimulator, "GET", "^/ws/v1/cluster/info$")  # a run finds the active RM once
RUNNING = re.compile(r"^application_\d+_\d+ RUNNING, (\d+)% done \(final status UNDEFINED\)$")


def app_args(sim, run_seconds, **args):
    return {"rm_urls": [sim.url], "user": "etl", "name": "nightly-load", "state": "finished",
            "commands": ["{{ '{{' }}JAVA_HOME{{ '}}' }}/bin/java", "com.example.Main"],
            "environment": {"SIM_RUN_SECONDS": str(run_seconds)}, **args}


def submissions(sim):
    return sim.log.count("POST", r"/apps$")


def test_an_80_second_run_shows_state_and_progress_at_v_and_is_submitted_once(start_simulator, ansible):
    sim = start_simulator(ClockPerRun, speed=0)
    run = ansible.run_tasks([{"bigdata.platform.yarn_app": app_args(sim, 80, timeout=200)}], verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["app"]["state"] == "FINISHED", result
    lines = progress_lines(run.stdout, "yarn_app")
    percents = [int(match.group(1)) for match in map(RUNNING.match, lines) if match]
    assert len(percents) >= 2 and percents == sorted(set(percents)) and percents[-1] < 100, run.stdout
    assert result["changed"] and submissions(sim) == 1 and sim.log.count("POST", "new-application") == 1
    assert shown_states(result, "yarn_app")[:len(lines)] == lines
    assert shown_states(result, "yarn_app")[-1] == "%s FINISHED (final status SUCCEEDED)" % result["app"]["id"]
    assert_timeline_in_order(result)


def test_async_poll_and_the_module_alone_wait_and_return_the_timeline(start_simulator, ansible):
    sim = start_simulator(YarnSimulator, speed=20)
    run = ansible.run_tasks([{"bigdata.platform.yarn_app": app_args(sim, 40), "async": 120, "poll": 1}])
    waited, = run.results
    assert not waited["failed"] and waited["changed"] and waited["app"]["state"] == "FINISHED", waited
    assert any(RUNNING.match(entry["state"]) for entry in waited["timeline"]), waited["timeline"]

    # The module alone (no action plugin): one run waits for a whole run and returns its timeline.
    alone = yarn_app.run(InProcessModule(yarn_app.argument_spec(), app_args(sim, 40, name="ad-hoc-load")))
    assert alone["changed"] and alone["app"]["state"] == "FINISHED" and submissions(sim) == 2, alone
    assert any(RUNNING.match(entry["state"]) for entry in alone["timeline"]), alone["timeline"]
