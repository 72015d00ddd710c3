"""Contract test: yarn-api-client (PyPI, unchanged) drives the YARN simulator over real HTTP, through
every call the yarn_app modules make: info, metrics, app listing with filters, new-application,
submit, app, state, kill and queue move."""

import time

import pytest
import requests

yarn_api_client = pytest.importorskip("yarn_api_client")

from yarn_api_client.auth import SimpleAuth  # noqa: E402
from yarn_api_client.errors import APIError  # noqa: E402
from yarn_api_client.resource_manager import ResourceManager  # noqa: E402


@pytest.fixture
def sim(start_simulator):
    return start_simulator("yarn", speed=100.0)


@pytest.fixture
def rm(sim):
    return ResourceManager(service_endpoints=[sim.url], auth=SimpleAuth("etl"), timeout=5)


def submit(rm, name, tags=None, env=None, queue="default"):
    app_id = rm.cluster_new_application().data["application-id"]
    rm.cluster_submit_application({
        "application-id": app_id, "application-name": name, "queue": queue, "application-type": "YARN",
        "application-tags": {"tag": tags or []},
        "am-container-spec": {"commands": {"command": "sleep 60"},
                              "environment": {"entry": [{"key": k, "value": v} for k, v in (env or {}).items()]}},
        "resource": {"memory": 1024, "vCores": 1},
    })
    return app_id


def wait_state(rm, app_id, state, seconds=5.0):
    deadline = time.monotonic() + seconds
    while rm.cluster_application_state(app_id).data["state"] != state:
        assert time.monotonic() < deadline, "%s never reached %s" % (app_id, state)
        time.sleep(0.05)


def test_info_and_metrics(rm):
    info = rm.cluster_information().data["clusterInfo"]
    assert info["haState"] == "ACTIVE" and info["state"] == "STARTED"
    metrics = rm.cluster_metrics().data["clusterMetrics"]
    assert metrics["appsSubmitted"] == 3 and metrics["appsRunning"] == 2


def test_listing_with_filters(rm):
    def names(**filters):
        apps = rm.cluster_applications(**filters).data["apps"]
        return sorted(app["name"] for app in (apps or {}).get("app", []))

    assert names() == ["adhoc-report", "nightly-etl", "streaming-ingest"]
    assert names(states=["RUNNING"]) == ["nightly-etl", "streaming-ingest"]
    assert names(final_status="SUCCEEDED") == ["adhoc-report"]
    assert names(user="etl") == ["nightly-etl"]
    assert names(queue="adhoc") == ["adhoc-report"]
    assert names(application_tags=["NIGHTLY", "report"]) == ["adhoc-report", "nightly-etl"]
    assert names(application_types=["spark"]) == []
    assert names(application_types=["mapreduce"]) == ["adhoc-report", "nightly-etl", "streaming-ingest"]
    assert names(name="nightly-etl") == ["nightly-etl"]
    assert len(names(limit="1")) == 1
    assert rm.cluster_applications(states=["KILLED"]).data == {"apps": None}


def test_submit_moves_through_the_states_and_a_spec_decides_the_end(rm):
    app_id = submit(rm, "contract-ok", tags=["Contract"], env={"SIM_RUN_SECONDS": "1"})
    app = rm.cluster_application(app_id).data["app"]
    assert app["name"] == "contract-ok" and app["user"] == "etl" and app["applicationTags"] == "contract"
    wait_state(rm, app_id, "FINISHED")
    assert rm.cluster_application(app_id).data["app"]["finalStatus"] == "SUCCEEDED"

    failing = submit(rm, "contract-fail", env={"SIM_RUN_SECONDS": "1", "SIM_FINAL_STATUS": "FAILED", "SIM_DIAGNOSTICS": "boom"})
    wait_state(rm, failing, "FAILED")
    app = rm.cluster_application(failing).data["app"]
    assert app["finalStatus"] == "FAILED" and app["diagnostics"] == "boom"


def test_kill_is_accepted_then_done(rm, sim):
    app_id = submit(rm, "contract-kill", env={"SIM_RUN_SECONDS": "forever"})
    wait_state(rm, app_id, "RUNNING")
    assert rm.cluster_application_kill(app_id).data == {"state": "ACCEPTED"}
    assert sim.log.entries("PUT", "/state$")[-1].status == 202
    sim.clock.advance(5)
    assert rm.cluster_application_kill(app_id).data == {"state": "KILLED"}
    assert sim.log.entries("PUT", "/state$")[-1].status == 200
    assert rm.cluster_application(app_id).data["app"]["finalStatus"] == "KILLED"


