"""Contract test: python-saharaclient on a keystoneauth1 session, unchanged, drives the simulator.

The endpoint comes from the Keystone catalog (keystoneauth's version discovery included), for every
call the sahara_* modules make, on API v1.1 and v2.
"""

import pytest
import requests

pytest.importorskip("saharaclient")

from keystoneauth1 import exceptions as ks_exceptions  # noqa: E402
from keystoneauth1 import session as ks_session  # noqa: E402
from keystoneauth1.identity import v3  # noqa: E402
from saharaclient.api.base import APIException  # noqa: E402
from saharaclient.api.client import Client, ClientV2  # noqa: E402

from simulators.sahara import APP_CRED_ID, APP_CRED_SECRET, IMAGE_ID, NETWORK_ID, PROJECT_ID, SaharaSimulator  # noqa: E402

CLIENTS = {"1.1": Client, "2": ClientV2}


def password_session(sim, password="secret", **scope):
    scope = scope or {"project_name": "demo", "project_domain_name": "Default"}
    auth = v3.Password(auth_url=sim.url + "/v3", username="demo", password=password, user_domain_name="Default", **scope)
    return ks_session.Session(auth=auth)


@pytest.fixture
def sim(start_simulator):
    return start_simulator(SaharaSimulator, speed=50, stage_seconds=1)


def create_templates(client, version):
    version_arg = {"hadoop_version" if version == "1.1" else "plugin_version": "2.7.1"}
    master = client.node_group_templates.create(name="master", plugin_name="vanilla", flavor_id="2",
                                                node_processes=["namenode", "resourcemanager"], **version_arg)
    worker = client.node_group_templates.create(name="worker", plugin_name="vanilla", flavor_id="2",
                                                node_processes=["datanode", "nodemanager"], **version_arg)
    template = client.cluster_templates.create(
        name="small", plugin_name="vanilla", default_image_id=IMAGE_ID, net_id=NETWORK_ID,
        node_groups=[{"name": "master", "node_group_template_id": master.id, "count": 1},
                     {"name": "worker", "node_group_template_id": worker.id, "count": 2}], **version_arg)
    return master, worker, template


def wait_status(sim, client, cluster_id, wanted):
    for dummy in range(200):
        cluster = client.clusters.get(cluster_id, show_progress=True)
        if cluster.status == wanted:
            return cluster
        sim.clock.advance(0.5)
    raise AssertionError("cluster never became %s (last %s)" % (wanted, cluster.status))


