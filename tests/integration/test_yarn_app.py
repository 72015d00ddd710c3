"""yarn_app against the YARN ResourceManager simulator, through real ansible-playbook."""

import importlib.util
import time

import pytest
import requests
import yaml

from ansible_collections.bigdata.platform.plugins.modules import yarn_app
from integration.playbook import assert_clean_failure

SPEED = 50.0
RETURN_KEYS = set(yaml.safe_load(yarn_app.RETURN)["app"]["contains"]) - {"lifetime"}  # lifetime: only when managed


@pytest.fixture
def sim(start_simulator):
    return start_simulator("yarn", speed=SPEED)


def conn(*rms, user="etl"):
    args = {"rm_urls": [rm.url for rm in rms]}
    if user:
        args["user"] = user
    return args


def app_task(rms, **args):
    return {"bigdata.platform.yarn_app": dict(conn(*rms), **args)}


def job(name, run="forever", **extra):
    """A submission whose simulated run time and end come from its environment."""
    args = dict(name=name, commands=["{{ '{{' }}JAVA_HOME{{ '}}' }}/bin/java", "-Xmx256m", "com.example.Main"],
                environment={"SIM_RUN_SECONDS": run}, am_resource={"memory": "512M", "vcores": 1})
    args.update(extra)
    return args


def submits(*rms):
    return sum(rm.log.count("POST", r"/apps$") for rm in rms)


def new_applications(*rms):
    return sum(rm.log.count("POST", "new-application") for rm in rms)


def test_submit_check_mode_then_apply_then_no_second_copy(sim, ansible):
    task = app_task([sim], state="running", tags=["Daily", "run-42"], queue="etl", priority=3, max_app_attempts=2,
                    local_resources=[{"name": "app.jar", "resource": "hdfs://nn:8020/apps/app.jar", "size": 42,
                                      "timestamp": 1700000000000}], **job("daily-load"))
    predicted = ansible.run_tasks([task], check=True, diff=True).results[0]
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["app"]["id"] is None and predicted["app"]["state"] == "NEW"
    assert predicted["diff"] == {"before": {}, "after": {"id": None, "name": "daily-load", "queue": "etl", "state": "NEW",
                                                         "tags": ["daily", "run-42"], "priority": 3}}
    assert sim.log.mutating() == []

    verify = {"bigdata.platform.yarn_app_info": dict(conn(sim), name="daily-load", tags=["daily"])}
    run = ansible.run_tasks([task, task, verify], diff=True)
    first, again, info = run.results
    assert first["changed"] and not first.get("failed"), first
    assert set(first["app"]) == RETURN_KEYS
    assert first["app"]["state"] == "RUNNING" and first["app"]["queue"] == "etl" and first["app"]["tags"] == ["daily", "run-42"]
    assert first["diff"]["before"] == {} and first["diff"]["after"]["id"] == first["app"]["id"]
    assert not again["changed"] and again["app"]["id"] == first["app"]["id"], again
    assert new_applications(sim) == 1 and submits(sim) == 1
    submitted = sim.log.entries("POST", r"/apps$")[0]
    assert '"priority": 3' in submitted.body and '"max-app-attempts": 2' in submitted.body and "app.jar" in submitted.body
    assert [app["id"] for app in info["apps"]] == [first["app"]["id"]]


