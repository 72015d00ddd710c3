"""Bad input over every option of every module (issue 12): generated from each module's argument spec.

For each option (and each suboption a baseline sets): a wrong type, empty string, '.', '..', negative, zero,
huge, 10 000 characters, unicode. Each case runs in check mode, and when check mode accepts it, applied.
Asserted for every case: no crash (an escaping exception, a hang or no JSON result: what ansible-playbook
shows as "Module failed"), check mode sends no mutating request, and a task that fails without reporting
a change sent none either (on Ceph: the pools are exactly as before). Modules are discovered from
plugins/modules; each needs a baseline in sweep_baselines.py.

test_identity_and_durations_through_ansible_playbook runs the cases every module must refuse before any
request (identity options empty or a dot segment, durations of 0) through real ansible-playbook, one playbook
per system, with assert_clean_failure.
"""

import json
import re

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils import http
from integration import sweep
from integration.playbook import assert_clean_failure
from integration.sweep_baselines import BASELINES, HARMLESS, NOT_YET_SWEPT, SIMULATORS

# Problems the sweep found in system modules, for their owners to fix: {(module, option): why}. A case of
# that option may break the rules; at least one still must (strict): once fixed, the sweep fails until the
# entry is removed.
KNOWN_PROBLEMS = {}


def option_of(case):
    return case.split("=", 1)[0]


MAX_SHOWN = 40


def module_params():
    params = []
    for name in sweep.module_names():
        baseline = BASELINES.get(name)
        ceph = baseline is not None and baseline.system == "ceph"
        params.append(pytest.param(name, id=name, marks=[pytest.mark.ceph, pytest.mark.xdist_group("ceph")]
                                   if ceph else []))
    return params


class SimulatedSystem:
    """A module's simulator: every case starts with a clear log; mutating requests are read from it."""

    unicode = sweep.UNICODE

    def __init__(self, baseline, start_simulator):
        self.name = baseline.system
        self.sim = start_simulator(baseline.system, **SIMULATORS[baseline.system])
        if baseline.setup:
            baseline.setup(self.sim)
        self.target = self.sim

    def before_case(self):
        self.sim.log.clear()

    def changes(self):
        return ["%s %s" % (entry.method, entry.path) for entry in sweep.mutating(self.sim.log, HARMLESS.get(self.name, ()))]

    def after_case(self, outcome):
        pass

    def baseline_applied(self, restore=None):
        pass


