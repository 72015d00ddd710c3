"""Roles, role config groups, role commands and service commands of the Cloudera Manager simulator.

A mixin of ClouderaManagerSimulator (cloudera_manager.py), on the state shape its docstring describes
(service["roles"] = {name: role}, service["roleConfigGroups"] = {name: group}, role["state"] None while the
role follows its service). Methods the simulator class defines itself take precedence over these.

Endpoints, as Cloudera Manager answers them (API reference: cloudera.github.io/cm_api/apidocs/v19/ and
archive.cloudera.com/cm6/6.3.0/generic/jar/cm_api/apidocs/; field names from cm-client 45's models
ApiRole, ApiRoleConfigGroup, ApiRollingRestartArgs, ApiConfig, ApiBulkCommandList):
  GET  /clusters/{c}/services/{s}/roleTypes                 ApiRoleTypeList of the service's type
  GET  /clusters/{c}/services/{s}/roles[?filter=type==X;hostname==h;hostId==i]  ApiRoleList ("filter" as
       documented on RolesResource.readRoles: the intersection of constraints joined by semicolons)
  POST /clusters/{c}/services/{s}/roles                     ApiRoleList; a blank name gets CM's generated
       "<service>-<ROLETYPE>-<hex>" (since v6); an unknown role type, a host outside the cluster, a group of
       another role type or a second role of one type on one host answer 400
  GET/DELETE /clusters/{c}/services/{s}/roles/{r}           a role must be stopped before it is deleted
  GET/PUT .../roles/{r}/config                              role-level overrides (view=full with defaults)
  POST .../roles/{r}/commands/enterMaintenanceMode|exitMaintenanceMode   synchronous ApiCommand
  POST /clusters/{c}/services/{s}/roleCommands/start|stop|restart   ApiRoleNameList -> ApiBulkCommandList:
       "Bulk command operations are not atomic, and may contain partial failures. The returned list will
       contain references to all successful commands, and a list of error messages identifying the roles
       on which the command failed" (RoleCommandsResource); an unknown role answers 404
  GET/POST /clusters/{c}/services/{s}/roleConfigGroups      "It is not allowed to create base groups
       (base must be set to false)"
  GET/PUT/DELETE .../roleConfigGroups/{g}                   a base group cannot be deleted, nor a group
       that still has roles
  GET/PUT .../roleConfigGroups/{g}/config[?view=full]       ApiConfigList of the role type's settings,
       with `sensitive`; a started role whose group changed goes STALE (and its service with it)
  GET/PUT .../roleConfigGroups/{g}/roles, PUT .../roleConfigGroups/roles   move roles ("The role type of
       the destination group must match the role type of the roles"; the latter back to their base group)
  POST /clusters/{c}/services/{s}/commands/...              start, stop, restart, deployClientConfig (as
       before), firstRun ("Prepare and start a service. Perform all the steps needed to prepare the
       service and start it", v7+: formats the NameNode, creates directories; it fails when a service it
       depends on (a *_service setting) is not running, and on an HDFS whose NameNode was already
       formatted), rollingRestart with ApiRollingRestartArgs ("Restart all the non-slave roles; if slaves
       are present restart them in batches of size specified"; slaveBatchSize > 0, default 1;
       slaveFailCountThreshold >= 0; restartRoleTypes and restartRoleNames not both; staleConfigsOnly),
       enterMaintenanceMode/exitMaintenanceMode ("a synchronous command"), PUT /services/{s} (displayName,
       "Currently this only includes the service display name").
Sensitive settings (ApiConfig.sensitive, "contains information such as passwords") are answered as
"REDACTED", as Cloudera Manager 7 does with API redaction on (cloudera.cluster's reconcile_config_list_updates
skips values it reads as "REDACTED" for that reason); control_set_api_redaction(False) shows them.

Every restart a rolling restart or a role command does is recorded in self.restart_log with its simulated
start and end, so a test sees how many workers were down at once.

Test hooks: control_fail_next_role_command(service, host, message=None, cluster=None) (the next start or
restart of that service's role on that host fails, in a role command or a rolling restart),
control_set_api_redaction(enabled), control_restart_log().
"""