@pytest.mark.parametrize("version", ["1.1", "2"])
def test_templates_and_cluster_lifecycle(sim, version):
    client = CLIENTS[version](session=password_session(sim))
    field = "hadoop_version" if version == "1.1" else "plugin_version"
    assert {p.name: p.versions for p in client.plugins.list()} == {"vanilla": ["2.7.1"], "spark": ["2.3"], "cdh": ["5.13"]}
    assert client.plugins.get("vanilla").title == "Vanilla Apache Hadoop"
    sim.register_seed_image()
    assert client.images.get(IMAGE_ID).name == "sahara-vanilla-2.7.1"
    assert [i.name for i in client.images.list()] == ["sahara-vanilla-2.7.1"]

    master, worker, template = create_templates(client, version)
    assert getattr(master, field) == "2.7.1"
    assert [t.name for t in client.node_group_templates.list(search_opts={"name": "worker"})] == ["worker"]
    updated = client.node_group_templates.update(worker.id, flavor_id="3")
    assert updated.flavor_id == "3" and client.node_group_templates.get(worker.id).flavor_id == "3"
    assert client.cluster_templates.get(template.id).node_groups[1]["count"] == 2
    assert client.cluster_templates.update(template.id, description="two workers").description == "two workers"
    assert [t.name for t in client.cluster_templates.list()] == ["small"]

    create_args = {field if version == "2" else "hadoop_version": "2.7.1"}
    cluster = client.clusters.create(name="c1", plugin_name="vanilla", cluster_template_id=template.id,
                                     user_keypair_id="ops", **create_args)
    assert cluster.status == "Validating"
    assert [c.name for c in client.clusters.list(search_opts={"name": "c1"})] == ["c1"]
    active = wait_status(sim, client, cluster.id, "Active")
    assert [step["step_name"] for step in active.provision_progress][:2] == ["Validating", "InfraUpdating"]
    assert {ng["name"]: ng["count"] for ng in active.node_groups} == {"master": 1, "worker": 2}

    scaled = client.clusters.scale(cluster.id, {"resize_node_groups": [{"name": "worker", "count": 4}],
                                                "add_node_groups": [{"name": "edge", "count": 1,
                                                                     "node_group_template_id": worker.id}]})
    assert scaled.cluster["status"] == "Scaling"
    grown = wait_status(sim, client, cluster.id, "Active")
    assert {ng["name"]: ng["count"] for ng in grown.node_groups} == {"master": 1, "worker": 4, "edge": 1}
    speed = sim.clock.speed
    sim.clock.set_speed(0)  # the cluster stays Decommissioning while the second scale is refused, however slow
    shrinking = client.clusters.scale(cluster.id, {"resize_node_groups": [{"name": "worker", "count": 1}]})
    assert shrinking.cluster["status"] == "Decommissioning"
    with pytest.raises(APIException) as busy:
        client.clusters.scale(cluster.id, {"resize_node_groups": [{"name": "worker", "count": 2}]})
    assert busy.value.error_code == 400 and "not in 'Active' status" in busy.value.error_message
    sim.clock.set_speed(speed)
    assert len(wait_status(sim, client, cluster.id, "Active").node_groups[1]["instances"]) == 1
    assert client.clusters.update(cluster.id, description="analytics").cluster["description"] == "analytics"

    sim.clock.set_speed(0)  # Deleting until the clock is advanced, not until the machine is slow enough
    client.clusters.delete(cluster.id)
    assert client.clusters.get(cluster.id).status == "Deleting"
    sim.clock.advance(5)
    with pytest.raises(APIException) as missing:
        client.clusters.get(cluster.id)
    assert missing.value.error_code == 404 and missing.value.error_name == "NOT_FOUND"
    client.cluster_templates.delete(template.id)
    client.node_group_templates.delete(master.id)
    assert [t.name for t in client.node_group_templates.list()] == ["worker"]


@pytest.mark.parametrize("version", ["1.1", "2"])
def test_sahara_errors_have_sahara_bodies(sim, version):
    client = CLIENTS[version](session=password_session(sim))
    version_arg = {"hadoop_version" if version == "1.1" else "plugin_version": "2.7.1"}
    client.node_group_templates.create(name="w", plugin_name="vanilla", flavor_id="2", node_processes=["datanode"],
                                       **version_arg)
    with pytest.raises(APIException) as duplicate:
        client.node_group_templates.create(name="w", plugin_name="vanilla", flavor_id="2", node_processes=["datanode"],
                                           **version_arg)
    assert (duplicate.value.error_code, duplicate.value.error_name) == (400, "NAME_ALREADY_EXISTS")
    assert "already exists" in duplicate.value.error_message
    sim.register_seed_image()
    with pytest.raises(APIException) as bad_version:
        client.clusters.create("c", "vanilla", "9.9", default_image_id=IMAGE_ID, net_id=NETWORK_ID,
                               node_groups=[{"name": "w", "count": 1, "flavor_id": "2", "node_processes": ["datanode"]}])
    assert bad_version.value.error_code == 400 and "doesn't support version '9.9'" in bad_version.value.error_message
    with pytest.raises(APIException) as unknown:
        client.cluster_templates.get("no-such-id")
    assert unknown.value.error_code == 404


