# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenStack Sahara (data processing) client: Keystone auth, endpoint, URLs, payloads, normalisers.

Authentication and clouds.yaml/OS_* merging are openstacksdk's openstack.config and keystoneauth1,
exactly what openstack.cloud users already configure. Sahara calls go through the collection's
HttpClient with the Keystone token, so they share its retry policy (no POST sent twice), its error
model and its 401 hook, which asks keystoneauth for a new token once.
"""

from __future__ import annotations

import os
import traceback

try:
    from keystoneauth1 import exceptions as ks_exceptions
except ImportError:
    HAS_KEYSTONEAUTH = False
    KEYSTONEAUTH_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_KEYSTONEAUTH = True
    KEYSTONEAUTH_IMPORT_ERROR = None

try:
    import openstack.config
    from openstack import exceptions as sdk_exceptions
except ImportError:
    HAS_OPENSTACKSDK = False
    OPENSTACKSDK_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_OPENSTACKSDK = True
    OPENSTACKSDK_IMPORT_ERROR = None

from ansible.module_utils.basic import env_fallback

from ansible_collections.bigdata.platform.plugins.module_utils.errors import NotFound, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR, HttpClient, quote_path
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, apply_changes, differences, make_diff, merge_specs

AUTH_OPTIONS = dict(
    auth_url=dict(type="str"),
    username=dict(type="str"),
    user_id=dict(type="str"),
    password=dict(type="str", no_log=True),
    project_name=dict(type="str"),
    project_id=dict(type="str"),
    user_domain_name=dict(type="str"),
    user_domain_id=dict(type="str"),
    project_domain_name=dict(type="str"),
    project_domain_id=dict(type="str"),
    application_credential_id=dict(type="str"),
    application_credential_secret=dict(type="str", no_log=True),
    token=dict(type="str", no_log=True),
)

# Options documented by doc_fragments/sahara.py.
SAHARA_ARGS = merge_specs(dict(
    cloud=dict(type="str", fallback=(env_fallback, ["OS_CLOUD"])),
    auth=dict(type="dict", options=AUTH_OPTIONS),
    auth_type=dict(type="str", fallback=(env_fallback, ["OS_AUTH_TYPE"])),
    region_name=dict(type="str", fallback=(env_fallback, ["OS_REGION_NAME"])),
    interface=dict(type="str", default="public", choices=["public", "internal", "admin"],
                   aliases=["endpoint_type"], fallback=(env_fallback, ["OS_INTERFACE"])),
    service_type=dict(type="str", default="data-processing"),
    sahara_url=dict(type="str"),
    api_version=dict(type="str", default="2", choices=["2", "1.1"]),
), TLS_ARGS)

REQUIRED_LIBS = [
    ("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR),
    ("keystoneauth1", HAS_KEYSTONEAUTH, KEYSTONEAUTH_IMPORT_ERROR),
    ("openstacksdk", HAS_OPENSTACKSDK, OPENSTACKSDK_IMPORT_ERROR),
]

# kind -> (URL collection, one-object wrapper, list wrapper)
KINDS = {
    "node_group_template": ("node-group-templates", "node_group_template", "node_group_templates"),
    "cluster_template": ("cluster-templates", "cluster_template", "cluster_templates"),
    "cluster": ("clusters", "cluster", "clusters"),
    "image": ("images", "image", "images"),
}
ACTIVE = "Active"
ERROR = "Error"
DELETING = "Deleting"


def auth_type_for(params, environ=None):
    """The keystoneauth plugin the given auth keys call for, unless auth_type (or OS_AUTH_TYPE) says otherwise.

    openstack.config would use "password" for an application credential or a token too, and fail.
    Without cloud and auth, the OS_* variables are the credentials, so they decide.
    """
    if params.get("auth_type"):
        return params["auth_type"]
    auth = params.get("auth") or {}
    if not auth and not params.get("cloud"):
        environ = os.environ if environ is None else environ
        auth = {key: environ.get("OS_" + key.upper()) for key in ("application_credential_id", "token", "password")}
    if auth.get("application_credential_id") or auth.get("application_credential_secret"):
        return "v3applicationcredential"
    if auth.get("token") and not auth.get("password"):
        return "v3token"
    return None


def connection_kwargs(params):
    """Keyword arguments for openstack.config's get_one(): only what the task sets."""
    kwargs = dict(interface=params["interface"], verify=params["validate_certs"], api_timeout=params["request_timeout"])
    if params.get("ca_cert"):
        kwargs["cacert"] = params["ca_cert"]
    if params.get("region_name"):
        kwargs["region_name"] = params["region_name"]
    auth = {key: value for key, value in (params.get("auth") or {}).items() if value is not None}
    if auth:
        kwargs["auth"] = auth
    auth_type = auth_type_for(params)
    if auth_type:
        kwargs["auth_type"] = auth_type
    return kwargs


