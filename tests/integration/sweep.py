"""What the sweeps share: module discovery, argument specs read from the modules, bad values per option type,
and a runner that executes a module's main() in this process, as AnsiballZ would, for thousands of cases.

Why in-process: a task through ansible-playbook costs 0.3-1.5 s of process start-up on this machine, a case
here ~10 ms, so every option x every bad value of every module fits in CI's time. A crash is what
ansible-playbook reports as "Module failed": an exception escaping main(), or anything but one JSON result on
stdout. test_bad_input_sweep.py also runs a generated sample through real ansible-playbook, in one playbook
per system, to show both agree.
"""

import contextlib
import importlib
import io
import json
import os
import re
import signal
import traceback

from ansible.module_utils.testing import patch_module_args

from collection import REPO_ROOT

MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
PACKAGE = "ansible_collections.bigdata.platform.plugins.modules."
CASE_SECONDS = 20


def module_names():
    return sorted(name[:-3] for name in os.listdir(MODULES_DIR) if name.endswith(".py") and not name.startswith("_"))


class _SpecCaptured(Exception):
    pass


def module_spec(name):
    """(argument_spec, run_module keyword arguments) exactly as the module's main() passes them."""
    module = importlib.import_module(PACKAGE + name)
    captured = {}

    def capture(argument_spec, action, **kwargs):
        captured.update(spec=argument_spec, kwargs=kwargs)
        raise _SpecCaptured()

    # A module calls run_module itself or through its system's wrapper (sahara's and crush's main_for): patch it
    # where any is.
    wrappers = [importlib.import_module("ansible_collections.bigdata.platform.plugins.module_utils." + name)
                for name in ("sahara.resources", "ceph.crush")]
    owners = [owner for owner in [module] + wrappers if hasattr(owner, "run_module")]
    originals = [owner.run_module for owner in owners]
    for owner in owners:
        owner.run_module = capture
    try:
        module.main()
    except _SpecCaptured:
        pass
    finally:
        for owner, original in zip(owners, originals):
            owner.run_module = original
    return captured["spec"], captured["kwargs"]


# -- bad values --------------------------------------------------------------------------------------------

LONG = "x" * 10000
UNICODE = "ünï-çødé-名前-🚀"
# Ceph's JSON parser turns the surrogate pair json.dumps writes for a character outside the BMP into CESU-8,
# and the pool map is no longer UTF-8 for the rest of the session: the sweep keeps to the BMP there (reported).
BMP_UNICODE = "ünï-çødé-名前"
TEXT_VALUES = [("empty", ""), ("dot", "."), ("dotdot", ".."), ("negative", "-1"), ("zero", "0"),
               ("huge", "9" * 40), ("long", LONG), ("unicode", UNICODE)]
NUMBER_VALUES = [("empty", ""), ("dot", "."), ("dotdot", ".."), ("negative", -1), ("zero", 0), ("huge", 2 ** 63),
                 ("long", LONG), ("unicode", UNICODE)]
WRONG_TYPE = {"str": {"a": 1}, "path": {"a": 1}, "int": "not-a-number", "float": "not-a-number", "bool": "maybe",
              "list": {"a": 1}, "dict": "not a dict", "raw": None}


def values_for(definition, unicode=UNICODE):
    """[(kind, value)] for an option's definition: wrong type, empty, dot segments, negative, zero, huge,
    10 000 characters, unicode (as elements for a list, as a value for a dict)."""
    kind = definition.get("type", "str")
    text_values = [(name, unicode if name == "unicode" else value) for name, value in TEXT_VALUES]
    number_values = [(name, unicode if name == "unicode" else value) for name, value in NUMBER_VALUES]
    values = []
    if WRONG_TYPE.get(kind) is not None:
        values.append(("wrong_type", WRONG_TYPE[kind]))
    if kind in ("int", "float"):
        values += number_values
        if kind == "float":
            values += [("huge_float", 1e308), ("nan", "nan")]
    elif kind == "list":
        element = definition.get("elements", "str")
        scalars = number_values if element in ("int", "float") else text_values
        if element == "dict":
            values += [("empty_list", []), ("empty_element", [{}]), ("wrong_element", ["not a dict"])]
        else:
            values += [("empty_list", [])] + [(name, [value]) for name, value in scalars]
    elif kind == "dict":
        values += [("empty_dict", {})]
        if not definition.get("options"):
            values += [(name, {"key": value}) for name, value in text_values] + [("empty_key", {"": "v"})]
    elif kind == "bool":
        values += [("empty", ""), ("negative", -1), ("huge", 2 ** 63), ("unicode", unicode)]
    else:
        values += text_values
    return values


