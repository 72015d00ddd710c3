# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Capacity Scheduler of a Hadoop YARN ResourceManager: its queues as the modules return them, read from
GET /ws/v1/cluster/scheduler (what runs) and GET /ws/v1/cluster/scheduler-conf (what is configured), and the
PUT /ws/v1/cluster/scheduler-conf bodies (add-queue / update-queue / remove-queue) that change them."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError

PREFIX = "yarn.scheduler.capacity."
# Keys the yarn_queue module manages through its own options, not through `properties`.
MANAGED_KEYS = {"capacity": "capacity", "maximum-capacity": "maximum_capacity", "state": "state"}
SUM_TOLERANCE = 0.5  # percent; the RM allows 0.005 of the parent's share (ParentQueue PRECISION)


def flatten_queues(info, parent=None):
    """Every queue of a /scheduler queue tree, normalised, parents before their children."""
    path = info.get("queuePath") or (parent + "." + info["queueName"] if parent else info.get("queueName", "root"))
    children = ((info.get("queues") or {}).get("queue")) or []
    queue = {
        "path": path, "name": path.rsplit(".", 1)[-1], "parent": parent,
        "children": [child.get("queuePath") or path + "." + child["queueName"] for child in children],
        "capacity": info.get("capacity"), "maximum_capacity": info.get("maxCapacity"),
        "absolute_capacity": info.get("absoluteCapacity", 100.0 if parent is None else None),
        "used_capacity": info.get("usedCapacity"), "state": info.get("state", "RUNNING"),
        "num_applications": info.get("numApplications", 0), "leaf": not children,
    }
    found = [queue]
    for child in children:
        found.extend(flatten_queues(child, path))
    return found


def children(props, path):
    return [name.strip() for name in (props.get(PREFIX + path + ".queues") or "").split(",") if name.strip()]


def queue_paths(props):
    found, pending = [], ["root"]
    while pending:
        path = pending.pop(0)
        found.append(path)
        pending.extend(path + "." + child for child in children(props, path))
    return found


def configured_queue(props, path):
    """A queue as yarn_queue compares it: capacity and maximum_capacity in percent, state, other properties."""
    own = PREFIX + path + "."
    child_prefixes = tuple(own + child + "." for child in children(props, path))
    properties = {key[len(own):]: value for key, value in props.items()
                  if key.startswith(own) and not key.startswith(child_prefixes) and key != own + "queues"}
    maximum = percent(properties.pop("maximum-capacity", None))
    return {"path": path, "capacity": percent(properties.pop("capacity", None)),
            "maximum_capacity": 100.0 if maximum in (None, -1.0) else maximum,
            "state": properties.pop("state", "RUNNING"), "properties": properties}


def configured_queues(props):
    return {path: configured_queue(props, path) for path in queue_paths(props)}


def percent(value):
    try:
        return None if value is None else float(value)
    except ValueError:
        return value  # an absolute resource ("[memory=1024,vcores=1]"): compared as text


def check_capacities(queues, changed_paths):
    """Refuse, before anything is sent, a change after which the children of a parent would not sum to 100."""
    for parent in sorted({path.rsplit(".", 1)[0] for path in changed_paths if "." in path}):
        siblings = sorted(path for path, queue in queues.items() if queue is not None and path.rsplit(".", 1)[0] == parent
                          and path.count(".") == parent.count(".") + 1)
        numbers = [queues[path]["capacity"] for path in siblings]
        if not siblings or not all(isinstance(number, float) for number in numbers):
            continue
        total = sum(numbers)
        if abs(total - 100.0) > SUM_TOLERANCE:
            listed = ", ".join("%s %s" % (path, queues[path]["capacity"]) for path in siblings)
            raise OptionError("capacity", listed, "the capacities of the queues under %s would sum to %s: they must sum to "
                                                  "100; change the siblings in the same task (queues: [...])" % (parent, total))


def params_entry(values):
    """JAXB's map shape: {"entry": [{"key", "value"}]}; an empty value unsets the property."""
    return {"entry": [{"key": key, "value": "" if value is None else str(value)} for key, value in sorted(values.items())]}


def queue_params(queue):
    """The scheduler-conf params of a desired queue (relative keys)."""
    values = dict(queue.get("properties") or {})
    for key, option in MANAGED_KEYS.items():
        if queue.get(option) is not None:
            values[key] = format_number(queue[option]) if option != "state" else queue[option]
    return values


def format_number(value):
    return "%g" % value if isinstance(value, float) else str(value)


def snake(name):
    """appsSubmitted -> apps_submitted, allocatedMB -> allocated_mb."""
    out = ""
    for index, char in enumerate(name):
        if char.isupper() and index and (not name[index - 1].isupper() or (index + 1 < len(name) and name[index + 1].islower())):
            out += "_"
        out += char.lower()
    return out


def normalize_metrics(raw):
    return {snake(key): value for key, value in (raw or {}).items()}


def normalize_node(raw):
    return {
        "id": raw.get("id"), "host": raw.get("nodeHostName"), "rack": raw.get("rack"), "state": raw.get("state"),
        "health_report": raw.get("healthReport") or "", "http_address": raw.get("nodeHTTPAddress"),
        "version": raw.get("version"), "containers": raw.get("numContainers"), "used_mb": raw.get("usedMemoryMB"),
        "available_mb": raw.get("availMemoryMB"), "used_vcores": raw.get("usedVirtualCores"),
        "available_vcores": raw.get("availableVirtualCores"), "last_health_update": raw.get("lastHealthUpdate"),
    }


def normalize_cluster_info(raw):
    return {
        "id": raw.get("id"), "state": raw.get("state"), "ha_state": raw.get("haState"), "started_on": raw.get("startedOn"),
        "resource_manager_version": raw.get("resourceManagerVersion"), "hadoop_version": raw.get("hadoopVersion"),
        "ha_zookeeper_connection_state": raw.get("haZooKeeperConnectionState"),
        "state_store": raw.get("rmStateStoreName"),
    }
