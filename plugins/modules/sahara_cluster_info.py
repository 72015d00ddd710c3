#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_cluster_info
short_description: Read OpenStack Sahara clusters
version_added: 0.1.0
description:
  - Return one Sahara (OpenStack data processing) cluster by name, or every cluster of the project, in the
    same shape as M(bigdata.platform.sahara_cluster) returns it.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the cluster; all clusters when omitted.
    type: str
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
"""

EXAMPLES = r"""
- name: Read one cluster
  bigdata.platform.sahara_cluster_info:
    cloud: mycloud
    name: analytics
  register: result

- name: Show its workers
  ansible.builtin.debug:
    msg: "{{ result.clusters[0].node_groups.worker }} workers, {{ result.clusters[0].status }}"
  when: result.clusters | length > 0
"""

RETURN = r"""
clusters:
  description:
    - The clusters found, sorted by name (an empty list when O(name) names none).
    - Each has the keys of RV(bigdata.platform.sahara_cluster#module:cluster).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 0d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a
      name: analytics
      status: Active
      plugin: vanilla
      plugin_version: 2.7.1
      node_groups: {master: 1, worker: 5}
"""

from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import (
    main_for, normalize_cluster, read_cluster_details, read_normalized,
)


def argument_spec():
    return merge_specs(SAHARA_ARGS, dict(name=dict(type="str")))


def run(module):
    client = SaharaClient.from_module(module)
    # A cluster that is busy is read again for its provision steps; a list read says all of an Active one.
    clusters = read_normalized(client, "cluster", module.params["name"], normalize_cluster,
                               read_one=lambda listed: read_cluster_details(client, listed))
    return dict(changed=False, clusters=clusters)


def main():
    main_for(argument_spec(), run)


if __name__ == "__main__":
    main()
