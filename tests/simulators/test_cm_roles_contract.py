"""Contract test: cm-client (unchanged) drives the CM simulator's roles, role config groups, role commands,
firstRun, rollingRestart and maintenance endpoints (cloudera_manager_roles.py) over real HTTP."""

import pytest

cm_client = pytest.importorskip("cm_client")
from cm_client.rest import ApiException  # noqa: E402  (after importorskip)

# The contract test's fixtures (a simulator at speed 20, a cm-client for it) and its waits.
from simulators.test_cm_contract import CLUSTER, client, sim, wait_command  # noqa: E402,F401  pylint: disable=unused-import


def host_ids(client):
    return {h.hostname: h.host_id for h in cm_client.ClustersResourceApi(client).list_hosts(CLUSTER).items}


def new_kafka(client, hosts):
    services = cm_client.ServicesResourceApi(client)
    services.create_services(CLUSTER, body=cm_client.ApiServiceList(items=[cm_client.ApiService(name="kafka", type="KAFKA")]))
    roles = cm_client.RolesResourceApi(client)
    created = roles.create_roles(CLUSTER, "kafka", body=cm_client.ApiRoleList(items=[
        cm_client.ApiRole(type="KAFKA_BROKER", host_ref=cm_client.ApiHostRef(host_id=host_id)) for host_id in hosts]))
    return created.items


def test_role_types_roles_and_filter(client):
    services = cm_client.ServicesResourceApi(client)
    assert "DATANODE" in services.list_role_types(CLUSTER, "hdfs").items
    roles = cm_client.RolesResourceApi(client)
    every = roles.read_roles(CLUSTER, "hdfs").items
    assert {r.type for r in every} == {"NAMENODE", "SECONDARYNAMENODE", "DATANODE"}
    node = every[0].host_ref.hostname
    datanodes = roles.read_roles(CLUSTER, "hdfs", filter="type==DATANODE;hostname==%s" % node).items
    assert [(r.type, r.host_ref.hostname) for r in datanodes] == [("DATANODE", node)]
    assert datanodes[0].role_config_group_ref.role_config_group_name == "hdfs-DATANODE-BASE"
    assert datanodes[0].role_state == "STARTED" and datanodes[0].commission_state == "COMMISSIONED"
    assert roles.read_role(CLUSTER, datanodes[0].name, "hdfs").name == datanodes[0].name
    with pytest.raises(ApiException) as missing:
        roles.read_role(CLUSTER, "hdfs-DATANODE-nope", "hdfs")
    assert missing.value.status == 404


def test_create_roles_refuses_what_cm_refuses(client):
    ids = host_ids(client)
    first, second = sorted(ids)[:2]
    created = new_kafka(client, [ids[first], ids[second]])
    assert [(r.type, r.host_ref.hostname, r.role_state) for r in created] == \
        [("KAFKA_BROKER", first, "STOPPED"), ("KAFKA_BROKER", second, "STOPPED")]
    assert created[0].name.startswith("kafka-KAFKA_BROKER-")
    roles = cm_client.RolesResourceApi(client)
    for role, fragment in [(cm_client.ApiRole(type="KAFKA_BROKER", host_ref=cm_client.ApiHostRef(host_id=ids[first])), "already has"),
                           (cm_client.ApiRole(type="DATANODE", host_ref=cm_client.ApiHostRef(host_id=ids[first])), "Invalid role type"),
                           (cm_client.ApiRole(type="KAFKA_BROKER", host_ref=cm_client.ApiHostRef(host_id="no-such-host")), "not found"),
                           (cm_client.ApiRole(type="GATEWAY", host_ref=cm_client.ApiHostRef(host_id=ids[first]),
                                              role_config_group_ref=cm_client.ApiRoleConfigGroupRef("kafka-KAFKA_BROKER-BASE")), "is for role type")]:
        with pytest.raises(ApiException) as refused:
            roles.create_roles(CLUSTER, "kafka", body=cm_client.ApiRoleList(items=[role]))
        assert refused.value.status in (400, 404) and fragment in refused.value.body, refused.value.body
    assert len(roles.read_roles(CLUSTER, "kafka").items) == 2


