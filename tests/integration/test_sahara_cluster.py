"""sahara_cluster and sahara_cluster_info against the Keystone + Sahara simulator, through real ansible-playbook."""

import pytest

from integration.playbook import assert_clean_failure
from simulators.sahara import IMAGE_ID, NETWORK_ID, SaharaSimulator

CLUSTER_KEYS = {"id", "name", "status", "status_description", "plugin", "plugin_version", "node_groups",
                "node_group_details", "cluster_template_id", "default_image_id", "keypair", "neutron_management_network",
                "is_transient", "provision_progress", "project_id"}


@pytest.fixture
def sim(start_simulator):
    simulator = start_simulator(SaharaSimulator, speed=20, stage_seconds=1)
    simulator.seed_templates()
    return simulator


def cluster_task(sim, **args):
    return {"bigdata.platform.sahara_cluster": dict({"auth": sim.auth_args(), "name": "analytics", "timeout": 60}, **args)}


def info_task(sim, **args):
    return {"bigdata.platform.sahara_cluster_info": dict({"auth": sim.auth_args()}, **args)}


def test_create_idempotent_scale_and_delete(sim, ansible):
    create = cluster_task(sim, cluster_template="small", keypair="ops", node_groups={"worker": 3})
    predicted = ansible.run_tasks([create], check=True, diff=True).results[0]
    assert predicted["changed"] and not predicted.get("failed"), predicted
    assert predicted["diff"]["before"] == {} and predicted["diff"]["after"]["node_groups"] == {"master": 1, "worker": 3}
    assert sim.mutations() == [] and sim.clusters == {}

    check_scale = dict(cluster_task(sim, node_groups={"worker": 5}), check_mode=True)
    creation_only = cluster_task(sim, cluster_template="retired-template", description="renamed", keypair="ops",
                                 node_groups={"worker": 3})
    run = ansible.run_tasks([create, create, info_task(sim, name="analytics"), info_task(sim), check_scale, creation_only])
    created, again, one, everything, predicted, warned = run.results
    assert created["changed"] and not created.get("failed"), created
    assert created["cluster"]["status"] == "Active"
    assert created["cluster"]["node_groups"] == {"master": 1, "worker": 3}
    assert CLUSTER_KEYS <= set(created["cluster"]), CLUSTER_KEYS - set(created["cluster"])
    assert created["cluster"]["keypair"] == "ops"
    assert [step["step_name"] for step in created["cluster"]["provision_progress"]][0] == "Validating"
    assert again["changed"] is False and "scaling" not in again
    assert sim.log.count("POST", "/clusters$") == 1
    assert one["clusters"] == [dict(again["cluster"])] and [c["name"] for c in everything["clusters"]] == ["analytics"]
    assert predicted["changed"] and predicted["scaling"]["after"] == {"master": 1, "worker": 5}
    assert sim.log.count("PUT") == 0, "check mode predicts the scaling and sends nothing"
    assert warned["changed"] is True and not warned.get("failed"), warned
    assert warned["updated"] == {"description": "renamed"} and warned["cluster"]["description"] == "renamed"
    assert [w.split(" of the existing")[0] for w in warned["warnings"]] == ["Sahara cannot change cluster_template"]
    assert '"description": "renamed"' in sim.log.entries("PATCH", "/clusters/")[0].body

    run = ansible.run_tasks([cluster_task(sim, node_groups={"worker": 5}), cluster_task(sim, node_groups={"worker": 1}),
                             cluster_task(sim, node_groups={"worker": 1, "edge": 1}),
                             cluster_task(sim, node_groups={"worker": -1}), cluster_task(sim, node_groups={"nosuch": 2}),
                             cluster_task(sim, node_groups={"worker": 2.5}),
                             cluster_task(sim, name="other", default_image="no-such-image", cluster_template="small")],
                            diff=True)
    up, down, added, negative, unknown, fraction, image = run.results
    assert up["changed"] and up["scaling"] == {"before": {"master": 1, "worker": 3}, "after": {"master": 1, "worker": 5}}
    assert up["diff"]["before"]["node_groups"]["worker"] == 3 and up["diff"]["after"]["node_groups"]["worker"] == 5
    assert up["cluster"]["status"] == "Active" and down["cluster"]["node_groups"]["worker"] == 1
    assert down["scaling"]["after"] == {"master": 1, "worker": 1}
    assert added["scaling"]["after"] == {"master": 1, "worker": 1, "edge": 1}
    scale_bodies = [entry.body for entry in sim.log.entries("PUT", "/clusters/")]
    assert '"resize_node_groups": [{"name": "worker", "count": 5}]' in scale_bodies[0]
    assert '"add_node_groups"' in scale_bodies[2] and "resize_node_groups" not in scale_bodies[2]
    assert any(entry.path.endswith("/clusters/" + up["cluster"]["id"]) for entry in sim.log.entries("PUT"))
    assert len(scale_bodies) == 3 and sim.log.count("POST", "/clusters$") == 1, "bad input sends nothing"
    assert_clean_failure(negative, "node_groups", "-1")
    assert_clean_failure(unknown, "node_groups", "nosuch")
    assert_clean_failure(fraction, "node_groups", "2.5", "whole counts")
    assert_clean_failure(image, "default_image", "no-such-image")

    sim.log.clear()
    gone = cluster_task(sim, state="absent")
    predicted = ansible.run_tasks([gone], check=True).results[0]
    assert predicted["changed"] and sim.mutations() == []
    run = ansible.run_tasks([gone, gone, info_task(sim)])
    deleted, deleted_again, after = run.results
    assert deleted["changed"] and deleted["cluster"] == {}
    assert sim.log.entries("GET", "/clusters/")[-1].status == 404, "delete waits until the cluster is gone"
    assert deleted_again["changed"] is False and after["clusters"] == []


