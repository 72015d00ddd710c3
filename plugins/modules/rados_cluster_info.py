#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_cluster_info
short_description: Read a Ceph cluster's identity, monitors, health and usage, and wait for it to be healthy
version_added: 0.2.0
description:
  - Returns the cluster's fsid, its monitors' addresses (msgr v1 and v2), the health status with its checks, usage per
    pool (C(df)), a summary of the placement group states, and a minimal client C(ceph.conf) ready to write to a client.
  - With O(wait_for_health=true), waits within O(timeout) until the cluster is healthy (see O(healthy_when)), and fails
    with the health checks' messages and the PG states when it is not healthy in time.
  - Only read-only mon commands are sent; C(mon 'allow r') caps are enough.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  wait_for_health:
    description: Wait until the cluster is healthy before returning.
    type: bool
    default: false
  healthy_when:
    description:
      - What healthy means for O(wait_for_health).
      - V(health_ok) is C(HEALTH_OK) with every placement group C(active+clean) (scrubbing PGs, C(active+clean+scrubbing),
        count as clean). C(HEALTH_OK) alone is not enough, as Ceph reports it while new PGs still peer.
      - V(pgs_clean) is every placement group C(active+clean*), whatever warnings the health has (such as a clock skew).
    type: str
    choices: [health_ok, pgs_clean]
    default: health_ok
  timeout:
    description:
      - Seconds to wait with O(wait_for_health=true). V(0) checks once.
    type: int
    default: 300
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes.INFO_MODULE
seealso:
  - module: bigdata.platform.rados_key
  - module: bigdata.platform.rados_pool_info
"""

EXAMPLES = r"""
- name: Go on only with a healthy cluster (every PG active+clean, HEALTH_OK)
  bigdata.platform.rados_cluster_info:
    wait_for_health: true
    timeout: 600
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible
  register: ceph

- name: Give a client the minimal ceph.conf it needs
  ansible.builtin.copy:
    content: "{{ ceph.cluster.ceph_conf }}"
    dest: /etc/ceph/ceph.conf
    mode: "0644"

- name: Pools nearly full
  ansible.builtin.debug:
    msg: "{{ ceph.cluster.usage.pools | selectattr('percent_used', '>', 0.8) | map(attribute='name') | list }}"
"""

RETURN = r"""
cluster:
  description: The cluster's facts (after the wait, with O(wait_for_health=true)).
  returned: always
  type: dict
  contains:
    fsid:
      description: The cluster's fsid.
      type: str
      sample: 4f2c3e4a-8d4e-4a51-9a53-0d2c7f1f6a10
    monitors:
      description: The monitors, each with C(name), C(rank) and its C(v2) and C(v1) address (null when it has none).
      type: list
      elements: dict
      sample: [{name: a, rank: 0, v2: "10.0.0.1:3300", v1: "10.0.0.1:6789"}]
    mon_host:
      description: The monitors as a client's C(mon_host) takes them.
      type: str
      sample: "[v2:10.0.0.1:3300,v1:10.0.0.1:6789]"
    ceph_conf:
      description: A minimal client C(ceph.conf) (fsid and mon_host), as C(ceph config generate-minimal-conf) makes it.
      type: str
    health:
      description: C(status) (C(HEALTH_OK), C(HEALTH_WARN), C(HEALTH_ERR)) and C(checks) by code, each with C(severity),
        C(message) and C(details).
      type: dict
      sample: {status: HEALTH_WARN, checks: {PG_AVAILABILITY: {severity: HEALTH_WARN,
               message: "Reduced data availability: 8 pgs inactive", details: ["pg 4.0 is stuck inactive for 61s"]}}}
    pgs:
      description: Placement groups C(total), C(by_state) (count per state), C(not_clean) (count outside
        C(active+clean*)) and C(all_clean).
      type: dict
      sample: {total: 9, by_state: {active+clean: 9}, not_clean: 0, all_clean: true}
    usage:
      description: C(total_bytes), C(total_avail_bytes), C(total_used_bytes) and C(pools), each with C(name), C(id),
        C(stored), C(objects), C(max_avail), C(bytes_used) and C(percent_used) (a fraction).
      type: dict
timeline:
  description:
    - The distinct health states the wait saw, each with C(elapsed) seconds, C(what) and C(state) (health, checks, PG states).
    - A timeout's failure carries it too.
  returned: with O(wait_for_health=true)
  type: list
  elements: dict
  sample: [{elapsed: 0.0, what: "the cluster to be healthy (health_ok)", state: "HEALTH_OK; 1 of 9 PGs not active+clean (peering: 1)"}]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import cluster
from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import (
    CEPH_ARGS, HAS_RADOS, RADOS_IMPORT_ERROR, RADOS_LIBRARY, client_for,
)
from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import wait_until


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(
        wait_for_health=dict(type="bool", default=False),
        healthy_when=dict(type="str", default="health_ok", choices=["health_ok", "pgs_clean"]),
        timeout=dict(type="int", default=300),
    ))


def run(module):
    params = module.params
    with client_for(module, read_only=True) as client:
        if not params["wait_for_health"]:
            return dict(changed=False, cluster=cluster.cluster_facts(client))
        timeline = []
        wait_until(lambda: cluster.health_state(client), lambda state: cluster.is_healthy(state, params["healthy_when"]),
                   timeout=params["timeout"], what="the cluster to be healthy (%s)" % params["healthy_when"],
                   describe=cluster.describe_health, timeline=timeline)
        return dict(changed=False, cluster=cluster.cluster_facts(client), timeline=timeline)


def main():
    run_module(argument_spec(), run, required_libs=[(RADOS_LIBRARY, HAS_RADOS, RADOS_IMPORT_ERROR)],
               identity=("cluster",))


if __name__ == "__main__":
    main()
