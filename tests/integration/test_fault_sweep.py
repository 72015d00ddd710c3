"""Transient faults on every request of each REST module's create, update and delete flows (issue 12).

For each step of a flow, a clean run on a fresh simulator records the step's requests; then, for each
request (every mutating one, and the first of each read), the step runs again on a fresh simulator with one
fault on exactly that request: a burst of three 503s, a reset before the server handles it, an answer lost
after the server handled it, and (for changes) an answer slower than request_timeout. Asserted: the task ends cleanly (success
or a clean failure, no crash, no hang), no POST is sent twice (logins aside, which are safe to repeat), a
failure that made the change says changed: true, and re-running the step without faults succeeds, then
reports changed: false.

Modules run in-process (integration/sweep.py) so the ~1000 runs fit in CI's time.
"""

import re
from collections import Counter

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils import http
from integration import sweep
from integration.sweep_baselines import HARMLESS, NOT_YET_SWEPT, SIMULATORS, cm, rhev, sahara, seed_sahara_templates, yarn
from integration.sweep_baselines import CLUSTER, SPARE_HOST, cm_connection, seed_cm_host_template, seed_cm_spare_host
from simulators.cloudera_manager import CDH_7_1_8

STEP = dict(request_timeout=0.5, timeout=20)
VANILLA = dict(plugin="vanilla", plugin_version="2.7.1")
NODE_GROUPS = [{"name": "worker", "node_group_template": "worker", "count": 1}]


def flow(*steps):
    return lambda sim, connect: [dict(connect(sim), **step) for step in steps]


# module: (system, connection, setup, the create, update and delete steps)
FLOWS = {
    "cm_service": ("cm", cm, None, flow(
        dict(name="kafka", type="KAFKA", state="started"),
        dict(name="kafka", type="KAFKA", config={"num.partitions": "3"}),
        dict(name="kafka", state="absent"))),
    "cm_parcel": ("cm", cm, None, flow(
        dict(version=CDH_7_1_8, state="downloaded"), dict(version=CDH_7_1_8, state="distributed"),
        dict(version=CDH_7_1_8, state="absent"))),
    "rhev_vm": ("rhev", rhev, None, flow(
        dict(name="fault-vm", cluster="Default", template="Blank", memory="1GiB", state="running"),
        dict(name="fault-vm", memory="2GiB", description="resized"),
        dict(name="fault-vm", state="absent"))),
    "sahara_cluster": ("sahara", sahara, seed_sahara_templates, flow(
        dict(name="faulty", cluster_template="small", keypair="ops"),
        dict(name="faulty", node_groups={"worker": 3}),
        dict(name="faulty", state="absent"))),
    "sahara_node_group_template": ("sahara", sahara, None, flow(
        dict(name="fault-ngt", flavor_id="2", node_processes=["datanode"], **VANILLA),
        dict(name="fault-ngt", flavor_id="3", node_processes=["datanode"], **VANILLA),
        dict(name="fault-ngt", state="absent"))),
    "sahara_cluster_template": ("sahara", sahara, seed_sahara_templates, flow(
        dict(name="fault-ct", node_groups=NODE_GROUPS, **VANILLA),
        dict(name="fault-ct", node_groups=NODE_GROUPS, description="changed", **VANILLA),
        dict(name="fault-ct", state="absent"))),
    "sahara_image": ("sahara", sahara, None, flow(
        dict(image="sahara-vanilla-2.7.1", username="ubuntu", tags=["vanilla", "2.7.1"]),
        dict(image="sahara-vanilla-2.7.1", description="tagged", tags=["vanilla", "2.7.1", "extra"]),
        dict(image="sahara-vanilla-2.7.1", state="absent"))),
    "yarn_app": ("yarn", yarn, None, flow(
        dict(name="fault-app", state="running", queue="default", commands=["sleep", "600"],
             environment={"SIM_RUN_SECONDS": "forever"}, am_resource={"memory": "512M", "vcores": 1}),
        dict(name="fault-app", state="running", queue="adhoc", commands=["sleep", "600"],
             environment={"SIM_RUN_SECONDS": "forever"}, am_resource={"memory": "512M", "vcores": 1}),
        dict(name="fault-app", state="killed"))),
}

SESSION_TOKEN = "fault-sweep-token"


def seed_rhev_session(sim):
    """A token the engine issued to admin@internal, for the steps that check and revoke one."""
    sim.tokens[SESSION_TOKEN] = ("admin@internal", sim.now() + sim.token_lifetime)