import hashlib

from simulators.cloudera_manager_api import api, bad_request, not_found

# What each service command needs, shows while it runs, and leaves behind (ok, failed).
SERVICE_COMMANDS = {
    "start": ("Start", ("STOPPED",), "STARTING", "STARTED", "STOPPED"),
    "stop": ("Stop", ("STARTED",), "STOPPING", "STOPPED", "STARTED"),
    "restart": ("Restart", ("STARTED", "STOPPED"), "STARTING", "STARTED", "STOPPED"),
    "firstRun": ("First Run", ("STOPPED",), "STARTING", "STARTED", "STOPPED"),
    "rollingRestart": ("RollingRestart", ("STARTED",), "STARTED", "STARTED", "STARTED"),
    "deployClientConfig": ("DeployClientConfig", ("STARTED", "STOPPED"), None, None, None),
}
# Role commands: (label, role states it needs, state while it runs, ok state, failed state).
ROLE_COMMANDS = {
    "start": ("Start", ("STOPPED",), "STARTING", "STARTED", "STOPPED"),
    "stop": ("Stop", ("STARTED",), "STOPPING", "STOPPED", "STARTED"),
    "restart": ("Restart", ("STARTED", "STOPPED"), "STARTING", "STARTED", "STOPPED"),
}
ROLE_COMMAND_SECONDS = 1.0
ROLE_RESTART_SECONDS = 1.0
SLAVE_ROLE_TYPES = ("DATANODE", "NODEMANAGER", "KAFKA_BROKER")
NOT_STARTABLE = ("GATEWAY",)
REDACTED = "REDACTED"
SENSITIVE = frozenset(["ssl_server_keystore_password", "ssl_server_keystore_keypassword",
                       "ssl_client_truststore_password"])
# Role-type settings with CM's defaults (None: no default); names as CM 7 has them.
ROLE_CONFIG = {
    "SERVER": {"maxSessionTimeout": "40000", "dataDir": "/var/lib/zookeeper", "dataLogDir": "/var/lib/zookeeper",
               "zookeeper_server_java_heapsize": "1073741824"},
    "NAMENODE": {"dfs_name_dir_list": None, "namenode_java_heapsize": "4294967296",
                 "dfs_namenode_handler_count": "30", "ssl_server_keystore_password": None},
    "SECONDARYNAMENODE": {"fs_checkpoint_dir_list": None, "secondary_namenode_java_heapsize": "4294967296"},
    "DATANODE": {"dfs_data_dir_list": None, "datanode_java_heapsize": "1073741824",
                 "dfs_datanode_failed_volumes_tolerated": "0", "ssl_server_keystore_password": None},
    "RESOURCEMANAGER": {"resource_manager_java_heapsize": "1073741824", "yarn_scheduler_maximum_allocation_mb": "8192"},
    "NODEMANAGER": {"yarn_nodemanager_resource_memory_mb": "8192", "yarn_nodemanager_resource_cpu_vcores": "8",
                    "yarn_nodemanager_local_dirs": None, "node_manager_java_heapsize": "1073741824"},
    "JOBHISTORY": {"mr2_jobhistory_java_heapsize": "1073741824"},
    "KAFKA_BROKER": {"broker_max_heap_size": "1024", "log.dirs": "/var/local/kafka/data",
                     "ssl_server_keystore_password": None},
    "GATEWAY": {"client_config_priority": "90"},
}


def items_of(request):
    return (request.json() or {}).get("items") or []


