# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""oVirt / RHV engine REST API v4 (JSON) client for the rhev_* modules and the rhev inventory plugin.

Authentication is the engine's SSO: one bearer token per task, requested with the user's password,
renewed once when it expires during a long wait, and revoked at the end (a token the user supplied is
neither renewed nor revoked). Faults raise ApiError with the engine's own reason and detail.

The package: oVirt / RHV engine support: client.py (SSO, requests, reads and writes), vm.py (the normalised
VM, power planning, prediction), devices.py (disks, NICs, cloud-init/sysprep, placement: desired state and
plans), sizes.py (binary units in, the user's units out).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, NotFound, OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HttpClient, default_error_message, quote_path
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.vm import FOLLOW, config_of, listed, normalize

# Options documented by doc_fragments/rhev.py.
RHEV_ARGS = dict(
    url=dict(type="str", required=True, fallback=(env_fallback, ["OVIRT_URL"])),
    username=dict(type="str", fallback=(env_fallback, ["OVIRT_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["OVIRT_PASSWORD"])),
    token=dict(type="str", no_log=True, fallback=(env_fallback, ["OVIRT_TOKEN"])),
    insecure=dict(type="bool", default=False),
)

SCOPE = "ovirt-app-api"
API_PATH = "/ovirt-engine/api"


# The element name of each top-level collection's items.
KIND_ELEMENTS = {"clusters": "cluster", "templates": "template", "hosts": "host", "storagedomains": "storage_domain",
                 "networks": "network", "vnicprofiles": "vnic_profile", "tags": "tag", "vms": "vm"}


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
        self.cache = {}
        self.reauthenticate_allowed = True
        self.api_path = parts.path.rstrip("/")
        self.http = HttpClient(url, headers={"Version": "4"}, validate_certs=validate_certs, ca_cert=ca_cert,
                               timeout=request_timeout, error_message=self.error_message,
                               reauthenticate=self.renew_token)

    def error_message(self, response, body):
        """The engine's message; a bare 404 on a url that is not the API's path says where the API lives."""
        message = fault_message(response, body)
        if response is not None and response.status_code == 404 and not self.api_path.endswith(API_PATH):
            if not (isinstance(body, dict) and body.get("detail")):
                message += (" (the API of an engine is at %s%s: option url is %s%s, without that path?)"
                            % (self.engine, API_PATH, self.engine, self.api_path))
        return message

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

    def login(self, keep=False):
        """Exchange the password for a token (revoked at __exit__ unless keep); the SSO POST is safe to repeat."""
        form = {"grant_type": "password", "scope": SCOPE, "username": self.username, "password": self.password}
        url = self.engine + "/ovirt-engine/sso/oauth/token"
        self.logging_in = True
        try:
            answer = self.http.post_json(url, data=form, headers={"Authorization": None}, idempotent=True)
        except ApiError as exc:
            raise ApiError(exc.status, "SSO login of %s failed: %s" % (self.username, exc.server_message),
                           body=exc.body, url=url, method="POST")
        finally:
            self.logging_in = False
        if not isinstance(answer, dict) or not answer.get("access_token"):
            raise ApiError(200, "SSO login of %s failed: %s" % (self.username, fault_message(None, answer)),
                           body=answer, url=url, method="POST")
        self.use_token(answer["access_token"])
        self.own_token = not keep
        return answer["access_token"]

    def renew_token(self):
        """Called by HttpClient on a 401: log in again once, when the password is known."""
        if self.logging_in or not self.reauthenticate_allowed or not (self.username and self.password):
            return False
        self.login()
        return True

    def logout(self):
        """Revoke the token this client obtained (never one the user supplied); best effort."""
        if not self.own_token:
            return
        self.own_token = False
        try:
            self.revoke(self.token)
        except ApiError:
            pass  # the token expires by itself; a failed logout must not fail a task that did its work

    def token_is_valid(self, token):
        """Whether the engine accepts `token` (one GET of the entry point; no renewal is tried)."""
        self.reauthenticate_allowed = False
        try:
            self.http.get_json("", headers={"Authorization": "Bearer " + token})
        except ApiError as exc:
            if exc.status == 401:
                return False
            raise
        finally:
            self.reauthenticate_allowed = True
        return True

    def revoke(self, token):
        """The SSO logout POST is safe to repeat (revoking a revoked token changes nothing): retried like a GET."""
        self.http.post_json(self.engine + "/ovirt-engine/services/sso-logout", data={"scope": SCOPE, "token": token},
                            headers={"Authorization": None}, idempotent=True)

    # -- VMs ------------------------------------------------------------------------------------------
    def search_vms(self, query=None):
        params = {"follow": FOLLOW, "all_content": "true"}
        if query:
            params["search"] = query
        body = self.http.get_json("vms", params=params)
        return (body or {}).get("vm", [])

    def find_vm(self, name):
        """The VM named exactly `name` (the engine's search is case-insensitive and has wildcards)."""
        matches = [vm for vm in self.search_vms("name=%s" % name) if vm.get("name") == name]
        return matches[0] if matches else None

    def get_vm(self, vm_id, next_run=False, follow=FOLLOW):
        params = {"next_run": "true"} if next_run else {"follow": follow, "all_content": "true"} if follow else None
        return self.http.get_or_none(quote_path("vms", vm_id), params=params)

    def create_vm(self, body, clone=False):
        return self.http.post_json("vms", body, params={"clone": "true"} if clone else None)

    def update_vm(self, vm_id, body):
        return self.http.put_json(quote_path("vms", vm_id), body)

    def delete(self, path, params=None):
        """DELETE; a 404 means it is gone, also when a DELETE retried after a lost answer finds the first one worked."""
        try:
            self.http.delete(path, params=params)
        except NotFound:
            pass

    def remove_vm(self, vm_id):
        self.delete(quote_path("vms", vm_id))

    def vm_action(self, vm_id, action, body=None):
        return self.http.post_json(quote_path("vms", vm_id, action), body or {})

    # -- disks, NICs, tags ----------------------------------------------------------------------------
    def add_disk(self, vm_id, body):
        return self.http.post_json(quote_path("vms", vm_id, "diskattachments"), body)

    def update_disk(self, vm_id, disk_id, body):
        return self.http.put_json(quote_path("vms", vm_id, "diskattachments", disk_id), body)

    def remove_disk(self, vm_id, disk_id):
        """Detach the disk and delete it (detach_only=false)."""
        self.delete(quote_path("vms", vm_id, "diskattachments", disk_id), params={"detach_only": "false"})

    def add_nic(self, vm_id, body):
        return self.http.post_json(quote_path("vms", vm_id, "nics"), body)

    def update_nic(self, vm_id, nic_id, body):
        return self.http.put_json(quote_path("vms", vm_id, "nics", nic_id), body)

    def remove_nic(self, vm_id, nic_id):
        self.delete(quote_path("vms", vm_id, "nics", nic_id))

    def add_tag(self, name):
        return self.http.post_json("tags", {"name": name})

    def tag_vm(self, vm_id, name):
        return self.http.post_json(quote_path("vms", vm_id, "tags"), {"name": name})

    # -- clusters, affinity groups ----------------------------------------------------------------------
    def add_affinity_group(self, cluster_id, body):
        return self.http.post_json(quote_path("clusters", cluster_id, "affinitygroups"), body)

    def update_affinity_group(self, cluster_id, group_id, body):
        return self.http.put_json(quote_path("clusters", cluster_id, "affinitygroups", group_id), body)

    def add_to_affinity_group(self, cluster_id, group_id, vm_id):
        return self.http.post_json(quote_path("clusters", cluster_id, "affinitygroups", group_id, "vms"), {"id": vm_id})

    # -- names ------------------------------------------------------------------------------------------
    def named(self, kind, name, follow=None):
        """The cluster/template/host/storage domain... (`kind` as the URL names it) called exactly `name`, or None."""
        params = {"search": "name=%s" % name}
        if follow:
            params["follow"] = follow
        body = self.http.get_json(kind, params=params)
        return next((item for item in listed(body, None, KIND_ELEMENTS[kind]) if item.get("name") == name), None)

    def all_of(self, kind, follow=None):
        """Every entity of a kind (read once per task)."""
        key = (kind, follow)
        if key not in self.cache:
            body = self.http.get_json(kind, params={"follow": follow} if follow else None)
            self.cache[key] = listed(body, None, KIND_ELEMENTS[kind])
        return self.cache[key]

    def host_names(self, vm_raw):
        """{id: name} of the hosts a VM is pinned to (read only when it is pinned)."""
        if not listed((vm_raw or {}).get("placement_policy"), "hosts", "host"):
            return {}
        return {host["id"]: host.get("name") for host in self.all_of("hosts")}

    def normalize(self, raw):
        """The dict rhev_vm, rhev_vm_info and the inventory plugin return, pending next-run values included."""
        vm = normalize(raw, self.host_names(raw))
        if vm and vm["next_run"]:
            following = config_of(self.get_vm(raw["id"], next_run=True) or raw)
            vm["pending"] = {k: v for k, v in following.items() if v != vm[k]}
        return vm
