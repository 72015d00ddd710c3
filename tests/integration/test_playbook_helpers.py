"""assert_clean_failure against what real ansible-playbook records for a crash and for a clean fail_json.

The modules are written into tmp_path at test time and found through ANSIBLE_LIBRARY.
"""

import pytest

from integration.playbook import AnsibleRunner, assert_clean_failure

MODULES = {
    "probe_raises": """
from ansible.module_utils.basic import AnsibleModule

AnsibleModule(argument_spec={})
raise KeyError("probe-cluster")
""",
    "probe_dies": """
import os
import sys

from ansible.module_utils.basic import AnsibleModule

AnsibleModule(argument_spec={})
sys.stderr.write("librados: segmentation fault\\n")
sys.stderr.flush()
os._exit(139)
""",
    "probe_fails": """
from ansible.module_utils.basic import AnsibleModule

AnsibleModule(argument_spec={}).fail_json(msg="option 'size': 7 is more than the 3 OSDs of cluster probe-cluster")
""",
}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    """name -> the recorded result of running that module once (one ansible-playbook run for all)."""
    workdir = tmp_path_factory.mktemp("helpers")
    library = workdir / "library"
    library.mkdir()
    for name, source in MODULES.items():
        (library / (name + ".py")).write_text(source.lstrip())
    runner = AnsibleRunner(workdir, env={"ANSIBLE_LIBRARY": str(library)})
    run = runner.run_tasks([{"ansible.legacy." + name: {}} for name in MODULES])
    assert len(run.results) == len(MODULES), run.output
    return dict(zip(MODULES, run.results))


def test_a_clean_fail_json_passes(results):
    assert_clean_failure(results["probe_fails"], "option 'size'", "7", "probe-cluster")


def test_a_clean_failure_missing_a_fragment_is_refused(results):
    with pytest.raises(AssertionError, match="4 OSDs"):
        assert_clean_failure(results["probe_fails"], "option 'size'", "4 OSDs")


def test_an_unhandled_exception_is_refused_though_its_message_holds_every_fragment(results):
    crash = results["probe_raises"]
    assert "probe-cluster" in crash["msg"]
    # what ansible-core 2.19 records: the same "exception" as a clean failure, and no Traceback anywhere
    assert crash["exception"] == results["probe_fails"]["exception"]
    assert "Traceback" not in crash.get("module_stderr", "") + str(crash["exception"]) + crash["msg"]
    with pytest.raises(AssertionError, match="Module failed"):
        assert_clean_failure(crash, "probe-cluster")


def test_a_module_that_dies_without_its_json_is_refused(results):
    died = results["probe_dies"]
    assert "segmentation fault" in died["module_stderr"]
    with pytest.raises(AssertionError, match="Module result deserialization failed"):
        assert_clean_failure(died)


def test_the_crash_shape_of_older_ansible_core_is_refused():
    older = {"failed": True, "msg": "MODULE FAILURE\nSee stdout/stderr for the exact error", "rc": 1,
             "module_stderr": "Traceback (most recent call last):\n  File \"x.py\", line 1\nKeyError: 'probe-cluster'\n"}
    with pytest.raises(AssertionError, match="MODULE FAILURE"):
        assert_clean_failure(dict(older, module_stderr=""))
    with pytest.raises(AssertionError, match="Traceback"):
        assert_clean_failure(dict(older, msg="KeyError: 'probe-cluster'"), "probe-cluster")
    with pytest.raises(AssertionError, match="Traceback"):
        assert_clean_failure({"failed": True, "msg": "probe", "exception": "Traceback (most recent call last):\n"})


def test_a_task_that_did_not_fail_is_refused(results):
    with pytest.raises(AssertionError):
        assert_clean_failure(dict(results["probe_fails"], failed=False))
    with pytest.raises(AssertionError):
        assert_clean_failure({"changed": False, "msg": "option 'size'"}, "option 'size'")
