# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What rhev_vm changes besides memory and CPUs: disks, NICs, cloud-init / sysprep, placement, affinity group
and tags. plan_*() compare the normalised VM with the options and return the steps to take (nothing is sent
here); every name they need is resolved and every refusal raised before the module changes anything."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.sizes import (
    MAX_DISK, human, parse_binary_size, unit_of,
)
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.vm import listed

CLOUD_INIT_FIELDS = ("host_name", "user_name", "authorized_ssh_keys", "dns_servers", "dns_search", "timezone",
                     "custom_script")
SYSPREP_FIELDS = ("host_name", "user_name", "domain", "timezone", "custom_script", "org_name", "active_directory_ou",
                  "input_locale", "ui_language", "system_locale")
NIC_CONFIG_FIELDS = ("name", "boot_protocol", "ip", "netmask", "gateway", "on_boot")


class Step(dict):
    """One change: kind (disk, nic, initialization, placement, affinity_group, tag), name, action, and what the
    client needs to send it (kept out of the result)."""

    def public(self):
        return {k: v for k, v in self.items() if not k.startswith("_")}


# -- disks -------------------------------------------------------------------------------------------
def plan_disks(current, wanted, running, default_domain, domain_names):
    """(steps, disks after) for the `disks` option. domain_names: the engine's storage domain names."""
    steps = []
    after = {disk["name"]: dict(disk) for disk in current}
    for index, spec in enumerate(wanted or []):
        option = "disks[%d]" % index
        have = after.get(spec["name"])
        if spec["state"] == "absent":
            if have:
                steps.append(Step(kind="disk", name=spec["name"], action="remove", _id=have["id"],
                                  _deactivate=running and have["active"]))
                del after[spec["name"]]
            continue
        size = parse_binary_size(spec.get("size"), option + ".size", MAX_DISK)
        if have is None:
            steps.append(new_disk_step(spec, option, size, default_domain, domain_names, after))
            continue
        update = {}
        if size is not None and size < have["size"]:
            raise OptionError(option + ".size", spec["size"], "is smaller than disk %s (%s): disks are never shrunk"
                              % (spec["name"], human(have["size"], unit_of(spec["size"]))))
        if size is not None and size > have["size"]:
            update["disk"] = {"provisioned_size": size}
        if spec.get("interface") and spec["interface"] != have["interface"]:
            if running and have["active"]:
                raise OptionError(option + ".interface", spec["interface"], "cannot be changed while disk %s is "
                                  "active on the running VM (the engine refuses it); stop the VM first" % spec["name"])
            update["interface"] = spec["interface"]
        if spec.get("bootable") is not None and spec["bootable"] != have["bootable"]:
            update["bootable"] = spec["bootable"]
        if update:
            action = "grow" if list(update) == ["disk"] else "update"
            steps.append(Step(kind="disk", name=spec["name"], action=action, _id=have["id"], _body=update,
                              size=human(size or have["size"], unit_of(spec.get("size")))))
            have.update(size=size or have["size"], interface=update.get("interface", have["interface"]),
                        bootable=update.get("bootable", have["bootable"]))
    return steps, sorted(after.values(), key=lambda disk: (not disk["bootable"], disk["name"] or ""))


def new_disk_step(spec, option, size, default_domain, domain_names, after):
    if size is None:
        raise OptionError(option + ".size", None, "is required to create disk %s" % spec["name"])
    domain = spec.get("storage_domain") or default_domain
    if not domain:
        raise OptionError(option + ".storage_domain", None, "is required to create disk %s (or set storage_domain)"
                          % spec["name"])
    if domain not in domain_names():
        raise OptionError(option + ".storage_domain", domain, "names no storage domain of the engine; disk %s cannot "
                          "be created" % spec["name"])
    disk_format = spec.get("format") or "cow"
    sparse = spec["sparse"] if spec.get("sparse") is not None else disk_format == "cow"
    interface = spec.get("interface") or "virtio_scsi"
    bootable = bool(spec.get("bootable"))
    body = {"interface": interface, "bootable": bootable, "active": True,
            "disk": {"name": spec["name"], "provisioned_size": size, "format": disk_format, "sparse": sparse,
                     "storage_domains": {"storage_domain": [{"name": domain}]}}}
    after[spec["name"]] = {"id": None, "name": spec["name"], "size": size, "storage_domain": domain,
                           "interface": interface, "format": disk_format, "sparse": sparse, "bootable": bootable,
                           "active": True, "status": "ok"}
    return Step(kind="disk", name=spec["name"], action="create", size=human(size, unit_of(spec["size"])),
                storage_domain=domain, _body=body)


