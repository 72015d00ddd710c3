"""cm_service at -v: a long service restart shows the command's progress every slice, is sent once, and the
module still works alone and with async (plugins/action/cm_service.py, plugins/plugin_utils/progress.py)."""

import simulators.cloudera_manager as cm_simulator
import simulators.cloudera_manager_roles as cm_roles_simulator
from ansible_collections.bigdata.platform.plugins.modules import cm_service
from integration.cm_common import CLUSTER, InProcessModule, task
from integration.progress_common import (
    CM_RUN_STARTS, FAST_SLICES, assert_timeline_in_order, clock_per_run, progress_lines, shown_states,
)
from simulators.cloudera_manager import ClouderaManagerSimulator

ClockPerRun = clock_per_run(ClouderaManagerSimulator, "GET", CM_RUN_STARTS)
# Without slices (async), one run polls its command: each read sees it half a simulated second on, so none misses a
# step (a restart's Stop, then its Start).
ClockPerPoll = clock_per_run(ClouderaManagerSimulator, "GET", r"^/api/v\d+/commands/\d+$", seconds=0.5)


def posted(sim):
    return [entry.path.rsplit("/", 1)[1] for entry in sim.log.mutating()]


def test_a_70_second_restart_shows_progress_lines_at_v_and_is_sent_once(start_simulator, ansible, monkeypatch):
    monkeypatch.setattr(cm_simulator, "COMMAND_SECONDS", 70.0)
    sim = start_simulator(ClockPerRun, speed=0)
    run = ansible.run_tasks([task("cm_service", sim, name="hdfs", state="restarted", timeout=150)],
                            verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["service"]["service_state"] == "STARTED", result
    lines = progress_lines(run.stdout, "cm_service")
    # 20 simulated seconds per slice: the restart's stop step (35 s), then its start step (35 s).
    assert lines == ["command Restart still active (0 of 1 steps done; running: Stop)"] * 2 + [
        "command Restart still active (1 of 2 steps done; running: Start)"] * 2, run.stdout
    assert result["changed"] and result["commands"] == ["restart"]
    assert posted(sim) == ["restart"]  # the later slices waited for it: never restarted twice
    assert shown_states(result, "cm_service")[:len(lines)] == lines
    assert shown_states(result, "cm_service")[-1] == "service state STARTED"
    assert_timeline_in_order(result)
    assert "admin" not in "\n".join(lines)  # no option value (user, password) in a progress line


def test_a_rolling_restart_over_several_slices_is_sent_once(start_simulator, ansible, monkeypatch):
    monkeypatch.setattr(cm_roles_simulator, "ROLE_RESTART_SECONDS", 30.0)  # 3 servers, one at a time: 90 simulated s
    sim = start_simulator(ClockPerRun, speed=0)
    run = ansible.run_tasks([task("cm_service", sim, name="zookeeper", state="restarted", rolling=True, timeout=150)],
                            verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["commands"] == ["rollingRestart"], result
    assert len(progress_lines(run.stdout, "cm_service")) >= 2, run.stdout
    assert posted(sim) == ["rollingRestart"]
    assert sim.running_command(sim.services[CLUSTER]["zookeeper"]) is False  # the task ended with the restart


def test_async_poll_and_the_module_alone_wait_and_return_the_timeline(start_simulator, ansible, monkeypatch):
    sim = start_simulator(ClockPerPoll, speed=0)
    run = ansible.run_tasks([{"bigdata.platform.cm_service": task("cm_service", sim, name="hdfs", state="restarted")[
        "bigdata.platform.cm_service"], "async": 120, "poll": 1}])
    waited, = run.results
    assert not waited["failed"] and waited["commands"] == ["restart"], waited
    assert "command Restart still active (0 of 1 steps done; running: Stop)" in [e["state"] for e in waited["timeline"]]

    # The module alone (no action plugin): one run waits for the whole restart and returns its timeline.
    monkeypatch.setattr(cm_simulator, "COMMAND_SECONDS", 4.0)  # several polls, half a simulated second each
    params = task("cm_service", sim, name="hdfs", state="restarted")["bigdata.platform.cm_service"]
    alone = cm_service.run(InProcessModule(cm_service.argument_spec(), params))
    assert alone["commands"] == ["restart"] and alone["service"]["service_state"] == "STARTED"
    assert [entry["state"] for entry in alone["timeline"]][0].startswith("command Restart still active")

    # A run that starts while a restart runs (one a timed-out run began) waits for it and does not send another.
    sim.log.clear()
    first = cm_service.run(InProcessModule(cm_service.argument_spec(), dict(params, wait=False)))
    joined = cm_service.run(InProcessModule(cm_service.argument_spec(), params))
    assert first["commands"] == ["restart"] and joined["commands"] == [] and not joined["changed"], joined
    assert joined["service"]["service_state"] == "STARTED" and posted(sim) == ["restart"]
    assert any(entry["state"].startswith("command Restart still active") for entry in joined["timeline"])