def test_api_v11_with_a_v11_catalog(sim, ansible):
    v11 = {"api_version": "1.1"}
    run = ansible.run_tasks([
        cluster_task(sim, plugin="vanilla", plugin_version="2.7.1", default_image="sahara-vanilla-2.7.1",
                     neutron_management_network=NETWORK_ID, node_groups={"worker": 2}, is_transient=True, **v11),
        cluster_task(sim, node_groups={"worker": 3}, **v11),
        info_task(sim, **v11),
        cluster_task(sim, state="absent", **v11),
    ])
    created, scaled, info, deleted = run.results
    assert created["changed"] and created["cluster"]["plugin_version"] == "2.7.1", created
    assert created["cluster"]["default_image_id"] == IMAGE_ID and created["cluster"]["node_groups"] == {"worker": 2}
    assert created["cluster"]["is_transient"] is True
    assert scaled["scaling"]["after"] == {"worker": 3}
    assert info["clusters"][0]["project_id"] and deleted["changed"]
    assert all(entry.path.startswith(("/v1.1/", "/v3")) for entry in sim.log.entries() if entry.path != "/")
    assert '"hadoop_version": "2.7.1"' in sim.log.entries("POST", "/clusters$")[0].body


def test_creation_ending_in_error_fails_with_the_description(sim, ansible):
    sim.fail_next_create("Heat stack failed with status CREATE_FAILED: Quota exceeded for cores", at="Spawning")
    run = ansible.run_tasks([cluster_task(sim, cluster_template="small"), cluster_task(sim, cluster_template="small")])
    failed, again = run.results
    assert_clean_failure(failed, "Error", "Quota exceeded for cores")
    assert failed["last_state"]["status"] == "Error"
    assert_clean_failure(again, "Quota exceeded for cores")
    assert sim.log.count("POST", "/clusters$") == 1, "a cluster in Error is reported, not created again"


