"""Issue 19: the platform's whole life, through the collection's playbooks and the demo inventory, on in-process
simulators and the session's real Ceph cluster (the flow runs without Ceph where Ceph cannot start):

1. check mode on the empty estate runs through and sends no mutating request (Ceph through a read-only user,
   so a mutating mon command would be refused);
2. site.yml builds both demo platforms; asserted from the systems themselves: every VM's FQDN and IP is a CM
   host of its platform's cluster, every role sits on the host of its node group, the role-level settings
   (data directories, NodeManager memory from the VM size) are set, the cephx keys exist with their caps and
   their delivered keyring + ceph.conf connect with the rados binding, the apps run in the created queues,
   the Sahara instances have addresses;
3. site.yml again: changed=0, no mutating request to any simulator, Ceph through the read-only user;
4. parcel_upgrade.yml: stale services restart in dependency order (ZooKeeper, HDFS, YARN), not name order;
5. teardown.yml: every simulator and Ceph as before step 1;
6. site.yml after teardown builds again.

Simulated time runs at SPEED x real time; no step waits on wall-clock time against it.
"""

import json
import re
from collections import Counter

import pytest

from integration.test_playbooks import (CDH_7_1_8, CDH_7_1_9, DEMO_INVENTORY, REPO_7_1_9, SPEED, changes_sent, cm_stage,
                                        optional_ceph, recap, run_playbook)

PLATFORMS = {"platform_a": {"prefix": "demo-a-", "cluster": "Cluster 1", "internal": "cluster1", "worker_mib": 8192},
             "platform_b": {"prefix": "demo-b-", "cluster": "Cluster 2", "internal": "cluster2", "worker_mib": 16384}}
PREFIXES = tuple(platform["prefix"] for platform in PLATFORMS.values())
# Which node group's hosts each role type belongs on (group_vars/platforms.yml of the demo inventory).
ROLE_GROUPS = {"SERVER": "master", "NAMENODE": "master", "SECONDARYNAMENODE": "master", "RESOURCEMANAGER": "master",
               "JOBHISTORY": "master", "DATANODE": "worker", "NODEMANAGER": "worker"}
RESTART = re.compile(r"/clusters/([^/]+)/services/([^/]+)/commands/(restart|rollingRestart)$")
ENDED = ("FINISHED", "FAILED", "KILLED")
# Pools Ceph's manager creates for itself, whenever it gets to it: not the platforms' to compare.
CEPH_OWN_POOLS = ("device_health_metrics", ".mgr")


# -- what the estate holds, read from the simulators' state and from Ceph ------------------------------------
def rhev_state(rhev):
    with rhev.lock:
        return {"vms": sorted(vm["name"] for vm in rhev.vms.values()),
                "disks": sorted(disk["name"] for disk in rhev.disks.values())}


def cm_state(cm):
    with cm.lock:
        cm.settle()
        hostnames = {host_id: host["hostname"] for host_id, host in cm.hosts.items()}
        clusters = {}
        for cluster in cm.clusters.values():
            clusters[cluster["displayName"]] = {
                "hosts": sorted(hostnames[host_id] for host_id in cluster["hosts"]),
                "host_templates": sorted(cluster["hostTemplates"]),
                "services": {name: sorted((role["type"], hostnames[role["hostId"]]) for role in service["roles"].values())
                             for name, service in cluster["services"].items()}}
        return {"clusters": clusters, "hosts": sorted(hostnames.values())}


def yarn_state(yarn):
    with yarn.lock:
        apps = yarn.control_apps()
        return {"scheduler": yarn.control_scheduler_conf(),
                "running": sorted(app["name"] for app in apps if app["state"] not in ENDED)}


def sahara_state(sahara):
    with sahara.lock:
        return {"images": {image["name"]: sorted((key, value) for key, value in image.items() if key.startswith("_sahara_"))
                           for image in sahara.glance_images.values()},
                "node_group_templates": sorted(t["name"] for t in sahara.node_group_templates.values()),
                "cluster_templates": sorted(t["name"] for t in sahara.cluster_templates.values()),
                "clusters": sorted(c["name"] for c in sahara.live_clusters())}


def ceph_state(ceph):
    if ceph is None:
        return None
    pools = [pool["pool_name"] for pool in json.loads(ceph.mon_command("osd pool ls", detail="detail", format="json"))
             if pool["pool_name"] not in CEPH_OWN_POOLS]
    return {"pools": sorted(pools), "users": {name: entry["caps"] for name, entry in ceph.users().items()}}


