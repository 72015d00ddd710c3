"""rhev_vm against the oVirt engine simulator, through real ansible-playbook."""

import pytest
import requests

from integration.playbook import assert_clean_failure

GIB = 1024 ** 3
SPEED = 50
VM_KEYS = {"id", "name", "status", "cluster", "template", "host", "memory", "memory_guaranteed", "cpu_sockets",
           "cpu_cores", "cpu_threads", "os_type", "description", "high_availability", "next_run", "pending", "clone",
           "disks", "nics", "initialization", "placement_policy", "placement_hosts", "affinity_groups", "tags", "fqdn",
           "ips"}
# Starting status -> state -> (actions, final status). image_locked VMs are waited for, then act like down ones.
EXPECTED = {
    "down": {"present": ([], "down"), "running": (["start"], "up"), "stopped": ([], "down"),
             "suspended": (["start", "suspend"], "suspended"), "rebooted": (["start"], "up"),
             "absent": (["remove"], None)},
    "up": {"present": ([], "up"), "running": ([], "up"), "stopped": (["shutdown"], "down"),
           "suspended": (["suspend"], "suspended"), "rebooted": (["reboot"], "up"), "absent": (["stop", "remove"], None)},
    "suspended": {"present": ([], "suspended"), "running": (["start"], "up"), "stopped": (["stop"], "down"),
                  "suspended": ([], "suspended"), "rebooted": (["start"], "up"), "absent": (["stop", "remove"], None)},
}
EXPECTED["image_locked"] = EXPECTED["down"]
STATES = ["present", "running", "stopped", "suspended", "rebooted", "absent"]


@pytest.fixture
def sim(start_simulator):
    return start_simulator("rhev", speed=SPEED, sample_vms=True)


def connection(sim, **args):
    return dict(url=sim.url + "/ovirt-engine/api", username="admin@internal", password="secret", **args)


def api_mutations(sim):
    """Mutating requests to the engine API (SSO login and logout are POSTs but change nothing)."""
    sso = {"/ovirt-engine/sso/oauth/token", "/ovirt-engine/services/sso-logout"}
    assert {e.path for e in sim.log.mutating() if not e.path.startswith("/ovirt-engine/api")} <= sso
    return sim.log.mutating(path="^/ovirt-engine/api")


def vm_task(sim, **args):
    return {"bigdata.platform.rhev_vm": connection(sim, **args)}


def test_create_check_apply_idempotent_info_and_remove_running_vm(sim, ansible):
    args = dict(name="hadoop-edge", cluster="hadoop", template="centos7-hadoop", memory="2GiB",
                memory_guaranteed="1GiB", cpu_sockets=2, cpu_cores=2, cpu_threads=1, os_type="rhel_7x64",
                description="edge node", high_availability=True, state="running")
    check = ansible.run_module("rhev_vm", connection(sim, **args), check=True, diff=True)
    assert check["changed"] and not check.get("failed"), check
    assert api_mutations(sim) == []
    assert check["actions"] == ["start"] and check["vm"]["id"] is None and check["vm"]["status"] == "up"
    assert check["diff"]["before"] == {} and check["diff"]["after"]["memory"] == "2GiB"
    assert sim.vm_by_name("hadoop-edge") is None

    applied = ansible.run_module("rhev_vm", connection(sim, **args), diff=True)
    assert applied["changed"] and not applied.get("failed"), applied
    vm = applied["vm"]
    assert set(vm) == VM_KEYS and {"actions", "diff"} <= set(applied)
    assert vm["status"] == "up" and vm["host"] in ("host1", "host2") and applied["actions"] == ["start"]
    assert (vm["memory"], vm["memory_guaranteed"], vm["cpu_sockets"], vm["cpu_cores"]) == (2 * GIB, GIB, 2, 2)
    assert (vm["cluster"], vm["template"], vm["os_type"], vm["high_availability"]) == ("hadoop", "centos7-hadoop", "rhel_7x64", True)
    assert vm["next_run"] is False and vm["pending"] == {}
    assert applied["diff"]["after"]["status"] == "up" and applied["diff"]["after"]["description"] == "edge node"
    assert [e.path.rsplit("/", 1)[-1] for e in api_mutations(sim)] == ["vms", "start"]

    sim.log.clear()
    again = ansible.run_tasks([vm_task(sim, **args), {"bigdata.platform.rhev_vm_info": connection(sim, name="hadoop-edge")}])
    second, info = again.results
    assert not second["changed"] and second["actions"] == [] and api_mutations(sim) == [], second
    assert info["vms"] == [second["vm"]]

    sim.log.clear()
    removal = ansible.run_tasks([vm_task(sim, name="hadoop-edge", state="absent")] * 2, diff=True)
    removed, gone = removal.results
    assert removed["changed"] and removed["actions"] == ["stop", "remove"] and removed["vm"] == {}, removed
    assert removed["diff"]["before"]["status"] == "up" and removed["diff"]["after"] == {}
    methods = [(e.method, e.path.rsplit("/", 1)[-1]) for e in api_mutations(sim)]
    assert methods == [("POST", "stop"), ("DELETE", vm["id"])]  # stopped first: the engine refuses to remove a running VM
    assert sim.vm_by_name("hadoop-edge") is None
    assert not gone["changed"] and gone["vm"] == {} and gone["actions"] == []


