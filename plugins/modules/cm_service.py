#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_service
short_description: Create, configure, place roles of, start, stop, restart or delete a Cloudera Manager cluster service
version_added: 0.1.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Manages one service (such as HDFS, YARN or ZooKeeper) of a cluster managed by Cloudera Manager, its roles on the
    cluster's hosts and the settings of its role config groups.
  - This is a cluster service. The Cloudera Management Service (what C(cloudera.cluster.cm_service) manages) is
    another thing.
  - Configuration is compared with the values in effect (Cloudera Manager's defaults included, C(view=full)), and
    only the settings that differ are sent. Settings Cloudera Manager flags as sensitive (passwords) are compared
    without being shown; results and C(--diff) mask them.
  - Start, stop, restart and first run are Cloudera Manager commands; the task waits for them and, when one fails,
    fails with Cloudera Manager's own message, including the messages of the failed steps inside the command.
  - Every wait of one task shares the task's O(timeout).
  - A command already running on the service when the task starts (one an earlier, timed-out run began) is waited
    for first, as Cloudera Manager refuses another meanwhile; a command of the name the task would send is then not
    sent again.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  name:
    description: Name of the service, such as V(hdfs).
    type: str
    required: true
  type:
    description:
      - Service type, such as V(HDFS), V(YARN) or V(ZOOKEEPER). Needed to create the service.
      - When the service exists with another type, the task fails.
    type: str
  display_name:
    description: The name Cloudera Manager's UI shows for the service. Set when the service is created, changed when it differs.
    type: str
    version_added: 0.2.0
  state:
    description:
      - V(present) - the service exists (created stopped when missing); its run state is left alone.
      - V(started) - the service exists and runs, and so does each of its roles (roles added to a running service,
        or stopped on one host, are started). A service this task created with O(roles) is started with Cloudera
        Manager's first run (see O(first_run)).
      - V(stopped) - the service exists and is stopped.
      - V(restarted) - the service is restarted, every time the task runs (a stopped service is started).
      - V(absent) - the service is stopped, then deleted. The task waits for the stop even with O(wait=false).
    type: str
    choices: [present, absent, started, stopped, restarted]
    default: present
  config:
    description:
      - Service-level configuration settings, by Cloudera Manager's name, such as V(dfs_replication).
      - Values are compared as strings with the value in effect (the default when none is set); V(true) and
        V(false) are sent in lower case. A V(null) value removes the setting, so the default applies.
      - A name that the service does not have fails the task before any setting changes.
      - A setting Cloudera Manager flags as sensitive is masked in results and C(--diff). When Cloudera Manager
        answers it only as C(REDACTED) (API redaction, on by default in Cloudera Manager 7), the value cannot be
        compared, so a setting that has a value counts as in place and the task warns; set it to V(null) and back to
        replace it.
    type: dict
  roles:
    description:
      - Roles of the service and the hosts they sit on. A role of O(roles[].type) is created on each host of
        O(roles[].hosts) that has none; roles on other hosts stay unless O(purge_roles=true).
      - Roles added to a running service are started when O(state=started).
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      type:
        description: Role type, such as V(DATANODE), V(NAMENODE) or V(SERVER).
        type: str
        required: true
      hosts:
        description: The hosts, by host name, host ID or IP address; each must be a host of the cluster.
        type: list
        elements: str
        required: true
      role_config_group:
        description:
          - Role config group of these roles (a group of O(roles[].type)), such as one created through
            O(role_config_groups). Roles of the type on these hosts that sit in another group are moved to it.
          - When not given, new roles join the base group of their type, and existing roles stay where they are.
        type: str
  purge_roles:
    description:
      - Delete the roles of the service that O(roles) does not list (a type it does not name, or a host it does not
        name for that type). Running roles are stopped first.
      - Only with O(roles).
    type: bool
    default: false
    version_added: 0.2.0
  role_config_groups:
    description:
      - Settings of role config groups, compared with the values in effect (C(view=full)) like O(config).
      - An entry with only O(role_config_groups[].role_type) means the base group of that role type
        (C(<service>-<ROLETYPE>-BASE)). An entry with a O(role_config_groups[].name) that does not exist creates that
        group, which needs O(role_config_groups[].role_type).
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      name:
        description: Name of the group.
        type: str
      role_type:
        description: Role type of the group, such as V(DATANODE).
        type: str
      display_name:
        description: Display name of a group this task creates.
        type: str
      config:
        description: The group's settings, such as V(dfs_data_dir_list) or V(yarn_nodemanager_resource_memory_mb).
        type: dict
        default: {}
  maintenance:
    description: Put the service into Cloudera Manager's maintenance mode (V(true)) or take it out (V(false)).
    type: bool
    version_added: 0.2.0
  first_run:
    description:
      - How O(state=started) starts a stopped service. With Cloudera Manager's C(firstRun) command, which prepares
        the service first (formats the NameNode, creates the directories YARN and others need), or with a plain start.
      - When not set, C(firstRun) starts a service this task creates with O(roles), a plain start any other.
      - V(true) - C(firstRun) starts any stopped service, such as one whose roles an earlier step placed (host
        templates). V(false) - always a plain start.
      - Services it depends on must run by then (ZooKeeper before HDFS before YARN).
    type: bool
    version_added: 0.2.0
  rolling:
    description:
      - V(true) or a dict - restart a running service with Cloudera Manager's rolling restart (the non-worker roles
        one by one, then the worker roles in batches) instead of a plain restart.
      - The dict takes the arguments of Cloudera Manager's rolling restart; unset ones keep Cloudera Manager's
        defaults. C(batch_size) (alias C(slave_batch_size)) - worker roles restarted at a time (default 1);
        C(fail_threshold) - batches allowed to fail before the command fails (default 0); C(sleep_seconds) - pause
        between batches; C(stale_only) - only roles whose configuration is stale; C(role_types) - only these role types.
      - V(false) - a plain restart.
    type: raw
    default: false
  restart_on_config_change:
    description:
      - Restart a running service whose configuration (or role config group settings) this task changed, or that
        Cloudera Manager reports as stale (C(configStalenessStatus) C(STALE)), for example after a new parcel was
        activated. With O(rolling) the restart is a rolling restart.
      - Then, when this task changed the configuration or the client configuration is stale
        (C(clientConfigStalenessStatus)), deploy the client configuration to every role of the service.
    type: bool
    default: false
