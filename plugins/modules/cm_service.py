#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_service
short_description: Create, configure, start, stop, restart or delete a Cloudera Manager cluster service
version_added: 0.1.0
requirements: [requests]
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Manages one service (such as HDFS, YARN or ZooKeeper) of a cluster managed by Cloudera Manager.
  - Configuration is compared with the values in effect (Cloudera Manager's defaults included), and only the
    settings that differ are sent.
  - Start, stop and restart are Cloudera Manager commands; the task waits for them and, when one fails, fails
    with Cloudera Manager's own message, including the messages of the failed steps inside the command.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  cluster:
    description: Name of the cluster, as Cloudera Manager shows it.
    type: str
    required: true
  name:
    description: Name of the service, such as V(hdfs).
    type: str
    required: true
  type:
    description:
      - Service type, such as V(HDFS), V(YARN) or V(ZOOKEEPER). Needed to create the service.
      - When the service exists with another type, the task fails.
    type: str
  state:
    description:
      - V(present) - the service exists (created stopped when missing); its run state is left alone.
      - V(started) or V(stopped) - the service exists and is running or stopped.
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
    type: dict
  rolling:
    description: Use a rolling restart (one host at a time) when the service is restarted while it runs.
    type: bool
    default: false
  restart_on_config_change:
    description:
      - Restart a running service whose configuration this task changed, or that Cloudera Manager reports as
        stale (C(configStalenessStatus) C(STALE)), for example after a new parcel was activated.
      - With O(rolling=true) the restart is a rolling restart.
      - Then, when this task changed the configuration or the client configuration is stale
        (C(clientConfigStalenessStatus)), deploy the client configuration to every role of the service.
    type: bool
    default: false
notes:
  - O(state=restarted) always reports C(changed).
seealso:
  - module: bigdata.platform.cm_service_info
  - module: bigdata.platform.cm_parcel
"""

EXAMPLES = r"""
- name: HDFS keeps two replicas; restart it if that changed or its configuration is stale
  bigdata.platform.cm_service:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    name: hdfs
    state: started
    config:
      dfs_replication: 2
    restart_on_config_change: true
    rolling: true

- name: A Kafka service exists and runs (credentials from CM_HOST, CM_USERNAME, CM_PASSWORD)
  bigdata.platform.cm_service:
    cluster: Cluster 1
    name: kafka
    type: KAFKA
    state: started

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
      description: Cluster name.
      type: str
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
      description: The values in effect of the settings named in O(config); only when O(config) is given.
      type: dict
      sample: {dfs_replication: "2"}
commands:
  description:
    - Cloudera Manager commands run (in check mode, that would run), such as C(stop), C(rollingRestart) or
      C(deployClientConfig).
    - Also in the result of a task that fails on the way, with C(changed=true) when CM accepted a change.
  returned: always
  type: list
  elements: str
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    STALE, ClouderaManagerClient, as_config_string, cm_argument_spec, config_value, normalize_service,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, make_diff, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

# Where a start or stop in progress leads: the task waits for it before it decides anything.
SETTLES_TO = {"STARTING": "STARTED", "STOPPING": "STOPPED"}
# An empty role list deploys the client configuration to every role of the service (API v6 and later).
COMMAND_BODIES = {"rollingRestart": {}, "deployClientConfig": {"items": []}}


def argument_spec():
    return cm_argument_spec(WAIT_ARGS, dict(
        cluster=dict(type="str", required=True),
        name=dict(type="str", required=True),
        type=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent", "started", "stopped", "restarted"]),
        config=dict(type="dict"),
        rolling=dict(type="bool", default=False),
        restart_on_config_change=dict(type="bool", default=False),
    ))


class Service:
    """The module's view of one service, and the commands it runs on it."""

    def __init__(self, client, params, deadline, check_mode):
        self.client = client
        self.check_mode = check_mode
        self.params = params
        self.cluster = params["cluster"]
        self.name = params["name"]
        self.deadline = deadline
        self.commands = []
        self.changed = False

    def read(self):
        raw = self.client.read_service(self.cluster, self.name)
        if raw is None:
            self.client.check_cluster(self.cluster)
        return normalize_service(raw)

    def settle(self, service):
        """Wait out a start or stop someone else began: commands are refused while one runs. Check mode
        predicts from the state it leads to, as the real run decides only once it has settled."""
        if service["service_state"] not in SETTLES_TO:
            return service
        if self.check_mode:
            return dict(service, service_state=SETTLES_TO[service["service_state"]])
        return self.deadline.wait_until(self.read, lambda s: s["service_state"] in SETTLES_TO.values(),
                                        what="service %s to finish %s" % (self.name, service["service_state"].lower()),
                                        describe=lambda s: "service state %s" % s["service_state"])

    def run(self, command, wait=None):
        self.commands.append(command)
        self.changed = True
        self.client.service_command(self.cluster, self.name, command, self.deadline,
                                    wait=self.params["wait"] if wait is None else wait, body=COMMAND_BODIES.get(command))

    def config_items(self):
        return self.client.service_config(self.cluster, self.name)


def desired_config(params, service_type, items):
    """The settings asked for, as CM strings; OptionError for a name the service does not have."""
    for key, value in (params["config"] or {}).items():
        if isinstance(value, (dict, list)):
            raise OptionError("config", {key: value}, "is not a setting value: Cloudera Manager keeps each setting as one string; "
                                                      "give a string, number or boolean")
    desired = {key: as_config_string(value) for key, value in (params["config"] or {}).items()}
    for key in desired:
        if items is not None and key not in items:
            raise OptionError("config", key, "is not a configuration setting of service %s (type %s)"
                              % (params["name"], service_type))
    return desired


def config_changes(desired, items):
    """{key: (value in effect, value in effect after)}; a null wanted value removes the setting, so
    the default applies: that is a change only when a value is set."""
    changes = {}
    for key, wanted in desired.items():
        item = items.get(key) or {}
        if wanted is None and item.get("value") is not None:
            changes[key] = (item["value"], item.get("default"))
        elif wanted is not None and config_value(item) != wanted:
            changes[key] = (config_value(item), wanted)
    return changes


def state_command(params, service_state, config_changed, stale):
    """The run-state command the task needs, or None."""
    running = service_state == "STARTED"
    restart = "rollingRestart" if params["rolling"] and running else "restart"
    if params["state"] == "restarted":
        return restart
    if params["state"] == "started" and not running:
        return "start"
    if params["state"] == "stopped":
        return "stop" if running else None
    if params["restart_on_config_change"] and running and (config_changed or stale):
        return restart
    return None


def check_type(service, current, params):
    kind = (params["type"] or "").upper()
    if current is None and not kind:
        raise OptionError("type", None, "is required to create service %s in cluster %s" % (service.name, service.cluster))
    if current is not None and kind and kind != current["type"]:
        raise OptionError("type", params["type"], "differs from the type of the existing service %s (%s)"
                          % (service.name, current["type"]))
    return kind or current["type"]


def ensure_absent(service, current, check_mode):
    if current is None:
        return dict(changed=False, service=None, commands=[], diff=make_diff(None, None))
    state = service.settle(current)["service_state"]
    if state != "STOPPED" and check_mode:
        service.commands.append("stop")
    elif state != "STOPPED":
        service.run("stop", wait=True)
    if not check_mode:
        service.client.delete_service(service.cluster, service.name)
        service.changed = True
    return dict(changed=True, service=None, commands=service.commands,
                diff=make_diff({"service_state": current["service_state"]}, None))


def ensure_present(service, current, params, check_mode):
    kind = check_type(service, current, params)
    created = current is None
    if created and not check_mode:
        service.client.create_service(service.cluster, service.name, kind)
        service.changed = True
        current = service.read()
    items = service.config_items() if current is not None and params["config"] is not None else None
    desired = desired_config(params, kind, items)
    changes = config_changes(desired, items or {})
    if changes and not check_mode:
        service.client.update_service_config(service.cluster, service.name, {k: desired[k] for k in changes})
        service.changed = True
    settled = service.settle(current) if current is not None else None
    state = "STOPPED" if settled is None else settled["service_state"]
    stale = current is not None and current["config_staleness_status"] in STALE
    command = state_command(params, state, bool(changes), stale)
    client_stale = current is not None and current["client_config_staleness_status"] in STALE
    deploy = params["restart_on_config_change"] and (bool(changes) or client_stale)
    for needed in [command] + (["deployClientConfig"] if deploy else []):
        if needed and check_mode:
            service.commands.append(needed)
        elif needed:
            service.run(needed)
    after = predicted(settled, params, kind, command) if check_mode else service.read()
    before_config = {key: config_value((items or {}).get(key) or {}) for key in desired}
    if params["config"] is not None:
        after["config"] = dict(before_config, **{key: new for key, (old, new) in changes.items()})
    before = None if created else dict(service_state=current["service_state"], **({"config": before_config} if desired else {}))
    return dict(changed=created or bool(changes) or bool(service.commands), service=after, commands=service.commands,
                diff=make_diff(before, diff_side(after)))


def diff_side(service):
    shown = {"service_state": service["service_state"]}
    if "config" in service:
        shown["config"] = service["config"]
    return shown


def predicted(current, params, kind, command):
    """What check mode expects the service to look like after the task."""
    service = dict(current or {}, cluster=params["cluster"], name=params["name"], type=kind)
    service.setdefault("service_state", "STOPPED")
    if command:
        service["service_state"] = "STOPPED" if command == "stop" else "STARTED"
    return service


def run(module):
    params = module.params
    client = ClouderaManagerClient.from_params(params)
    service = Service(client, params, Deadline(params["timeout"]), module.check_mode)
    current = service.read()
    try:
        if params["state"] == "absent":
            return ensure_absent(service, current, module.check_mode)
        return ensure_present(service, current, params, module.check_mode)
    except PlatformError as exc:
        # A failure after CM accepted a change (a created service, new settings, a command): say so.
        exc.details.update(changed=service.changed, commands=service.commands)
        raise


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("cluster", "name"))


if __name__ == "__main__":
    main()
