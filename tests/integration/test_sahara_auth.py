"""Keystone and the Sahara endpoint: requests per no-op, the token reused across a play (sahara_auth), no
openstacksdk without clouds.yaml, retries of safe requests only, no API version mixing, no URL credentials shown,
values Sahara would refuse refused first."""

import re

import pytest

from integration.playbook import assert_clean_failure
from simulators.sahara import SaharaSimulator


@pytest.fixture(params=["1.1", "2"], ids=["v1.1-catalog", "v2-catalog"])
def sim(request, start_simulator):
    simulator = start_simulator(SaharaSimulator, speed=50, stage_seconds=1, catalog_version=request.param)
    simulator.seed_templates()
    return simulator


def task(sim, module, **args):
    return {"bigdata.platform." + module: dict({"auth": sim.auth_args()}, **args)}


def requests_of_each_task(sim, ansible, tasks, **kwargs):
    """Runs each task in a play of its own and returns (results, number of requests each sent)."""
    results, counts = [], []
    for one in tasks:
        before = sim.log.count()
        results.append(ansible.run_tasks([one], **kwargs).results[-1])
        counts.append(sim.log.count() - before)
    return results, counts


def test_no_op_requests_with_a_password_and_with_a_token(sim, ansible):
    cluster = task(sim, "sahara_cluster", name="bench", cluster_template="small", timeout=120)
    created = ansible.run_tasks([cluster]).results[0]
    assert created["changed"] and created["cluster"]["status"] == "Active", created
    no_op = [task(sim, "sahara_cluster", name="bench", node_groups={"worker": 2}), task(sim, "sahara_cluster_info", name="bench")]
    results, counts = requests_of_each_task(sim, ansible, no_op)
    assert [result["changed"] for result in results] == [False, False], results
    assert counts[0] <= 3 and counts[1] <= 3, "login, (version document), read: %s" % counts

    login = {"bigdata.platform.sahara_auth": {"auth": sim.auth_args()}, "register": "keystone", "no_log": True}
    with_token = {"group/bigdata.platform.sahara": "{{ keystone.sahara_auth }}"}
    tasks = [login] + [{"name": "no-op", "module_defaults": with_token, "bigdata.platform.sahara_cluster":
                        {"name": "bench", "node_groups": {"worker": 2}}},
                       {"name": "info", "module_defaults": with_token, "bigdata.platform.sahara_cluster_info": {"name": "bench"}},
                       {"name": "revoke", "module_defaults": with_token, "bigdata.platform.sahara_auth": {"state": "absent"}},
                       {"name": "after", "module_defaults": with_token, "bigdata.platform.sahara_cluster_info": {"name": "bench"}}]
    sim.log.clear()
    run = ansible.run_tasks(tasks)
    dummy, noop, info, revoked, after = run.results
    assert noop["changed"] is False and info["clusters"][0]["name"] == "bench", run.results
    assert sim.log.count("POST", "/v3/auth/tokens") == 1, "one login for the play"
    cluster_reads = [entry.path for entry in sim.log.entries("GET", "/clusters") if entry.status == 200]
    assert len(cluster_reads) == 2, "one request per no-op task with the token: %s" % cluster_reads
    assert revoked["changed"] is True and sim.log.count("DELETE", "/v3/auth/tokens") == 1
    assert_clean_failure(after, "Sahara refused the token", "sahara_auth")
    assert "gAAAA" not in run.output, "the token is not shown"


def test_without_openstacksdk_plain_auth_works_and_cloud_says_what_it_needs(sim, ansible, tmp_path):
    blocker = tmp_path / "blocker" / "openstack"
    blocker.mkdir(parents=True)
    (blocker / "__init__.py").write_text("raise ImportError('openstacksdk is not installed here')\n")
    no_sdk = {"PYTHONPATH": str(tmp_path / "blocker")}
    run = ansible.run_tasks([
        dict(task(sim, "sahara_cluster_info"), environment=no_sdk),
        dict(task(sim, "sahara_image_info"), environment=no_sdk),
        {"bigdata.platform.sahara_cluster_info": {"cloud": "mycloud"}, "environment": no_sdk},
        {"ansible.builtin.command": "python3 -c 'import openstack'", "environment": no_sdk},
    ])
    info, images, cloud, proof = run.results
    assert info.get("failed") is not True and info["clusters"] == [], info
    assert images["images"][0]["name"] == "sahara-vanilla-2.7.1"
    assert_clean_failure(cloud, "option cloud", "openstacksdk")
    assert proof.get("failed") is True and "openstacksdk is not installed here" in proof["stderr"], "the blocker works"


