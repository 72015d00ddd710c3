"""A stateful oVirt / RHV engine (API v4) for the rhev_* modules, the inventory plugin, ovirtsdk4 and ovirt.ovirt.

One resource model, rendered as JSON (Accept: application/json) or XML (the default, what ovirtsdk4
speaks); request bodies are read as JSON or XML by their Content-Type.

Seeded, as the engine's own infrastructure (never VMs of a platform unless `sample_vms=True`): user
admin@internal / secret; data center Default; clusters Default and hadoop (each with its `data_center`
link); templates Blank (the all-zero id, no disk, no NIC) and centos7-hadoop (a 10 GiB cow disk, a NIC on
ovirtmgmt); hosts host1 and host2; storage domains data and fast-ssd; networks ovirtmgmt and hadoop-data,
each with a vNIC profile of the same name; tag hadoop. With sample_vms: hadoop-master (up, in hadoop) and
hadoop-worker-1 (down), which tests use.

Real behaviour modelled, from the oVirt API model (github oVirt/ovirt-engine-api-model, types/*.java and
services/*.java) and the engine's messages (AppErrors.properties):
- Auth: POST /ovirt-engine/sso/oauth/token (grant_type=password, scope=ovirt-app-api) gives a bearer token
  that expires after `token_lifetime` simulated seconds; POST /ovirt-engine/services/sso-logout revokes it;
  HTTP basic is accepted too. Bad credentials answer the SSO error body.
- VM statuses move over simulated time (DEFAULT_DURATIONS, set_durations): creation image_locked -> down
  (longer for clone=true, an independent copy of the template's disks); start down -> wait_for_launch ->
  powering_up -> up (from suspended: restoring_state -> up); shutdown/stop up -> powering_down -> down;
  suspend up -> saving_state -> suspended; reboot up -> reboot_in_progress -> up. An action that is
  illegal in the current status answers 409 with the engine's fault. A pending next-run configuration is
  applied when the VM goes down or reboots.
- `follow` (4.2+): GET /vms?follow=cluster,template,host,disk_attachments.disk,nics.vnic_profile,
  reported_devices,tags inlines linked entities and sub-collections, so one request reads a whole VM.
- Disks (types/Disk.java, DiskAttachment.java; services/DiskAttachmentsService.java): POST
  /vms/{id}/diskattachments creates a disk (provisioned_size, format cow|raw, sparse, storage_domains)
  and attaches it (interface, bootable, active); the disk is `locked` for `disk_locked` seconds, then `ok`;
  a VM does not start while a disk is locked. PUT .../diskattachments/{id} with disk.provisioned_size
  extends it (never shrinks: 409 "New disk size must be larger"); DELETE detaches only unless
  detach_only=false; an active disk of a running VM must be deactivated first. The attachment id is the
  disk id. A VM made from a template gets copies of the template's disks (thin, or cloned with
  clone=true, then `template` is Blank and `original_template` the source), on the storage domains given
  in the VM's disk_attachments for the template's disk ids.
- NICs (types/Nic.java, VnicProfile.java): POST /vms/{id}/nics (name, interface, vnic_profile by id, mac,
  linked); names and MACs unique; a plugged NIC of a running VM cannot change its interface (409).
- initialization (types/Initialization.java): persisted on the VM (POST/PUT), returned without
  root_password (the engine never returns passwords) and only with all_content=true; it is given to the
  guest at its first start, or at any start with use_cloud_init=true / use_sysprep=true (the start
  action's own vm.initialization, a run-once payload, wins and is not persisted).
- The guest agent (types/ReportedDevice.java, Vm.fqdn): `guest_agent` seconds after a VM is up, the VM
  has `fqdn` (cloud-init's host_name, else localhost.localdomain) and /vms/{id}/reporteddevices lists one
  network device per NIC (eth0, eth1... in NIC order) with its MAC and, when linked, its IPv4 address:
  the static one of the matching nic_configuration, none for boot_protocol none, else a DHCP lease in
  the network's subnet (ovirtmgmt 192.0.2.0/24, hadoop-data 198.51.100.0/24, others 203.0.113.0/24,
  documentation ranges: nothing is ever sent there). A VM without NICs reports nothing.
- Affinity groups (types/AffinityGroup.java, services/AffinityGroupVmsService.java) under
  /clusters/{id}/affinitygroups, with .../vms to add and remove members; an enforcing group constrains
  the host a start picks (positive: with running members, negative: away from them), and a start with no
  host left fails like the engine's scheduler. placement_policy (affinity, hosts) pins a VM to a host.
- GET /vms/{id}/numanodes (no vNUMA nodes: empty), tags (/tags, /vms/{id}/tags, search tag=...).

Test hooks (also over HTTP as POST /_sim/control/<name>): add_vm, answer_late, fail_next_start, ignore_shutdown,
set_durations, set_token_lifetime, vm_by_name (read only), guest_of (read only).
"""

import base64
import datetime
import itertools
import re
import time
import uuid
import xml.etree.ElementTree as ET
from urllib.parse import parse_qs

from simulators.framework import HttpError, Response, Simulator, Timeline, route

API = "/ovirt-engine/api"
BLANK_ID = "00000000-0000-0000-0000-000000000000"
GIB = 1024 ** 3
DEFAULT_DURATIONS = {
    "image_locked": 3.0, "wait_for_launch": 2.0, "powering_up": 3.0, "powering_down": 3.0, "stop": 1.0,
    "saving_state": 3.0, "restoring_state": 3.0, "reboot_in_progress": 3.0,
    "clone": 6.0, "disk_locked": 2.0, "guest_agent": 4.0,
}
RUNNING = ("wait_for_launch", "powering_up", "up", "powering_down", "reboot_in_progress", "saving_state",
           "restoring_state")
# Fields the engine cannot change on a running VM: they go to the next-run configuration.
NEXT_RUN_FIELDS = ("memory", "guaranteed", "sockets", "cores", "threads", "os_type")
# Longs are JSON numbers in the engine's JSON; other scalars are strings ("1", "true").
JSON_NUMBERS = frozenset(["memory", "guaranteed", "max", "creation_time", "start_time", "stop_time",
                          "provisioned_size", "actual_size", "total_size", "available", "used"])
# Dates are milliseconds since the epoch in JSON and ISO 8601 in XML.
DATES = frozenset(["creation_time", "start_time", "stop_time"])
VM_ACTIONS = ("start", "stop", "shutdown", "suspend", "reboot")
# Sub-collections of a VM: URL segment -> (element name, the attribute `follow` names it by).
VM_SUBS = {"nics": ("nic", "nics"), "diskattachments": ("disk_attachment", "disk_attachments"),
           "reporteddevices": ("reported_device", "reported_devices"), "numanodes": ("vm_numa_node", "numa_nodes"),
           "tags": ("tag", "tags")}
# Top-level collections: URL segment -> element name.
KINDS = {"clusters": "cluster", "templates": "template", "hosts": "host", "datacenters": "data_center",
         "storagedomains": "storage_domain", "networks": "network", "vnicprofiles": "vnic_profile",
         "disks": "disk", "tags": "tag", "vms": "vm"}
SUBNETS = {"ovirtmgmt": "192.0.2", "hadoop-data": "198.51.100"}
OTHER_SUBNET = "203.0.113"
INIT_TEXT_FIELDS = ("host_name", "user_name", "root_password", "authorized_ssh_keys", "dns_servers", "dns_search",
                    "timezone", "custom_script", "domain", "org_name", "windows_license_key", "active_directory_ou",
                    "input_locale", "ui_language", "system_locale", "regenerate_ssh_keys")


def as_int(value):
    return None if value is None else int(value)


def as_bool(value):
    return value if isinstance(value, bool) else str(value).lower() == "true"


def items_of(tree, outer, inner):
    """The list under {outer: {inner: [...]}} of a request body (XML gives one child as a dict, not a list)."""
    found = ((tree or {}).get(outer) or {})
    found = found.get(inner) if isinstance(found, dict) else found
    if found in (None, ""):
        return []
    return found if isinstance(found, list) else [found]


def xml_to_tree(element):
    """An XML element as the JSON rendering would have it: attributes and children as keys, repeated
    children as lists, leaves as text."""
    children = list(element)
    if not children and not element.attrib:
        return (element.text or "").strip()
    tree = dict(element.attrib)
    for child in children:
        value = xml_to_tree(child)
        if child.tag in tree:
            if not isinstance(tree[child.tag], list):
                tree[child.tag] = [tree[child.tag]]
            tree[child.tag].append(value)
        else:
            tree[child.tag] = value
    return tree