def test_role_config_groups_full_view_sensitive_and_staleness(sim, client):
    groups = cm_client.RoleConfigGroupsResourceApi(client)
    base = {g.name: g for g in groups.read_role_config_groups(CLUSTER, "hdfs").items}
    assert base["hdfs-DATANODE-BASE"].base is True and base["hdfs-DATANODE-BASE"].role_type == "DATANODE"
    full = {c.name: c for c in groups.read_config(CLUSTER, "hdfs-DATANODE-BASE", "hdfs", view="full").items}
    assert full["dfs_data_dir_list"].value is None and full["datanode_java_heapsize"].default == "1073741824"
    assert full["ssl_server_keystore_password"].sensitive is True and full["dfs_data_dir_list"].sensitive is False
    groups.update_config(CLUSTER, "hdfs-DATANODE-BASE", "hdfs", body=cm_client.ApiConfigList(items=[
        cm_client.ApiConfig(name="dfs_data_dir_list", value="/data/1/dfs/dn"),
        cm_client.ApiConfig(name="ssl_server_keystore_password", value="s3cret")]))
    summary = {c.name: c.value for c in groups.read_config(CLUSTER, "hdfs-DATANODE-BASE", "hdfs").items}
    assert summary == {"dfs_data_dir_list": "/data/1/dfs/dn", "ssl_server_keystore_password": "REDACTED"}
    sim.control_set_api_redaction(False)
    assert {c.name: c.value for c in groups.read_config(CLUSTER, "hdfs-DATANODE-BASE", "hdfs").items}[
        "ssl_server_keystore_password"] == "s3cret"
    roles = cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs").items
    assert {r.type: r.config_staleness_status for r in roles} == \
        {"DATANODE": "STALE", "NAMENODE": "FRESH", "SECONDARYNAMENODE": "FRESH"}
    assert cm_client.ServicesResourceApi(client).read_service(CLUSTER, "hdfs").config_staleness_status == "STALE"
    with pytest.raises(ApiException) as unknown:
        groups.update_config(CLUSTER, "hdfs-DATANODE-BASE", "hdfs", body=cm_client.ApiConfigList(items=[
            cm_client.ApiConfig(name="dfs_replication", value="2")]))
    assert unknown.value.status == 400 and "dfs_replication" in unknown.value.body


def test_custom_group_create_move_delete(client):
    groups = cm_client.RoleConfigGroupsResourceApi(client)
    created = groups.create_role_config_groups(CLUSTER, "hdfs", body=cm_client.ApiRoleConfigGroupList(items=[
        cm_client.ApiRoleConfigGroup(name="hdfs-DATANODE-big", role_type="DATANODE", config=cm_client.ApiConfigList(
            items=[cm_client.ApiConfig(name="datanode_java_heapsize", value="4294967296")]))]))
    assert created.items[0].base is False
    with pytest.raises(ApiException) as base:
        groups.create_role_config_groups(CLUSTER, "hdfs", body=cm_client.ApiRoleConfigGroupList(items=[
            cm_client.ApiRoleConfigGroup(name="x", role_type="DATANODE", base=True)]))
    assert base.value.status == 400
    datanode = cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs", filter="type==DATANODE").items[0]
    namenode = cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs", filter="type==NAMENODE").items[0]
    moved = groups.move_roles(CLUSTER, "hdfs-DATANODE-big", "hdfs", body=cm_client.ApiRoleNameList(items=[datanode.name]))
    assert moved.items[0].role_config_group_ref.role_config_group_name == "hdfs-DATANODE-big"
    with pytest.raises(ApiException) as wrong_type:
        groups.move_roles(CLUSTER, "hdfs-DATANODE-big", "hdfs", body=cm_client.ApiRoleNameList(items=[namenode.name]))
    assert wrong_type.value.status == 400
    assert [r.name for r in groups.read_roles(CLUSTER, "hdfs-DATANODE-big", "hdfs").items] == [datanode.name]
    with pytest.raises(ApiException) as in_use:
        groups.delete_role_config_group(CLUSTER, "hdfs-DATANODE-big", "hdfs")
    assert in_use.value.status == 400
    groups.move_roles_to_base_group(CLUSTER, "hdfs", body=cm_client.ApiRoleNameList(items=[datanode.name]))
    assert groups.delete_role_config_group(CLUSTER, "hdfs-DATANODE-big", "hdfs").name == "hdfs-DATANODE-big"
    with pytest.raises(ApiException) as base_delete:
        groups.delete_role_config_group(CLUSTER, "hdfs-DATANODE-BASE", "hdfs")
    assert base_delete.value.status == 400