notes:
  - O(state=restarted) always reports C(changed).
  - When Cloudera Manager refuses a command (an HTTP error on the command itself), the task fails with
    C(changed=false) unless it changed something before; a command that failed after Cloudera Manager accepted it
    fails the task with C(changed=true) and the C(commands) sent.
seealso:
  - module: bigdata.platform.cm_service_info
  - module: bigdata.platform.cm_role
  - module: bigdata.platform.cm_parcel
"""

EXAMPLES = r"""
- name: HDFS with its roles on three hosts, data directories on the data disk, prepared and started
  bigdata.platform.cm_service:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    name: hdfs
    type: HDFS
    state: started
    config:
      zookeeper_service: zookeeper
      dfs_replication: 2
    roles:
      - {type: NAMENODE, hosts: [master-1.example.com]}
      - {type: SECONDARYNAMENODE, hosts: [master-1.example.com]}
      - {type: DATANODE, hosts: [worker-1.example.com, worker-2.example.com, worker-3.example.com]}
    role_config_groups:
      - role_type: DATANODE
        config:
          dfs_data_dir_list: /data/1/dfs/dn,/data/2/dfs/dn
      - role_type: NAMENODE
        config:
          dfs_name_dir_list: /data/1/dfs/nn
          namenode_java_heapsize: 4294967296

- name: Restart HDFS's stale roles, one worker at a time (credentials from CM_HOST, CM_USERNAME, CM_PASSWORD)
  bigdata.platform.cm_service:
    cluster: Cluster 1
    name: hdfs
    state: started
    restart_on_config_change: true
    rolling:
      batch_size: 1
      stale_only: true

- name: Kafka is gone
  bigdata.platform.cm_service:
    cluster: Cluster 1
    name: kafka
    state: absent
