"""sahara_cluster at -v: a long cluster creation shows Sahara's status and provisioning step every slice; the
cluster is created once, and the module still works alone and with async (plugins/action/sahara_cluster.py)."""

import re

from ansible_collections.bigdata.platform.plugins.modules import sahara_cluster
from integration.cm_common import InProcessModule
from integration.progress_common import (
    FAST_SLICES, assert_timeline_in_order, clock_per_run, progress_lines, shown_states,
)
from simulators.sahara import SaharaSimulator

ClockPerRun = clock_per_run(SaharaSimulator, "POST", "^/v3/auth/tokens$")  # a run logs in to Keystone once
# Without slices (async), one run polls the cluster: each read sees it a simulated second on, so none misses a status.
ClockPerPoll = clock_per_run(SaharaSimulator, "GET", "^/v2/clusters/[^/]+$", seconds=1)
STEP = re.compile(r"^(\w+), step (\d) in progress: (\w+)$")


def cluster_args(sim, **args):
    return {"auth": sim.auth_args(), "name": "analytics", "cluster_template": "small", **args}


def test_a_105_second_creation_shows_the_provisioning_steps_at_v(start_simulator, ansible):
    sim = start_simulator(ClockPerRun, speed=0, stage_seconds=15)  # 7 statuses of 15 s before Active
    sim.seed_templates()
    run = ansible.run_tasks([{"bigdata.platform.sahara_cluster": cluster_args(sim, timeout=200)}],
                            verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["cluster"]["status"] == "Active", result
    lines = progress_lines(run.stdout, "sahara_cluster")
    steps = [STEP.match(line) for line in lines]
    assert len(lines) >= 2 and all(steps), run.stdout
    assert lines[0] == "Validating, step 1 in progress: Validating"
    numbers = [int(step.group(2)) for step in steps]
    assert numbers == sorted(set(numbers)) and all(step.group(1) == step.group(3) for step in steps), lines
    assert result["changed"] and sim.log.count("POST", "/clusters$") == 1
    assert shown_states(result, "sahara_cluster")[:len(lines)] == lines
    assert shown_states(result, "sahara_cluster")[-1] == "Active"
    assert_timeline_in_order(result)
    assert "secret" not in "\n".join(lines)


def test_async_poll_and_the_module_alone_wait_and_return_the_timeline(start_simulator, ansible):
    sim = start_simulator(ClockPerPoll, speed=0, stage_seconds=2)
    sim.seed_templates()
    run = ansible.run_tasks([{"bigdata.platform.sahara_cluster": cluster_args(sim), "async": 120, "poll": 1}])
    waited, = run.results
    assert not waited["failed"] and waited["changed"] and waited["cluster"]["status"] == "Active", waited
    assert "Validating, step 1 in progress: Validating" in [entry["state"] for entry in waited["timeline"]]

    # The module alone (no action plugin): one run waits for the whole deletion and returns its timeline.
    sim.set_stage_seconds(4)  # several polls, one simulated second each
    alone = sahara_cluster.run(InProcessModule(sahara_cluster.argument_spec(), cluster_args(sim, state="absent")))
    assert alone["changed"] and alone["cluster"] == {}, alone
    assert [entry["state"] for entry in alone["timeline"]][-1] == "gone"