def yarn_admin(sim):
    return dict(yarn(sim), user="yarn")


FAULT_HOST = "fault-node.example.com"
FLOWS.update({
    "cm_cluster": ("cm", cm_connection, seed_cm_spare_host, flow(
        dict(name="fault-cluster", version="7.1.7", hosts=[SPARE_HOST]),
        dict(name="fault-cluster", display_name="Fault cluster"),
        dict(name="fault-cluster", state="absent"))),
    "cm_host": ("cm", cm_connection, seed_cm_host_template, flow(
        dict(hostname=FAULT_HOST, ip_address="10.9.0.2", cluster=CLUSTER, host_template="sweep-workers"),
        dict(hostname=FAULT_HOST, rack_id="/rack2"),
        dict(hostname=FAULT_HOST, state="absent", decommission=True))),
    "cm_host_template": ("cm", cm, None, flow(
        dict(name="fault-template", role_config_groups=[{"service": "hdfs", "type": "DATANODE"}]),
        dict(name="fault-template", role_config_groups=[{"service": "hdfs", "type": "DATANODE"},
                                                        {"service": "yarn", "type": "NODEMANAGER"}]),
        dict(name="fault-template", state="absent"))),
    # A role has no create or delete: stopped, then started in maintenance mode, then out of it.
    "cm_role": ("cm", cm, None, flow(
        dict(service="hdfs", hosts=["c1-node-3.example.com"], role_types=["DATANODE"], state="stopped"),
        dict(service="hdfs", hosts=["c1-node-3.example.com"], role_types=["DATANODE"], state="started", maintenance=True),
        dict(service="hdfs", hosts=["c1-node-3.example.com"], role_types=["DATANODE"], maintenance=False))),
    # A login session is no change of the estate (rhev_auth reports changed: false): log in, check a token, revoke it.
    "rhev_auth": ("rhev", rhev, seed_rhev_session, flow(
        dict(state="present"),
        dict(state="present", password=None, token=SESSION_TOKEN),
        dict(state="absent", password=None, token=SESSION_TOKEN))),
    "yarn_queue": ("yarn", yarn_admin, None, flow(
        dict(queues=[{"path": "root.default", "capacity": 30}, {"path": "root.fault", "capacity": 10}]),
        dict(path="root.fault", maximum_capacity=50),
        dict(queues=[{"path": "root.fault", "state": "absent"}, {"path": "root.default", "capacity": 40}]))),
})
# Modules that change nothing on the system (a login session): their steps report changed: false, and, as each
# of their requests is safe to repeat (a login, a token check, a logout), one transient fault never fails them.
SESSIONS = ("rhev_auth",)

FAULTS = {
    "503x3": dict(status=503, count=3),
    "reset": dict(reset=True),
    "lost": dict(lost=True),
    "slow": dict(delay=0.8),
}
# A slow GET takes the same path as any GET through http.py's retries (its unit tests time them); a slow
# answer to a change is what modules must get right (a retried PUT or DELETE, a POST never resent).
READS_SPARED = ("slow",)
STEPS = ("create", "update", "delete")
# Modules that change something but have no create/update/delete flow, and why.
WITHOUT_FLOW = {
    "sahara_auth": "logs in (no change: check mode logs in too) and revokes the token a login returned, which a static "
                   "flow cannot pass on; its login's retries are tested in test_sahara_auth.py",
}


@pytest.fixture
def no_backoff(monkeypatch):
    monkeypatch.setattr(http, "MAX_BACKOFF", 0.0)
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 0.0)


