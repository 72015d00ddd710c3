"""A stateful oVirt / RHV engine (API v4) for the rhev_vm modules and the ovirtsdk4 contract test.

One resource model, rendered as JSON (Accept: application/json) or XML (the default, what ovirtsdk4
speaks); request bodies are read as JSON or XML by their Content-Type.

Seeded: user admin@internal / secret; clusters Default and hadoop; templates Blank (the all-zero id) and
centos7-hadoop; hosts host1 and host2; VMs hadoop-master (up, in hadoop) and hadoop-worker-1 (down).

Auth: POST /ovirt-engine/sso/oauth/token (grant_type=password, scope=ovirt-app-api) gives a bearer token
that expires after `token_lifetime` simulated seconds; POST /ovirt-engine/services/sso-logout revokes it;
HTTP basic is accepted too. Bad credentials answer the SSO error body.

VM statuses move over simulated time (durations in DEFAULT_DURATIONS, changeable with set_durations):
creation image_locked -> down; start down -> wait_for_launch -> powering_up -> up (from suspended:
restoring_state -> up); shutdown/stop up -> powering_down -> down; suspend up -> saving_state -> suspended;
reboot up -> reboot_in_progress -> up. An action that is illegal in the current status answers 409 with
the engine's fault. A pending next-run configuration is applied when the VM goes down or reboots.

Test hooks (also over HTTP as POST /_sim/control/<name>): add_vm, fail_next_start, ignore_shutdown,
set_durations, set_token_lifetime, vm_by_name (read only).
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
}
RUNNING = ("wait_for_launch", "powering_up", "up", "powering_down", "reboot_in_progress", "saving_state",
           "restoring_state")
# Fields the engine cannot change on a running VM: they go to the next-run configuration.
NEXT_RUN_FIELDS = ("memory", "guaranteed", "sockets", "cores", "threads", "os_type")
# Longs are JSON numbers in the engine's JSON; other scalars are strings ("1", "true").
JSON_NUMBERS = frozenset(["memory", "guaranteed", "max", "creation_time", "start_time", "stop_time"])
# Dates are milliseconds since the epoch in JSON and ISO 8601 in XML.
DATES = frozenset(["creation_time", "start_time", "stop_time"])
VM_ACTIONS = ("start", "stop", "shutdown", "suspend", "reboot")


def as_int(value):
    return None if value is None else int(value)


def as_bool(value):
    return value if isinstance(value, bool) else str(value).lower() == "true"


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

    def __init__(self, speed=1.0, users=None, seed=True):
        super().__init__(speed)
        self.users = dict(users or {"admin@internal": "secret"})
        self.durations = dict(DEFAULT_DURATIONS)
        self.token_lifetime = 3600.0
        self.tokens = {}
        self.revoked = []
        self.start_failures = []
        self.ignoring_shutdown = set()
        self.host_cycle = None
        self.clusters, self.templates, self.hosts, self.vms = {}, {}, {}, {}
        if seed:
            self.seed()

    # -- fixture data ----------------------------------------------------------------------------
    def seed(self):
        for name in ("Default", "hadoop"):
            self.clusters[str(uuid.uuid4())] = {"name": name, "description": "%s cluster" % name}
        self.templates[BLANK_ID] = {"name": "Blank", "description": "Blank template", "memory": GIB}
        self.templates[str(uuid.uuid4())] = {"name": "centos7-hadoop", "description": "CentOS 7 for Hadoop nodes",
                                             "memory": 4 * GIB, "os_type": "rhel_7x64"}
        for name in ("host1", "host2"):
            self.hosts[str(uuid.uuid4())] = {"name": name, "status": "up", "address": name + ".example.com"}
        self.add_vm("hadoop-master", status="up", cluster="hadoop", template="centos7-hadoop", memory=8 * GIB,
                    cores=4, description="Hadoop master")
        self.add_vm("hadoop-worker-1", status="down", cluster="hadoop", template="centos7-hadoop")

    def next_host(self):
        if self.host_cycle is None:
            self.host_cycle = itertools.cycle(sorted(self.hosts, key=lambda i: self.hosts[i]["name"]) or [None])
        return next(self.host_cycle)

    @staticmethod
    def find(collection, name):
        for identifier, item in collection.items():
            if item["name"] == name:
                return identifier
        return None

    def add_vm(self, name, status="down", cluster="Default", template="Blank", memory=None, cores=1,
               description="", **fields):
        """A VM in `status` now (image_locked moves on to down; the others stay)."""
        template_id = self.find(self.templates, template)
        vm = {
            "name": name, "description": description, "cluster_id": self.find(self.clusters, cluster),
            "template_id": template_id, "memory": memory or self.templates[template_id]["memory"],
            "guaranteed": None, "sockets": 1, "cores": cores, "threads": 1,
            "os_type": self.templates[template_id].get("os_type", "other"), "ha": False, "host_id": None,
            "next_run": None, "creation_time": int(time.time() * 1000),
        }
        vm.update(fields)
        vm["guaranteed"] = vm["guaranteed"] or vm["memory"]
        identifier = str(uuid.uuid4())
        self.vms[identifier] = vm
        if status == "image_locked":
            self.move(vm, [("image_locked", self.durations["image_locked"]), ("down", 0)])
        else:
            self.move(vm, [(status, 0)])
        return identifier

    # -- time --------------------------------------------------------------------------------------
    def move(self, vm, stages, apply_next_run_after=None):
        vm["timeline"] = Timeline(stages, self.now())
        vm["apply_at"] = None if apply_next_run_after is None else self.now() + apply_next_run_after
        last = stages[-1][0]
        if last in ("up", "suspended") or stages[0][0] in RUNNING:
            vm["host_id"] = vm["host_id"] or self.next_host()

    def status(self, vm):
        status = vm["timeline"].at(self.now())[0]
        if vm["apply_at"] is not None and self.now() >= vm["apply_at"]:
            vm.update(vm["next_run"] or {})
            vm["next_run"], vm["apply_at"] = None, None
        if status == "down":
            vm["host_id"] = None
        return status

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

    def vm_tree(self, identifier, vm, next_run=False):
        status = self.status(vm)
        config = dict(vm, **(vm["next_run"] or {})) if next_run else vm
        href = "%s/vms/%s" % (API, identifier)
        return {
            "href": href, "id": identifier,
            "actions": {"link": [{"href": "%s/%s" % (href, a), "rel": a} for a in VM_ACTIONS]},
            "name": config["name"], "description": config["description"],
            "cpu": {"topology": {"cores": config["cores"], "sockets": config["sockets"], "threads": config["threads"]},
                    "architecture": "x86_64"},
            "creation_time": config["creation_time"],
            "high_availability": {"enabled": config["ha"], "priority": 1},
            "memory": config["memory"],
            "memory_policy": {"guaranteed": config["guaranteed"], "max": 4 * config["memory"], "ballooning": True},
            "next_run_configuration_exists": bool(vm["next_run"]),
            "os": {"type": config["os_type"]},
            "status": status,
            "stateless": False,
            "type": "server",
            "cluster": self.ref("clusters", config["cluster_id"]),
            "host": self.ref("hosts", vm["host_id"]) if status != "down" else None,
            "template": self.ref("templates", config["template_id"]),
            "link": [{"href": "%s/%s" % (href, sub), "rel": sub} for sub in ("nics", "diskattachments")],
        }

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
        links = [{"href": "%s/%s" % (API, rel), "rel": rel} for rel in ("clusters", "hosts", "templates", "vms")]
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
            if not query or all(self.clause_matches(clause, tree) for clause in self.clauses(query)):
                selected.append(tree)
        selected.sort(key=lambda tree: tree["name"])
        limit = request.arg("max")
        return selected[:int(limit)] if limit not in (None, "", "-1") else selected

    @staticmethod
    def clauses(query):
        parts = [part.strip() for part in query.replace(" AND ", " and ").split(" and ")]
        return [part.partition("=")[::2] for part in parts if part]

    def clause_matches(self, clause, tree):
        field, wanted = clause[0].strip(), clause[1].strip().strip('"')
        value = tree.get(field.lower())
        if field.lower() == "cluster" and tree.get("cluster"):
            value = self.clusters[tree["cluster"]["id"]]["name"]
        pattern = "^%s$" % ".*".join(re.escape(part) for part in wanted.split("*"))
        return value is not None and re.match(pattern, str(value), re.IGNORECASE) is not None

    def simple(self, kind):
        def describe(identifier, item):
            tree = {"href": "%s/%s/%s" % (API, kind, identifier), "id": identifier}
            tree.update({k: v for k, v in item.items() if k in ("name", "description", "status", "address", "memory")})
            return tree
        return describe

    def lookup(self, request, kind, identifier):
        collection = getattr(self, kind)
        if identifier not in collection:
            self.fault(request, 404, "Entity not found: %s" % identifier, reason="Not Found")
        return collection[identifier]

    @route("GET", API + "/{kind}")
    def list_simple(self, request, kind):
        self.authorize(request)
        if kind == "vms":
            return self.collection(request, "vm", self.search(request, self.vms, self.vm_tree))
        if kind not in ("clusters", "templates", "hosts"):
            self.fault(request, 404, "Entity not found: %s" % kind, reason="Not Found")
        return self.collection(request, kind[:-1], self.search(request, getattr(self, kind), self.simple(kind)))

    @route("GET", API + "/{kind}/{identifier}")
    def get_simple(self, request, kind, identifier):
        self.authorize(request)
        if kind == "vms":
            return self.get_vm(request, identifier)
        if kind not in ("clusters", "templates", "hosts"):
            self.fault(request, 404, "Entity not found: %s" % kind, reason="Not Found")
        return self.respond(request, kind[:-1], self.simple(kind)(identifier, self.lookup(request, kind, identifier)))

    # -- VMs ---------------------------------------------------------------------------------------
    def get_vm(self, request, identifier):
        vm = self.lookup(request, "vms", identifier)
        return self.respond(request, "vm", self.vm_tree(identifier, vm, as_bool(request.arg("next_run", "false"))))

    def read_body(self, request):
        if "xml" in (request.headers.get("Content-Type") or ""):
            try:
                return xml_to_tree(ET.fromstring(request.body))
            except ET.ParseError:
                self.fault(request, 400, "Request body is not valid XML", reason="Bad Request")
        return request.json() or {}

    def resolve(self, request, kind, ref, what):
        """A {id} or {name} reference to a cluster or template -> id (the engine answers 404 otherwise)."""
        collection = getattr(self, kind)
        if ref.get("id") in collection:
            return ref["id"]
        identifier = self.find(collection, ref.get("name"))
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
        identifier = self.add_vm(body["name"], status="image_locked", cluster=self.clusters[cluster_id]["name"],
                                 template=template["name"], **{k: v for k, v in config.items() if k != "name"})
        return self.respond(request, "vm", self.vm_tree(identifier, self.vms[identifier]), status=201)

    @route("PUT", API + "/vms/{identifier}")
    def update_vm(self, request, identifier):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        status = self.status(vm)
        if status == "image_locked":
            self.fault(request, 409, "[Cannot edit VM: VM is locked. Please try again in a few minutes.]")
        changes = self.fields_from(self.read_body(request))
        if "name" in changes and changes["name"] != vm["name"] and self.find(self.vms, changes["name"]):
            self.fault(request, 409, "[Cannot edit VM. The VM name is already in use, please choose a unique name and try again.]")
        self.check_memory(request, "edit", {**vm, **(vm["next_run"] or {}), **changes})
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
        del self.vms[identifier]
        return self.respond(request, "action", {"status": "complete"})

    @route("GET", API + "/vms/{identifier}/{sub}")
    def vm_subcollection(self, request, identifier, sub):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        if sub == "nics":
            nic = {"href": "%s/vms/%s/nics/%s" % (API, identifier, identifier), "id": identifier, "name": "nic1",
                   "interface": "virtio", "plugged": True, "linked": True,
                   "mac": {"address": "56:6f:%s" % ":".join(identifier[i:i + 2] for i in (0, 2, 4, 6))}}
            return self.collection(request, "nic", [nic])
        if sub == "diskattachments":
            disk = {"href": "%s/vms/%s/diskattachments/%s" % (API, identifier, identifier), "id": identifier,
                    "active": True, "bootable": True, "interface": "virtio_scsi",
                    "disk": self.ref("disks", identifier), "vm": self.ref("vms", identifier)}
            return self.collection(request, "disk_attachment", [disk] if vm["template_id"] != BLANK_ID else [])
        return self.fault(request, 404, "Entity not found: %s" % sub, reason="Not Found")

    @route("POST", API + "/vms/{identifier}/{action}")
    def vm_action(self, request, identifier, action):
        self.authorize(request)
        vm = self.lookup(request, "vms", identifier)
        if action not in VM_ACTIONS:
            self.fault(request, 404, "Entity not found: %s" % action, reason="Not Found")
        self.read_body(request)
        getattr(self, "do_" + action)(request, vm, self.status(vm))
        return self.respond(request, "action", {"status": "complete", "vm": self.ref("vms", identifier)})

    def refuse(self, request, action, status, allowed, why):
        if status not in allowed:
            if status == "image_locked":
                why = "VM is locked. Please try again in a few minutes"
            self.fault(request, 409, "[Cannot %s VM. %s.]" % (action, why))

    def do_start(self, request, vm, status):
        self.refuse(request, "run", status, ("down", "suspended"), "VM is running")
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
        else:
            self.move(vm, [("wait_for_launch", d["wait_for_launch"]), ("powering_up", d["powering_up"]), ("up", 0)])

    def do_shutdown(self, request, vm, status):
        self.refuse(request, "shutdown", status, ("up", "powering_up", "reboot_in_progress"), "VM is not running")
        if vm["name"] in self.ignoring_shutdown:
            self.move(vm, [("powering_down", 0)])  # the guest ignores the ACPI event: it never goes down
            return
        self.move(vm, [("powering_down", self.durations["powering_down"]), ("down", 0)], self.durations["powering_down"])

    def do_stop(self, request, vm, status):
        self.refuse(request, "stop", status, RUNNING + ("suspended",), "VM is not running")
        self.move(vm, [("powering_down", self.durations["stop"]), ("down", 0)], self.durations["stop"])

    def do_suspend(self, request, vm, status):
        self.refuse(request, "suspend", status, ("up",), "VM is not up")
        self.move(vm, [("saving_state", self.durations["saving_state"]), ("suspended", 0)])

    def do_reboot(self, request, vm, status):
        self.refuse(request, "reboot", status, ("up",), "VM is not up")
        duration = self.durations["reboot_in_progress"]
        self.move(vm, [("reboot_in_progress", duration), ("up", 0)], duration)

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
        return None if identifier is None else to_json(self.vm_tree(identifier, self.vms[identifier], False))

    def control_add_vm(self, **kwargs):
        return {"id": self.add_vm(**kwargs)}

    def control_fail_next_start(self, name=None, detail=None, when="request"):
        self.fail_next_start(name, detail, when)
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