"""

RETURN = r"""
service:
  description: The service after the task (predicted in check mode); null when absent.
  returned: always
  type: dict
  contains:
    cluster:
      description: The cluster's internal name (what Cloudera Manager's API paths use).
      type: str
    cluster_display_name:
      description: The cluster's display name, as Cloudera Manager's UI shows it.
      type: str
      sample: Cluster 1
      version_added: 0.2.0
    name:
      description: Service name.
      type: str
      sample: hdfs
    type:
      description: Service type.
      type: str
      sample: HDFS
    display_name:
      description: Name Cloudera Manager shows.
      type: str
    service_state:
      description: Run state, such as C(STARTED) or C(STOPPED).
      type: str
    health_summary:
      description: Health, such as C(GOOD) or C(BAD).
      type: str
    config_staleness_status:
      description: C(FRESH), C(STALE_REFRESHABLE) or C(STALE) (needs a restart).
      type: str
    client_config_staleness_status:
      description: Whether the client configuration deployed on the hosts is stale.
      type: str
    maintenance_mode:
      description: Whether the service is in maintenance mode.
      type: bool
    service_version:
      description: Version of the software the service runs.
      type: str
    config:
      description: The values in effect of the settings named in O(config), sensitive ones masked; only when O(config) is given.
      type: dict
      sample: {dfs_replication: "2"}
    roles:
      description:
        - The roles of the service, sorted by type and host name, as M(bigdata.platform.cm_role) returns them
          (C(name), C(type), C(hostname), C(host_id), C(role_state), C(role_config_group)...). In check mode, a role
          the task would create has no C(name) yet.
      type: list
      elements: dict
      version_added: 0.2.0
    role_config_groups:
      description:
        - The groups named in O(role_config_groups) with the values in effect of the settings asked for (sensitive
          ones masked); only when O(role_config_groups) is given.
      type: list
      elements: dict
      version_added: 0.2.0
      sample: [{name: hdfs-DATANODE-BASE, role_type: DATANODE, base: true, config: {dfs_data_dir_list: /data/1/dfs/dn}}]
commands:
  description:
    - Cloudera Manager commands run (in check mode, that would run), such as C(createRoles), C(firstRun), C(stop),
      C(rollingRestart), C(startRoles) or C(deployClientConfig).
    - Also in the result of a task that fails on the way, with C(changed=true) when CM accepted a change.
  returned: always
  type: list
  elements: str