def keystone_failure(exc, auth_url):
    """One clear message for everything keystoneauth and openstack.config raise while authenticating."""
    if isinstance(exc, ks_exceptions.Unauthorized):
        return PlatformError("Keystone at %s refused the credentials (HTTP 401): check auth.username, auth.password, "
                             "the project and domain names, or the application credential or token (%s)"
                             % (auth_url, exc), status=401, url=auth_url)
    if isinstance(exc, ks_exceptions.MissingRequiredOptions):
        return PlatformError("incomplete OpenStack credentials: %s (set cloud, the auth option or OS_* variables)" % exc)
    if isinstance(exc, ks_exceptions.SSLError):
        return PlatformError("TLS verification of Keystone at %s failed (set ca_cert to the CA that signed its certificate, "
                             "or validate_certs: false to skip the check): %s" % (auth_url, exc), url=auth_url)
    if isinstance(exc, ks_exceptions.ConnectionError):
        return PlatformError("cannot reach Keystone at %s: %s" % (auth_url, exc), url=auth_url)
    return PlatformError("OpenStack authentication failed: %s" % exc, url=auth_url)


def sahara_error_message(response, body):
    """Sahara answers {"error_name", "error_message"}; Keystone middleware {"error": {"message"}}."""
    if isinstance(body, dict) and body.get("error_message"):
        message = body["error_message"].split("\nError ID:")[0]
        return "%s: %s" % (body["error_name"], message) if body.get("error_name") else message
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"].get("message") or response.reason
    return (body if isinstance(body, str) and body else response.reason) or "no message"


