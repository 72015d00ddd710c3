"""cm_parcel and cm_parcel_info against the Cloudera Manager simulator, through real ansible-playbook."""

import re

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import ClouderaManagerClient
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline
from ansible_collections.bigdata.platform.plugins.modules import cm_parcel
from integration.cm_common import CLUSTER, InProcessModule, connection, task
from integration.playbook import assert_clean_failure
from simulators.cloudera_manager import CDH_7_1_7, CDH_7_1_8, CDH_7_1_9, REPO_7_1_7, REPO_7_1_8, REPO_7_1_9

PARCEL_KEYS = {"cluster", "cluster_display_name", "product", "version", "stage", "display_name", "description", "state"}
STATE_KEYS = {"progress", "total_progress", "count", "total_count", "errors", "warnings"}
TARGETS = {"available": "AVAILABLE_REMOTELY", "downloaded": "DOWNLOADED", "distributed": "DISTRIBUTED",
           "activated": "ACTIVATED", "absent": "AVAILABLE_REMOTELY"}
ALL_STAGES = ["AVAILABLE_REMOTELY", "DOWNLOADING", "DOWNLOADED", "DISTRIBUTING", "DISTRIBUTED", "UNDISTRIBUTING",
              "ACTIVATING", "ACTIVATED"]


@pytest.fixture
def sim(start_simulator):
    return start_simulator("cm", speed=200)


def parcel_task(sim, version=CDH_7_1_8, **args):
    return task("cm_parcel", sim, version=version, **args)


def info_task(sim, **args):
    return task("cm_parcel_info", sim, **args)


def clock_moves_per_read(sim, step=5.0):
    """Simulated time stands still but moves `step` seconds as each read of cluster 1's CDH 7.1.8 parcel arrives:
    a module finds a transient stage (which starts at its first read) still there when it sends the command it
    planned from it however loaded the machine is, and every wait ends after a few polls."""
    sim.clock.set_speed(0)
    path = "^/api/v[0-9]+/clusters/cluster/parcels/products/CDH/versions/%s$" % re.escape(CDH_7_1_8)

    def tick(request):
        sim.clock.advance(step)
        sim.on_request(tick, method="GET", path=path)

    sim.on_request(tick, method="GET", path=path)


def posted_commands(sim, version=CDH_7_1_8):
    return [entry.path.rsplit("/", 1)[1] for entry in sim.log.entries("POST", "/versions/%s/commands/" % version)]


