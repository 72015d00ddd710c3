"""Contract test: the independent oVirt SDK (ovirtsdk4, XML over pycurl) drives the simulator unchanged.

Every call rhev_vm and rhev_vm_info make (SSO login, entry point, search, add, update, start, stop,
shutdown, suspend, reboot, remove, logout) is made here by the SDK, so the simulator's XML rendering, fault
bodies and SSO endpoints are checked by a client we did not write; the JSON rendering is the same model.
"""

import pytest

sdk = pytest.importorskip("ovirtsdk4")
types = pytest.importorskip("ovirtsdk4.types")
BLANK = "00000000-0000-0000-0000-000000000000"


@pytest.fixture
def sim(start_simulator):
    """Simulated time stands still unless a test moves it (sim.clock.advance, wait_for): what the SDK sees
    right after an action (a transient status, a locked disk, a token still valid) does not depend on how
    loaded the machine is."""
    return start_simulator("rhev", speed=0, sample_vms=True)


def connect(sim, password="secret"):
    return sdk.Connection(url=sim.url + "/ovirt-engine/api", username="admin@internal", password=password)


def wait_for(sim, service, status, step=0.5, limit=120):
    """Read the VM through the SDK until it is in `status`, moving simulated time `step` seconds between reads
    (at most `limit` seconds)."""
    waited = 0.0
    while True:
        vm = service.get()
        if vm.status == status:
            return vm
        assert waited < limit, "VM still %s after %ss, wanted %s" % (vm.status, waited, status)
        sim.clock.advance(step)
        waited += step


def test_sdk_connects_reads_the_entry_point_and_logs_out(sim):
    connection = connect(sim)
    api = connection.system_service().get()
    assert api.product_info.name == "oVirt Engine"
    assert api.product_info.version.major == 4
    token = connection.authenticate()
    connection.close()
    assert sim.revoked == [token]
    assert sim.log.count("POST", path="/ovirt-engine/sso/oauth/token") == 1


def test_wrong_password_is_the_sso_error(sim):
    with pytest.raises(sdk.AuthError) as error:
        connect(sim, password="wrong").system_service().get()
    assert "access_denied" in str(error.value)
    assert "Cannot authenticate user 'admin@internal'" in str(error.value)


def test_lists_and_searches_seeded_resources(sim):
    with connect(sim) as connection:
        system = connection.system_service()
        assert sorted(c.name for c in system.clusters_service().list()) == ["Default", "hadoop"]
        assert {t.name for t in system.templates_service().list()} == {"Blank", "centos7-hadoop"}
        assert sorted(h.name for h in system.hosts_service().list()) == ["host1", "host2"]
        vms = system.vms_service()
        statuses = {vm.name: vm.status for vm in vms.list()}
        assert statuses == {"hadoop-master": types.VmStatus.UP, "hadoop-worker-1": types.VmStatus.DOWN}
        assert [vm.name for vm in vms.list(search="name=hadoop-*")] == ["hadoop-master", "hadoop-worker-1"]
        assert [vm.name for vm in vms.list(search="name=HADOOP-MASTER")] == ["hadoop-master"]
        assert vms.list(search="name=nothing*") == []
        master = vms.list(search="name=hadoop-master")[0]
        assert master.memory == 8 * 1024 ** 3 and master.cpu.topology.cores == 4
        assert master.host is not None and master.next_run_configuration_exists is False
        service = vms.vm_service(master.id)
        assert [nic.name for nic in service.nics_service().list()] == ["nic1"]
        assert len(service.disk_attachments_service().list()) == 1


