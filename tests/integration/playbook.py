"""Run real ansible-playbook against the working tree, and read back every task's result.

    result = ansible.run_module("yarn_app", {"name": "x", ...}, check=True, diff=True)
    assert result["changed"] and not result.get("failed")

    run = ansible.run_tasks([{"bigdata.platform.rados_pool": {...}}, ...])
    run.results      # one dict per task, in order (loop items stay inside "results")
    run.stdout       # what an operator would see (for no-secrets-in-output checks)

Tasks run with ignore_errors so every task's result is recorded; each result has "failed" (True or False).
A failure the module meant (fail_json with a clear message) is told from a crash by assert_clean_failure.
"""

import json
import os
import subprocess
import sys

import yaml

from collection import COLLECTIONS_PATH, REPO_ROOT

CALLBACK_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "callback_plugins")
BIN_DIR = os.path.dirname(sys.executable)
PLAYBOOK_TIMEOUT = 600
# What a module that crashed leaves in its result's msg. ansible-core 2.19 records "(traceback unavailable)" in
# "exception" for every failure, fail_json or not: an unhandled exception shows only as "Task failed: Module failed:
# <error>", a module that died without printing its JSON (hard exit, import error) as "Module result deserialization
# failed" with its stderr in module_stderr. Older cores said "MODULE FAILURE" and left a Traceback in module_stderr.
CRASH_MARKERS = ("Module failed", "MODULE FAILURE", "Module result deserialization failed")


def fqcn(module):
    return module if "." in module else "bigdata.platform." + module


class PlaybookRun:
    def __init__(self, results, stdout, stderr, returncode):
        self.results = results
        self.stdout = stdout
        self.stderr = stderr
        self.returncode = returncode

    @property
    def output(self):
        return self.stdout + self.stderr


class AnsibleRunner:
    def __init__(self, workdir, env=None):
        self.workdir = str(workdir)
        self.env = dict(env or {})
        self.runs = 0
        self.inventory = os.path.join(self.workdir, "inventory.ini")
        with open(self.inventory, "w") as handle:
            handle.write("localhost ansible_connection=local ansible_python_interpreter=%s\n" % sys.executable)

    def environment(self, extra=None):
        env = dict(os.environ)
        env.update({
            "ANSIBLE_COLLECTIONS_PATH": COLLECTIONS_PATH,
            "ANSIBLE_CALLBACK_PLUGINS": CALLBACK_DIR,
            "ANSIBLE_CALLBACKS_ENABLED": "record_results",
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            "ANSIBLE_LOCAL_TEMP": os.path.join(self.workdir, "ansible-tmp"),
            "ANSIBLE_DEPRECATION_WARNINGS": "0",
            "PATH": BIN_DIR + os.pathsep + env.get("PATH", ""),
        })
        env.update(self.env)
        env.update(extra or {})
        return env

    def run_playbook(self, plays, check=False, diff=False, verbosity=0, env=None, extra_args=()):
        """Run a list of plays; returns PlaybookRun."""
        self.runs += 1
        playbook = os.path.join(self.workdir, "playbook-%d.yml" % self.runs)
        results_file = os.path.join(self.workdir, "results-%d.jsonl" % self.runs)
        with open(playbook, "w") as handle:
            yaml.safe_dump(plays, handle, sort_keys=False)
        command = [os.path.join(BIN_DIR, "ansible-playbook"), "-i", self.inventory, playbook]
        if check:
            command.append("--check")
        if diff:
            command.append("--diff")
        if verbosity:
            command.append("-" + "v" * verbosity)
        command.extend(extra_args)
        environment = self.environment(env)
        environment["BIGDATA_RESULTS_FILE"] = results_file
        completed = subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True,
                                   timeout=PLAYBOOK_TIMEOUT, check=False)
        return PlaybookRun(read_results(results_file), completed.stdout, completed.stderr, completed.returncode)

    def run_tasks(self, tasks, check=False, diff=False, verbosity=0, env=None, module_defaults=None, vars=None):
        """Run tasks in one play on localhost. A task is {module: args} or a full task dict."""
        play = {
            "name": "bigdata.platform test",
            "hosts": "localhost",
            "gather_facts": False,
            "tasks": [as_task(task) for task in tasks],
        }
        if module_defaults:
            play["module_defaults"] = module_defaults
        if vars:
            play["vars"] = vars
        run = self.run_playbook([play], check=check, diff=diff, verbosity=verbosity, env=env)
        if not run.results and run.returncode != 0:
            raise AssertionError("ansible-playbook failed before any task ran:\n%s" % run.output)
        return run

    def run_module(self, module, args, check=False, diff=False, verbosity=0, env=None):
        """One task; returns its result dict (with 'failed', 'changed', 'msg', 'diff', ...)."""
        run = self.run_tasks([{fqcn(module): args}], check=check, diff=diff, verbosity=verbosity, env=env)
        assert len(run.results) == 1, run.output
        return run.results[0]


def as_task(task):
    if len(task) == 1 and not {"name", "block"} & set(task):
        (module, args), = task.items()
        task = {fqcn(module): args}
    task = dict(task)
    task.setdefault("ignore_errors", True)
    return task


def read_results(path):
    if not os.path.exists(path):
        return []
    with open(path) as handle:
        entries = [json.loads(line) for line in handle if line.strip()]
    # ansible-core 2.19 no longer leaves "failed" in a failed task's result: set it from the recorded status.
    return [dict(entry["result"], failed=entry["status"] == "failed") for entry in entries]


def assert_clean_failure(result, *fragments):
    """The task failed on purpose (fail_json), with a message holding every fragment: not a crash, no traceback."""
    assert result.get("failed") is True, result
    assert "msg" in result, result
    for text in (result.get("module_stderr", ""), str(result.get("exception", "")), result["msg"]):
        assert "Traceback" not in text, result
    for marker in CRASH_MARKERS:
        assert marker not in result["msg"], result
    for fragment in fragments:
        assert fragment in result["msg"], (fragment, result["msg"])
