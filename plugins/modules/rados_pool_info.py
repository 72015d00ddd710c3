#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_pool_info
short_description: Read Ceph pools through librados
version_added: 1.0.0
description:
  - Returns every pool of a Ceph cluster, or the one named, from one C(osd pool ls detail) command,
    in the same shape as M(bigdata.platform.rados_pool) returns a pool.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Only this pool. An empty list is returned when it does not exist.
    type: str
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes.INFO_MODULE
seealso:
  - module: bigdata.platform.rados_pool
"""

EXAMPLES = r"""
- name: Every pool
  bigdata.platform.rados_pool_info:
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible
  register: ceph_pools

- name: Names of the pools for RBD
  ansible.builtin.debug:
    msg: "{{ ceph_pools.pools | selectattr('applications', 'contains', 'rbd') | map(attribute='name') | list }}"

- name: One pool
  bigdata.platform.rados_pool_info:
    name: rbd-volumes
  register: rbd_pool
"""

RETURN = r"""
pools:
  description: The pools, sorted by id; at most one when O(name) is given.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: Pool name.
      type: str
    id:
      description: Pool id.
      type: int
    type:
      description: C(replicated) or C(erasure).
      type: str
    size:
      description: Replicas (k+m for an erasure pool).
      type: int
    min_size:
      description: Minimum replicas to serve I/O.
      type: int
    pg_num:
      description: Current number of placement groups.
      type: int
    pg_num_target:
      description: Number of placement groups Ceph is moving to.
      type: int
    pgp_num:
      description: Current number of placement groups for placement.
      type: int
    pgp_num_target:
      description: pgp_num Ceph is moving to.
      type: int
    pg_autoscale_mode:
      description: C(on), C(off) or C(warn).
      type: str
    target_size_ratio:
      description: Share of capacity hinted to the autoscaler (0.0 when none).
      type: float
    rule:
      description: Name of the CRUSH rule.
      type: str
    erasure_profile:
      description: Erasure code profile; null for a replicated pool.
      type: str
    applications:
      description: Applications enabled on the pool, sorted.
      type: list
      elements: str
    quota_max_objects:
      description: Object quota (0 is none).
      type: int
    quota_max_bytes:
      description: Byte quota (0 is none).
      type: int
    flags:
      description: Pool flags such as C(hashpspool) or C(nodelete).
      type: list
      elements: str
  sample:
    - name: rbd-volumes
      id: 3
      type: replicated
      size: 3
      min_size: 2
      pg_num: 32
      pg_num_target: 32
      pgp_num: 32
      pgp_num_target: 32
      pg_autoscale_mode: "on"
      target_size_ratio: 0.2
      rule: replicated_rule
      erasure_profile: null
      applications: [rbd]
      quota_max_objects: 0
      quota_max_bytes: 0
      flags: [hashpspool]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import (
    CEPH_ARGS, HAS_RADOS, RADOS_IMPORT_ERROR, RADOS_LIBRARY, client_for,
)
from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs, run_module


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(name=dict(type="str")))


def run(module):
    with client_for(module, read_only=True) as client:
        return dict(changed=False, pools=sorted(client.pools(module.params["name"]), key=lambda pool: pool["id"]))


def main():
    run_module(argument_spec(), run, required_libs=[(RADOS_LIBRARY, HAS_RADOS, RADOS_IMPORT_ERROR)],
               identity=("cluster", "name"))


if __name__ == "__main__":
    main()
