"""The Capacity Scheduler of the YARN simulator: its configuration, the mutation API's way of changing it, and
the checks a refresh of the queues makes, with the ResourceManager's own texts.

Modelled on Hadoop 3.3's sources:
  ConfigurationUpdateAssembler (scheduler/capacity/conf): how a PUT /scheduler-conf turns into properties,
      removals first, then additions, then updates, then global-updates; "Can't remove queue x", "Queue x not
      found", "Can't add invalid queue x", "Can't add existing queue x". An update-queue sets whatever keys it
      is given: the RM refuses no property name, it only fails the refresh on values it cannot use.
  RMWebServices.updateSchedulerConfiguration: "Only admins can carry out this operation." (403) with ACLs on;
      "Configuration change only supported by MutableConfScheduler." (400) when the configuration store
      (yarn.scheduler.configuration.store.class) is "file"; 400 with the failure's text; 200 "Configuration
      change successfully applied."
  CapacityScheduler.reinitialize: a failed refresh keeps the old configuration and reads
      "Failed to re-init queues : <cause>".
  CapacitySchedulerConfigValidator.validateQueueHierarchy: "<path> cannot be deleted from the capacity
      scheduler configuration, as the queue is not yet in stopped state. Current State : RUNNING" (a removal
      needs the queue STOPPED before: YARN-9780, stop and remove in one call fails), and the leaf-to-parent
      conversion of a queue that is not stopped.
  ParentQueue.setChildQueues: "Illegal capacity sum of 1.1 for children of queue root for label=. It should be
      either 0 or 1.0"; CapacitySchedulerConfiguration: "Illegal capacity of 120.0 for queue root.etl";
      CSQueueUtils.checkMaxCapacity / checkAbsoluteCapacity for maximum-capacity.
A STOPPED leaf queue with applications still running is DRAINING until they end (AbstractCSQueue).
"""

PREFIX = "yarn.scheduler.capacity."
STORE_KEY = "yarn.scheduler.configuration.store.class"
MUTABLE_STORES = ("memory", "leveldb", "zk", "fs")  # YarnConfiguration's *_CONFIGURATION_STORE; "file" is not
NOT_MUTABLE = "Configuration change only supported by MutableConfScheduler."
APPLIED = "Configuration change successfully applied."
PRECISION = 0.005
QUEUE_STATES = ("RUNNING", "STOPPED")


class SchedulerConfError(Exception):
    """A refused mutation: the RM answers 400 with this text."""


def initial_properties(leaves):
    """root with the given {leaf: capacity} children, every queue RUNNING with maximum-capacity 100."""
    props = {PREFIX + "root.queues": ",".join(leaves), PREFIX + "maximum-applications": "10000",
             PREFIX + "maximum-am-resource-percent": "0.1",
             PREFIX + "resource-calculator": "org.apache.hadoop.yarn.util.resource.DefaultResourceCalculator"}
    for leaf, capacity in leaves.items():
        props.update({PREFIX + "root.%s.capacity" % leaf: str(capacity), PREFIX + "root.%s.maximum-capacity" % leaf: "100",
                      PREFIX + "root.%s.state" % leaf: "RUNNING"})
    return props


def entries(container):
    """JAXB's {"entry": [...]} maps (one unwrapped entry too) as a dict."""
    items = (container or {}).get("entry") or []
    items = items if isinstance(items, list) else [items]
    return {str(item.get("key")): None if item.get("value") is None else str(item.get("value")) for item in items}


def as_list(value):
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


class CapacityConf:
    """The queue tree a set of properties describes."""

    def __init__(self, props):
        self.props = props

    def get(self, path, key, default=None):
        return self.props.get(PREFIX + path + "." + key, default)

    def children(self, path):
        return [name.strip() for name in (self.get(path, "queues") or "").split(",") if name.strip()]

    def paths(self):
        """Every queue path, parents before children."""
        found, pending = [], ["root"]
        while pending:
            path = pending.pop(0)
            found.append(path)
            pending.extend(path + "." + child for child in self.children(path))
        return found

    def leaves(self):
        return [path for path in self.paths() if not self.children(path)]

    def configured_state(self, path):
        """A queue's state: its own, else its parent's (a queue under a STOPPED parent is STOPPED)."""
        state = self.get(path, "state")
        if state is None and "." in path:
            return self.configured_state(path.rsplit(".", 1)[0])
        return state or "RUNNING"

    def capacity(self, path):
        return 100.0 if path == "root" else float(self.get(path, "capacity", "0"))

    def maximum_capacity(self, path):
        value = float(self.get(path, "maximum-capacity", "-1"))
        return 100.0 if value == -1 else value


