#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_host
short_description: Register a host with Cloudera Manager, attach it to a cluster, apply a host template
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Manages one host known to Cloudera Manager, found by O(hostname) or O(ip_address).
  - A host whose agent has heartbeated is already known; another is registered (Cloudera Manager's
    C(POST /hosts), which needs both O(hostname) and O(ip_address)) and reports bad health until its agent runs.
  - Attaches the host to O(cluster), applies O(host_template) (which creates a role per role config group of
    the template; Cloudera Manager applies a template only to a host without roles), sets O(rack_id) and
    O(maintenance).
  - A host that still carries roles is never detached or removed silently. With O(decommission=true) Cloudera
    Manager decommissions and deletes its roles first, otherwise the task fails naming them.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  hostname:
    description:
      - The host's fully qualified name, as its agent reports it.
      - One of O(hostname) and O(ip_address) is required; registering a new host needs both.
    type: str
  ip_address:
    description: The host's IP address; finds the host when O(hostname) is not given.
    type: str
  rack_id:
    description: Rack of the host, such as V(/rack1).
    type: str
  cluster:
    description:
      - The cluster the host belongs to, by its name or display name. When not given, membership is not managed
        (with O(state=present)).
      - A host of another cluster fails the task; detach it there first.
    type: str
  host_template:
    description:
      - Host template of O(cluster) to apply (see M(bigdata.platform.cm_host_template)).
      - Applied when the host has no roles; when it has every role config group of the template already, nothing
        is done; a host with other roles fails the task.
    type: str
  start_roles:
    description: Start the roles O(host_template) creates.
    type: bool
    default: false
  maintenance:
    description: Whether the host is in maintenance mode. When not given, it is not managed.
    type: bool
  decommission:
    description:
      - With O(state=absent) or O(state=detached), let Cloudera Manager decommission and delete the roles the
        host carries before taking it out of its cluster.
    type: bool
    default: false
  state:
    description:
      - V(present) - the host is known to Cloudera Manager (and attached to O(cluster) when given).
      - V(detached) - the host is known but in no cluster.
      - V(absent) - Cloudera Manager does not know the host.
    type: str
    default: present
    choices: [present, detached, absent]
seealso:
  - module: bigdata.platform.cm_host_info
  - module: bigdata.platform.cm_host_template
  - module: bigdata.platform.cm_cluster
"""

EXAMPLES = r"""
- name: node1 is a worker of Cluster 1
  bigdata.platform.cm_host:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    hostname: node1.example.com
    ip_address: 10.0.0.11
    rack_id: /rack1
    cluster: Cluster 1
    host_template: workers

- name: Retire node3 (its DataNode and NodeManager are decommissioned first)
  bigdata.platform.cm_host:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    hostname: node3.example.com
    decommission: true
    state: absent
"""

RETURN = r"""
host:
  description: The host after the task (predicted in check mode); null when absent.
  returned: always
  type: dict
  contains:
    host_id:
      description: Cloudera Manager's ID of the host (used in API paths).
      type: str
    hostname:
      description: Host name.
      type: str
      sample: node1.example.com
    ip_address:
      description: IP address.
      type: str
    rack_id:
      description: Rack.
      type: str
      sample: /default
    cluster:
      description: Internal name of the host's cluster; null when in none.
      type: str
    cluster_display_name:
      description: Display name of the host's cluster; null when in none.
      type: str
    health_summary:
      description: Cloudera Manager's health of the host (BAD while its agent does not heartbeat).
      type: str
      sample: GOOD
    commission_state:
      description: Commission state.
      type: str
      sample: COMMISSIONED
    maintenance_mode:
      description: Whether the host is in maintenance mode.
      type: bool
    last_heartbeat:
      description: Time of the agent's last heartbeat; null when it never heartbeated.
      type: str
    num_cores:
      description: Logical CPU cores.
      type: int
    total_phys_mem_bytes:
      description: Physical memory in bytes.
      type: int
    roles:
      description: Names of the roles on the host, sorted.
      type: list
      elements: str