def test_wait_finished_and_a_failing_app_fails_the_task(sim, ansible):
    quick_as_analyst = {"bigdata.platform.yarn_app": dict(rm_urls=[sim.url], state="finished", **job("quick", run="2")),
                        "environment": {"YARN_USER": "analyst"}}
    run = ansible.run_tasks([
        quick_as_analyst,
        app_task([sim], state="finished", **job("broken", run="1", environment={
            "SIM_RUN_SECONDS": "1", "SIM_FINAL_STATUS": "FAILED", "SIM_DIAGNOSTICS": "Exception in thread main: disk full"})),
        app_task([sim], state="finished", **job("half-broken", environment={
            "SIM_RUN_SECONDS": "1", "SIM_FINAL_STATE": "FINISHED", "SIM_FINAL_STATUS": "FAILED", "SIM_DIAGNOSTICS": "2 tasks failed"})),
        app_task([sim], state="finished", reuse_finished=True, user="analyst", **job("quick", run="2")),
        app_task([sim], state="finished", timeout=1, **job("endless")),
        app_task([sim], state="submitted", reuse_finished=True, **job("broken")),
        app_task([sim], state="submitted", queue="no-such-queue", **job("misrouted")),
    ])
    quick, broken, half, quick_again, endless, broken_again, misrouted = run.results
    assert quick["changed"] and quick["app"]["state"] == "FINISHED" and quick["app"]["final_status"] == "SUCCEEDED", quick
    assert quick["app"]["user"] == "analyst"
    assert_clean_failure(broken, "FAILED", "disk full", "broken")
    # The app was submitted before it failed: the failed task still says it changed something.
    assert broken["changed"] is True and broken["last_state"]["name"] == "broken", broken
    assert_clean_failure(half, "FINISHED with final status FAILED", "2 tasks failed")
    assert not quick_again["changed"] and quick_again["app"]["id"] == quick["app"]["id"], quick_again
    assert_clean_failure(endless, "timeout of 1s", "RUNNING")
    assert endless["last_state"]["name"] == "endless" and endless["changed"] is True
    assert broken_again["changed"] and broken_again["app"]["id"] != broken["last_state"]["id"], broken_again
    assert_clean_failure(misrouted, "misrouted", "ended FAILED", "submitted by user etl to unknown queue: no-such-queue")
    assert submits(sim) == 6


def test_move_queue_then_kill_202_then_200(sim, ansible):
    submitted = ansible.run_tasks([app_task([sim], state="running", **job("mover"))]).results[0]
    app_id = submitted["app"]["id"]
    assert submitted["app"]["queue"] == "default"

    moving = app_task([sim], name="mover", queue="adhoc")
    killing = app_task([sim], name="mover", state="killed")
    sim.log.clear()
    predicted = ansible.run_tasks([moving, killing], check=True, diff=True).results
    assert [r["changed"] for r in predicted] == [True, True], predicted
    assert predicted[0]["diff"]["before"]["queue"] == "default" and predicted[0]["diff"]["after"]["queue"] == "adhoc"
    assert predicted[1]["app"]["state"] == "KILLED"
    assert sim.log.mutating() == []

    finished_seed = sorted(sim.cluster.apps)[1]  # adhoc-report, FINISHED long ago
    tasks = [moving, moving, app_task([sim], name="mover", queue="no-such-queue"), killing, killing,
             app_task([sim], id=finished_seed, state="killed", user="hadoop")]
    run = ansible.run_tasks(tasks, diff=True)
    moved, moved_again, bad_queue, killed, killed_again, finished = run.results
    assert moved["changed"] and moved["app"]["queue"] == "adhoc" and moved["app"]["id"] == app_id, moved
    assert moved["diff"]["before"]["queue"] == "default" and moved["diff"]["after"]["queue"] == "adhoc"
    assert not moved_again["changed"], moved_again
    # Refused before the move is sent (the RM would answer 400 BadRequestException): no PUT .../queue for it.
    assert_clean_failure(bad_queue, "option 'queue'", "'no-such-queue' is not a leaf queue", "adhoc", "default")
    assert [entry.status for entry in sim.log.entries("PUT", "/queue$")] == [200], sim.log.entries("PUT", "/queue$")
    assert killed["changed"] and killed["app"]["state"] == "KILLED" and killed["app"]["final_status"] == "KILLED", killed
    assert killed["diff"]["before"]["state"] == "RUNNING" and killed["diff"]["after"]["state"] == "KILLED"
    kills = [entry.status for entry in sim.log.entries("PUT", "/state$")]
    assert kills[0] == 202 and kills[-1] == 200 and set(kills) == {200, 202}, kills
    assert not killed_again["changed"] and not finished["changed"], (killed_again, finished)
    assert finished["app"]["state"] == "FINISHED"


def test_the_kills_of_several_matching_apps_share_the_tasks_timeout(start_simulator, ansible):
    """Two running apps match name 'twin'. At a quarter speed a kill takes 4 s, so the first one uses most of a 7 s
    timeout and the second has not time enough left: the task fails naming its timeout, instead of taking a timeout
    per app. (3 s of the timeout are left for the module's own requests and polls on a loaded machine.)"""
    slow = start_simulator("yarn", speed=0.25)
    twins = [app_task([slow], state="submitted", wait=False, tags=[tag], **job("twin")) for tag in ("a", "b")]
    submitted = ansible.run_tasks(twins).results
    assert [r["changed"] for r in submitted] == [True, True], submitted

    killing = ansible.run_tasks([app_task([slow], name="twin", state="killed", timeout=7)]).results[0]

    assert_clean_failure(killing, "the task's timeout of 7s ran out waiting for the kill of")
    assert len({entry.path for entry in slow.log.entries("PUT", "/state$")}) == 2


