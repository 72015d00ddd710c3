# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sahara resources as the modules return them (one normaliser per kind, shared by a module and its _info twin),
template present/absent, and the modules' main()."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import (
    apply_changes, differences, make_diff, run_module,
)
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import REQUIRED_LIBS

ACTIVE = "Active"
ERROR = "Error"
DELETING = "Deleting"
# The shares option (doc_fragments/sahara.py SHARES): Manila shares as Sahara's SHARE_SCHEMA takes them.
SHARES_ARG = dict(type="list", elements="dict", options=dict(
    id=dict(type="str", required=True),
    path=dict(type="str"),
    access_level=dict(type="str", choices=["rw", "ro"], default="rw"),
))
# Statuses in which a cluster does not move: a list read says all a task needs (no show_progress read).
STABLE = (ACTIVE, ERROR)


def main_for(argument_spec, run, identity=("name",)):
    """run_module for a sahara_* module: its libraries, and the identity options run_module guards (an empty,
    blank, '.' or '..' name is refused before any request)."""
    run_module(argument_spec, run, required_libs=REQUIRED_LIBS, identity=identity)


def common_fields(raw):
    return {
        "id": raw.get("id"),
        "name": raw.get("name"),
        "description": raw.get("description") or "",
        "plugin": raw.get("plugin_name"),
        "plugin_version": raw.get("plugin_version", raw.get("hadoop_version")),
        "is_public": bool(raw.get("is_public")),
        "is_protected": bool(raw.get("is_protected")),
        "project_id": raw.get("project_id", raw.get("tenant_id")),
        "created_at": raw.get("created_at"),
        "updated_at": raw.get("updated_at"),
    }


def normalize_node_group_template(raw):
    if raw is None:
        return None
    result = common_fields(raw)
    result.update({
        "flavor_id": raw.get("flavor_id"),
        "node_processes": sorted(raw.get("node_processes") or []),
        "auto_security_group": bool(raw.get("auto_security_group")),
        "security_groups": sorted(raw.get("security_groups") or []),
        "floating_ip_pool": raw.get("floating_ip_pool"),
        "volumes_per_node": raw.get("volumes_per_node") or 0,
        "volumes_size": raw.get("volumes_size") or 0,
        "image_id": raw.get("image_id"),
        "availability_zone": raw.get("availability_zone"),
        "node_configs": raw.get("node_configs") or {},
        "use_autoconfig": raw.get("use_autoconfig", True),
        "volume_type": raw.get("volume_type"),
        "volumes_availability_zone": raw.get("volumes_availability_zone"),
        "volume_local_to_instance": bool(raw.get("volume_local_to_instance")),
        "is_proxy_gateway": bool(raw.get("is_proxy_gateway")),
        "shares": normalize_shares(raw.get("shares")),
    })
    return result


def normalize_shares(shares):
    """Manila shares as Sahara keeps them, access_level defaulted as its schema does, sorted by id."""
    return sorted(({"id": share.get("id"), "path": share.get("path"), "access_level": share.get("access_level") or "rw"}
                   for share in shares or []), key=lambda share: (share["id"] or "", share["path"] or ""))


def normalize_instance(raw):
    return {"instance_name": raw.get("instance_name"), "instance_id": raw.get("instance_id"),
            "management_ip": raw.get("management_ip"), "internal_ip": raw.get("internal_ip")}


def normalize_image(raw):
    if raw is None:
        return None
    return {"id": raw.get("id"), "name": raw.get("name"), "username": raw.get("username") or "",
            "description": raw.get("description") or "", "tags": sorted(raw.get("tags") or []),
            "status": raw.get("status")}


def template_node_groups(node_groups):
    """[{name, node_group_template_id, count}] sorted by name: the part of a node group a user manages."""
    return sorted(({"name": ng.get("name"), "node_group_template_id": ng.get("node_group_template_id"),
                    "count": ng.get("count")} for ng in node_groups or []), key=lambda ng: ng["name"])


def normalize_cluster_template(raw):
    if raw is None:
        return None
    result = common_fields(raw)
    result.update({
        "node_groups": template_node_groups(raw.get("node_groups")),
        "cluster_configs": raw.get("cluster_configs") or {},
        "anti_affinity": sorted(raw.get("anti_affinity") or []),
        "neutron_management_network": raw.get("neutron_management_network"),
        "default_image_id": raw.get("default_image_id"),
        "use_autoconfig": raw.get("use_autoconfig", True),
    })
    return result