def test_creation_can_be_made_to_end_in_error(sim):
    client = ClientV2(session=password_session(sim))
    sim.register_seed_image()
    control = requests.post(sim.url + "/_sim/control/fail_next_create", timeout=5,
                            json={"description": "Heat stack failed: quota exceeded", "at": "Spawning"})
    assert control.status_code == 200, "the hook is reachable from another process too"
    cluster = client.clusters.create("broken", "vanilla", "2.7.1", default_image_id=IMAGE_ID, net_id=NETWORK_ID,
                                     node_groups=[{"name": "w", "count": 1, "flavor_id": "2", "node_processes": ["datanode"]}])
    failed = wait_status(sim, client, cluster.id, "Error")
    assert "quota exceeded" in failed.status_description
    assert [step["step_name"] for step in failed.provision_progress] == ["Validating", "InfraUpdating", "Spawning"]


def test_keystone_methods_catalog_and_expiry(sim):
    with pytest.raises(ks_exceptions.Unauthorized) as refused:
        password_session(sim, password="wrong").get_token()
    assert "The request you have made requires authentication." in str(refused.value)
    assert sim.log.entries("POST", "/v3/auth/tokens")[-1].status == 401

    by_id = password_session(sim, project_id=PROJECT_ID)
    app = ks_session.Session(auth=v3.ApplicationCredential(auth_url=sim.url + "/v3", application_credential_id=APP_CRED_ID,
                                                           application_credential_secret=APP_CRED_SECRET))
    token = ks_session.Session(auth=v3.Token(auth_url=sim.url + "/v3", token=by_id.get_token(), project_name="demo",
                                             project_domain_name="Default"))
    for session in (by_id, app, token):
        assert [p.name for p in Client(session=session).plugins.list()][0] == "vanilla"

    internal = Client(session=by_id, endpoint_type="internalURL", region_name="RegionTwo")
    assert internal.plugins.get("spark").versions == ["2.3"]

    sim.expire_tokens()
    assert [p.name for p in Client(session=by_id).plugins.list()][0] == "vanilla"
    statuses = [entry.status for entry in sim.log.entries(path="/plugins$")]
    assert statuses[-2:] == [401, 200], "an expired token gets 401, keystoneauth re-authenticates"


def test_v2_catalog_form(start_simulator):
    sim = start_simulator(SaharaSimulator, speed=50, catalog_version="2")
    client = ClientV2(session=password_session(sim))
    assert [p.name for p in client.plugins.list()][0] == "vanilla"
    assert sim.log.entries(path="/plugins$")[-1].path == "/v2/plugins"


@pytest.mark.parametrize("version", ["1.1", "2"])
def test_image_registry_is_glance_properties(sim, version):
    """Sahara lists only registered images; registering, tagging and unregistering change Glance's properties."""
    session = password_session(sim)
    client = CLIENTS[version](session=session)
    glance = session.get(sim.url + "/image/v2/images", params={"name": "sahara-vanilla-2.7.1"}).json()["images"]
    assert [image["id"] for image in glance] == [IMAGE_ID]
    assert client.images.list() == []
    with pytest.raises(APIException) as unregistered:
        client.images.get(IMAGE_ID)
    assert (unregistered.value.error_code, unregistered.value.error_name) == (400, "IMAGE_NOT_REGISTERED")
    with pytest.raises(APIException) as unknown:
        client.images.update_image("no-such-image", "ubuntu")
    assert unknown.value.error_code == 404

    client.images.update_image(IMAGE_ID, "ubuntu", "Ubuntu with Hadoop")
    image = client.images.update_tags(IMAGE_ID, ["vanilla", "2.7.1", "extra"])
    assert sorted(client.images.get(IMAGE_ID).tags) == ["2.7.1", "extra", "vanilla"]
    client.images.update_tags(IMAGE_ID, ["vanilla", "2.7.1"])
    image = client.images.get(IMAGE_ID)
    assert (image.username, image.description, sorted(image.tags)) == ("ubuntu", "Ubuntu with Hadoop", ["2.7.1", "vanilla"])
    assert [i.id for i in client.images.list(search_opts={"tags": ["vanilla", "2.7.1"]})] == [IMAGE_ID]
    assert client.images.list(search_opts={"tags": ["spark"]}) == []
    properties = session.get(sim.url + "/image/v2/images/" + IMAGE_ID).json()
    assert properties["_sahara_username"] == "ubuntu" and properties["_sahara_tag_vanilla"] == "True"
    with pytest.raises(APIException) as bad_tag:
        client.images.update_tags(IMAGE_ID, ["not a tag"])
    assert bad_tag.value.error_code == 400 and "valid_tag" in bad_tag.value.error_message

    client.images.unregister_image(IMAGE_ID)
    assert client.images.list() == []
    assert "_sahara_username" not in session.get(sim.url + "/image/v2/images/" + IMAGE_ID).json()


