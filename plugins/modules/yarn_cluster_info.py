#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: yarn_cluster_info
short_description: Read a Hadoop YARN cluster (ResourceManager, metrics, queues, nodes, application counts)
version_added: 0.2.0
description:
  - Reads what the active Hadoop YARN ResourceManager knows of its cluster, its versions and high-availability
    state, the cluster metrics, the scheduler's queue tree, the NodeManagers with their states and health
    reports, and how many applications are in each state.
  - With ResourceManager high availability it reads from the active ResourceManager, as
    M(bigdata.platform.yarn_app) does.
  - Not to be confused with M(community.general.yarn), the Node.js package manager.
author:
  - bigdata.platform contributors (@bigdata-platform)
extends_documentation_fragment:
  - bigdata.platform.yarn
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  gather:
    description: What to read; each item is one request to the ResourceManager. Leave it out to read everything.
    type: list
    elements: str
    choices: [metrics, scheduler, nodes, app_statistics]
  node_states:
    description: Only NodeManagers in one of these states (by default all of them).
    type: list
    elements: str
    choices: [NEW, RUNNING, UNHEALTHY, DECOMMISSIONING, DECOMMISSIONED, LOST, REBOOTED, SHUTDOWN]
"""

EXAMPLES = r"""
- name: Read the cluster
  bigdata.platform.yarn_cluster_info:
    rm_urls: [http://rm1.example.com:8088, http://rm2.example.com:8088]
  register: yarn_cluster

- name: Stop when a NodeManager is unhealthy
  ansible.builtin.assert:
    that: yarn_cluster.metrics.unhealthy_nodes == 0
    fail_msg: "{{ yarn_cluster.nodes | selectattr('state', 'eq', 'UNHEALTHY') | map(attribute='health_report') | list }}"

- name: Queue capacities
  ansible.builtin.debug:
    msg: "{{ yarn_cluster.scheduler.queues | items2dict(key_name='path', value_name='capacity') }}"
"""

RETURN = r"""
cluster:
  description: The ResourceManager that answered (the active one).
  returned: always
  type: dict
  contains:
    id:
      description: The cluster id (the ResourceManager's start time).
      type: int
    state:
      description: The ResourceManager's service state (NOTINITED, INITED, STARTED, STOPPED).
      type: str
      sample: STARTED
    ha_state:
      description: Its high-availability state (ACTIVE, STANDBY...).
      type: str
      sample: ACTIVE
    started_on:
      description: When it started, in ms since the epoch.
      type: int
    resource_manager_version:
      description: The ResourceManager's version.
      type: str
      sample: 3.3.6
    hadoop_version:
      description: The Hadoop version.
      type: str
      sample: 3.3.6
    ha_zookeeper_connection_state:
      description: Its connection to ZooKeeper for high availability.
      type: str
      sample: CONNECTED
    state_store:
      description: The class of its state store.
      type: str
    resource_managers:
      description: Every ResourceManager of O(rm_urls) with its high-availability state (or why it could not be read).
      type: list
      elements: dict
      sample: [{url: "http://rm1.example.com:8088", ha_state: ACTIVE}, {url: "http://rm2.example.com:8088", ha_state: STANDBY}]
metrics:
  description:
    - The cluster metrics of C(/ws/v1/cluster/metrics) with snake_case names, such as C(apps_running),
      C(allocated_mb), C(total_virtual_cores), C(active_nodes), C(lost_nodes), C(unhealthy_nodes),
      C(decommissioned_nodes).
    - Empty when O(gather) leaves C(metrics) out.
  returned: always
  type: dict
  sample: {apps_running: 2, total_mb: 32768, active_nodes: 4, unhealthy_nodes: 0}
scheduler:
  description: The scheduler and its queues; empty when O(gather) leaves C(scheduler) out.
  returned: always
  type: dict
  contains:
    type:
      description: The scheduler, such as C(capacityScheduler).
      type: str
      sample: capacityScheduler
    queues:
      description: Every queue, parents before their children.
      type: list
      elements: dict
      contains:
        path:
          description: Its full path.
          type: str
          sample: root.etl
        name:
          description: Its name.
          type: str
          sample: etl
        parent:
          description: Its parent's path (null for root).
          type: str
          sample: root
        children:
          description: Its children's paths.
          type: list
          elements: str
        leaf:
          description: Whether applications are submitted to it (it has no children).
          type: bool
        capacity:
          description: Its capacity in percent of its parent.
          type: float
        maximum_capacity:
          description: Its maximum capacity in percent of its parent.
          type: float
        absolute_capacity:
          description: Its capacity in percent of the cluster.
          type: float
        used_capacity:
          description: How much of its capacity is used, in percent.
          type: float
        state:
          description: RUNNING, STOPPED, or DRAINING (stopped with applications still running).
          type: str
        num_applications:
          description: Its applications that have not ended.
          type: int
nodes:
  description: The NodeManagers; empty when O(gather) leaves C(nodes) out.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The node id (host:port).
      type: str
      sample: worker-1.example.com:8041
    host:
      description: Its host name.
      type: str
    rack:
      description: Its rack.
      type: str
    state:
      description: NEW, RUNNING, UNHEALTHY, DECOMMISSIONING, DECOMMISSIONED, LOST, REBOOTED or SHUTDOWN.
      type: str
    health_report:
      description: Why it is unhealthy, as its NodeManager reported (empty when healthy).
      type: str
    http_address:
      description: Its web address.
      type: str
    version:
      description: Its Hadoop version.
      type: str
    containers:
      description: Its running containers.
      type: int
    used_mb:
      description: Memory used, in MB.
      type: int
    available_mb:
      description: Memory available, in MB.
      type: int
    used_vcores:
      description: Virtual cores used.
      type: int
    available_vcores:
      description: Virtual cores available.
      type: int
    last_health_update:
      description: When its health was last reported, in ms since the epoch.
      type: int
app_statistics:
  description: How many applications are in each YARN state; empty when O(gather) leaves C(app_statistics) out.
  returned: always
  type: dict
  sample: {ACCEPTED: 0, RUNNING: 2, FINISHED: 10, FAILED: 1, KILLED: 0}
"""

from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, merge_specs, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.client import YARN_ARGS, YarnClient
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.scheduler import (
    flatten_queues, normalize_cluster_info, normalize_metrics, normalize_node)

GATHER = ["metrics", "scheduler", "nodes", "app_statistics"]
NODE_STATES = ["NEW", "RUNNING", "UNHEALTHY", "DECOMMISSIONING", "DECOMMISSIONED", "LOST", "REBOOTED", "SHUTDOWN"]


def argument_spec():
    return merge_specs(YARN_ARGS, TLS_ARGS, dict(
        gather=dict(type="list", elements="str", choices=GATHER),
        node_states=dict(type="list", elements="str", choices=NODE_STATES),
    ))


def read_scheduler(client):
    info = client.scheduler()
    return {"type": info.get("type"), "queues": flatten_queues(info) if info.get("type") == "capacityScheduler" else []}


READERS = {
    "metrics": lambda client, params: normalize_metrics(client.metrics()),
    "scheduler": lambda client, params: read_scheduler(client),
    "nodes": lambda client, params: [normalize_node(node) for node in client.nodes(states=params["node_states"])],
    "app_statistics": lambda client, params: {item["state"]: item["count"] for item in client.app_statistics()},
}
EMPTY = {"metrics": {}, "scheduler": {}, "nodes": [], "app_statistics": {}}


def run(module):
    client = YarnClient.from_params(module.params)
    cluster = normalize_cluster_info(client.cluster_info())
    cluster["resource_managers"] = [{"url": url, "ha_state": state} for url, state in client.ha_states().items()]
    result = dict(changed=False, cluster=cluster, **EMPTY)
    for part in module.params["gather"] or GATHER:
        result[part] = READERS[part](client, module.params)
    return result


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)], identity=())


if __name__ == "__main__":
    main()
