#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_cluster_template
short_description: Manage OpenStack Sahara cluster templates
version_added: 0.1.0
description:
  - Create, update in place or delete a Sahara (OpenStack data processing) cluster template, found by name.
  - Only the options given are managed; an existing template is updated with just the fields that differ.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the cluster template, unique in the project.
    type: str
    required: true
  state:
    description: Whether the template should exist.
    type: str
    default: present
    choices: [present, absent]
  plugin:
    description: Sahara plugin, such as V(vanilla). Required to create.
    type: str
  plugin_version:
    description: Version of the plugin, such as V(2.7.1). Required to create.
    type: str
  node_groups:
    description:
      - The node groups of clusters made from this template. Required to create.
      - The list is managed as a whole (compared without regard to order).
    type: list
    elements: dict
    suboptions:
      name:
        description: Node group name, such as V(master) or V(worker).
        type: str
        required: true
      node_group_template:
        description: Node group template, by name or id.
        type: str
        required: true
      count:
        description: Number of instances.
        type: int
        required: true
  description:
    description: Free text.
    type: str
  default_image:
    description: Image registered in Sahara for the clusters, by name or id.
    type: str
  neutron_management_network:
    description: Id of the Neutron network the instances are managed through.
    type: str
  cluster_configs:
    description: "Cluster-wide service configuration, as Sahara takes it (C({service: {key: value}}))."
    type: dict
  anti_affinity:
    description: Processes whose instances must run on different hypervisors.
    type: list
    elements: str
  use_autoconfig:
    description: Let the plugin configure the cluster automatically.
    type: bool
  is_public:
    description: Share the template with other projects.
    type: bool
  is_protected:
    description: Protect the template from changes and deletion.
    type: bool
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.tls
  - bigdata.platform.attributes
"""

EXAMPLES = r"""
- name: A small vanilla Hadoop cluster template
  bigdata.platform.sahara_cluster_template:
    cloud: mycloud
    name: vanilla-small
    plugin: vanilla
    plugin_version: 2.7.1
    default_image: sahara-vanilla-2.7.1
    node_groups:
      - {name: master, node_group_template: vanilla-master, count: 1}
      - {name: worker, node_group_template: vanilla-worker, count: 3}

- name: Remove a template
  bigdata.platform.sahara_cluster_template:
    cloud: mycloud
    name: vanilla-small
    state: absent
"""

RETURN = r"""
cluster_template:
  description: The template after the task (predicted in check mode); empty when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Template id.
      type: str
    name:
      description: Template name.
      type: str
    plugin:
      description: Plugin name.
      type: str
    plugin_version:
      description: Plugin version (C(hadoop_version) in API v1.1).
      type: str
    node_groups:
      description: Node groups, sorted by name, each with C(name), C(node_group_template_id) and C(count).
      type: list
      elements: dict
    default_image_id:
      description: Default image id, or null.
      type: str
    neutron_management_network:
      description: Management network id, or null.
      type: str
  sample:
    id: 7d9e1a2b-3c4d-4e5f-8a9b-0c1d2e3f4a5b
    name: vanilla-small
    plugin: vanilla
    plugin_version: 2.7.1
    node_groups:
      - {name: master, node_group_template_id: 1f2e3d4c-5b6a-4789-8a9b-0c1d2e3f4a5b, count: 1}
diff:
  description: The template before and after (with C(--diff)).
  returned: always
  type: dict
"""

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import UUID, SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import (
    ensure_template, main_for, normalize_cluster_template, template_node_groups,
)

MANAGED = ("plugin", "plugin_version", "description", "neutron_management_network", "cluster_configs",
           "use_autoconfig", "is_public", "is_protected")


def argument_spec():
    return merge_specs(SAHARA_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        plugin=dict(type="str"),
        plugin_version=dict(type="str"),
        node_groups=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            node_group_template=dict(type="str", required=True),
            count=dict(type="int", required=True),
        )),
        description=dict(type="str"),
        default_image=dict(type="str"),
        neutron_management_network=dict(type="str"),
        cluster_configs=dict(type="dict"),
        anti_affinity=dict(type="list", elements="str"),
        use_autoconfig=dict(type="bool"),
        is_public=dict(type="bool"),
        is_protected=dict(type="bool"),
    ))


def check_options(params):
    """What Sahara's schema refuses (sahara/service/validations/cluster_template_schema.py): a network that is not a
    UUID (format uuid: the module takes no network name); and a negative node count."""
    network = params["neutron_management_network"]
    if network and not UUID.match(network):
        raise OptionError("neutron_management_network", network, "is not a Neutron network id (a UUID such as "
                                                                 "5b0c1e6e-8d3f-4c55-9a51-0b8e2f3c7d10)")
    for group in params["node_groups"] or []:
        if group["count"] < 0:
            raise OptionError("node_groups.count", group["count"], "of node group %r must be 0 or more" % group["name"])


def desired_from(client, params, current):
    """The template wanted; names of the image and node group templates are resolved unless `current` holds them
    as ids already."""
    desired = {key: params[key] for key in MANAGED}
    desired["name"] = params["name"]
    desired["anti_affinity"] = sorted(params["anti_affinity"]) if params["anti_affinity"] is not None else None
    current = current or {}
    if params["default_image"]:
        desired["default_image_id"] = client.find_by_name_or_id("image", params["default_image"], "default_image",
                                                                held=[current.get("default_image_id")])
    if params["node_groups"] is not None:
        held = [group["node_group_template_id"] for group in current.get("node_groups") or []]
        desired["node_groups"] = template_node_groups(
            dict(name=group["name"], count=group["count"], node_group_template_id=client.find_by_name_or_id(
                "node_group_template", group["node_group_template"], "node_groups.node_group_template", held=held))
            for group in params["node_groups"])
    return desired


def run(module):
    check_options(module.params)
    client = SaharaClient.from_module(module)
    return ensure_template(module, client, "cluster_template", desired_from, normalize_cluster_template,
                           required=("plugin", "plugin_version", "node_groups"))


def main():
    identity = ("name", "plugin", "plugin_version", "node_groups.name", "node_groups.node_group_template")
    main_for(argument_spec(), run, identity=identity)


if __name__ == "__main__":
    main()