def test_add_start_update_next_run_stop_and_remove(sim):
    with connect(sim) as connection:
        vms = connection.system_service().vms_service()
        vm = vms.add(types.Vm(
            name="contract-vm", cluster=types.Cluster(name="Default"), template=types.Template(name="Blank"),
            memory=2 * 1024 ** 3, cpu=types.Cpu(topology=types.CpuTopology(sockets=2, cores=1, threads=1)),
            os=types.OperatingSystem(type="rhel_7x64"), high_availability=types.HighAvailability(enabled=True),
            description="made by ovirtsdk4",
        ))
        assert vm.status == types.VmStatus.IMAGE_LOCKED
        service = vms.vm_service(vm.id)
        wait_for(sim, service, types.VmStatus.DOWN)
        service.start()
        assert service.get().status in (types.VmStatus.WAIT_FOR_LAUNCH, types.VmStatus.POWERING_UP)
        up = wait_for(sim, service, types.VmStatus.UP)
        assert up.high_availability.enabled and up.os.type == "rhel_7x64" and up.cpu.topology.sockets == 2

        service.update(types.Vm(memory=4 * 1024 ** 3, description="changed"))
        current = service.get()
        assert current.memory == 2 * 1024 ** 3 and current.description == "changed"
        assert current.next_run_configuration_exists
        assert service.get(next_run=True).memory == 4 * 1024 ** 3

        service.reboot()
        assert service.get().status == types.VmStatus.REBOOT_IN_PROGRESS
        rebooted = wait_for(sim, service, types.VmStatus.UP)
        assert rebooted.memory == 4 * 1024 ** 3 and not rebooted.next_run_configuration_exists

        service.suspend()
        wait_for(sim, service, types.VmStatus.SUSPENDED)
        service.start()
        assert service.get().status == types.VmStatus.RESTORING_STATE
        wait_for(sim, service, types.VmStatus.UP)

        with pytest.raises(sdk.Error) as error:
            service.remove()
        assert error.value.code == 409 and error.value.fault.detail == "[Cannot remove VM. VM is running.]"
        service.shutdown()
        wait_for(sim, service, types.VmStatus.DOWN)
        service.remove()
        assert vms.list(search="name=contract-vm") == []
        with pytest.raises(sdk.NotFoundError):
            service.get()


def test_illegal_action_and_injected_start_failure_are_engine_faults(sim):
    with connect(sim) as connection:
        vms = connection.system_service().vms_service()
        master = vms.vm_service(vms.list(search="name=hadoop-master")[0].id)
        with pytest.raises(sdk.Error) as error:
            master.start()
        assert error.value.code == 409
        assert error.value.fault.reason == "Operation Failed"
        assert error.value.fault.detail == "[Cannot run VM. VM is running.]"

        worker = vms.vm_service(vms.list(search="name=hadoop-worker-1")[0].id)
        sim.fail_next_start("hadoop-worker-1", "[Cannot run VM. No host is available.]")
        with pytest.raises(sdk.Error) as error:
            worker.start()
        assert error.value.fault.detail == "[Cannot run VM. No host is available.]"
        assert worker.get().status == types.VmStatus.DOWN
        with pytest.raises(sdk.Error) as error:
            vms.add(types.Vm(name="x", cluster=types.Cluster(name="nope")))
        assert "Entity not found" in error.value.fault.detail


def test_expired_token_is_renewed_by_the_sdk(sim):
    sim.set_token_lifetime(1)
    with connect(sim) as connection:
        vms = connection.system_service().vms_service()
        assert len(vms.list()) == 2
        sim.clock.advance(5)
        assert len(vms.list()) == 2
    assert sim.log.count("POST", path="/ovirt-engine/sso/oauth/token") == 2
    assert sim.log.count("GET", path="/ovirt-engine/api/vms$") == 3  # one refused with 401, then retried


def test_json_rendering_is_the_same_model(sim):
    import requests

    token = requests.post(sim.url + "/ovirt-engine/sso/oauth/token", timeout=5, data={
        "grant_type": "password", "scope": "ovirt-app-api", "username": "admin@internal", "password": "secret"})
    headers = {"Authorization": "Bearer " + token.json()["access_token"], "Accept": "application/json"}
    body = requests.get(sim.url + "/ovirt-engine/api/vms", params={"search": "name=hadoop-master"},
                        headers=headers, timeout=5).json()
    vm = body["vm"][0]
    assert vm["memory"] == 8 * 1024 ** 3 and vm["cpu"]["topology"]["cores"] == "4"
    assert vm["status"] == "up" and vm["next_run_configuration_exists"] == "false"
    assert requests.get(sim.url + "/ovirt-engine/api/vms", params={"search": "name=none"},
                        headers=headers, timeout=5).json() == {}
    basic = requests.get(sim.url + "/ovirt-engine/api/clusters", auth=("admin@internal", "secret"),
                         headers={"Accept": "application/json"}, timeout=5)
    assert [c["name"] for c in basic.json()["cluster"]] == ["Default", "hadoop"]


def test_test_hooks_work_over_the_control_api_too(sim):
    import requests

    def control(action, **body):
        answer = requests.post(sim.url + "/_sim/control/" + action, json=body, timeout=5)
        assert answer.status_code == 200, answer.text
        return answer.json()

    vm_id = control("add_vm", name="from-outside", status="suspended", cluster="hadoop")["id"]
    assert control("vm_by_name", name="from-outside")["status"] == "suspended"
    assert control("set_durations", powering_up=7)["powering_up"] == 7
    assert control("set_token_lifetime", seconds=5) == {"token_lifetime": 5.0}
    control("fail_next_start", name="from-outside", detail="[Cannot run VM. Nope.]")
    control("ignore_shutdown", name="hadoop-master")
    with connect(sim) as connection:
        service = connection.system_service().vms_service().vm_service(vm_id)
        with pytest.raises(sdk.Error) as error:
            service.start()
        assert error.value.fault.detail == "[Cannot run VM. Nope.]"
        service.start()  # only the next start fails
        wait_for(sim, service, types.VmStatus.UP)