commands:
  description: What the task did (in check mode, would do), in order.
  returned: always
  type: list
  elements: str
  sample: [register, attach, applyHostTemplate]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    ClouderaManagerClient, CMTask, cm_argument_spec, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_clusters import add_cluster_hosts, remove_cluster_host
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import (
    apply_host_template, decommission_and_remove, delete_host, find_host, host_roles, normalize_host,
    read_host, read_host_template, register_host, role_refs, set_maintenance, set_rack, template_groups,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, make_diff, run_module


def argument_spec():
    return cm_argument_spec(WAIT_ARGS, dict(
        hostname=dict(type="str"),
        ip_address=dict(type="str"),
        rack_id=dict(type="str"),
        cluster=dict(type="str"),
        host_template=dict(type="str"),
        start_roles=dict(type="bool", default=False),
        maintenance=dict(type="bool"),
        decommission=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "detached", "absent"]),
    ))


def check_options(params):
    if not params["hostname"] and not params["ip_address"]:
        raise OptionError("hostname", None, "or ip_address is required to find the host")
    if params["rack_id"] is not None and not params["rack_id"].startswith("/"):
        raise OptionError("rack_id", params["rack_id"], "must start with '/', such as /rack1")
    if params["host_template"] and not params["cluster"]:
        raise OptionError("host_template", params["host_template"], "needs the cluster option: a template belongs to a cluster")
    if params["state"] == "detached" and params["cluster"]:
        raise OptionError("cluster", params["cluster"], "contradicts state=detached (a detached host is in no cluster)")


class Host(CMTask):
    """The host as the task found it and what the task does to it (or, in check mode, would do)."""

    def __init__(self, client, params, check_mode):
        super().__init__(client, params, check_mode)
        self.raw = find_host(client, params["hostname"], params["ip_address"])
        if self.raw and params["hostname"] and self.raw["hostname"] != params["hostname"]:
            # Found by its address only: another host than the one named (a typo must not detach or delete it).
            raise OptionError("hostname", params["hostname"], "is not a host Cloudera Manager knows, but ip_address %s "
                              "is host %s's; name that host, or leave ip_address out to register a new one"
                              % (params["ip_address"], self.raw["hostname"]))

    def reread(self):
        if not self.check_mode:
            self.raw = read_host(self.client, self.raw)

    @property
    def cluster(self):
        return (self.raw.get("clusterRef") or {}).get("clusterName")

    def carrying_roles(self, doing):
        """Fail (naming the roles) unless the host has none or the task may decommission them; True when
        the roles must be decommissioned first."""
        refs = role_refs(self.raw)
        if not refs:
            return False
        if not self.params["decommission"]:
            names = ", ".join(sorted(ref["roleName"] for ref in refs))
            raise OptionError("decommission", False, "host %s still carries roles of cluster %s (%s); it cannot be %s "
                              "without decommissioning them: set decommission=true"
                              % (self.raw["hostname"], self.cluster, names, doing))
        return True


def ensure_known(host):
    params = host.params
    if host.raw is not None:
        return
    if not (params["hostname"] and params["ip_address"]):
        given = params["hostname"] or params["ip_address"]
        raise OptionError("ip_address" if params["hostname"] else "hostname", None,
                          "is required to register %s, which Cloudera Manager does not know (its agent has not heartbeated)" % given)
    created = host.act("register", register_host, params["hostname"], params["ip_address"], params["rack_id"])
    host.raw = created or {"hostId": params["hostname"], "hostname": params["hostname"],
                           "ipAddress": params["ip_address"], "rackId": params["rack_id"] or "/default",
                           "healthSummary": "BAD", "commissionState": "COMMISSIONED", "maintenanceMode": False}


def ensure_rack_and_maintenance(host):
    params = host.params
    if params["rack_id"] and params["rack_id"] != host.raw.get("rackId"):
        host.act("setRackId", set_rack, host.raw, params["rack_id"])
        host.raw = dict(host.raw, rackId=params["rack_id"])
    if params["maintenance"] is not None and params["maintenance"] != host.raw.get("maintenanceMode", False):
        label = "enterMaintenanceMode" if params["maintenance"] else "exitMaintenanceMode"
        host.act(label, set_maintenance, host.raw, params["maintenance"], host.deadline)
        host.raw = dict(host.raw, maintenanceMode=params["maintenance"])