class SaharaClient:
    """Sahara API calls for one task. Nothing talks to the network before the first call."""

    def __init__(self, params):
        self.params = params
        self.v2 = params["api_version"] == "2"
        self.version_field = "plugin_version" if self.v2 else "hadoop_version"
        self._session = None
        self._http = None

    @classmethod
    def from_params(cls, params):
        return cls(params)

    # -- connection ------------------------------------------------------------------------
    def connect(self):
        """Authenticate with Keystone and find the Sahara endpoint; returns the HttpClient."""
        if self._http is not None:
            return self._http
        region = self.cloud_region()
        auth_url = region.config.get("auth", {}).get("auth_url") or "the configured auth_url"
        try:
            self._session = region.get_session()
            token = self._session.get_token()
        except ks_exceptions.ClientException as exc:
            raise keystone_failure(exc, auth_url)
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # keystoneauth's generic plugins raise a bare Exception for a missing option ('password is a required
            # attribute'): a message for the task, not a traceback.
            raise PlatformError("OpenStack authentication failed: %s (check the auth option, the clouds.yaml entry or "
                                "the OS_* variables)" % exc, url=auth_url) from None
        endpoint = self.endpoint(region)
        # TLS as openstack.config settled it for Keystone: ca_cert, else clouds.yaml's cacert or OS_CACERT.
        verify = region.get_requests_verify_args()[0]
        self._http = HttpClient(endpoint, headers={"X-Auth-Token": token}, validate_certs=bool(verify),
                                ca_cert=verify if isinstance(verify, str) else None, timeout=self.params["request_timeout"],
                                error_message=sahara_error_message, reauthenticate=self.reauthenticate)
        return self._http

    def cloud_region(self):
        """openstack.config's merge of clouds.yaml, OS_* variables and the task's options."""
        try:
            return openstack.config.OpenStackConfig().get_one(cloud=self.params.get("cloud"), **connection_kwargs(self.params))
        except sdk_exceptions.ConfigException as exc:
            raise PlatformError("OpenStack configuration: %s" % exc)
        except ks_exceptions.ClientException as exc:
            raise keystone_failure(exc, (self.params.get("auth") or {}).get("auth_url") or "the configured auth_url")
        except TypeError as exc:
            # keystoneauth builds its plugin from every auth key given, and refuses one the plugin has no use for.
            raise PlatformError("the auth options do not fit auth_type %s: %s" % (auth_type_for(self.params) or "password", exc))

    def endpoint(self, region):
        """The Sahara URL: sahara_url, or the catalog's for this interface and region, through version discovery."""
        if self.params.get("sahara_url"):
            return self.params["sahara_url"]
        try:
            endpoint = self._session.get_endpoint(
                service_type=self.params["service_type"], interface=self.params["interface"],
                region_name=region.region_name or None, version=self.params["api_version"],
                allow={"allow_experimental": True})
        except ks_exceptions.ClientException as exc:
            raise PlatformError("cannot find Sahara API %s from the service catalog: %s" % (self.params["api_version"], exc))
        if not endpoint:
            raise PlatformError("the service catalog has no %s endpoint for API version %s (interface %s, region %s); "
                                "set sahara_url, or check service_type, interface and region_name"
                                % (self.params["service_type"], self.params["api_version"], self.params["interface"],
                                   region.region_name or "any"))
        return endpoint

    def reauthenticate(self):
        """Sahara said 401: the token expired or was revoked. Ask Keystone for a new one, once."""
        try:
            self._session.invalidate()
            self._http.session.headers["X-Auth-Token"] = self._session.get_token()
        except ks_exceptions.ClientException as exc:
            raise keystone_failure(exc, "Keystone")
        return True

    @property
    def request_count(self):
        return self._http.request_count if self._http else 0

    # -- generic calls ---------------------------------------------------------------------
    def list(self, kind, name=None):
        collection, dummy, wrapper = KINDS[kind]
        params = {"name": name} if name is not None else None
        items = self.connect().get_json(collection, params=params)[wrapper]
        return [item for item in items if name is None or item.get("name") == name]

    def get(self, kind, resource_id, params=None):
        collection, wrapper, dummy = KINDS[kind]
        body = self.connect().get_or_none(quote_path(collection, resource_id), params=params)
        return body[wrapper] if body else None

    def find(self, kind, name):
        """The one resource of `kind` with this name, or None."""
        found = self.list(kind, name)
        if len(found) > 1:
            raise PlatformError("%d %ss are named %r; Sahara names should be unique" % (len(found), kind, name))
        return found[0] if found else None

    def find_by_name_or_id(self, kind, value, option):
        """id of the resource named or identified by `value`, else OptionError naming the option."""
        for item in self.list(kind):
            if value in (item.get("id"), item.get("name")):
                return item["id"]
        raise OptionError(option, value, "names no %s known to Sahara" % kind.replace("_", " "))

    def create(self, kind, body):
        collection, wrapper, dummy = KINDS[kind]
        return self.connect().post_json(collection, body)[wrapper]

    def update(self, kind, resource_id, body):
        """Templates: v1.1 updates with PUT, v2 with PATCH."""
        collection, wrapper, dummy = KINDS[kind]
        send = self.connect().patch_json if self.v2 else self.connect().put_json
        return send(quote_path(collection, resource_id), body)[wrapper]

    def delete(self, kind, resource_id):
        try:
            self.connect().delete(quote_path(KINDS[kind][0], resource_id))
        except NotFound:
            pass

    # -- clusters --------------------------------------------------------------------------
    def get_cluster(self, cluster_id):
        return self.get("cluster", cluster_id, params={"show_progress": "true"})

    def scale_cluster(self, cluster_id, body):
        return self.connect().put_json(quote_path("clusters", cluster_id), body)["cluster"]

    def with_plugin(self, body, plugin, version):
        """A request body with the plugin fields named as this API version names them."""
        body = dict(body)
        if plugin is not None:
            body["plugin_name"] = plugin
        if version is not None:
            body[self.version_field] = version
        return body


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
    })
    return result


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
        "node_groups": {ng["name"]: ng.get("count", 0) for ng in raw.get("node_groups") or []},
        "node_group_details": [
            {"name": ng.get("name"), "count": ng.get("count", 0), "flavor_id": ng.get("flavor_id"),
             "node_processes": ng.get("node_processes") or [], "node_group_template_id": ng.get("node_group_template_id"),
             "instances": [i.get("instance_name") for i in ng.get("instances") or []]}
            for ng in raw.get("node_groups") or []],
        "provision_progress": [
            {"step_name": step.get("step_name"), "successful": step.get("successful"), "total": step.get("total")}
            for step in raw.get("provision_progress") or []],
    })
    return result