def test_check_apply_again_and_info(sim, ansible):
    check = ansible.run_module("cm_parcel", parcel_task(sim, state="activated")["bigdata.platform.cm_parcel"],
                               check=True, diff=True)
    assert check["changed"] and not check.get("failed"), check
    assert sim.log.mutating() == []
    assert check["commands"] == ["startDownload", "startDistribution", "activate"]
    assert check["diff"] == {"before": {"stage": "AVAILABLE_REMOTELY"}, "after": {"stage": "ACTIVATED"}}
    assert check["parcel"]["stage"] == "ACTIVATED"

    run = ansible.run_tasks([parcel_task(sim, state="activated"), parcel_task(sim, state="activated"),
                             info_task(sim, product="CDH"), info_task(sim, stage=["activated"]),
                             # cleanup
                             dict(parcel_task(sim, state="absent"), check_mode=True),
                             parcel_task(sim, state="absent"), parcel_task(sim, state="absent"),
                             dict(parcel_task(sim, version=CDH_7_1_7, state="absent"), check_mode=True),
                             parcel_task(sim, version=CDH_7_1_7, state="absent")], diff=True)
    applied, again, listed, active, predicted, removed, removed_again, shared_check, shared = run.results
    assert applied["changed"] and not applied.get("failed"), applied
    assert set(applied) >= {"parcel", "commands", "diff"}
    assert set(applied["parcel"]) == PARCEL_KEYS and set(applied["parcel"]["state"]) == STATE_KEYS
    assert applied["parcel"]["stage"] == "ACTIVATED" and applied["parcel"]["state"]["total_count"] == 3
    assert applied["commands"] == ["startDownload", "startDistribution", "activate"]
    assert applied["diff"]["after"] == {"stage": "ACTIVATED"}
    assert not again["changed"] and again["commands"] == [], again
    # Activating 7.1.8 deactivated 7.1.7, which stays distributed.
    assert {p["version"]: p["stage"] for p in listed["parcels"]} == {CDH_7_1_7: "DISTRIBUTED", CDH_7_1_8: "ACTIVATED"}
    assert set(listed["parcels"][0]) == PARCEL_KEYS
    assert [p["version"] for p in active["parcels"]] == [CDH_7_1_8]
    assert applied["parcel"] == active["parcels"][0]
    # cleanup: check mode predicts the walk back, the run walks it, CM refuses what another cluster still uses
    assert predicted["changed"] and predicted["commands"] == ["deactivate", "startRemovalOfDistribution", "removeDownload"]
    assert removed["commands"] == predicted["commands"] and removed["parcel"]["stage"] == "AVAILABLE_REMOTELY"
    assert not removed_again["changed"]
    # The download of 7.1.7 is shared with Cluster 2, which still runs it: CM would refuse removeDownload, so check
    # mode and the run fail before sending anything, saying why and what to do instead (issue 12 item 12).
    for result in (shared_check, shared):
        assert_clean_failure(result, "option 'state'", "still on the hosts of cluster Cluster 2 (ACTIVATED)",
                             "use state: downloaded")
        assert result["changed"] is False
    assert posted_commands(sim) == applied["commands"] + predicted["commands"]
    assert posted_commands(sim, CDH_7_1_7) == []


def test_every_starting_stage_reaches_every_target(sim):
    """From each of the eight stages (transient ones in progress when the module reads them) to each state: the
    target is reached, the commands reported are exactly the ones CM received, an in-progress stage is resumed
    rather than started again, and going backwards cancels or deactivates first. 40 cases: run in process (the
    same run() ansible-playbook calls), as 80 playbook tasks would take minutes."""
    clock_moves_per_read(sim)
    results = {}
    for state in sorted(TARGETS):
        for stage in ALL_STAGES:
            sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, stage, seconds=20)
            sim.log.clear()
            params = task("cm_parcel", sim, version=CDH_7_1_8, state=state)["bigdata.platform.cm_parcel"]
            result = results[(stage, state)] = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params))
            assert result["parcel"]["stage"] == TARGETS[state], (stage, state, result)
            assert result["changed"] == bool(result["commands"]), (stage, state, result)
            assert posted_commands(sim) == result["commands"], (stage, state, result)
    for state, target in TARGETS.items():
        assert not results[(target, state)]["changed"]
    assert results[("DOWNLOADING", "downloaded")]["commands"] == []
    assert results[("DISTRIBUTING", "activated")]["commands"] == ["activate"]
    assert results[("ACTIVATING", "activated")]["commands"] == []
    assert results[("ACTIVATED", "distributed")]["commands"] == ["deactivate"]
    assert results[("ACTIVATED", "absent")]["commands"] == ["deactivate", "startRemovalOfDistribution", "removeDownload"]
    assert results[("DOWNLOADING", "absent")]["commands"] == ["cancelDownload"]
    assert results[("DISTRIBUTING", "available")]["commands"] == ["cancelDistribution", "removeDownload"]
    assert results[("UNDISTRIBUTING", "distributed")]["commands"] == ["startDistribution"]