def test_timeout_names_the_last_status_and_a_later_run_waits_instead_of_creating(sim, ansible):
    sim.set_stage_seconds(600)
    run = ansible.run_tasks([cluster_task(sim, cluster_template="small", timeout=1),
                             cluster_task(sim, cluster_template="small", wait=False)])
    timed_out, no_wait = run.results
    assert_clean_failure(timed_out, "the task's timeout of 1s ran out", "last state seen: Validating")
    assert no_wait["changed"] is False and no_wait["cluster"]["status"] == "Validating"
    timeline = next(iter(sim.clusters.values()))["_timeline"]
    sim.clock.advance(timeline.start + 7 * 600 - sim.now() - 10)  # 10 simulated seconds before Active
    waited = ansible.run_tasks([cluster_task(sim, cluster_template="small")]).results[0]
    assert waited["changed"] is False and waited["cluster"]["status"] == "Active", waited
    assert sim.log.count("POST", "/clusters$") == 1
    assert [e.status for e in sim.log.entries("GET", "/clusters/")][-2:] == [200, 200], "waited with reads only"


def test_wait_false_returns_at_once_and_a_cluster_being_deleted_is_waited_for(sim, ansible):
    sim.set_stage_seconds(600)
    run = ansible.run_tasks([cluster_task(sim, cluster_template="small", wait=False),
                             cluster_task(sim, state="absent", wait=False),
                             cluster_task(sim, cluster_template="small", wait=False)])
    created, deleting, refused = run.results
    sim.set_stage_seconds(1)
    timeline = next(iter(sim.clusters.values()))["_timeline"]
    sim.clock.advance(timeline.start + 600 - sim.now() - 10)  # 10 simulated seconds before it is gone
    recreated = ansible.run_tasks([cluster_task(sim, cluster_template="small")]).results[0]
    assert created["changed"] and created["cluster"]["status"] == "Validating"
    assert deleting["changed"] and sim.log.count("DELETE") == 1
    assert_clean_failure(refused, "being deleted", "wait: true")
    assert recreated["changed"] and recreated["cluster"]["status"] == "Active", recreated
    assert recreated["cluster"]["id"] != created["cluster"]["id"] and sim.log.count("POST", "/clusters$") == 2


def test_the_waits_of_one_task_share_its_timeout(sim, ansible):
    sim.set_stage_seconds(200)  # 10 s of real time per status at speed 20
    ansible.run_tasks([cluster_task(sim, cluster_template="small", wait=False), cluster_task(sim, state="absent", wait=False)])
    timeline = next(iter(sim.clusters.values()))["_timeline"]
    sim.clock.advance(timeline.start + 200 - sim.now() - 100)  # gone 5 s after the clock runs again
    sim.set_stage_seconds(24)  # the new cluster is Active about 8.4 s after its creation
    # Simulated time stands still until the module's first request: how long ansible-playbook takes to start
    # the module on a loaded machine does not eat into the deletion's 5 s.
    sim.clock.set_speed(0)
    sim.on_request(lambda request: sim.clock.set_speed(20))
    # Each wait alone fits in 10 s; both do not: the task fails at its timeout instead of taking 13 s.
    result = ansible.run_tasks([cluster_task(sim, cluster_template="small", timeout=10)]).results[0]
    assert_clean_failure(result, "the task's timeout of 10s ran out", "to become Active")
    assert sim.log.count("POST", "/clusters$") == 2 and result["last_state"]["status"] != "Active"


def test_expired_token_is_renewed_during_the_wait(sim, ansible):
    sim.set_token_lifetime(1.5)
    sim.set_stage_seconds(6)  # 7 stages x 6 s at speed 20: about 2 s of real time
    result = ansible.run_tasks([cluster_task(sim, cluster_template="small")]).results[0]
    assert result["changed"] and result["cluster"]["status"] == "Active", result
    assert sim.log.count("GET", "/clusters/") and 401 in [entry.status for entry in sim.log.entries("GET", "/clusters/")]
    assert sim.log.count("POST", "/v3/auth/tokens") >= 2