def ensure_member(host, cluster):
    if host.cluster == cluster["cluster"]:
        return
    if host.cluster is not None:
        raise OptionError("cluster", host.params["cluster"], "host %s belongs to cluster %s; detach it there first "
                          "(state=detached)" % (host.raw["hostname"], host.cluster))
    host.act("attach", add_cluster_hosts, cluster["cluster"], [host.raw])
    host.raw = dict(host.raw, clusterRef={"clusterName": cluster["cluster"], "displayName": cluster["cluster_display_name"]})


def find_template(client, params, cluster, check_mode):
    """The host template to apply: None when none is asked; in check mode, when the cluster or template does
    not exist yet (an earlier task of the run would create it), an empty stand-in."""
    name = params["host_template"]
    if not name:
        return None
    template = None if cluster["cluster_missing"] else read_host_template(client, cluster["cluster"], name)
    if template is None and check_mode:
        return {"name": name, "roleConfigGroupRefs": []}
    if template is None:
        raise OptionError("host_template", name, "is not a host template of cluster %s" % cluster["cluster_display_name"])
    return template


def ensure_template(host, cluster, template):
    name = template["name"]
    if role_refs(host.raw):
        groups = {role["role_config_group"] for role in host_roles(host.client, host.raw)}
        missing = sorted(set(template_groups(template)) - groups)
        if missing:
            raise OptionError("host_template", name, "cannot be applied to host %s, which already has roles (%s) but not "
                              "of groups %s; Cloudera Manager applies a host template only to a host without roles"
                              % (host.raw["hostname"], ", ".join(sorted(r["roleName"] for r in role_refs(host.raw))),
                                 ", ".join(missing)))
        return
    host.act("applyHostTemplate", apply_host_template, cluster["cluster"], name, host.raw,
             host.params["start_roles"], host.deadline)
    if host.check_mode:
        host.raw = dict(host.raw, roleRefs=[{"roleName": "(%s)" % group, "serviceName": None}
                                            for group in template_groups(template)])


def ensure_out_of_cluster(host, doing):
    if host.cluster is None:
        return
    if host.carrying_roles(doing):
        host.act("removeHostsFromCluster", decommission_and_remove, host.raw, host.deadline)
    else:
        host.act("detach", remove_cluster_host, host.cluster, host.raw)
    host.raw = dict(host.raw, clusterRef=None, roleRefs=[])


def ensure_absent(host):
    if host.raw is None:
        return
    ensure_out_of_cluster(host, "removed")
    host.act("delete", delete_host, host.raw)
    host.raw = None


def summary(raw):
    host = normalize_host(raw)
    if host is None:
        return None
    return {key: host[key] for key in ("cluster", "rack_id", "maintenance_mode", "roles")}


def run(module):
    params = module.params
    check_options(params)
    client = ClouderaManagerClient.from_params(params)
    cluster = with_cluster(client, params, module.check_mode) if params["cluster"] else None
    template = find_template(client, params, cluster, module.check_mode) if cluster else None
    host = Host(client, params, module.check_mode)
    before = summary(host.raw)
    try:
        if params["state"] == "absent":
            ensure_absent(host)
        else:
            ensure_known(host)
            ensure_rack_and_maintenance(host)
            if params["state"] == "detached":
                ensure_out_of_cluster(host, "detached")
            elif cluster:
                ensure_member(host, cluster)
                if template:
                    ensure_template(host, cluster, template)
            if host.changed:
                host.reread()
    except PlatformError as exc:
        # A failure after CM accepted a change: the task changed the host, say so and how.
        exc.details.update(changed=host.changed, commands=host.commands)
        raise
    return dict(changed=host.changed, host=normalize_host(host.raw), commands=host.commands,
                diff=make_diff(before, summary(host.raw)))


def main():
    run_module(argument_spec(), run, identity=("hostname", "ip_address", "cluster", "host_template"),
               required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