def test_a_download_another_cluster_starts_meanwhile_is_joined_not_failed(sim, monkeypatch):
    """Two clusters of one CM rolled out in parallel: the other cluster's task starts the shared download between
    this task's read and its startDownload, which CM refuses with 400. The task reads the parcel again, finds the
    download under way and waits for it; the refused command is not sent again."""
    original = ClouderaManagerClient.parcel_command
    raced = []

    def other_cluster_first(client, cluster, product, version, command):
        if command == "startDownload" and not raced:
            raced.append(original(client, "Cluster 2", product, version, command))
        return original(client, cluster, product, version, command)

    monkeypatch.setattr(ClouderaManagerClient, "parcel_command", other_cluster_first)
    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "AVAILABLE_REMOTELY")
    sim.log.clear()
    params = task("cm_parcel", sim, version=CDH_7_1_8, state="downloaded")["bigdata.platform.cm_parcel"]

    result = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params))

    assert raced
    assert result["parcel"]["stage"] == "DOWNLOADED"
    assert [(e.path.split("/")[4], e.status) for e in sim.log.entries("POST", path="startDownload")] == [
        ("Cluster%202", 200), ("cluster", 400)]


def test_an_illegal_command_refused_without_a_stage_change_still_fails(sim, monkeypatch):
    original = ClouderaManagerClient.parcel_command
    monkeypatch.setattr(ClouderaManagerClient, "parcel_command",
                        lambda client, cluster, product, version, command:
                        original(client, cluster, product, version, "activate"))
    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "AVAILABLE_REMOTELY")
    params = task("cm_parcel", sim, version=CDH_7_1_8, state="downloaded")["bigdata.platform.cm_parcel"]

    with pytest.raises(ApiError) as error:
        cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params))
    assert error.value.status == 400


def test_check_mode_from_every_starting_stage_predicts_the_walk(sim):
    clock_moves_per_read(sim)
    for state in sorted(TARGETS):
        for stage in ALL_STAGES:
            sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, stage, seconds=20)
            params = task("cm_parcel", sim, version=CDH_7_1_8, state=state)["bigdata.platform.cm_parcel"]
            result = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params, check_mode=True))
            assert result["parcel"]["stage"] == TARGETS[state]
            assert result["diff"] == {"before": {"stage": stage}, "after": {"stage": TARGETS[state]}}
            assert result["changed"] == bool(result["commands"])
    assert sim.log.mutating() == []


def test_repo_url_is_added_without_removing_others_and_refreshed(sim, ansible):
    args = dict(version=CDH_7_1_9, state="available", repo_url=[REPO_7_1_9, REPO_7_1_8])
    check = ansible.run_tasks([parcel_task(sim, **args)], check=True, diff=True).results[0]
    assert check["changed"] and sim.log.mutating() == [], check
    assert check["diff"]["after"]["repositories"] == [REPO_7_1_7, REPO_7_1_8, REPO_7_1_9]
    assert check["parcel"]["stage"] == "AVAILABLE_REMOTELY"
    run = ansible.run_tasks([parcel_task(sim, **args), parcel_task(sim, **args), info_task(sim, version=CDH_7_1_9)],
                            diff=True)
    applied, again, listed = run.results
    assert applied["changed"] and applied["commands"] == [], applied
    assert applied["repositories"] == [REPO_7_1_7, REPO_7_1_8, REPO_7_1_9]
    assert applied["diff"]["before"] == {"repositories": [REPO_7_1_7, REPO_7_1_8]}
    assert not again["changed"], again
    assert [p["stage"] for p in listed["parcels"]] == ["AVAILABLE_REMOTELY"]
    assert sim.log.count("PUT", "/cm/config$") == 1
    assert sim.log.count("POST", "/cm/commands/refreshParcelRepos$") == 1


