"""From a project with only a Glance image to a cluster whose instance addresses a later play reads (issue 18):
sahara_image, sahara_image_info, the templates and sahara_cluster, through real ansible-playbook."""

import pytest

from integration.playbook import assert_clean_failure
from simulators.sahara import IMAGE_ID, NETWORK_ID, SaharaSimulator

PLAIN_ID = "6a0c8d2e-3b1f-4e5d-9c7b-2f4e6a8c0d13"
IMAGE_KEYS = {"id", "name", "username", "description", "tags", "status"}
INSTANCE_KEYS = {"instance_name", "instance_id", "management_ip", "internal_ip"}


@pytest.fixture
def sim(start_simulator):
    simulator = start_simulator(SaharaSimulator, speed=50, stage_seconds=1)
    simulator.glance_images[PLAIN_ID] = simulator.glance_image(PLAIN_ID, "plain-ubuntu")
    return simulator


def task(sim, module, **args):
    return {"bigdata.platform." + module: dict({"auth": sim.auth_args()}, **args)}


def image(sim, **args):
    return task(sim, "sahara_image", **dict({"image": "sahara-vanilla-2.7.1"}, **args))


def platform(sim):
    """What the sahara_cluster role does on a fresh project: image, node group templates, cluster template, cluster."""
    vanilla = {"plugin": "vanilla", "plugin_version": "2.7.1"}
    return [
        image(sim, username="ubuntu", description="Ubuntu with Hadoop 2.7.1", tags=["vanilla", "2.7.1", "extra"]),
        task(sim, "sahara_node_group_template", name="master", flavor_id="2", node_processes=["namenode"], **vanilla),
        task(sim, "sahara_node_group_template", name="worker", flavor_id="2", node_processes=["datanode"],
             volumes_per_node=2, volumes_size=10, volume_type="ssd", volumes_availability_zone="nova",
             volume_local_to_instance=True, is_proxy_gateway=False,
             shares=[{"id": "5f0d8c2a-1b3e-4f6a-8c9d-0e1f2a3b4c5d", "path": "/mnt/share"}], **vanilla),
        task(sim, "sahara_cluster_template", name="small", default_image="sahara-vanilla-2.7.1",
             neutron_management_network=NETWORK_ID, node_groups=[
                 {"name": "master", "node_group_template": "master", "count": 1},
                 {"name": "worker", "node_group_template": "worker", "count": 2}], **vanilla),
        task(sim, "sahara_cluster", name="analytics", cluster_template="small", cluster_configs={"HDFS": {"dfs.replication": 2}},
             anti_affinity=["datanode"], use_autoconfig=False, is_public=True, timeout=120),
    ]