@pytest.mark.parametrize("style, standby_status", [("hadoop3", 307), ("hadoop2", 200)])
def test_failover_mid_run(sim, ansible, style, standby_status):
    """While the module polls the app, the active RM hands over: the next poll meets the standby."""
    standby = sim.start_standby(style=style)
    sim.fail_over_after("GET", "/apps/application_")
    result = ansible.run_tasks([app_task([sim, standby], state="finished", **job("ha-job", run="150"))]).results[0]
    assert not result["failed"] and result["app"]["state"] == "FINISHED", result
    assert sim.cluster.active == standby.rm_id
    assert [e.status for e in sim.log.entries("GET", "/apps/application_")] == [200, standby_status], sim.log.entries()
    assert standby.log.count("GET", "/apps/" + result["app"]["id"]) >= 1
    assert submits(sim, standby) == 1 and new_applications(sim, standby) == 1
    assert sim.foreign_cookies == 0 and standby.foreign_cookies == 0


@pytest.mark.parametrize("style, standby_status", [("hadoop3", 307), ("hadoop2", 200)])
def test_failover_between_lookup_and_submit(sim, ansible, style, standby_status):
    """The POST meets a standby (Hadoop 2's answer is a 200!): nothing was applied, so it goes to the new active RM."""
    standby = sim.start_standby(style=style)
    sim.fail_over_after("GET", r"/apps$")
    result = ansible.run_tasks([app_task([standby, sim], state="submitted", **job("after-failover"))]).results[0]
    assert result["changed"] and not result["failed"], result
    assert [e.status for e in sim.log.entries("POST", "new-application")] == [standby_status]
    assert new_applications(standby) == 1 and submits(standby) == 1 and submits(sim) == 0
    assert len(sim.cluster.apps) == 4


def test_auth_without_user_and_with_rest_submissions_disabled(sim, ansible):
    control = sim.url + "/_sim/control/set_rest_submissions"
    env = {"YARN_RM_URLS": "%s, %s" % (sim.url, sim.url)}
    run = ansible.run_tasks([
        {"bigdata.platform.yarn_app": job("anonymous")},
        {"bigdata.platform.yarn_app": dict(user="mallory", id=sorted(sim.cluster.apps)[0], state="killed")},
        {"ansible.builtin.uri": {"url": control, "method": "POST", "body_format": "json", "body": {"enabled": False}}},
        {"bigdata.platform.yarn_app": dict(job("blocked"), user="etl")},
    ], env=env)
    anonymous, forbidden, dummy, blocked = run.results
    assert_clean_failure(anonymous, "HTTP 401", "Unable to obtain user name", "set the user option or YARN_USER")
    assert_clean_failure(forbidden, "HTTP 403", "Unauthorized attempt to kill", "mallory")
    assert_clean_failure(blocked, "HTTP 403", "App submission via REST is disabled", "yarn.webapp.enable-rest-app-submissions")
    assert submits(sim) == 0


