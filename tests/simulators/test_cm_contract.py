"""Contract test: Cloudera's own Python client (cm-client, unchanged) drives the CM simulator over real
HTTP for every call the cm_* modules make. If the simulator's paths, bodies or field names drift from
the real API, cm-client's models stop deserialising them and these tests fail."""

import contextlib
import json
import time
import urllib.error
import urllib.request

import pytest

cm_client = pytest.importorskip("cm_client")
from cm_client.rest import ApiException  # noqa: E402  (after importorskip)

from simulators.cloudera_manager import CDH_7_1_7, CDH_7_1_8, CDH_7_1_9, REPO_7_1_9  # noqa: E402

CLUSTER = "Cluster 1"


@pytest.fixture
def sim(start_simulator):
    return start_simulator("cm", speed=20)


def client_for(sim, username="admin", password="admin", version="v45"):
    configuration = cm_client.Configuration()
    configuration.username = username
    configuration.password = password
    return cm_client.ApiClient(sim.url + "/api/" + version)


@pytest.fixture
def client(sim):
    return client_for(sim)


def wait_for(read, done, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        value = read()
        if done(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.05)


@contextlib.contextmanager
def frozen(sim):
    """Simulated time stands still inside: a transient stage or state the test reads right after the command
    that began it is still there however loaded the machine is (sim.clock.advance moves it on)."""
    speed = sim.clock.speed
    sim.clock.set_speed(0)
    try:
        yield
    finally:
        sim.clock.set_speed(speed)


def wait_command(client, command):
    commands = cm_client.CommandsResourceApi(client)
    return wait_for(lambda: commands.read_command(command.id), lambda c: not c.active)


def test_api_version_is_plain_text_and_needs_credentials(sim):
    # cm-client has no call for /api/version (the modules' discovery), so read it plainly.
    request = urllib.request.Request(sim.url + "/api/version")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=5)
    assert refused.value.code == 401
    password_manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    password_manager.add_password(None, sim.url, "admin", "admin")
    opener = urllib.request.build_opener(urllib.request.HTTPBasicAuthHandler(password_manager))
    with opener.open(sim.url + "/api/version", timeout=5) as response:
        assert response.read().decode() == "v51"
        assert response.headers["Content-Type"].startswith("text/plain")


def test_wrong_password_is_401_with_a_message(sim):
    client = client_for(sim, password="wrong")
    try:
        with pytest.raises(ApiException) as refused:
            cm_client.ClustersResourceApi(client).read_clusters()
    finally:
        client_for(sim)
    assert refused.value.status == 401
    assert "Bad credentials" in refused.value.body


def test_unknown_api_version_is_404(sim):
    with pytest.raises(ApiException) as missing:
        cm_client.ClustersResourceApi(client_for(sim, version="v99")).read_clusters()
    assert missing.value.status == 404


def test_clusters_and_cm_config(client):
    clusters = cm_client.ClustersResourceApi(client).read_clusters().items
    assert [(c.name, c.display_name) for c in clusters] == [("cluster", "Cluster 1"), ("cluster2", "Cluster 2")]
    assert cm_client.ClustersResourceApi(client).read_cluster(CLUSTER).full_version == "7.1.7"
    manager = cm_client.ClouderaManagerResourceApi(client)
    full = {item.name: item for item in manager.get_config(view="full").items}
    assert full["REMOTE_PARCEL_REPO_URLS"].value is None
    assert "7.1.8" in full["REMOTE_PARCEL_REPO_URLS"].default
    assert manager.get_config().items == []
    updated = manager.update_config(body=cm_client.ApiConfigList(items=[
        cm_client.ApiConfig(name="REMOTE_PARCEL_REPO_URLS", value=full["REMOTE_PARCEL_REPO_URLS"].default + "," + REPO_7_1_9)]))
    assert REPO_7_1_9 in updated.items[0].value
    with pytest.raises(ApiException) as unknown:
        manager.update_config(body=cm_client.ApiConfigList(items=[cm_client.ApiConfig(name="NOPE", value="1")]))
    assert unknown.value.status == 400 and "NOPE" in unknown.value.body