@pytest.mark.parametrize("version", ["1.1", "2"])
def test_launch_needs_the_plugin_tags_and_instances_get_addresses(sim, version):
    client = CLIENTS[version](session=password_session(sim))
    version_arg = {"hadoop_version" if version == "1.1" else "plugin_version": "2.7.1"}
    node_groups = [{"name": "w", "count": 2, "flavor_id": "2", "node_processes": ["datanode"]}]
    with pytest.raises(APIException) as unregistered:
        client.clusters.create("c", "vanilla", "2.7.1", default_image_id=IMAGE_ID, net_id=NETWORK_ID, node_groups=node_groups)
    assert unregistered.value.error_message.startswith("Requested image '%s' is not registered" % IMAGE_ID)
    client.images.update_image(IMAGE_ID, "ubuntu")
    client.images.update_tags(IMAGE_ID, ["vanilla"])
    with pytest.raises(APIException) as untagged:
        client.clusters.create("c", "vanilla", "2.7.1", default_image_id=IMAGE_ID, net_id=NETWORK_ID, node_groups=node_groups)
    assert (untagged.value.error_code, untagged.value.error_name) == (400, "INVALID_REFERENCE")
    assert untagged.value.error_message.startswith(
        "Requested image '%s' doesn't contain required tags: ['2.7.1']" % IMAGE_ID)
    assert client.clusters.list() == []

    client.images.update_tags(IMAGE_ID, ["vanilla", "2.7.1"])
    created = client.clusters.create("c", "vanilla", "2.7.1", default_image_id=IMAGE_ID, net_id=NETWORK_ID,
                                     node_groups=node_groups, is_protected=True, **({} if version == "2" else {}))
    assert created.node_groups[0]["instances"] == [], "no instance before the Spawning step"
    active = wait_status(sim, client, created.id, "Active")
    instances = active.node_groups[0]["instances"]
    assert [i["instance_name"] for i in instances] == ["c-w-001", "c-w-002"]
    assert all(i["management_ip"] and i["internal_ip"] and i["instance_id"] for i in instances), instances

    with pytest.raises(APIException) as protected:
        client.clusters.update(created.id, description="changed")
    assert (protected.value.error_code, protected.value.error_name) == (400, "UPDATE_FAILED")
    with pytest.raises(APIException) as undeletable:
        client.clusters.delete(created.id)
    assert (undeletable.value.error_code, undeletable.value.error_name) == (400, "DELETION_FAILED")
    updated = client.clusters.update(created.id, is_protected=False, description="changed", is_public=True)
    assert (updated.cluster["is_protected"], updated.cluster["description"], updated.cluster["is_public"]) == (
        False, "changed", True)
    assert sim.log.entries("PATCH", "/clusters/")[-1].status == 202
    client.images.unregister_image(IMAGE_ID)
    assert client.clusters.get(created.id).status == "Active", "Sahara lets an image in use be unregistered"