def test_queue_move_and_its_errors(rm):
    app_id = submit(rm, "contract-move", env={"SIM_RUN_SECONDS": "forever"})
    assert rm.cluster_get_application_queue(app_id).data == {"queue": "default"}
    assert rm.cluster_change_application_queue(app_id, "etl").data == {"queue": "etl"}
    assert rm.cluster_get_application_queue(app_id).data == {"queue": "etl"}
    with pytest.raises(APIError) as error:
        rm.cluster_change_application_queue(app_id, "nope")
    assert "400" in str(error.value) and "RemoteException" in str(error.value) and "nope" in str(error.value)


def test_errors_are_remote_exceptions(rm, sim):
    with pytest.raises(APIError) as error:
        rm.cluster_application("application_1_9999")
    assert "404" in str(error.value) and "NotFoundException" in str(error.value)
    other = ResourceManager(service_endpoints=[sim.url], auth=SimpleAuth("mallory"), timeout=5)
    with pytest.raises(APIError) as error:
        other.cluster_application_kill(sorted(sim.cluster.apps)[0])
    assert "403" in str(error.value)
    anonymous = ResourceManager(service_endpoints=[sim.url], timeout=5)
    with pytest.raises(APIError) as error:
        anonymous.cluster_new_application()
    assert "401" in str(error.value) and "Unable to obtain user name" in str(error.value)


# -- what yarn-api-client cannot send: plain requests ------------------------------------------------
def test_only_killed_is_an_allowed_target_state(sim):
    app_id = sorted(sim.cluster.apps)[0]
    answer = requests.put("%s/ws/v1/cluster/apps/%s/state" % (sim.url, app_id), params={"user.name": "etl"},
                          json={"state": "FINISHED"}, timeout=5)
    assert answer.status_code == 400
    assert answer.json()["RemoteException"]["message"] == "java.lang.Exception: Only 'KILLED' is allowed as a target state."


def test_standby_answers_and_failover_from_another_process(sim):
    standby = sim.start_standby()
    apps = standby.url + "/ws/v1/cluster/apps?states=RUNNING"
    answer = requests.get(apps, allow_redirects=False, timeout=5)
    assert answer.status_code == 307 and answer.headers["Location"] == sim.url + "/ws/v1/cluster/apps?states=RUNNING"
    assert answer.text.startswith("This is standby RM. The redirect url is: /ws/v1/cluster/apps?states=RUNNING")
    assert requests.get(standby.url + "/ws/v1/cluster/info", timeout=5).json()["clusterInfo"]["haState"] == "STANDBY"

    requests.post(sim.url + "/_sim/control/set_standby_style", json={"style": "hadoop2"}, timeout=5).raise_for_status()
    assert requests.post(standby.url + "/_sim/control/failover", json={}, timeout=5).json()["active"] == "rm2"
    answer = requests.get(sim.url + "/ws/v1/cluster/apps", allow_redirects=False, timeout=5)
    assert answer.status_code == 200 and answer.headers["Refresh"] == "3; url=%s/ws/v1/cluster/apps" % standby.url
    assert answer.text.startswith("This is standby RM. Redirecting to the current active RM:")
    assert ResourceManager(service_endpoints=[standby.url], timeout=5).cluster_information().data["clusterInfo"]["haState"] == "ACTIVE"


def test_delegation_tokens_authenticate_only_by_the_real_headers_and_only_when_secured(sim):
    """RMAuthenticationFilter: X-Hadoop-Delegation-Token, else the old Hadoop-YARN-Auth-Delegation-Token; the
    renew/cancel header Hadoop-YARN-RM-Delegation-Token authenticates nothing; with simple auth no token counts."""
    apps = sim.url + "/ws/v1/cluster/apps/new-application"
    token = "sim-delegation-token-etl"
    assert requests.post(apps, headers={"X-Hadoop-Delegation-Token": token}, timeout=5).status_code == 401  # simple auth
    sim.control_set_auth("kerberos")
    assert requests.post(apps, headers={"X-Hadoop-Delegation-Token": token}, timeout=5).status_code == 200
    assert requests.post(apps, headers={"Hadoop-YARN-Auth-Delegation-Token": token}, timeout=5).status_code == 200
    assert requests.post(apps, params={"delegation": token}, timeout=5).status_code == 200
    assert requests.post(apps, headers={"Hadoop-YARN-RM-Delegation-Token": token}, timeout=5).status_code == 401
    unknown = requests.post(apps, headers={"X-Hadoop-Delegation-Token": "forged"}, timeout=5)
    assert unknown.status_code == 403 and unknown.json()["RemoteException"]["exception"] == "AuthenticationException"


