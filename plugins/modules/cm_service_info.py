#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_service_info
short_description: Read the services of a Cloudera Manager cluster
version_added: 0.1.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Returns one service or every service of a cluster, with run state, health and configuration staleness,
    in the same shape as M(bigdata.platform.cm_service) does; optionally with their configuration.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  name:
    description: Only this service. When the cluster has no such service, RV(services) is empty.
    type: str
  config:
    description:
      - Also return every configuration setting of each service, with the value in effect (defaults included).
      - Settings Cloudera Manager flags as sensitive (passwords) are masked.
    type: bool
    default: false
  roles:
    description: Also return the roles of each service (their hosts, states and role config groups).
    type: bool
    default: false
    version_added: 0.2.0
seealso:
  - module: bigdata.platform.cm_service
"""

EXAMPLES = r"""
- name: Services that need a restart
  bigdata.platform.cm_service_info:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
  register: found

- name: Show them
  ansible.builtin.debug:
    msg: "{{ found.services | selectattr('config_staleness_status', 'equalto', 'STALE') | map(attribute='name') | list }}"

- name: HDFS with its configuration
  bigdata.platform.cm_service_info:
    cluster: Cluster 1
    name: hdfs
    config: true
"""

RETURN = r"""
services:
  description: The services, sorted by name.
  returned: always
  type: list
  elements: dict
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
    type:
      description: Service type, such as C(HDFS).
      type: str
    display_name:
      description: Name Cloudera Manager shows.
      type: str
    service_state:
      description: Run state, such as C(STARTED).
      type: str
    health_summary:
      description: Health, such as C(GOOD).
      type: str
    config_staleness_status:
      description: C(FRESH), C(STALE_REFRESHABLE) or C(STALE).
      type: str
    client_config_staleness_status:
      description: Staleness of the deployed client configuration.
      type: str
    maintenance_mode:
      description: Whether the service is in maintenance mode.
      type: bool
    service_version:
      description: Version of the software the service runs.
      type: str
    config:
      description: Every setting with the value in effect, sensitive ones masked; only with O(config=true).
      type: dict
    roles:
      description:
        - The service's roles, sorted by type and host name, as M(bigdata.platform.cm_role) returns them; only with
          O(roles=true).
      type: list
      elements: dict
      version_added: 0.2.0
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    ClouderaManagerClient, cm_argument_spec, config_value, normalize_service, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_roles import read_roles, shown_settings
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module


def argument_spec():
    return cm_argument_spec(dict(
        cluster=dict(type="str", required=True),
        name=dict(type="str"),
        config=dict(type="bool", default=False),
        roles=dict(type="bool", default=False),
    ))


def read_services(client, params):
    if params["name"]:
        raw = client.read_service(params["cluster"], params["name"])
        return [raw] if raw else []
    return client.services(params["cluster"])


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    params = with_cluster(client, module.params)
    services = []
    for raw in sorted(read_services(client, params), key=lambda s: s["name"]):
        config = None
        if params["config"]:
            items = client.service_config(params["cluster"], raw["name"])
            config = shown_settings({key: config_value(item) for key, item in items.items()}, items)
        service = normalize_service(raw, config)
        if params["roles"]:
            service["roles"] = read_roles(client, params["cluster"], raw["name"])
        services.append(service)
    return dict(changed=False, services=services)


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)], identity=("cluster", "name"))


if __name__ == "__main__":
    main()
