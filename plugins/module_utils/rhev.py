# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""oVirt / RHV engine REST API v4 (JSON) client for rhev_vm and rhev_vm_info.

Authentication is the engine's SSO: one bearer token per task, requested with the user's password,
renewed once when it expires during a long wait, and revoked at the end (a token the user supplied is
neither renewed nor revoked). Faults raise ApiError with the engine's own reason and detail.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HttpClient, default_error_message, quote_path
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, merge_specs

# Options documented by doc_fragments/rhev.py.
RHEV_ARGS = dict(
    url=dict(type="str", required=True, fallback=(env_fallback, ["OVIRT_URL"])),
    username=dict(type="str", fallback=(env_fallback, ["OVIRT_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["OVIRT_PASSWORD"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["OVIRT_TOKEN"])),
    insecure=dict(type="bool", default=False),
)

SCOPE = "ovirt-app-api"
# Statuses a VM passes through on its way to a stable one; nothing can be done to it meanwhile.
TRANSIENT_STATUSES = frozenset([
    "image_locked", "wait_for_launch", "powering_up", "powering_down", "reboot_in_progress",
    "saving_state", "restoring_state", "migrating", "unknown", "not_responding",
])
# The normalised fields a user manages; all but description and high_availability wait for a
# restart when the VM is running (the engine keeps them as its next-run configuration).
CONFIG_FIELDS = ("memory", "memory_guaranteed", "cpu_sockets", "cpu_cores", "cpu_threads", "os_type",
                 "description", "high_availability")


def rhev_argument_spec(*specs):
    """RHEV connection options + TLS options (ca_cert also from OVIRT_CAFILE) + the module's own."""
    tls = dict(TLS_ARGS)
    tls["ca_cert"] = dict(TLS_ARGS["ca_cert"], fallback=(env_fallback, ["OVIRT_CAFILE"]))
    return merge_specs(RHEV_ARGS, tls, *specs)


def fault_message(response, body):
    """The engine's fault {"reason", "detail"} (alone or inside an action), or an SSO error body."""
    if isinstance(body, dict):
        fault = body.get("fault") if isinstance(body.get("fault"), dict) else body
        if fault.get("detail"):
            return "%s: %s" % (fault["reason"], fault["detail"]) if fault.get("reason") else fault["detail"]
        if isinstance(body.get("error"), str):
            code = body.get("error_code") or body.get("error")
            description = body.get("error_description") or body["error"]
            return description if code == description else "%s: %s" % (code, description)
    if response is not None and response.status_code == 401:
        return "the engine refused the credentials (token expired or revoked?)"
    return default_error_message(response, body)


def as_int(value):
    return None if value in (None, "") else int(value)


def as_bool(value):
    return value if isinstance(value, bool) else str(value).lower() == "true"


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
    config.update(vm.get("pending") or {})
    return config


class RhevClient:
    """One engine: SSO login/logout and the VM calls. Use as a context manager (logs in and out)."""

    def __init__(self, url, username=None, password=None, token=None, validate_certs=True, ca_cert=None,
                 request_timeout=30):
        if not token and not (username and password):
            raise OptionError("username", username, "and password are required when no token is given "
                                                    "(options username/password or OVIRT_USERNAME/OVIRT_PASSWORD)")
        try:
            parts = urlsplit(url)
        except ValueError:  # such as an unclosed IPv6 bracket
            parts = urlsplit("")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise OptionError("url", url, "is not the engine API URL, such as https://engine.example.com/ovirt-engine/api")
        self.engine = "%s://%s" % (parts.scheme, parts.netloc)
        self.username = username
        self.password = password
        self.token = token
        self.own_token = False
        self.logging_in = False
        self.names = {}
        self.http = HttpClient(url, headers={"Version": "4"}, validate_certs=validate_certs, ca_cert=ca_cert,
                               timeout=request_timeout, error_message=fault_message, reauthenticate=self.renew_token)

    @classmethod
    def from_params(cls, params):
        return cls(params["url"], params.get("username"), params.get("password"), params.get("token"),
                   validate_certs=params["validate_certs"] and not params["insecure"], ca_cert=params.get("ca_cert"),
                   request_timeout=params["request_timeout"])

    # -- SSO -----------------------------------------------------------------------------------------
    def __enter__(self):
        if self.token:
            self.use_token(self.token)
        else:
            self.login()
        return self

    def __exit__(self, *exc_info):
        self.logout()
        self.http.close()

    def use_token(self, token):
        self.token = token
        self.http.session.headers["Authorization"] = "Bearer " + token

    def login(self):
        form = {"grant_type": "password", "scope": SCOPE, "username": self.username, "password": self.password}
        url = self.engine + "/ovirt-engine/sso/oauth/token"
        self.logging_in = True
        try:
            answer = self.http.post_json(url, data=form, headers={"Authorization": None})
        except ApiError as exc:
            raise ApiError(exc.status, "SSO login of %s failed: %s" % (self.username, exc.server_message),
                           body=exc.body, url=url, method="POST")
        finally:
            self.logging_in = False
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise ApiError(200, "SSO login of %s failed: %s" % (self.username, fault_message(None, answer)),
                           body=answer, url=url, method="POST")
        self.use_token(answer["access_token"])
        self.own_token = True

    def renew_token(self):
        """Called by HttpClient on a 401: log in again once, when the password is known."""
        if self.logging_in or not (self.username and self.password):
            return False
        self.login()
        return True

    def logout(self):
        """Revoke the token this client obtained (never one the user supplied); best effort."""
        if not self.own_token:
            return
        self.own_token = False
        try:
            self.http.post_json(self.engine + "/ovirt-engine/services/sso-logout",
                                data={"scope": SCOPE, "token": self.token}, headers={"Authorization": None})
        except ApiError:
            pass  # the token expires by itself; a failed logout must not fail a task that did its work

    # -- VMs ------------------------------------------------------------------------------------------
    def search_vms(self, query=None):
        body = self.http.get_json("vms", params={"search": query} if query else None)
        return (body or {}).get("vm", [])

    def find_vm(self, name):
        """The VM named exactly `name` (the engine's search is case-insensitive and has wildcards)."""
        matches = [vm for vm in self.search_vms("name=%s" % name) if vm.get("name") == name]
        return matches[0] if matches else None

    def get_vm(self, vm_id, next_run=False):
        return self.http.get_or_none(quote_path("vms", vm_id), params={"next_run": "true"} if next_run else None)

    def create_vm(self, body):
        return self.http.post_json("vms", body)

    def update_vm(self, vm_id, body):
        return self.http.put_json(quote_path("vms", vm_id), body)

    def remove_vm(self, vm_id):
        self.http.delete(quote_path("vms", vm_id))

    def vm_action(self, vm_id, action):
        return self.http.post_json(quote_path("vms", vm_id, action), {})

    def has_named(self, kind, name):
        """Whether the engine has a cluster or template (`kind`: clusters, templates) named exactly `name`."""
        body = self.http.get_json(kind, params={"search": "name=%s" % name})
        return any(item.get("name") == name for item in (body or {}).get(kind[:-1], []))

    def name_of(self, kind, ref):
        """The name of a cluster/template/host reference, read once per task."""
        if not ref or not ref.get("id"):
            return None
        key = (kind, ref["id"])
        if key not in self.names:
            item = self.http.get_or_none(quote_path(kind, ref["id"]))
            self.names[key] = (item or {}).get("name")
        return self.names[key]

    def normalize(self, raw):
        """The dict rhev_vm and rhev_vm_info return for an engine VM, pending next-run values included."""
        if raw is None:
            return None
        vm = {
            "id": raw["id"],
            "name": raw.get("name"),
            "status": raw.get("status"),
            "cluster": self.name_of("clusters", raw.get("cluster")),
            "template": self.name_of("templates", raw.get("template")),
            "host": self.name_of("hosts", raw.get("host")),
        }
        vm.update(config_of(raw))
        vm["next_run"] = as_bool(raw.get("next_run_configuration_exists", False))
        vm["pending"] = {}
        if vm["next_run"]:
            following = config_of(self.get_vm(raw["id"], next_run=True) or raw)
            vm["pending"] = {k: v for k, v in following.items() if v != vm[k]}
        return vm


# -- power planning ----------------------------------------------------------------------------------
# The status each action leads to once the engine has finished it.
ACTION_TARGETS = {"start": "up", "stop": "down", "shutdown": "down", "suspend": "suspended", "reboot": "up"}
RESTART_FIELDS = frozenset(["memory", "memory_guaranteed", "cpu_sockets", "cpu_cores", "cpu_threads", "os_type"])


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