def test_repo_refresh_makes_a_new_parcel_available(client):
    parcels = cm_client.ParcelsResourceApi(client)
    assert CDH_7_1_9 not in [p.version for p in parcels.read_parcels(CLUSTER).items]
    manager = cm_client.ClouderaManagerResourceApi(client)
    default = {item.name: item for item in manager.get_config(view="full").items}["REMOTE_PARCEL_REPO_URLS"].default
    manager.update_config(body=cm_client.ApiConfigList(items=[
        cm_client.ApiConfig(name="REMOTE_PARCEL_REPO_URLS", value=default + "," + REPO_7_1_9)]))
    command = manager.refresh_parcel_repos()
    assert command.active is True and command.id
    assert wait_command(client, command).success is True
    stages = {p.version: p.stage for p in parcels.read_parcels(CLUSTER).items}
    assert stages == {CDH_7_1_7: "ACTIVATED", CDH_7_1_8: "AVAILABLE_REMOTELY", CDH_7_1_9: "AVAILABLE_REMOTELY"}


def read_stage(client, version, cluster=CLUSTER):
    return cm_client.ParcelResourceApi(client).read_parcel(cluster, "CDH", version)


def walk(client, command, version, stage, cluster=CLUSTER):
    result = getattr(cm_client.ParcelResourceApi(client), command)(cluster, "CDH", version)
    assert result.success is True
    return wait_for(lambda: read_stage(client, version, cluster), lambda p: p.stage == stage)


def test_parcel_walks_every_stage_forward_and_back(sim, client):
    parcel = cm_client.ParcelResourceApi(client)
    with frozen(sim):
        parcel.start_download_command(CLUSTER, "CDH", CDH_7_1_8)
        sim.clock.advance(1)
        seen = read_stage(client, CDH_7_1_8)
    assert seen.stage == "DOWNLOADING" and seen.state.total_progress > 0
    assert (seen.cluster_ref.cluster_name, seen.cluster_ref.display_name) == ("cluster", CLUSTER)
    assert wait_for(lambda: read_stage(client, CDH_7_1_8), lambda p: p.stage == "DOWNLOADED").stage == "DOWNLOADED"
    # The download is CM-wide: the other cluster sees it too.
    assert read_stage(client, CDH_7_1_8, "Cluster 2").stage == "DOWNLOADED"
    assert walk(client, "start_distribution_command", CDH_7_1_8, "DISTRIBUTED").state.count == 3
    assert walk(client, "activate_command", CDH_7_1_8, "ACTIVATED").stage == "ACTIVATED"
    assert read_stage(client, CDH_7_1_7).stage == "DISTRIBUTED"
    services = cm_client.ServicesResourceApi(client).read_services(CLUSTER).items
    assert {s.config_staleness_status for s in services} == {"STALE"}
    assert walk(client, "deactivate_command", CDH_7_1_8, "DISTRIBUTED").stage == "DISTRIBUTED"
    assert walk(client, "start_removal_of_distribution_command", CDH_7_1_8, "DOWNLOADED").stage == "DOWNLOADED"
    assert walk(client, "remove_download_command", CDH_7_1_8, "AVAILABLE_REMOTELY").state.errors == []


def test_parcel_cancels(sim, client):
    parcel = cm_client.ParcelResourceApi(client)
    with frozen(sim):
        parcel.start_download_command(CLUSTER, "CDH", CDH_7_1_8)
        parcel.cancel_download_command(CLUSTER, "CDH", CDH_7_1_8)
        assert read_stage(client, CDH_7_1_8).stage == "AVAILABLE_REMOTELY"
    walk(client, "start_download_command", CDH_7_1_8, "DOWNLOADED")
    with frozen(sim):
        parcel.start_distribution_command(CLUSTER, "CDH", CDH_7_1_8)
        parcel.cancel_distribution_command(CLUSTER, "CDH", CDH_7_1_8)
        assert read_stage(client, CDH_7_1_8).stage == "UNDISTRIBUTING"
    assert wait_for(lambda: read_stage(client, CDH_7_1_8), lambda p: p.stage == "DOWNLOADED").stage == "DOWNLOADED"


def test_illegal_parcel_command_and_unknown_parcel(client):
    parcel = cm_client.ParcelResourceApi(client)
    with pytest.raises(ApiException) as illegal:
        parcel.activate_command(CLUSTER, "CDH", CDH_7_1_8)
    assert illegal.value.status == 400 and "AVAILABLE_REMOTELY" in illegal.value.body
    with pytest.raises(ApiException) as missing:
        parcel.read_parcel(CLUSTER, "CDH", "9.9.9")
    assert missing.value.status == 404
    with pytest.raises(ApiException) as no_cluster:
        cm_client.ParcelsResourceApi(client).read_parcels("Cluster 9")
    assert no_cluster.value.status == 404 and "Cluster 9" in no_cluster.value.body