def test_transient_keystone_and_version_document_failures(sim, ansible):
    sim.faults.add("POST", "^/v3/auth/tokens$", count=1, status=503)
    sim.faults.add("GET", "^/$", count=1, status=503)
    one_each = ansible.run_tasks([task(sim, "sahara_cluster_info")]).results[0]
    assert one_each.get("failed") is not True and one_each["clusters"] == [], one_each
    assert [e.status for e in sim.log.entries("POST", "/v3/auth/tokens")] == [503, 201], "the login is retried once"
    sahara_paths = [entry.path for entry in sim.log.entries("GET") if entry.path.endswith("/clusters")]
    assert sahara_paths == ["/v2/clusters"], "API v2 asked for, API v2 used"

    sim.log.clear()
    sim.faults.add("GET", "^/$", count=10, status=503)
    version_down = ansible.run_tasks([task(sim, "sahara_cluster", name="x", cluster_template="small")]).results[0]
    if sim.catalog_version == "2":
        assert version_down.get("failed") is not True, "a v2 catalog needs no version document"
    else:
        assert_clean_failure(version_down, "version document", "not falling back", "API 1.1")
        assert not [e for e in sim.log.entries() if e.path.startswith("/v1.1/")], "no request to another API version"
        assert sim.mutations() == []
    sim.faults.clear()


def test_credentials_in_urls_and_values_sahara_refuses(sim, ansible):
    secret = "S3cr3t-In-Url-4711"
    url = sim.url.replace("http://", "http://admin:%s@" % secret)
    run = ansible.run_tasks([
        task(sim, "sahara_cluster_info", sahara_url=url + "/v2"),
        task(sim, "sahara_cluster_info", auth=sim.auth_args(auth_url=url + "/v3")),
        task(sim, "sahara_cluster_info", sahara_url=sim.url + "/v1.1/x", api_version="2"),
        task(sim, "sahara_node_group_template", name="w", plugin="vanilla", plugin_version="2.7.1", flavor_id="2",
             node_processes=["datanode"], volumes_per_node=-1),
        task(sim, "sahara_node_group_template", name="w", plugin="vanilla", plugin_version="2.7.1", flavor_id="2",
             node_processes=["datanode"], volumes_per_node=2, volumes_size=0),
        task(sim, "sahara_node_group_template", name="", plugin="vanilla", plugin_version="2.7.1", flavor_id="2",
             node_processes=["datanode"]),
        task(sim, "sahara_cluster", name=" ", cluster_template="small"),
        task(sim, "sahara_image", image="", username="ubuntu"),
        task(sim, "sahara_image", image="sahara-vanilla-2.7.1", username=""),
    ], verbosity=4)
    in_sahara_url, in_auth_url, mixed, negative, no_size, empty, blank, no_image, no_user = run.results
    assert_clean_failure(in_sahara_url, "sahara_url", "***@", "user:password@")
    assert_clean_failure(in_auth_url, "auth.auth_url", "***@")
    # ansible-core 2.19 quotes the task's own source lines ("15   - bigdata...") under a failure: the playbook holds
    # the URL the user wrote; nothing the module returns or logs does.
    shown = [line for line in run.output.splitlines() if secret in line and not re.match(r"^\s*\d+\s", line)]
    assert shown == [] and secret not in str(run.results), shown
    assert_clean_failure(mixed, "sahara_url", "API 1.1", "api_version is 2")
    assert_clean_failure(negative, "volumes_per_node", "-1")
    assert_clean_failure(no_size, "volumes_size", "volumes_per_node")
    assert_clean_failure(empty, "name", "''")
    assert_clean_failure(blank, "name", "' '")
    assert_clean_failure(no_image, "image", "''")
    assert_clean_failure(no_user, "username", "''")
    assert sim.mutations() == [] and "admin" not in [e.headers.get("Authorization") for e in sim.log.entries()]