def test_vm_from_blank_with_disks_nics_cloud_init_reports_its_guest(sim):
    with connect(sim) as connection:
        system = connection.system_service()
        clusters = system.clusters_service().list()
        assert all(cluster.data_center is not None for cluster in clusters)
        profiles = {profile.name: profile for profile in system.vnic_profiles_service().list()}
        assert {"ovirtmgmt", "hadoop-data"} <= set(profiles)
        assert system.networks_service().list(search="name=hadoop-data")[0].data_center is not None
        assert {sd.name for sd in system.storage_domains_service().list()} == {"data", "fast-ssd"}
        vms = system.vms_service()
        vm = vms.add(types.Vm(
            name="sdk-node", cluster=types.Cluster(name="hadoop"), template=types.Template(name="Blank"),
            memory=2 * 1024 ** 3,
            initialization=types.Initialization(
                host_name="sdk-node.example.com", user_name="cloud-user", root_password="s3cret",
                authorized_ssh_keys="ssh-ed25519 AAAA test",
                nic_configurations=[types.NicConfiguration(
                    name="eth1", boot_protocol=types.BootProtocol.STATIC, on_boot=True,
                    ip=types.Ip(address="198.51.100.17", netmask="255.255.255.0", gateway="198.51.100.1"))]),
        ))
        service = vms.vm_service(vm.id)
        wait_for(sim, service, types.VmStatus.DOWN)
        assert service.numa_nodes_service().list() == []
        stored = service.get(all_content=True).initialization
        assert stored.host_name == "sdk-node.example.com" and stored.root_password is None  # never returned
        assert service.get().initialization is None  # only with all_content

        attachments = service.disk_attachments_service()
        boot = attachments.add(types.DiskAttachment(
            disk=types.Disk(name="sdk-node-boot", provisioned_size=10 * 1024 ** 3, format=types.DiskFormat.COW,
                            sparse=True, storage_domains=[types.StorageDomain(name="data")]),
            interface=types.DiskInterface.VIRTIO_SCSI, bootable=True, active=True))
        data = attachments.add(types.DiskAttachment(
            disk=types.Disk(name="sdk-node-data", provisioned_size=100 * 1024 ** 3, format=types.DiskFormat.RAW,
                            sparse=False, storage_domains=[types.StorageDomain(name="fast-ssd")]),
            interface=types.DiskInterface.VIRTIO, bootable=False, active=True))
        disk = system.disks_service().disk_service(data.disk.id).get()
        assert disk.status == types.DiskStatus.LOCKED and disk.provisioned_size == 100 * 1024 ** 3
        with pytest.raises(sdk.Error) as error:
            service.start()
        assert error.value.code == 409 and "The following disks are locked" in error.value.fault.detail
        assert boot.bootable and [a.interface for a in attachments.list()] == [
            types.DiskInterface.VIRTIO_SCSI, types.DiskInterface.VIRTIO]

        nics = service.nics_service()
        nics.add(types.Nic(name="nic1", interface=types.NicInterface.VIRTIO,
                           vnic_profile=types.VnicProfile(id=profiles["ovirtmgmt"].id)))
        nics.add(types.Nic(name="nic2", interface=types.NicInterface.VIRTIO,
                           vnic_profile=types.VnicProfile(id=profiles["hadoop-data"].id)))
        with pytest.raises(sdk.Error) as error:
            nics.add(types.Nic(name="nic2", vnic_profile=types.VnicProfile(id=profiles["ovirtmgmt"].id)))
        assert error.value.code == 409
        sim.clock.advance(30)  # the raw disk is copied
        assert system.disks_service().disk_service(data.disk.id).get().status == types.DiskStatus.OK

        service.start(use_cloud_init=True)
        wait_for(sim, service, types.VmStatus.UP)
        assert service.get().fqdn is None and service.reported_devices_service().list() == []  # the agent is not up yet
        sim.clock.advance(sim.durations["guest_agent"])
        assert service.get().fqdn == "sdk-node.example.com"
        devices = {d.name: d for d in service.reported_devices_service().list()}
        assert sorted(devices) == ["eth0", "eth1"]
        assert devices["eth1"].ips[0].address == "198.51.100.17"
        assert devices["eth0"].ips[0].address.startswith("192.0.2.")  # DHCP on ovirtmgmt
        assert devices["eth0"].mac.address == nics.list()[0].mac.address

        attachments.attachment_service(data.id).update(types.DiskAttachment(
            disk=types.Disk(provisioned_size=200 * 1024 ** 3)))
        with pytest.raises(sdk.Error) as error:
            attachments.attachment_service(boot.id).update(types.DiskAttachment(disk=types.Disk(provisioned_size=1024 ** 3)))
        assert "New disk size must be larger" in error.value.fault.detail
        followed = vms.list(search="name=sdk-node", follow="disk_attachments.disk,nics.vnic_profile,reported_devices")[0]
        assert sorted(a.disk.provisioned_size for a in followed.disk_attachments) == [10 * 1024 ** 3, 200 * 1024 ** 3]
        assert [n.vnic_profile.name for n in followed.nics] == ["ovirtmgmt", "hadoop-data"]
        assert len(followed.reported_devices) == 2