def add_matrix(sim, statuses):
    for status in statuses:
        for state in STATES:
            sim.add_vm("%s-%s" % (status, state), status=status)


def matrix_tasks(sim, statuses):
    return [vm_task(sim, name="%s-%s" % (status, state), state=state, shutdown_timeout=30)
            for status in statuses for state in STATES]


def assert_matrix(tasks, results, check=False):
    for task, result in zip(tasks, results):
        args = task["bigdata.platform.rhev_vm"]
        actions, status = EXPECTED[args["name"].rsplit("-", 1)[0]][args["state"]]
        assert not result.get("failed") and result["actions"] == actions, (args, result)
        assert result["changed"] == bool(actions) and result["vm"].get("status") == status, (args, result)


def test_every_state_from_every_stable_status_then_second_runs_change_nothing(sim, ansible):
    stable = ["down", "up", "suspended"]
    add_matrix(sim, stable)
    check = ansible.run_tasks(matrix_tasks(sim, ["down", "up"]), check=True)
    assert api_mutations(sim) == []
    assert_matrix(matrix_tasks(sim, ["down", "up"]), check.results)

    applied = ansible.run_tasks(matrix_tasks(sim, stable))
    assert_matrix(matrix_tasks(sim, stable), applied.results)
    for args in (task["bigdata.platform.rhev_vm"] for task in matrix_tasks(sim, stable)):
        wanted = EXPECTED[args["name"].rsplit("-", 1)[0]][args["state"]][1]
        assert (sim.vm_by_name(args["name"]) or {}).get("status") == wanted, args

    sim.log.clear()
    again = ansible.run_tasks(matrix_tasks(sim, ["up"]))
    for task, result in zip(matrix_tasks(sim, ["up"]), again.results):
        rebooted = task["bigdata.platform.rhev_vm"]["state"] == "rebooted"
        assert not result.get("failed") and result["changed"] == rebooted, result  # a reboot is asked for every time
        assert result["actions"] == (["reboot"] if rebooted else []), result
    assert [e.path.rsplit("/", 1)[-1] for e in api_mutations(sim)] == ["reboot"]


def hold_clock_from_each_creation_to_the_next_login(sim):
    """Simulated time stands still from a VM's creation until the next task logs in: the lock the next task
    must wait for lasts its full time however long ansible-playbook takes to start that task."""
    def freeze(request):
        sim.clock.set_speed(0)
        sim.on_request(thaw, method="POST", path="/sso/oauth/token$")

    def thaw(request):
        sim.clock.set_speed(SPEED)
        sim.on_request(freeze, method="POST", path="/ovirt-engine/api/vms$")

    sim.on_request(freeze, method="POST", path="/ovirt-engine/api/vms$")


def test_every_state_from_image_locked_waits_for_the_lock(sim, ansible):
    sim.set_durations(image_locked=150)  # 3 s after the next task's login: it finds the VM still locked
    hold_clock_from_each_creation_to_the_next_login(sim)
    tasks = []
    for state in STATES:
        tasks.append(vm_task(sim, name="locked-" + state, cluster="Default", wait=False))
        tasks.append(vm_task(sim, name="locked-" + state, state=state, shutdown_timeout=30))
    run = ansible.run_tasks(tasks)
    for state, created, result in zip(STATES, run.results[::2], run.results[1::2]):
        assert created["changed"] and created["vm"]["status"] == "image_locked", created
        actions, status = EXPECTED["image_locked"][state]
        assert not result.get("failed") and result["actions"] == actions and result["changed"] == bool(actions), result
        assert (sim.vm_by_name("locked-" + state) or {}).get("status") == status
        after_creation = [e.method for e in sim.log.entries(path=created["vm"]["id"])]
        assert after_creation[:2] == ["GET", "GET"], after_creation  # polled while locked, before any action


