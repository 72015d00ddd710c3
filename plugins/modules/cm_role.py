#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_role
short_description: Start, stop or restart the roles of a Cloudera Manager service on chosen hosts
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Runs role-level commands of Cloudera Manager on the roles of one service that sit on the hosts named in
    O(hosts), for example to stop the DataNode and NodeManager of one worker for maintenance and start them
    again afterwards, while the rest of the service keeps running.
  - O(state=started) and O(state=stopped) only send a command to the roles that are not in that state yet, so a
    second run reports C(changed=false). Roles with nothing to run (gateways, state C(NA)) are left alone.
  - A role command that Cloudera Manager refuses or that fails fails the task with Cloudera Manager's own
    message; roles it did accept are waited for first.
  - Where roles sit is managed by M(bigdata.platform.cm_service) (its O(bigdata.platform.cm_service#module:roles)
    option); this module changes no placement.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  service:
    description: Name of the service whose roles are meant, such as V(hdfs).
    type: str
    required: true
  hosts:
    description:
      - The hosts whose roles of O(service) are meant, by host name, host ID or IP address.
      - A host that is not in the cluster, or that carries no role of O(service) (of O(role_types)), fails the task
        before any command.
    type: list
    elements: str
    required: true
  role_types:
    description: Only the roles of these types, such as V(DATANODE). All roles of O(service) on O(hosts) when not given.
    type: list
    elements: str
  state:
    description:
      - V(started) - the roles run (started when they do not).
      - V(stopped) - the roles are stopped.
      - V(restarted) - the roles are restarted every time the task runs (stopped ones are started).
    type: str
    choices: [started, stopped, restarted]
    default: started
  maintenance:
    description: Put the roles into Cloudera Manager's maintenance mode (V(true)) or take them out of it (V(false)).
    type: bool
notes:
  - O(state=restarted) always reports C(changed).
seealso:
  - module: bigdata.platform.cm_service
  - module: bigdata.platform.cm_service_info
"""

EXAMPLES = r"""
- name: Worker 3 goes down for a disk swap (its DataNode and NodeManager stop, nothing else does)
  bigdata.platform.cm_role:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    service: "{{ item }}"
    hosts: [worker-3.example.com]
    state: stopped
    maintenance: true
  loop: [yarn, hdfs]

- name: And back (credentials from CM_HOST, CM_USERNAME, CM_PASSWORD)
  bigdata.platform.cm_role:
    cluster: Cluster 1
    service: "{{ item }}"
    hosts: [worker-3.example.com]
    state: started
    maintenance: false
  loop: [hdfs, yarn]

- name: Restart only the DataNode of one host
  bigdata.platform.cm_role:
    cluster: Cluster 1
    service: hdfs
    hosts: [worker-1.example.com]
    role_types: [DATANODE]
    state: restarted
"""

RETURN = r"""
roles:
  description: The roles the task meant, after it (predicted in check mode), sorted by type and host name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Role name, such as C(hdfs-DATANODE-0a1b...).
      type: str
    type:
      description: Role type, such as C(DATANODE).
      type: str
    hostname:
      description: Host name of the role's host.
      type: str
    host_id:
      description: Cloudera Manager's ID of that host.
      type: str
    role_state:
      description: C(STARTED), C(STOPPED), C(NA) (nothing to run)...
      type: str
    health_summary:
      description: Health, such as C(GOOD).
      type: str
    config_staleness_status:
      description: C(FRESH), C(STALE_REFRESHABLE) or C(STALE).
      type: str
    commission_state:
      description: C(COMMISSIONED), C(DECOMMISSIONED)...
      type: str
    maintenance_mode:
      description: Whether the role is in maintenance mode.
      type: bool
    role_config_group:
      description: Name of the role's role config group.
      type: str
cluster:
  description: The cluster's internal name.
  returned: always
  type: str
cluster_display_name:
  description: The cluster's display name.
  returned: always
  type: str
commands:
  description: The role commands sent (in check mode, that would be sent), such as C(stop) or C(enterMaintenanceMode).
  returned: always
  type: list
  elements: str
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    ClouderaManagerClient, CMTask, cm_argument_spec, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_roles import (
    NOT_RUNNABLE, cluster_hosts, find_host, read_roles, role_command, role_key, synchronous_command,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import NotFound, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, make_diff, run_module

SETTLES_TO = {"STARTING": "STARTED", "STOPPING": "STOPPED"}
# state -> (command, the role states that need it)
COMMANDS = {"started": ("start", ("STOPPED",)), "stopped": ("stop", ("STARTED",)), "restarted": ("restart", ("STARTED", "STOPPED"))}


def argument_spec():
    return cm_argument_spec(WAIT_ARGS, dict(
        cluster=dict(type="str", required=True),
        service=dict(type="str", required=True),
        hosts=dict(type="list", elements="str", required=True),
        role_types=dict(type="list", elements="str"),
        state=dict(type="str", default="started", choices=list(COMMANDS)),
        maintenance=dict(type="bool"),
    ))


def service_roles(client, params):
    try:
        return read_roles(client, params["cluster"], params["service"])
    except NotFound:
        names = sorted(service["name"] for service in client.services(params["cluster"]))
        raise OptionError("service", params["service"], "is not a service of cluster %s (services: %s)"
                          % (params["cluster_display_name"], ", ".join(names) or "none")) from None


def chosen_roles(client, params):
    """The roles of the service on the hosts asked for; OptionError for a host with none."""
    hosts = cluster_hosts(client, params["cluster"])
    wanted_types = {t.upper() for t in params["role_types"] or []}
    roles = [role for role in service_roles(client, params) if not wanted_types or role["type"] in wanted_types]
    chosen = []
    for name in params["hosts"]:
        host = find_host(hosts, name, "hosts", params["cluster_display_name"])
        on_host = [role for role in roles if role["host_id"] == host["host_id"]]
        if not on_host:
            raise OptionError("hosts", name, "carries no role of service %s%s" % (
                params["service"], " of types %s" % ", ".join(sorted(wanted_types)) if wanted_types else ""))
        chosen.extend(role for role in on_host if role not in chosen)
    return sorted(chosen, key=lambda r: (r["type"], r["hostname"]))


class Roles(CMTask):
    """The roles this task means, and the commands it runs on them."""

    def read(self, names):
        return [role for role in read_roles(self.client, self.params["cluster"], self.params["service"]) if role["name"] in names]

    def settle(self, roles):
        """Wait out starts and stops in progress (CM refuses a command while one runs); check mode predicts."""
        if not any(role["role_state"] in SETTLES_TO for role in roles):
            return roles
        if self.check_mode:
            return [dict(role, role_state=SETTLES_TO.get(role["role_state"], role["role_state"])) for role in roles]
        names = {role["name"] for role in roles}
        return self.deadline.wait_until(lambda: self.read(names), lambda now: not any(r["role_state"] in SETTLES_TO for r in now),
                                        what="roles of service %s to finish starting or stopping" % self.params["service"],
                                        describe=lambda now: ", ".join("%s %s" % (role_key(r), r["role_state"]) for r in now))

    def run_state(self, roles):
        command, needs = COMMANDS[self.params["state"]]
        targets = [role for role in roles if role["role_state"] in needs and role["role_state"] not in NOT_RUNNABLE]
        if not targets:
            return []
        self.act(command, role_command, self.params["cluster"], self.params["service"], command,
                 [role["name"] for role in targets], self.deadline, self.params["wait"])
        return targets

    def run_maintenance(self, roles):
        wanted = self.params["maintenance"]
        targets = [role for role in roles if wanted is not None and role["maintenance_mode"] != wanted]
        command = "enterMaintenanceMode" if wanted else "exitMaintenanceMode"
        for role in targets:
            path = self.client.service_path(self.params["cluster"], self.params["service"], "roles", role["name"], "commands", command)
            self.act(command, synchronous_command, path, "%s of role %s" % (command, role["name"]))
        return targets


def predicted(roles, started, maintained, params):
    ended = {"start": "STARTED", "restart": "STARTED", "stop": "STOPPED"}[COMMANDS[params["state"]][0]]
    names = {role["name"] for role in started}
    in_maintenance = {role["name"] for role in maintained}
    return [dict(role, role_state=ended if role["name"] in names else role["role_state"],
                 maintenance_mode=params["maintenance"] if role["name"] in in_maintenance else role["maintenance_mode"])
            for role in roles]


def diff_side(roles):
    return {role_key(role): {"role_state": role["role_state"], "maintenance_mode": role["maintenance_mode"]} for role in roles}


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    params = with_cluster(client, module.params)
    roles_task = Roles(client, params, module.check_mode)
    roles = chosen_roles(client, params)
    try:
        settled = roles_task.settle(roles)
        maintained = roles_task.run_maintenance(settled)
        started = roles_task.run_state(settled)
    except PlatformError as exc:
        exc.details.update(changed=roles_task.changed, commands=roles_task.commands)
        raise
    if module.check_mode or not roles_task.commands:
        after = predicted(settled, started, maintained, params)
    else:
        after = roles_task.read({role["name"] for role in roles}) if params["wait"] else predicted(settled, started, maintained, params)
    return dict(changed=bool(roles_task.commands), roles=after, commands=roles_task.commands,
                cluster=params["cluster"], cluster_display_name=params["cluster_display_name"],
                diff=make_diff(diff_side(roles), diff_side(after)))


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("cluster", "service", "hosts", "role_types"))


if __name__ == "__main__":
    main()