def test_delegation_token_create_renew_cancel_need_kerberos_and_name_the_token_by_header(sim):
    sim.control_set_auth("kerberos")
    kerberos = {"Authorization": "Negotiate sim-spnego-etl"}
    endpoint = sim.url + "/ws/v1/cluster/delegation-token"
    created = requests.post(endpoint, json={"renewer": "etl"}, headers=kerberos, timeout=5).json()
    assert created["owner"] == "etl" and created["kind"] == "RM_DELEGATION_TOKEN"
    by_token = requests.post(endpoint, json={}, headers={"X-Hadoop-Delegation-Token": created["token"]}, timeout=5)
    assert by_token.status_code == 403 and "cannot be carried out using delegation token authentication" in by_token.text
    renewed = requests.post(endpoint + "/expiration", headers=dict(kerberos, **{"Hadoop-YARN-RM-Delegation-Token": created["token"]}),
                            timeout=5)
    assert renewed.status_code == 200 and renewed.json()["expiration-time"] >= created["expiration-time"]
    assert requests.post(endpoint + "/expiration", headers=kerberos, timeout=5).status_code == 400
    cancelled = requests.delete(endpoint, headers=dict(kerberos, **{"Hadoop-YARN-RM-Delegation-Token": created["token"]}), timeout=5)
    assert cancelled.status_code == 200
    gone = requests.get(sim.url + "/ws/v1/cluster/apps", headers={"X-Hadoop-Delegation-Token": created["token"]}, timeout=5)
    assert gone.status_code == 403


# -- cluster facts, scheduler configuration, priority and timeouts, through yarn-api-client ----------------------
@pytest.fixture
def admin(sim):
    return ResourceManager(service_endpoints=[sim.url], auth=SimpleAuth("yarn"), timeout=5)


def queues_of(scheduler_info):
    """{queue path: queue} of a Capacity Scheduler tree."""
    found = {}
    for queue in (scheduler_info.get("queues") or {}).get("queue", []):
        found[queue["queuePath"]] = queue
        found.update(queues_of(queue))
    return found


def test_metrics_nodes_and_app_statistics(rm, sim):
    sim.control_set_node("worker-4.sim:8041", "UNHEALTHY", "1/1 local-dirs are bad: /data/yarn/local")
    metrics = rm.cluster_metrics().data["clusterMetrics"]
    assert metrics["activeNodes"] == 3 and metrics["unhealthyNodes"] == 1 and metrics["appsRunning"] == 2
    nodes = rm.cluster_nodes().data["nodes"]["node"]
    assert len(nodes) == 4 and {node["state"] for node in nodes} == {"RUNNING", "UNHEALTHY"}
    assert [node["id"] for node in rm.cluster_nodes(states=["RUNNING"]).data["nodes"]["node"]] == [
        "worker-1.sim:8041", "worker-2.sim:8041", "worker-3.sim:8041"]
    assert rm.cluster_node("worker-4.sim:8041").data["node"]["healthReport"].startswith("1/1 local-dirs are bad")
    with pytest.raises(APIError) as error:
        rm.cluster_node("worker-9.sim:8041")
    assert "404" in str(error.value)
    stats = {item["state"]: item["count"] for item in rm.cluster_application_statistics().data["appStatInfo"]["statItem"]}
    assert stats["RUNNING"] == 2 and stats["FINISHED"] == 1 and stats["KILLED"] == 0 and len(stats) == 8
    only = rm.cluster_application_statistics(states=["RUNNING"], application_types=["MAPREDUCE"]).data["appStatInfo"]["statItem"]
    assert only == [{"state": "RUNNING", "type": "mapreduce", "count": 2}]
    with pytest.raises(APIError) as error:
        rm.cluster_application_statistics(application_types=["a", "b"])
    assert "at most one applicationType" in str(error.value)


