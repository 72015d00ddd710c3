#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: yarn_queue
short_description: Manage Hadoop YARN Capacity Scheduler queues without a ResourceManager restart
version_added: 0.2.0
description:
  - Adds, changes, stops and removes Capacity Scheduler queues of a Hadoop YARN ResourceManager through its
    scheduler configuration mutation API (C(GET) and C(PUT /ws/v1/cluster/scheduler-conf)), so that no
    C(capacity-scheduler.xml) edit and no C(yarn rmadmin -refreshQueues) is needed.
  - Give one queue with O(path), or several queues of one level with O(queues) when their capacities change
    together (the capacities of the children of a queue must always sum to 100).
  - Every change of a task is sent in one C(PUT). Removing a queue takes two, the queue is stopped first, then
    removed, as the ResourceManager removes only a STOPPED queue. With O(wait=true) the module waits, between
    the two, for the applications of the queue to end (the queue is DRAINING until they do).
  - A change after which the capacities of the children of a queue would not sum to 100 is refused before
    anything is sent, naming the queues.
  - The ResourceManager must keep its scheduler configuration in a mutable store
    (C(yarn.scheduler.configuration.store.class) C(memory), C(leveldb), C(zk) or C(fs)); with the default
    C(file) store it refuses every change, and the module fails saying so. With C(yarn.acl.enable) only
    YARN administrators may change queues.
  - Not to be confused with M(community.general.yarn), the Node.js package manager.
author:
  - bigdata.platform contributors (@bigdata-platform)
extends_documentation_fragment:
  - bigdata.platform.yarn
  - bigdata.platform.tls
  - bigdata.platform.wait
  - bigdata.platform.attributes
options:
  path:
    description:
      - The queue's full path, such as V(root.etl).
      - Required unless O(queues) is given.
    type: str
  capacity:
    description:
      - The queue's guaranteed share of its parent, in percent (V(0) to V(100)).
      - Required to add a queue.
    type: float
  maximum_capacity:
    description: The most of its parent the queue may use, in percent (V(0) to V(100)); at least O(capacity).
    type: float
  state:
    description:
      - V(running) makes sure the queue exists and accepts applications.
      - V(stopped) makes sure it exists and accepts no new application (the running ones go on).
      - V(absent) stops the queue, then removes it.
      - With O(queues), each item has its own state and this one is not used.
    type: str
    choices: [running, stopped, absent]
    default: running
  properties:
    description:
      - Other properties of the queue, named without their C(yarn.scheduler.capacity.<path>.) prefix, such as
        C(user-limit-factor) or C(acl_submit_applications). Only the properties given are managed; a null
        value removes the property.
      - C(capacity), C(maximum-capacity) and C(state) have their own options.
    type: dict
  queues:
    description:
      - Several queues changed in the same request, for capacities that only sum to 100 together. Each item
        takes O(path), O(capacity), O(maximum_capacity), O(state) and O(properties) as above.
    type: list
    elements: dict
    suboptions:
      path:
        description: The queue's full path.
        type: str
        required: true
      capacity:
        description: Its capacity in percent.
        type: float
      maximum_capacity:
        description: Its maximum capacity in percent.
        type: float
      state:
        description: V(running), V(stopped) or V(absent).
        type: str
        choices: [running, stopped, absent]
        default: running
      properties:
        description: Its other properties.
        type: dict
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
notes:
  - With O(wait=false) a queue that still runs applications cannot be removed, the ResourceManager refuses
    it (C(Current State - DRAINING)) and the task fails with its message, the queue left STOPPED.