class Flow:
    def __init__(self, name, start_simulator):
        self.name = name
        self.system, self.connect, self.setup, self.make_steps = FLOWS[name]
        self.start_simulator = start_simulator
        self.harmless = HARMLESS.get(self.system, ())

    def fresh(self, upto):
        """A new simulator with the steps before `upto` applied; (sim, steps)."""
        sim = self.start_simulator(self.system, **SIMULATORS[self.system])
        if self.setup:
            self.setup(sim)
        spec = sweep.module_spec(self.name)[0]
        steps = [dict({key: value for key, value in STEP.items() if key in spec}, **step)
                 for step in self.make_steps(sim, self.connect)]
        for index, step in enumerate(steps[:upto]):
            outcome = sweep.run_in_process(self.name, step)
            assert outcome.result and not outcome.failed, (self.name, STEPS[index], outcome.crash or outcome.result)
        sim.log.clear()
        return sim, steps

    def targets(self, upto):
        """(method, path, skip) of the requests to fault in step `upto`, from a clean run."""
        sim, steps = self.fresh(upto)
        clean = sweep.run_in_process(self.name, steps[upto])
        assert clean.result and not clean.failed and (clean.changed or self.name in SESSIONS), (
            self.name, STEPS[upto], clean.crash or clean.result)
        seen, targets = Counter(), []
        for entry in sim.log.entries():
            key = (entry.method, entry.path)
            if entry.method in ("POST", "PUT", "PATCH", "DELETE") or not seen[key]:
                targets.append((entry.method, entry.path, seen[key]))
            seen[key] += 1
        sim.stop()
        return targets

    def duplicated_posts(self, sim):
        posts = Counter((e.path, e.body) for e in sim.log.entries("POST")
                        if not any(re.search(pattern, e.path) for pattern in self.harmless))
        return ["POST %s x%d" % (path, count) for (path, dummy), count in posts.items() if count > 1]

    def problems(self, upto):
        found = {}
        for method, path, skip in self.targets(upto):
            for fault, kind in FAULTS.items():
                if fault in READS_SPARED and method == "GET":
                    continue
                case = "%s: %s on %s %s #%d" % (STEPS[upto], fault, method, path, skip + 1)
                sim, steps = self.fresh(upto)
                sim.faults.add(method=method, path="^%s$" % re.escape(path), skip=skip, **kind)
                outcome = sweep.run_in_process(self.name, steps[upto])
                sim.faults.clear()
                problem = self.judge(sim, outcome, steps[upto])
                sim.stop()
                if problem:
                    found[case] = problem
        return found

    def judge(self, sim, outcome, step):
        if outcome.crash:
            return outcome.crash.splitlines()[-1][:300]
        if outcome.failed and not outcome.message:
            return "failed without a message"
        if outcome.failed and re.match(r"DELETE \S+ returned HTTP 404", outcome.message):
            return "a DELETE found the resource gone (its retry after a lost answer?) and failed the task: %s" % (
                outcome.message[:300])
        sent = sweep.mutating(sim.log, self.harmless)
        if outcome.failed and outcome.changed and sent and all(entry.status >= 400 for entry in sent):
            return "the server refused every change sent (%s), yet changed: true: %s" % (
                ", ".join("%s %s %d" % (e.method, e.path, e.status) for e in sent), outcome.message[:300])
        if outcome.failed and self.name in SESSIONS:
            return "a session step failed on one transient fault, yet its requests are safe to repeat: %s" % outcome.message[:300]
        duplicates = self.duplicated_posts(sim)
        if duplicates:
            return "a POST was sent twice: %s" % ", ".join(duplicates)
        again = sweep.run_in_process(self.name, step)
        if again.crash or again.failed:
            return "the re-run failed: %s" % (again.crash or again.message)[:300]
        if outcome.failed and not outcome.changed and not again.changed:
            return ("failed with changed: false, yet the change was made (the re-run had nothing to do): %s"
                    % outcome.message[:300])
        settled = sweep.run_in_process(self.name, step)
        if settled.crash or settled.failed or settled.changed:
            return "a second re-run did not converge to changed: false: %s" % (
                settled.crash or settled.message or settled.result.get("diff"))
        return None


@pytest.mark.parametrize("step", range(len(STEPS)), ids=STEPS)
@pytest.mark.parametrize("name", sorted(FLOWS))
def test_faults_on_each_request_end_cleanly_and_a_rerun_converges(name, step, start_simulator, no_backoff):
    problems = Flow(name, start_simulator).problems(step)
    assert not problems, "%d faulted runs broke the rules:\n%s" % (
        len(problems), "\n".join("%s %s -> %s" % (name, case, why) for case, why in sorted(problems.items())))


def test_every_rest_module_that_changes_something_has_a_flow():
    changing = [name for name in sweep.module_names() if not name.endswith("_info") and not name.startswith("rados_")
                and name not in NOT_YET_SWEPT and name not in WITHOUT_FLOW]
    assert not set(FLOWS) & set(NOT_YET_SWEPT), "a module with a flow is swept: drop it from NOT_YET_SWEPT"
    assert sorted(changing) == sorted(FLOWS), "add the create/update/delete flow of %s to FLOWS" % (
        ", ".join(sorted(set(changing) - set(FLOWS))))