def read_normalized(client, kind, name, normalize, read_one=None):
    """The _info modules' answer: resources of `kind` (one name or all), normalised, sorted by name.

    read_one(id) re-reads each found resource when a single read says more than the list does.
    """
    found = client.list(kind, name)
    if read_one is not None:
        found = [read_one(item["id"]) for item in found]
    return sorted((normalize(item) for item in found if item is not None), key=lambda resource: resource["name"])


def describe_cluster(cluster):
    """A cluster's state in one line, for timeouts: status, description, the step in progress."""
    if cluster is None:
        return "gone"
    text = cluster["status"]
    if cluster.get("status_description"):
        text += " (%s)" % cluster["status_description"]
    running = [step["step_name"] for step in cluster.get("provision_progress") or [] if step["successful"] is None]
    if running:
        text += ", step in progress: %s" % running[-1]
    return text


def api_body(client, values, current=None):
    """A template request body from normalised keys; the plugin version always travels with its plugin."""
    body = {key: value for key, value in values.items() if key not in ("plugin", "plugin_version")}
    if "plugin" in values or "plugin_version" in values:
        plugin = values.get("plugin", (current or {}).get("plugin"))
        version = values.get("plugin_version", (current or {}).get("plugin_version"))
        body = client.with_plugin(body, plugin, version)
    return body


def ensure_template(module, client, kind, desired, normalize, required):
    """present/absent by name for a node group or cluster template; desired uses the normalised keys.

    Returns the module result: changed, diff and the template under `kind`.
    """
    name = module.params["name"]
    current = normalize(client.find(kind, name))
    if module.params["state"] == "absent":
        if current is not None and not module.check_mode:
            client.delete(kind, current["id"])
        return {"changed": current is not None, kind: {}, "diff": make_diff(current, None)}
    changes = differences(current, desired)
    if current is None:
        missing = [option for option in required if desired.get(option) in (None, [])]
        if missing:
            raise OptionError(missing[0], None, "is required to create %s %r" % (kind.replace("_", " "), name))
        after = apply_changes({"name": name}, changes)
        if not module.check_mode:
            after = normalize(client.create(kind, api_body(client, desired)))
    elif changes:
        after = apply_changes(current, changes)
        if not module.check_mode:
            update = {key: wanted for key, (dummy, wanted) in changes.items()}
            after = normalize(client.update(kind, current["id"], api_body(client, update, current)))
    else:
        after = current
    return {"changed": current is None or bool(changes), kind: after, "diff": make_diff(current, after)}