def test_bad_input_is_named(sim, ansible):
    run = ansible.run_tasks([
        parcel_task(sim, version="7.9.9-1", state="activated"),
        {"bigdata.platform.cm_parcel": dict(connection(sim), cluster="Cluster 9", version=CDH_7_1_8)},
        parcel_task(sim, state="downloaded", repo_url=["archive.cloudera.com/cdh7"]),
        {"bigdata.platform.cm_parcel": dict(connection(sim), host="http://127.0.0.1", cluster=CLUSTER,
                                            version=CDH_7_1_8)},
        parcel_task(sim, version="7.9.9-1", state="absent"),
        {"bigdata.platform.cm_parcel_info": dict(connection(sim), cluster="Cluster 9")},
        info_task(sim, api_version="41"),
        info_task(sim, stage=["actived"]),
        parcel_task(sim, product=""),
        parcel_task(sim, port=0),
        {"bigdata.platform.cm_parcel": {"cluster": CLUSTER, "version": CDH_7_1_8}},
        {"bigdata.platform.cm_service": {"cluster": CLUSTER, "name": "hdfs", "host": "127.0.0.1"}},
    ])
    unknown, no_cluster, bad_repo, bad_host, absent_unknown, info_no_cluster, bad_version, bad_stage = run.results[:8]
    empty_product, port_zero, no_connection, no_credentials = run.results[8:]
    # issue 12 item 13: the empty product is blamed, not version; port 0 is not silently 7180
    assert_clean_failure(empty_product, "option 'product'")
    assert "version" not in empty_product["msg"]
    assert_clean_failure(port_zero, "option 'port'", "0", "1 to 65535")
    # issue 20: the message names the environment variables that stand in for the options
    assert_clean_failure(no_connection, "missing required arguments: host, username, password",
                         "CM_HOST, CM_USERNAME, CM_PASSWORD", "module_defaults")
    assert_clean_failure(no_credentials, "missing required arguments: username, password", "CM_USERNAME, CM_PASSWORD")
    assert_clean_failure(unknown, "option 'version'", "7.9.9-1", CDH_7_1_7, CDH_7_1_8)
    assert_clean_failure(no_cluster, "option 'cluster'", "Cluster 9", "Cluster 1, Cluster 2")
    assert_clean_failure(bad_repo, "option 'repo_url'", "archive.cloudera.com/cdh7")
    assert_clean_failure(bad_host, "option 'host'", "http://127.0.0.1")
    assert not absent_unknown.get("failed") and not absent_unknown["changed"], absent_unknown
    assert absent_unknown["parcel"] is None
    assert_clean_failure(info_no_cluster, "option 'cluster'", "Cluster 9")
    assert_clean_failure(bad_version, "option 'api_version'", "'41'")
    assert_clean_failure(bad_stage, "option 'stage'", "ACTIVED", "DISTRIBUTED")
    assert sim.log.mutating() == []


def test_failed_download_and_distribution_fail_with_cms_errors(sim, ansible):
    sim.control_fail_next_download("CDH", CDH_7_1_8, message="Hash verification failed for CDH-7.1.8 parcel")
    sim.control_fail_next_distribution("CDH", CDH_7_1_8, message="No space left on device on c1-node-2")
    run = ansible.run_tasks([parcel_task(sim, state="downloaded"), parcel_task(sim, state="distributed"),
                             parcel_task(sim, state="available"), parcel_task(sim, state="distributed")])
    download, distribution, back, retried = run.results
    assert_clean_failure(download, "Hash verification failed for CDH-7.1.8 parcel", "DOWNLOADED")
    assert download["last_state"]["stage"] == "AVAILABLE_REMOTELY"
    assert download["changed"] is True and download["commands"] == ["startDownload"]
    assert_clean_failure(distribution, "No space left on device on c1-node-2")
    assert distribution["last_state"]["state"]["errors"] == ["No space left on device on c1-node-2"]
    # Errors CM still lists from the failed attempt do not fail a later walk that arrives.
    assert back.get("commands") == ["removeDownload"] and not back.get("failed"), back
    assert retried["changed"] and retried.get("parcel", {}).get("stage") == "DISTRIBUTED", retried