def json_scalar(key, value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) and key not in JSON_NUMBERS:
        return str(value)
    return value


def to_json(tree, key=None):
    if isinstance(tree, dict):
        return {k: to_json(v, k) for k, v in tree.items() if v is not None}
    if isinstance(tree, list):
        return [to_json(item, key) for item in tree]
    return json_scalar(key, tree)


def to_xml(tag, tree, parent=None):
    """tree rendered under <tag>: id/href/rel become attributes, a list repeats the element."""
    if isinstance(tree, list):
        for item in tree:
            to_xml(tag, item, parent)
        return parent
    element = ET.Element(tag) if parent is None else ET.SubElement(parent, tag)
    if isinstance(tree, dict):
        for key, value in tree.items():
            if value is None:
                continue
            if key in ("id", "href", "rel"):
                element.set(key, str(value))
            else:
                to_xml(key, value, element)
    elif tag in DATES:
        element.text = datetime.datetime.fromtimestamp(tree / 1000.0, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"
    else:
        element.text = json_scalar(tag, tree) if isinstance(tree, bool) else str(tree)
    return element


class RhevSimulator(Simulator):
    name = "rhev"

    def __init__(self, speed=1.0, users=None, seed=True, sample_vms=False):
        super().__init__(speed)
        self.users = dict(users or {"admin@internal": "secret"})
        self.durations = dict(DEFAULT_DURATIONS)
        self.token_lifetime = 3600.0
        self.tokens = {}
        self.revoked = []
        self.start_failures = []
        self.ignoring_shutdown = set()
        self.host_cycle = None
        self.mac_counter = itertools.count(1)
        self.clusters, self.templates, self.hosts, self.vms = {}, {}, {}, {}
        self.datacenters, self.storagedomains, self.networks, self.vnicprofiles = {}, {}, {}, {}
        self.disks, self.tags = {}, {}
        self.late_answers = []
        if seed:
            self.seed()
        if sample_vms:
            self.seed_sample_vms()

    # -- fixture data ----------------------------------------------------------------------------
    def seed(self):
        """The engine's own infrastructure: what exists before anyone creates a VM."""
        dc = self.new_id()
        self.datacenters[dc] = {"name": "Default", "description": "The default Data Center", "status": "up"}
        for name in ("Default", "hadoop"):
            self.clusters[self.new_id()] = {"name": name, "description": "%s cluster" % name, "data_center_id": dc,
                                            "affinity_groups": {}}
        for name, free in (("data", 2048), ("fast-ssd", 512)):
            self.storagedomains[self.new_id()] = {"name": name, "type": "data", "available": free * GIB,
                                                  "used": 100 * GIB, "data_center_id": dc}
        for name in ("ovirtmgmt", "hadoop-data"):
            network = self.new_id()
            self.networks[network] = {"name": name, "description": "%s network" % name, "data_center_id": dc}
            self.vnicprofiles[self.new_id()] = {"name": name, "network_id": network}
        data = self.find(self.storagedomains, "data")
        self.templates[BLANK_ID] = {"name": "Blank", "description": "Blank template", "memory": GIB,
                                    "disks": [], "nics": []}
        self.templates[self.new_id()] = {
            "name": "centos7-hadoop", "description": "CentOS 7 for Hadoop nodes", "memory": 4 * GIB,
            "os_type": "rhel_7x64", "data_center_id": dc,
            "disks": [{"id": self.new_id(), "name": "centos7-hadoop_Disk1", "size": 10 * GIB, "format": "cow",
                       "storage_domain_id": data, "interface": "virtio_scsi"}],
            "nics": [{"name": "nic1", "interface": "virtio", "profile": "ovirtmgmt"}],
        }
        for name in ("host1", "host2"):
            self.hosts[self.new_id()] = {"name": name, "status": "up", "address": name + ".example.com"}
        self.tags[self.new_id()] = {"name": "hadoop", "description": "Hadoop nodes"}

    def seed_sample_vms(self):
        self.add_vm("hadoop-master", status="up", cluster="hadoop", template="centos7-hadoop", memory=8 * GIB,
                    cores=4, description="Hadoop master")
        self.add_vm("hadoop-worker-1", status="down", cluster="hadoop", template="centos7-hadoop")

    @staticmethod
    def new_id():
        return str(uuid.uuid4())

    def next_host(self, candidates=None):
        if self.host_cycle is None:
            self.host_cycle = itertools.cycle(sorted(self.hosts, key=lambda i: self.hosts[i]["name"]) or [None])
        for dummy in range(len(self.hosts) or 1):
            host = next(self.host_cycle)
            if candidates is None or host in candidates:
                return host
        return None

    @staticmethod
    def find(collection, name):
        for identifier, item in collection.items():
            if item["name"] == name:
                return identifier
        return None

    def next_mac(self):
        number = next(self.mac_counter)
        return "56:6f:1a:%02x:%02x:%02x" % ((number >> 16) & 255, (number >> 8) & 255, number & 255)

    def add_vm(self, name, status="down", cluster="Default", template="Blank", memory=None, cores=1,
               description="", disk_domains=None, clone=False, **fields):
        """A VM in `status` now (image_locked moves on to down; the others stay), with copies of its
        template's disks (on disk_domains[template disk id] when given) and NICs."""
        template_id = self.find(self.templates, template)
        source = self.templates[template_id]
        vm = {
            "name": name, "description": description, "cluster_id": self.find(self.clusters, cluster),
            "template_id": BLANK_ID if clone else template_id, "original_template_id": template_id,
            "memory": memory or source["memory"], "guaranteed": None, "sockets": 1, "cores": cores, "threads": 1,
            "os_type": source.get("os_type", "other"), "ha": False, "host_id": None,
            "next_run": None, "creation_time": int(time.time() * 1000), "initialization": None,
            "initialized": False, "placement": {"affinity": "migratable", "hosts": []}, "tag_ids": [],
            "attachments": {}, "nics": {}, "booted_with": None, "up_since": None,
        }
        vm.update(fields)
        vm["guaranteed"] = vm["guaranteed"] or vm["memory"]
        identifier = self.new_id()
        self.vms[identifier] = vm
        locked = self.durations["clone" if clone else "image_locked"]
        for disk in source["disks"]:
            domain = (disk_domains or {}).get(disk["id"]) or disk["storage_domain_id"]
            copy = self.new_disk(disk["name"], disk["size"], "raw" if clone and disk["format"] == "raw" else "cow",
                                 not clone or disk["format"] == "cow", domain, locked if status == "image_locked" else 0)
            vm["attachments"][copy] = {"interface": disk["interface"], "bootable": True, "active": True}
        for nic in source["nics"]:
            self.new_nic(vm, nic["name"], nic["interface"], self.find(self.vnicprofiles, nic["profile"]))
        if status == "image_locked":
            self.move(vm, [("image_locked", locked), ("down", 0)])
        else:
            self.move(vm, [(status, 0)])
            if status == "up":
                vm["booted_with"] = vm["initialization"]
        return identifier

    def new_disk(self, name, size, disk_format, sparse, domain, locked_for):
        identifier = self.new_id()
        self.disks[identifier] = {
            "name": name, "provisioned_size": size, "format": disk_format, "sparse": sparse,
            "storage_domain_id": domain, "timeline": Timeline([("locked", locked_for), ("ok", 0)], self.now()),
        }
        return identifier

    def new_nic(self, vm, name, interface, profile_id, mac=None, linked=True):
        identifier = self.new_id()
        vm["nics"][identifier] = {"name": name, "interface": interface, "vnic_profile_id": profile_id,
                                  "mac": mac or self.next_mac(), "linked": linked, "plugged": True}
        return identifier

    # -- time --------------------------------------------------------------------------------------
    def move(self, vm, stages, apply_next_run_after=None):
        vm["timeline"] = Timeline(stages, self.now())
        vm["apply_at"] = None if apply_next_run_after is None else self.now() + apply_next_run_after
        last = stages[-1][0]
        if last in ("up", "suspended") or stages[0][0] in RUNNING:
            vm["host_id"] = vm["host_id"] or self.next_host()
        if last == "up":
            vm["up_since"] = self.now() + sum(duration for dummy, duration in stages[:-1])

    def status(self, vm):
        status = vm["timeline"].at(self.now())[0]
        if vm["apply_at"] is not None and self.now() >= vm["apply_at"]:
            vm.update(vm["next_run"] or {})
            vm["next_run"], vm["apply_at"] = None, None
        if status == "down":
            vm["host_id"] = None
            vm["booted_with"] = None
        return status

    def disk_status(self, disk):
        return disk["timeline"].at(self.now())[0]

    def guest_ready(self, vm):
        """The guest agent reports once the VM has been up for guest_agent seconds (and it has a NIC)."""
        return (self.status(vm) == "up" and bool(vm["nics"]) and vm["up_since"] is not None
                and self.now() >= vm["up_since"] + self.durations["guest_agent"])

    # -- rendering ---------------------------------------------------------------------------------
    def respond(self, request, tag, tree, status=200):
        if "json" in (request.headers.get("Accept") or ""):
            return Response(status, to_json(tree))
        body = ET.tostring(to_xml(tag, tree), encoding="unicode")
        return Response(status, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + body,
                        content_type="application/xml")

    def collection(self, request, tag, items):
        return self.respond(request, tag + "s", {tag: items} if items else {})

    def fault(self, request, status, detail, reason="Operation Failed"):
        """Answer with the engine's fault body, in the client's format."""
        error = HttpError(status)
        error.response = self.respond(request, "fault", {"reason": reason, "detail": detail}, status)
        raise error

    def error_body(self, status, message):
        return {"reason": "Operation Failed", "detail": message}

    @staticmethod
    def ref(kind, identifier):
        return {"href": "%s/%s/%s" % (API, kind, identifier), "id": identifier} if identifier else None

    def vm_tree(self, identifier, vm, next_run=False, all_content=False):
        status = self.status(vm)
        config = dict(vm, **(vm["next_run"] or {})) if next_run else vm
        href = "%s/vms/%s" % (API, identifier)
        placement = {"affinity": config["placement"]["affinity"]}
        if config["placement"]["hosts"]:
            placement["hosts"] = {"host": [self.ref("hosts", host) for host in config["placement"]["hosts"]]}
        tree = {
            "href": href, "id": identifier,
            "actions": {"link": [{"href": "%s/%s" % (href, a), "rel": a} for a in VM_ACTIONS]},
            "name": config["name"], "description": config["description"],
            "cpu": {"topology": {"cores": config["cores"], "sockets": config["sockets"], "threads": config["threads"]},
                    "architecture": "x86_64"},
            "creation_time": config["creation_time"],
            "fqdn": self.guest_fqdn(vm) if self.guest_ready(vm) else None,
            "high_availability": {"enabled": config["ha"], "priority": 1},
            "memory": config["memory"],
            "memory_policy": {"guaranteed": config["guaranteed"], "max": 4 * config["memory"], "ballooning": True},
            "next_run_configuration_exists": bool(vm["next_run"]),
            "os": {"type": config["os_type"]},
            "placement_policy": placement,
            "status": status,
            "stateless": False,
            "type": "server",
            "cluster": self.ref("clusters", config["cluster_id"]),
            "host": self.ref("hosts", vm["host_id"]) if status != "down" else None,
            "template": self.ref("templates", config["template_id"]),
            "original_template": self.ref("templates", config["original_template_id"]),
            "link": [{"href": "%s/%s" % (href, sub), "rel": sub} for sub in VM_SUBS],
        }
        if all_content and config["initialization"]:
            tree["initialization"] = self.initialization_tree(config["initialization"])
        return tree

    @staticmethod
    def initialization_tree(init):
        tree = {key: value for key, value in init.items() if key not in ("root_password", "nic_configurations")}
        if init.get("nic_configurations"):
            tree["nic_configurations"] = {"nic_configuration": [dict(nic) for nic in init["nic_configurations"]]}
        return tree

    def disk_tree(self, identifier, disk):
        return {
            "href": "%s/disks/%s" % (API, identifier), "id": identifier, "name": disk["name"], "alias": disk["name"],
            "provisioned_size": disk["provisioned_size"], "actual_size": disk["provisioned_size"] // 10,
            "total_size": disk["provisioned_size"] // 10, "format": disk["format"], "sparse": disk["sparse"],
            "status": self.disk_status(disk), "content_type": "data", "storage_type": "image", "shareable": False,
            "storage_domains": {"storage_domain": [self.ref("storagedomains", disk["storage_domain_id"])]},
        }

    def attachment_tree(self, vm_id, disk_id, attachment):
        return {"href": "%s/vms/%s/diskattachments/%s" % (API, vm_id, disk_id), "id": disk_id,
                "active": attachment["active"], "bootable": attachment["bootable"],
                "interface": attachment["interface"], "pass_discard": False, "read_only": False,
                "uses_scsi_reservation": False, "disk": self.ref("disks", disk_id), "vm": self.ref("vms", vm_id)}

    def nic_tree(self, vm_id, nic_id, nic):
        return {"href": "%s/vms/%s/nics/%s" % (API, vm_id, nic_id), "id": nic_id, "name": nic["name"],
                "interface": nic["interface"], "linked": nic["linked"], "plugged": nic["plugged"],
                "mac": {"address": nic["mac"]}, "vnic_profile": self.ref("vnicprofiles", nic["vnic_profile_id"]),
                "vm": self.ref("vms", vm_id)}

    def sub_items(self, vm_id, vm, sub):
        """The items of a VM's sub-collection, as trees."""
        if sub == "nics":
            return [self.nic_tree(vm_id, i, nic) for i, nic in vm["nics"].items()]
        if sub == "diskattachments":
            return [self.attachment_tree(vm_id, i, a) for i, a in vm["attachments"].items()]
        if sub == "reporteddevices":
            return self.reported_devices(vm_id, vm) if self.guest_ready(vm) else []
        if sub == "tags":
            return [self.simple_tree("tags", tag, self.tags[tag]) for tag in vm["tag_ids"]]
        return []  # numanodes: no vNUMA nodes are defined

    def linked_items(self, kind, identifier, sub):
        """(element name, item trees) of the sub-collection a link of a VM or cluster points to."""
        if kind == "vms":
            return VM_SUBS[sub][0], self.sub_items(identifier, self.vms[identifier], sub)
        if kind == "templates":
            return self.template_items(identifier, sub)
        cluster = self.clusters[identifier]
        if sub == "affinitygroups":
            return "affinity_group", [self.group_tree(identifier, g, group) for g, group in cluster["affinity_groups"].items()]
        return "network", [self.simple_tree("networks", n, network) for n, network in self.networks.items()
                           if network["data_center_id"] == cluster["data_center_id"]]

    def template_items(self, identifier, sub):
        template = self.templates[identifier]
        href = "%s/templates/%s/%s/" % (API, identifier, sub)
        if sub == "diskattachments":
            return "disk_attachment", [
                {"href": href + disk["id"], "id": disk["id"], "bootable": True, "interface": disk["interface"],
                 "active": True, "template": self.ref("templates", identifier),
                 "disk": {"id": disk["id"], "name": disk["name"], "alias": disk["name"], "format": disk["format"],
                          "provisioned_size": disk["size"],
                          "storage_domains": {"storage_domain": [self.ref("storagedomains", disk["storage_domain_id"])]}}}
                for disk in template["disks"]]
        return "nic", [{"href": href + str(index), "id": str(index), "name": nic["name"], "interface": nic["interface"],
                        "vnic_profile": self.ref("vnicprofiles", self.find(self.vnicprofiles, nic["profile"]))}
                       for index, nic in enumerate(template["nics"])]

    @route("GET", API + "/templates/{identifier}/{sub}")
    def template_subcollection(self, request, identifier, sub):
        self.authorize(request)
        self.lookup(request, "templates", identifier)
        if sub not in ("diskattachments", "nics"):
            self.fault(request, 404, "Entity not found: %s" % sub, reason="Not Found")
        element, items = self.template_items(identifier, sub)
        return self.collection(request, element, items)

    def simple_tree(self, kind, identifier, item):
        tree = {"href": "%s/%s/%s" % (API, kind, identifier), "id": identifier}
        tree.update({k: v for k, v in item.items()
                     if k in ("name", "description", "status", "address", "memory", "type", "available", "used")})
        if kind == "clusters":
            tree["data_center"] = self.ref("datacenters", item["data_center_id"])
            tree["link"] = [{"href": "%s/clusters/%s/%s" % (API, identifier, rel), "rel": rel}
                            for rel in ("affinitygroups", "networks")]
        if kind in ("networks", "storagedomains") and item.get("data_center_id"):
            key = "data_center" if kind == "networks" else "data_centers"
            dc = self.ref("datacenters", item["data_center_id"])
            tree[key] = dc if kind == "networks" else {"data_center": [dc]}
        if kind == "vnicprofiles":
            tree["network"] = self.ref("networks", item["network_id"])
            tree["pass_through"] = {"mode": "disabled"}
        if kind == "templates":
            tree["link"] = [{"href": "%s/templates/%s/%s" % (API, identifier, rel), "rel": rel}
                            for rel in ("diskattachments", "nics")]
            tree["os"] = {"type": item.get("os_type", "other")}
            tree["status"] = "ok"
            tree["version"] = {"version_number": 1, "version_name": "base version",
                               "base_template": self.ref("templates", identifier)}
            tree["cluster"] = None if identifier == BLANK_ID else self.ref("clusters", self.find(self.clusters, "hadoop"))
        if kind == "disks":
            return self.disk_tree(identifier, item)
        return tree

    def tree_of(self, request, kind, identifier):
        """The full tree of a top-level entity (404 when there is none)."""
        if kind == "vms":
            return self.vm_tree(identifier, self.lookup(request, "vms", identifier),
                                as_bool(request.arg("next_run", "false")), as_bool(request.arg("all_content", "false")))
        return self.simple_tree(kind, identifier, self.lookup(request, kind, identifier))

    def follow(self, request, tree, paths):
        """Inline what `follow` names: a reference becomes its entity, a link rel its sub-collection."""
        for path in paths:
            self.follow_path(request, tree, path.split("."))
        return tree

    def follow_path(self, request, tree, segments):
        head, rest = segments[0], segments[1:]
        links = {link["rel"].replace("_", ""): link["href"] for link in tree.get("link", [])}
        if head not in tree and head.replace("_", "") in links:
            kind, identifier, sub = links[head.replace("_", "")][len(API) + 1:].split("/")
            element, items = self.linked_items(kind, identifier, sub)
            tree[head] = {element: items}
        value = tree.get(head)
        targets = []
        if isinstance(value, dict) and "href" in value and len(value) <= 2:
            kind, identifier = value["href"][len(API) + 1:].split("/")[:2]
            tree[head] = value = self.tree_of(request, kind, identifier)
            targets = [value]
        elif isinstance(value, dict):  # a collection {element: [items]}
            for element, items in list(value.items()):
                items = items if isinstance(items, list) else [items]
                for position, item in enumerate(items):
                    if isinstance(item, dict) and "href" in item and len(item) <= 2:
                        kind, identifier = item["href"][len(API) + 1:].split("/")[:2]
                        items[position] = self.tree_of(request, kind, identifier)
                value[element] = items
                targets.extend(items)
        if rest:
            for target in targets:
                if isinstance(target, dict):
                    if "link" in target or rest[0] in target:
                        self.follow_path(request, target, rest)

    # -- the guest -----------------------------------------------------------------------------------
    def guest_fqdn(self, vm):
        return (vm["booted_with"] or {}).get("host_name") or "localhost.localdomain"

    def reported_devices(self, vm_id, vm):
        configs = {nic.get("name"): nic for nic in (vm["booted_with"] or {}).get("nic_configurations") or []}
        devices = []
        for index, (nic_id, nic) in enumerate(vm["nics"].items()):
            device_name = "eth%d" % index
            device = {"href": "%s/vms/%s/reporteddevices/%s" % (API, vm_id, nic_id), "id": nic_id,
                      "name": device_name, "type": "network", "mac": {"address": nic["mac"]}, "vm": self.ref("vms", vm_id)}
            address = self.guest_address(nic, configs.get(device_name) or {})
            if address:
                device["ips"] = {"ip": [{"address": address, "version": "v4"}]}
            devices.append(device)
        return devices

    def guest_address(self, nic, config):
        if not nic["linked"] or not nic["plugged"] or config.get("boot_protocol") == "none":
            return None
        if config.get("boot_protocol") == "static":
            return (config.get("ip") or {}).get("address")
        network = self.networks[self.vnicprofiles[nic["vnic_profile_id"]]["network_id"]]["name"]
        octets = [int(part, 16) for part in nic["mac"].split(":")[3:]]
        return "%s.%d" % (SUBNETS.get(network, OTHER_SUBNET), 2 + (octets[1] * 256 + octets[2]) % 250)

    # -- auth --------------------------------------------------------------------------------------
    @staticmethod
    def form(request):
        values = parse_qs(request.text())
        values.update(request.query)
        return {key: items[0] for key, items in values.items()}

    @route("POST", "/ovirt-engine/sso/oauth/token")
    def sso_token(self, request):
        form = self.form(request)
        username = form.get("username", "")
        if form.get("grant_type") != "password" or form.get("scope") != "ovirt-app-api":
            raise HttpError(400, {"error_code": "invalid_request",
                                  "error": "The request is missing grant_type=password or scope=ovirt-app-api."})
        if self.users.get(username) is None or self.users[username] != form.get("password"):
            raise HttpError(400, {"error_code": "access_denied",
                                  "error": "Cannot authenticate user '%s': The username or password is incorrect.." % username})
        token = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode("ascii").rstrip("=")
        expires = self.now() + self.token_lifetime
        self.tokens[token] = (username, expires)
        return {"access_token": token, "scope": "ovirt-app-api", "exp": str(int(expires * 1000)), "token_type": "bearer"}

    @route("POST", "/ovirt-engine/services/sso-logout")
    def sso_logout(self, request):
        token = self.form(request).get("token")
        if self.tokens.pop(token, None) is not None:
            self.revoked.append(token)
        return {}

    def authorize(self, request):
        header = request.headers.get("Authorization") or ""
        kind, dummy, credentials = header.partition(" ")
        if kind.lower() == "bearer":
            username, expires = self.tokens.get(credentials, (None, 0))
            if username and self.now() < expires:
                return
        elif kind.lower() == "basic":
            username, dummy, password = base64.b64decode(credentials).decode("utf-8").partition(":")
            if self.users.get(username) == password:
                return
        error = HttpError(401)
        error.response = Response(401, "<html><head><title>Error</title></head><body>Unauthorized</body></html>",
                                  {"WWW-Authenticate": 'Bearer realm="RESTAPI"'}, content_type="text/html")
        raise error

    # -- read-only collections ---------------------------------------------------------------------
    @route("GET", API)
    def api_root(self, request):
        self.authorize(request)
        links = [{"href": "%s/%s" % (API, rel), "rel": rel} for rel in sorted(KINDS)]
        return self.respond(request, "api", {
            "link": links,
            "product_info": {"name": "oVirt Engine", "vendor": "ovirt.org",
                             "version": {"build": 6, "full_version": "4.5.6-1.el9", "major": 4, "minor": 5,
                                         "revision": 0}},
            "summary": {"vms": {"active": sum(1 for vm in self.vms.values() if self.status(vm) == "up"),
                                "total": len(self.vms)}},
        })

    def search(self, request, items, describe):
        """The engine's search: 'field=value' clauses joined by 'and', '*' wildcards, case-insensitive."""
        query = request.arg("search")
        selected = []
        for identifier, item in items.items():
            tree = describe(identifier, item)
            if not query or all(self.clause_matches(clause, tree, item) for clause in self.clauses(query)):
                selected.append(tree)
        selected.sort(key=lambda tree: tree["name"])
        limit = request.arg("max")
        return selected[:int(limit)] if limit not in (None, "", "-1") else selected

    @staticmethod
    def clauses(query):
        parts = [part.strip() for part in re.split(r"\s+and\s+", query, flags=re.IGNORECASE)]
        return [part.partition("=")[::2] for part in parts if part]

    def clause_matches(self, clause, tree, item):
        field, wanted = clause[0].strip().lower(), clause[1].strip().strip('"')
        values = [tree.get(field)]
        if field == "cluster" and tree.get("cluster"):
            values = [self.clusters[tree["cluster"]["id"]]["name"]]
        elif field == "tag":
            values = [self.tags[tag]["name"] for tag in item.get("tag_ids", [])]
        elif field == "datacenter":
            values = [self.datacenters[dc]["name"] for dc in self.data_centers_of(item)]
        pattern = "^%s$" % ".*".join(re.escape(part) for part in wanted.split("*"))
        return any(value is not None and re.match(pattern, str(value), re.IGNORECASE) for value in values)

    def data_centers_of(self, item):
        """The data centers an entity is in: its own, its cluster's, or all of them (the Blank template)."""
        if item.get("data_center_id"):
            return [item["data_center_id"]]
        if item.get("cluster_id"):
            return [self.clusters[item["cluster_id"]]["data_center_id"]]
        return list(self.datacenters)

    def lookup(self, request, kind, identifier):
        collection = getattr(self, kind)
        if identifier not in collection:
            self.fault(request, 404, "Entity not found: %s" % identifier, reason="Not Found")
        return collection[identifier]

    def follows(self, request):
        return [path for path in (request.arg("follow") or "").split(",") if path.strip()]

    @route("GET", API + "/{kind}")
    def list_kind(self, request, kind):
        self.authorize(request)
        if kind not in KINDS:
            self.fault(request, 404, "Entity not found: %s" % kind, reason="Not Found")
        all_content = as_bool(request.arg("all_content", "false"))
        describe = ((lambda i, vm: self.vm_tree(i, vm, all_content=all_content)) if kind == "vms"
                    else (lambda i, item: self.simple_tree(kind, i, item)))
        found = self.search(request, getattr(self, kind), describe)
        for tree in found:
            self.follow(request, tree, self.follows(request))
        return self.collection(request, KINDS[kind], found)

    @route("GET", API + "/{kind}/{identifier}")
    def get_one(self, request, kind, identifier):
        self.authorize(request)
        if kind not in KINDS:
            self.fault(request, 404, "Entity not found: %s" % kind, reason="Not Found")
        tree = self.tree_of(request, kind, identifier)
        return self.respond(request, KINDS[kind], self.follow(request, tree, self.follows(request)))

    # -- VMs ---------------------------------------------------------------------------------------
    def read_body(self, request):
        if "xml" in (request.headers.get("Content-Type") or ""):
            try:
                tree = xml_to_tree(ET.fromstring(request.body))
            except ET.ParseError:
                self.fault(request, 400, "Request body is not valid XML", reason="Bad Request")
            return tree if isinstance(tree, dict) else {}  # <action/> is an empty action
        return request.json() or {}

    def resolve(self, request, kind, ref, what):
        """A {id} or {name} reference -> id (the engine answers 404 otherwise)."""
        collection = getattr(self, kind)
        ref = ref if isinstance(ref, dict) else {}
        if ref.get("id") in collection:
            return ref["id"]
        identifier = self.find(collection, ref.get("name")) if ref.get("name") else None
        if identifier is None:
            self.fault(request, 404, "Entity not found: %s: %s" % (what, ref.get("name") or ref.get("id")))
        return identifier

    @staticmethod
    def fields_from(body):
        topology = (body.get("cpu") or {}).get("topology") or {}
        fields = {
            "name": body.get("name"), "description": body.get("description"),
            "memory": as_int(body.get("memory")),
            "guaranteed": as_int((body.get("memory_policy") or {}).get("guaranteed")),
            "sockets": as_int(topology.get("sockets")), "cores": as_int(topology.get("cores")),
            "threads": as_int(topology.get("threads")), "os_type": (body.get("os") or {}).get("type"),
            "ha": None if "high_availability" not in body else as_bool(body["high_availability"].get("enabled")),
        }
        return {key: value for key, value in fields.items() if value is not None}

    @staticmethod
    def initialization_from(body, current=None):
        """The engine merges the initialization it is given into the VM's (fields not given are kept)."""
        given = body.get("initialization")
        if not isinstance(given, dict):
            return current
        init = dict(current or {})
        init.update({key: str(given[key]) for key in INIT_TEXT_FIELDS if given.get(key) not in (None, "")})
        if "nic_configurations" in given:
            init["nic_configurations"] = []
            for nic in items_of(given, "nic_configurations", "nic_configuration"):
                config = {"name": nic.get("name"), "boot_protocol": nic.get("boot_protocol") or "none",
                          "on_boot": as_bool(nic.get("on_boot", True))}
                if isinstance(nic.get("ip"), dict):
                    config["ip"] = {k: v for k, v in nic["ip"].items() if k in ("address", "netmask", "gateway")}
                init["nic_configurations"].append(config)
        return init

    def placement_from(self, request, body, current):
        given = body.get("placement_policy")
        if not isinstance(given, dict):
            return current
        placement = dict(current)
        if given.get("affinity"):
            if given["affinity"] not in ("migratable", "user_migratable", "pinned"):
                self.fault(request, 400, "Invalid value '%s' for placement_policy.affinity" % given["affinity"],
                           reason="Invalid value")
            placement["affinity"] = given["affinity"]
        if "hosts" in given:
            placement["hosts"] = [self.resolve(request, "hosts", host, "Host")
                                  for host in items_of(given, "hosts", "host")]
        return placement

    def check_memory(self, request, action, config):
        if config["guaranteed"] > config["memory"]:
            self.fault(request, 400, "[Cannot %s VM. Physical Memory Guaranteed cannot exceed Memory Size.]" % action)

    @route("POST", API + "/vms")
    def add_vm_request(self, request):
        self.authorize(request)
        body = self.read_body(request)
        for required in ("name", "cluster"):
            if not body.get(required):
                self.fault(request, 400, "Vm [%s] required for add" % ("cluster.id|name" if required == "cluster" else required),
                           reason="Incomplete parameters")
        if self.find(self.vms, body["name"]):
            self.fault(request, 409, "[Cannot add VM. The VM name is already in use, please choose a unique name and try again.]")
        cluster_id = self.resolve(request, "clusters", body["cluster"], "Cluster")
        template_id = self.resolve(request, "templates", body.get("template") or {"id": BLANK_ID}, "Template")
        template = self.templates[template_id]
        config = {"memory": template["memory"], "guaranteed": None, "os_type": template.get("os_type", "other")}
        config.update(self.fields_from(body))
        config["guaranteed"] = config["guaranteed"] or config["memory"]
        self.check_memory(request, "add", dict(config))
        domains = self.template_disk_domains(request, body, template)
        initialization = self.initialization_from(body)
        placement = self.placement_from(request, body, {"affinity": "migratable", "hosts": []})
        identifier = self.add_vm(body["name"], status="image_locked", cluster=self.clusters[cluster_id]["name"],
                                 template=template["name"], disk_domains=domains,
                                 clone=as_bool(request.arg("clone", "false")), initialization=initialization,
                                 placement=placement, **{k: v for k, v in config.items() if k != "name"})
        return self.respond(request, "vm", self.vm_tree(identifier, self.vms[identifier]), status=201)

    def template_disk_domains(self, request, body, template):
        """Storage domains asked for the copies of the template's disks: {template disk id: domain id}."""
        domains = {}
        template_disks = {disk["id"] for disk in template["disks"]}
        for attachment in items_of(body, "disk_attachments", "disk_attachment"):
            disk = attachment.get("disk") or {}
            if disk.get("id") not in template_disks:
                self.fault(request, 400, "[Cannot add VM. The disk %s is not a disk of template %s.]"
                           % (disk.get("id"), template["name"]))
            for domain in items_of(disk, "storage_domains", "storage_domain"):
                domains[disk["id"]] = self.resolve(request, "storagedomains", domain, "StorageDomain")
        return domains

    @route("PUT", API + "/vms/{identifier}")
    def update_vm(self, request, identifier):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        status = self.status(vm)
        if status == "image_locked":
            self.fault(request, 409, "[Cannot edit VM: VM is locked. Please try again in a few minutes.]")
        body = self.read_body(request)
        changes = self.fields_from(body)
        if "name" in changes and changes["name"] != vm["name"] and self.find(self.vms, changes["name"]):
            self.fault(request, 409, "[Cannot edit VM. The VM name is already in use, please choose a unique name and try again.]")
        self.check_memory(request, "edit", {**vm, **(vm["next_run"] or {}), **changes})
        vm["initialization"] = self.initialization_from(body, vm["initialization"])
        vm["placement"] = self.placement_from(request, body, vm["placement"])
        if status != "down":
            pending = dict(vm["next_run"] or {})
            pending.update({k: v for k, v in changes.items()
                            if k in NEXT_RUN_FIELDS or as_bool(request.arg("next_run", "false"))})
            changes = {k: v for k, v in changes.items() if k not in pending}
            vm["next_run"] = {k: v for k, v in pending.items() if vm[k] != v} or None
        vm.update(changes)
        return self.respond(request, "vm", self.vm_tree(identifier, vm))

    @route("DELETE", API + "/vms/{identifier}")
    def remove_vm(self, request, identifier):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        status = self.status(vm)
        if status == "image_locked":
            self.fault(request, 409, "[Cannot remove VM: VM is locked. Please try again in a few minutes.]")
        if status != "down":
            self.fault(request, 409, "[Cannot remove VM. VM is running.]")
        if not as_bool(request.arg("detach_only", "false")):
            for disk in vm["attachments"]:
                self.disks.pop(disk, None)
        for cluster in self.clusters.values():
            for group in cluster["affinity_groups"].values():
                if identifier in group["vm_ids"]:
                    group["vm_ids"].remove(identifier)
        del self.vms[identifier]
        return self.respond(request, "action", {"status": "complete"})

    @route("GET", API + "/vms/{identifier}/{sub}")
    def vm_subcollection(self, request, identifier, sub):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        if sub not in VM_SUBS:
            self.fault(request, 404, "Entity not found: %s" % sub, reason="Not Found")
        items = self.sub_items(identifier, vm, sub)
        for item in items:
            self.follow(request, item, self.follows(request))
        return self.collection(request, VM_SUBS[sub][0], items)

    @route("GET", API + "/vms/{identifier}/{sub}/{item}")
    def vm_sub_item(self, request, identifier, sub, item):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        for tree in self.sub_items(identifier, vm, sub) if sub in VM_SUBS else []:
            if tree["id"] == item:
                return self.respond(request, VM_SUBS[sub][0], self.follow(request, tree, self.follows(request)))
        return self.fault(request, 404, "Entity not found: %s" % item, reason="Not Found")

    @route("POST", API + "/vms/{identifier}/{action}")
    def vm_post(self, request, identifier, action):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        if action == "diskattachments":
            return self.add_disk_attachment(request, identifier, vm, self.read_body(request))
        if action == "nics":
            return self.add_nic(request, identifier, vm, self.read_body(request))
        if action == "tags":
            return self.add_vm_tag(request, vm, self.read_body(request))
        if action not in VM_ACTIONS:
            self.fault(request, 404, "Entity not found: %s" % action, reason="Not Found")
        body = self.read_body(request)
        getattr(self, "do_" + action)(request, vm, self.status(vm), body)
        return self.respond(request, "action", {"status": "complete", "vm": self.ref("vms", identifier)})

    @route("PUT", API + "/vms/{identifier}/{sub}/{item}")
    def vm_sub_update(self, request, identifier, sub, item):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        body = self.read_body(request)
        if sub == "diskattachments" and item in vm["attachments"]:
            self.update_disk_attachment(request, vm, item, body)
            return self.respond(request, "disk_attachment", self.attachment_tree(identifier, item, vm["attachments"][item]))
        if sub == "nics" and item in vm["nics"]:
            self.update_nic(request, vm, item, body)
            return self.respond(request, "nic", self.nic_tree(identifier, item, vm["nics"][item]))
        return self.fault(request, 404, "Entity not found: %s" % item, reason="Not Found")

    @route("DELETE", API + "/vms/{identifier}/{sub}/{item}")
    def vm_sub_remove(self, request, identifier, sub, item):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        running = self.status(vm) != "down"
        if sub == "diskattachments" and item in vm["attachments"]:
            if running and vm["attachments"][item]["active"]:
                self.fault(request, 409, "[Cannot detach Virtual Disk. Disk is active; deactivate it first.]")
            if self.disk_status(self.disks[item]) == "locked":
                self.fault(request, 409, self.locked_disks_message("detach Virtual Disk", [item]))
            del vm["attachments"][item]
            if not as_bool(request.arg("detach_only", "true")):
                del self.disks[item]
            return self.respond(request, "action", {"status": "complete"})
        if sub == "nics" and item in vm["nics"]:
            del vm["nics"][item]  # the engine hot-unplugs a plugged NIC of a running VM first
            return self.respond(request, "action", {"status": "complete"})
        if sub == "tags" and item in vm["tag_ids"]:
            vm["tag_ids"].remove(item)
            return self.respond(request, "action", {"status": "complete"})
        return self.fault(request, 404, "Entity not found: %s" % item, reason="Not Found")

    # -- disks -------------------------------------------------------------------------------------
    def locked_disks_message(self, action, disk_ids):
        names = ", ".join(self.disks[disk]["name"] for disk in disk_ids)
        return "[Cannot %s: The following disks are locked: %s. Please try again in a few minutes.]" % (action, names)

    def add_disk_attachment(self, request, vm_id, vm, body):
        if self.status(vm) == "image_locked":
            self.fault(request, 409, "[Cannot add Virtual Disk: VM is locked. Please try again in a few minutes.]")
        disk = body.get("disk") or {}
        interface = body.get("interface")
        if interface not in ("virtio", "virtio_scsi", "sata", "ide", "spapr_vscsi"):
            self.fault(request, 400, "DiskAttachment [interface] required for add", reason="Incomplete parameters")
        bootable = as_bool(body.get("bootable", False))
        if bootable and any(a["bootable"] for a in vm["attachments"].values()):
            self.fault(request, 409, "[Cannot add Virtual Disk. The VM already has a bootable disk.]")
        if disk.get("id") and not disk.get("provisioned_size"):
            disk_id = disk["id"]  # attach an existing (floating) disk
            self.lookup(request, "disks", disk_id)
            if any(disk_id in other["attachments"] for other in self.vms.values()):
                self.fault(request, 409, "[Cannot attach Virtual Disk. The disk is already attached to a VM.]")
        else:
            disk_id = self.create_disk(request, disk)
        if self.status(vm) != "down" and interface in ("sata", "ide"):
            self.fault(request, 409, "[Cannot hot plug Virtual Disk. Hot plugging a disk with %s interface is not "
                                     "supported.]" % interface.upper())
        vm["attachments"][disk_id] = {"interface": interface, "bootable": bootable,
                                      "active": as_bool(body.get("active", True))}
        return self.respond(request, "disk_attachment", self.attachment_tree(vm_id, disk_id, vm["attachments"][disk_id]),
                            status=201)

    def create_disk(self, request, disk):
        name = disk.get("name") or disk.get("alias")
        size = as_int(disk.get("provisioned_size"))
        if not name or not size:
            self.fault(request, 400, "Disk [provisionedSize|name] required for add", reason="Incomplete parameters")
        disk_format = disk.get("format") or "cow"
        if disk_format not in ("cow", "raw"):
            self.fault(request, 400, "Invalid value '%s' for disk.format" % disk_format, reason="Invalid value")
        domains = items_of(disk, "storage_domains", "storage_domain")
        if not domains:
            self.fault(request, 400, "Disk [storageDomains.id|name] required for add", reason="Incomplete parameters")
        domain = self.resolve(request, "storagedomains", domains[0], "StorageDomain")
        if size > self.storagedomains[domain]["available"]:
            self.fault(request, 409, "[Cannot add Virtual Disk. Low disk space on Storage Domain %s.]"
                       % self.storagedomains[domain]["name"])
        sparse = as_bool(disk.get("sparse", disk_format == "cow"))
        locked = self.durations["disk_locked"] * (1 if sparse else 3)
        return self.new_disk(name, size, disk_format, sparse, domain, locked)

    def update_disk_attachment(self, request, vm, disk_id, body):
        disk = self.disks[disk_id]
        attachment = vm["attachments"][disk_id]
        size = as_int((body.get("disk") or {}).get("provisioned_size"))
        if size is not None and size != disk["provisioned_size"]:
            if self.disk_status(disk) == "locked":
                self.fault(request, 409, self.locked_disks_message("edit Virtual Disk", [disk_id]))
            if size < disk["provisioned_size"]:
                self.fault(request, 409, "[Cannot edit Virtual Disk. New disk size must be larger than the current disk size.]")
            disk["provisioned_size"] = size
            disk["timeline"] = Timeline([("locked", self.durations["disk_locked"]), ("ok", 0)], self.now())
        interface = body.get("interface")
        if interface and interface != attachment["interface"]:
            if self.status(vm) != "down" and attachment["active"]:
                self.fault(request, 409, "[Cannot edit Virtual Disk. Cannot change the interface of an active disk of "
                                         "a running VM.]")
            attachment["interface"] = interface
        for key in ("bootable", "active"):
            if key in body:
                attachment[key] = as_bool(body[key])

    @route("POST", API + "/disks")
    def add_floating_disk(self, request):
        self.authorize(request)
        disk_id = self.create_disk(request, self.read_body(request))
        return self.respond(request, "disk", self.disk_tree(disk_id, self.disks[disk_id]), status=201)

    @route("DELETE", API + "/disks/{identifier}")
    def remove_disk(self, request, identifier):
        self.authorize(request)
        self.lookup(request, "disks", identifier)
        for vm in self.vms.values():
            if identifier in vm["attachments"] and self.status(vm) != "down":
                self.fault(request, 409, "[Cannot remove Virtual Disk. The disk is attached to a running VM.]")
            vm["attachments"].pop(identifier, None)
        del self.disks[identifier]
        return self.respond(request, "action", {"status": "complete"})

    # -- NICs and tags -----------------------------------------------------------------------------
    def profile_of(self, request, body):
        profile = body.get("vnic_profile")
        if not isinstance(profile, dict) or not profile.get("id"):
            return None
        return self.resolve(request, "vnicprofiles", {"id": profile["id"]}, "VnicProfile")

    def add_nic(self, request, vm_id, vm, body):
        name = body.get("name")
        if not name:
            self.fault(request, 400, "Nic [name] required for add", reason="Incomplete parameters")
        if any(nic["name"] == name for nic in vm["nics"].values()):
            self.fault(request, 409, "[Cannot add Interface. The VM already has a network interface named %s.]" % name)
        mac = (body.get("mac") or {}).get("address")
        if mac and any(nic["mac"] == mac for other in self.vms.values() for nic in other["nics"].values()):
            self.fault(request, 409, "[Cannot add Interface. MAC Address is already in use.]")
        interface = body.get("interface") or "virtio"
        if interface not in ("virtio", "e1000", "rtl8139", "pci_passthrough"):
            self.fault(request, 400, "Invalid value '%s' for nic.interface" % interface, reason="Invalid value")
        nic_id = self.new_nic(vm, name, interface, self.profile_of(request, body), mac,
                              as_bool(body.get("linked", True)))
        return self.respond(request, "nic", self.nic_tree(vm_id, nic_id, vm["nics"][nic_id]), status=201)

    def update_nic(self, request, vm, nic_id, body):
        nic = vm["nics"][nic_id]
        interface = body.get("interface")
        if interface and interface != nic["interface"] and self.status(vm) != "down" and nic["plugged"]:
            self.fault(request, 409, "[Cannot edit Interface. Updating some of the properties is not supported while "
                                     "the interface is plugged into a running virtual machine. Please un-plug the "
                                     "interface, update the properties, and then plug it back.]")
        nic["interface"] = interface or nic["interface"]
        if "vnic_profile" in body:
            nic["vnic_profile_id"] = self.profile_of(request, body)
        if (body.get("mac") or {}).get("address"):
            nic["mac"] = body["mac"]["address"]
        for key in ("linked", "plugged"):
            if key in body:
                nic[key] = as_bool(body[key])

    def add_vm_tag(self, request, vm, body):
        tag = self.resolve(request, "tags", body, "Tag")
        if tag not in vm["tag_ids"]:
            vm["tag_ids"].append(tag)
        return self.respond(request, "tag", self.simple_tree("tags", tag, self.tags[tag]), status=201)

    @route("POST", API + "/tags")
    def add_tag(self, request):
        self.authorize(request)
        body = self.read_body(request)
        if not body.get("name"):
            self.fault(request, 400, "Tag [name] required for add", reason="Incomplete parameters")
        if self.find(self.tags, body["name"]):
            self.fault(request, 409, "[Cannot add Tag. Tag name is in use.]")
        tag = self.new_id()
        self.tags[tag] = {"name": body["name"], "description": body.get("description") or ""}
        return self.respond(request, "tag", self.simple_tree("tags", tag, self.tags[tag]), status=201)

    # -- affinity groups -------------------------------------------------------------------------------
    def group_tree(self, cluster_id, group_id, group):
        href = "%s/clusters/%s/affinitygroups/%s" % (API, cluster_id, group_id)
        return {"href": href, "id": group_id, "name": group["name"], "description": group.get("description", ""),
                "positive": group["positive"], "enforcing": group["enforcing"],
                "vms_rule": {"enabled": True, "positive": group["positive"], "enforcing": group["enforcing"]},
                "cluster": self.ref("clusters", cluster_id),
                "vms": {"vm": [{"href": "%s/vms/%s" % (API, vm), "id": vm} for vm in group["vm_ids"]]},
                "link": [{"href": href + "/vms", "rel": "vms"}]}

    def group_of(self, request, cluster_id, group_id):
        groups = self.lookup(request, "clusters", cluster_id)["affinity_groups"]
        if group_id not in groups:
            self.fault(request, 404, "Entity not found: %s" % group_id, reason="Not Found")
        return groups[group_id]

    @route("GET", API + "/clusters/{cluster_id}/networks")
    def list_cluster_networks(self, request, cluster_id):
        """The networks attached to a cluster: here every network of its data center."""
        self.authorize(request)
        self.lookup(request, "clusters", cluster_id)
        return self.collection(request, "network", self.linked_items("clusters", cluster_id, "networks")[1])

    @route("GET", API + "/clusters/{cluster_id}/affinitygroups")
    def list_groups(self, request, cluster_id):
        self.authorize(request)
        groups = self.lookup(request, "clusters", cluster_id)["affinity_groups"]
        return self.collection(request, "affinity_group", [self.group_tree(cluster_id, g, group)
                                                           for g, group in sorted(groups.items(), key=lambda i: i[1]["name"])])

    @route("POST", API + "/clusters/{cluster_id}/affinitygroups")
    def add_group(self, request, cluster_id):
        self.authorize(request)
        groups = self.lookup(request, "clusters", cluster_id)["affinity_groups"]
        body = self.read_body(request)
        if not body.get("name"):
            self.fault(request, 400, "AffinityGroup [name] required for add", reason="Incomplete parameters")
        if self.find(groups, body["name"]):
            self.fault(request, 409, "[Cannot add Affinity Group. Affinity Group name already exists.]")
        rule = body.get("vms_rule") if isinstance(body.get("vms_rule"), dict) else body
        group_id = self.new_id()
        groups[group_id] = {"name": body["name"], "description": body.get("description") or "",
                            "positive": as_bool(rule.get("positive", True)),
                            "enforcing": as_bool(rule.get("enforcing", False)), "vm_ids": []}
        return self.respond(request, "affinity_group", self.group_tree(cluster_id, group_id, groups[group_id]), status=201)

    @route("GET", API + "/clusters/{cluster_id}/affinitygroups/{group_id}")
    def get_group(self, request, cluster_id, group_id):
        self.authorize(request)
        return self.respond(request, "affinity_group",
                            self.group_tree(cluster_id, group_id, self.group_of(request, cluster_id, group_id)))

    @route("PUT", API + "/clusters/{cluster_id}/affinitygroups/{group_id}")
    def update_group(self, request, cluster_id, group_id):
        self.authorize(request)
        group = self.group_of(request, cluster_id, group_id)
        body = self.read_body(request)
        rule = body.get("vms_rule") if isinstance(body.get("vms_rule"), dict) else body
        for key in ("positive", "enforcing"):
            if key in rule:
                group[key] = as_bool(rule[key])
        return self.respond(request, "affinity_group", self.group_tree(cluster_id, group_id, group))

    @route("DELETE", API + "/clusters/{cluster_id}/affinitygroups/{group_id}")
    def remove_group(self, request, cluster_id, group_id):
        self.authorize(request)
        self.group_of(request, cluster_id, group_id)
        del self.clusters[cluster_id]["affinity_groups"][group_id]
        return self.respond(request, "action", {"status": "complete"})

    @route("GET", API + "/clusters/{cluster_id}/affinitygroups/{group_id}/vms")
    def list_group_vms(self, request, cluster_id, group_id):
        self.authorize(request)
        group = self.group_of(request, cluster_id, group_id)
        return self.collection(request, "vm", [self.vm_tree(vm, self.vms[vm]) for vm in group["vm_ids"]])

    @route("POST", API + "/clusters/{cluster_id}/affinitygroups/{group_id}/vms")
    def add_group_vm(self, request, cluster_id, group_id):
        self.authorize(request)
        group = self.group_of(request, cluster_id, group_id)
        vm_id = self.resolve(request, "vms", self.read_body(request), "VM")
        if self.vms[vm_id]["cluster_id"] != cluster_id:
            self.fault(request, 409, "[Cannot add VM to Affinity Group. VM is not in the group's cluster.]")
        if vm_id not in group["vm_ids"]:
            group["vm_ids"].append(vm_id)
        return self.respond(request, "vm", self.vm_tree(vm_id, self.vms[vm_id]), status=201)

    @route("DELETE", API + "/clusters/{cluster_id}/affinitygroups/{group_id}/vms/{vm_id}")
    def remove_group_vm(self, request, cluster_id, group_id, vm_id):
        self.authorize(request)
        group = self.group_of(request, cluster_id, group_id)
        if vm_id not in group["vm_ids"]:
            self.fault(request, 404, "Entity not found: %s" % vm_id, reason="Not Found")
        group["vm_ids"].remove(vm_id)
        return self.respond(request, "action", {"status": "complete"})

    # -- actions -----------------------------------------------------------------------------------
    def refuse(self, request, action, status, allowed, why):
        if status not in allowed:
            if status == "image_locked":
                why = "VM is locked. Please try again in a few minutes"
            self.fault(request, 409, "[Cannot %s VM. %s.]" % (action, why))

    def schedule(self, request, vm):
        """The host a start runs the VM on: its pinned host, else one its enforcing affinity groups allow."""
        vm_id = next(i for i, item in self.vms.items() if item is vm)
        candidates = {host for host, item in self.hosts.items() if item["status"] == "up"}
        if vm["placement"]["hosts"]:
            candidates &= set(vm["placement"]["hosts"])
        for group in self.clusters[vm["cluster_id"]]["affinity_groups"].values():
            if vm_id not in group["vm_ids"] or not group["enforcing"]:
                continue
            hosts = {self.vms[other]["host_id"] for other in group["vm_ids"]
                     if other != vm_id and self.status(self.vms[other]) != "down"}
            if group["positive"] and hosts:
                candidates &= hosts
            elif not group["positive"]:
                candidates -= hosts
            if not candidates:
                self.fault(request, 409, "[Cannot run VM. There is no host that satisfies current scheduling "
                                         "constraints. See below for details:, The host(s) did not satisfy internal "
                                         "filter VmAffinityGroups because of affinity group %s.]" % group["name"])
        if not candidates:
            self.fault(request, 409, "[Cannot run VM. There is no host that satisfies current scheduling constraints.]")
        return self.next_host(candidates)

    def do_start(self, request, vm, status, body):
        self.refuse(request, "run", status, ("down", "suspended"), "VM is running")
        locked = [disk for disk in vm["attachments"] if self.disk_status(self.disks[disk]) == "locked"]
        if locked:
            self.fault(request, 409, self.locked_disks_message("run VM", locked))
        failure = next((f for f in self.start_failures if f[0] in (None, vm["name"])), None)
        d = self.durations
        if failure:
            self.start_failures.remove(failure)
            if failure[2] == "launch":  # accepted, but the host fails to run it: back to down
                self.move(vm, [("wait_for_launch", d["wait_for_launch"]), ("down", 0)])
                return
            self.fault(request, 409, failure[1])
        if status == "suspended":
            self.move(vm, [("restoring_state", d["restoring_state"]), ("up", 0)])
            return
        vm["host_id"] = self.schedule(request, vm)
        vm["booted_with"] = self.boot_initialization(vm, body)
        vm["initialized"] = True
        self.move(vm, [("wait_for_launch", d["wait_for_launch"]), ("powering_up", d["powering_up"]), ("up", 0)])

    def boot_initialization(self, vm, body):
        """What cloud-init / sysprep gets at this start: the action's run-once payload, else the VM's own at its
        first start or when use_cloud_init / use_sysprep is true."""
        run_once = self.initialization_from(body.get("vm") or {})
        if run_once:
            return run_once
        asked = as_bool(body.get("use_cloud_init", False)) or as_bool(body.get("use_sysprep", False))
        return vm["initialization"] if (asked or not vm["initialized"]) else None

    def do_shutdown(self, request, vm, status, body):
        self.refuse(request, "shutdown", status, ("up", "powering_up", "reboot_in_progress"), "VM is not running")
        if vm["name"] in self.ignoring_shutdown:
            self.move(vm, [("powering_down", 0)])  # the guest ignores the ACPI event: it never goes down
            return
        self.move(vm, [("powering_down", self.durations["powering_down"]), ("down", 0)], self.durations["powering_down"])

    def do_stop(self, request, vm, status, body):
        self.refuse(request, "stop", status, RUNNING + ("suspended",), "VM is not running")
        self.move(vm, [("powering_down", self.durations["stop"]), ("down", 0)], self.durations["stop"])

    def do_suspend(self, request, vm, status, body):
        self.refuse(request, "suspend", status, ("up",), "VM is not up")
        self.move(vm, [("saving_state", self.durations["saving_state"]), ("suspended", 0)])

    def do_reboot(self, request, vm, status, body):
        self.refuse(request, "reboot", status, ("up",), "VM is not up")
        duration = self.durations["reboot_in_progress"]
        self.move(vm, [("reboot_in_progress", duration), ("up", 0)], duration)

    def dispatch(self, request):
        """As the framework's, but an answer_late() rule holds the answer back after the request took effect."""
        response = super().dispatch(request)
        for rule in self.late_answers:
            if rule["count"] > 0 and rule["method"] == request.method and re.search(rule["path"], request.path):
                rule["count"] -= 1
                time.sleep(rule["seconds"])
                break
        return response

    # -- anything else -------------------------------------------------------------------------------
    @route("GET", "/{path:path}")
    @route("POST", "/{path:path}")
    @route("PUT", "/{path:path}")
    @route("DELETE", "/{path:path}")
    def zz_no_such_page(self, request, path):
        """Outside /ovirt-engine/api the engine's web server answers a bare HTML 404, not an API fault (routes
        are tried in name order: this one, last, only catches what no other route takes)."""
        error = HttpError(404)
        error.response = Response(404, "<html><head><title>Error</title></head><body>Not Found</body></html>",
                                  content_type="text/html")
        raise error

    # -- test hooks (Python and /_sim/control/<name>) ----------------------------------------------
    def fail_next_start(self, name=None, detail=None, when="request"):
        """The next start of VM `name` (any VM when None) fails: refused with the engine's fault
        (when="request"), or accepted and then back to down from wait_for_launch (when="launch")."""
        if when not in ("request", "launch"):
            raise ValueError("when must be request or launch")
        self.start_failures.append((name, detail or "[Cannot run VM. There is no host that satisfies current "
                                                    "scheduling constraints. See below for details:, The host host1 did "
                                                    "not satisfy internal filter Memory because it has insufficient free "
                                                    "memory to run the VM.]", when))

    def answer_late(self, method, path, seconds, count=1):
        """The next `count` requests matching method and path (a regex) take effect at once but are answered
        `seconds` (real) later: a client that gives up and retries finds the work done (a DELETE then gets 404)."""
        self.late_answers.append({"method": method, "path": path, "seconds": float(seconds), "count": count})

    def ignore_shutdown(self, name):
        """VM `name`'s guest ignores shutdown: it stays powering_down until stopped."""
        self.ignoring_shutdown.add(name)

    def set_durations(self, **durations):
        unknown = set(durations) - set(self.durations)
        if unknown:
            raise ValueError("unknown durations: %s" % ", ".join(sorted(unknown)))
        self.durations.update(durations)

    def set_token_lifetime(self, seconds):
        """Tokens issued from now on expire after `seconds` of simulated time."""
        self.token_lifetime = float(seconds)

    def vm_by_name(self, name):
        identifier = self.find(self.vms, name)
        return None if identifier is None else to_json(self.vm_tree(identifier, self.vms[identifier], False, True))

    def guest_of(self, name):
        """What the VM's guest booted with and reports: {initialization, fqdn, devices} (None when not booted)."""
        identifier = self.find(self.vms, name)
        vm = self.vms.get(identifier)
        if vm is None or self.status(vm) == "down":
            return None
        return {"initialization": vm["booted_with"], "fqdn": self.guest_fqdn(vm) if self.guest_ready(vm) else None,
                "devices": to_json(self.reported_devices(identifier, vm)) if self.guest_ready(vm) else []}

    def control_add_vm(self, **kwargs):
        return {"id": self.add_vm(**kwargs)}

    def control_fail_next_start(self, name=None, detail=None, when="request"):
        self.fail_next_start(name, detail, when)
        return {}

    def control_answer_late(self, method, path, seconds, count=1):
        self.answer_late(method, path, seconds, count)
        return {}

    def control_ignore_shutdown(self, name):
        self.ignore_shutdown(name)
        return {}

    def control_set_durations(self, **durations):
        self.set_durations(**durations)
        return dict(self.durations)

    def control_set_token_lifetime(self, seconds):
        self.set_token_lifetime(seconds)
        return {"token_lifetime": self.token_lifetime}

    def control_vm_by_name(self, name):
        return self.vm_by_name(name)

    def control_guest_of(self, name):
        return self.guest_of(name)
