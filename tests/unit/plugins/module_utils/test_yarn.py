"""The YARN client's pure logic (its HA behaviour against the simulator is tests/integration/test_yarn_client_ha.py)."""

import socket
import sys
import types

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline
from ansible_collections.bigdata.platform.plugins.module_utils.yarn import apps as yarn_apps
from ansible_collections.bigdata.platform.plugins.module_utils.yarn import client as yarn
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.modules import yarn_app


class FakeResponse:
    def __init__(self, status, text="", headers=None):
        self.status_code = status
        self.text = text
        self.headers = headers or {}
        self.reason = "reason"


RAW_APP = {"id": "application_1_0001", "name": "job", "user": "etl", "queue": "etl", "state": "FINISHED",
           "finalStatus": "FAILED", "applicationTags": "b,a", "applicationType": "SPARK", "diagnostics": "disk full"}


def test_standby_answers_in_both_styles_and_nothing_else():
    assert yarn.is_standby_answer(FakeResponse(307, "This is standby RM. The redirect url is: /ws/v1/cluster/apps"))
    assert yarn.is_standby_answer(FakeResponse(200, "This is standby RM. Redirecting to the current active RM: http://rm2/x",
                                               {"Refresh": "3; url=http://rm2/x"}))
    assert not yarn.is_standby_answer(FakeResponse(200, '{"apps": null}'))
    assert not yarn.is_standby_answer(FakeResponse(200, "This is standby RM"))  # no Refresh: not the filter's answer


def test_remote_exception_message_and_hints():
    body = {"RemoteException": {"exception": "BadRequestException", "message": "java.lang.Exception: no", "javaClassName": "x"}}
    assert yarn.remote_exception_message(FakeResponse(400), body) == "BadRequestException: java.lang.Exception: no"
    assert yarn.remote_exception_message(FakeResponse(403), "App submission via REST is disabled.") == \
        "App submission via REST is disabled."
    unauthenticated = ApiError(401, "AuthorizationException: Unable to obtain user name", url="u", method="POST")
    assert "set the user option" in str(yarn.explain(unauthenticated, "simple", None))
    assert yarn.explain(unauthenticated, "simple", "etl") is unauthenticated
    blocked = ApiError(403, "App submission via REST is disabled.", url="u", method="POST")
    assert "yarn.webapp.enable-rest-app-submissions=false" in str(yarn.explain(blocked, "kerberos", None))


def test_normalise_match_and_failure():
    app = yarn_apps.normalize_app(RAW_APP)
    assert app["tags"] == ["a", "b"] and app["final_status"] == "FAILED" and app["application_type"] == "SPARK"
    assert yarn_apps.matches(app, name="job", tags=["A"], user="etl", queue="root.etl", types=["spark"])
    assert not yarn_apps.matches(app, tags=["a", "c"])
    assert not yarn_apps.matches(app, name="Job")
    assert not yarn_apps.matches(app, types=["mapreduce"])
    assert "FINISHED with final status FAILED: disk full" in yarn_apps.app_failure(app)
    assert yarn_apps.app_failure(dict(app, final_status="SUCCEEDED")) is None
    assert yarn_apps.app_failure(dict(app, state="RUNNING", final_status="UNDEFINED")) is None
    assert yarn_apps.normalize_app(None) is None


class FairSchedulerRM:
    """A ResourceManager client whose scheduler is the Fair Scheduler (yarn_app does not check its queues itself)."""

    @staticmethod
    def scheduler():
        return {"type": "fairScheduler"}


class CheckModeModule:
    check_mode = True

    def __init__(self, **params):
        self.params = dict(dict(state="submitted", wait=True, timeout=10, queue=None, priority=None, lifetime=None), **params)


def test_a_fair_scheduler_queue_path_is_the_same_queue():
    """The Fair Scheduler reports an app's queue as 'root.etl': it is in queue 'etl', so the filter keeps it and
    yarn_app does not move it again on every run."""
    fair = dict(yarn_apps.normalize_app(RAW_APP), queue="root.etl", state="RUNNING")
    assert yarn_apps.matches(fair, queue="etl") and yarn_apps.matches(fair, queue="root.etl")
    assert not yarn_apps.matches(fair, queue="adhoc")
    assert not yarn_app.ensure_submitted(CheckModeModule(queue="etl"), None, fair)["changed"]
    assert not yarn_app.ensure_submitted(CheckModeModule(queue="root.etl"), None, fair)["changed"]
    moved = yarn_app.ensure_submitted(CheckModeModule(queue="root.adhoc"), FairSchedulerRM(), fair)
    assert moved["changed"] and moved["app"]["queue"] == "adhoc"