def test_refused_command_wait_false_and_timeout(sim, ansible):
    """One playbook: a 400 CM gives while parcel work settles fails the task and is never retried; wait: false sends
    the next command and returns; a timeout names the task's timeout and the last stage. Simulated time all but
    stands still, so the distribution still runs when the last task waits on it however loaded the machine is."""
    sim.clock.set_speed(0.001)
    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "DISTRIBUTED")
    sim.faults.add(method="POST", path="clusters/cluster/.*/commands/activate$", status=400,
                   body={"message": "Parcel CDH-7.1.8 is being distributed; try again later."})
    run = ansible.run_tasks([parcel_task(sim, state="activated"),
                             parcel_task(sim, cluster="Cluster 2", state="distributed", wait=False),
                             parcel_task(sim, cluster="Cluster 2", state="activated", timeout=1)])
    refused, no_wait, timed_out = run.results
    assert_clean_failure(refused, "HTTP 400", "try again later")
    assert refused["changed"] is False and refused["commands"] == []
    assert sim.log.count("POST", "clusters/cluster/.*/commands/") == 1
    assert no_wait["changed"] and no_wait["commands"] == ["startDistribution"], no_wait
    assert no_wait["parcel"]["stage"] == "DISTRIBUTING"
    assert_clean_failure(timed_out, "the task's timeout of 1s ran out", "last state seen: stage DISTRIBUTING")
    assert timed_out["commands"] == [] and timed_out["changed"] is False


def test_credentials_wrong_password_and_environment(sim, ansible):
    """Every cm_* module, one playbook: a 401 is named and the password never shows, even with -vvv; the CM_*
    variables (what the AWX credential type injects) stand in for the connection options."""
    wrong = dict(password="Sup3r-Secret-Pw")
    env = {"CM_HOST": "127.0.0.1", "CM_PORT": str(sim.port), "CM_USERNAME": "admin", "CM_PASSWORD": "admin"}
    run = ansible.run_tasks([parcel_task(sim, **wrong), info_task(sim, **wrong),
                             task("cm_service", sim, name="hdfs", **wrong), task("cm_service_info", sim, **wrong),
                             {"bigdata.platform.cm_parcel_info": {"cluster": CLUSTER}, "environment": env}],
                            verbosity=3)
    for result in run.results[:4]:
        assert_clean_failure(result, "HTTP 401", "authentication failed")
    assert "Sup3r-Secret-Pw" not in run.output
    from_environment = run.results[4]
    assert not from_environment.get("failed") and len(from_environment["parcels"]) == 2, from_environment


def test_api_version_pinned_is_used_and_none_is_discovered_on_a_cm_offering_the_known_one(sim, ansible):
    ansible.run_tasks([info_task(sim)])
    unpinned = sim.log.count()
    assert sim.log.count("GET", "^/api/version$") == 0
    assert all(entry.path.startswith("/api/v51/") for entry in sim.log.entries())
    sim.log.clear()
    run = ansible.run_tasks([info_task(sim, api_version="v41")])
    assert not run.results[0].get("failed"), run.results[0]
    assert sim.log.count("GET", "^/api/version$") == 0
    assert sim.log.count() == unpinned
    assert all(entry.path.startswith("/api/v41/") for entry in sim.log.entries())


def test_use_tls_verifies_the_certificate(start_simulator, certificate, ansible):
    sim = start_simulator("cm", speed=200, tls=certificate)
    run = ansible.run_tasks([info_task(sim, use_tls=True), info_task(sim, use_tls=True, ca_cert=certificate[0])])
    unverified, verified = run.results
    assert_clean_failure(unverified, "TLS verification failed", "ca_cert")
    assert not verified.get("failed") and len(verified["parcels"]) == 2, verified
    # Only the verified run's requests arrived: its cluster lookup is the one.
    assert sim.log.count("GET", "^/api/v51/clusters/Cluster%201$") == 1


