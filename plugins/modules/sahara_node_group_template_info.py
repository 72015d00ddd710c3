#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_node_group_template_info
short_description: Read OpenStack Sahara node group templates
version_added: 0.1.0
description:
  - Return one Sahara node group template by name, or all of the project's, in the same shape as
    M(bigdata.platform.sahara_node_group_template) returns it.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the template; all templates when omitted.
    type: str
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
"""

EXAMPLES = r"""
- name: Read every node group template
  bigdata.platform.sahara_node_group_template_info:
    cloud: mycloud
  register: result
"""

RETURN = r"""
node_group_templates:
  description:
    - The templates found, sorted by name (an empty list when O(name) names none).
    - Each has the keys of RV(bigdata.platform.sahara_node_group_template#module:node_group_template).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 3b0a5e2c-0f4c-4a8e-9b1e-7f3d2c1b0a99
      name: vanilla-worker
      plugin: vanilla
      plugin_version: 2.7.1
"""

from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import (
    main_for, normalize_node_group_template, read_normalized,
)


def run(module):
    client = SaharaClient.from_module(module)
    return dict(changed=False, node_group_templates=read_normalized(client, "node_group_template", module.params["name"], normalize_node_group_template))


def main():
    main_for(merge_specs(SAHARA_ARGS, dict(name=dict(type="str"))), run)


if __name__ == "__main__":
    main()