class CephSystem:
    """The real cluster: a case's changes are the differences of its pools, CRUSH rules, erasure code profiles and
    cephx users (and of the files in the case's working directory, where rados_key writes keyrings) before and
    after; after a case, what it created is deleted and the baseline's resources are made again if the case
    changed them, so each case starts from the same cluster (and the session's other Ceph tests find it sane)."""

    POOL = "sweep-pool"
    KINDS = ("pools", "rules", "profiles", "users", "files")
    # Ceph's own pools: the mgr creates them when it gets to it, on a loaded machine after the sweep has begun.
    CEPH_OWN_POOLS = {".mgr", "device_health_metrics"}

    def __init__(self, request, make_pool):
        self.cluster = request.getfixturevalue("ceph_cluster")
        self.target = request.getfixturevalue("ceph_args")
        self.workdir = request.getfixturevalue("tmp_path") / "cwd"
        self.workdir.mkdir()
        request.getfixturevalue("monkeypatch").chdir(self.workdir)  # a relative dest: ".", "0"
        self.make_pool = make_pool
        make_pool(self.POOL)
        self.session_state = self.state()
        request.addfinalizer(self.remove_created)
        self.pristine = self.original = self.session_state
        self.before = None
        self.restore = None

    unicode = sweep.BMP_UNICODE

    def state(self):
        return {"pools": self.pools(), "rules": self.rules(), "profiles": self.profiles(), "users": self.users(),
                "files": self.files()}

    def mon_json(self, prefix, **args):
        ret, outbuf, outs = self.cluster.admin().mon_command(json.dumps(dict(args, prefix=prefix, format="json")), b"",
                                                             timeout=30)
        assert ret == 0, outs
        return outbuf.decode("utf-8", "replace")

    def pools(self):
        # A target_size_ratio of nan or inf comes back as a bare nan/inf, which is not JSON (reported).
        text = re.sub(r'(?<=[:\[,])(-?(?:nan|inf))(?=[,}\]])', r'"\1"', self.mon_json("osd pool ls", detail="detail"))
        return {pool["pool_name"]: pool for pool in json.loads(text)}

    def rules(self):
        return {rule["rule_name"]: rule for rule in json.loads(self.mon_json("osd crush rule dump"))}

    def profiles(self):
        return {name: json.loads(self.mon_json("osd erasure-code-profile get", name=name))
                for name in json.loads(self.mon_json("osd erasure-code-profile ls"))}

    def users(self):
        return {user["entity"]: user for user in json.loads(self.mon_json("auth ls"))["auth_dump"]}

    def files(self):
        return {str(path.relative_to(self.workdir)): path.read_bytes() if path.is_file() else None
                for path in sorted(self.workdir.rglob("*"))}

    def pool_names(self):
        return list(self.pools())

    def before_case(self):
        self.before = self.state()

    def changes(self):
        """What the case changed: the baseline's pool and pools the case created (Ceph's own, .mgr and
        device_health_metrics, change on their own while the cluster runs: the mgr may even create one while a case
        runs), and any rule, profile, user or file."""
        after = self.state()
        found = []
        for kind in self.KINDS:
            names = set(self.before[kind]) | set(after[kind])
            if kind == "pools":
                names = {self.POOL} | (set(after["pools"]) - set(self.original["pools"]) - self.CEPH_OWN_POOLS)
            found += ["%s %s changed" % (kind[:-1], name) for name in sorted(names)
                      if self.before[kind].get(name) != after[kind].get(name)]
        return found

    def baseline_applied(self, restore=None):
        self.pristine = self.original = self.state()
        self.restore = restore

    def after_case(self, outcome):
        if self.restore and self.differs(self.state()):
            self.restore()  # the baseline applied again puts most settings back, quicker than a new pool
        self.remove(self.state(), self.original)
        if self.pools().get(self.POOL) != self.pristine["pools"][self.POOL]:
            self.remove_pool(self.POOL)
            self.make_pool(self.POOL)
            self.cluster.mon_command("osd pool application enable", pool=self.POOL, app="rbd")
        # A rule or profile the baseline recreated has a new id: the next case starts from that.
        self.pristine = self.state()

    def differs(self, state):
        """Whether the baseline's pool, or any rule, profile, user or file, is not as the baseline left it."""
        return state["pools"].get(self.POOL) != self.pristine["pools"][self.POOL] or any(
            state[kind] != self.pristine[kind] for kind in self.KINDS if kind != "pools")

    def remove(self, state, keep):
        """Delete what `state` has and `keep` has not: pools first (they use rules and profiles), then the rest."""
        for name in sorted(set(state["pools"]) - set(keep["pools"]) - self.CEPH_OWN_POOLS):
            self.remove_pool(name)
        for name in sorted(set(state["rules"]) - set(keep["rules"])):
            self.cluster.mon_command("osd crush rule rm", name=name)
        for name in sorted(set(state["profiles"]) - set(keep["profiles"])):
            self.cluster.mon_command("osd erasure-code-profile rm", name=name)
        for name in sorted(set(state["users"]) - set(keep["users"])):
            self.cluster.mon_command("auth del", entity=name)
        for name in sorted(set(state["files"]) - set(keep["files"]), reverse=True):
            path = self.workdir / name
            if path.is_file():
                path.unlink()
            else:
                path.rmdir()

    def remove_pool(self, name):
        self.cluster.set_option("mon_allow_pool_delete", "true")
        self.cluster.mon_command("osd pool set", pool=name, var="nodelete", val="false")
        self.cluster.mon_command("osd pool delete", pool=name, pool2=name, yes_i_really_really_mean_it=True)

    def remove_created(self):
        """After the module's sweep: what its baseline and cases made (the baseline's pool goes with make_pool)."""
        self.remove(self.state(), self.session_state)


def system_for(baseline, request, start_simulator):
    if baseline.system == "ceph":
        return CephSystem(request, request.getfixturevalue("make_pool"))
    return SimulatedSystem(baseline, start_simulator)


def problem_of(outcome, check_mode, changes):
    """Why this outcome breaks the rules, or None."""
    if outcome.crash:
        return outcome.crash.splitlines()[-1][:300] if "Traceback" in outcome.crash else outcome.crash[:300]
    if check_mode and changes:
        return "check mode changed something: %s" % ", ".join(changes)
    if outcome.failed and changes:
        return "failed with changed: %s after %s (msg: %s)" % (str(outcome.changed).lower(), ", ".join(changes),
                                                               outcome.message[:200])
    return None


def covered_elsewhere(name):
    """The options of `name` another module of its system sweeps: those all its modules share (see
    sweep.shared_options), swept on the system's first module only."""
    system = BASELINES[name].system
    peers = sorted(module for module, baseline in BASELINES.items() if baseline.system == system)
    if peers[0] == name:
        return set()
    return sweep.shared_options(sweep.module_spec(module)[0] for module in peers)