def test_present_never_powers_on_and_config_of_a_running_vm_waits_for_next_run(sim, ansible):
    sim.add_vm("worker-down", status="down", cluster="hadoop", memory=GIB)
    resized = dict(memory="16GiB", cpu_cores=8, description="resized")
    check = ansible.run_module("rhev_vm", connection(sim, name="hadoop-master", **resized), check=True, diff=True)
    assert check["changed"] and check["vm"]["next_run"] and check["vm"]["pending"] == {"memory": 16 * GIB, "cpu_cores": 8}
    assert check["vm"]["description"] == "resized" and api_mutations(sim) == []

    run = ansible.run_tasks([
        vm_task(sim, name="worker-down", memory="2GiB", memory_guaranteed="2GiB"),
        vm_task(sim, name="hadoop-master", **resized),
        vm_task(sim, name="hadoop-master", **resized),
        {"bigdata.platform.rhev_vm_info": connection(sim, name="hadoop-master")},
        vm_task(sim, name="hadoop-master", state="rebooted"),
        vm_task(sim, name="hadoop-master", **resized),
    ], diff=True)
    down, resize, settled, info, rebooted, after = run.results
    assert down["changed"] and down["actions"] == [] and down["vm"]["status"] == "down" and down["vm"]["memory"] == 2 * GIB

    assert resize["changed"] and resize["vm"]["status"] == "up" and resize["vm"]["next_run"] is True
    assert resize["vm"]["memory"] == 8 * GIB and resize["vm"]["description"] == "resized"
    assert resize["vm"]["pending"] == {"memory": 16 * GIB, "cpu_cores": 8}
    assert resize["diff"]["before"]["memory"] == "8GiB" and resize["diff"]["after"]["memory"] == "16GiB"
    assert any("pending" in warning and "memory" in warning for warning in resize["warnings"])

    assert not settled["changed"] and settled["vm"]["pending"] == {"memory": 16 * GIB, "cpu_cores": 8}
    assert info["vms"][0]["next_run"] and info["vms"][0]["pending"] == settled["vm"]["pending"]

    assert rebooted["changed"] and rebooted["actions"] == ["reboot"] and rebooted["vm"]["status"] == "up"
    assert rebooted["vm"]["memory"] == 16 * GIB and rebooted["vm"]["cpu_cores"] == 8 and not rebooted["vm"]["next_run"]
    assert not after["changed"] and after["vm"]["pending"] == {} and not after.get("warnings")


def test_engine_failures_and_bad_input_fail_with_clear_messages(sim, ansible):
    sim.fail_next_start("hadoop-worker-1", "[Cannot run VM. There is no host that satisfies current scheduling constraints.]")
    sim.add_vm("crashes-on-launch", status="down")
    sim.fail_next_start("crashes-on-launch", when="launch")
    sim.set_durations(powering_up=100000)
    slow_starter = sim.add_vm("slow-starter", status="down")
    # Its start goes straight to powering_up (no 40 ms of wait_for_launch a loaded machine could spend before the
    # task's 2 s run out), so the last state the timeout names is powering_up.
    sim.on_request(lambda request: sim.set_durations(wait_for_launch=0), method="POST",
                   path="/vms/%s/start$" % slow_starter)
    run = ansible.run_tasks([
        vm_task(sim, name="hadoop-worker-1", state="running"),
        vm_task(sim, name="crashes-on-launch", state="running", timeout=60),
        vm_task(sim, name="slow-starter", state="running", timeout=2),
        vm_task(sim, name="new-vm", cluster="Default", memory="2 gigs"),
        vm_task(sim, name="new-vm", cluster="Default", memory="1GiB", memory_guaranteed="lots"),
        vm_task(sim, name="new-vm", cluster="Default", cpu_cores=0),
        vm_task(sim, name="new-vm"),
        vm_task(sim, name="hadoop-master", cluster="Default"),
        vm_task(sim, name="new-vm", cluster="Default", memory="1GiB", memory_guaranteed="2GiB"),
        vm_task(sim, name="new-vm", cluster="no-such-cluster"),
        dict(vm_task(sim, name="new-vm", cluster="Default", template="no-such-template"), check_mode=True),
        {"bigdata.platform.rhev_vm": {"url": sim.url + "/ovirt-engine/api", "name": "new-vm"}},
        vm_task(sim, name="hadoop-worker-1", state="sleeping"),
    ])
    refused, crashed, slow, memory, guaranteed, cores, no_cluster, moved, engine_memory, no_such, no_template, no_user, bad_state = run.results
    assert_clean_failure(refused, "HTTP 409", "Operation Failed: [Cannot run VM. There is no host that satisfies")
    assert sim.vm_by_name("hadoop-worker-1")["status"] == "down"
    assert_clean_failure(crashed, "VM crashes-on-launch went down while starting", "statuses seen:")
    assert_clean_failure(slow, "timeout of 2s ran out waiting for VM slow-starter to start", "last state seen: status powering_up")
    assert slow["last_state"]["status"] == "powering_up"
    assert_clean_failure(memory, "option 'memory'", "2 gigs")
    assert_clean_failure(guaranteed, "option 'memory_guaranteed'", "lots")
    assert_clean_failure(cores, "option 'cpu_cores'", "at least 1")
    assert_clean_failure(no_cluster, "option 'cluster'", "required to create VM new-vm")
    assert_clean_failure(moved, "option 'cluster'", "existing VM hadoop-master (hadoop)")
    assert_clean_failure(engine_memory, "HTTP 400", "Physical Memory Guaranteed cannot exceed Memory Size")
    assert_clean_failure(no_such, "option 'cluster'", "no-such-cluster", "names no cluster")
    assert_clean_failure(no_template, "option 'template'", "no-such-template", "names no template")
    assert_clean_failure(no_user, "option 'username'")
    assert_clean_failure(bad_state, "state", "sleeping")
    assert [e.path for e in api_mutations(sim) if e.path.endswith("/vms")] == ["/ovirt-engine/api/vms"], \
        "only the engine can tell that memory_guaranteed exceeds memory; unknown names are found before any change"