def test_affinity_groups_and_pinning_steer_where_vms_run(sim):
    with connect(sim) as connection:
        system = connection.system_service()
        cluster = system.clusters_service().list(search="name=hadoop")[0]
        groups = system.clusters_service().cluster_service(cluster.id).affinity_groups_service()
        spread = groups.add(types.AffinityGroup(name="masters-apart", positive=False, enforcing=True))
        members = groups.group_service(spread.id).vms_service()
        vms = system.vms_service()
        ids = []
        for name in ("m1", "m2", "m3"):
            sim.add_vm(name, status="down", cluster="hadoop")
            ids.append(vms.list(search="name=%s" % name)[0].id)
            members.add(types.Vm(id=ids[-1]))
        assert sorted(vm.id for vm in members.list()) == sorted(ids)
        assert [g.name for g in groups.list()] == ["masters-apart"]
        for vm_id in ids[:2]:
            vms.vm_service(vm_id).start()
        hosts = {vms.vm_service(vm_id).get().host.id for vm_id in ids[:2]}
        assert len(hosts) == 2  # never on the same host
        with pytest.raises(sdk.Error) as error:
            vms.vm_service(ids[2]).start()  # two hosts, three VMs that must be apart
        assert "affinity group masters-apart" in error.value.fault.detail
        members.vm_service(ids[2]).remove()
        host1 = system.hosts_service().list(search="name=host1")[0]
        vms.vm_service(ids[2]).update(types.Vm(placement_policy=types.VmPlacementPolicy(
            affinity=types.VmAffinity.PINNED, hosts=[types.Host(id=host1.id)])))
        vms.vm_service(ids[2]).start()
        pinned = vms.vm_service(ids[2]).get()
        assert pinned.host.id == host1.id and pinned.placement_policy.affinity == types.VmAffinity.PINNED


def test_template_disks_are_copied_thin_or_cloned_to_the_asked_storage_domain(sim):
    with connect(sim) as connection:
        system = connection.system_service()
        template = system.templates_service().list(search="name=centos7-hadoop")[0]
        template_disk = sim.templates[template.id]["disks"][0]["id"]
        vms = system.vms_service()
        thin = vms.add(types.Vm(name="thin", cluster=types.Cluster(name="hadoop"), template=types.Template(id=template.id)))
        cloned = vms.add(types.Vm(
            name="cloned", cluster=types.Cluster(name="hadoop"), template=types.Template(id=template.id),
            disk_attachments=[types.DiskAttachment(disk=types.Disk(
                id=template_disk, format=types.DiskFormat.COW,
                storage_domains=[types.StorageDomain(name="fast-ssd")]))]), clone=True)
        fast = system.storage_domains_service().list(search="name=fast-ssd")[0]
        thin_vm = vms.vm_service(thin.id).get(follow="disk_attachments.disk,nics")
        cloned_vm = vms.vm_service(cloned.id).get(follow="disk_attachments.disk")
        assert thin_vm.template.id == template.id and cloned_vm.template.id == BLANK
        assert cloned_vm.original_template.id == template.id
        assert cloned_vm.disk_attachments[0].disk.storage_domains[0].id == fast.id
        assert thin_vm.disk_attachments[0].disk.storage_domains[0].id != fast.id
        assert [nic.name for nic in thin_vm.nics] == ["nic1"]


def test_tags_and_search_by_tag(sim):
    with connect(sim) as connection:
        system = connection.system_service()
        system.tags_service().add(types.Tag(name="workers"))
        vms = system.vms_service()
        worker = vms.list(search="name=hadoop-worker-1")[0]
        vms.vm_service(worker.id).tags_service().add(types.Tag(name="workers"))
        assert [vm.name for vm in vms.list(search="tag=workers")] == ["hadoop-worker-1"]
        assert [tag.name for tag in vms.vm_service(worker.id).tags_service().list()] == ["workers"]
