"""Progress at -v while a task waits (plugins/action/, plugins/plugin_utils/progress.py), with cm_parcel.

The simulator's clock is driven, not raced: it stands still (speed 0) and moves 20 simulated seconds each
time a module run starts (every run looks its cluster up once, GET /api/vNN/clusters/{name}). Each slice of the wait therefore sees the
parcel stand still and ends in its timeout, whatever the machine's load, and the next slice sees it 20 s on.
"""

import re

from integration.cm_common import CLUSTER, task
from integration.playbook import assert_clean_failure
from integration.progress_common import CM_RUN_STARTS, FAST_SLICES, clock_per_run
from simulators.cloudera_manager import CDH_7_1_8, ClouderaManagerSimulator

PROGRESS_LINE_TEXT = re.compile(r"cm_parcel: still waiting after \d+s: .*")
PROGRESS_LINE = re.compile(r"cm_parcel: still waiting after \d+s: stage DISTRIBUTING \((\d+)%, \d/\d hosts\)")
# Every module run looks its cluster up once, first: a run starts.
ClockPerModuleRun = clock_per_run(ClouderaManagerSimulator, "GET", CM_RUN_STARTS)


def distributing(sim, seconds):
    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "DISTRIBUTING", seconds=seconds)


def test_a_60_second_distribution_shows_progress_lines_at_v_and_keeps_the_timeline(start_simulator, ansible):
    sim = start_simulator(ClockPerModuleRun, speed=0)
    distributing(sim, 60)
    run = ansible.run_tasks([task("cm_parcel", sim, version=CDH_7_1_8, state="distributed", timeout=120)],
                            verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["parcel"]["stage"] == "DISTRIBUTED", result
    assert not result["changed"] and result["commands"] == []  # a distribution someone else started, waited for
    percents = [int(match.group(1)) for match in PROGRESS_LINE.finditer(run.stdout)]
    assert len(percents) >= 2, run.stdout
    assert percents == sorted(set(percents)) and percents[-1] < 100, percents
    states = [entry["state"] for entry in result["timeline"]]
    shown = [entry["state"] for entry in result["timeline"] if entry["what"] == "cm_parcel"]
    assert shown[:len(percents)] == [line.split(": ", 2)[2] for line in PROGRESS_LINE_TEXT.findall(run.stdout)]
    assert shown[-1] == "stage DISTRIBUTED"
    elapsed = [entry["elapsed"] for entry in result["timeline"]]
    assert elapsed == sorted(elapsed), result["timeline"]
    assert sim.log.mutating() == []


def test_without_v_nothing_more_is_shown_and_commands_add_up_over_the_slices(start_simulator, ansible):
    sim = start_simulator(ClockPerModuleRun, speed=0)
    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "DOWNLOADED")
    run = ansible.run_tasks([task("cm_parcel", sim, version=CDH_7_1_8, state="activated", timeout=120)],
                            env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["parcel"]["stage"] == "ACTIVATED", result
    assert result["changed"] and result["commands"] == ["startDistribution", "activate"]
    assert "still waiting" not in run.stdout
    posted = [entry.path.rsplit("/", 1)[1] for entry in sim.log.mutating()]
    assert posted == ["startDistribution", "activate"]  # each command once, whatever the number of slices


def test_one_timeout_covers_every_slice(start_simulator, ansible):
    sim = start_simulator("cm", speed=0)  # the clock never moves: the distribution never ends
    distributing(sim, 60)
    run = ansible.run_tasks([task("cm_parcel", sim, version=CDH_7_1_8, state="distributed", timeout=3)],
                            verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert_clean_failure(result, "the task's timeout of 3s ran out", "stage DISTRIBUTING (0%, 0/3 hosts)")
    assert not result["changed"]
    assert PROGRESS_LINE.search(run.stdout), run.stdout


def test_async_and_wait_false_run_the_module_as_it_is(start_simulator, ansible):
    sim = start_simulator("cm", speed=200)
    parcel = task("cm_parcel", sim, version=CDH_7_1_8, state="distributed")["bigdata.platform.cm_parcel"]
    run = ansible.run_tasks([{"bigdata.platform.cm_parcel": dict(parcel, wait=False)},
                             {"bigdata.platform.cm_parcel": parcel, "async": 120, "poll": 1}])
    stepped, waited = run.results
    assert stepped["changed"] and stepped["commands"] == ["startDownload"] and stepped["timeline"] == [], stepped
    assert not waited["failed"] and waited["parcel"]["stage"] == "DISTRIBUTED", waited
    assert waited["commands"] == ["startDistribution"]
    # The module's own timeline: the download it waited for, then the distribution, each stage seen once.
    assert [entry["state"] for entry in waited["timeline"]][-1] == "stage DISTRIBUTED", waited["timeline"]