def test_a_delegation_token_alone_authenticates_a_kill_on_a_secured_rm(sim, ansible):
    """Issue 17: the token goes in X-Hadoop-Delegation-Token. The simulator, like RMAuthenticationFilter, does not
    take Hadoop-YARN-RM-Delegation-Token (the renew/cancel header) as authentication: the old header got 401."""
    sim.control_set_auth("kerberos")
    nightly = sorted(sim.cluster.apps)[0]  # etl's, RUNNING for ever
    renew_header_only = requests.put("%s/ws/v1/cluster/apps/%s/state" % (sim.url, nightly), json={"state": "KILLED"},
                                     headers={"Hadoop-YARN-RM-Delegation-Token": "sim-delegation-token-etl"}, timeout=10)
    assert renew_header_only.status_code == 401
    sim.log.clear()
    token_env = {"YARN_DELEGATION_TOKEN": "{{ lookup('env', 'SIM_TOKEN') }}"}
    kill = {"bigdata.platform.yarn_app": dict(rm_urls=[sim.url], auth="none", id=nightly, state="killed"),
            "environment": token_env}
    submit = {"bigdata.platform.yarn_app": dict(rm_urls=[sim.url], auth="none", state="running", **job("with-token")),
              "environment": token_env}
    run = ansible.run_tasks([kill, kill, submit], env={"SIM_TOKEN": "sim-delegation-token-etl"}, diff=True)
    killed, again, submitted = run.results
    assert killed["changed"] and killed["app"]["state"] == "KILLED", killed
    assert killed["diff"]["before"]["state"] == "RUNNING"
    assert not again["changed"], again
    assert submitted["changed"] and submitted["app"]["user"] == "etl", submitted
    for entry in sim.log.mutating():
        assert entry.status < 400 and entry.headers.get("X-Hadoop-Delegation-Token") == "sim-delegation-token-etl", entry
        assert "Hadoop-YARN-RM-Delegation-Token" not in entry.headers
    assert "sim-delegation-token-etl" not in run.stdout


def test_a_delegation_token_is_not_authentication_on_an_unsecured_rm(sim, ansible):
    """With simple auth the RM installs no delegation-token filter: a token alone is an anonymous caller."""
    kill = dict(rm_urls=[sim.url], auth="none", delegation_token="sim-delegation-token-etl", id=sorted(sim.cluster.apps)[0],
                state="killed")
    result = ansible.run_tasks([{"bigdata.platform.yarn_app": kill}]).results[0]
    assert_clean_failure(result, "HTTP 401", "Unable to obtain user name")
    assert sim.app_view(sim.cluster.apps[sorted(sim.cluster.apps)[0]])["state"] == "RUNNING"


FAKE_GSSAPI = '''"""Stands in for requests-gssapi: the simulator takes this token as etl's Kerberos ticket."""
import requests

OPTIONAL = 2


class HTTPSPNEGOAuth(requests.auth.AuthBase):
    def __init__(self, mutual_authentication=None):
        self.mutual_authentication = mutual_authentication

    def __call__(self, request):
        request.headers["Authorization"] = "Negotiate sim-spnego-etl"
        return request
'''


def test_kerberos_needs_its_library_and_works_with_it(sim, ansible, tmp_path):
    (tmp_path / "requests_gssapi.py").write_text(FAKE_GSSAPI)
    sim.control_set_auth("kerberos")
    kerberos = dict(rm_urls=[sim.url], auth="kerberos")
    run = ansible.run_tasks([
        {"bigdata.platform.yarn_app": dict(kerberos, state="running", **job("kerberized")), "environment": {"PYTHONPATH": str(tmp_path)}},
        {"bigdata.platform.yarn_app": dict(kerberos, name="kerberized", state="killed"), "environment": {"PYTHONPATH": str(tmp_path)}},
        {"bigdata.platform.yarn_app_info": dict(kerberos, name="kerberized")},
    ])
    submitted, killed, without_library = run.results
    assert submitted["changed"] and submitted["app"]["user"] == "etl" and submitted["app"]["state"] == "RUNNING", submitted
    assert killed["changed"] and killed["app"]["state"] == "KILLED", killed
    if importlib.util.find_spec("requests_gssapi") is None and importlib.util.find_spec("requests_kerberos") is None:
        assert_clean_failure(without_library, "auth", "kerberos", "requests-gssapi")


def test_bad_input_names_the_option(sim, ansible):
    run = ansible.run_tasks([
        app_task([sim], state="started", **job("x")),
        app_task([sim], **job("x", am_resource={"memory": -512})),
        app_task([sim], **job("x", am_resource={"memory": "lots"})),
        app_task([sim], **job("x", am_resource={"vcores": 0})),
        app_task([sim], name="no-commands", state="running"),
        app_task([sim], state="running"),
        app_task([sim], id="application_1_0042", state="killed"),
        app_task([sim], **job("x", environment={"JAVA_OPTS": ["-Xmx1g"]})),
    ])
    state, negative, garbage, vcores, no_commands, nothing, unknown_id, env_list = run.results
    assert_clean_failure(state, "state", "started")
    assert_clean_failure(negative, "am_resource.memory", "-512")
    assert_clean_failure(garbage, "am_resource.memory", "lots")
    assert_clean_failure(vcores, "am_resource.vcores", "0")
    assert_clean_failure(no_commands, "commands", "no-commands")
    assert_clean_failure(nothing, "name", "id")
    assert_clean_failure(unknown_id, "id", "application_1_0042")
    assert_clean_failure(env_list, "option 'environment'", "JAVA_OPTS")
    assert sim.log.mutating() == []