def suboption_paths(spec, baseline):
    """(path, definition) of every option, and of the suboptions of an option the baseline sets:
    ('name',), ('auth', 'password'), ('node_groups', 0, 'count')."""
    paths = []
    for name, definition in spec.items():
        paths.append(((name,), definition))
        options = definition.get("options")
        value = baseline.get(name)
        if not options or value is None:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            paths += [((name, 0, child), sub) for child, sub in options.items()]
        elif isinstance(value, dict):
            paths += [((name, child), sub) for child, sub in options.items()]
    return paths


def with_value(params, path, value):
    """A deep copy of params with the value at path replaced."""
    copied = json.loads(json.dumps(params))
    target = copied
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return copied


def shared_options(specs):
    """The options every spec defines identically (a system's connection options): they reach the same client
    code in each module, so one module's sweep covers them."""
    first, *others = list(specs)
    return {name for name, definition in first.items() if all(other.get(name) == definition for other in others)}


def cases(spec, baseline, skip=(), unicode=UNICODE):
    """[(case id, params)] for every option (and suboption the baseline sets) and every bad value, but the
    options in skip."""
    generated = []
    for path, definition in suboption_paths(spec, baseline):
        if path[0] in skip:
            continue
        option = ".".join(str(step) for step in path)
        for kind, value in values_for(definition, unicode):
            generated.append(("%s=%s" % (option, kind), with_value(baseline, path, value)))
    return generated


# -- the in-process runner -----------------------------------------------------------------------------------

class CaseTimeout(BaseException):
    """A case ran past CASE_SECONDS (a BaseException, so no module's except clause can swallow it)."""


@contextlib.contextmanager
def time_limit(seconds):
    def expire(signum, frame):
        raise CaseTimeout()

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class Outcome:
    """What one module run left: result (the JSON it printed) or crash (why it is one)."""

    def __init__(self, result=None, crash=None):
        self.result = result
        self.crash = crash

    @property
    def failed(self):
        return bool(self.result and self.result.get("failed"))

    @property
    def changed(self):
        return bool(self.result and self.result.get("changed"))

    @property
    def message(self):
        return (self.result or {}).get("msg", "")


def run_in_process(name, params, check_mode=False, seconds=CASE_SECONDS):
    """Run plugins/modules/<name>.py's main() with params, as a task would; an Outcome."""
    module = importlib.import_module(PACKAGE + name)
    args = dict(params, _ansible_check_mode=check_mode)
    stdout = io.StringIO()
    try:
        with patch_module_args(args), contextlib.redirect_stdout(stdout), time_limit(seconds):
            try:
                module.main()
            except SystemExit:
                pass
    except CaseTimeout:
        return Outcome(crash="no result within %d s (a hang)" % seconds)
    # Any exception escaping main() is the crash the sweeps look for.
    except Exception:  # pylint: disable=broad-except
        return Outcome(crash="Module failed: %s" % traceback.format_exc(limit=-3).strip())
    text = stdout.getvalue().strip()
    try:
        result = json.loads(text)
    except ValueError:
        return Outcome(crash="Module result deserialization failed: %r" % text[:500])
    if not isinstance(result, dict):
        return Outcome(crash="Module result deserialization failed: not an object: %r" % text[:500])
    return Outcome(result=result)


def mutating(log, harmless=()):
    """The mutating requests of a simulator log, without the ones that change nothing (logins, logouts)."""
    return [entry for entry in log.mutating() if not any(re.search(pattern, entry.path) for pattern in harmless)]
