#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_cluster
short_description: Create, delete, start, stop and restart a Cloudera Manager cluster; attach its hosts
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Manages one cluster of Cloudera Manager. Creates it (with a display name and a CDH version), deletes it,
    attaches and detaches hosts, and runs Cloudera Manager's cluster commands (start, stop, restart,
    rolling restart, deploy client configuration), which order the services by their dependencies.
  - A cluster is found by its internal name or by its display name, the name Cloudera Manager's UI shows.
  - O(state=started) and O(state=stopped) send a command only when a service is not in that state;
    O(state=restarted) restarts every time unless O(stale_only=true), which restarts only when a service
    runs with a stale configuration.
  - A failed command fails the task with Cloudera Manager's own message, including those of the services
    and roles that failed inside it.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  name:
    description:
      - The cluster, by its internal name or its display name.
      - When the cluster is created, its internal name is O(name).
    type: str
    required: true
  display_name:
    description:
      - The name Cloudera Manager's UI shows. When not given, a new cluster shows O(name).
      - Changed in place on an existing cluster.
    type: str
  version:
    description:
      - The CDH version, as a major version such as V(CDH7) or a full version such as V(7.1.7).
      - Required to create the cluster. On an existing cluster it must match (Cloudera Manager upgrades a
        cluster with parcels, not by editing it).
    type: str
  state:
    description:
      - V(present) - the cluster exists.
      - V(absent) - the cluster does not exist; its services are stopped first, its hosts stay known to
        Cloudera Manager.
      - V(started), V(stopped) - every service of the cluster runs, or none does.
      - V(restarted) - the cluster is restarted (rolling with O(rolling)).
    type: str
    default: present
    choices: [present, absent, started, stopped, restarted]
  hosts:
    description:
      - Host names (as Cloudera Manager knows them) or IP addresses of the cluster's hosts; missing ones are attached.
      - A host of another cluster fails the task.
    type: list
    elements: str
  purge_hosts:
    description:
      - Detach the cluster's hosts that O(hosts) does not list. A host that still carries roles is never
        detached, the task fails naming it (use M(bigdata.platform.cm_host) with O(bigdata.platform.cm_host#module:decommission=true)).
    type: bool
    default: false
  deploy_client_config:
    description: Deploy the client configuration of the cluster's services when one of them is stale.
    type: bool
    default: false
  stale_only:
    description:
      - With O(state=restarted), restart only the services whose configuration is stale, and report
        no change when there is none.
    type: bool
    default: false
  rolling:
    description:
      - With O(state=restarted), a rolling restart (Cloudera Manager's C(ApiRollingRestartClusterArgs)).
        Services that cannot roll restart plainly, then master roles one by one, then the worker hosts
        in batches.
    type: dict
    suboptions:
      batch_size:
        description: Worker hosts restarted at a time.
        type: int
        default: 1
        aliases: [slave_batch_size]
      fail_threshold:
        description: Batches that may fail before the whole restart counts as failed.
        type: int
      sleep_seconds:
        description: Seconds to wait between batches.
        type: int
      roles_to_include:
        description: Which roles to restart.
        type: str
        choices: [slaves_only, non_slaves_only, all_roles]
        default: slaves_only
      services:
        description: Only these services (by name).
        type: list
        elements: str
notes:
  - Per-role-type rolling restarts are a service's, see O(bigdata.platform.cm_service#module:rolling).
seealso:
  - module: bigdata.platform.cm_cluster_info
  - module: bigdata.platform.cm_host
"""

EXAMPLES = r"""
- name: A CDH 7 cluster shown as "Cluster 1", with three hosts
  bigdata.platform.cm_cluster:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    name: cluster
    display_name: Cluster 1
    version: 7.1.7
    hosts: [node1.example.com, node2.example.com, node3.example.com]

- name: Restart worker hosts one at a time, only where configuration is stale
  bigdata.platform.cm_cluster:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    name: Cluster 1
    state: restarted
    stale_only: true
    rolling:
      batch_size: 1
"""

RETURN = r"""
cluster:
  description: The cluster after the task (predicted in check mode); null when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Internal name, used in API paths.
      type: str
      sample: cluster
    display_name:
      description: The name Cloudera Manager's UI shows.
      type: str
      sample: Cluster 1
    version:
      description: Major CDH version.
      type: str
      sample: CDH7
    full_version:
      description: Full CDH version.
      type: str
      sample: 7.1.7
    entity_status:
      description: Cloudera Manager's overall status of the cluster.
      type: str
      sample: GOOD_HEALTH
    state:
      description: V(started), V(stopped), V(mixed), or V(none) when the cluster has no service.
      type: str
    hosts:
      description: Host names of the cluster, sorted.
      type: list
      elements: str
    services:
      description: Service names of the cluster, sorted.
      type: list
      elements: str
    maintenance_mode:
      description: Whether the cluster is in maintenance mode.
      type: bool
    cluster_type:
      description: Cloudera Manager's cluster type.
      type: str
      sample: BASE_CLUSTER
    uuid:
      description: The cluster's UUID.
      type: str
cluster_display_name:
  description: The cluster's display name (the same as RV(cluster.display_name)).
  returned: when the cluster exists or is created
  type: str
commands:
  description: Cloudera Manager commands the task ran (in check mode, would run).
  returned: always
  type: list
  elements: str
  sample: [start]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    STALE, ClouderaManagerClient, CMTask, cm_argument_spec,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_clusters import (
    add_cluster_hosts, cluster_command, cluster_hosts, create_cluster, delete_cluster, find_cluster,
    normalize_cluster, parse_version, remove_cluster_host, rolling_restart_args, set_display_name, version_matches,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import find_host, hosts as all_hosts, role_refs
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, make_diff, run_module


def argument_spec():
    return cm_argument_spec(WAIT_ARGS, dict(
        name=dict(type="str", required=True),
        display_name=dict(type="str"),
        version=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent", "started", "stopped", "restarted"]),
        hosts=dict(type="list", elements="str"),
        purge_hosts=dict(type="bool", default=False),
        deploy_client_config=dict(type="bool", default=False),
        stale_only=dict(type="bool", default=False),
        rolling=dict(type="dict", options=dict(
            batch_size=dict(type="int", default=1, aliases=["slave_batch_size"]),
            fail_threshold=dict(type="int"),
            sleep_seconds=dict(type="int"),
            roles_to_include=dict(type="str", default="slaves_only",
                                  choices=["slaves_only", "non_slaves_only", "all_roles"]),
            services=dict(type="list", elements="str"),
        )),
    ))


def check_options(params):
    rolling = params["rolling"]
    if rolling:
        for option in ("batch_size", "fail_threshold", "sleep_seconds"):
            minimum = 1 if option == "batch_size" else 0
            if rolling[option] is not None and rolling[option] < minimum:
                raise OptionError("rolling.%s" % option, rolling[option], "must be %d or more" % minimum)
        if params["state"] != "restarted":
            raise OptionError("rolling", rolling, "applies to state=restarted only (state is %s)" % params["state"])
    if params["stale_only"] and params["state"] != "restarted":
        raise OptionError("stale_only", True, "applies to state=restarted only (state is %s)" % params["state"])
    if params["state"] == "absent" and params["hosts"]:
        raise OptionError("hosts", params["hosts"], "cannot be attached to a cluster that state=absent deletes")
    return parse_version(params["version"]) if params["version"] else None


class Cluster(CMTask):
    """The cluster as the task found it, and the changes it makes (or, in check mode, would make)."""

    def __init__(self, client, params, check_mode):
        super().__init__(client, params, check_mode)
        self.raw = find_cluster(client, params["name"])
        self.name = self.raw["name"] if self.raw else params["name"]
        self.services = client.services(self.name) if self.raw else []
        # hosts and purge_hosts need every host CM knows; each one's clusterRef shows the members too.
        manages_hosts = params["state"] != "absent" and (params["hosts"] is not None or params["purge_hosts"])
        self.known = all_hosts(client) if manages_hosts else None
        self.members = self.read_members() if self.raw else []

    def read_members(self):
        if self.known is None:
            return cluster_hosts(self.client, self.name)
        return [host for host in self.known if (host.get("clusterRef") or {}).get("clusterName") == self.name]

    def view(self):
        return normalize_cluster(self.raw, self.members, self.services) if self.raw else None

    def command(self, command, body=None):
        self.act(command, cluster_command, self.name, command, self.deadline, body, self.params["wait"])

    def refresh(self):
        if not self.check_mode and self.changed and self.raw is not None:
            self.raw = find_cluster(self.client, self.name)
            self.services = self.client.services(self.name)
            self.members = cluster_hosts(self.client, self.name)


def ensure_exists(cluster, version):
    params = cluster.params
    if cluster.raw is None:
        if version is None:
            raise OptionError("version", None, "is required to create cluster %s" % params["name"])
        created = cluster.act(None, create_cluster, params["name"], params["display_name"], version)
        cluster.raw = created or dict(name=params["name"], displayName=params["display_name"] or params["name"],
                                      entityStatus="NONE", **version)
        return
    if version is not None and not version_matches(cluster.raw, version):
        raise OptionError("version", params["version"], "differs from cluster %s's version %s; Cloudera Manager "
                          "upgrades a cluster with parcels (cm_parcel), not by editing it"
                          % (cluster.name, cluster.raw.get("fullVersion")))
    if params["display_name"] and params["display_name"] != cluster.raw.get("displayName"):
        updated = cluster.act(None, set_display_name, cluster.name, params["display_name"])
        cluster.raw = updated or dict(cluster.raw, displayName=params["display_name"])


def wanted_hosts(cluster):
    """The hosts O(hosts) names, checked before anything changes (a host of another cluster, one CM does not
    know, a purge that would detach hosts carrying roles): None when the task does not manage membership."""
    params = cluster.params
    if params["hosts"] is None and not params["purge_hosts"]:
        return None
    known = cluster.known
    wanted = []
    for hostname in params["hosts"] or []:
        host = find_host(cluster.client, hostname, hostname, known=known)
        if host is None and cluster.check_mode:
            # An earlier task of this check-mode run would register it (or start its agent).
            host = {"hostId": hostname, "hostname": hostname}
        if host is None:
            raise OptionError("hosts", hostname, "is not a host Cloudera Manager knows (register it with cm_host, "
                              "or start its agent)")
        owner = (host.get("clusterRef") or {}).get("clusterName")
        if owner not in (None, cluster.name):
            raise OptionError("hosts", hostname, "belongs to cluster %s; detach it there first" % owner)
        wanted.append(host)
    if params["purge_hosts"]:
        carrying = sorted(host["hostname"] for host in extra_hosts(cluster, wanted) if role_refs(host))
        if carrying:
            raise OptionError("purge_hosts", True, "would detach hosts that still carry roles: %s; decommission them "
                              "first (cm_host with state=detached and decommission=true)" % ", ".join(carrying))
    return wanted


def extra_hosts(cluster, wanted):
    keep = {host["hostId"] for host in wanted}
    return [host for host in cluster.members if host["hostId"] not in keep]


def ensure_hosts(cluster, wanted):
    if wanted is None:
        return
    member_ids = {host["hostId"] for host in cluster.members}
    missing = [host for host in wanted if host["hostId"] not in member_ids]
    if missing:
        cluster.act(None, add_cluster_hosts, cluster.name, missing)
        cluster.members = cluster.members + missing
    if cluster.params["purge_hosts"]:
        extra = extra_hosts(cluster, wanted)
        for host in extra:
            cluster.act(None, remove_cluster_host, cluster.name, host)
        cluster.members = [host for host in cluster.members if host not in extra]


def check_rolling_services(cluster):
    """rolling.services must name services of the cluster: CM would restart none of a name it does not have."""
    rolling = cluster.params["rolling"]
    if not rolling or not rolling["services"] or cluster.raw is None:
        return
    names = sorted(service["name"] for service in cluster.services)
    for name in rolling["services"]:
        if name not in names:
            raise OptionError("rolling.services", name, "is not a service of cluster %s (services: %s)"
                              % (cluster.name, ", ".join(names) or "none"))


def ensure_run_state(cluster):
    params = cluster.params
    states = {service.get("serviceState") for service in cluster.services}
    if params["state"] == "started" and states - {"STARTED"}:
        cluster.command("start")
        predict(cluster, "STARTED")
    elif params["state"] == "stopped" and states - {"STOPPED", "NA"}:
        cluster.command("stop")
        predict(cluster, "STOPPED")
    elif params["state"] == "restarted":
        stale = [s["name"] for s in cluster.services if s.get("configStalenessStatus") in STALE]
        if params["stale_only"] and not stale:
            return
        if params["rolling"]:
            cluster.command("rollingRestart", rolling_restart_args(params["rolling"], params["stale_only"]))
        else:
            cluster.command("restart", {"restartOnlyStaleServices": params["stale_only"]})
        predict(cluster, "STARTED")
    if params["deploy_client_config"] and any(s.get("clientConfigStalenessStatus") in STALE for s in cluster.services):
        cluster.command("deployClientConfig")


def predict(cluster, state):
    if cluster.check_mode:
        cluster.services = [dict(service, serviceState=state) for service in cluster.services]


def ensure_absent(cluster):
    if cluster.raw is None:
        return
    if any(service.get("serviceState") not in ("STOPPED", "NA") for service in cluster.services):
        # Waited on whatever `wait` says: CM deletes only a cluster whose services are stopped.
        cluster.act("stop", cluster_command, cluster.name, "stop", cluster.deadline)
    cluster.act(None, delete_cluster, cluster.name)
    cluster.raw = None


def summary(view):
    if view is None:
        return None
    return {key: view.get(key) for key in ("display_name", "full_version", "state", "hosts")}


def run(module):
    params = module.params
    version = check_options(params)
    client = ClouderaManagerClient.from_params(params)
    cluster = Cluster(client, params, module.check_mode)
    before = cluster.view()
    try:
        if params["state"] == "absent":
            ensure_absent(cluster)
        else:
            check_rolling_services(cluster)
            wanted = wanted_hosts(cluster)
            ensure_exists(cluster, version)
            ensure_hosts(cluster, wanted)
            ensure_run_state(cluster)
        cluster.refresh()
    except PlatformError as exc:
        # A failure after CM accepted a change: the task changed the cluster, say so and how.
        exc.details.update(changed=cluster.changed, commands=cluster.commands)
        raise
    after = cluster.view()
    result = dict(changed=cluster.changed, cluster=after, commands=cluster.commands,
                  diff=make_diff(summary(before), summary(after)))
    if after:
        result["cluster_display_name"] = after["display_name"]
    return result


def main():
    run_module(argument_spec(), run, identity=("name", "display_name", "hosts", "rolling.services"),
               required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