def estate(sims, ceph):
    return {"rhev": rhev_state(sims["rhev"]), "cm": cm_state(sims["cm"]), "yarn": yarn_state(sims["yarn"]),
            "sahara": sahara_state(sims["sahara"]), "ceph": ceph_state(ceph)}


# -- helpers ------------------------------------------------------------------------------------------------
def write_ceph_json(state_dir, connection):
    (state_dir / "ceph.json").write_text(json.dumps(connection))


def passed(run):
    assert run.returncode == 0, run.output
    counts = recap(run)
    assert set(counts) == set(PLATFORMS), run.stdout
    assert all(count["failed"] == 0 and count["unreachable"] == 0 for count in counts.values()), counts
    return counts


def changed_items(run):
    return [(item.get("item"), item.get("msg"), item.get("diff")) for result in run.results
            for item in result.get("results", [result]) if item.get("changed")]


def platform_vms(rhev, prefix):
    """{vm name: {fqdn, addresses, memory (MiB)}} of the platform's VMs, as the engine and their guests report them."""
    vms = {}
    with rhev.lock:
        names = [vm["name"] for vm in rhev.vms.values() if vm["name"].startswith(prefix)]
        for name in names:
            guest = rhev.guest_of(name)
            assert guest and guest["fqdn"], (name, guest)
            addresses = [ip["address"] for device in guest["devices"] for ip in device.get("ips", {}).get("ip", [])]
            vms[name] = {"fqdn": guest["fqdn"], "addresses": addresses,
                         "memory": int(rhev.vm_by_name(name)["memory"]) // 2 ** 20}
    return vms


def assert_cm_cluster_is_built_from_the_vms(cm, rhev, platform):
    vms = platform_vms(rhev, platform["prefix"])
    assert len(vms) == 3, vms
    with cm.lock:
        cm.settle()
        internal = cm.resolve_cluster(platform["cluster"])
        cluster = cm.clusters[internal]
        hosts = {cm.hosts[host_id]["hostname"]: cm.hosts[host_id] for host_id in cluster["hosts"]}
        # Every VM is a host of the cluster, by its FQDN and one of its guest's addresses.
        assert sorted(hosts) == sorted(vm["fqdn"] for vm in vms.values())
        for name, vm in vms.items():
            assert hosts[vm["fqdn"]]["ipAddress"] in vm["addresses"], (name, hosts[vm["fqdn"]]["ipAddress"], vm)
        group_of = {vm["fqdn"]: ("master" if name.endswith("-master") else "worker") for name, vm in vms.items()}
        memory_of = {vm["fqdn"]: vm["memory"] for vm in vms.values()}
        services = cluster["services"]
        assert {name: service["type"] for name, service in services.items()} == {
            "zookeeper": "ZOOKEEPER", "hdfs": "HDFS", "yarn": "YARN"}
        for service in services.values():
            assert cm.service_state(service) == "STARTED", service["name"]
            for role in service["roles"].values():
                hostname = cm.hosts[role["hostId"]]["hostname"]
                assert group_of[hostname] == ROLE_GROUPS[role["type"]], (service["name"], role["type"], hostname)
                assert cm.role_state(service, role) == "STARTED", (role["name"], cm.role_state(service, role))
        role_types = {(service["name"], role["type"]) for service in services.values() for role in service["roles"].values()}
        assert role_types == {("zookeeper", "SERVER"), ("hdfs", "NAMENODE"), ("hdfs", "SECONDARYNAMENODE"),
                              ("hdfs", "DATANODE"), ("yarn", "RESOURCEMANAGER"), ("yarn", "JOBHISTORY"),
                              ("yarn", "NODEMANAGER")}
        # Role-level settings, on the groups the roles are in: data directories on the data disk, memory from the VM size.
        for service_name, role_type, key in (("hdfs", "DATANODE", "dfs_data_dir_list"),
                                             ("yarn", "NODEMANAGER", "yarn_nodemanager_resource_memory_mb")):
            service = services[service_name]
            for role in service["roles"].values():
                if role["type"] != role_type:
                    continue
                value = dict(service["roleConfigGroups"][role["roleConfigGroupName"]]["config"], **role["config"]).get(key)
                hostname = cm.hosts[role["hostId"]]["hostname"]
                expected = "/data/1/dfs/dn" if key == "dfs_data_dir_list" else str(memory_of[hostname] * 3 // 4)
                assert value == expected, (role["name"], key, value)
        assert memory_of and {memory_of[h] for h, g in group_of.items() if g == "worker"} == {platform["worker_mib"]}


def assert_keys_delivered_and_working(ceph, state_dir, host, prefix):
    import rados  # only where Ceph runs

    expected = {"client.%svms" % prefix: ({"mon": "profile rbd", "osd": "profile rbd pool=%srbd" % prefix}, "rhev"),
                "client.%sspark" % prefix: ({"mon": "allow r", "osd": "allow rw pool=%slogs" % prefix}, "spark")}
    for name, (caps, consumer) in expected.items():
        assert ceph.user(name)["caps"] == caps, name
        directory = state_dir / "clients" / host / consumer
        keyring = directory / ("ceph.%s.keyring" % name)
        assert oct(keyring.stat().st_mode & 0o777) == "0o600", keyring
        assert ceph.user(name)["key"] in keyring.read_text()
        client = rados.Rados(conffile=str(directory / "ceph.conf"), name=name)
        client.connect(timeout=30)
        try:
            pool = "%srbd" % prefix if consumer == "rhev" else "%slogs" % prefix
            with client.open_ioctx(pool) as ioctx:
                ioctx.write_full("e2e-probe", b"written with the delivered keyring")
                assert ioctx.read("e2e-probe") == b"written with the delivered keyring"
                ioctx.remove_object("e2e-probe")  # an empty pool, so teardown needs no force
        finally:
            client.shutdown()


def assert_apps_run_in_the_queues(yarn, prefix):
    with yarn.lock:
        apps = {app["name"]: app for app in yarn.control_apps() if app["name"].startswith(prefix)}
        queues = yarn.control_scheduler_conf()
    assert apps[prefix + "ingest"]["queue"] == "etl" and apps[prefix + "ingest"]["state"] == "RUNNING", apps
    assert apps[prefix + "report"]["queue"] == "adhoc", apps
    assert queues["yarn.scheduler.capacity.root.queues"].split(",") == ["default", "etl", "adhoc"], queues


def assert_sahara_no_ops_read_once_each(entries):
    """The sahara_cluster role's no-op, per platform: one login, one read per task (the image, each node-group
    template, the cluster template with the node-group templates it names, the cluster), one revocation. The
    cluster template and the cluster get the ids the tasks before them returned: no list of images or cluster
    templates to resolve a name."""
    sent = [(entry.method, re.sub(r"/v[0-9.]+/(?!auth)", "/", re.sub(r"/[0-9a-f-]{36}", "/{id}", entry.path)))
            for entry in entries]
    per_platform = [("POST", "/v3/auth/tokens"), ("GET", "/"), ("GET", "/images"), ("GET", "/node-group-templates"),
                    ("GET", "/node-group-templates"), ("GET", "/cluster-templates"), ("GET", "/node-group-templates"),
                    ("GET", "/clusters"), ("DELETE", "/v3/auth/tokens")]
    expected = Counter(per_platform * len(PLATFORMS))
    assert Counter(sent) == expected, "more: %s, fewer: %s" % (Counter(sent) - expected, expected - Counter(sent))


def assert_sahara_instances_have_addresses(sahara, prefix):
    with sahara.lock:
        clusters = [cluster for cluster in sahara.live_clusters() if cluster["name"].startswith(prefix)]
        assert len(clusters) == 1 and clusters[0]["status"] == "Active", clusters
        cluster = clusters[0]
        assert sahara.spawned(cluster)
        instances = [sahara.instance(cluster, index, group["name"], number)
                     for index, group in enumerate(cluster["node_groups"]) for number in range(group["count"])]
    assert instances and all(i["internal_ip"] and i["management_ip"] for i in instances), instances


def restarts(cm):
    """[(cluster, service)] of every restart command sent, in the order sent (the paths name clusters internally)."""
    found = []
    for entry in cm.log.mutating():
        match = RESTART.search(entry.path)
        if match:
            found.append((match.group(1).replace("%20", " "), match.group(2)))
    return found


@pytest.fixture
def demo_resources_removed(request):
    """Whatever happens in the test, nothing of the demo platforms stays on the session's shared Ceph cluster."""
    yield
    ceph = optional_ceph(request)
    if ceph is None:
        return
    for pool in json.loads(ceph.mon_command("osd pool ls", detail="detail", format="json")):
        if pool["pool_name"].startswith(PREFIXES):
            ceph.mon_command("osd pool delete", pool=pool["pool_name"], pool2=pool["pool_name"],
                             yes_i_really_really_mean_it=True)
    for name in ceph.users():
        if name.startswith(tuple("client." + prefix for prefix in PREFIXES)):
            ceph.mon_command("auth del", entity=name)


@pytest.mark.ceph
@pytest.mark.xdist_group("ceph")
@pytest.mark.usefixtures("demo_resources_removed")
def test_from_empty_estate_to_platforms_and_back(ansible, start_simulator, tmp_path, request):
    ceph = optional_ceph(request)
    sims = {name: start_simulator(name, speed=SPEED, **empty) for name, empty in
            (("cm", {"clusters": ()}), ("yarn", {"empty": True}), ("sahara", {}), ("rhev", {}))}
    (tmp_path / "simulators.json").write_text(json.dumps({name: sim.url for name, sim in sims.items()}))
    writer = read_only = None
    if ceph is not None:
        writer = {"conf_file": ceph.conf_file, "keyring": ceph.keyring, "client_name": ceph.client_name}
        read_only = request.getfixturevalue("read_only")  # mon 'allow rx': Ceph refuses any mutating command
    env = {"DEMO_STATE_DIR": str(tmp_path)}
    before = estate(sims, ceph)

    # 1. Check mode on the empty estate: runs through, predicts changes, sends nothing that changes anything.
    if ceph is not None:
        write_ceph_json(tmp_path, read_only)
    check = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="check", args=["--check"])
    assert all(count["changed"] > 0 for count in passed(check).values()), check.stdout
    assert {name: changes_sent(sim) for name, sim in sims.items()} == {name: [] for name in sims}
    assert estate(sims, ceph) == before

    # 2. Site from the empty estate.
    if ceph is not None:
        write_ceph_json(tmp_path, writer)
    first = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="first")
    assert all(count["changed"] > 0 for count in passed(first).values())
    for host, platform in PLATFORMS.items():
        assert_cm_cluster_is_built_from_the_vms(sims["cm"], sims["rhev"], platform)
        assert cm_stage(sims["cm"], platform["internal"], CDH_7_1_8) == "ACTIVATED"
        assert_apps_run_in_the_queues(sims["yarn"], platform["prefix"])
        assert_sahara_instances_have_addresses(sims["sahara"], platform["prefix"])
        if ceph is not None:
            assert ceph.pool(platform["prefix"] + "rbd") is not None and ceph.pool(platform["prefix"] + "logs") is not None
            assert_keys_delivered_and_working(ceph, tmp_path, host, platform["prefix"])

    # 3. Site again: changed=0, no mutating request to any simulator, Ceph only read (a read-only user).
    built = estate(sims, ceph)
    sent_before = {name: changes_sent(sim) for name, sim in sims.items()}
    sahara_before = sims["sahara"].log.count()
    if ceph is not None:
        write_ceph_json(tmp_path, read_only)
    second = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="second")
    assert all(count["changed"] == 0 for count in passed(second).values()), changed_items(second)
    assert {name: changes_sent(sim) for name, sim in sims.items()} == sent_before
    assert_sahara_no_ops_read_once_each(sims["sahara"].log.entries()[sahara_before:])
    assert estate(sims, ceph) == built
    if ceph is not None:
        write_ceph_json(tmp_path, writer)

    # 4. Parcel upgrade: the stale services restart in dependency order on each cluster, one cluster at a time.
    restarted_before = len(restarts(sims["cm"]))
    upgrade = run_playbook(ansible, "parcel_upgrade.yml", DEMO_INVENTORY, env, name="upgrade", extra_vars={
        "cm_parcel_rollout_version": CDH_7_1_9, "cm_parcel_rollout_repo_urls": [REPO_7_1_9]})
    passed(upgrade)
    order = restarts(sims["cm"])[restarted_before:]
    assert order == [(cluster, service) for cluster in ("cluster1", "cluster2")
                     for service in ("zookeeper", "hdfs", "yarn")], order
    for platform in PLATFORMS.values():
        assert cm_stage(sims["cm"], platform["internal"], CDH_7_1_9) == "ACTIVATED"

    # 5. Teardown refuses without the confirmation, then leaves the estate as it was before step 1.
    refused = run_playbook(ansible, "teardown.yml", DEMO_INVENTORY, env, name="refused")
    assert refused.returncode != 0 and "teardown_confirm=true" in refused.stdout
    assert estate(sims, ceph)["rhev"] == built["rhev"]
    down = run_playbook(ansible, "teardown.yml", DEMO_INVENTORY, env, name="teardown",
                        extra_vars={"teardown_confirm": True})
    passed(down)
    assert estate(sims, ceph) == before

    # 6. Site once more from the empty estate.
    again = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="again")
    assert all(count["changed"] > 0 for count in passed(again).values())
    for platform in PLATFORMS.values():
        assert_cm_cluster_is_built_from_the_vms(sims["cm"], sims["rhev"], platform)
