#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_host_info
short_description: List the hosts Cloudera Manager knows, with their cluster, health and roles
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Lists the hosts Cloudera Manager knows (those whose agent heartbeated and those registered), in the same
    shape as M(bigdata.platform.cm_host) returns; optionally only one host or the hosts of one cluster.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  hostname:
    description: Only this host (by host name, or by IP address). When Cloudera Manager does not know it, RV(hosts) is empty.
    type: str
  cluster:
    description:
      - Only the hosts of this cluster, by its name or display name.
      - An unknown cluster fails the task, naming the clusters Cloudera Manager has.
    type: str
  roles:
    description:
      - Return the roles of each host as dicts with their C(service), C(type) and C(role_config_group)
        (one more request per host and service it carries roles of) instead of role names.
    type: bool
    default: false
seealso:
  - module: bigdata.platform.cm_host
"""

EXAMPLES = r"""
- name: The hosts of Cluster 1 and their roles
  bigdata.platform.cm_host_info:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    roles: true
  register: found
"""

RETURN = r"""
hosts:
  description: The hosts, sorted by host name.
  returned: always
  type: list
  elements: dict
  contains:
    host_id:
      description: Cloudera Manager's ID of the host (used in API paths).
      type: str
    hostname:
      description: Host name.
      type: str
    ip_address:
      description: IP address.
      type: str
    rack_id:
      description: Rack.
      type: str
    cluster:
      description: Internal name of the host's cluster; null when in none.
      type: str
    cluster_display_name:
      description: Display name of the host's cluster; null when in none.
      type: str
    health_summary:
      description: Cloudera Manager's health of the host.
      type: str
    commission_state:
      description: Commission state.
      type: str
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
      description: Role names, sorted; with O(roles=true), dicts with C(name), C(service), C(type), C(role_config_group).
      type: list
      elements: raw
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import ClouderaManagerClient, cm_argument_spec
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import find_host, host_roles, hosts, normalize_host
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module


def argument_spec():
    return cm_argument_spec(dict(
        hostname=dict(type="str"),
        cluster=dict(type="str"),
        roles=dict(type="bool", default=False),
    ))


def run(module):
    params = module.params
    client = ClouderaManagerClient.from_params(params)
    cluster = client.resolve_cluster(params["cluster"])["name"] if params["cluster"] else None
    known = hosts(client)
    if params["hostname"]:
        found = find_host(client, params["hostname"], params["hostname"], known=known)
        known = [found] if found else []
    if cluster:
        known = [raw for raw in known if (raw.get("clusterRef") or {}).get("clusterName") == cluster]
    found = [normalize_host(raw, host_roles(client, raw) if params["roles"] else None) for raw in known]
    return dict(changed=False, hosts=sorted(found, key=lambda host: host["hostname"]))


def main():
    run_module(argument_spec(), run, identity=("hostname", "cluster"),
               required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