# -- NICs --------------------------------------------------------------------------------------------
def plan_nics(current, wanted, running, profiles):
    """(steps, nics after) for the `nics` option. profiles() -> the vNIC profiles usable in the VM's cluster,
    each {id, name, network}."""
    steps = []
    after = {nic["name"]: dict(nic) for nic in current}
    for index, spec in enumerate(wanted or []):
        option = "nics[%d]" % index
        have = after.get(spec["name"])
        if spec["state"] == "absent":
            if have:
                steps.append(Step(kind="nic", name=spec["name"], action="remove", _id=have["id"]))
                del after[spec["name"]]
            continue
        if have is None:
            profile = resolve_profile(spec, option, profiles)
            body = {"name": spec["name"], "interface": spec.get("interface") or "virtio",
                    "vnic_profile": {"id": profile["id"]}, "linked": spec.get("linked", True) is not False}
            if spec.get("mac_address"):
                body["mac"] = {"address": spec["mac_address"]}
            after[spec["name"]] = {"id": None, "name": spec["name"], "vnic_profile": profile["name"],
                                   "network": profile["network"], "interface": body["interface"],
                                   "mac_address": spec.get("mac_address"), "linked": body["linked"], "plugged": True}
            steps.append(Step(kind="nic", name=spec["name"], action="create", network=profile["network"],
                              vnic_profile=profile["name"], _body=body))
            continue
        update, shown = nic_update(spec, option, have, running, profiles)
        if update:
            steps.append(Step(kind="nic", name=spec["name"], action="update", _id=have["id"], _body=update, **shown))
    return steps, sorted(after.values(), key=lambda nic: nic["name"] or "")


def nic_update(spec, option, have, running, profiles):
    update, shown = {}, {}
    wants_network = spec.get("network") and spec["network"] != have["network"]
    wants_profile = spec.get("vnic_profile") and spec["vnic_profile"] != have["vnic_profile"]
    if wants_network or wants_profile:
        profile = resolve_profile(spec, option, profiles)
        update["vnic_profile"] = {"id": profile["id"]}
        shown.update(network=profile["network"], vnic_profile=profile["name"])
        have.update(network=profile["network"], vnic_profile=profile["name"])
    if spec.get("interface") and spec["interface"] != have["interface"]:
        if running and have["plugged"]:
            raise OptionError(option + ".interface", spec["interface"], "cannot be changed while NIC %s is plugged "
                              "into the running VM (the engine refuses it); stop the VM first" % spec["name"])
        update["interface"] = shown["interface"] = have["interface"] = spec["interface"]
    if spec.get("mac_address") and spec["mac_address"].lower() != (have["mac_address"] or "").lower():
        update["mac"] = {"address": spec["mac_address"]}
        shown["mac_address"] = have["mac_address"] = spec["mac_address"]
    if spec.get("linked") is not None and spec["linked"] != have["linked"]:
        update["linked"] = shown["linked"] = have["linked"] = spec["linked"]
    return update, shown


def resolve_profile(spec, option, profiles):
    """The vNIC profile a NIC spec names: by vnic_profile (and network), or the profile of its network
    (the one named after the network when it has several)."""
    if not spec.get("network") and not spec.get("vnic_profile"):
        raise OptionError(option + ".network", None, "or vnic_profile is required to create NIC %s" % spec["name"])
    usable = profiles()
    if spec.get("vnic_profile"):
        found = [p for p in usable if p["name"] == spec["vnic_profile"]
                 and spec.get("network") in (None, p["network"])]
        if not found:
            raise OptionError(option + ".vnic_profile", spec["vnic_profile"], "names no vNIC profile%s usable in the "
                              "VM's cluster" % (" of network %s" % spec["network"] if spec.get("network") else ""))
        return found[0]
    found = sorted((p for p in usable if p["network"] == spec["network"]), key=lambda p: p["name"] != spec["network"])
    if not found:
        raise OptionError(option + ".network", spec["network"], "names no network of the VM's cluster (or it has no "
                          "vNIC profile)")
    return found[0]


def usable_profiles(all_profiles, cluster_networks):
    """The vNIC profiles (read with follow=network) whose network is attached to the cluster."""
    ids = {network.get("id") for network in cluster_networks}
    return [{"id": p["id"], "name": p.get("name"), "network": (p.get("network") or {}).get("name")}
            for p in all_profiles if (p.get("network") or {}).get("id") in ids]


# -- cloud-init / sysprep ------------------------------------------------------------------------------
def desired_initialization(params):
    """(kind, normalised settings to compare, engine body) from cloud_init or sysprep; (None, None, None)."""
    kind = "cloud_init" if params.get("cloud_init") else "sysprep" if params.get("sysprep") else None
    if kind is None:
        return None, None, None
    given = params[kind]
    fields = CLOUD_INIT_FIELDS if kind == "cloud_init" else SYSPREP_FIELDS
    wanted = {key: text_of(key, given.get(key)) for key in fields if given.get(key) not in (None, "", [])}
    if given.get("nic_configurations"):
        wanted["nic_configurations"] = [nic_configuration(kind, index, nic)
                                        for index, nic in enumerate(given["nic_configurations"])]
    body = {key: value for key, value in wanted.items() if key != "nic_configurations"}
    for secret in ("root_password", "windows_license_key"):
        if given.get(secret):
            body[secret] = given[secret]
    if wanted.get("nic_configurations"):
        body["nic_configurations"] = {"nic_configuration": [nic_body(nic) for nic in wanted["nic_configurations"]]}
    return kind, wanted, body