def test_wrong_password_is_clear_and_no_password_is_ever_shown(sim, ansible):
    wrong, right = "Wr0ng-Passw0rd-4711", "R1ght-Passw0rd-4711"
    sim.users["demo"]["password"] = right
    run = ansible.run_tasks([cluster_task(sim, auth=sim.auth_args(password=wrong), cluster_template="small"),
                             info_task(sim, auth=sim.auth_args(password=right))], verbosity=4)
    refused, accepted = run.results
    assert_clean_failure(refused, "refused the credentials", "auth.password")
    assert accepted.get("failed") is not True and accepted["clusters"] == [], accepted
    assert wrong not in run.output + str(refused) and right not in run.output + str(accepted)
    assert sim.log.mutating("/clusters") == []


def test_auth_from_clouds_yaml_env_and_application_credential(sim, ansible, tmp_path):
    (tmp_path / "config").mkdir()
    clouds = tmp_path / "config" / "clouds.yaml"
    clouds.write_text("clouds:\n  sim:\n    region_name: RegionTwo\n    auth:\n      auth_url: %s/v3\n      username: demo\n"
                      "      password: secret\n      project_name: demo\n      user_domain_name: Default\n"
                      "      project_domain_name: Default\n" % sim.url)
    yaml_env = {"OS_CLIENT_CONFIG_FILE": str(clouds)}
    os_env = {"OS_AUTH_URL": sim.url + "/v3", "OS_USERNAME": "demo", "OS_PASSWORD": "secret", "OS_PROJECT_NAME": "demo",
              "OS_USER_DOMAIN_NAME": "Default", "OS_PROJECT_DOMAIN_NAME": "Default", "OS_INTERFACE": "internal"}
    app_env = {"OS_AUTH_URL": sim.url + "/v3", "OS_APPLICATION_CREDENTIAL_ID": "demo-app-cred",
               "OS_APPLICATION_CREDENTIAL_SECRET": "demo-app-secret"}
    app = {"auth_url": sim.url + "/v3", "application_credential_id": "demo-app-cred",
           "application_credential_secret": "demo-app-secret"}

    def bare(environment, **args):
        return {"bigdata.platform.sahara_cluster_info": args, "environment": environment}

    run = ansible.run_tasks([
        bare(yaml_env, cloud="sim"), bare(dict(yaml_env, OS_CLOUD="sim")), bare(os_env), bare(app_env),
        info_task(sim, auth=app), info_task(sim, sahara_url=sim.url + "/v2"),
        bare(yaml_env, cloud="nosuch"), bare(yaml_env, cloud="sim", region_name="Nowhere"), info_task(sim, region_name="Nowhere"),
        bare({}, auth={"auth_url": sim.url + "/v3", "username": "demo"}),
    ], env={"OS_CLIENT_CONFIG_FILE": str(tmp_path / "none.yaml")})
    unknown_cloud, bad_region, no_region, no_password = run.results[6:]
    for result in run.results[:6]:
        assert result.get("failed") is not True and result["clusters"] == [], result
    assert sim.log.entries("GET", "/clusters$")[-1].path == "/v2/clusters", "sahara_url is used as given"
    assert_clean_failure(unknown_cloud, "nosuch")
    assert_clean_failure(bad_region, "Nowhere", "RegionTwo")
    assert_clean_failure(no_region, "data-processing", "Nowhere")
    assert_clean_failure(no_password, "auth.password", "is required")
    assert sim.log.count("POST", "/v3/auth/tokens") == 7


def test_tls_is_verified_with_ca_cert_or_os_cacert(start_simulator, certificate, ansible):
    sim = start_simulator(SaharaSimulator, speed=20, tls=certificate)
    run = ansible.run_tasks([info_task(sim), info_task(sim, ca_cert=certificate[0]),
                             dict(info_task(sim), environment={"OS_CACERT": certificate[0]}),
                             info_task(sim, validate_certs=False)])
    refused, with_ca, with_env, unverified = run.results
    assert_clean_failure(refused, "TLS verification of Keystone", "ca_cert")
    for result in (with_ca, with_env, unverified):
        assert result.get("failed") is not True and result["clusters"] == [], result
    assert sim.log.count("GET", "/clusters$") == 3, "Sahara calls use the same CA as Keystone"
