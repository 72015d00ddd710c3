#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_cluster_info
short_description: List the clusters of a Cloudera Manager with their version, hosts and status
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Lists the clusters Cloudera Manager manages, or one of them, in the same shape as
    M(bigdata.platform.cm_cluster) returns them, with version, display name, entity status, run state, hosts and services.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  name:
    description:
      - Only this cluster, by its internal name or its display name. When no cluster has it, RV(clusters) is empty.
    type: str
seealso:
  - module: bigdata.platform.cm_cluster
"""

EXAMPLES = r"""
- name: Every cluster, with its hosts
  bigdata.platform.cm_cluster_info:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
  register: found

- name: Their display names
  ansible.builtin.debug:
    msg: "{{ found.clusters | map(attribute='display_name') | list }}"
"""

RETURN = r"""
clusters:
  description: The clusters, in Cloudera Manager's order.
  returned: always
  type: list
  elements: dict
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
    uuid:
      description: The cluster's UUID.
      type: str
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    ClouderaManagerClient, cm_argument_spec,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_clusters import cluster_hosts, find_cluster, normalize_cluster
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import hosts as all_hosts
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module


def argument_spec():
    return cm_argument_spec(dict(name=dict(type="str")))


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    if module.params["name"]:
        found = find_cluster(client, module.params["name"])
        raws = [found] if found else []
        members = {raw["name"]: cluster_hosts(client, raw["name"]) for raw in raws}
    else:
        raws = client.clusters()
        members = members_by_cluster(all_hosts(client)) if raws else {}
    clusters = [normalize_cluster(raw, members.get(raw["name"], []), client.services(raw["name"])) for raw in raws]
    return dict(changed=False, clusters=clusters)


def members_by_cluster(hosts):
    """{cluster's internal name: its hosts} from every host CM knows (one read for all clusters)."""
    members = {}
    for host in hosts:
        cluster = (host.get("clusterRef") or {}).get("clusterName")
        if cluster:
            members.setdefault(cluster, []).append(host)
    return members


def main():
    run_module(argument_spec(), run, identity=("name",), required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
