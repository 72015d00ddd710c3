"""rhev_vm at -v: a long VM start shows the VM's status every slice, then the wait for its guest's address; the
start is sent once, and the module still works alone and with async (plugins/action/rhev_vm.py)."""

from ansible_collections.bigdata.platform.plugins.modules import rhev_vm
from integration.cm_common import InProcessModule
from integration.progress_common import (
    FAST_SLICES, assert_timeline_in_order, clock_per_run, progress_lines, shown_states,
)
from simulators.rhev import RhevSimulator

ClockPerRun = clock_per_run(RhevSimulator, "POST", "^/ovirt-engine/sso/oauth/token$")  # a run logs in once
# Without slices (async), one run polls the VM: each read sees it a simulated second on, so none misses a status.
ClockPerPoll = clock_per_run(RhevSimulator, "GET", "^/ovirt-engine/api/vms/[^/]+$", seconds=1)
SLOW_START = dict(wait_for_launch=20.0, powering_up=40.0, guest_agent=30.0)  # up after 60 s, an address 30 s later


def vm_args(sim, **args):
    return {"url": sim.url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret",
            "name": "hadoop-worker-1", "state": "running", "wait_for_ip": True, **args}


def engine_actions(sim):
    return [entry.path.rsplit("/", 1)[1] for entry in sim.log.mutating(path="^/ovirt-engine/api")]


def test_a_90_second_start_shows_the_status_then_the_address_wait_at_v(start_simulator, ansible):
    sim = start_simulator(ClockPerRun, speed=0, sample_vms=True)
    sim.set_durations(**SLOW_START)
    run = ansible.run_tasks([{"bigdata.platform.rhev_vm": vm_args(sim, timeout=150)}], verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["vm"]["status"] == "up" and result["ip"], result
    lines = progress_lines(run.stdout, "rhev_vm")
    # 20 simulated seconds per slice: launching, powering up, then up with the guest agent not reporting yet.
    assert lines == ["status wait_for_launch", "status powering_up", "status powering_up",
                     "status up, guest addresses: none reported yet", "status up, guest addresses: none reported yet"], \
        run.stdout
    assert result["changed"] and result["actions"] == ["start"] and engine_actions(sim) == ["start"]
    assert shown_states(result, "rhev_vm")[:len(lines)] == lines
    assert shown_states(result, "rhev_vm")[-1] == "status up, guest addresses: %s" % ", ".join(result["vm"]["ips"])
    assert_timeline_in_order(result)
    assert "secret" not in "\n".join(lines)


def test_a_reboot_over_several_slices_is_sent_once(start_simulator, ansible):
    sim = start_simulator(ClockPerRun, speed=0, sample_vms=True)
    sim.set_durations(reboot_in_progress=50.0)
    run = ansible.run_tasks([{"bigdata.platform.rhev_vm": vm_args(sim, timeout=150, name="hadoop-master",
                                                                  state="rebooted", wait_for_ip=False)}],
                            verbosity=1, env=FAST_SLICES)
    result, = run.results
    assert not result["failed"] and result["vm"]["status"] == "up", result
    assert len(progress_lines(run.stdout, "rhev_vm")) >= 2, run.stdout
    assert result["actions"] == ["reboot"] and engine_actions(sim) == ["reboot"]


def test_async_poll_and_the_module_alone_wait_and_return_the_timeline(start_simulator, ansible):
    sim = start_simulator(ClockPerPoll, speed=0, sample_vms=True)
    run = ansible.run_tasks([{"bigdata.platform.rhev_vm": vm_args(sim), "async": 120, "poll": 1}])
    waited, = run.results
    assert not waited["failed"] and waited["actions"] == ["start"] and waited["ip"], waited
    assert "status powering_up" in [entry["state"] for entry in waited["timeline"]]

    # The module alone (no action plugin): one run waits for the whole shutdown and returns its timeline.
    sim.set_durations(powering_down=4.0)  # several polls, one simulated second each
    alone = rhev_vm.run(InProcessModule(rhev_vm.argument_spec(), vm_args(sim, state="stopped", wait_for_ip=False)))
    assert alone["actions"] == ["shutdown"] and alone["vm"]["status"] == "down", alone
    assert [entry["state"] for entry in alone["timeline"]] == ["status powering_down", "status down"]