def test_an_empty_or_dot_id_never_widens_to_every_app_of_the_user(sim, ansible):
    """Issue 12 item 1: id "" (what `{{ app_id | default('') }}` renders) with state killed killed every running app
    of the user; "." / ".." read the app list as if it were an app (a crash). Each is refused, naming the option,
    before any request; the apps keep running."""
    running_before = {app_id for app_id, app in sim.cluster.apps.items() if sim.app_view(app)["state"] == "RUNNING"}
    bad_ids = ["", " ", ".", "..", "application_1_1/../..", "app-42"]
    tasks = [app_task([sim], user="hadoop", id=bad, state=state) for bad in bad_ids for state in ("killed", "submitted", "finished")]
    tasks += [{"bigdata.platform.yarn_app_info": dict(rm_urls=[sim.url], id=bad)} for bad in bad_ids]
    results = ansible.run_tasks(tasks).results
    for task, result in zip(tasks, results):
        assert_clean_failure(result, "option 'id'")
        assert result["changed"] is False, (task, result)
    assert sim.log.mutating() == []
    assert {app_id for app_id, app in sim.cluster.apps.items() if sim.app_view(app)["state"] == "RUNNING"} == running_before


def test_an_id_that_matches_nothing_fails_naming_it_in_every_state(sim, ansible):
    results = ansible.run_tasks([app_task([sim], id="application_1_0042", state=state)
                                 for state in ("killed", "submitted", "running", "finished")]).results
    for result in results:
        assert_clean_failure(result, "option 'id'", "application_1_0042", "is not an application the ResourceManager knows")
    assert sim.log.mutating() == []


def test_absurd_numbers_are_refused_naming_the_option(sim, ansible):
    """Issue 12 item 13: max_app_attempts -3 was sent to the RM as it was."""
    resource = {"name": "a.jar", "resource": "hdfs://nn/a.jar", "size": 1, "timestamp": 1}
    cases = [
        ("max_app_attempts", job("x", max_app_attempts=-3)),
        ("max_app_attempts", job("x", max_app_attempts=0)),
        ("priority", job("x", priority=-1)),
        ("local_resources.size", job("x", local_resources=[dict(resource, size=-1)])),
        ("local_resources.timestamp", job("x", local_resources=[dict(resource, timestamp=-5)])),
    ]
    results = ansible.run_tasks([app_task([sim], **args) for dummy, args in cases]).results
    for (option, dummy), result in zip(cases, results):
        assert_clean_failure(result, "option '%s'" % option)
    assert sim.log.mutating() == []


def test_a_password_in_rm_urls_is_refused_without_echoing_it(sim, ansible):
    """Issue 12 item 10: a password in URL userinfo was echoed in messages."""
    url = sim.url.replace("http://", "http://etl:s3cr3t-pw@")
    run = ansible.run_tasks([{"bigdata.platform.yarn_app_info": {"rm_urls": [url]}},
                             {"bigdata.platform.yarn_app": dict(rm_urls=[url], id="application_1_0001", state="killed")}])
    for result in run.results:
        assert_clean_failure(result, "option 'rm_urls'", "***@127.0.0.1", "carries a user name or password")
        assert "s3cr3t-pw" not in repr(result)
    assert sim.log.entries() == []


def test_a_failover_during_discovery_stays_within_the_tasks_timeout(sim, ansible):
    """Issue 17: while every RM said STANDBY, finding the active one waited 60 s whatever the task's timeout.
    Driven by probes, not by time: the failover never finishes, so only the task's timeout can end the wait."""
    standby = sim.start_standby()
    sim.begin_failover(finish_after_info_requests=None)
    started = time.monotonic()
    result = ansible.run_tasks([app_task([sim, standby], id=sorted(sim.cluster.apps)[0], state="killed", timeout=3)]).results[0]
    elapsed = time.monotonic() - started
    assert_clean_failure(result, "timeout of 3s", "an active ResourceManager", "STANDBY")
    assert elapsed < 45, elapsed  # ansible-playbook's own start-up included; the old wait alone was 60 s
    assert sim.log.mutating() == [] and standby.log.mutating() == []


