# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The VM dict rhev_vm, rhev_vm_info and the rhev inventory plugin return, from one engine representation
read with `follow` (so one request reads a VM with its disks, NICs, guest devices, tags and affinity groups),
and the power planning and prediction of rhev_vm."""

from __future__ import annotations

BLANK_TEMPLATE_ID = "00000000-0000-0000-0000-000000000000"
# What one read inlines (the engine's `follow`, 4.2+).
FOLLOW = ",".join([
    "cluster.affinity_groups", "template", "original_template", "host", "disk_attachments.disk.storage_domains",
    "nics.vnic_profile.network", "reported_devices", "tags",
])
# Statuses a VM passes through on its way to a stable one; nothing can be done to it meanwhile.
TRANSIENT_STATUSES = frozenset([
    "image_locked", "wait_for_launch", "powering_up", "powering_down", "reboot_in_progress",
    "saving_state", "restoring_state", "migrating", "unknown", "not_responding",
])
# The normalised fields a user manages; all but description and high_availability wait for a
# restart when the VM is running (the engine keeps them as its next-run configuration).
CONFIG_FIELDS = ("memory", "memory_guaranteed", "cpu_sockets", "cpu_cores", "cpu_threads", "os_type",
                 "description", "high_availability")
RESTART_FIELDS = frozenset(["memory", "memory_guaranteed", "cpu_sockets", "cpu_cores", "cpu_threads", "os_type"])
INITIALIZATION_FIELDS = ("host_name", "user_name", "authorized_ssh_keys", "dns_servers", "dns_search", "timezone",
                         "custom_script", "domain", "org_name", "active_directory_ou", "input_locale", "ui_language",
                         "system_locale")
# The status each action leads to once the engine has finished it.
ACTION_TARGETS = {"start": "up", "stop": "down", "shutdown": "down", "suspend": "suspended", "reboot": "up"}


def as_int(value):
    return None if value in (None, "") else int(value)


def as_bool(value):
    return value if isinstance(value, bool) else str(value).lower() == "true"


def listed(tree, outer, inner):
    """The items of a followed collection {outer: {inner: [...]}}, or of a collection body {inner: [...]} when
    outer is None (the engine's JSON leaves an empty collection out)."""
    tree = tree if isinstance(tree, dict) else {}
    found = tree if outer is None else (tree.get(outer) or {})
    items = found.get(inner, []) if isinstance(found, dict) else found
    return items if isinstance(items, list) else [items]


def name_of(ref):
    return ref.get("name") if isinstance(ref, dict) else None


def vm_body(config, cluster=None, template=None, name=None):
    """The engine's VM representation of normalised fields (only those given)."""
    body = {}
    if name is not None:
        body["name"] = name
    if cluster is not None:
        body["cluster"] = {"name": cluster}
    if template is not None:
        body["template"] = {"name": template}
    topology_fields = (("sockets", "cpu_sockets"), ("cores", "cpu_cores"), ("threads", "cpu_threads"))
    topology = {key: config[field] for key, field in topology_fields if config.get(field) is not None}
    if topology:
        body["cpu"] = {"topology": topology}
    if config.get("memory") is not None:
        body["memory"] = config["memory"]
    if config.get("memory_guaranteed") is not None:
        body["memory_policy"] = {"guaranteed": config["memory_guaranteed"]}
    if config.get("os_type") is not None:
        body["os"] = {"type": config["os_type"]}
    if config.get("description") is not None:
        body["description"] = config["description"]
    if config.get("high_availability") is not None:
        body["high_availability"] = {"enabled": config["high_availability"]}
    return body


def config_of(raw):
    """The managed configuration of an engine VM representation."""
    topology = (raw.get("cpu") or {}).get("topology") or {}
    return {
        "memory": as_int(raw.get("memory")),
        "memory_guaranteed": as_int((raw.get("memory_policy") or {}).get("guaranteed")),
        "cpu_sockets": as_int(topology.get("sockets")),
        "cpu_cores": as_int(topology.get("cores")),
        "cpu_threads": as_int(topology.get("threads")),
        "os_type": (raw.get("os") or {}).get("type"),
        "description": raw.get("description") or "",
        "high_availability": as_bool((raw.get("high_availability") or {}).get("enabled", False)),
    }


def effective_config(vm):
    """What the VM will run with: its configuration with the pending next-run values applied."""
    config = {field: vm.get(field) for field in CONFIG_FIELDS}
    config.update({k: v for k, v in (vm.get("pending") or {}).items() if k in CONFIG_FIELDS})
    return config


def disk_of(attachment):
    disk = attachment.get("disk") or {}
    domains = listed(disk, "storage_domains", "storage_domain")
    return {
        "id": attachment.get("id"),
        "name": disk.get("alias") or disk.get("name"),
        "size": as_int(disk.get("provisioned_size")),
        "storage_domain": name_of(domains[0]) if domains else None,
        "interface": attachment.get("interface"),
        "format": disk.get("format"),
        "sparse": as_bool(disk.get("sparse", False)),
        "bootable": as_bool(attachment.get("bootable", False)),
        "active": as_bool(attachment.get("active", True)),
        "status": disk.get("status"),
    }


def nic_of(nic):
    profile = nic.get("vnic_profile") or {}
    return {
        "id": nic.get("id"),
        "name": nic.get("name"),
        "vnic_profile": name_of(profile),
        "network": name_of(profile.get("network")),
        "interface": nic.get("interface"),
        "mac_address": (nic.get("mac") or {}).get("address"),
        "linked": as_bool(nic.get("linked", True)),
        "plugged": as_bool(nic.get("plugged", True)),
    }


def initialization_of(raw):
    """The VM's persisted cloud-init / sysprep settings (the engine never returns the passwords)."""
    init = raw.get("initialization")
    if not isinstance(init, dict):
        return {}
    result = {key: init[key] for key in INITIALIZATION_FIELDS if init.get(key) not in (None, "")}
    nics = []
    for nic in listed(init, "nic_configurations", "nic_configuration"):
        ip = nic.get("ip") or {}
        nics.append({"name": nic.get("name"), "boot_protocol": nic.get("boot_protocol") or "none",
                     "ip": ip.get("address"), "netmask": ip.get("netmask"), "gateway": ip.get("gateway"),
                     "on_boot": as_bool(nic.get("on_boot", True))})
    if nics:
        result["nic_configurations"] = nics
    return result


def guest_addresses(raw):
    """The IPs the guest agent reports, in NIC order (IPv4 first within a device)."""
    ips = []
    for device in listed(raw, "reported_devices", "reported_device"):
        addresses = listed(device, "ips", "ip")
        for ip in sorted(addresses, key=lambda item: item.get("version") != "v4"):
            if ip.get("address") and ip["address"] not in ips:
                ips.append(ip["address"])
    return ips


def locked_disks(raw):
    """The names of the disks still locked (being created or resized) of a VM read with its disks followed."""
    return [attachment.get("disk", {}).get("name") for attachment in listed(raw, "disk_attachments", "disk_attachment")
            if attachment.get("disk", {}).get("status") == "locked"]


def describe_vm(vm):
    """What a wait last read in one line: 'status powering_up', with the disks still locked (a read that follows
    them) and, for a normalised VM that is up, the addresses its guest reports."""
    if not vm:
        return "no VM"
    text = "status %s" % vm.get("status")
    locked = locked_disks(vm)
    if locked:
        text += ", locked disks: %s" % ", ".join(locked)
    if "ips" in vm and vm.get("status") == "up":
        text += ", guest addresses: %s" % (", ".join(vm["ips"]) or "none reported yet")
    return text


def affinity_groups_of(raw):
    cluster = raw.get("cluster") or {}
    groups = []
    for group in listed(cluster, "affinity_groups", "affinity_group"):
        if any(vm.get("id") == raw.get("id") for vm in listed(group, "vms", "vm")):
            groups.append(group.get("name"))
    return sorted(groups)


def template_of(raw):
    """(template name, cloned): a VM cloned from a template records it as original_template, on Blank."""
    template, original = raw.get("template") or {}, raw.get("original_template") or {}
    if template.get("id") == BLANK_TEMPLATE_ID and original.get("id") not in (None, BLANK_TEMPLATE_ID):
        return name_of(original), True
    return name_of(template), False


def normalize(raw, host_names=None):
    """The dict every rhev_* plugin returns for a VM read with FOLLOW (all_content=true for initialization).
    host_names: {id: name} for the placement hosts (the VM representation only has their ids)."""
    if raw is None:
        return None
    template, cloned = template_of(raw)
    placement = raw.get("placement_policy") or {}
    vm = {
        "id": raw["id"],
        "name": raw.get("name"),
        "status": raw.get("status"),
        "cluster": name_of(raw.get("cluster")),
        "template": template,
        "clone": cloned,
        "host": name_of(raw.get("host")) if raw.get("status") != "down" else None,
    }
    vm.update(config_of(raw))
    vm.update({
        "next_run": as_bool(raw.get("next_run_configuration_exists", False)),
        "pending": {},
        "disks": sorted((disk_of(a) for a in listed(raw, "disk_attachments", "disk_attachment")),
                        key=lambda disk: (not disk["bootable"], disk["name"] or "")),
        "nics": sorted((nic_of(nic) for nic in listed(raw, "nics", "nic")), key=lambda nic: nic["name"] or ""),
        "initialization": initialization_of(raw),
        "placement_policy": placement.get("affinity") or "migratable",
        "placement_hosts": [(host_names or {}).get(host.get("id"), host.get("id"))
                            for host in listed(placement, "hosts", "host")],
        "affinity_groups": affinity_groups_of(raw),
        "tags": sorted(name_of(tag) for tag in listed(raw, "tags", "tag")),
        "fqdn": raw.get("fqdn") or None,
        "ips": guest_addresses(raw),
    })
    return vm


# -- power planning ----------------------------------------------------------------------------------
def power_actions(status, state):
    """The engine actions that take a VM in a stable `status` to `state` (present and absent change no power)."""
    if state == "running" or (state == "rebooted" and status != "up"):
        return ["start"] if status != "up" else []
    if state == "rebooted":
        return ["reboot"]
    if state == "stopped":
        return {"up": ["shutdown"], "suspended": ["stop"]}.get(status, [])
    if state == "suspended":
        return {"up": ["suspend"], "down": ["start", "suspend"]}.get(status, [])
    if state == "absent":
        return [] if status == "down" else ["stop"]
    return []


def predict(before, changes, actions, new_vm):
    """The VM as it will be after `changes` and `actions`: what check mode reports.

    Fields that need a restart become pending on a VM that is running and stays running without a reboot.
    """
    after = dict(before or new_vm)
    after["pending"] = dict(after.get("pending") or {})
    status = after.get("status") or "down"
    for action in actions:
        status = ACTION_TARGETS[action]
    live = before is not None and before["status"] != "down" and status != "down" and "reboot" not in actions
    for field, (dummy, wanted) in changes.items():
        if live and field in RESTART_FIELDS:
            after["pending"][field] = wanted
        else:
            after[field] = wanted
            after["pending"].pop(field, None)
    if not live:
        after.update(after["pending"])
        after["pending"] = {}
    after["pending"] = {k: v for k, v in after["pending"].items() if after.get(k) != v}
    after["next_run"] = bool(after["pending"])
    after["status"] = status
    return after
