"""Contract test: the independent oVirt SDK (ovirtsdk4, XML over pycurl) drives the simulator unchanged.

Every call rhev_vm and rhev_vm_info make (SSO login, entry point, search, add, update, start, stop,
shutdown, suspend, reboot, remove, logout) is made here by the SDK, so the simulator's XML rendering, fault
bodies and SSO endpoints are checked by a client we did not write; the JSON rendering is the same model.
"""

import time

import pytest

sdk = pytest.importorskip("ovirtsdk4")
types = pytest.importorskip("ovirtsdk4.types")


@pytest.fixture
def sim(start_simulator):
    simulator = start_simulator("rhev", speed=50)
    return simulator


def connect(sim, password="secret"):
    return sdk.Connection(url=sim.url + "/ovirt-engine/api", username="admin@internal", password=password)


def wait_for(service, status, timeout=10):
    deadline = time.monotonic() + timeout
    while True:
        vm = service.get()
        if vm.status == status:
            return vm
        assert time.monotonic() < deadline, "VM still %s, wanted %s" % (vm.status, status)
        time.sleep(0.05)


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
        wait_for(service, types.VmStatus.DOWN)
        service.start()
        assert service.get().status in (types.VmStatus.WAIT_FOR_LAUNCH, types.VmStatus.POWERING_UP)
        up = wait_for(service, types.VmStatus.UP)
        assert up.high_availability.enabled and up.os.type == "rhel_7x64" and up.cpu.topology.sockets == 2

        service.update(types.Vm(memory=4 * 1024 ** 3, description="changed"))
        current = service.get()
        assert current.memory == 2 * 1024 ** 3 and current.description == "changed"
        assert current.next_run_configuration_exists
        assert service.get(next_run=True).memory == 4 * 1024 ** 3

        service.reboot()
        assert service.get().status == types.VmStatus.REBOOT_IN_PROGRESS
        rebooted = wait_for(service, types.VmStatus.UP)
        assert rebooted.memory == 4 * 1024 ** 3 and not rebooted.next_run_configuration_exists

        service.suspend()
        wait_for(service, types.VmStatus.SUSPENDED)
        service.start()
        assert service.get().status == types.VmStatus.RESTORING_STATE
        wait_for(service, types.VmStatus.UP)

        with pytest.raises(sdk.Error) as error:
            service.remove()
        assert error.value.code == 409 and error.value.fault.detail == "[Cannot remove VM. VM is running.]"
        service.shutdown()
        wait_for(service, types.VmStatus.DOWN)
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
        wait_for(service, types.VmStatus.UP)