def sweep_module(name, system):
    """{case id: problem} over every case of the module; and how many module runs it took."""
    params = BASELINES[name].params(system.target)
    spec, dummy = sweep.module_spec(name)
    for check_mode in (True, False):  # applied once, so that the cases start from the baseline's state
        baseline = sweep.run_in_process(name, params, check_mode=check_mode)
        assert baseline.result is not None and not baseline.failed, \
            "the baseline of %s must succeed (sweep_baselines.py): %s" % (name, baseline.crash or baseline.result)
    system.baseline_applied(restore=lambda: sweep.run_in_process(name, params))
    problems, runs = {}, 0
    for case_id, case_params in sweep.cases(spec, params, skip=covered_elsewhere(name), unicode=system.unicode):
        for check_mode in (True, False):
            system.before_case()
            outcome = sweep.run_in_process(name, case_params, check_mode=check_mode)
            runs += 1
            problem = problem_of(outcome, check_mode, system.changes())
            system.after_case(outcome)
            if problem:
                problems["%s (%s)" % (case_id, "check mode" if check_mode else "applied")] = problem
            if outcome.crash or outcome.failed:
                break  # refused in check mode: applying it takes the same path up to the refusal
    return problems, runs


@pytest.fixture
def no_backoff(monkeypatch):
    """Retries of a refused connection (a bad port, a host that is no address) without their backoff pauses:
    the same attempts, not 3 s of sleeping per case."""
    monkeypatch.setattr(http, "MAX_BACKOFF", 0.0)
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 0.0)


@pytest.mark.parametrize("name", module_params())
def test_bad_input_never_crashes_and_a_refused_task_changes_nothing(name, request, start_simulator, no_backoff):
    assert not (name in BASELINES and name in NOT_YET_SWEPT), "%s has a baseline: drop it from NOT_YET_SWEPT" % name
    if name in NOT_YET_SWEPT:
        pytest.skip("%s: %s" % (name, NOT_YET_SWEPT[name]))
    assert name in BASELINES, ("add a baseline for %s to tests/integration/sweep_baselines.py (the bad-input "
                               "and fault sweeps start from it)" % name)
    system = system_for(BASELINES[name], request, start_simulator)
    problems, runs = sweep_module(name, system)
    known = {option for module, option in KNOWN_PROBLEMS if module == name}
    unexpected = {case: problem for case, problem in problems.items() if option_of(case) not in known}
    fixed = sorted(option for option in known if not any(option_of(case) == option for case in problems))
    report = ["%s %s: %s" % (name, case, problem) for case, problem in sorted(unexpected.items())[:MAX_SHOWN]]
    assert not unexpected, "%d of %d runs broke the rules:\n%s" % (len(unexpected), runs, "\n".join(report))
    assert not fixed, "fixed, remove from KNOWN_PROBLEMS: %s" % ", ".join("(%r, %r)" % (name, c) for c in fixed)


# -- the same rules through real ansible-playbook ------------------------------------------------------------

MUST_REFUSE = [("empty", ""), ("dotdot", "..")]


def refused_cases(name, params):
    """Cases every module refuses before any request: its first identity option empty and '..', a
    request_timeout or connect_timeout of 0."""
    spec, kwargs = sweep.module_spec(name)
    generated = []
    for option in kwargs.get("identity", ())[:1]:
        parent, dummy, child = option.partition(".")
        if parent not in params or (child and not params[parent]):
            continue
        path = (parent,) if not child else (parent, 0, child) if isinstance(params[parent], list) else (parent, child)
        for kind, value in MUST_REFUSE:
            element = [value] if spec[parent].get("type") == "list" and not child else value
            generated.append(("%s=%s" % (option, kind), sweep.with_value(params, path, element), "option '"))
    for option in ("request_timeout", "connect_timeout"):
        if option in spec:
            generated.append(("%s=zero" % option, dict(params, **{option: 0}), "option '%s': 0" % option))
    return generated


@pytest.mark.parametrize("system", ["cm", "rhev", "sahara", "yarn"])
def test_identity_and_durations_through_ansible_playbook(system, start_simulator, ansible):
    baselines = {name: baseline for name, baseline in BASELINES.items() if baseline.system == system}
    sim = start_simulator(system, **SIMULATORS[system])
    for baseline in baselines.values():
        if baseline.setup:
            baseline.setup(sim)
            break
    tasks, expected = [], []
    for index, name in enumerate(sorted(baselines)):
        for case_id, params, message in refused_cases(name, baselines[name].params(sim))[:3 if index == 0 else 1]:
            tasks.append({"bigdata.platform." + name: params})
            expected.append((name, case_id, message))
    sim.log.clear()
    run = ansible.run_tasks(tasks)
    assert len(run.results) == len(tasks), run.output
    for (name, case_id, message), result in zip(expected, run.results):
        try:
            assert_clean_failure(result, message)
        except AssertionError as error:
            raise AssertionError("%s %s: %s" % (name, case_id, error)) from None
    assert sweep.mutating(sim.log, HARMLESS.get(system, ())) == [] and sim.log.count() == 0
