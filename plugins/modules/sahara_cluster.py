#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_cluster
short_description: Create, scale and delete OpenStack Sahara clusters
version_added: 0.1.0
description:
  - Launch a Hadoop or Spark cluster with Sahara (OpenStack data processing), found by name, and wait until
    it is C(Active); a cluster that ends in C(Error) fails the task with Sahara's C(status_description).
  - Scale it by saying how many instances each node group should have (O(node_groups)); the module adds
    instances, decommissions them, or adds a new node group, then waits until the cluster is C(Active) again.
  - Delete it and wait until it is gone.
  - A cluster that is in the middle of an operation is waited on, never asked twice.
  - O(description), O(is_public), O(is_protected) and O(shares) of an existing cluster are updated in place
    (Sahara's cluster update call). A protected cluster refuses every other change, as Sahara does; set
    O(is_protected=false) in the same task to change, scale or delete it.
  - Plugin, template, image, key pair, network, O(is_transient), O(cluster_configs), O(anti_affinity) and
    O(use_autoconfig) apply when the cluster is created; Sahara cannot change them later, so a difference on an
    existing cluster only gives a warning.
  - The result lists each node group's instances with their names, Nova ids and addresses, for later plays.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the cluster, unique in the project.
    type: str
    required: true
  state:
    description: Whether the cluster should exist.
    type: str
    default: present
    choices: [present, absent]
  plugin:
    description: Sahara plugin, such as V(vanilla). By default the cluster template's.
    type: str
  plugin_version:
    description: Version of the plugin, such as V(2.7.1). By default the cluster template's.
    type: str
  cluster_template:
    description: Cluster template to create the cluster from, by name or id.
    type: str
  default_image:
    description: Image registered in Sahara, by name or id. By default the cluster template's.
    type: str
  keypair:
    description: Nova key pair name installed on the instances.
    type: str
  neutron_management_network:
    description: Id of the Neutron network the instances are managed through. By default the cluster template's.
    type: str
  is_transient:
    description: Whether Sahara deletes the cluster once its jobs are done.
    type: bool
  description:
    description: Free text; updated in place on an existing cluster.
    type: str
  cluster_configs:
    description: "Cluster-wide service configuration, as Sahara takes it (C({service: {key: value}})); set at creation."
    type: dict
    version_added: 0.2.0
  anti_affinity:
    description: Processes whose instances must run on different hosts, such as V(datanode); set at creation.
    type: list
    elements: str
    version_added: 0.2.0
  use_autoconfig:
    description: Let the plugin configure the cluster automatically; set at creation (Sahara's default is true).
    type: bool
    version_added: 0.2.0
  is_public:
    description: Share the cluster with other projects; updated in place.
    type: bool
    version_added: 0.2.0
  is_protected:
    description:
      - Protect the cluster from changes, scaling and deletion; updated in place.
      - V(false) lifts the protection before the other changes of the task are made.
    type: bool
    version_added: 0.2.0
  node_groups:
    description:
      - "Number of instances per node group, for example C({worker: 5}); counts are whole numbers of 0 or more."
      - At creation, these counts override the cluster template's; a node group not in the template is made
        from the node group template of the same name.
      - On an existing cluster, a changed count scales the node group; a new name adds a node group (from the
        cluster template's node group of that name, or the node group template of that name); node groups
        not named are left alone.
    type: dict
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.sahara.shares
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
"""

EXAMPLES = r"""
- name: A vanilla Hadoop cluster with five workers
  bigdata.platform.sahara_cluster:
    cloud: mycloud
    name: analytics
    cluster_template: vanilla-small
    default_image: sahara-vanilla-2.7.1
    keypair: ops
    neutron_management_network: 5b0c1e6e-8d3f-4c55-9a51-0b8e2f3c7d10
    node_groups:
      worker: 5
    timeout: 3600

- name: Scale the workers down to two
  bigdata.platform.sahara_cluster:
    cloud: mycloud
    name: analytics
    node_groups:
      worker: 2

- name: Protect it and record its instances' addresses for later plays
  bigdata.platform.sahara_cluster:
    cloud: mycloud
    name: analytics
    is_protected: true
  register: analytics

- name: Add the instances to the inventory
  ansible.builtin.add_host:
    name: "{{ item.instance_name }}"
    ansible_host: "{{ item.management_ip }}"
    groups: sahara_analytics
  loop: "{{ analytics.cluster.node_group_details | map(attribute='instances') | flatten }}"

- name: Delete the cluster and wait until it is gone
  bigdata.platform.sahara_cluster:
    cloud: mycloud
    name: analytics
    is_protected: false
    state: absent

- name: Delete another one
  bigdata.platform.sahara_cluster:
    cloud: mycloud
    name: analytics
    state: absent
"""

RETURN = r"""
cluster:
  description: The cluster after the task (predicted in check mode); empty when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Cluster id.
      type: str
    name:
      description: Cluster name.
      type: str
    status:
      description: Sahara status, such as C(Active), C(Spawning), C(Scaling) or C(Error).
      type: str
    status_description:
      description: Sahara's explanation of the status (the reason of an C(Error)).
      type: str
    plugin:
      description: Plugin name.
      type: str
    plugin_version:
      description: Plugin version (C(hadoop_version) in API v1.1).
      type: str
    node_groups:
      description: Instances per node group.
      type: dict
    node_group_details:
      description: Node groups with C(name), C(count), C(flavor_id), C(node_processes), C(node_group_template_id) and
        C(instances).
      type: list
      elements: dict
      contains:
        instances:
          description:
            - The node group's instances, each with C(instance_name), C(instance_id) (Nova's), C(management_ip)
              and C(internal_ip).
            - Instances appear once Sahara spawns them, their addresses once they have them (null before).
          type: list
          elements: dict
          version_added: 0.2.0
    cluster_configs:
      description: Cluster-wide configuration.
      type: dict
      version_added: 0.2.0
    anti_affinity:
      description: Anti-affinity processes, sorted.
      type: list
      elements: str
      version_added: 0.2.0
    use_autoconfig:
      description: Whether the plugin configures the cluster automatically.
      type: bool
      version_added: 0.2.0
    is_public:
      description: Whether the cluster is shared with other projects.
      type: bool
      version_added: 0.2.0
    is_protected:
      description: Whether the cluster is protected from changes and deletion.
      type: bool
      version_added: 0.2.0
    shares:
      description: Manila shares, each with C(id), C(path) and C(access_level).
      type: list
      elements: dict
      version_added: 0.2.0
    description:
      description: Free text.
      type: str
    cluster_template_id:
      description: Template the cluster was made from, or null.
      type: str
    default_image_id:
      description: Image id.
      type: str
    keypair:
      description: Key pair name, or null.
      type: str
    neutron_management_network:
      description: Management network id.
      type: str
    is_transient:
      description: Whether the cluster is transient.
      type: bool
    provision_progress:
      description:
        - Sahara's provisioning steps, each with C(step_name), C(successful) and C(total).
        - Read while the cluster is busy (and after a wait); a cluster found C(Active) or in C(Error) by a list
          read has none, which saves a request.
      type: list
      elements: dict
    project_id:
      description: Owning project.
      type: str
  sample:
    id: 0d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a
    name: analytics
    status: Active
    status_description: ""
    plugin: vanilla
    plugin_version: 2.7.1
    node_groups: {master: 1, worker: 5}
instances:
  description: "The cluster's instances by name: C({name: {node_group, instance_id, management_ip, internal_ip}})."
  returned: always
  type: dict
  version_added: 0.2.0
  sample: {analytics-worker-001: {node_group: worker, instance_id: 5d6e..., management_ip: 172.24.4.10,
                                  internal_ip: 10.0.0.10}}
updated:
  description: The settings updated in place, with the values sent.
  returned: when description, is_public, is_protected or shares changed
  type: dict
  version_added: 0.2.0
  sample: {is_protected: true}
scaling:
  description: Instances per node group before and after scaling.
  returned: when node group counts changed
  type: dict
  sample: {before: {master: 1, worker: 2}, after: {master: 1, worker: 5}}
timeline:
  description:
    - 'What the task''s waits saw, each distinct state once, such as C(Spawning, step 3 in progress: Spawning), with
      C(elapsed) (seconds since the task began) and C(what) (the wait).'
    - At C(-v), a task that waits shows the cluster's status and provisioning step every 20 seconds.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{elapsed: 0.3, what: "Sahara cluster analytics to become Active", state: "Validating, step 1 in progress: Validating"}]
diff:
  description: The cluster before and after (with C(--diff)).
  returned: always
  type: dict
"""

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, differences, make_diff, merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import (
    ACTIVE, DELETING, ERROR, describe_cluster, instance_addresses, main_for, normalize_cluster, normalize_cluster_template,
    normalize_shares, read_cluster_details, SHARES_ARG,
)
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

# Set at creation only: option -> key of the normalised cluster.
CREATION_ONLY = {"plugin": "plugin", "plugin_version": "plugin_version", "keypair": "keypair",
                 "neutron_management_network": "neutron_management_network", "is_transient": "is_transient",
                 "cluster_configs": "cluster_configs", "anti_affinity": "anti_affinity",
                 "use_autoconfig": "use_autoconfig"}
# Updated in place with Sahara's cluster update call (PATCH /clusters/{id}).
UPDATABLE = ("description", "is_public", "is_protected", "shares")
# Set at creation only, given by name or id: option -> (kind, key of the normalised cluster).
CREATION_ONLY_REFERENCES = {"cluster_template": ("cluster_template", "cluster_template_id"),
                            "default_image": ("image", "default_image_id")}


def argument_spec():
    return merge_specs(SAHARA_ARGS, WAIT_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        plugin=dict(type="str"),
        plugin_version=dict(type="str"),
        cluster_template=dict(type="str"),
        default_image=dict(type="str"),
        keypair=dict(type="str", no_log=False),
        neutron_management_network=dict(type="str"),
        is_transient=dict(type="bool"),
        description=dict(type="str"),
        node_groups=dict(type="dict"),
        cluster_configs=dict(type="dict"),
        anti_affinity=dict(type="list", elements="str"),
        use_autoconfig=dict(type="bool"),
        is_public=dict(type="bool"),
        is_protected=dict(type="bool"),
        shares=SHARES_ARG,
    ))


def wanted_counts(params):
    """node_groups as {name: int}; OptionError for anything that is not a count."""
    counts = {}
    for name, count in (params["node_groups"] or {}).items():
        try:
            counts[name] = int(str(count))  # 2.7, "2.7" and True are not counts: int() alone would take them
        except ValueError:
            counts[name] = -1
        if counts[name] < 0:
            raise OptionError("node_groups", {name: count}, "must map node group names to whole counts of 0 or more")
    return counts


def read_cluster(client, name):
    found = client.find("cluster", name)
    return normalize_cluster(read_cluster_details(client, found)) if found else None


def wanted_settings(params):
    """The settings updated in place, as the normalised cluster holds them (None: not managed)."""
    wanted = {key: params[key] for key in UPDATABLE}
    if wanted["shares"] is not None:
        wanted["shares"] = normalize_shares(wanted["shares"])
    return wanted


def error_reason(cluster):
    if cluster is not None and cluster["status"] == ERROR:
        return "Sahara cluster %s is in Error: %s" % (cluster["name"], cluster["status_description"] or "no description")
    return None


def wait_for(client, module, cluster, done, what, acted=False):
    """Poll the cluster until done(cluster). The waits of one task (a deletion, then the new cluster; an operation
    in progress, then the scaling) share its timeout: module.deadline is set once, in run(). acted: Sahara accepted
    the task's request before this wait, so a timeout or failure reports changed."""
    try:
        return module.deadline.wait_until(lambda: normalize_cluster(client.get_cluster(cluster["id"])), done,
                                          "Sahara cluster %s %s" % (cluster["name"], what), describe=describe_cluster,
                                          failed=error_reason)
    except PlatformError as exc:
        exc.details["changed"] = exc.details.get("changed") or acted
        raise


def is_active(cluster):
    if cluster is None:
        raise OperationFailed("the Sahara cluster disappeared while the task waited for it to become Active")
    return cluster["status"] == ACTIVE


def template_of(client, template):
    return normalize_cluster_template(client.get("cluster_template", template)) if template else None


def node_group_entry(client, name, count, template):
    """A node group for a create or add request: from the cluster template, else the node group template `name`."""
    for group in (template or {}).get("node_groups", []):
        if group["name"] == name:
            return dict(group, count=count)
    found = client.find("node_group_template", name)
    if found is None:
        raise OptionError("node_groups", name, "is neither a node group of the cluster (or its cluster template) "
                                               "nor the name of a node group template")
    return {"name": name, "count": count, "node_group_template_id": found["id"]}


def create(module, client, counts):
    params = module.params
    template_id = params["cluster_template"] and client.find_by_name_or_id(
        "cluster_template", params["cluster_template"], "cluster_template")
    template = template_of(client, template_id)
    plugin = params["plugin"] or (template or {}).get("plugin")
    version = params["plugin_version"] or (template or {}).get("plugin_version")
    for option, value in (("plugin", plugin), ("plugin_version", version)):
        if not value:
            raise OptionError(option, value, "is required to create a cluster without a cluster_template")
    body = {"name": params["name"], "cluster_template_id": template_id, "user_keypair_id": params["keypair"],
            "neutron_management_network": params["neutron_management_network"], "is_transient": params["is_transient"],
            "description": params["description"], "cluster_configs": params["cluster_configs"],
            "anti_affinity": params["anti_affinity"], "use_autoconfig": params["use_autoconfig"],
            "is_public": params["is_public"], "is_protected": params["is_protected"], "shares": params["shares"]}
    if params["default_image"]:
        body["default_image_id"] = client.find_by_name_or_id("image", params["default_image"], "default_image")
    merged = {group["name"]: group["count"] for group in (template or {}).get("node_groups", [])}
    merged.update(counts)
    if counts:
        body["node_groups"] = [node_group_entry(client, name, count, template) for name, count in sorted(merged.items())]
    body = client.with_plugin({key: value for key, value in body.items() if value is not None}, plugin, version)
    if module.check_mode:
        predicted = {key: value for key, value in wanted_settings(params).items() if value is not None}
        return dict(predicted, name=params["name"], status=ACTIVE, plugin=plugin, plugin_version=version,
                    node_groups=merged, cluster_template_id=template_id)
    cluster = normalize_cluster(client.create("cluster", body))
    if module.params["wait"]:
        cluster = wait_for(client, module, cluster, is_active, "to become Active", acted=True)
    return cluster


def warn_creation_only(module, client, current):
    differ = [option for option, key in CREATION_ONLY.items()
              if module.params[option] is not None and comparable(module.params[option]) != comparable(current[key])]
    for option, (kind, key) in CREATION_ONLY_REFERENCES.items():
        wanted = module.params[option]
        if wanted and wanted != current[key] and not refers_to(client, kind, wanted, option, current[key]):
            differ.append(option)
    for option in differ:
        key = CREATION_ONLY.get(option) or CREATION_ONLY_REFERENCES[option][1]
        module.warn("Sahara cannot change %s of the existing cluster %s (%r, not %r); left as it is"
                    % (option, current["name"], current[key], module.params[option]))


def comparable(value):
    return sorted(value) if isinstance(value, list) else value


def refuse_while_protected(current, updates, scaling, deleting=False):
    """Sahara refuses every change but lifting the protection or setting is_public alone on a protected cluster
    (check_protected_from_update); say so before sending anything, so check mode predicts it too."""
    if not current["is_protected"] or updates.get("is_protected") is False:
        return
    blocked = [key for key in updates if key != "is_public"] + (["node_groups"] if scaling else [])
    if deleting or blocked:
        what = "deleted" if deleting else "changed (%s)" % ", ".join(sorted(blocked))
        raise OptionError("is_protected", True, "cluster %s is protected: Sahara refuses to have it %s; set "
                                                "is_protected: false in the task to lift the protection"
                          % (current["name"], what))


def update_in_place(module, client, current, updates):
    """PATCH the settings that differ; returns the cluster after."""
    if not updates:
        return current
    after = dict(current, **updates)
    if module.check_mode:
        return after
    return normalize_cluster(client.update("cluster", current["id"], updates))


def refers_to(client, kind, value, option, resource_id):
    """Whether the name or id `value` is the resource `resource_id` (a name Sahara no longer knows is not)."""
    try:
        return client.find_by_name_or_id(kind, value, option) == resource_id
    except OptionError:
        return False


def scale(module, client, current, counts):
    """Resize node groups whose count differs, add those the cluster lacks; returns the cluster after."""
    changed = {name: count for name, count in counts.items() if current["node_groups"].get(name) != count}
    if not changed:
        return current
    after = dict(current, node_groups=dict(current["node_groups"], **changed))
    if module.check_mode:
        return after
    if current["status"] != ACTIVE:
        raise PlatformError("Sahara cluster %s is %s; it can be scaled once Active (use wait: true to wait for it)"
                            % (current["name"], current["status"]))
    resize = [{"name": name, "count": count} for name, count in changed.items() if name in current["node_groups"]]
    new = [name for name in changed if name not in current["node_groups"]]
    template = template_of(client, current["cluster_template_id"]) if new else None
    body = {"resize_node_groups": resize} if resize else {}
    if new:
        body["add_node_groups"] = [node_group_entry(client, name, changed[name], template) for name in new]
    cluster = normalize_cluster(client.scale_cluster(current["id"], body))
    if module.params["wait"]:
        cluster = wait_for(client, module, cluster, is_active, "to become Active after scaling", acted=True)
    return cluster


def ensure_present(module, client, current):
    counts = wanted_counts(module.params)
    waiting = module.params["wait"] and not module.check_mode
    if current is not None and current["status"] == DELETING and not module.check_mode:
        if not waiting:
            raise PlatformError("Sahara cluster %s is being deleted; it can be created again once it is gone "
                                "(use wait: true to wait for it)" % current["name"])
        wait_for(client, module, current, lambda cluster: cluster is None, "to be deleted before it is created again")
        current = None
    if current is not None and current["status"] not in (ACTIVE, ERROR, DELETING) and waiting:
        current = wait_for(client, module, current, is_active, "to finish %s" % current["status"])
    if current is not None and current["status"] != DELETING:
        reason = error_reason(current)
        if reason:
            raise OperationFailed(reason, last_state=current)
        warn_creation_only(module, client, current)
        return update_existing(module, client, current, counts)
    after = create(module, client, counts)
    return dict(changed=True, cluster=after, diff=make_diff(current, after))


def update_existing(module, client, current, counts):
    """Settings in place and node counts: protection lifted first, scaling, then the other settings."""
    updates = {key: wanted for key, (dummy, wanted) in differences(current, wanted_settings(module.params)).items()}
    scaling = any(current["node_groups"].get(name) != count for name, count in counts.items())
    refuse_while_protected(current, updates, scaling)
    first = {"is_protected": False} if updates.get("is_protected") is False and scaling else {}
    after = update_in_place(module, client, current, first)
    after = scale(module, client, after, counts)
    after = update_in_place(module, client, after, {key: value for key, value in updates.items() if key not in first})
    result = dict(changed=bool(updates) or scaling, cluster=after, diff=make_diff(current, after))
    if updates:
        result["updated"] = updates
    if scaling:
        result["scaling"] = {"before": current["node_groups"], "after": after["node_groups"]}
    return result


def ensure_absent(module, client, current):
    if current is None:
        return dict(changed=False, cluster={}, diff=make_diff(None, None))
    requested = current["status"] != DELETING
    lift = module.params["is_protected"] is False and current["is_protected"]
    refuse_while_protected(current, {"is_protected": False} if lift else {}, False, deleting=requested and not lift)
    if not module.check_mode:
        if lift:
            update_in_place(module, client, current, {"is_protected": False})
        if requested:
            client.delete("cluster", current["id"])
        if module.params["wait"]:
            wait_for(client, module, current, lambda cluster: cluster is None, "to be deleted", acted=requested or lift)
    return dict(changed=requested, cluster={}, diff=make_diff(current, None))


def run(module):
    module.deadline = Deadline(module.params["timeout"])
    client = SaharaClient.from_module(module)
    current = read_cluster(client, module.params["name"])
    if module.params["state"] == "absent":
        result = ensure_absent(module, client, current)
    else:
        result = ensure_present(module, client, current)
    return dict(result, instances=instance_addresses(result["cluster"]), timeline=module.deadline.timeline)


def main():
    main_for(argument_spec(), run, identity=("name", "plugin", "plugin_version", "cluster_template"))


if __name__ == "__main__":
    main()