def text_of(key, value):
    """The engine keeps keys one per line and DNS servers space-separated; a list is accepted for both."""
    if isinstance(value, list):
        return ("\n" if key == "authorized_ssh_keys" else " ").join(str(item).strip() for item in value)
    return str(value).strip() if key != "custom_script" else str(value)


def nic_configuration(kind, index, nic):
    option = "%s.nic_configurations[%d]" % (kind, index)
    protocol = nic.get("boot_protocol") or ("static" if nic.get("ip") else "dhcp")
    if protocol == "static" and not (nic.get("ip") and nic.get("netmask")):
        raise OptionError(option + ".ip", nic.get("ip"), "and netmask are required with boot_protocol static")
    if protocol != "static" and (nic.get("ip") or nic.get("gateway")):
        raise OptionError(option + ".boot_protocol", protocol, "must be static when ip or gateway is given")
    return {"name": nic["name"], "boot_protocol": protocol, "ip": nic.get("ip"), "netmask": nic.get("netmask"),
            "gateway": nic.get("gateway"), "on_boot": nic.get("on_boot", True) is not False}


def nic_body(nic):
    body = {"name": nic["name"], "boot_protocol": nic["boot_protocol"], "on_boot": nic["on_boot"]}
    ip = {}
    for key, field in (("address", "ip"), ("netmask", "netmask"), ("gateway", "gateway")):
        if nic.get(field):
            ip[key] = nic[field]
    if ip:
        body["ip"] = ip
    return body


def plan_initialization(current, params):
    """(steps, initialization after, body for the VM's initialization or None)."""
    kind, wanted, body = desired_initialization(params)
    if kind is None:
        return [], current, None
    current = current or {}
    differs = sorted(key for key, value in wanted.items() if normal(key, current.get(key)) != normal(key, value))
    if not differs:
        return [], current, None
    after = dict(current)
    after.update(wanted)
    return [Step(kind="initialization", name=kind, action="update", fields=differs)], after, body


def normal(key, value):
    if key == "nic_configurations":
        return [{field: nic.get(field) for field in NIC_CONFIG_FIELDS} for nic in value or []]
    return (value or "").strip() if isinstance(value, str) else value


# -- placement, affinity group, tags --------------------------------------------------------------------
def plan_placement(vm, params, host_exists):
    """(steps, body for the VM's placement_policy or None)."""
    wanted_policy = params.get("placement_policy")
    wanted_hosts = [params["host"]] if params.get("host") else None
    if params.get("host") and not host_exists(params["host"]):
        raise OptionError("host", params["host"], "names no host of the engine")
    policy_differs = wanted_policy and wanted_policy != (vm or {}).get("placement_policy", "migratable")
    hosts_differ = wanted_hosts is not None and wanted_hosts != (vm or {}).get("placement_hosts", [])
    if not (policy_differs or hosts_differ):
        return [], None
    body = {"affinity": wanted_policy or (vm or {}).get("placement_policy") or "migratable"}
    if wanted_hosts is not None:
        body["hosts"] = {"host": [{"name": host} for host in wanted_hosts]}
    return [Step(kind="placement", name=body["affinity"], action="update", hosts=wanted_hosts)], body


def plan_affinity_group(vm_id, cluster_raw, wanted):
    """Steps for the VM's membership of `wanted` {name, positive, enforcing} in its cluster (created when missing)."""
    if not wanted:
        return []
    groups = {group.get("name"): group for group in listed(cluster_raw, "affinity_groups", "affinity_group")}
    group = groups.get(wanted["name"])
    rule = {"positive": wanted["positive"], "enforcing": wanted["enforcing"]}
    if group is None:
        return [Step(kind="affinity_group", name=wanted["name"], action="create", _body=dict(name=wanted["name"], **rule),
                     **rule), Step(kind="affinity_group", name=wanted["name"], action="add_vm")]
    steps = []
    current_rule = {key: str(group.get(key)).lower() == "true" for key in rule}
    if current_rule != rule:
        steps.append(Step(kind="affinity_group", name=wanted["name"], action="update", _id=group["id"], _body=rule, **rule))
    if vm_id is None or not any(member.get("id") == vm_id for member in listed(group, "vms", "vm")):
        steps.append(Step(kind="affinity_group", name=wanted["name"], action="add_vm", _id=group["id"]))
    return steps


def plan_tags(vm, wanted):
    have = set((vm or {}).get("tags") or [])
    return [Step(kind="tag", name=tag, action="add") for tag in wanted or [] if tag not in have]