timeline:
  description:
    - What the task's waits saw, each distinct state once, such as C(command Restart still active (1 of 2 steps done)),
      with C(elapsed) (seconds since the task began) and C(what) (the wait).
    - At C(-v), a task that waits shows the state it last read every 20 seconds.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{elapsed: 0.1, what: "command restart on service hdfs in cluster cluster", state: "command Restart still active"}]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    STALE, ClouderaManagerClient, CMTask, cm_argument_spec, describe_service, normalize_service, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_roles import (
    NOT_RUNNABLE, check_rolling, cluster_hosts, create_group, create_roles, delete_role, desired_settings, find_host,
    group_config, move_roles, read_groups, read_roles, redacted_settings, role_command, role_key, rolling_restart,
    sensitive_names, setting_changes, settings_before_after, shown_settings, synchronous_command, update_group_config,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import NotFound, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, make_diff, run_module

# Where a start or stop in progress leads: the task waits for it before it decides anything.
SETTLES_TO = {"STARTING": "STARTED", "STOPPING": "STOPPED"}
# An empty role list deploys the client configuration to every role of the service (API v6 and later).
COMMAND_BODIES = {"deployClientConfig": {"items": []}}
RUNNING = ("STARTED", "STARTING")


def argument_spec():
    return cm_argument_spec(WAIT_ARGS, dict(
        cluster=dict(type="str", required=True),
        name=dict(type="str", required=True),
        type=dict(type="str"),
        display_name=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent", "started", "stopped", "restarted"]),
        config=dict(type="dict"),
        roles=dict(type="list", elements="dict", options=dict(
            type=dict(type="str", required=True),
            hosts=dict(type="list", elements="str", required=True),
            role_config_group=dict(type="str"),
        )),
        purge_roles=dict(type="bool", default=False),
        role_config_groups=dict(type="list", elements="dict", options=dict(
            name=dict(type="str"),
            role_type=dict(type="str"),
            display_name=dict(type="str"),
            config=dict(type="dict", default={}),
        ), required_one_of=[("name", "role_type")]),
        maintenance=dict(type="bool"),
        first_run=dict(type="bool"),
        rolling=dict(type="raw", default=False),
        restart_on_config_change=dict(type="bool", default=False),
    ))


class Service(CMTask):
    """The module's view of one service, and what it sent: changed is true once Cloudera Manager accepted a change,
    changes once the task found something to change (the check-mode prediction)."""

    def __init__(self, client, module, params):
        super().__init__(client, params, module.check_mode)
        self.module = module
        self.cluster = params["cluster"]
        self.name = params["name"]
        self.rolling = check_rolling(params["rolling"])
        self.changes = False
        self.joined = set()  # command_key() of the commands running on the service that the task waited for

    def read(self):
        return normalize_service(self.client.read_service(self.cluster, self.name))

    def change(self, send, command=None):
        """A change; outside check mode send it. `command`, a Cloudera Manager command, joins `commands` once CM
        accepted it. A request CM refused (an HTTP error status on the request itself) changed nothing; one that got
        no answer may have reached Cloudera Manager, and a command that failed after CM accepted it did change."""
        self.changes = True
        if self.check_mode:
            self.commands.extend([command] if command else [])
            return None
        return self.act(command, lambda client: send())

    def settle(self, service):
        """Wait out a start or stop someone else began: commands are refused while one runs. Check mode
        predicts from the state it leads to, as the real run decides only once it has settled."""
        if service["service_state"] not in SETTLES_TO:
            return service
        if self.check_mode:
            return dict(service, service_state=SETTLES_TO[service["service_state"]])
        if self.join_running_commands():
            service = self.read()
        if service["service_state"] not in SETTLES_TO:
            return service
        return self.deadline.wait_until(self.read, lambda s: s["service_state"] in SETTLES_TO.values(),
                                        what="service %s to finish %s" % (self.name, service["service_state"].lower()),
                                        describe=describe_service)

    def join_running_commands(self):
        """Wait for the commands running on the service (CM refuses another meanwhile): one an earlier run of the
        task began before its timeout (a progress slice: plugins/action/cm_service.py), or someone else did. A
        command of the name this task would send is not sent again (already_running). True when one ran."""
        running = self.client.active_service_commands(self.cluster, self.name)
        for command in running:
            self.client.wait_command(command, "command %s on service %s in cluster %s (already running)"
                                     % (command.get("name"), self.name, self.cluster), self.deadline)
            self.joined.add(command_key(command.get("name")))
        return bool(running)

    def already_running(self, command):
        """Whether `command` was running on the service when the task began (and has been waited for now)."""
        if command_key(command) not in self.joined:
            self.join_running_commands()
        return command_key(command) in self.joined

    def run(self, command, wait=None):
        wait = self.params["wait"] if wait is None else wait
        if wait and not self.check_mode and self.already_running(command):
            return None
        if command == "rollingRestart":
            return self.change(lambda: rolling_restart(self.client, self.cluster, self.name, self.rolling, self.deadline,
                                                       wait=wait), command)
        return self.change(lambda: self.client.service_command(self.cluster, self.name, command, self.deadline, wait=wait,
                                                               body=COMMAND_BODIES.get(command)), command)

    def host(self, hosts, name):
        """The cluster's host `name` names. Check mode takes a host the cluster does not have (yet) as named, since
        an earlier task of the same check-mode run may add it; the run itself fails on it."""
        try:
            return find_host(hosts, name, "roles", self.params["cluster_display_name"])
        except OptionError:
            if not self.check_mode:
                raise
            self.module.warn("roles: %s is not a host of cluster %s (yet); a run fails unless an earlier task adds it"
                             % (name, self.params["cluster_display_name"]))
            return {"hostname": name, "host_id": None, "ip_address": None}

    def settings(self, option, values, items, owner):
        """desired, changes, (before, after) for one set of settings; sensitive values join the module's no_log
        values (so even the invocation shows them masked) and redacted ones that cannot be compared are warned of."""
        desired = desired_settings(option, values, items, owner)
        known = items or {}
        for key in sensitive_names(desired, known):
            if desired[key] is not None:
                self.module.no_log_values.add(desired[key])
        for key in redacted_settings(desired, known):
            self.module.warn("%s: Cloudera Manager shows sensitive setting %s of %s only as REDACTED, so it cannot be "
                             "compared; it has a value and was left as it is" % (option, key, owner))
        changes = setting_changes(desired, known)
        return desired, changes, settings_before_after(desired, known, changes)


def command_key(name):
    """A command's name as the API path says it (firstRun) or as CM names the command (First Run), compared."""
    return "".join(character for character in (name or "").lower() if character.isalnum())


# -- role config groups -------------------------------------------------------------------------------
def group_name_of(entry, groups, service):
    """The group an entry of role_config_groups means (the base group of role_type when no name is given)."""
    role_type = (entry["role_type"] or "").upper() or None
    if entry["name"]:
        existing = next((g for g in groups if g["name"] == entry["name"]), None)
        if existing and role_type and existing["role_type"] != role_type:
            raise OptionError("role_config_groups", entry["name"], "is a group of role type %s, not %s"
                              % (existing["role_type"], role_type))
        if existing is None and role_type is None:
            raise OptionError("role_config_groups", entry["name"], "is not a role config group of service %s; give "
                                                                   "role_type to create it" % service)
        return entry["name"], role_type or existing["role_type"], existing is None, bool(existing and existing["base"])
    base = next((g for g in groups if g["base"] and g["role_type"] == role_type), None)
    return (base["name"] if base else "%s-%s-BASE" % (service, role_type)), role_type, False, True


def ensure_groups(service, exists):
    """Create missing groups, then set their settings; -> (result entries, before, after, changed settings?)."""
    entries = service.params["role_config_groups"]
    if entries is None:
        return None, {}, {}, False
    groups = read_groups(service.client, service.cluster, service.name) if exists else []
    shown, before, after, any_change = [], {}, {}, False
    for entry in entries:
        name, role_type, missing, base = group_name_of(entry, groups, service.name)
        if missing:
            service.change(lambda: create_group(service.client, service.cluster, service.name, name, role_type,
                                                entry["display_name"]))
        readable = exists and not (missing and service.check_mode)
        items = group_config(service.client, service.cluster, service.name, name) if readable else None
        desired, changes, (old, new) = service.settings("role_config_groups", entry["config"], items,
                                                        "role config group %s (role type %s)" % (name, role_type))
        if items is None:  # check mode, nothing to read yet: every value set is predicted
            changes = {key: (None, value) for key, value in desired.items() if value is not None}
            new = shown_settings(dict(old, **{key: value for key, (dummy, value) in changes.items()}), {})
        if changes:
            service.change(lambda: update_group_config(service.client, service.cluster, service.name, name,
                                                       {k: desired[k] for k in changes}))
        any_change = any_change or bool(changes)
        before[name], after[name] = old, new
        shown.append({"name": name, "role_type": role_type, "base": base, "config": new})
    return shown, before, after, any_change


# -- roles ----------------------------------------------------------------------------------------------
def plan_roles(service, current_roles):
    """(to add [(type, host, group)], to move {group: [role names]}, to remove [roles]) for the roles option."""
    entries = service.params["roles"]
    if entries is None:
        return [], {}, []
    hosts = [] if service.params["cluster_missing"] else cluster_hosts(service.client, service.cluster)
    wanted, add, move = set(), [], {}
    for entry in entries:
        role_type = entry["type"].upper()
        for name in entry["hosts"]:
            host = service.host(hosts, name)
            wanted.add((role_type, host["host_id"]))
            existing = next((r for r in current_roles if r["type"] == role_type and r["host_id"] == host["host_id"]), None)
            if existing is None:
                add.append((role_type, host, entry["role_config_group"]))
            elif entry["role_config_group"] and existing["role_config_group"] != entry["role_config_group"]:
                move.setdefault(entry["role_config_group"], []).append(existing["name"])
    remove = [r for r in current_roles if (r["type"], r["host_id"]) not in wanted] if service.params["purge_roles"] else []
    return add, move, remove


def ensure_roles(service, exists):
    """Place the roles; -> (roles before, roles after, whether roles changed)."""
    current = read_roles(service.client, service.cluster, service.name) if exists else []
    add, move, remove = plan_roles(service, current)
    if add:
        service.change(lambda: create_roles(service.client, service.cluster, service.name,
                                            [(t, h["host_id"], g) for t, h, g in add]))
    for group, names in sorted(move.items()):
        service.change(lambda: move_roles(service.client, service.cluster, service.name, group, names))
    running = [r["name"] for r in remove if r["role_state"] in RUNNING]
    if running:
        service.change(lambda: role_command(service.client, service.cluster, service.name, "stop", running,
                                            service.deadline), "stopRoles")
    for role in remove:
        service.change(lambda: delete_role(service.client, service.cluster, service.name, role["name"]))
    if service.check_mode or not (add or move or remove):
        moved = {name: group for group, names in move.items() for name in names}
        gone = {r["name"] for r in remove}
        after = [dict(r, role_config_group=moved.get(r["name"], r["role_config_group"])) for r in current if r["name"] not in gone]
        after += [{"name": None, "type": t, "hostname": h["hostname"], "host_id": h["host_id"], "role_state": "STOPPED",
                   "role_config_group": g} for t, h, g in add]
        return current, sorted(after, key=lambda r: (r["type"], r["hostname"] or "")), bool(add or move or remove)
    return current, read_roles(service.client, service.cluster, service.name), True


def start_stopped_roles(service, roles):
    """state=started on a running service: its roles that do not run (new ones, ones stopped on a host) start."""
    stopped = [r["name"] or role_key(r) for r in roles if r["role_state"] not in RUNNING + NOT_RUNNABLE]
    if stopped:
        service.change(lambda: role_command(service.client, service.cluster, service.name, "start", stopped,
                                            service.deadline, wait=service.params["wait"]), "startRoles")
    return bool(stopped)


# -- the run state ------------------------------------------------------------------------------------------
def state_command(service, state, created, roles, config_changed, stale):
    """The run-state command the task needs, or None."""
    params = service.params
    running = state == "STARTED"
    restart = "rollingRestart" if service.rolling is not None and running else "restart"
    first_run = params["first_run"] if params["first_run"] is not None else created and bool(roles)
    if params["state"] == "started" and first_run and state == "STOPPED":
        return "firstRun"
    if params["state"] == "restarted":
        return restart
    if params["state"] == "started" and not running:
        return "start"
    if params["state"] == "stopped":
        return "stop" if running else None
    if params["restart_on_config_change"] and running and (config_changed or stale):
        return restart
    return None


def check_type(service, current):
    kind = (service.params["type"] or "").upper()
    if current is None and not kind:
        raise OptionError("type", None, "is required to create service %s in cluster %s" % (service.name, service.cluster))
    if current is not None and kind and kind != current["type"]:
        raise OptionError("type", service.params["type"], "differs from the type of the existing service %s (%s)"
                          % (service.name, current["type"]))
    return kind or current["type"]


def ensure_absent(service, current):
    if current is None:
        return dict(changed=False, service=None, commands=[], diff=make_diff(None, None))
    if service.settle(current)["service_state"] != "STOPPED":
        service.run("stop", wait=True)
    service.change(lambda: delete_gone_too(service))
    return dict(changed=True, service=None, commands=service.commands,
                diff=make_diff({"service_state": current["service_state"]}, None))


def delete_gone_too(service):
    """DELETE is retried after a timeout; a retry that finds the service gone means the first one worked."""
    try:
        return service.client.delete_service(service.cluster, service.name)
    except NotFound:
        return None


def ensure_present(service, current):
    params = service.params
    kind = check_type(service, current)
    created = current is None
    before, after = {}, {}
    if created:
        service.change(lambda: service.client.create_service(service.cluster, service.name, kind, params["display_name"]))
        current = None if service.check_mode else service.read()
    exists = current is not None
    if params["display_name"] and exists and current["display_name"] != params["display_name"]:
        service.change(lambda: service.client.update_service(service.cluster, service.name, params["display_name"]))
    groups, before["role_config_groups"], after["role_config_groups"], groups_changed = ensure_groups(service, exists)
    roles_at_start, roles, roles_changed = ensure_roles(service, exists)
    if params["maintenance"] is not None and (current or {}).get("maintenance_mode", False) != params["maintenance"]:
        command = "enterMaintenanceMode" if params["maintenance"] else "exitMaintenanceMode"
        service.change(lambda: synchronous_command(service.client, service.client.service_path(
            service.cluster, service.name, "commands", command), "%s of service %s" % (command, service.name)), command)
    items = service.client.service_config(service.cluster, service.name) if exists and params["config"] is not None else None
    desired, changes, (before["config"], after["config"]) = service.settings("config", params["config"], items,
                                                                             "service %s (type %s)" % (service.name, kind))
    if changes:
        service.change(lambda: service.client.update_service_config(service.cluster, service.name,
                                                                    {k: desired[k] for k in changes}))
    settled = service.settle(current) if exists else None
    state = "STOPPED" if settled is None else settled["service_state"]
    stale = exists and current["config_staleness_status"] in STALE
    command = state_command(service, state, created, params["roles"], bool(changes) or groups_changed, stale)
    if command:
        service.run(command)
    elif params["state"] == "started" and state == "STARTED":
        if service.rolling is not None and params["wait"] and not service.check_mode:
            service.join_running_commands()  # a rolling restart leaves the service STARTED while it runs
        start_stopped_roles(service, roles)
    client_stale = exists and current["client_config_staleness_status"] in STALE
    if params["restart_on_config_change"] and (bool(changes) or groups_changed or client_stale):
        service.run("deployClientConfig")
    if service.check_mode:
        result = predicted(settled, params, kind, command, current)
    else:
        # Nothing sent: the service is as read (and settled); a second read would show the same.
        result = service.read() if service.changed else dict(settled)
    if not service.check_mode and params["wait"] and (command or roles_changed):
        roles = read_roles(service.client, service.cluster, service.name)
    elif service.check_mode:
        roles = predicted_roles(roles, result["service_state"], params)
    result["roles"] = roles
    if params["config"] is not None:
        result["config"] = after["config"]
    if groups is not None:
        result["role_config_groups"] = groups
    before_side = None if created else diff_side(current, before, params, roles_at_start)
    return dict(changed=service.changes, service=result, commands=service.commands,
                diff=make_diff(before_side, diff_side(result, after, params, result["roles"])))


def predicted_roles(roles, service_state, params):
    if service_state != "STARTED" or params["state"] not in ("started", "restarted"):
        return roles
    return [dict(r, role_state=r["role_state"] if r["role_state"] in NOT_RUNNABLE else "STARTED") for r in roles]


def diff_side(service, settings, params, roles):
    shown = {"service_state": service["service_state"]}
    for option, key in (("display_name", "display_name"), ("maintenance", "maintenance_mode")):
        if params[option] is not None:
            shown[key] = service.get(key)
    if params["config"] is not None:
        shown["config"] = settings["config"]
    if params["role_config_groups"] is not None:
        shown["role_config_groups"] = settings["role_config_groups"]
    if params["roles"] is not None and roles is not None:
        shown["roles"] = sorted(role_key(r) for r in roles)
    return shown


def predicted(current, params, kind, command, before):
    """What check mode (or wait=false) expects the service to look like after the task."""
    service = dict(current or before or {}, cluster=params["cluster"], cluster_display_name=params["cluster_display_name"],
                   name=params["name"], type=kind)
    service.setdefault("service_state", "STOPPED")
    service.setdefault("display_name", params["display_name"] or params["name"])
    if params["display_name"]:
        service["display_name"] = params["display_name"]
    if params["maintenance"] is not None:
        service["maintenance_mode"] = params["maintenance"]
    if command:
        service["service_state"] = "STOPPED" if command == "stop" else "STARTED"
    return service


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    params = with_cluster(client, module.params, check_mode=module.check_mode)
    service = Service(client, module, params)
    if params["purge_roles"] and params["roles"] is None:
        raise OptionError("purge_roles", True, "needs roles: without them every role of the service would be deleted")
    current = None if params["cluster_missing"] else service.read()
    try:
        result = ensure_absent(service, current) if params["state"] == "absent" else ensure_present(service, current)
        return dict(result, timeline=service.deadline.timeline)
    except PlatformError as exc:
        # A failure after CM accepted a change (a created service, new settings, a command): say so.
        exc.details.update(changed=service.changed, commands=service.commands)
        raise


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("cluster", "name", "roles.type", "roles.role_config_group", "role_config_groups.name",
                         "role_config_groups.role_type"))


if __name__ == "__main__":
    main()