def test_role_commands_are_bulk_with_errors(sim, client):
    commands = cm_client.RoleCommandsResourceApi(client)
    datanodes = cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs", filter="type==DATANODE").items
    target = datanodes[0]
    stopped = commands.stop_command(CLUSTER, "hdfs", body=cm_client.ApiRoleNameList(items=[target.name]))
    assert stopped.errors == [] and len(stopped.items) == 1 and stopped.items[0].role_ref.role_name == target.name
    assert wait_command(client, stopped.items[0]).success is True
    assert cm_client.RolesResourceApi(client).read_role(CLUSTER, target.name, "hdfs").role_state == "STOPPED"
    assert cm_client.ServicesResourceApi(client).read_service(CLUSTER, "hdfs").service_state == "STARTED"
    again = commands.stop_command(CLUSTER, "hdfs", body=cm_client.ApiRoleNameList(items=[target.name, datanodes[1].name]))
    assert len(again.items) == 1 and len(again.errors) == 1 and target.name in again.errors[0]
    wait_command(client, again.items[0])
    with pytest.raises(ApiException) as missing:
        commands.start_command(CLUSTER, "hdfs", body=cm_client.ApiRoleNameList(items=["hdfs-DATANODE-nope"]))
    assert missing.value.status == 404
    sim.control_fail_next_role_command("hdfs", target.host_ref.hostname, message="Port 9866 in use")
    failed = wait_command(client, commands.start_command(CLUSTER, "hdfs", body=cm_client.ApiRoleNameList(items=[target.name])).items[0])
    assert failed.success is False and failed.children.items[0].result_message == "Port 9866 in use"
    with pytest.raises(ApiException) as running:
        cm_client.RolesResourceApi(client).delete_role(CLUSTER, datanodes[2].name, "hdfs")
    assert running.value.status == 400 and "must be stopped" in running.value.body
    assert cm_client.RolesResourceApi(client).delete_role(CLUSTER, target.name, "hdfs").name == target.name
    services = cm_client.ServicesResourceApi(client)
    assert wait_command(client, services.restart_command(CLUSTER, "hdfs")).success is True
    assert {r.role_state for r in cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs").items} == {"STARTED"}


def test_first_run_needs_its_dependencies_and_formats_once(client):
    services = cm_client.ServicesResourceApi(client)
    assert wait_command(client, services.stop_command(CLUSTER, "yarn")).success is True
    assert wait_command(client, services.stop_command(CLUSTER, "hdfs")).success is True
    failed = wait_command(client, services.first_run(CLUSTER, "yarn"))
    assert failed.success is False and "hdfs" in failed.children.items[0].result_message
    ran = wait_command(client, services.first_run(CLUSTER, "hdfs"))
    assert ran.success is True and services.read_service(CLUSTER, "hdfs").service_state == "STARTED"
    assert wait_command(client, services.first_run(CLUSTER, "yarn")).success is True
    wait_command(client, services.stop_command(CLUSTER, "hdfs"))
    again = wait_command(client, services.first_run(CLUSTER, "hdfs"))
    assert again.success is False and "formatted before" in again.children.items[0].result_message
    with pytest.raises(ApiException) as started:
        services.first_run(CLUSTER, "yarn")
    assert started.value.status == 400


def test_rolling_restart_takes_slaves_in_batches(sim, client):
    services = cm_client.ServicesResourceApi(client)
    for args, fragment in [(cm_client.ApiRollingRestartArgs(slave_batch_size=0), "slaveBatchSize"),
                           (cm_client.ApiRollingRestartArgs(restart_role_types=["DATANODE"], restart_role_names=["x"]), "Both"),
                           (cm_client.ApiRollingRestartArgs(restart_role_types=["NODEMANAGER"]), "Invalid role type")]:
        with pytest.raises(ApiException) as refused:
            services.rolling_restart(CLUSTER, "hdfs", body=args)
        assert refused.value.status == 400 and fragment in refused.value.body
    done = wait_command(client, services.rolling_restart(CLUSTER, "hdfs", body=cm_client.ApiRollingRestartArgs(slave_batch_size=1)))
    assert done.success is True
    steps = [entry for entry in sim.restart_log if entry["service"] == "hdfs"]
    assert [entry["kind"] for entry in steps] == ["non-slaves", "non-slaves", "slaves", "slaves", "slaves"]
    slaves = [entry for entry in steps if entry["kind"] == "slaves"]
    assert all(len(entry["where"]) == 1 for entry in slaves)
    assert all(a["end"] <= b["start"] for a, b in zip(steps, steps[1:]))  # one step at a time
    sim.restart_log.clear()
    groups = cm_client.RoleConfigGroupsResourceApi(client)
    groups.update_config(CLUSTER, "hdfs-DATANODE-BASE", "hdfs", body=cm_client.ApiConfigList(
        items=[cm_client.ApiConfig(name="datanode_java_heapsize", value="2147483648")]))
    stale = wait_command(client, services.rolling_restart(CLUSTER, "hdfs", body=cm_client.ApiRollingRestartArgs(
        slave_batch_size=2, stale_configs_only=True)))
    assert stale.success is True
    assert [(e["kind"], len(e["where"])) for e in sim.restart_log] == [("slaves", 2), ("slaves", 1)]
    assert services.read_service(CLUSTER, "hdfs").config_staleness_status == "FRESH"


def test_a_failed_batch_over_the_threshold_fails_the_rolling_restart(sim, client):
    datanode = cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs", filter="type==DATANODE").items[0]
    sim.control_fail_next_role_command("hdfs", datanode.host_ref.hostname, message="DataNode did not come back")
    done = wait_command(client, cm_client.ServicesResourceApi(client).rolling_restart(
        CLUSTER, "hdfs", body=cm_client.ApiRollingRestartArgs(restart_role_types=["DATANODE"])))
    assert done.success is False and done.children.items[0].result_message == "DataNode did not come back"


def test_service_display_name_and_maintenance(client):
    services = cm_client.ServicesResourceApi(client)
    assert services.update_service(CLUSTER, "hdfs", body=cm_client.ApiService(display_name="HDFS main")).display_name == "HDFS main"
    entered = services.enter_maintenance_mode(CLUSTER, "hdfs")
    assert (entered.active, entered.success) == (False, True)
    assert services.read_service(CLUSTER, "hdfs").maintenance_mode is True
    services.exit_maintenance_mode(CLUSTER, "hdfs")
    assert services.read_service(CLUSTER, "hdfs").maintenance_mode is False
    role = cm_client.RolesResourceApi(client).read_roles(CLUSTER, "hdfs").items[0]
    assert cm_client.RolesResourceApi(client).enter_maintenance_mode(CLUSTER, role.name, "hdfs").success is True
    assert cm_client.RolesResourceApi(client).read_role(CLUSTER, role.name, "hdfs").maintenance_mode is True