def normalize_cluster(raw):
    if raw is None:
        return None
    result = common_fields(raw)
    result.update({
        "status": raw.get("status"),
        "status_description": raw.get("status_description") or "",
        "cluster_template_id": raw.get("cluster_template_id"),
        "default_image_id": raw.get("default_image_id"),
        "keypair": raw.get("user_keypair_id"),
        "neutron_management_network": raw.get("neutron_management_network"),
        "is_transient": bool(raw.get("is_transient")),
        "cluster_configs": raw.get("cluster_configs") or {},
        "anti_affinity": sorted(raw.get("anti_affinity") or []),
        "use_autoconfig": raw.get("use_autoconfig", True),
        "shares": normalize_shares(raw.get("shares")),
        "node_groups": {ng["name"]: ng.get("count", 0) for ng in raw.get("node_groups") or []},
        "node_group_details": [
            {"name": ng.get("name"), "count": ng.get("count", 0), "flavor_id": ng.get("flavor_id"),
             "node_processes": ng.get("node_processes") or [], "node_group_template_id": ng.get("node_group_template_id"),
             "instances": [normalize_instance(i) for i in ng.get("instances") or []]}
            for ng in raw.get("node_groups") or []],
        "provision_progress": [
            {"step_name": step.get("step_name"), "successful": step.get("successful"), "total": step.get("total")}
            for step in raw.get("provision_progress") or []],
    })
    return result


def read_normalized(client, kind, name, normalize, read_one=None):
    """The _info modules' answer: resources of `kind` (one name or all), normalised, sorted by name.

    read_one(item) re-reads a found resource when a single read says more than the list does (None: it does not).
    """
    found = client.list(kind, name)
    if read_one is not None:
        found = [read_one(item) or item for item in found]
    return sorted((normalize(item) for item in found if item is not None), key=lambda resource: resource["name"])


def describe_cluster(cluster):
    """A cluster's state in one line, for timeouts and progress: status, description, the provisioning step in
    progress, numbered after the steps done ('Spawning, step 3 in progress: Spawning')."""
    if cluster is None:
        return "gone"
    text = cluster["status"]
    if cluster.get("status_description"):
        text += " (%s)" % cluster["status_description"]
    steps = cluster.get("provision_progress") or []
    running = [step["step_name"] for step in steps if step["successful"] is None]
    if running:
        done = sum(1 for step in steps if step["successful"])
        text += ", step %d in progress: %s" % (done + 1, running[-1])
    return text


def api_body(client, values, current=None):
    """A template request body from normalised keys; the plugin version always travels with its plugin."""
    body = {key: value for key, value in values.items() if key not in ("plugin", "plugin_version") and value is not None}
    if "plugin" in values or "plugin_version" in values:
        plugin = values.get("plugin", (current or {}).get("plugin"))
        version = values.get("plugin_version", (current or {}).get("plugin_version"))
        body = client.with_plugin(body, plugin, version)
    return body


def ensure_template(module, client, kind, desired_from, normalize, required):
    """present/absent by name for a node group or cluster template. desired_from(client, params, current) gives the
    template wanted, in the normalised keys, from the current one (None when there is none), whose ids it can reuse.

    Returns the module result: changed, diff and the template under `kind`.
    """
    name = module.params["name"]
    current = normalize(client.find(kind, name))
    if module.params["state"] == "absent":
        if current is not None and not module.check_mode:
            client.delete(kind, current["id"])
        return {"changed": current is not None, kind: {}, "diff": make_diff(current, None)}
    desired = desired_from(client, module.params, current)
    changes = differences(current, desired)
    if current is None:
        missing = [option for option in required if desired.get(option) in (None, [])]
        if missing:
            raise OptionError(missing[0], None, "is required to create %s %r" % (kind.replace("_", " "), name))
        after = apply_changes({"name": name}, changes)
        client.check_plugin(desired["plugin"], desired["plugin_version"])
        if not module.check_mode:
            after = normalize(client.create(kind, api_body(client, desired)))
    elif changes:
        after = apply_changes(current, changes)
        if "plugin" in changes or "plugin_version" in changes:
            client.check_plugin(after["plugin"], after["plugin_version"])
        if not module.check_mode:
            update = {key: wanted for key, (dummy, wanted) in changes.items()}
            after = normalize(client.update(kind, current["id"], api_body(client, update, current)))
    else:
        after = current
    return {"changed": current is None or bool(changes), kind: after, "diff": make_diff(current, after)}


def read_cluster_details(client, listed):
    """A listed cluster, re-read with its provision steps only while it moves: a list read is complete for a
    cluster that is Active or in Error (its steps are history), which saves a request per no-op."""
    if listed.get("status") in STABLE:
        return listed
    return client.get_cluster(listed["id"])


def instance_addresses(cluster):
    """{instance name: {management_ip, internal_ip, instance_id, node_group}} of a normalised cluster."""
    return {instance["instance_name"]: dict(instance, node_group=group["name"])
            for group in (cluster or {}).get("node_group_details") or [] for instance in group["instances"]}


def check_volumes(params):
    """Values Sahara's schema or validator refuses, refused before any request with the option named."""
    for option in ("volumes_per_node", "volumes_size"):
        if params.get(option) is not None and params[option] < 0:
            raise OptionError(option, params[option], "must be 0 or more")
    if params.get("volumes_per_node") and params.get("volumes_size") == 0:
        raise OptionError("volumes_size", 0, "must be more than 0 when volumes_per_node is set (Sahara: 'You must "
                                             "specify a volumes_size parameter')")