def apply_mutation(props, body):
    """The properties after a PUT /scheduler-conf body (JSON of SchedConfUpdateInfo), as
    ConfigurationUpdateAssembler.constructKeyValueConfUpdate builds them; SchedulerConfError on its refusals."""
    new = dict(props)
    for path in as_list(body.get("remove-queue")):
        remove_queue(new, str(path))
    for info in as_list(body.get("add-queue")):
        add_queue(new, info)
    for info in as_list(body.get("update-queue")):
        set_params(new, info.get("queue-name"), entries(info.get("params")))
    for globals_ in as_list(body.get("global-updates")):
        for key, value in entries(globals_).items():
            if value:
                new[key] = value
            else:
                new.pop(key, None)
    return new


def remove_queue(props, path):
    if "." not in path:
        raise SchedulerConfError("Can't remove queue %s" % path)
    parent, name = path.rsplit(".", 1)
    siblings = CapacityConf(props).children(parent)
    if name not in siblings:
        raise SchedulerConfError("Queue %s not found" % path)
    siblings.remove(name)
    if siblings:
        props[PREFIX + parent + ".queues"] = ",".join(siblings)
    else:
        props.pop(PREFIX + parent + ".queues", None)
    for key in [key for key in props if key.startswith(PREFIX + path + ".")]:
        del props[key]


def add_queue(props, info):
    path = str(info.get("queue-name") or "")
    if "." not in path:
        raise SchedulerConfError("Can't add invalid queue %s" % path)
    parent, name = path.rsplit(".", 1)
    siblings = CapacityConf(props).children(parent)
    if name in siblings:
        raise SchedulerConfError("Can't add existing queue %s" % path)
    props[PREFIX + parent + ".queues"] = ",".join(siblings + [name])
    set_params(props, path, entries(info.get("params")))


def set_params(props, path, params):
    for key, value in params.items():
        if value:
            props[PREFIX + "%s.%s" % (path, key)] = value
        else:
            props.pop(PREFIX + "%s.%s" % (path, key), None)


def refresh_check(old_props, new_props, runtime_state):
    """What CapacityScheduler.reinitialize refuses; runtime_state(path) is an existing queue's state now
    (RUNNING, STOPPED or DRAINING)."""
    try:
        check_queues(CapacityConf(old_props), CapacityConf(new_props), runtime_state)
    except (ValueError, SchedulerConfError) as exc:
        raise SchedulerConfError("Failed to re-init queues : %s" % exc)


def check_queues(old, new, runtime_state):
    new_paths = set(new.paths())
    for path in old.paths():
        if path not in new_paths and runtime_state(path) != "STOPPED":
            raise SchedulerConfError("%s cannot be deleted from the capacity scheduler configuration, as the queue is not "
                                     "yet in stopped state. Current State : %s" % (path, runtime_state(path)))
        if path in new_paths and not old.children(path) and new.children(path) and runtime_state(path) != "STOPPED":
            raise SchedulerConfError("Can not convert the leaf queue: %s to parent queue since it is not yet in stopped "
                                     "state. Current State : %s" % (path, runtime_state(path)))
    for path in new.paths():
        check_queue(new, path)


def check_queue(conf, path):
    state = conf.get(path, "state")
    if state is not None and state not in QUEUE_STATES:
        raise SchedulerConfError("No enum constant org.apache.hadoop.yarn.api.records.QueueState.%s" % state)
    capacity, maximum = number(conf, path, "capacity"), number(conf, path, "maximum-capacity")
    if capacity is not None and not 0 <= capacity <= 100:
        raise SchedulerConfError("Illegal capacity of %s for queue %s" % (capacity, path))
    if maximum is not None and maximum != -1 and not 0 <= maximum <= 100:
        raise SchedulerConfError("Illegal value  of maximumCapacity %s used in call to setMaxCapacity for queue %s"
                                 % (maximum / 100, path))
    if conf.capacity(path) > conf.maximum_capacity(path):
        raise SchedulerConfError("Illegal queue capacity setting (abs-capacity=%s) > (abs-maximum-capacity=%s) for queue=%s"
                                 % (conf.capacity(path) / 100, conf.maximum_capacity(path) / 100, path))
    children = conf.children(path)
    if children:
        total = sum(conf.capacity(path + "." + child) for child in children) / 100
        if (conf.capacity(path) > 0 and abs(1.0 - total) > PRECISION) or (conf.capacity(path) == 0 and total > 0):
            raise SchedulerConfError("Illegal capacity sum of %s for children of queue %s for label=. It should be either 0 "
                                     "or 1.0" % (round(total, 7), path.rsplit(".", 1)[-1]))


def number(conf, path, key):
    """A float property; Configuration.getFloat's NumberFormatException text when it is not one."""
    value = conf.get(path, key)
    if value is None:
        return None
    try:
        return float(value.strip())
    except ValueError:
        raise SchedulerConfError('For input string: "%s"' % value)
