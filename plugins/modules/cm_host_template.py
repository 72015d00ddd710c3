#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_host_template
short_description: Manage a host template of a Cloudera Manager cluster
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - A host template names role config groups of a cluster's services, at most one per role type; applying it
    to a host (M(bigdata.platform.cm_host) O(bigdata.platform.cm_host#module:host_template)) creates one role per group.
  - The template holds exactly the groups O(role_config_groups) lists; the groups of an existing template are
    replaced when they differ. Host template names are unique across the clusters of a Cloudera Manager.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  name:
    description: Name of the host template.
    type: str
    required: true
  role_config_groups:
    description:
      - The role config groups of the template. Required with O(state=present).
      - Each names a group by O(role_config_groups[].name), or the base group of a role type by
        O(role_config_groups[].type).
    type: list
    elements: dict
    suboptions:
      service:
        description: The service the group belongs to, such as V(hdfs).
        type: str
        required: true
      type:
        description: A role type, such as V(DATANODE), meaning the service's base group of that type.
        type: str
        aliases: [role_type]
      name:
        description: A role config group's name, such as V(hdfs-DATANODE-BASE).
        type: str
  state:
    description: Whether the template exists.
    type: str
    default: present
    choices: [present, absent]
seealso:
  - module: bigdata.platform.cm_host
  - module: bigdata.platform.cm_host_template_info
"""

EXAMPLES = r"""
- name: Workers get a DataNode and a NodeManager
  bigdata.platform.cm_host_template:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    name: workers
    role_config_groups:
      - {service: hdfs, type: DATANODE}
      - {service: yarn, type: NODEMANAGER}
"""

RETURN = r"""
host_template:
  description: The template after the task (predicted in check mode); null when absent.
  returned: always
  type: dict
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
      sample: [hdfs-DATANODE-BASE, yarn-NODEMANAGER-BASE]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    ClouderaManagerClient, cm_argument_spec, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import (
    create_host_template, delete_host_template, normalize_host_template, read_host_template, resolve_group,
    update_host_template,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import make_diff, run_module


def argument_spec():
    return cm_argument_spec(dict(
        cluster=dict(type="str", required=True),
        name=dict(type="str", required=True),
        role_config_groups=dict(type="list", elements="dict", options=dict(
            service=dict(type="str", required=True),
            type=dict(type="str", aliases=["role_type"]),
            name=dict(type="str"),
        ), mutually_exclusive=[("type", "name")], required_one_of=[("type", "name")]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    ))


def desired_groups(client, params, check_mode):
    if params["role_config_groups"] is None:
        raise OptionError("role_config_groups", None, "is required with state=present")
    return sorted({group_name(client, params, spec, check_mode) for spec in params["role_config_groups"]})


def group_name(client, params, spec, check_mode):
    """The group's name; in check mode, for a cluster or service an earlier task of the run would create, the
    name Cloudera Manager gives a base group (<service>-<ROLE TYPE>-BASE)."""
    if check_mode and (params["cluster_missing"] or not client.read_service(params["cluster"], spec["service"])):
        return spec["name"] or "%s-%s-BASE" % (spec["service"], spec["type"])
    return resolve_group(client, params["cluster"], spec)


def summary(template):
    return {"role_config_groups": template["role_config_groups"]} if template else None


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    params = with_cluster(client, module.params, module.check_mode)
    cluster, name = params["cluster"], params["name"]
    current = None if params["cluster_missing"] else normalize_host_template(read_host_template(client, cluster, name))
    after = current
    if params["state"] == "absent":
        if current and not module.check_mode:
            delete_host_template(client, cluster, name)
        after = None
    else:
        groups = desired_groups(client, params, module.check_mode)
        if current is None or current["role_config_groups"] != groups:
            after = dict(name=name, cluster=cluster, cluster_display_name=params["cluster_display_name"],
                         role_config_groups=groups)
            if not module.check_mode:
                write = create_host_template if current is None else update_host_template
                after = normalize_host_template(write(client, cluster, name, groups))
    return dict(changed=after != current, host_template=after, diff=make_diff(summary(current), summary(after)))


def main():
    run_module(argument_spec(), run, identity=("cluster", "name", "role_config_groups.service",
                                               "role_config_groups.type", "role_config_groups.name"),
               required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