def test_scheduler_tree_follows_the_scheduler_conf_mutation(rm, admin, sim):
    tree = queues_of(rm.cluster_scheduler().data["scheduler"]["schedulerInfo"])
    assert {path: queue["capacity"] for path, queue in tree.items()} == {"root.default": 40.0, "root.etl": 40.0, "root.adhoc": 20.0}
    assert tree["root.etl"]["state"] == "RUNNING" and tree["root.etl"]["numApplications"] == 1
    props = {p["name"]: p["value"] for p in rm.cluster_scheduler_conf_mutation().data["property"]}
    assert props["yarn.scheduler.capacity.root.queues"] == "default,etl,adhoc"

    def mutate(client, body):
        """yarn-api-client decodes every answer as JSON; the RM answers a change with plain text."""
        with pytest.raises(ValueError):
            client.cluster_modify_scheduler_conf_mutation(body)
        return sim.log.entries("PUT", "scheduler-conf$")[-1]

    adding = {"update-queue": [{"queue-name": "root.default", "params": {"entry": [{"key": "capacity", "value": "30"}]}}],
              "add-queue": {"queue-name": "root.ml", "params": {"entry": [{"key": "capacity", "value": "10"},
                                                                          {"key": "maximum-capacity", "value": "50"}]}}}
    assert mutate(admin, adding).status == 200
    tree = queues_of(rm.cluster_scheduler().data["scheduler"]["schedulerInfo"])
    assert tree["root.ml"]["capacity"] == 10.0 and tree["root.ml"]["maxCapacity"] == 50.0 and tree["root.default"]["capacity"] == 30.0

    with pytest.raises(APIError) as error:
        rm.cluster_modify_scheduler_conf_mutation({"remove-queue": "root.ml"})
    assert "403" in str(error.value) and "Only admins can carry out this operation." in str(error.value)
    for body, text in [
        ({"remove-queue": "root.ml"}, "Failed to re-init queues : root.ml cannot be deleted from the capacity scheduler "
                                      "configuration, as the queue is not yet in stopped state. Current State : RUNNING"),
        ({"update-queue": {"queue-name": "root.ml", "params": {"entry": {"key": "capacity", "value": "20"}}}},
         "Failed to re-init queues : Illegal capacity sum of 1.1 for children of queue root for label=. It should be either 0 or 1.0"),
        ({"update-queue": {"queue-name": "root.ml", "params": {"entry": {"key": "state", "value": "PAUSED"}}}},
         "No enum constant org.apache.hadoop.yarn.api.records.QueueState.PAUSED"),
        ({"add-queue": {"queue-name": "root.ml", "params": {}}}, "Can't add existing queue root.ml"),
        ({"remove-queue": "root.nope"}, "Queue root.nope not found"),
    ]:
        with pytest.raises(APIError) as error:
            admin.cluster_modify_scheduler_conf_mutation(body)
        assert "400" in str(error.value) and text in str(error.value), body
    stop = {"update-queue": {"queue-name": "root.ml", "params": {"entry": {"key": "state", "value": "STOPPED"}}}}
    removal = {"remove-queue": "root.ml",
               "update-queue": {"queue-name": "root.default", "params": {"entry": {"key": "capacity", "value": "40"}}}}
    assert mutate(admin, stop).status == 200 and mutate(admin, removal).status == 200
    assert "root.ml" not in queues_of(rm.cluster_scheduler().data["scheduler"]["schedulerInfo"])

    sim.control_set_conf_store("file")
    with pytest.raises(APIError) as error:
        admin.cluster_modify_scheduler_conf_mutation(stop)
    assert "400" in str(error.value) and "Configuration change only supported by MutableConfScheduler." in str(error.value)


def test_a_stopped_queue_drains_and_refuses_submissions(rm, admin, sim):
    stop = {"update-queue": {"queue-name": "root.etl", "params": {"entry": {"key": "state", "value": "STOPPED"}}}}
    with pytest.raises(ValueError):
        admin.cluster_modify_scheduler_conf_mutation(stop)
    assert queues_of(rm.cluster_scheduler().data["scheduler"]["schedulerInfo"])["root.etl"]["state"] == "DRAINING"
    refused = submit(rm, "into-stopped", queue="etl")
    wait_state(rm, refused, "FAILED")
    assert "is STOPPED. Cannot accept submission" in rm.cluster_application(refused).data["app"]["diagnostics"]


def test_priority_and_lifetime_of_a_running_app(rm, sim):
    app_id = submit(rm, "contract-priority", env={"SIM_RUN_SECONDS": "forever"})
    wait_state(rm, app_id, "RUNNING")
    assert rm.cluster_get_application_priority(app_id).data == {"priority": 0}
    assert rm.cluster_change_application_priority(app_id, 5).data == {"priority": 5}
    assert rm.cluster_change_application_priority(app_id, 99).data == {"priority": 10}  # capped at the cluster's maximum
    assert rm.cluster_application_timeouts(app_id).data["timeouts"]["timeout"] == [
        {"type": "LIFETIME", "expiryTime": "UNLIMITED", "remainingTimeInSeconds": -1}]
    started = rm.cluster_application(app_id).data["app"]["startedTime"]
    expiry = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(started // 1000 + 3600)) + ".000+0000"
    updated = rm.cluster_update_application_timeout(app_id, "LIFETIME", expiry).data["timeout"]
    assert updated["expiryTime"] == expiry and 0 < updated["remainingTimeInSeconds"] <= 3600
    assert rm.cluster_application_timeout(app_id, "LIFETIME").data["timeout"]["expiryTime"] == expiry
    with pytest.raises(APIError) as error:
        rm.cluster_update_application_timeout(app_id, "LIFETIME", "tomorrow")
    assert "Unparseable date" in str(error.value)
    sim.clock.advance(3700)
    app = rm.cluster_application(app_id).data["app"]
    assert app["state"] == "KILLED" and "exceeded the lifetime period" in app["diagnostics"]