def test_failed_download_and_distribution_show_errors(sim, client):
    sim.control_fail_next_download("CDH", CDH_7_1_8, message="hash mismatch")
    cm_client.ParcelResourceApi(client).start_download_command(CLUSTER, "CDH", CDH_7_1_8)
    failed = wait_for(lambda: read_stage(client, CDH_7_1_8), lambda p: p.stage != "DOWNLOADING")
    assert (failed.stage, failed.state.errors) == ("AVAILABLE_REMOTELY", ["hash mismatch"])
    walk(client, "start_download_command", CDH_7_1_8, "DOWNLOADED")
    sim.control_fail_next_distribution("CDH", CDH_7_1_8, message="disk full")
    cm_client.ParcelResourceApi(client).start_distribution_command(CLUSTER, "CDH", CDH_7_1_8)
    failed = wait_for(lambda: read_stage(client, CDH_7_1_8), lambda p: p.stage != "DISTRIBUTING")
    assert (failed.stage, failed.state.errors) == ("DOWNLOADED", ["disk full"])


def test_service_lifecycle_and_commands(sim, client):
    services = cm_client.ServicesResourceApi(client)
    hdfs = services.read_service(CLUSTER, "hdfs")
    assert (hdfs.type, hdfs.service_state, hdfs.health_summary, hdfs.config_staleness_status) == \
        ("HDFS", "STARTED", "GOOD", "FRESH")
    assert len(cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs").items) == 5
    created = services.create_services(CLUSTER, body=cm_client.ApiServiceList(
        items=[cm_client.ApiService(name="kafka", type="KAFKA")]))
    assert created.items[0].service_state == "STOPPED"
    with frozen(sim):
        command = services.start_command(CLUSTER, "kafka")
        assert command.active is True
        assert services.read_service(CLUSTER, "kafka").service_state == "STARTING"
    assert wait_command(client, command).success is True
    assert services.read_service(CLUSTER, "kafka").service_state == "STARTED"
    with pytest.raises(ApiException) as illegal:
        services.start_command(CLUSTER, "kafka")
    assert illegal.value.status == 400 and "not currently available" in illegal.value.body
    with pytest.raises(ApiException) as started:
        services.delete_service(CLUSTER, "kafka")
    assert started.value.status == 400
    assert wait_command(client, services.restart_command(CLUSTER, "kafka")).success is True
    rolling = services.rolling_restart(CLUSTER, "kafka", body=cm_client.ApiRollingRestartArgs(slave_batch_size=1))
    assert wait_command(client, rolling).success is True
    assert wait_command(client, services.stop_command(CLUSTER, "kafka")).success is True
    assert services.delete_service(CLUSTER, "kafka").name == "kafka"
    assert "kafka" not in [s.name for s in services.read_services(CLUSTER).items]


def test_failed_command_has_the_error_in_its_children(sim, client):
    services = cm_client.ServicesResourceApi(client)
    sim.control_fail_next_command("hdfs", message="NameNode failed to bind port 8020")
    done = wait_command(client, services.restart_command(CLUSTER, "hdfs"))
    assert (done.active, done.success, done.result_message) == (False, False, "Failed to restart service.")
    assert done.children.items[0].result_message == "NameNode failed to bind port 8020"
    assert services.read_service(CLUSTER, "hdfs").service_state == "STOPPED"


def test_service_config_full_view_update_and_staleness(client):
    services = cm_client.ServicesResourceApi(client)
    full = {c.name: c for c in services.read_service_config(CLUSTER, "hdfs", view="full").items}
    assert (full["dfs_replication"].default, full["dfs_replication"].value) == ("3", None)
    assert full["zookeeper_service"].value == "zookeeper"
    assert [c.name for c in services.read_service_config(CLUSTER, "hdfs").items] == ["zookeeper_service"]
    updated = services.update_service_config(CLUSTER, "hdfs", body=cm_client.ApiServiceConfig(
        items=[cm_client.ApiConfig(name="dfs_replication", value="2")]))
    assert {c.name: c.value for c in updated.items}["dfs_replication"] == "2"
    hdfs = services.read_service(CLUSTER, "hdfs")
    assert (hdfs.config_staleness_status, hdfs.client_config_staleness_status, hdfs.config_stale) == \
        ("STALE", "STALE", True)
    with pytest.raises(ApiException) as unknown:
        services.update_service_config(CLUSTER, "hdfs", body=cm_client.ApiServiceConfig(
            items=[cm_client.ApiConfig(name="dfs_nope", value="1")]))
    assert unknown.value.status == 400 and "dfs_nope" in unknown.value.body
    assert wait_command(client, services.restart_command(CLUSTER, "hdfs")).success is True
    assert services.read_service(CLUSTER, "hdfs").config_staleness_status == "FRESH"
    deploy = services.deploy_client_config_command(CLUSTER, "hdfs", body=cm_client.ApiRoleNameList(items=[]))
    assert wait_command(client, deploy).success is True
    assert services.read_service(CLUSTER, "hdfs").client_config_staleness_status == "FRESH"


def test_test_hooks_answer_over_http(sim, client):
    """The hooks another process (the demo, the platform playbooks) uses: POST /_sim/control/<name>."""
    def control(action, body):
        request = urllib.request.Request(sim.url + "/_sim/control/" + action, data=json.dumps(body).encode(),
                                         method="POST", headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as response:
            return json.loads(response.read())

    assert control("fail_next_command", {"service": "yarn", "message": "boom"}) == {"armed": "command"}
    done = wait_command(client, cm_client.ServicesResourceApi(client).stop_command(CLUSTER, "yarn"))
    assert done.success is False and done.children.items[0].result_message == "boom"
    assert control("set_parcel_stage", {"cluster": CLUSTER, "product": "CDH", "version": CDH_7_1_8,
                                        "stage": "DISTRIBUTED"}) == {"stage": "DISTRIBUTED"}
    assert read_stage(client, CDH_7_1_8).stage == "DISTRIBUTED"
    assert control("fail_next_download", {"product": "CDH", "version": CDH_7_1_9})["armed"] == "download"
    assert control("set_service", {"cluster": CLUSTER, "service": "hdfs", "stale": "STALE"})["configStalenessStatus"] == "STALE"


# -- clusters, hosts, host templates, cluster commands (an empty Cloudera Manager) ----------------------
@pytest.fixture
def empty(start_simulator):
    return start_simulator("cm", speed=20, clusters=())


NODES = [("node%d.example.com" % index, "10.1.0.%d" % index) for index in (1, 2, 3)]


def test_an_empty_cm_knows_a_host_only_once_its_agent_heartbeats(empty):
    client = client_for(empty)
    hosts = cm_client.HostsResourceApi(client)
    assert cm_client.ClustersResourceApi(client).read_clusters().items == []
    assert hosts.read_hosts().items == []
    empty.control_agent_heartbeat(hosts=[{"hostname": name, "ip_address": ip} for name, ip in NODES])
    known = hosts.read_hosts().items
    assert [(h.hostname, h.ip_address, h.health_summary) for h in known] == [(n, ip, "GOOD") for n, ip in NODES]
    assert known[0].host_id != known[0].hostname and known[0].last_heartbeat
    # POST /hosts registers a host by hostname and address; its hostId is the hostname; no heartbeat yet.
    node9 = cm_client.ApiHostList(items=[cm_client.ApiHost(hostname="node9.example.com", ip_address="10.1.0.9")])
    created = hosts.create_hosts(body=node9)
    assert (created.items[0].host_id, created.items[0].health_summary, created.items[0].last_heartbeat) == \
        ("node9.example.com", "BAD", None)
    with pytest.raises(ApiException) as twice:
        hosts.create_hosts(body=node9)
    assert twice.value.status == 400
    with pytest.raises(ApiException) as by_name:
        hosts.read_host(NODES[0][0])
    assert by_name.value.status == 404  # /hosts/{hostId} takes the hostId
    updated = hosts.update_host(known[0].host_id, body=cm_client.ApiHost(rack_id="/rack1"))
    assert updated.rack_id == "/rack1"
    assert hosts.enter_maintenance_mode(known[0].host_id).success is True
    assert hosts.read_host(known[0].host_id).maintenance_mode is True
    assert hosts.delete_host("node9.example.com").hostname == "node9.example.com"


def test_cluster_by_display_name_hosts_templates_and_commands(empty):
    client = client_for(empty)
    clusters = cm_client.ClustersResourceApi(client)
    empty.control_agent_heartbeat(hosts=[{"hostname": name, "ip_address": ip} for name, ip in NODES])
    created = clusters.create_clusters(body=cm_client.ApiClusterList(items=[
        cm_client.ApiCluster(name="cluster", display_name="Cluster 1", full_version="7.1.7")]))
    assert (created.items[0].name, created.items[0].display_name, created.items[0].version) == ("cluster", "Cluster 1", "CDH7")
    with pytest.raises(ApiException) as taken:
        other = cm_client.ApiCluster(name="other", display_name="Cluster 1", version="CDH7")
        clusters.create_clusters(body=cm_client.ApiClusterList(items=[other]))
    assert taken.value.status == 400
    # Either name in paths; answers carry the internal name and the display name.
    assert clusters.read_cluster("Cluster 1").name == clusters.read_cluster("cluster").name == "cluster"
    assert "HDFS" in clusters.list_service_types("Cluster 1").items
    ids = [h.host_id for h in cm_client.HostsResourceApi(client).read_hosts().items]
    added = clusters.add_hosts("Cluster 1", body=cm_client.ApiHostRefList(items=[cm_client.ApiHostRef(host_id=i) for i in ids]))
    assert [ref.host_id for ref in added.items] == ids
    assert [h.cluster_ref.display_name for h in clusters.list_hosts("cluster").items] == ["Cluster 1"] * 3

    services = cm_client.ServicesResourceApi(client)
    services.create_services("Cluster 1", body=cm_client.ApiServiceList(items=[
        cm_client.ApiService(name="zookeeper", type="ZOOKEEPER"), cm_client.ApiService(name="hdfs", type="HDFS")]))
    services.update_service_config("Cluster 1", "hdfs", body=cm_client.ApiServiceConfig(
        items=[cm_client.ApiConfig(name="zookeeper_service", value="zookeeper")]))
    templates = cm_client.HostTemplatesResourceApi(client)
    made = templates.create_host_templates("Cluster 1", body=cm_client.ApiHostTemplateList(items=[cm_client.ApiHostTemplate(
        name="workers", role_config_group_refs=[cm_client.ApiRoleConfigGroupRef(role_config_group_name="hdfs-DATANODE-BASE"),
                                                cm_client.ApiRoleConfigGroupRef(role_config_group_name="zookeeper-SERVER-BASE")])]))
    assert made.items[0].cluster_ref.cluster_name == "cluster"
    assert [t.name for t in templates.read_host_templates("cluster").items] == ["workers"]
    applied = templates.apply_host_template("Cluster 1", "workers", start_roles=False,
                                            body=cm_client.ApiHostRefList(items=[cm_client.ApiHostRef(host_id=i) for i in ids]))
    assert (applied.active, applied.success) == (False, True)
    with pytest.raises(ApiException) as again:
        templates.apply_host_template("Cluster 1", "workers", body=cm_client.ApiHostRefList(items=[cm_client.ApiHostRef(host_id=ids[0])]))
    assert again.value.status == 400 and "already has roles" in again.value.body
    assert len(cm_client.RolesResourceApi(client).read_roles("Cluster 1", "hdfs").items) == 3
    assert len(cm_client.HostsResourceApi(client).read_host(ids[0]).role_refs) == 2

    start = clusters.start_command("Cluster 1")
    assert start.active is True
    done = wait_command(client, start)
    assert done.success is True and [c.service_ref.service_name for c in done.children.items] == ["zookeeper", "hdfs"]
    assert clusters.read_cluster("cluster").entity_status == "GOOD_HEALTH"
    rolling = clusters.rolling_restart("Cluster 1", body=cm_client.ApiRollingRestartClusterArgs(slave_batch_size=1))
    assert wait_command(client, rolling).success is True
    assert [entry["where"] for entry in empty.restart_log] == [[name] for name, ip in NODES]
    restart = clusters.restart_command("Cluster 1", body=cm_client.ApiRestartClusterArgs(restart_only_stale_services=False))
    assert wait_command(client, restart).success is True
    assert wait_command(client, clusters.deploy_client_config("Cluster 1")).success is True

    with pytest.raises(ApiException) as carrying:
        clusters.remove_host("Cluster 1", ids[0])
    assert carrying.value.status == 400 and "still has roles" in carrying.value.body
    removal = cm_client.HostsResourceApi(client).remove_hosts_from_cluster(
        body=cm_client.ApiHostsToRemoveArgs(hosts_to_remove=[NODES[0][0]]))
    assert wait_command(client, removal).success is True
    assert [h.hostname for h in clusters.list_hosts("cluster").items] == [NODES[1][0], NODES[2][0]]
    with pytest.raises(ApiException) as running:
        clusters.delete_cluster("Cluster 1")
    assert running.value.status == 400
    assert wait_command(client, clusters.stop_command("Cluster 1")).success is True
    templates.delete_host_template("Cluster 1", "workers")
    assert clusters.delete_cluster("Cluster 1").name == "cluster"
    assert clusters.read_clusters().items == []


def test_agents_heartbeat_through_the_control_api(empty):
    """How the demo and the platform playbooks play the agents: POST /_sim/control/agent_heartbeat."""
    body = json.dumps({"hosts": [{"hostname": name, "ip_address": ip} for name, ip in NODES]}).encode()
    request = urllib.request.Request(empty.url + "/_sim/control/agent_heartbeat", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        answered = json.loads(response.read())
    assert [h["hostname"] for h in answered["items"]] == [name for name, ip in NODES]
    hosts = cm_client.HostsResourceApi(client_for(empty)).read_hosts().items
    assert {(h.hostname, h.health_summary) for h in hosts} == {(name, "GOOD") for name, ip in NODES}
    request = urllib.request.Request(empty.url + "/_sim/control/agent_stop", method="POST",
                                     data=json.dumps({"hostname": NODES[0][0]}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        assert json.loads(response.read())["healthSummary"] == "BAD"


def test_display_name_template_update_and_membership_reset(sim):
    client = client_for(sim)
    clusters = cm_client.ClustersResourceApi(client)
    renamed = clusters.update_cluster("Cluster 2", body=cm_client.ApiCluster(name="cluster2", display_name="Platform B"))
    assert (renamed.name, renamed.display_name) == ("cluster2", "Platform B")
    assert clusters.read_cluster("Platform B").name == "cluster2"
    with pytest.raises(ApiException) as gone:
        clusters.read_cluster("Cluster 2")
    assert gone.value.status == 404
    templates = cm_client.HostTemplatesResourceApi(client)
    ref = cm_client.ApiRoleConfigGroupRef
    templates.create_host_templates("Platform B", body=cm_client.ApiHostTemplateList(items=[cm_client.ApiHostTemplate(
        name="edge", role_config_group_refs=[ref(role_config_group_name="hdfs-GATEWAY-BASE")])]))
    updated = templates.update_host_template("Platform B", "edge", body=cm_client.ApiHostTemplate(
        name="edge", role_config_group_refs=[ref(role_config_group_name="hdfs-GATEWAY-BASE"),
                                             ref(role_config_group_name="yarn-GATEWAY-BASE")]))
    assert [r.role_config_group_name for r in templates.read_host_template("cluster2", "edge").role_config_group_refs] == \
        [r.role_config_group_name for r in updated.role_config_group_refs] == ["hdfs-GATEWAY-BASE", "yarn-GATEWAY-BASE"]
    with pytest.raises(ApiException) as two_of_a_type:
        templates.update_host_template("cluster2", "edge", body=cm_client.ApiHostTemplate(name="edge", role_config_group_refs=[
            ref(role_config_group_name="hdfs-GATEWAY-BASE"), ref(role_config_group_name="hdfs-GATEWAY-BASE")]))
    assert two_of_a_type.value.status == 400
    with pytest.raises(ApiException) as unique:
        templates.create_host_templates("Cluster 1", body=cm_client.ApiHostTemplateList(items=[cm_client.ApiHostTemplate(
            name="edge", role_config_group_refs=[])]))
    assert unique.value.status == 400  # host template names are unique across clusters
    with pytest.raises(ApiException) as carrying:
        clusters.remove_all_hosts("Platform B")
    assert carrying.value.status == 400
    host = cm_client.HostsResourceApi(client)
    first = clusters.list_hosts("Platform B").items[0]
    assert host.enter_maintenance_mode(first.host_id).success and host.exit_maintenance_mode(first.host_id).success
    assert host.read_host(first.host_id).maintenance_mode is False