def test_check_mode_with_a_configured_repo_cm_has_not_read_yet_predicts_the_refresh(sim):
    """The repository is in REMOTE_PARCEL_REPO_URLS but CM has not refreshed since: the run refreshes once and then
    finds the parcel, so check mode must predict it available rather than fail with 'unknown version'."""
    client = ClouderaManagerClient("127.0.0.1", "admin", "admin", port=sim.port)
    client.http.put_json(client.path("cm", "config"), {"items": [
        {"name": "REMOTE_PARCEL_REPO_URLS", "value": ",".join([REPO_7_1_7, REPO_7_1_8, REPO_7_1_9])}]})
    assert client.read_parcel(CLUSTER, "CDH", CDH_7_1_9) is None
    params = task("cm_parcel", sim, version=CDH_7_1_9, state="downloaded", repo_url=[REPO_7_1_9])["bigdata.platform.cm_parcel"]
    sim.log.clear()
    predicted = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params, check_mode=True))
    assert sim.log.mutating() == []
    applied = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params))
    assert predicted["changed"] is True and applied["changed"] is True
    assert predicted["commands"] == applied["commands"] == ["startDownload"]
    assert predicted["parcel"]["stage"] == applied["parcel"]["stage"] == "DOWNLOADED"
    assert predicted["diff"] == applied["diff"]


def test_check_mode_with_wait_false_predicts_the_one_step_the_run_takes(sim):
    """With wait: false the run sends at most the next command of the path, and nothing when the next step is a
    stage already under way: check mode must predict that command (and changed) rather than the whole walk."""
    clock_moves_per_read(sim)
    for state in sorted(TARGETS):
        for stage in ALL_STAGES:
            params = task("cm_parcel", sim, version=CDH_7_1_8, state=state, wait=False)["bigdata.platform.cm_parcel"]
            sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, stage, seconds=20)
            predicted = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params, check_mode=True))
            sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, stage, seconds=20)
            applied = cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params))
            assert predicted["commands"] == applied["commands"], (stage, state, predicted, applied)
            assert predicted["changed"] == applied["changed"], (stage, state, predicted, applied)
            assert len(applied["commands"]) <= 1


def test_a_parcel_cm_forgets_once_its_download_is_removed(sim):
    """An old version whose repository was taken out of REMOTE_PARCEL_REPO_URLS: CM still holds its download, and
    forgets the parcel when the download is removed. absent is then reached (and settles); available cannot be."""
    client = ClouderaManagerClient("127.0.0.1", "admin", "admin", port=sim.port)

    def configure(*urls):
        client.http.put_json(client.path("cm", "config"), {"items": [{"name": "REMOTE_PARCEL_REPO_URLS", "value": ",".join(urls)}]})
        client.refresh_parcel_repositories(Deadline(30))

    def run(state, check_mode=False):
        params = task("cm_parcel", sim, version=CDH_7_1_8, state=state)["bigdata.platform.cm_parcel"]
        return cm_parcel.run(InProcessModule(cm_parcel.argument_spec(), params, check_mode=check_mode))

    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "DISTRIBUTED")
    configure(REPO_7_1_7)
    removed = run("absent")
    assert removed["changed"] and removed["commands"] == ["startRemovalOfDistribution", "removeDownload"], removed
    assert removed["parcel"] is None and removed["diff"] == {"before": {"stage": "DISTRIBUTED"}, "after": {}}
    assert client.read_parcel(CLUSTER, "CDH", CDH_7_1_8) is None
    again = run("absent")
    assert not again["changed"] and again["parcel"] is None

    configure(REPO_7_1_7, REPO_7_1_8)
    sim.control_set_parcel_stage(CLUSTER, "CDH", CDH_7_1_8, "DOWNLOADED")
    configure(REPO_7_1_7)
    with pytest.raises(PlatformError, match="no longer lists parcel CDH %s.*repo_url" % CDH_7_1_8) as gone:
        run("available")
    assert gone.value.details["changed"] is True and gone.value.details["commands"] == ["removeDownload"]