def test_wrong_password_is_clear_and_never_printed(sim, ansible):
    password = "Wr0ng-Passw0rd-xyz"
    url = sim.url + "/ovirt-engine/api"
    given = ansible.run_tasks([{"bigdata.platform.rhev_vm": {
        "url": url, "username": "admin@internal", "password": password, "name": "x"}}], verbosity=4)
    assert_clean_failure(given.results[0], "SSO login of admin@internal failed",
                         "access_denied: Cannot authenticate user 'admin@internal'")
    assert password not in given.output
    from_env = ansible.run_tasks([{"bigdata.platform.rhev_vm_info": {"name": "x"}}], verbosity=4, env={
        "OVIRT_URL": url, "OVIRT_USERNAME": "admin@internal", "OVIRT_PASSWORD": password})
    assert_clean_failure(from_env.results[0], "SSO login of admin@internal failed")
    assert password not in from_env.output
    assert sim.log.count("POST", path="/sso/oauth/token$") == 2 and sim.log.count(path="^/ovirt-engine/api") == 0


def test_environment_credentials_token_and_its_renewal_during_a_long_wait(sim, ansible):
    env = {"OVIRT_URL": sim.url + "/ovirt-engine/api", "OVIRT_USERNAME": "admin@internal", "OVIRT_PASSWORD": "secret"}
    sim.set_token_lifetime(40)  # simulated seconds: this start takes 42, so the token expires mid-wait
    sim.set_durations(powering_up=40)
    run = ansible.run_tasks([{"bigdata.platform.rhev_vm": {"name": "hadoop-worker-1", "state": "running"}}], env=env)
    result = run.results[0]
    assert result["changed"] and result["vm"]["status"] == "up", result
    assert sim.log.count("POST", path="/sso/oauth/token$") >= 2
    assert any(e.status == 401 for e in sim.log.entries(path="^/ovirt-engine/api"))
    assert len(sim.revoked) == 1  # the token in use at the end was revoked; the expired ones are dead anyway
    assert all(expires < sim.now() for dummy, expires in sim.tokens.values())

    sim.set_token_lifetime(3600)
    token = requests.post(sim.url + "/ovirt-engine/sso/oauth/token", timeout=5, data={
        "grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal", "password": "secret"}
    ).json()["access_token"]
    sim.log.clear()
    with_token = ansible.run_tasks([{"bigdata.platform.rhev_vm_info": {"name": "hadoop-worker-1"}}],
                                   env={"OVIRT_URL": env["OVIRT_URL"], "OVIRT_TOKEN": token})
    assert with_token.results[0]["vms"][0]["status"] == "up"
    assert sim.log.count("POST") == 0 and token in sim.tokens  # neither a login nor a revocation


def test_shutdown_falls_back_to_power_off_and_wait_false_returns_early(sim, ansible):
    sim.add_vm("stubborn", status="up")
    sim.ignore_shutdown("stubborn")
    sim.add_vm("quick", status="down")
    sim.set_durations(wait_for_launch=5000)  # 100 s: the task returns long before the VM is up
    run = ansible.run_tasks([
        vm_task(sim, name="stubborn", state="stopped", shutdown_timeout=1),
        vm_task(sim, name="quick", state="running", wait=False),
    ])
    stubborn, quick = run.results
    assert stubborn["changed"] and stubborn["actions"] == ["shutdown", "stop"] and stubborn["vm"]["status"] == "down"
    assert quick["changed"] and quick["actions"] == ["start"] and quick["vm"]["status"] in ("wait_for_launch", "powering_up")
