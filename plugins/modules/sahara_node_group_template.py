#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_node_group_template
short_description: Manage OpenStack Sahara node group templates
version_added: 0.1.0
description:
  - Create, update in place or delete a Sahara (OpenStack data processing) node group template, found by name.
  - Only the options given are managed; an existing template is updated with just the fields that differ.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the node group template, unique in the project.
    type: str
    required: true
  state:
    description: Whether the template should exist.
    type: str
    default: present
    choices: [present, absent]
  plugin:
    description: Sahara plugin, such as V(vanilla), V(spark) or V(cdh). Required to create.
    type: str
  plugin_version:
    description: Version of the plugin, such as V(2.7.1). Required to create.
    type: str
  flavor_id:
    description: Nova flavor id of the instances. Required to create.
    type: str
  node_processes:
    description: Processes this node group runs, such as V(namenode) or V(datanode). Required to create.
    type: list
    elements: str
  description:
    description: Free text.
    type: str
  image:
    description: Image registered in Sahara, by name or id; by default the cluster's image is used.
    type: str
  auto_security_group:
    description: Let Sahara create a security group for the node group.
    type: bool
  security_groups:
    description: Security groups for the instances.
    type: list
    elements: str
  floating_ip_pool:
    description: Network id of the pool that floating IPs come from.
    type: str
  availability_zone:
    description: Nova availability zone.
    type: str
  volumes_per_node:
    description: Number of Cinder volumes per instance, 0 or more.
    type: int
  volumes_size:
    description: Size of each volume in GB; more than 0 when O(volumes_per_node) is set.
    type: int
  volume_type:
    description: Cinder volume type of the volumes.
    type: str
    version_added: 0.2.0
  volumes_availability_zone:
    description: Cinder availability zone the volumes are created in.
    type: str
    version_added: 0.2.0
  volume_local_to_instance:
    description: Create each volume on the host of its instance (Cinder's C(InstanceLocalityFilter)).
    type: bool
    version_added: 0.2.0
  is_proxy_gateway:
    description: The node group's instances are the proxy gateway to the other instances (when they have no floating IP).
    type: bool
    version_added: 0.2.0
  node_configs:
    description: "Service configuration for the node group, as Sahara takes it (C({service: {key: value}}))."
    type: dict
  use_autoconfig:
    description: Let the plugin configure the node group automatically.
    type: bool
  is_public:
    description: Share the template with other projects.
    type: bool
  is_protected:
    description: Protect the template from changes and deletion.
    type: bool
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.sahara.shares
  - bigdata.platform.tls
  - bigdata.platform.attributes
"""

EXAMPLES = r"""
- name: Workers of a vanilla Hadoop cluster
  bigdata.platform.sahara_node_group_template:
    cloud: mycloud
    name: vanilla-worker
    plugin: vanilla
    plugin_version: 2.7.1
    flavor_id: "2"
    node_processes: [datanode, nodemanager]
    auto_security_group: true

- name: Remove a template
  bigdata.platform.sahara_node_group_template:
    cloud: mycloud
    name: old-worker
    state: absent
"""

RETURN = r"""
node_group_template:
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
    flavor_id:
      description: Flavor id.
      type: str
    node_processes:
      description: Processes, sorted.
      type: list
      elements: str
    image_id:
      description: Image id, or null.
      type: str
    volumes_per_node:
      description: Cinder volumes per instance.
      type: int
    volume_type:
      description: Cinder volume type, or null.
      type: str
      version_added: 0.2.0
    volumes_availability_zone:
      description: Cinder availability zone, or null.
      type: str
      version_added: 0.2.0
    volume_local_to_instance:
      description: Whether volumes are created on their instance's host.
      type: bool
      version_added: 0.2.0
    is_proxy_gateway:
      description: Whether the node group is the proxy gateway.
      type: bool
      version_added: 0.2.0
    shares:
      description: Manila shares, each with C(id), C(path) and C(access_level).
      type: list
      elements: dict
      version_added: 0.2.0
    project_id:
      description: Owning project.
      type: str
  sample:
    id: 3b0a5e2c-0f4c-4a8e-9b1e-7f3d2c1b0a99
    name: vanilla-worker
    plugin: vanilla
    plugin_version: 2.7.1
    flavor_id: "2"
    node_processes: [datanode, nodemanager]
    auto_security_group: true
diff:
  description: The template before and after (with C(--diff)).
  returned: always
  type: dict
"""

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import (
    SHARES_ARG, check_volumes, ensure_template, main_for, normalize_node_group_template, normalize_shares,
)

MANAGED = ("plugin", "plugin_version", "flavor_id", "description", "auto_security_group", "floating_ip_pool",
           "availability_zone", "volumes_per_node", "volumes_size", "node_configs", "use_autoconfig", "is_public",
           "is_protected", "volume_type", "volumes_availability_zone", "volume_local_to_instance", "is_proxy_gateway")


def argument_spec():
    return merge_specs(SAHARA_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        plugin=dict(type="str"),
        plugin_version=dict(type="str"),
        flavor_id=dict(type="str"),
        node_processes=dict(type="list", elements="str"),
        description=dict(type="str"),
        image=dict(type="str"),
        auto_security_group=dict(type="bool"),
        security_groups=dict(type="list", elements="str"),
        floating_ip_pool=dict(type="str"),
        availability_zone=dict(type="str"),
        volumes_per_node=dict(type="int"),
        volumes_size=dict(type="int"),
        node_configs=dict(type="dict"),
        use_autoconfig=dict(type="bool"),
        is_public=dict(type="bool"),
        is_protected=dict(type="bool"),
        volume_type=dict(type="str"),
        volumes_availability_zone=dict(type="str"),
        volume_local_to_instance=dict(type="bool"),
        is_proxy_gateway=dict(type="bool"),
        shares=SHARES_ARG,
    ))


def desired_from(client, params, current):
    """The template wanted; the image's name is resolved unless `current` holds it as its id already."""
    desired = {key: params[key] for key in MANAGED}
    desired["name"] = params["name"]
    for key in ("node_processes", "security_groups"):
        desired[key] = sorted(params[key]) if params[key] is not None else None
    desired["shares"] = normalize_shares(params["shares"]) if params["shares"] is not None else None
    if params["image"]:
        desired["image_id"] = client.find_by_name_or_id("image", params["image"], "image",
                                                        held=[(current or {}).get("image_id")])
    return desired


def check_processes(params):
    if params["node_processes"] == []:
        raise OptionError("node_processes", [], "must name at least one process (Sahara's schema has minItems 1 for it)")


def run(module):
    check_volumes(module.params)
    check_processes(module.params)
    client = SaharaClient.from_module(module)
    return ensure_template(module, client, "node_group_template", desired_from, normalize_node_group_template,
                           required=("plugin", "plugin_version", "flavor_id", "node_processes"))


def main():
    main_for(argument_spec(), run, identity=("name", "plugin", "plugin_version"))


if __name__ == "__main__":
    main()