def test_a_failover_that_ends_during_discovery_lets_the_task_go_on(sim, ansible):
    standby = sim.start_standby()
    sim.begin_failover(finish_after_info_requests=5)
    result = ansible.run_tasks([app_task([sim, standby], id=sorted(sim.cluster.apps)[0], state="killed", timeout=60)]).results[0]
    assert result["changed"] and result["app"]["state"] == "KILLED", result
    assert sim.cluster.active == standby.rm_id and standby.log.count("PUT", "/state$") >= 1


def test_priority_and_lifetime_change_in_place_and_show_in_the_diff(sim, ansible):
    # At speed 50 the 3600 s lifetime ran out after 72 s of real time, which these five playbooks took on a loaded
    # machine (the RM killed the app and the later tasks found none): at speed 1 it outlives the test.
    sim.clock.set_speed(1)
    submit = app_task([sim], state="running", priority=1, lifetime=3600, **job("long-runner"))
    first, again = ansible.run_tasks([submit, submit], diff=True).results
    assert first["changed"] and first["app"]["priority"] == 1 and first["app"]["lifetime"] == 3600, first
    assert not again["changed"], again
    app = sim.cluster.apps[first["app"]["id"]]
    assert app.lifetime_end - app.submitted == pytest.approx(3600, abs=1)

    change = app_task([sim], name="long-runner", priority=5, lifetime=7200)
    sim.log.clear()
    predicted = ansible.run_tasks([change], check=True, diff=True).results[0]
    assert predicted["changed"] and sim.log.mutating() == []
    assert {key: predicted["diff"]["before"][key] for key in ("priority", "lifetime")} == {"priority": 1, "lifetime": 3600}
    assert {key: predicted["diff"]["after"][key] for key in ("priority", "lifetime")} == {"priority": 5, "lifetime": 7200}

    changed, unchanged, capped = ansible.run_tasks([change, change, app_task([sim], name="long-runner", priority=50)],
                                                   diff=True).results
    assert changed["changed"] and changed["app"]["priority"] == 5 and changed["app"]["lifetime"] == 7200, changed
    assert changed["diff"]["before"]["priority"] == 1 and changed["diff"]["after"]["lifetime"] == 7200
    assert [e.path.rsplit("/", 1)[-1] for e in sim.log.mutating()][:2] == ["priority", "timeout"]
    assert app.lifetime_end - app.submitted == pytest.approx(7200, abs=1)
    assert not unchanged["changed"], unchanged
    assert_clean_failure(capped, "priority 10, not 50", "yarn.cluster.max-application-priority")
    assert capped["changed"] is True
    assert [a.name for a in sim.cluster.apps.values()].count("long-runner") == 1


def test_credentials_and_acls_go_with_the_submission_and_stay_secret(sim, ansible):
    secured = app_task([sim], state="running", credentials={"tokens": {"hdfs": "HDFS-TOKEN-urlsafe"}, "secrets": {"db": "s3cr3t-db"}},
                       application_acls={"view_app": "analyst", "modify_app": "mallory"}, **job("with-credentials"))
    submitted = ansible.run_tasks([secured]).results[0]
    assert submitted["changed"] and not submitted["failed"], submitted
    killed_by_acl = ansible.run_tasks([app_task([sim], user="mallory", id=submitted["app"]["id"], state="killed")]).results[0]
    app = sim.cluster.apps[submitted["app"]["id"]]
    assert app.credentials == {"tokens": {"hdfs": "HDFS-TOKEN-urlsafe"}, "secrets": {"db": "czNjcjN0LWRi"}}  # base 64
    assert app.acls == {"VIEW_APP": {"analyst"}, "MODIFY_APP": {"mallory"}}
    assert killed_by_acl["changed"] and killed_by_acl["app"]["state"] == "KILLED", killed_by_acl
    for result in (submitted, killed_by_acl):
        assert "s3cr3t-db" not in repr(result) and "HDFS-TOKEN-urlsafe" not in repr(result)