class RolesMixin:
    """Roles and role config groups of the simulated services, and the commands on them."""

    api_redaction = True

    # -- lookups -----------------------------------------------------------------------------------
    def role_types_of(self, kind):
        from simulators.cloudera_manager import ROLE_TYPES  # the simulator's catalog; imported late (cycle)

        return ROLE_TYPES.get(kind, ())

    def role(self, cluster, service, name):
        if name not in service["roles"]:
            raise not_found("Role '%s' not found in service '%s'." % (name, service["name"]))
        return service["roles"][name]

    def group(self, service, name):
        if name not in service["roleConfigGroups"]:
            raise not_found("Role config group '%s' not found in service '%s'." % (name, service["name"]))
        return service["roleConfigGroups"][name]

    def base_group(self, service, role_type):
        return next(g for g in service["roleConfigGroups"].values() if g["base"] and g["roleType"] == role_type)

    def role_host(self, cluster, host_ref):
        """(hostId, hostname) of a hostRef naming a host of the cluster; 400 otherwise."""
        host_id = (host_ref or {}).get("hostId")
        if not host_id:
            raise bad_request("A role needs hostRef.hostId.")
        if host_id not in self.hosts:
            raise not_found("Host '%s' not found." % host_id)
        if host_id not in self.clusters[cluster]["hosts"]:
            raise bad_request("Host '%s' is not a member of cluster '%s'." % (host_id, cluster))
        return host_id, self.hosts[host_id]["hostname"]

    # -- role state --------------------------------------------------------------------------------
    def role_busy(self, role):
        """The transient state of a role command or a rolling restart step running on it, else None."""
        now = self.now()
        command = role.get("command")
        if command and not command.done and now < command.end:
            return ROLE_COMMANDS[command.kind][2]
        for start, end in role.get("restarts") or []:
            if start <= now < end:
                return "STARTING"
        return None

    def role_state(self, service, role):
        if role["type"] in NOT_STARTABLE:
            return "NA"
        busy = self.role_busy(role)
        if busy:
            return busy
        return self.service_state(service) if role.get("state") is None else role["state"]

    def role_staleness(self, service, role):
        return role.get("stale") or service["stale"]

    def role_view(self, cluster, service, role):
        state = self.role_state(service, role)
        health = {"STARTED": "GOOD", "STOPPED": "DISABLED", "NA": "DISABLED"}.get(state, "CONCERNING")
        host = self.hosts.get(role["hostId"]) or {}
        return {"name": role["name"], "type": role["type"],
                "hostRef": {"hostId": role["hostId"], "hostname": host.get("hostname")},
                "serviceRef": {"clusterName": cluster, "serviceName": service["name"],
                               "serviceDisplayName": service.get("displayName")},
                "roleState": state, "commissionState": role.get("commission") or "COMMISSIONED",
                "healthSummary": health, "healthChecks": [],
                "configStale": self.role_staleness(service, role) != "FRESH",
                "configStalenessStatus": self.role_staleness(service, role),
                "roleUrl": "http://cm.example.com:7180/cmf/roleRedirect/%s" % role["name"],
                "maintenanceMode": bool(role.get("maintenance")), "maintenanceOwners": [],
                "roleConfigGroupRef": {"roleConfigGroupName": role["roleConfigGroupName"]},
                "entityStatus": "GOOD_HEALTH" if health == "GOOD" else "STOPPED" if state == "STOPPED" else "UNKNOWN",
                "tags": []}

    def mark_roles_stale(self, service, roles):
        """A change that concerns only `roles` (their group's settings): they, and their service, go STALE
        when they run; the other roles keep the staleness they had."""
        running = [role for role in roles if self.role_state(service, role) == "STARTED"]
        if not running:
            return
        for role in service["roles"].values():
            role.setdefault("stale", None)
            if role["stale"] is None:
                role["stale"] = service["stale"]
        for role in running:
            role["stale"] = "STALE"
        service["stale"] = service["client_stale"] = "STALE"

    def mark_roles_fresh(self, service, roles):
        for role in roles:
            role["stale"] = "FRESH"
        if all(self.role_staleness(service, role) == "FRESH" for role in service["roles"].values()):
            service["stale"] = "FRESH"
            for role in service["roles"].values():
                role["stale"] = None

    # -- config views ------------------------------------------------------------------------------
    def shown_config(self, items):
        """Mark sensitive settings and, with API redaction on, hide their values."""
        for item in items:
            item["sensitive"] = item["name"] in SENSITIVE
            if item["sensitive"] and self.api_redaction and item.get("value") is not None:
                item["value"] = REDACTED
        return items

    def config_answer(self, catalog, values, request):
        return {"items": self.shown_config(self.config_items(catalog, values, request.arg("view") == "full", "service"))}

    def update_config_values(self, catalog, values, items, owner):
        for item in items:
            if item.get("name") not in catalog:
                raise bad_request("Unknown configuration attribute '%s' for %s." % (item.get("name"), owner))
        for item in items:
            value = item.get("value")
            values[item["name"]] = None if value is None else str(value)

    # -- role types and roles ----------------------------------------------------------------------
    @api("GET", "/clusters/{cluster}/services/{name}/roleTypes")
    def list_role_types(self, request, cluster, name):
        return {"items": list(self.role_types_of(self.service(cluster, name)["type"]))}

    def matches_filter(self, role, text):
        host = self.hosts.get(role["hostId"]) or {}
        fields = {"type": role["type"], "hostname": host.get("hostname"), "hostId": role["hostId"]}
        for constraint in filter(None, (text or "").split(";")):
            key, dummy, value = constraint.partition("==")
            if key not in fields:
                raise bad_request("Invalid filter '%s': filtering is supported by hostname, hostId and type." % constraint)
            if fields[key] != value:
                return False
        return True

    @api("GET", "/clusters/{cluster}/services/{name}/roles")
    def list_roles(self, request, cluster, name):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        return {"items": [self.role_view(cluster, service, role) for role in service["roles"].values()
                          if self.matches_filter(role, request.arg("filter"))]}

    @api("POST", "/clusters/{cluster}/services/{name}/roles")
    def create_roles(self, request, cluster, name):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        wanted = [self.checked_role(cluster, service, item) for item in items_of(request)]
        placed = {(role["type"], role["hostId"]) for role in service["roles"].values()}
        for role_type, host_id, dummy, dummy_name in wanted:
            if (role_type, host_id) in placed:
                raise bad_request("Host '%s' already has a role of type %s in service '%s'."
                                  % (host_id, role_type, service["name"]))
            placed.add((role_type, host_id))
        views = []
        for role_type, host_id, group, role_name in wanted:
            role = self.add_role(cluster, service, role_type, host_id, group, state="STOPPED")  # new roles do not run yet
            if role_name and role_name != role["name"]:
                del service["roles"][role["name"]]
                role["name"] = role_name
                service["roles"][role_name] = role
            views.append(self.role_view(cluster, service, role))
        return {"items": views}

    def checked_role(self, cluster, service, item):
        role_type = item.get("type")
        if role_type not in self.role_types_of(service["type"]):
            raise bad_request("Invalid role type '%s' for service '%s' (type %s); role types: %s."
                              % (role_type, service["name"], service["type"], ", ".join(self.role_types_of(service["type"]))))
        host_id, hostname = self.role_host(cluster, item.get("hostRef"))
        group = (item.get("roleConfigGroupRef") or {}).get("roleConfigGroupName")
        if group and self.group(service, group)["roleType"] != role_type:
            raise bad_request("Role config group '%s' is for role type %s, not %s."
                              % (group, service["roleConfigGroups"][group]["roleType"], role_type))
        name = item.get("name")
        if name and name in service["roles"]:
            raise bad_request("Role with name '%s' already exists." % name)
        if name and name.startswith("%s-%s-" % (service["name"], role_type)):
            digest = hashlib.md5(("%s/%s/%s" % (service["name"], role_type, host_id)).encode()).hexdigest()
            if name != "%s-%s-%s" % (service["name"], role_type, digest):
                raise bad_request("Role name '%s' conflicts with the names Cloudera Manager generates; use '%s-%s-%s' "
                                  "or another form." % (name, service["name"], role_type, digest))
        return role_type, host_id, group, name

    @api("GET", "/clusters/{cluster}/services/{name}/roles/{role}")
    def read_role(self, request, cluster, name, role):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        return self.role_view(cluster, service, self.role(cluster, service, role))

    @api("DELETE", "/clusters/{cluster}/services/{name}/roles/{role}")
    def delete_role(self, request, cluster, name, role):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        record = self.role(cluster, service, role)
        if self.role_state(service, record) not in ("STOPPED", "NA"):
            raise bad_request("Role '%s' must be stopped before it can be deleted (it is %s)."
                              % (role, self.role_state(service, record)))
        view = self.role_view(cluster, service, record)
        del service["roles"][role]
        return view

    @api("GET", "/clusters/{cluster}/services/{name}/roles/{role}/config")
    def read_role_config(self, request, cluster, name, role):
        service = self.service(self.resolve_cluster(cluster), name)
        record = self.role(cluster, service, role)
        return self.config_answer(ROLE_CONFIG.get(record["type"], {}), record.setdefault("config", {}), request)

    @api("PUT", "/clusters/{cluster}/services/{name}/roles/{role}/config")
    def update_role_config(self, request, cluster, name, role):
        service = self.service(self.resolve_cluster(cluster), name)
        record = self.role(cluster, service, role)
        catalog = ROLE_CONFIG.get(record["type"], {})
        self.update_config_values(catalog, record.setdefault("config", {}), items_of(request), "role %s" % role)
        self.mark_roles_stale(service, [record])
        return self.config_answer(catalog, record["config"], request)

    @api("POST", "/clusters/{cluster}/services/{name}/roles/{role}/commands/{command}")
    def role_maintenance(self, request, cluster, name, role, command):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        record = self.role(cluster, service, role)
        if command not in ("enterMaintenanceMode", "exitMaintenanceMode"):
            raise not_found("no resource at %s" % request.path)
        record["maintenance"] = command == "enterMaintenanceMode"
        return self.done_command(command, {"roleRef": self.role_ref(cluster, service, record)})

    def role_ref(self, cluster, service, role):
        return {"clusterName": cluster, "serviceName": service["name"], "roleName": role["name"]}

    # -- role commands -----------------------------------------------------------------------------
    @api("POST", "/clusters/{cluster}/services/{name}/roleCommands/{command}")
    def role_command(self, request, cluster, name, command):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        if command not in ROLE_COMMANDS:
            raise not_found("no resource at %s" % request.path)
        roles = [self.role(cluster, service, role_name) for role_name in items_of(request)]
        label, allowed, dummy, ok_state, failed_state = ROLE_COMMANDS[command]
        commands, errors = [], []
        for role in roles:
            if self.running_command(service) or self.role_busy(role) or self.role_state(service, role) not in allowed:
                errors.append("Role %s: Command %s is not currently available for execution (the role is %s)."
                              % (role["name"], label, self.role_state(service, role)))
                continue
            commands.append(self.command_view(self.run_role_command(cluster, service, role, command)))
        return {"items": commands, "errors": errors}

    def role_failure(self, cluster, service, role, label):
        hostname = (self.hosts.get(role["hostId"]) or {}).get("hostname")
        message = self.failures.pop(("role", cluster, service["name"], hostname), None) or \
            self.failures.pop(("role", None, service["name"], hostname), None)
        if message is None:
            return None
        return {"parent": "Failed to %s role %s." % (label.lower(), role["name"]), "message": message,
                "role": {"cluster": cluster, "service": service["name"], "name": role["name"]}}

    def run_role_command(self, cluster, service, role, command):
        label, dummy, dummy_transient, ok_state, failed_state = ROLE_COMMANDS[command]
        failure = self.role_failure(cluster, service, role, label) if command != "stop" else None

        def finish(succeeded):
            role["state"] = ok_state if succeeded else failed_state
            if succeeded and ok_state == "STARTED" and command == "restart":
                self.mark_roles_fresh(service, [role])
            self.follow_roles(service)

        refs = {"roleRef": self.role_ref(cluster, service, role), "serviceRef": {"clusterName": cluster, "serviceName": service["name"]},
                "clusterRef": {"clusterName": cluster}}
        running = self.new_command(label, ROLE_COMMAND_SECONDS, refs, failure, finish, kind=command)
        role["command"] = running
        if command == "restart":
            self.log_restart(cluster, service, [role], running.start, running.end, running.id)
        return running

    def follow_roles(self, service):
        """The service's own state after role commands: STOPPED once no startable role runs, STARTED while
        one does (roles that match it follow it again)."""
        startable = [role for role in service["roles"].values() if role["type"] not in NOT_STARTABLE]
        states = {role.get("state") or service["state"] for role in startable}
        if states and states <= {"STOPPED"}:
            service["state"] = "STOPPED"
        elif "STARTED" in states:
            service["state"] = "STARTED"
        for role in startable:
            if role.get("state") == service["state"]:
                role["state"] = None

    def log_restart(self, cluster, service, roles, start, end, command_id, batch=None):
        for role in roles:
            role.setdefault("restarts", []).append((start, end))
        slaves = any(role["type"] in SLAVE_ROLE_TYPES for role in roles)
        self.restart_log.append({
            "cluster": cluster, "kind": "slaves" if slaves else "non-slaves",
            "where": [(self.hosts.get(role["hostId"]) or {}).get("hostname") for role in roles],
            "roles": [role["name"] for role in roles], "start": start, "end": end,
            "service": service["name"], "types": [role["type"] for role in roles], "command": command_id,
            "batch": batch})

    # -- role config groups ------------------------------------------------------------------------
    def group_view(self, cluster, service, group, full=False):
        catalog = ROLE_CONFIG.get(group["roleType"], {})
        return {"name": group["name"], "roleType": group["roleType"], "base": group["base"],
                "displayName": group["displayName"],
                "serviceRef": {"clusterName": cluster, "serviceName": service["name"]},
                "config": {"items": self.shown_config(self.config_items(catalog, group["config"], full, "service"))}}

    @api("GET", "/clusters/{cluster}/services/{name}/roleConfigGroups")
    def list_role_config_groups(self, request, cluster, name):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        return {"items": [self.group_view(cluster, service, group) for group in service["roleConfigGroups"].values()]}

    @api("POST", "/clusters/{cluster}/services/{name}/roleConfigGroups")
    def create_role_config_groups(self, request, cluster, name):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        items = items_of(request)
        for item in items:
            if item.get("base"):
                raise bad_request("It is not allowed to create base role config groups.")
            if not item.get("name") or item.get("roleType") not in self.role_types_of(service["type"]):
                raise bad_request("A role config group needs a name and a role type of service '%s' (%s); got %r, %r."
                                  % (service["name"], ", ".join(self.role_types_of(service["type"])),
                                     item.get("name"), item.get("roleType")))
            if item["name"] in service["roleConfigGroups"]:
                raise bad_request("Role config group with name '%s' already exists." % item["name"])
        created = []
        for item in items:
            group = {"name": item["name"], "roleType": item["roleType"], "base": False,
                     "displayName": item.get("displayName") or item["name"], "config": {}}
            self.update_config_values(ROLE_CONFIG.get(item["roleType"], {}), group["config"],
                                      (item.get("config") or {}).get("items") or [], "role config group %s" % item["name"])
            service["roleConfigGroups"][item["name"]] = group
            created.append(self.group_view(cluster, service, group))
        return {"items": created}

    @api("GET", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}")
    def read_role_config_group(self, request, cluster, name, group):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        return self.group_view(cluster, service, self.group(service, group))

    @api("PUT", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}")
    def update_role_config_group(self, request, cluster, name, group):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        if group == "roles":  # PUT .../roleConfigGroups/roles: move roles back to their base groups
            return self.move_roles(cluster, service, None, items_of(request))
        record = self.group(service, group)
        body = request.json() or {}
        if body.get("displayName"):
            record["displayName"] = body["displayName"]
        if body.get("config") is not None:
            self.update_config_values(ROLE_CONFIG.get(record["roleType"], {}), record["config"],
                                      body["config"].get("items") or [], "role config group %s" % group)
            self.mark_roles_stale(service, self.group_roles(service, group))
        return self.group_view(cluster, service, record)

    @api("DELETE", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}")
    def delete_role_config_group(self, request, cluster, name, group):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        record = self.group(service, group)
        if record["base"]:
            raise bad_request("Base role config group '%s' cannot be deleted." % group)
        if self.group_roles(service, group):
            raise bad_request("Role config group '%s' still has roles; move them first." % group)
        view = self.group_view(cluster, service, record)
        del service["roleConfigGroups"][group]
        return view

    def group_roles(self, service, group):
        return [role for role in service["roles"].values() if role["roleConfigGroupName"] == group]

    @api("GET", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}/config")
    def read_role_config_group_config(self, request, cluster, name, group):
        record = self.group(self.service(self.resolve_cluster(cluster), name), group)
        return self.config_answer(ROLE_CONFIG.get(record["roleType"], {}), record["config"], request)

    @api("PUT", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}/config")
    def update_role_config_group_config(self, request, cluster, name, group):
        service = self.service(self.resolve_cluster(cluster), name)
        record = self.group(service, group)
        catalog = ROLE_CONFIG.get(record["roleType"], {})
        items = items_of(request)
        self.update_config_values(catalog, record["config"], items, "role config group %s (role type %s)"
                                  % (group, record["roleType"]))
        if items:
            self.mark_roles_stale(service, self.group_roles(service, group))
        return self.config_answer(catalog, record["config"], request)

    @api("GET", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}/roles")
    def read_group_roles(self, request, cluster, name, group):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        self.group(service, group)
        return {"items": [self.role_view(cluster, service, role) for role in self.group_roles(service, group)]}

    @api("PUT", "/clusters/{cluster}/services/{name}/roleConfigGroups/{group}/roles")
    def move_roles_to_group(self, request, cluster, name, group):
        cluster = self.resolve_cluster(cluster)
        return self.move_roles(cluster, self.service(cluster, name), group, items_of(request))

    def move_roles(self, cluster, service, group, names):
        roles = [self.role(cluster, service, role_name) for role_name in names]
        for role in roles:
            target = self.group(service, group) if group else self.base_group(service, role["type"])
            if target["roleType"] != role["type"]:
                raise bad_request("Role '%s' of type %s cannot move to role config group '%s' of role type %s."
                                  % (role["name"], role["type"], target["name"], target["roleType"]))
        for role in roles:
            role["roleConfigGroupName"] = group or self.base_group(service, role["type"])["name"]
        self.mark_roles_stale(service, roles)
        return {"items": [self.role_view(cluster, service, role) for role in roles]}

    # -- services: display name, commands ----------------------------------------------------------
    @api("PUT", "/clusters/{cluster}/services/{name}")
    def update_service(self, request, cluster, name):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        display_name = (request.json() or {}).get("displayName")
        if display_name:
            service["displayName"] = display_name
        return self.service_view(cluster, service)

    @api("POST", "/clusters/{cluster}/services/{name}/commands/{command}")
    def service_command(self, request, cluster, name, command):
        cluster = self.resolve_cluster(cluster)
        service = self.service(cluster, name)
        if command in ("enterMaintenanceMode", "exitMaintenanceMode"):
            service["maintenance"] = command == "enterMaintenanceMode"
            return self.done_command(command, {"serviceRef": {"clusterName": cluster, "serviceName": name}})
        if command not in SERVICE_COMMANDS:
            raise not_found("no resource at %s" % request.path)
        label, allowed, dummy, ok_state, failed_state = SERVICE_COMMANDS[command]
        if self.running_command(service) or self.service_state(service) not in allowed or \
                any(self.role_busy(role) for role in service["roles"].values()):
            raise bad_request("Command %s is not currently available for execution." % label)
        if command == "rollingRestart":
            return self.command_view(self.rolling_restart(cluster, service, request.json() or {}))
        failure = self.command_failure_for(cluster, service)
        if failure is None and command == "firstRun":
            failure = self.first_run_failure(cluster, service)

        def initialized(dummy):
            service["initialized"] = True

        running = self.schedule(cluster, service, command, 0.0, failure, initialized if command == "firstRun" else None)
        return self.command_view(running)

    def service_command_finished(self, service, kind, succeeded):
        """Called by schedule(): a service-wide start, stop or restart leaves every role in the service's state."""
        if SERVICE_COMMANDS[kind][3] is None:
            return
        for role in service["roles"].values():
            role["state"] = None
        if succeeded and SERVICE_COMMANDS[kind][3] == "STARTED":
            self.mark_roles_fresh(service, list(service["roles"].values()))

    def first_run_failure(self, cluster, service):
        for key, value in sorted(service["config"].items()):
            if key.endswith("_service") and value:
                depended = self.clusters[cluster]["services"].get(value)
                if depended is None or self.service_state(depended) != "STARTED":
                    return {"message": "Service %s, which %s depends on (%s), is not running." % (value, service["name"], key),
                            "role": {}}
        namenodes = [role for role in service["roles"].values() if role["type"] == "NAMENODE"]
        if service["type"] == "HDFS" and service.get("initialized") and namenodes:
            return {"message": "Formatting the name directories of the current NameNode failed: the directories "
                               "are not empty and the NameNode was formatted before.",
                    "role": dict(namenodes[0], cluster=cluster, service=service["name"])}
        return None

    # -- rolling restart -------------------------------------------------------------------------------
    def rolling_restart(self, cluster, service, args):
        batch_size = args.get("slaveBatchSize", 1)
        threshold = args.get("slaveFailCountThreshold", 0)
        sleep = args.get("sleepSeconds", 0)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise bad_request("slaveBatchSize must be greater than zero (got %r)." % (batch_size,))
        if not isinstance(threshold, int) or threshold < 0:
            raise bad_request("slaveFailCountThreshold must be zero or more (got %r)." % (threshold,))
        if args.get("restartRoleTypes") and args.get("restartRoleNames"):
            raise bad_request("Both role types and role names should not be specified.")
        for role_type in args.get("restartRoleTypes") or []:
            if role_type not in self.role_types_of(service["type"]):
                raise bad_request("Invalid role type '%s' for service '%s'." % (role_type, service["name"]))
        roles = [self.role(cluster, service, n) for n in args.get("restartRoleNames") or []] or \
            [role for role in service["roles"].values()
             if role["type"] in (args.get("restartRoleTypes") or [role["type"]])]
        roles = [role for role in roles if self.role_state(service, role) == "STARTED"
                 and (not args.get("staleConfigsOnly") or self.role_staleness(service, role) != "FRESH")]
        masters = [[role] for role in roles if role["type"] not in SLAVE_ROLE_TYPES]
        slaves = [role for role in roles if role["type"] in SLAVE_ROLE_TYPES]
        batches = masters + [slaves[i:i + batch_size] for i in range(0, len(slaves), batch_size)]
        refs = {"serviceRef": {"clusterName": cluster, "serviceName": service["name"]}, "clusterRef": {"clusterName": cluster}}
        command = self.new_command("RollingRestart", 0, refs, kind="rollingRestart")
        at, failed_batches, restarted, failure = command.start, 0, [], None
        armed = self.command_failure_for(cluster, service)  # control_fail_next_command: the first step fails
        for number, batch in enumerate(batches, 1):
            end = at + ROLE_RESTART_SECONDS
            self.log_restart(cluster, service, batch, at, end, command.id, batch=number)
            failures = [f for f in (self.role_failure(cluster, service, role, "restart") for role in batch) if f]
            if armed:
                failures, armed, failed_batches = [armed], None, threshold
            at = end + sleep
            if failures:
                failed_batches += 1
                if batch[0]["type"] not in SLAVE_ROLE_TYPES or failed_batches > threshold:
                    failure = dict(failures[0], parent="Rolling restart of service %s failed." % service["name"])
                    at = end
                    break
            restarted.extend(role for role in batch if not any(f["role"]["name"] == role["name"] for f in failures))
        command.end = max(at, command.start)
        command.failure = failure

        def finish(succeeded):
            self.mark_roles_fresh(service, restarted)

        command.on_end = finish
        command.message = "Rolling restart of %d roles in %d steps completed." % (len(restarted), len(batches))
        service["command"] = command
        return command

    # -- test hooks --------------------------------------------------------------------------------
    def control_fail_next_role_command(self, service, host, message=None, cluster=None):
        self.failures[("role", cluster and self.resolve_cluster(cluster), service, host)] = message or (
            "Supervisor returned FATAL. Please check the role log file, stderr, or stdout.")
        return {"armed": "role"}

    def control_set_api_redaction(self, enabled):
        self.api_redaction = bool(enabled)
        return {"api_redaction": self.api_redaction}

    def control_restart_log(self):
        return {"items": list(self.restart_log)}