"""

EXAMPLES = r"""
- name: Queues etl and adhoc beside default, in one change
  bigdata.platform.yarn_queue:
    rm_urls: [http://rm1.example.com:8088, http://rm2.example.com:8088]
    user: yarn
    queues:
      - {path: root.default, capacity: 40}
      - {path: root.etl, capacity: 40, maximum_capacity: 80, properties: {user-limit-factor: 2}}
      - {path: root.adhoc, capacity: 20, properties: {acl_submit_applications: analyst}}

- name: Give etl more room to grow
  bigdata.platform.yarn_queue:
    rm_urls: [http://rm1.example.com:8088]
    user: yarn
    path: root.etl
    maximum_capacity: 100

- name: Remove adhoc, its share going back to default
  bigdata.platform.yarn_queue:
    rm_urls: [http://rm1.example.com:8088]
    user: yarn
    queues:
      - {path: root.adhoc, state: absent}
      - {path: root.default, capacity: 60}
    timeout: 600
"""

RETURN = r"""
queues:
  description: The queues the task manages, as configured after it (in check mode, as predicted); a removed queue is left out.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The queue's full path.
      type: str
      sample: root.etl
    capacity:
      description: Its capacity in percent.
      type: float
      sample: 40.0
    maximum_capacity:
      description: Its maximum capacity in percent.
      type: float
      sample: 80.0
    state:
      description: Its configured state, RUNNING or STOPPED.
      type: str
      sample: RUNNING
    properties:
      description: Its other properties, by their names without the C(yarn.scheduler.capacity.<path>.) prefix.
      type: dict
      sample: {user-limit-factor: "2"}
mutations:
  description: The C(PUT /ws/v1/cluster/scheduler-conf) bodies sent (in check mode, the ones that would be sent), in order.
  returned: always
  type: list
  elements: dict
  sample: [{"update-queue": [{"queue-name": "root.etl", "params": {"entry": [{"key": "capacity", "value": "50"}]}}]}]
"""

import re

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, WAIT_ARGS, make_diff, merge_specs, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.client import YARN_ARGS, YarnClient
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.scheduler import (
    MANAGED_KEYS, check_capacities, configured_queues, flatten_queues, params_entry, queue_params)

QUEUE_OPTIONS = dict(
    capacity=dict(type="float"),
    maximum_capacity=dict(type="float"),
    state=dict(type="str", default="running", choices=["running", "stopped", "absent"]),
    properties=dict(type="dict"),
)
# A queue name: what CapacitySchedulerConfiguration accepts, without the dots that separate the levels.
QUEUE_NAME = re.compile(r"^[A-Za-z0-9_\-]+$")
COMPARED = ("capacity", "maximum_capacity", "state")


def argument_spec():
    return merge_specs(YARN_ARGS, TLS_ARGS, WAIT_ARGS, dict(
        path=dict(type="str"),
        queues=dict(type="list", elements="dict", options=dict(path=dict(type="str", required=True), **QUEUE_OPTIONS)),
    ), QUEUE_OPTIONS)


def wanted_queues(params):
    """The desired queues, checked: [{path, capacity, maximum_capacity, state, properties}]."""
    if params["queues"] is not None:
        if not params["queues"]:
            raise OptionError("queues", [], "must list at least one queue")
        items, option = params["queues"], "queues.%s"
    else:
        items, option = [{key: params[key] for key in ("path",) + tuple(QUEUE_OPTIONS)}], "%s"
    seen = set()
    for item in items:
        check_queue_item(item, option)
        if item["path"] in seen:
            raise OptionError(option % "path", item["path"], "is listed twice")
        seen.add(item["path"])
    return [dict(item, properties={key: None if value is None else str(value) for key, value in (item["properties"] or {}).items()})
            for item in items]


def check_queue_item(item, option):
    path = item["path"]
    names = path.split(".") if isinstance(path, str) else []
    if len(names) < 2 or names[0] != "root" or not all(QUEUE_NAME.match(name) for name in names[1:]):
        raise OptionError(option % "path", path, "is not a queue path below root; write it as root.<queue>, such as root.etl")
    for key in ("capacity", "maximum_capacity"):
        if item[key] is not None and not 0 <= item[key] <= 100:
            raise OptionError(option % key, item[key], "must be a percentage between 0 and 100")
    if None not in (item["capacity"], item["maximum_capacity"]) and item["maximum_capacity"] < item["capacity"]:
        raise OptionError(option % "maximum_capacity", item["maximum_capacity"], "is below capacity %s" % item["capacity"])
    for key, value in (item["properties"] or {}).items():
        if key in MANAGED_KEYS or key == "queues" or not key or key.startswith("yarn."):
            raise OptionError(option % "properties", key, "is not a property for properties: give capacity, maximum-capacity "
                                                          "and state with their own options, and names without the "
                                                          "yarn.scheduler.capacity.<path>. prefix")
        if isinstance(value, (dict, list)):
            raise OptionError(option % "properties", {key: value}, "must map each property to one value")


def desired_state(queue, wanted):
    """The queue after the task (None: removed), from its current configuration (None: absent)."""
    if wanted["state"] == "absent":
        return None
    after = dict(current_or_new(queue, wanted))
    for key in ("capacity", "maximum_capacity"):
        if wanted[key] is not None:
            after[key] = wanted[key]
    after["state"] = wanted["state"].upper()
    properties = dict(after["properties"])
    for key, value in wanted["properties"].items():
        if value is None:
            properties.pop(key, None)
        else:
            properties[key] = value
    after["properties"] = properties
    return after


def current_or_new(queue, wanted):
    if queue is not None:
        return queue
    if wanted["capacity"] is None:
        raise OptionError("capacity", None, "is required to add queue %s" % wanted["path"])
    return {"path": wanted["path"], "capacity": wanted["capacity"], "maximum_capacity": 100.0, "state": "RUNNING", "properties": {}}


def changed_params(before, after):
    """The scheduler-conf params that turn `before` into `after` (relative keys; "" unsets)."""
    wanted = {option: after[option] for option in COMPARED if before is None or before[option] != after[option]}
    params = queue_params(wanted)
    old = before["properties"] if before else {}
    params.update({key: value for key, value in after["properties"].items() if old.get(key) != value})
    params.update({key: "" for key in old if key not in after["properties"]})
    return params


def plan(current, wanted):
    """(after: {path: queue or None}, stops, mutation): the PUT bodies the task needs, the stops first."""
    after, stops, mutation = dict(current), [], {}
    for item in wanted:
        path, before = item["path"], current.get(item["path"])
        after[path] = desired_state(before, item)
        if after[path] is None:
            if before is not None:
                mutation.setdefault("remove-queue", []).append(path)
                if before["state"] != "STOPPED":
                    stops.append(path)
            continue
        parent = path.rsplit(".", 1)[0]
        if before is None and after.get(parent) is None:
            raise OptionError("path", path, "cannot be added: its parent queue %s does not exist" % parent)
        params = changed_params(before, after[path])
        if params:
            key = "add-queue" if before is None else "update-queue"
            mutation.setdefault(key, []).append({"queue-name": path, "params": params_entry(params)})
    return after, stops, mutation


def stop_wanted(wanted, stops):
    """The stop step as desired queues: the queues to remove, STOPPED."""
    return [dict(item, state="stopped") for item in wanted if item["path"] in stops]


def stop_mutation(paths):
    return {"update-queue": [{"queue-name": path, "params": params_entry({"state": "STOPPED"})} for path in paths]}


def wait_stopped(client, paths, what):
    """Until the stopped queues have drained: DRAINING while applications of theirs still run."""
    def read():
        return {queue["path"]: queue["state"] for queue in flatten_queues(client.scheduler()) if queue["path"] in paths}

    return client.deadline.wait_until(read, lambda states: all(state == "STOPPED" for state in states.values()), what,
                                      describe=lambda states: ", ".join("%s %s" % item for item in sorted(states.items())))


def send(client, mutation, wanted, step):
    """PUT one change. A PUT is resent after a lost answer, and a change that was applied the first time is then
    refused ("Can't add existing queue"): when the configuration shows the change made, it counts as done."""
    try:
        client.update_scheduler_conf(mutation)
    except ApiError as exc:
        if exc.status != 400 or step(plan(configured_queues(client.scheduler_conf()), wanted)):
            raise


def apply(module, client, wanted, stops, mutation):
    """Send the stops, wait for them to drain, send the rest; a failure says what was already sent."""
    sent = []
    try:
        if stops:
            send(client, stop_mutation(stops), stop_wanted(wanted, stops), lambda again: again[2])
            sent.append(stop_mutation(stops))
            if module.params["wait"]:
                wait_stopped(client, stops, "queues %s to drain before their removal" % ", ".join(stops))
        if mutation:
            send(client, mutation, wanted, lambda again: again[2])
            sent.append(mutation)
    except PlatformError as exc:
        exc.details.update(changed=bool(sent), mutations=sent)
        raise
    return sent


def summary(queues, paths):
    return {path: queues[path] for path in paths if queues.get(path) is not None}


def run(module):
    client = YarnClient.from_params(module.params)
    wanted = wanted_queues(module.params)
    current = configured_queues(client.scheduler_conf())
    after, stops, mutation = plan(current, wanted)
    paths = [item["path"] for item in wanted]
    if not mutation:
        return dict(changed=False, queues=list(summary(current, paths).values()), mutations=[],
                    diff=make_diff(summary(current, paths), summary(current, paths)))
    check_capacities(after, [path for path in paths if after[path] != current.get(path)])
    planned = ([stop_mutation(stops)] if stops else []) + [mutation]
    if module.check_mode:
        return dict(changed=True, queues=list(summary(after, paths).values()), mutations=planned,
                    diff=make_diff(summary(current, paths), summary(after, paths)))
    sent = apply(module, client, wanted, stops, mutation)
    final = configured_queues(client.scheduler_conf())
    return dict(changed=True, queues=list(summary(final, paths).values()), mutations=sent,
                diff=make_diff(summary(current, paths), summary(final, paths)))


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("path", "queues.path"),
               required_one_of=[("path", "queues")],
               mutually_exclusive=[("path", "queues")] + [("queues", option) for option in ("capacity", "maximum_capacity", "properties")])


if __name__ == "__main__":
    main()
