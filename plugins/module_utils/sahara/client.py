# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""OpenStack Sahara (data processing) API calls for one task, on the collection's HttpClient.

Sahara calls share HttpClient's retry policy (no POST sent twice), its error model and its 401 hook, which asks
keystoneauth for a new token once. Nothing talks to the network before the first call.
The endpoint of the API version asked for is where Sahara mounts it (connection.mounted_endpoint); Sahara's version
document is read only when that place answers 404, or for sahara_auth, whose endpoint other tasks reuse unchecked.
Names the task gives for other resources are resolved with one list per kind, and only when the resource read does
not already hold the value as an id.
"""

from __future__ import annotations

import re

from ansible_collections.bigdata.platform.plugins.module_utils.errors import NotFound, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import quote_path
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import (
    Connection, guard_urls, mounted_endpoint, redact_url, version_of, versioned_endpoint,
)

# kind -> (URL collection, one-object wrapper, list wrapper)
KINDS = {
    "node_group_template": ("node-group-templates", "node_group_template", "node_group_templates"),
    "cluster_template": ("cluster-templates", "cluster_template", "cluster_templates"),
    "cluster": ("clusters", "cluster", "clusters"),
    "image": ("images", "image", "images"),
}
UUID = re.compile(r"^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")


def sahara_error_message(response, body):
    """Sahara answers {"error_name", "error_message"}; Keystone middleware {"error": {"message"}}."""
    if isinstance(body, dict) and body.get("error_message"):
        message = body["error_message"].split("\nError ID:")[0]
        return "%s: %s" % (body["error_name"], message) if body.get("error_name") else message
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        return body["error"].get("message") or response.reason
    return (body.strip() if isinstance(body, str) and body.strip() else response.reason) or "no message"


class SaharaClient:
    """Sahara API calls for one task."""

    def __init__(self, params):
        self.params = params
        self.v2 = params["api_version"] == "2"
        self.version_field = "plugin_version" if self.v2 else "hadoop_version"
        self.connection = Connection(params)
        self._http = None
        self._glance = None
        self._unconfirmed = None  # (catalog URL, project id) while the endpoint is mounted_endpoint's, unanswered
        self._listed = {}  # kind -> every resource of that kind, for resolving names

    @classmethod
    def from_module(cls, module):
        guard_urls(module)
        sahara_url = module.params.get("sahara_url")
        if sahara_url and version_of(sahara_url) not in (None, module.params["api_version"]):
            raise OptionError("sahara_url", redact_url(sahara_url), "is an API %s endpoint, but api_version is %s"
                              % (version_of(sahara_url), module.params["api_version"]))
        return cls(module.params)

    # -- connection ------------------------------------------------------------------------
    def connect(self, confirm_endpoint=False):
        """Authenticate with Keystone and find the Sahara endpoint; returns the HttpClient. `confirm_endpoint`:
        read the version document now when the catalog's endpoint is of another API version."""
        if self._http is not None:
            return self._http
        token = self.connection.open().token()
        http = self.connection.http("http://unused", token, self.reauthenticate, sahara_error_message)
        if self.params.get("sahara_url"):
            endpoint = self.params["sahara_url"]
        else:
            catalog_url = self.connection.catalog_url(self.params["service_type"])
            if not catalog_url:
                raise PlatformError("the service catalog has no %s endpoint (interface %s, region %s); set sahara_url, "
                                    "or check service_type, interface and region_name"
                                    % (self.params["service_type"], self.params["interface"],
                                       self.connection.region_name or "any"))
            project_id = self.connection.session.get_project_id()
            endpoint = mounted_endpoint(catalog_url, self.params["api_version"], project_id)
            if endpoint != catalog_url and confirm_endpoint:
                endpoint = versioned_endpoint(http, catalog_url, self.params["api_version"], project_id)
            elif endpoint != catalog_url:
                self._unconfirmed = (catalog_url, project_id)
        http.base_url = endpoint.rstrip("/")
        self._http = http
        return http

    def reauthenticate(self):
        """Sahara said 401: the token expired or was revoked. Ask Keystone for a new one, once."""
        token = self.connection.renew()
        for client in (self._http, self._glance):
            if client is not None:
                client.session.headers["X-Auth-Token"] = token
        return True

    @property
    def request_count(self):
        return sum(client.request_count for client in (self._http, self._glance) if client)

    def read_collection(self, collection, params=None):
        """GET a collection. Every task reads one first: its answer confirms an endpoint that mounted_endpoint
        found; a 404 there means this Sahara does not serve the API version at that place, so the version document
        says where it does (the read is then sent there) or that it does not (PlatformError naming api_version)."""
        http = self.connect()
        try:
            body = http.get_json(collection, params=params)
        except NotFound:
            if self._unconfirmed is None:
                raise
            catalog_url, project_id = self._unconfirmed
            self._unconfirmed = None
            endpoint = versioned_endpoint(http, catalog_url, self.params["api_version"], project_id).rstrip("/")
            if endpoint == http.base_url:
                raise
            http.base_url = endpoint
            body = http.get_json(collection, params=params)
        self._unconfirmed = None
        return body

    # -- generic calls ---------------------------------------------------------------------
    def list(self, kind, name=None):
        collection, dummy, wrapper = KINDS[kind]
        params = {"name": name} if name is not None else None
        items = self.read_collection(collection, params=params)[wrapper]
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

    def find_by_name_or_id(self, kind, value, option, held=()):
        """id of the resource named or identified by `value`, else OptionError naming the option.

        `held`: ids the resource read already refers to; a value among them is that id, with no request. Otherwise
        one list of the kind serves every name of the task.
        """
        if value in held:
            return value
        if kind not in self._listed:
            self._listed[kind] = self.list(kind)
        for item in self._listed[kind]:
            if value in (item.get("id"), item.get("name")):
                return item["id"]
        raise OptionError(option, value, "names no %s known to Sahara" % kind.replace("_", " "))

    def create(self, kind, body):
        collection, wrapper, dummy = KINDS[kind]
        return self.connect().post_json(collection, body)[wrapper]

    def update(self, kind, resource_id, body):
        """Templates: v1.1 updates with PUT, v2 with PATCH; clusters with PATCH in both (PUT scales them)."""
        collection, wrapper, dummy = KINDS[kind]
        send = self.connect().patch_json if (self.v2 or kind == "cluster") else self.connect().put_json
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

    # -- image registry ----------------------------------------------------------------------
    def glance(self):
        """An HttpClient on Glance's v2 API, from the catalog (the token's catalog when Keystone was not asked)."""
        if self._glance is None:
            http = self.connect()
            if self.params.get("sahara_url") and self.params.get("auth_type") in ("token", "v3token", "admin_token"):
                base = self.glance_from_token_catalog(http)
            else:
                base = self.connection.catalog_url("image")
            if not base:
                raise PlatformError("the service catalog has no image (Glance) endpoint for interface %s; give the "
                                    "image by its id" % self.params["interface"])
            self._glance = self.connection.http(base.rstrip("/") + "/v2", http.session.headers["X-Auth-Token"],
                                                self.reauthenticate, sahara_error_message)
        return self._glance

    def glance_from_token_catalog(self, http):
        auth_url = (self.params.get("auth") or {}).get("auth_url")
        if not auth_url:
            raise OptionError("auth.auth_url", None, "is needed to find Glance in the token's catalog (or give the image "
                                                     "by its id)")
        catalog = http.get_json(auth_url.rstrip("/") + "/auth/catalog").get("catalog") or []
        for service in catalog:
            if service.get("type") == "image":
                for endpoint in service.get("endpoints") or []:
                    if endpoint.get("interface") == self.params["interface"] and (
                            not self.params.get("region_name") or endpoint.get("region") == self.params["region_name"]):
                        return endpoint.get("url")
        return None

    def glance_image(self, value, option):
        """(id, name) of the Glance image named or identified by `value`, else OptionError naming the option."""
        found = self.glance().get_json("images", params={"name": value})["images"]
        if len(found) > 1:
            raise OptionError(option, value, "names %d Glance images; give the image's id" % len(found))
        if not found and UUID.match(value):
            image = self.glance().get_or_none(quote_path("images", value))
            found = [image] if image else []
        if not found:
            raise OptionError(option, value, "names no image known to Glance (by name or id)")
        return found[0]["id"], found[0]["name"]

    def list_images(self, tags=None):
        """Sahara's registered images, those with all `tags` when given."""
        return self.read_collection("images", params={"tags": list(tags)} if tags else None)["images"]

    def registered_image(self, value):
        """The Sahara registry entry of the image named or identified by `value`, or None."""
        for image in self.list_images():
            if value in (image.get("id"), image.get("name")):
                return image
        return None

    def register_image(self, image_id, username, description):
        body = {"username": username}
        if description:
            body["description"] = description
        return self.connect().post_json(quote_path("images", image_id), body)["image"]

    def unregister_image(self, image_id):
        self.connect().delete(quote_path("images", image_id))

    def set_image_tags(self, image_id, add, remove, wanted):
        """v2 replaces the tags in one PUT; v1.1 adds and removes with a POST each."""
        if self.v2:
            return self.connect().put_json(quote_path("images", image_id, "tags"), {"tags": sorted(wanted)})["image"]
        image = None
        if add:
            image = self.connect().post_json(quote_path("images", image_id, "tag"), {"tags": sorted(add)})["image"]
        if remove:
            image = self.connect().post_json(quote_path("images", image_id, "untag"), {"tags": sorted(remove)})["image"]
        return image
