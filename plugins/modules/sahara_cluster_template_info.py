#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_cluster_template_info
short_description: Read OpenStack Sahara cluster templates
version_added: 0.1.0
description:
  - Return one Sahara cluster template by name, or all of the project's, in the same shape as
    M(bigdata.platform.sahara_cluster_template) returns it.
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
- name: Read every cluster template
  bigdata.platform.sahara_cluster_template_info:
    cloud: mycloud
  register: result
"""

RETURN = r"""
cluster_templates:
  description:
    - The templates found, sorted by name (an empty list when O(name) names none).
    - Each has the keys of RV(bigdata.platform.sahara_cluster_template#module:cluster_template).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 7d9e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b
      name: vanilla-small
      plugin: vanilla
      plugin_version: 2.7.1
"""

from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import (
    main_for, normalize_cluster_template, read_normalized,
)


def run(module):
    client = SaharaClient.from_module(module)
    return dict(changed=False, cluster_templates=read_normalized(client, "cluster_template", module.params["name"], normalize_cluster_template))


def main():
    main_for(merge_specs(SAHARA_ARGS, dict(name=dict(type="str"))), run)


if __name__ == "__main__":
    main()