def test_newest_first_by_start_time_then_sequence():
    apps = [{"id": "application_5_9999", "started_time": 10}, {"id": "application_5_10000", "started_time": 10},
            {"id": "application_1_0001", "started_time": 20}]
    assert [a["id"] for a in sorted(apps, key=yarn_apps.submission_order, reverse=True)] == [
        "application_1_0001", "application_5_10000", "application_5_9999"]


def test_kerberos_without_its_library_names_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "requests_gssapi", None)
    monkeypatch.setitem(sys.modules, "requests_kerberos", None)
    with pytest.raises(OptionError) as error:
        yarn.YarnClient(["http://rm1:8088"], auth="kerberos")
    assert "requests-gssapi" in str(error.value) and error.value.option == "auth"


def test_kerberos_puts_spnego_on_every_rm_session(monkeypatch):
    class FakeSpnego:
        def __init__(self, mutual_authentication):
            self.mutual_authentication = mutual_authentication

    monkeypatch.setitem(sys.modules, "requests_gssapi", types.SimpleNamespace(HTTPSPNEGOAuth=FakeSpnego, OPTIONAL="optional"))
    rm = yarn.YarnClient(["http://rm1:8088", "http://rm2:8088"], auth="kerberos", user="ignored")
    sessions = [rm._client(url).session for url in rm.rm_urls]
    assert all(isinstance(s.auth, FakeSpnego) and s.auth.mutual_authentication == "optional" for s in sessions)
    assert rm._auth_params() == {}  # no user.name with Kerberos: the ticket says who we are


def test_rm_urls_must_not_be_empty():
    with pytest.raises(OptionError) as error:
        yarn.YarnClient([" ", ""])
    assert error.value.option == "rm_urls"
    with pytest.raises(OptionError) as error:
        yarn.YarnClient(["http://rm1:8088", "rm2:8088"])
    assert "'rm2:8088' is not a URL" in str(error.value)


def test_memory_and_submission_body():
    assert yarn_app.memory_mb(2048) == 2048 and yarn_app.memory_mb("512") == 512 and yarn_app.memory_mb("2G") == 2048
    for bad in (-1, "-512", 0, "lots"):
        with pytest.raises(OptionError) as error:
            yarn_app.memory_mb(bad)
        assert error.value.option == "am_resource.memory"
    params = dict(name="job", commands=["a", "b"], environment={"K": 1}, local_resources=None, tags=["T"], queue="etl",
                  priority=None, max_app_attempts=None, application_type="YARN", unmanaged_am=False, keep_containers=False,
                  am_resource={"memory": "1G", "vcores": 2})
    body = yarn_app.submission(params, "application_1_0002")
    assert body["am-container-spec"]["commands"] == {"command": ["a", "b"]}
    assert body["am-container-spec"]["environment"] == {"entry": [{"key": "K", "value": "1"}]}
    assert body["resource"] == {"memory": 1024, "vCores": 2}
    assert body["application-tags"] == {"tag": ["T"]} and body["queue"] == "etl"
    assert "priority" not in body and "max-app-attempts" not in body


@pytest.mark.parametrize("priority", [-1, 2 ** 31, 2 ** 63])
def test_a_priority_yarn_cannot_hold_is_refused_before_anything_is_sent(priority):
    """Before: 2**63 was PUT, the ResourceManager capped it and the task failed after the change (the bad-input sweep
    of yarn_app, once a failed case must have changed nothing)."""
    params = dict(max_app_attempts=None, lifetime=None, priority=priority, local_resources=None, am_resource=None)
    with pytest.raises(OptionError) as error:
        yarn_app.check_numbers(params)
    assert str(error.value).startswith("option 'priority': %d must be from 0 to 2147483647" % priority)
    yarn_app.check_numbers(dict(params, priority=2 ** 31 - 1))


def test_no_rm_answering_fails_fast_with_every_reason():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    rm = yarn.YarnClient(["http://127.0.0.1:%d" % port], deadline=Deadline(30), timeout=2)
    rm._client(rm.rm_urls[0]).session.get_adapter("http://").max_retries.total = 0
    with pytest.raises(PlatformError) as error:
        rm.cluster_info()
    assert "no active Hadoop YARN ResourceManager in rm_urls" in str(error.value) and str(port) in str(error.value)
