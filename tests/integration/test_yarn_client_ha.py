"""The YARN client's HA behaviour against two simulated ResourceManagers sharing one cluster: discovery of the
active RM, failover for reads and submissions, cookies, retries, SPNEGO. Not through ansible-playbook."""

import sys
import types

import pytest
import requests

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline
from ansible_collections.bigdata.platform.plugins.module_utils.yarn import apps as yarn_apps
from ansible_collections.bigdata.platform.plugins.module_utils.yarn import client as yarn


@pytest.fixture
def pair(start_simulator):
    active = start_simulator("yarn", speed=50.0)
    return active, start_simulator("yarn", cluster=active.cluster, rm_id="rm2")  # stopped on its own


def client(*rms, **kwargs):
    return yarn.YarnClient([rm.url for rm in rms], user="etl", deadline=Deadline(2), **kwargs)


def test_discovery_skips_the_standby_and_reads_go_to_the_active(pair):
    active, standby = pair
    rm = client(standby, active)
    assert len(yarn_apps.find_apps(rm, states=["RUNNING"])) == 2
    assert rm.active_url == active.url
    assert standby.log.count(path="/apps") == 0


@pytest.fixture
def after_the_active_rm_died(pair):
    """A client that found the active RM, which then stopped after handing over to the other one."""
    active, standby = pair
    rm = client(active, standby)
    rm.cluster_info()
    active.failover()
    active.stop()
    return rm, standby


def test_a_dead_active_rm_fails_over_for_reads(after_the_active_rm_died):
    rm, standby = after_the_active_rm_died
    assert yarn_apps.normalize_app(rm.get_app(sorted(standby.cluster.apps)[0]))["name"] == "nightly-etl"
    assert rm.active_url == standby.url


def test_a_dead_active_rm_fails_over_for_the_submission_posts(after_the_active_rm_died):
    rm, standby = after_the_active_rm_died
    app_id = rm.new_application()["application-id"]
    submission = {"application-id": app_id, "application-name": "resent", "am-container-spec": {"commands": {"command": "x"}}}
    assert rm.submit(submission) == app_id
    assert rm.submit(submission) == app_id  # the RM refuses the duplicate: the app is there, so it counts as submitted
    assert [e.status for e in standby.log.entries("POST", r"/apps$")] == [202, 400]
    assert len([app for app in standby.cluster.apps.values() if app.name == "resent"]) == 1


def test_cookies_of_one_rm_never_reach_the_other(pair):
    active, standby = pair
    rm = client(active, standby)
    rm.list_apps()
    active.failover()
    rm.list_apps()
    rm.list_apps()
    assert standby.foreign_cookies == 0 and active.foreign_cookies == 0
    assert "hadoop.auth" in standby.log.entries()[-1].headers.get("Cookie", "")


def test_both_rms_standby_times_out_naming_them(pair):
    active, standby = pair
    active.cluster.active = "nobody"
    with pytest.raises(PlatformError) as error:
        client(active, standby).cluster_info()
    assert "STANDBY" in str(error.value) and standby.url in str(error.value)


def test_transient_faults_are_retried_for_reads_and_never_for_posts(pair):
    active, dummy = pair
    rm = client(active)
    active.faults.add(method="GET", path=r"/apps$", count=1, status=503)
    assert len(rm.list_apps()) == 3
    assert [e.status for e in active.log.entries("GET", r"/apps$")] == [503, 200]
    active.faults.add(method="POST", path="new-application", count=1, status=503)
    with pytest.raises(ApiError) as error:
        rm.new_application()
    assert error.value.status == 503 and active.log.count("POST") == 1


class SimulatedSpnego(requests.auth.AuthBase):
    """Stands in for requests_gssapi.HTTPSPNEGOAuth: the simulator takes this token as etl's ticket."""

    def __init__(self, mutual_authentication):
        self.mutual_authentication = mutual_authentication

    def __call__(self, request):
        request.headers["Authorization"] = "Negotiate sim-spnego-etl"
        return request


def test_kerberos_reads_kills_and_fails_over_with_spnego_on_every_rm(pair, monkeypatch):
    """What peers got wrong: the active-RM probe without credentials (401), kill under Kerberos, Kerberos + HA."""
    active, standby = pair
    active.control_set_auth("kerberos")
    monkeypatch.setitem(sys.modules, "requests_gssapi", types.SimpleNamespace(HTTPSPNEGOAuth=SimulatedSpnego, OPTIONAL="optional"))
    rm = yarn.YarnClient([standby.url, active.url], auth="kerberos", deadline=Deadline(2))
    app_id = rm.submit({"application-id": rm.new_application()["application-id"], "application-name": "kerberized",
                        "am-container-spec": {"environment": {"entry": [{"key": "SIM_RUN_SECONDS", "value": "forever"}]}}})
    assert rm.get_app(app_id)["user"] == "etl"
    active.failover()
    assert rm.kill(app_id)[0] in (200, 202)
    assert rm.active_url == standby.url and standby.log.count("PUT", "/state$") == 1
    assert all(e.status != 401 for e in active.log.entries() + standby.log.entries())

    anonymous = yarn.YarnClient([standby.url, active.url], auth="none", deadline=Deadline(2))
    with pytest.raises(PlatformError) as error:
        anonymous.cluster_info()
    assert "HTTP 401" in str(error.value) and "Authentication required" in str(error.value)


def test_an_answer_that_is_not_json_or_an_unexpected_redirect_is_an_api_error(pair):
    active, dummy = pair
    rm = client(active)
    active.faults.add(method="GET", path=r"/apps$", count=1, status=200, body="<html>login page</html>")
    with pytest.raises(ApiError) as error:
        rm.list_apps()
    assert "not JSON" in str(error.value) and "login page" in str(error.value)
    active.faults.add(method="GET", path=r"/apps$", count=1, status=302, headers={"Location": "https://sso.example.com/"})
    with pytest.raises(ApiError) as error:
        rm.list_apps()
    assert "unexpected redirect to https://sso.example.com/" in str(error.value)
