"""plugin_utils/progress.py and the describe functions its action plugins show: messages, fallbacks, args."""

from ansible_collections.bigdata.platform.plugins.action.cm_service import ActionModule as CmServiceAction
from ansible_collections.bigdata.platform.plugins.action.yarn_app import ActionModule as YarnAppAction
from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import describe_command
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.vm import describe_vm
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.apps import describe_app
from ansible_collections.bigdata.platform.plugins.plugin_utils.progress import (
    ProgressAction, task_timeout, task_timeout_message,
)


def plugin(cls):
    return cls.__new__(cls)  # describe/next_args need no task or connection


def test_a_task_timeout_keeps_the_modules_words_with_the_tasks_timeout():
    message = ("timed out: the task's timeout of 20s ran out waiting for VM a to start; "
               "last state seen: status powering_up")
    assert task_timeout_message(message, 20, 300, "status powering_up") == (
        "timed out: the task's timeout of 300s ran out waiting for VM a to start; last state seen: status powering_up")
    assert task_timeout_message("something else", 20, 300, "x") == (
        "timed out: the task's timeout of 300s ran out; last state seen: x")


def test_a_timeout_that_is_no_positive_number_is_left_to_the_module():
    assert task_timeout({}) == 1800 and task_timeout({"timeout": "30"}) == 30
    assert [task_timeout({"timeout": value}) for value in ("soon", [1], 0, -5, None)] == [None] * 5


def test_a_state_the_describe_function_does_not_know_shows_as_the_module_says_it():
    yarn = plugin(YarnAppAction)
    states = {"http://rm1:8088": "STANDBY"}  # find_active's last state, not an application
    message = "timed out ...; last state seen: http://rm1:8088: STANDBY"
    assert yarn.described(states, message) == "http://rm1:8088: STANDBY"
    assert yarn.described(states) == "state not shown" and yarn.described(None) == "nothing read yet"


def test_describe_functions_show_stage_and_progress():
    command = {"name": "Restart", "active": True, "children": {"items": [
        {"name": "Stop", "active": False}, {"name": "Start", "active": True}]}}
    assert describe_command(command) == "command Restart still active (1 of 2 steps done; running: Start)"
    assert describe_command({"name": "Stop", "active": False, "resultMessage": "Successfully stopped service."}) == \
        "command Stop finished (Successfully stopped service.)"
    locked = {"status": "down", "disk_attachments": {"disk_attachment": [{"disk": {"name": "d1", "status": "locked"}}]}}
    assert describe_vm(locked) == "status down, locked disks: d1"
    assert describe_vm({"status": "up", "ips": []}) == "status up, guest addresses: none reported yet"
    assert describe_vm({"status": "up"}) == "status up" and describe_vm(None) == "no VM"
    app = {"id": "application_1_0001", "state": "RUNNING", "progress": 42.5, "final_status": "UNDEFINED"}
    assert describe_app(app) == "application_1_0001 RUNNING, 42% done (final status UNDEFINED)"
    assert describe_app(dict(app, state="ACCEPTED")) == "application_1_0001 ACCEPTED (final status UNDEFINED)"


def test_next_args_ask_for_where_a_sent_action_leads():
    service = plugin(CmServiceAction)
    args = {"name": "hdfs", "state": "restarted"}
    assert service.next_args(args, [{"commands": []}]) == args
    assert service.next_args(args, [{"commands": ["restart"]}]) == dict(args, state="started")
    yarn = plugin(YarnAppAction)
    submitted = {"name": "load", "state": "finished", "commands": ["x"]}
    assert yarn.next_args(submitted, [{"last_state": {"id": "application_1_0001"}}]) == {
        "id": "application_1_0001", "state": "finished", "commands": ["x"]}
    assert yarn.next_args(dict(submitted, state="killed"), [{"last_state": {"id": "a"}}])["name"] == "load"
    assert plugin(ProgressAction).next_args(args, [{"commands": ["restart"]}]) == args
