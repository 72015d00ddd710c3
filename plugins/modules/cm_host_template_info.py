#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_host_template_info
short_description: List the host templates of a Cloudera Manager cluster
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Lists the host templates of a cluster, or one of them, in the same shape as
    M(bigdata.platform.cm_host_template) returns, with the role config groups of each.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  name:
    description: Only this template. When the cluster has no such template, RV(host_templates) is empty.
    type: str
seealso:
  - module: bigdata.platform.cm_host_template
"""

EXAMPLES = r"""
- name: The host templates of Cluster 1
  bigdata.platform.cm_host_template_info:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
  register: found
"""

RETURN = r"""
host_templates:
  description: The templates, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Template name.
      type: str
      sample: workers
    cluster:
      description: Internal name of its cluster.
      type: str
      sample: cluster
    cluster_display_name:
      description: Display name of its cluster.
      type: str
      sample: Cluster 1
    role_config_groups:
      description: Names of its role config groups, sorted.
      type: list
      elements: str
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    ClouderaManagerClient, cm_argument_spec, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import host_templates, normalize_host_template
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module


def argument_spec():
    return cm_argument_spec(dict(cluster=dict(type="str", required=True), name=dict(type="str")))


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    params = with_cluster(client, module.params)
    found = [normalize_host_template(raw) for raw in host_templates(client, params["cluster"])
             if not params["name"] or raw["name"] == params["name"]]
    return dict(changed=False, host_templates=sorted(found, key=lambda template: template["name"]))


def main():
    run_module(argument_spec(), run, identity=("cluster", "name"),
               required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