def test_from_a_glance_image_to_instance_addresses(sim, ansible):
    predicted = ansible.run_tasks(platform(sim)[:3], check=True, diff=True).results
    assert [result["changed"] for result in predicted] == [True] * 3, predicted
    assert predicted[0]["image"]["tags"] == ["2.7.1", "extra", "vanilla"] and predicted[0]["diff"]["before"] == {}
    assert sim.mutations() == [] and sim.registered() == {}, "check mode registers nothing"

    run = ansible.run_tasks(platform(sim) + [task(sim, "sahara_cluster_info", name="analytics"),
                                             task(sim, "sahara_image_info")] + platform(sim))
    registered, master, worker, template, cluster, info, images = run.results[:7]
    again = run.results[7:]
    for result in run.results[:7]:
        assert result.get("failed") is not True, result
    assert IMAGE_KEYS <= set(registered["image"]) and registered["image"]["username"] == "ubuntu"
    assert registered["image"]["tags"] == ["2.7.1", "extra", "vanilla"]
    assert images["images"] == [registered["image"]]
    assert worker["node_group_template"]["volume_type"] == "ssd" and worker["node_group_template"]["volume_local_to_instance"]
    assert worker["node_group_template"]["shares"] == [{"id": "5f0d8c2a-1b3e-4f6a-8c9d-0e1f2a3b4c5d", "path": "/mnt/share",
                                                        "access_level": "rw"}]
    created = cluster["cluster"]
    assert cluster["changed"] and created["status"] == "Active", cluster
    assert (created["cluster_configs"], created["anti_affinity"], created["use_autoconfig"], created["is_public"]) == (
        {"HDFS": {"dfs.replication": 2}}, ["datanode"], False, True)
    instances = [i for group in info["clusters"][0]["node_group_details"] for i in group["instances"]]
    assert len(instances) == 3 and all(INSTANCE_KEYS <= set(i) and i["management_ip"] and i["internal_ip"]
                                       and i["instance_id"] for i in instances), instances
    assert sorted(cluster["instances"]) == sorted(i["instance_name"] for i in instances)
    assert cluster["instances"]["analytics-worker-001"]["node_group"] == "worker"
    assert [result["changed"] for result in again] == [False] * 5, again
    assert sim.log.count("POST", "/clusters$") == 1 and sim.log.count("POST", "/images/") == 1

    sim.log.clear()
    run = ansible.run_tasks([
        image(sim, tags=["vanilla", "2.7.1"]),
        image(sim, tags=["spark"], append=True),
        image(sim, tags=["spark"], append=True),
        task(sim, "sahara_cluster", name="analytics", is_protected=True),
        task(sim, "sahara_cluster", name="analytics", is_protected=True),
        task(sim, "sahara_cluster", name="analytics", description="nightly", node_groups={"worker": 3}),
        task(sim, "sahara_cluster", name="analytics", state="absent"),
        task(sim, "sahara_cluster_info", name="analytics"),
    ], diff=True)
    exact, appended, appended_again, protect, protect_again, refused, undeletable, still = run.results
    assert exact["changed"] and exact["image"]["tags"] == ["2.7.1", "vanilla"], exact
    assert exact["diff"]["before"]["tags"] == ["2.7.1", "extra", "vanilla"] and exact["diff"]["after"]["tags"] == ["2.7.1", "vanilla"]
    assert appended["changed"] and appended["image"]["tags"] == ["2.7.1", "spark", "vanilla"], appended
    assert appended_again["changed"] is False
    assert protect["changed"] and protect["updated"] == {"is_protected": True} and protect["cluster"]["is_protected"]
    assert protect["diff"]["before"]["is_protected"] is False and protect["diff"]["after"]["is_protected"] is True
    assert protect_again["changed"] is False
    assert [entry.body for entry in sim.log.entries("PATCH", "/clusters/")] == ['{"is_protected": true}']
    assert_clean_failure(refused, "is_protected", "protected", "description", "node_groups")
    assert_clean_failure(undeletable, "is_protected", "protected", "deleted")
    assert still["clusters"][0]["status"] == "Active" and sim.log.count("PUT", "/clusters/") == 0
    assert sim.log.count("DELETE") == 0 and sim.log.count("PATCH") == 1, "refused before any request"

    run = ansible.run_tasks([
        task(sim, "sahara_image", image=PLAIN_ID, username="ubuntu", tags=["vanilla"]),
        task(sim, "sahara_cluster", name="untagged", plugin="vanilla", plugin_version="2.7.1", cluster_template="small",
             default_image="plain-ubuntu"),
        task(sim, "sahara_image", image="no-such-image", username="ubuntu", tags=["vanilla"]),
        task(sim, "sahara_image", image="plain-ubuntu", tags=["not a tag"]),
        task(sim, "sahara_image", image="sahara-vanilla-2.7.1", state="absent"),
        task(sim, "sahara_image", image="sahara-vanilla-2.7.1", state="absent"),
        task(sim, "sahara_image_info", tags=["vanilla"]),
        task(sim, "sahara_cluster_info", name="analytics"),
    ])
    plain, untagged, unknown, bad_tag, unregistered, unregistered_again, left, running = run.results
    assert plain["changed"] and plain["image"]["tags"] == ["vanilla"]
    assert_clean_failure(untagged, "Requested image '%s' doesn't contain required tags: ['2.7.1']" % PLAIN_ID)
    assert_clean_failure(unknown, "image", "no-such-image", "Glance")
    assert_clean_failure(bad_tag, "tags", "not a tag")
    assert unregistered["changed"] and unregistered["in_use_by"] == {
        "clusters": ["analytics"], "cluster_templates": ["small"], "node_group_templates": []}, unregistered
    assert any("analytics" in warning and "Sahara allows it" in warning for warning in unregistered["warnings"])
    assert unregistered_again["changed"] is False
    assert [i["name"] for i in left["images"]] == ["plain-ubuntu"]
    assert running["clusters"][0]["status"] == "Active", "Sahara lets an image in use be unregistered"
    assert IMAGE_ID in sim.glance_images and "_sahara_username" not in sim.glance_images[IMAGE_ID], "Glance keeps it"
    assert sim.log.count("POST", "/clusters$") == 1 and len(sim.clusters) == 1, "the untagged launch was refused"
    assert not [e for e in sim.mutations() if "no-such-image" in e.path or "not a tag" in (e.body or "")]


def test_api_v11_tags_with_tag_and_untag(sim, ansible):
    v11 = {"api_version": "1.1"}
    run = ansible.run_tasks([
        image(sim, username="centos", tags=["vanilla", "extra"], **v11),
        image(sim, tags=["vanilla", "2.7.1"], **v11),
        image(sim, tags=["vanilla", "2.7.1"], **v11),
        image(sim, username="cloud-user", **v11),
        task(sim, "sahara_image_info", image=IMAGE_ID, **v11),
    ])
    first, retagged, again, renamed, info = run.results
    assert first["changed"] and first["image"]["tags"] == ["extra", "vanilla"], first
    assert retagged["changed"] and retagged["image"]["tags"] == ["2.7.1", "vanilla"] and again["changed"] is False
    assert renamed["changed"] and renamed["image"]["username"] == "cloud-user"
    assert info["images"][0]["username"] == "cloud-user" and info["images"][0]["tags"] == ["2.7.1", "vanilla"]
    paths = [entry.path.split("/images/")[1].split("/", 1)[-1] for entry in sim.log.entries("POST", "/images/")]
    assert sorted(paths) == sorted([IMAGE_ID, "tag", "tag", "untag", IMAGE_ID]), paths
    assert all(entry.path.startswith("/v1.1/") for entry in sim.log.entries("POST", "/images/"))
