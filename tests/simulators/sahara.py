"""OpenStack Keystone v3 + Glance v2 + Sahara (data processing) on one server.

Keystone answers at /v3 (auth_url = <url>/v3); its catalog's data-processing endpoints point back at this
server: /v1.1/<project_id> (default) or /v2 (catalog_version="2"), for every region and interface; its
image endpoint (Glance, unversioned as Glance registers it) is <url>/image.
Sahara answers the version document at / and both API versions: /v1.1/{project_id}/... and /v2/...,
with v1.1's hadoop_version/tenant_id and v2's plugin_version/project_id. api_v2=False is a Sahara that serves
v1.x only (before Rocky, or deployed with the v1 app): sahara/api/middleware/sahara_middleware.py's build_app()
registers /v1.0 and /v1.1 alone (build_v2_app() adds /v2), so any /v2 path is Flask's 404, rendered by its
make_json_error as {"error": 404, "error_message": ...}, after keystonemiddleware accepted the token; the
version document is VersionResponseMiddlewareV1's (v1.0 SUPPORTED, v1.1 CURRENT, no v2).

Seeded fixture (documented here for the demo and tests):
  domain Default (id default); project demo (id 8f1e2b6d...); user demo / secret;
  application credential id demo-app-cred / secret demo-app-secret (scoped to demo);
  plugins vanilla 2.7.1, spark 2.3, cdh 5.13; Glance image sahara-vanilla-2.7.1 (IMAGE_ID), NOT registered
  with Sahara (register_seed_image() registers and tags it for tests that do not test the registry);
  network private (id 5b0c1e6e-8d3f-4c55-9a51-0b8e2f3c7d10); any flavor id is accepted (m1.medium, "2", ...);
  no templates, no clusters (seed_templates() adds vanilla ones for tests, on the registered image).

Image registry, as Sahara implements it (sahara/utils/openstack/images.py, sahara/service/api/v2/images.py,
sahara/api/v10.py and v2/images.py of openstack/sahara): the registry is Glance image properties
(_sahara_username, _sahara_description, _sahara_tag_<tag>="True"); Sahara lists only images with a username;
an image unknown to Glance is 404 on every /images/{id} call, a known unregistered one is 400
IMAGE_NOT_REGISTERED on GET. POST /images/{id} {username, description} registers (202; an empty description
keeps the old one, as set_image_info does); DELETE /images/{id} removes username, description and tags (204),
without any check of clusters using the image (Sahara has none). Tags: v1.1 POST /images/{id}/tag and /untag
{"tags": [...]}; v2 PUT /images/{id}/tags {"tags": [...]} (replace, 200), GET and DELETE /images/{id}/tags.
Tags must match Sahara's valid_tag format (sahara/utils/api_validator.py).
Cluster launch (sahara/service/validations/clusters.py, base.py): the default image must be registered
("Requested image '<id>' is not registered") and carry the plugin's required tags, [plugin, version]
(ProvisioningPluginBase.get_required_image_tags): "Requested image '<id>' doesn't contain required tags:
[...]", 400 INVALID_REFERENCE. Instances (conductor Instance: instance_id, instance_name, internal_ip,
management_ip) exist from Spawning on; their addresses are set once spawned (from Waiting on).
Cluster update is PATCH /clusters/{id} on both v1.1 and v2 (PUT is scaling), 202; a protected cluster
refuses every update but unprotecting or changing only is_public (check_protected_from_update in
sahara/service/validations/acl.py: 400 UPDATE_FAILED), and its deletion (400 DELETION_FAILED).

Clusters move through Sahara's statuses over simulated time (stage_seconds per status):
  create:  Validating, InfraUpdating, Spawning, Waiting, Preparing, Configuring, Starting -> Active
  scale:   Decommissioning (when shrinking), Scaling, Adding Instances (when growing), Configuring -> Active
  delete:  Deleting -> gone (404)
Errors have Sahara's body {"error_code", "error_name", "error_message"}: unknown ids 404 NOT_FOUND; validation 400,
and so is a duplicate name (400 NAME_ALREADY_EXISTS, as Sahara's check_*_unique_name validators and its REST API
reference answer; Sahara has no 409). Keystone refusals are 401 with Keystone's {"error": {...}} body.
Keystone also validates (GET), revokes (DELETE, X-Subject-Token) tokens and lists a token's catalog
(GET /v3/auth/catalog), as the Identity v3 API does.
Test hooks (also POST /_sim/control/<name>): fail_next_create(description, at), set_token_lifetime(seconds),
expire_tokens(), set_stage_seconds(seconds), register_seed_image(), seed_templates().
Token lifetimes are in real seconds (expires_at must mean what it says to keystoneauth).
"""

import copy
import datetime
import json
import re
import time
import uuid

from simulators.framework import HttpError, Response, Simulator, Timeline, route

PROJECT_ID = "8f1e2b6d3c4a4e5f9a0b1c2d3e4f5a6b"
USER_ID = "2a3b4c5d6e7f48091a2b3c4d5e6f7a8b"
NETWORK_ID = "5b0c1e6e-8d3f-4c55-9a51-0b8e2f3c7d10"
IMAGE_ID = "1c3f2b9e-7a44-4d1b-8b0e-3f9d6c2a5e71"
APP_CRED_ID = "demo-app-cred"
APP_CRED_SECRET = "demo-app-secret"
REGIONS = ("RegionOne", "RegionTwo")
INTERFACES = ("public", "internal", "admin")

CREATE_STAGES = ["Validating", "InfraUpdating", "Spawning", "Waiting", "Preparing", "Configuring", "Starting"]
GONE = "__gone__"
VALID_TAG = re.compile(r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-_]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-_]*[A-Za-z0-9])$")
V2_WITH_PROJECT = re.compile(r"^/v2/([0-9a-f]{32})(/.*)?$")
UNAUTHORIZED = {"error": {"code": 401, "title": "Unauthorized",
                          "message": "The request you have made requires authentication."}}
ERROR_NAMES = {400: "INVALID_DATA", 401: "UNAUTHORIZED", 403: "FORBIDDEN", 404: "NOT_FOUND",
               405: "METHOD_NOT_ALLOWED", 500: "INTERNAL_SERVER_ERROR", 503: "SERVICE_UNAVAILABLE"}


def iso(moment):
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def wall_now():
    return datetime.datetime.now(datetime.timezone.utc)


def sahara_error(status, name, message):
    """Sahara's error body; its messages end with an error id, like the real service's."""
    return HttpError(status, {"error_code": status, "error_name": name,
                              "error_message": "%s\nError ID: %s" % (message, uuid.uuid4())})


def invalid(message, name="INVALID_REFERENCE"):
    return sahara_error(400, name, message)


def v2_view(resource):
    """v2 renames hadoop_version -> plugin_version and tenant_id -> project_id."""
    view = copy.deepcopy(resource)
    if "hadoop_version" in view:
        view["plugin_version"] = view.pop("hadoop_version")
    if "tenant_id" in view:
        view["project_id"] = view.pop("tenant_id")
    return view


class SaharaSimulator(Simulator):
    name = "sahara"

    def __init__(self, speed=1.0, stage_seconds=2.0, token_lifetime=3600.0, catalog_version="1.1", api_v2=True):
        super().__init__(speed)
        if catalog_version == "2" and not api_v2:
            raise ValueError("a catalog cannot list the v2 endpoint of a Sahara without v2")
        self.api_v2 = api_v2
        self.stage_seconds = float(stage_seconds)
        self.token_lifetime = float(token_lifetime)
        self.catalog_version = catalog_version
        self.tokens = {}
        self.users = {"demo": {"id": USER_ID, "name": "demo", "password": "secret", "domain_id": "default"}}
        self.domains = {"default": "Default"}
        self.projects = {PROJECT_ID: {"id": PROJECT_ID, "name": "demo", "domain_id": "default"}}
        self.app_credentials = {APP_CRED_ID: {"secret": APP_CRED_SECRET, "user": "demo", "project_id": PROJECT_ID}}
        self.plugins = {
            "vanilla": {"name": "vanilla", "title": "Vanilla Apache Hadoop", "versions": ["2.7.1"],
                        "description": "The Apache Vanilla plugin provides the ability to launch upstream Hadoop."},
            "spark": {"name": "spark", "title": "Apache Spark", "versions": ["2.3"],
                      "description": "This plugin provides an ability to launch Spark on Hadoop CDH cluster."},
            "cdh": {"name": "cdh", "title": "Cloudera Plugin", "versions": ["5.13"],
                    "description": "The Cloudera Sahara plugin provides the ability to launch the Cloudera distribution."},
        }
        self.glance_images = {IMAGE_ID: self.glance_image(IMAGE_ID, "sahara-vanilla-2.7.1")}
        self.networks = {NETWORK_ID: "private"}
        self.node_group_templates = {}
        self.cluster_templates = {}
        self.clusters = {}
        self.next_create_failure = None
        self.cluster_serial = 0

    # -- test hooks --------------------------------------------------------------------------
    def fail_next_create(self, description="Heat stack failed with status CREATE_FAILED", at="Spawning"):
        """The next cluster created goes as far as stage `at`, then ends in Error with `description`."""
        if at not in CREATE_STAGES:
            raise ValueError("at must be one of %s" % CREATE_STAGES)
        self.next_create_failure = (description, at)
        return {"description": description, "at": at}

    def set_token_lifetime(self, seconds):
        self.token_lifetime = float(seconds)
        return {"token_lifetime": self.token_lifetime}

    def expire_tokens(self):
        for token in self.tokens.values():
            token["expires"] = time.time()
        return {"expired": len(self.tokens)}

    def set_stage_seconds(self, seconds):
        self.stage_seconds = float(seconds)
        return {"stage_seconds": self.stage_seconds}

    @staticmethod
    def glance_image(image_id, name):
        """An image as Glance v2 shows it; Sahara's registry lives in its _sahara_* properties."""
        now = iso(wall_now())
        return {"id": image_id, "name": name, "status": "active", "visibility": "public", "protected": False,
                "tags": [], "disk_format": "qcow2", "container_format": "bare", "size": 1073741824,
                "min_disk": 0, "min_ram": 0, "owner": PROJECT_ID, "created_at": now, "updated_at": now,
                "self": "/v2/images/" + image_id, "file": "/v2/images/%s/file" % image_id, "schema": "/v2/schemas/image"}

    def register_seed_image(self, username="ubuntu"):
        """Register the seeded Glance image with Sahara, tagged vanilla 2.7.1 (for tests not about the registry)."""
        image = self.glance_images[IMAGE_ID]
        image.update({"_sahara_username": username, "_sahara_tag_vanilla": "True", "_sahara_tag_2.7.1": "True"})
        return self.sahara_image(image)

    def control_register_seed_image(self, username="ubuntu"):
        return self.register_seed_image(username)

    def mutations(self):
        """Mutating requests to Sahara: the log's mutating() less Keystone's POST /v3/auth/tokens, which logs in
        and changes nothing a task manages (check mode must log in to read)."""
        return [entry for entry in self.log.mutating() if not entry.path.startswith("/v3/")]

    def auth_args(self, **overrides):
        """The sahara_* modules' `auth` option for the seeded user and project."""
        return dict({"auth_url": self.url + "/v3", "username": "demo", "password": "secret", "project_name": "demo",
                     "user_domain_name": "Default", "project_domain_name": "Default"}, **overrides)

    def seed_templates(self):
        """vanilla 2.7.1 node group templates master/worker/edge and cluster template small (1 master, 2 workers),
        on the seeded image, which it registers."""
        self.register_seed_image()
        ids = {}
        for name, processes in (("master", ["namenode", "resourcemanager"]), ("worker", ["datanode", "nodemanager"]),
                                ("edge", ["oozie", "hiveserver"])):
            template = {"name": name, "plugin_name": "vanilla", "hadoop_version": "2.7.1", "flavor_id": "2",
                        "node_processes": processes, "description": "", "auto_security_group": True}
            self.node_group_templates[self.stamp(template, PROJECT_ID)["id"]] = template
            ids[name] = template["id"]
        cluster_template = {"name": "small", "plugin_name": "vanilla", "hadoop_version": "2.7.1", "description": "",
                            "default_image_id": IMAGE_ID, "neutron_management_network": NETWORK_ID, "cluster_configs": {},
                            "node_groups": [self.expand_node_group({"name": "master", "count": 1,
                                                                    "node_group_template_id": ids["master"]}),
                                            self.expand_node_group({"name": "worker", "count": 2,
                                                                    "node_group_template_id": ids["worker"]})]}
        self.cluster_templates[self.stamp(cluster_template, PROJECT_ID)["id"]] = cluster_template
        return dict(ids, small=cluster_template["id"])

    def control_seed_templates(self):
        return self.seed_templates()

    def control_fail_next_create(self, description="Heat stack failed with status CREATE_FAILED", at="Spawning"):
        return self.fail_next_create(description, at)

    def control_set_token_lifetime(self, seconds):
        return self.set_token_lifetime(seconds)

    def control_expire_tokens(self):
        return self.expire_tokens()

    def control_set_stage_seconds(self, seconds):
        return self.set_stage_seconds(seconds)

    def error_body(self, status, message):
        return {"error_code": status, "error_name": ERROR_NAMES.get(status, "ERROR"), "error_message": message}

    # -- Keystone v3 -------------------------------------------------------------------------
    def version_v3(self):
        return {"id": "v3.14", "status": "stable", "updated": "2020-04-07T00:00:00Z",
                "links": [{"rel": "self", "href": self.url + "/v3/"}],
                "media-types": [{"base": "application/json", "type": "application/vnd.openstack.identity-v3+json"}]}

    @route("GET", "/v3")
    def keystone_version(self, request):
        return {"version": self.version_v3()}

    @route("POST", "/v3/auth/tokens")
    def issue_token(self, request):
        auth = (request.json() or {}).get("auth") or {}
        identity = auth.get("identity") or {}
        methods = identity.get("methods") or []
        if "password" in methods:
            user, project = self.password_identity(identity.get("password") or {}), None
        elif "token" in methods:
            user, project = self.token_identity(identity.get("token") or {}), None
        elif "application_credential" in methods:
            user, project = self.app_credential_identity(identity.get("application_credential") or {})
        else:
            raise HttpError(400, {"error": {"code": 400, "title": "Bad Request",
                                            "message": "Expecting to find identity methods in auth."}})
        if project is None:
            project = self.scoped_project(auth.get("scope"))
        token_id = "gAAAA" + uuid.uuid4().hex
        self.tokens[token_id] = {"user": user["name"], "project_id": project["id"] if project else None,
                                 "expires": time.time() + self.token_lifetime}
        body = self.token_body(methods, user, project)
        return Response(201, {"token": body}, {"X-Subject-Token": token_id})

    def subject_token(self, request):
        """GET/DELETE /v3/auth/tokens: X-Auth-Token must be valid, X-Subject-Token is the token acted on."""
        if self.valid_token(request.headers.get("X-Auth-Token")) is None:
            raise HttpError(401, UNAUTHORIZED)
        subject = request.headers.get("X-Subject-Token")
        entry = self.valid_token(subject)
        if entry is None:
            raise HttpError(404, {"error": {"code": 404, "title": "Not Found",
                                            "message": "Could not find token: %s" % subject}})
        return subject, entry

    @route("GET", "/v3/auth/tokens")
    def validate_token(self, request):
        subject, entry = self.subject_token(request)
        project = self.projects.get(entry["project_id"])
        return Response(200, {"token": self.token_body(["token"], self.users[entry["user"]], project)},
                        {"X-Subject-Token": subject})

    @route("DELETE", "/v3/auth/tokens")
    def revoke_token(self, request):
        subject, dummy = self.subject_token(request)
        del self.tokens[subject]
        return Response(204)

    @route("GET", "/v3/auth/catalog")
    def token_catalog(self, request):
        entry = self.valid_token(request.headers.get("X-Auth-Token"))
        if entry is None:
            raise HttpError(401, UNAUTHORIZED)
        return {"catalog": self.catalog(entry["project_id"]) if entry["project_id"] else [],
                "links": {"self": self.url + "/v3/auth/catalog", "previous": None, "next": None}}

    def password_identity(self, password):
        wanted = password.get("user") or {}
        user = self.users.get(wanted.get("name")) or next(
            (u for u in self.users.values() if u["id"] == wanted.get("id")), None)
        if user is None or wanted.get("password") != user["password"]:
            raise HttpError(401, UNAUTHORIZED)
        if "name" in wanted and not self.domain_matches(wanted.get("domain") or {}, user["domain_id"]):
            raise HttpError(401, UNAUTHORIZED)
        return user

    def token_identity(self, token):
        entry = self.valid_token(token.get("id"))
        if entry is None:
            raise HttpError(404, {"error": {"code": 404, "title": "Not Found",
                                            "message": "Could not find token: %s" % token.get("id")}})
        return self.users[entry["user"]]

    def app_credential_identity(self, credential):
        entry = self.app_credentials.get(credential.get("id"))
        if entry is None or credential.get("secret") != entry["secret"]:
            raise HttpError(401, UNAUTHORIZED)
        return self.users[entry["user"]], self.projects[entry["project_id"]]

    def domain_matches(self, domain, domain_id):
        if "id" in domain:
            return domain["id"] == domain_id
        return domain.get("name") == self.domains.get(domain_id)

    def scoped_project(self, scope):
        if not scope:
            return None
        wanted = scope.get("project") or {}
        for project in self.projects.values():
            if wanted.get("id") == project["id"]:
                return project
            if wanted.get("name") == project["name"] and self.domain_matches(wanted.get("domain") or {}, project["domain_id"]):
                return project
        raise HttpError(401, UNAUTHORIZED)

    def token_body(self, methods, user, project):
        now = wall_now()
        lifetime = datetime.timedelta(seconds=self.token_lifetime)
        domain = {"id": user["domain_id"], "name": self.domains[user["domain_id"]]}
        body = {"methods": methods, "issued_at": iso(now), "expires_at": iso(now + lifetime),
                "audit_ids": [uuid.uuid4().hex[:22]], "is_domain": False,
                "user": {"id": user["id"], "name": user["name"], "domain": domain, "password_expires_at": None}}
        if project:
            body["project"] = {"id": project["id"], "name": project["name"], "domain": domain}
            body["roles"] = [{"id": "9fe2ff9ee4384b1894a90878d3e92bab", "name": "member"}]
            body["catalog"] = self.catalog(project["id"])
        return body

    def catalog(self, project_id):
        path = "/v1.1/%s" % project_id if self.catalog_version == "1.1" else "/v2"
        sahara = [{"id": uuid.uuid5(uuid.NAMESPACE_URL, region + interface).hex, "interface": interface,
                   "region": region, "region_id": region, "url": self.url + path}
                  for region in REGIONS for interface in INTERFACES]
        keystone = [{"id": uuid.uuid5(uuid.NAMESPACE_URL, "ks" + region + interface).hex, "interface": interface,
                     "region": region, "region_id": region, "url": self.url + "/v3"}
                    for region in REGIONS for interface in INTERFACES]
        glance = [{"id": uuid.uuid5(uuid.NAMESPACE_URL, "gl" + region + interface).hex, "interface": interface,
                   "region": region, "region_id": region, "url": self.url + "/image"}
                  for region in REGIONS for interface in INTERFACES]
        return [{"id": "b2c3d4", "type": "data-processing", "name": "sahara", "endpoints": sahara},
                {"id": "c3d4e5", "type": "image", "name": "glance", "endpoints": glance},
                {"id": "a1b2c3", "type": "identity", "name": "keystone", "endpoints": keystone}]

    def valid_token(self, token_id):
        entry = self.tokens.get(token_id)
        if entry is None or entry["expires"] <= time.time():
            return None
        return entry

    def authorize(self, request, project_id=None):
        """keystonemiddleware + Sahara's AuthValidator: a valid token for the project in the URL."""
        project_id = project_id or getattr(request, "url_project_id", None)
        entry = self.valid_token(request.headers.get("X-Auth-Token"))
        if entry is None:
            raise HttpError(401, UNAUTHORIZED, {"WWW-Authenticate": 'Keystone uri="%s/v3"' % self.url})
        if entry["project_id"] is None or (project_id is not None and project_id != entry["project_id"]):
            raise HttpError(401, UNAUTHORIZED)
        return entry["project_id"]

    def authorize_any(self, request):
        """Glance: any valid token."""
        if self.valid_token(request.headers.get("X-Auth-Token")) is None:
            raise HttpError(401, UNAUTHORIZED, {"WWW-Authenticate": 'Keystone uri="%s/v3"' % self.url})

    def dispatch(self, request):
        """Sahara v2 takes an optional project id after /v2/ (keystoneauth's discovery adds it back)."""
        if not self.api_v2 and (request.path == "/v2" or request.path.startswith("/v2/")):
            try:
                with self.lock:
                    self.authorize(request)
            except HttpError as exc:
                return exc.response
            return Response(404, {"error": 404, "error_message": "The requested URL was not found on the server. If "
                                  "you entered the URL manually please check your spelling and try again."})
        match = V2_WITH_PROJECT.match(request.path)
        if match:
            request = copy.copy(request)
            request.url_project_id = match.group(1)
            request.path = "/v2" + (match.group(2) or "")
        return super().dispatch(request)

    # -- Sahara: helpers ---------------------------------------------------------------------
    @staticmethod
    def is_v2(request):
        return request.path.startswith("/v2")

    def render(self, request, resource):
        return v2_view(resource) if self.is_v2(request) else copy.deepcopy(resource)

    def version_field(self, request, body):
        field = "plugin_version" if self.is_v2(request) else "hadoop_version"
        return field, body.get(field)

    def body_of(self, request):
        body = request.json()
        if not isinstance(body, dict):
            raise invalid("Request body must be a JSON object", "VALIDATION_ERROR")
        if self.is_v2(request) and "hadoop_version" in body:
            raise invalid("Additional properties are not allowed ('hadoop_version' was unexpected)", "VALIDATION_ERROR")
        return body

    def lookup(self, store, resource_id):
        if resource_id not in store:
            raise sahara_error(404, "NOT_FOUND", "Object with {'id': '%s'} not found" % resource_id)
        return store[resource_id]

    def check_plugin(self, request, body):
        field, version = self.version_field(request, body)
        for required in ("name", "plugin_name", field):
            if not body.get(required):
                raise invalid("'%s' is a required property" % required, "VALIDATION_ERROR")
        plugin = self.plugins.get(body["plugin_name"])
        if plugin is None:
            raise invalid("Sahara doesn't contain plugin with name '%s'" % body["plugin_name"])
        if version not in plugin["versions"]:
            raise invalid("Requested plugin '%s' doesn't support version '%s'" % (body["plugin_name"], version))
        body["hadoop_version"] = body.pop(field)

    def check_unique(self, store, name, kind, project_id, exclude=None):
        for resource in store.values():
            if resource["name"] == name and resource["tenant_id"] == project_id and resource["id"] != exclude:
                raise invalid("%s with name '%s' already exists" % (kind, name), "NAME_ALREADY_EXISTS")

    def registered(self):
        """Sahara's list_registered(): the Glance images that have a Sahara username."""
        return {image_id: image for image_id, image in self.glance_images.items() if image.get("_sahara_username")}

    def check_image(self, image_id):
        if image_id and image_id not in self.registered():
            raise invalid("Requested image '%s' is not registered" % image_id)

    def check_required_image_tags(self, plugin, version, image_id):
        """sahara.service.validations.base.check_required_image_tags: the plugin's tags are [name, version]."""
        tags = self.sahara_image(self.glance_images[image_id])["tags"]
        missing = [tag for tag in (plugin, version) if tag not in tags]
        if missing:
            raise invalid("Requested image '%s' doesn't contain required tags: %s" % (image_id, missing))

    def check_network(self, network_id):
        if network_id and network_id not in self.networks:
            raise invalid("Network %s not found" % network_id)

    def stamp(self, body, project_id):
        now = iso(wall_now())
        body.update(id=str(uuid.uuid4()), tenant_id=project_id, created_at=now, updated_at=None)
        return body

    def project_items(self, store, project_id, request):
        items = [r for r in store.values() if r["tenant_id"] == project_id]
        name = request.arg("name")
        if name is not None:
            items = [r for r in items if r["name"] == name]
        return [self.render(request, r) for r in sorted(items, key=lambda r: r["created_at"])]

    # -- Sahara: version document, plugins, images -------------------------------------------
    @route("GET", "/")
    def sahara_versions(self, request):
        def links(version):
            return [{"rel": "self", "href": "%s/v%s/" % (self.url, version)}]
        if not self.api_v2:
            return Response(300, {"versions": [{"id": "v1.0", "status": "SUPPORTED", "links": links("1.0")},
                                               {"id": "v1.1", "status": "CURRENT", "links": links("1.1")}]})
        return Response(300, {"versions": [
            {"id": "v1.0", "status": "SUPPORTED", "links": links("1.0")},
            {"id": "v1.1", "status": "SUPPORTED", "links": links("1.1")},
            {"id": "v2", "status": "CURRENT", "links": links("2"), "min_version": "2.0", "max_version": "2.0"}]})

    @route("GET", "/v1.1/{project_id}/plugins")
    @route("GET", "/v2/plugins")
    def list_plugins(self, request, project_id=None):
        self.authorize(request, project_id)
        return {"plugins": [copy.deepcopy(p) for p in self.plugins.values()]}

    @route("GET", "/v1.1/{project_id}/plugins/{plugin}")
    @route("GET", "/v2/plugins/{plugin}")
    def get_plugin(self, request, plugin, project_id=None):
        self.authorize(request, project_id)
        if plugin not in self.plugins:
            raise sahara_error(404, "NOT_FOUND", "Plugin '%s' not found" % plugin)
        return {"plugin": copy.deepcopy(self.plugins[plugin])}

    @staticmethod
    def sahara_image(image):
        """sahara.utils.openstack.images._transform_image_props: a Glance image as Sahara shows it."""
        return {"id": image["id"], "name": image["name"], "username": image.get("_sahara_username", ""),
                "description": image.get("_sahara_description", ""),
                "tags": sorted(key[len("_sahara_tag_"):] for key, value in image.items()
                               if key.startswith("_sahara_tag_") and value),
                "metadata": {key: value for key, value in image.items() if key.startswith("_sahara") and value},
                "OS-EXT-IMG-SIZE:size": image["size"], "minDisk": image["min_disk"], "minRam": image["min_ram"],
                "progress": 100, "status": image["status"].upper(), "created": image["created_at"],
                "updated": image["updated_at"]}

    def glance_lookup(self, image_id):
        """@v.check_exists(api.get_image, id='image_id'): an id Glance does not know is 404 on every image call."""
        if image_id not in self.glance_images:
            raise sahara_error(404, "NOT_FOUND", "Object with {'id': '%s'} not found" % image_id)
        return self.glance_images[image_id]

    def touch(self, image):
        image["updated_at"] = iso(wall_now())
        return image

    @route("GET", "/v1.1/{project_id}/images")
    @route("GET", "/v2/images")
    def list_images(self, request, project_id=None):
        """list_registered(name, tags): the name filter is a substring match, tags must all be present."""
        self.authorize(request, project_id)
        images = [self.sahara_image(i) for i in self.registered().values()]
        name, tags = request.arg("name"), request.query.get("tags", [])
        if name:
            images = [i for i in images if name in i["name"]]
        images = [i for i in images if set(tags) <= set(i["tags"])]
        return {"images": images}

    @route("GET", "/v1.1/{project_id}/images/{image_id}")
    @route("GET", "/v2/images/{image_id}")
    def get_image(self, request, image_id, project_id=None):
        self.authorize(request, project_id)
        image = self.glance_lookup(image_id)
        if not image.get("_sahara_username"):
            raise sahara_error(400, "IMAGE_NOT_REGISTERED", "Image %s is not registered in Sahara" % image_id)
        return {"image": self.sahara_image(image)}

    @route("POST", "/v1.1/{project_id}/images/{image_id}")
    @route("POST", "/v2/images/{image_id}")
    def register_image(self, request, image_id, project_id=None):
        """images_set: image_register_schema (username required, description optional, nothing else)."""
        self.authorize(request, project_id)
        image = self.glance_lookup(image_id)
        body = self.body_of(request)
        self.check_schema(body, {"username": str, "description": str}, required=("username",))
        image["_sahara_username"] = body["username"]
        if body.get("description"):
            image["_sahara_description"] = body["description"]
        return Response(202, {"image": self.sahara_image(self.touch(image))})

    @route("DELETE", "/v1.1/{project_id}/images/{image_id}")
    @route("DELETE", "/v2/images/{image_id}")
    def unregister_image(self, request, image_id, project_id=None):
        """unset_image_info: username, description and tags go; Sahara does not look at the clusters."""
        self.authorize(request, project_id)
        image = self.glance_lookup(image_id)
        for key in [key for key in image if key.startswith("_sahara")]:
            del image[key]
        self.touch(image)
        return Response(204)

    def tags_of(self, request):
        body = self.body_of(request)
        self.check_schema(body, {"tags": list}, required=("tags",))
        for tag in body["tags"]:
            if not isinstance(tag, str):
                raise invalid("%s is not of type 'string'" % json.dumps(tag), "VALIDATION_ERROR")
            if not VALID_TAG.match(tag):
                raise invalid("'%s' is not a 'valid_tag'" % tag, "VALIDATION_ERROR")
        return body["tags"]

    def set_tags(self, image, add=(), remove=()):
        for tag in add:
            image["_sahara_tag_" + tag] = "True"
        for tag in remove:
            image.pop("_sahara_tag_" + tag, None)
        return self.sahara_image(self.touch(image))

    @route("POST", "/v1.1/{project_id}/images/{image_id}/tag")
    def add_image_tags(self, request, image_id, project_id=None):
        self.authorize(request, project_id)
        image = self.glance_lookup(image_id)
        return Response(202, {"image": self.set_tags(image, add=self.tags_of(request))})

    @route("POST", "/v1.1/{project_id}/images/{image_id}/untag")
    def remove_image_tags(self, request, image_id, project_id=None):
        self.authorize(request, project_id)
        image = self.glance_lookup(image_id)
        return Response(202, {"image": self.set_tags(image, remove=self.tags_of(request))})

    @route("GET", "/v2/images/{image_id}/tags")
    def get_image_tags(self, request, image_id):
        """u.render(list): a non-empty list is the body itself, an empty one renders as {}."""
        self.authorize(request)
        return self.sahara_image(self.glance_lookup(image_id))["tags"] or {}

    @route("PUT", "/v2/images/{image_id}/tags")
    def replace_image_tags(self, request, image_id):
        """set_image_tags: the given list replaces the tags (200)."""
        self.authorize(request)
        image = self.glance_lookup(image_id)
        wanted = self.tags_of(request)
        have = self.sahara_image(image)["tags"]
        return {"image": self.set_tags(image, add=set(wanted) - set(have), remove=set(have) - set(wanted))}

    @route("DELETE", "/v2/images/{image_id}/tags")
    def delete_image_tags(self, request, image_id):
        self.authorize(request)
        image = self.glance_lookup(image_id)
        self.set_tags(image, remove=self.sahara_image(image)["tags"])
        return Response(204)

    @staticmethod
    def check_schema(body, properties, required=()):
        """The jsonschema checks of a flat schema with additionalProperties: false."""
        for name in required:
            if name not in body:
                raise invalid("'%s' is a required property" % name, "VALIDATION_ERROR")
        unknown = sorted(set(body) - set(properties))
        if unknown:
            raise invalid("Additional properties are not allowed (%s %s unexpected)"
                          % (", ".join("'%s'" % u for u in unknown), "was" if len(unknown) == 1 else "were"),
                          "VALIDATION_ERROR")
        for name, kind in properties.items():
            if name in body and not isinstance(body[name], kind):
                raise invalid("%s is not of type '%s'" % (json.dumps(body[name]), {str: "string", list: "array"}[kind]),
                              "VALIDATION_ERROR")

    # -- Glance v2 (what Sahara's registry is stored in) -------------------------------------
    @route("GET", "/image/v2/images")
    def glance_list(self, request):
        self.authorize_any(request)
        images = list(self.glance_images.values())
        if request.arg("name") is not None:
            images = [i for i in images if i["name"] == request.arg("name")]
        return {"images": copy.deepcopy(images), "first": "/v2/images", "schema": "/v2/schemas/images"}

    @route("GET", "/image/v2/images/{image_id}")
    def glance_get(self, request, image_id):
        self.authorize_any(request)
        if image_id not in self.glance_images:
            raise HttpError(404, "404 Not Found\n\nNo image found with ID %s\n\n   " % image_id)
        return copy.deepcopy(self.glance_images[image_id])

    # -- Sahara: node group and cluster templates --------------------------------------------
    TEMPLATES = {
        "node_group_template": {
            "store": "node_group_templates", "label": "Node group template",
            "defaults": {"description": "", "flavor_id": None, "node_processes": [], "auto_security_group": False,
                         "security_groups": None,
                         "floating_ip_pool": None, "volumes_per_node": 0, "volumes_size": 0, "image_id": None,
                         "node_configs": {}, "availability_zone": None, "is_proxy_gateway": False,
                         "use_autoconfig": True, "is_public": False, "is_protected": False, "volume_type": None,
                         "volumes_availability_zone": None, "volume_local_to_instance": False,
                         "volume_mount_prefix": "/volumes/disk", "shares": None}},
        "cluster_template": {
            "store": "cluster_templates", "label": "Cluster template",
            "defaults": {"description": "", "node_groups": [], "cluster_configs": {}, "anti_affinity": [],
                         "neutron_management_network": None, "default_image_id": None, "use_autoconfig": True,
                         "is_public": False, "is_protected": False, "domain_name": None, "shares": None}},
    }
    TEMPLATE_FIELDS = {"name", "plugin_name", "hadoop_version", "id", "tenant_id", "created_at", "updated_at"}

    def list_templates(self, request, project_id, kind):
        project = self.authorize(request, project_id)
        store = getattr(self, self.TEMPLATES[kind]["store"])
        return {kind + "s": self.project_items(store, project, request), "markers": {}}

    def get_template(self, request, project_id, kind, template_id):
        self.authorize(request, project_id)
        return {kind: self.render(request, self.lookup(getattr(self, self.TEMPLATES[kind]["store"]), template_id))}

    def create_template(self, request, project_id, kind):
        project = self.authorize(request, project_id)
        body = self.valid_template(request, kind, self.body_of(request), project)
        template = dict(self.TEMPLATES[kind]["defaults"], **body)
        getattr(self, self.TEMPLATES[kind]["store"])[self.stamp(template, project)["id"]] = template
        return Response(202, {kind: self.render(request, template)})

    def update_template(self, request, project_id, kind, template_id):
        project = self.authorize(request, project_id)
        current = self.lookup(getattr(self, self.TEMPLATES[kind]["store"]), template_id)
        body = self.valid_template(request, kind, self.body_of(request), project, current)
        current.update(body, updated_at=iso(wall_now()))
        return Response(202, {kind: self.render(request, current)})

    def valid_template(self, request, kind, body, project, current=None):
        """Sahara's template checks: plugin and version (kept from `current` on a partial update), unique name,
        known fields, image, network and node groups."""
        field, version = self.version_field(request, body)
        if current is None or "plugin_name" in body or version:
            merged = dict(current or {}, **body)
            if current and not version:
                merged[field] = current["hadoop_version"]
            merged.pop("hadoop_version" if field == "plugin_version" else "plugin_version", None)
            self.check_plugin(request, merged)
            body = merged
        unknown = set(body) - set(self.TEMPLATES[kind]["defaults"]) - self.TEMPLATE_FIELDS
        if unknown:
            raise invalid("Additional properties are not allowed (%s)" % ", ".join(sorted(unknown)), "VALIDATION_ERROR")
        if kind == "node_group_template":
            if current is None and not body.get("flavor_id"):
                raise invalid("'flavor_id' is a required property", "VALIDATION_ERROR")
            if "node_processes" in body and not body["node_processes"]:
                raise invalid("[] is too short", "VALIDATION_ERROR")
            for key in ("volumes_per_node", "volumes_size"):
                if key in body and not isinstance(body[key], int):
                    raise invalid("%s is not of type 'integer'" % json.dumps(body[key]), "VALIDATION_ERROR")
                if key in body and body[key] < 0:
                    raise invalid("%s is less than the minimum of 0" % json.dumps(body[key]), "VALIDATION_ERROR")
            if dict(current or {}, **body).get("volumes_per_node") and not dict(current or {}, **body).get("volumes_size"):
                raise invalid("You must specify a volumes_size parameter")
        if "node_groups" in body:
            body["node_groups"] = [self.expand_node_group(ng) for ng in body["node_groups"] or []]
        self.check_image(body.get("image_id") or body.get("default_image_id"))
        self.check_network(body.get("neutron_management_network"))
        self.check_unique(getattr(self, self.TEMPLATES[kind]["store"]), body.get("name"), self.TEMPLATES[kind]["label"],
                          project, exclude=current and current["id"])
        return body

    def expand_node_group(self, node_group):
        """A node group as Sahara stores it: the template's flavor and processes copied in."""
        if not node_group.get("name"):
            raise invalid("'name' is a required property", "VALIDATION_ERROR")
        if not isinstance(node_group.get("count"), int) or node_group["count"] < 0:
            raise invalid("%r is not valid under any of the given schemas" % node_group.get("count"), "VALIDATION_ERROR")
        expanded = dict(node_group)
        template_id = node_group.get("node_group_template_id")
        if template_id:
            if template_id not in self.node_group_templates:
                raise invalid("NodeGroup template with id '%s' not found" % template_id)
            template = self.node_group_templates[template_id]
            expanded.setdefault("flavor_id", template["flavor_id"])
            expanded.setdefault("node_processes", list(template["node_processes"]))
        elif not node_group.get("flavor_id") or not node_group.get("node_processes"):
            raise invalid("Node group '%s' needs node_group_template_id or flavor_id and node_processes"
                          % node_group["name"], "VALIDATION_ERROR")
        return expanded

    @route("GET", "/v1.1/{project_id}/node-group-templates")
    @route("GET", "/v2/node-group-templates")
    def list_ngts(self, request, project_id=None):
        return self.list_templates(request, project_id, "node_group_template")

    @route("GET", "/v1.1/{project_id}/node-group-templates/{template_id}")
    @route("GET", "/v2/node-group-templates/{template_id}")
    def get_ngt(self, request, template_id, project_id=None):
        return self.get_template(request, project_id, "node_group_template", template_id)

    @route("POST", "/v1.1/{project_id}/node-group-templates")
    @route("POST", "/v2/node-group-templates")
    def create_ngt(self, request, project_id=None):
        return self.create_template(request, project_id, "node_group_template")

    @route("PUT", "/v1.1/{project_id}/node-group-templates/{template_id}")
    @route("PATCH", "/v2/node-group-templates/{template_id}")
    def update_ngt(self, request, template_id, project_id=None):
        return self.update_template(request, project_id, "node_group_template", template_id)

    @route("DELETE", "/v1.1/{project_id}/node-group-templates/{template_id}")
    @route("DELETE", "/v2/node-group-templates/{template_id}")
    def delete_ngt(self, request, template_id, project_id=None):
        self.authorize(request, project_id)
        template = self.lookup(self.node_group_templates, template_id)
        users = [ct["name"] for ct in self.cluster_templates.values()
                 if any(ng.get("node_group_template_id") == template_id for ng in ct["node_groups"])]
        if users:
            raise invalid("Node group template %s is in use by cluster templates: %s" % (template["name"], ", ".join(users)),
                          "DELETION_FAILED")
        del self.node_group_templates[template_id]
        return Response(204)

    @route("GET", "/v1.1/{project_id}/cluster-templates")
    @route("GET", "/v2/cluster-templates")
    def list_cts(self, request, project_id=None):
        return self.list_templates(request, project_id, "cluster_template")

    @route("GET", "/v1.1/{project_id}/cluster-templates/{template_id}")
    @route("GET", "/v2/cluster-templates/{template_id}")
    def get_ct(self, request, template_id, project_id=None):
        return self.get_template(request, project_id, "cluster_template", template_id)

    @route("POST", "/v1.1/{project_id}/cluster-templates")
    @route("POST", "/v2/cluster-templates")
    def create_ct(self, request, project_id=None):
        return self.create_template(request, project_id, "cluster_template")

    @route("PUT", "/v1.1/{project_id}/cluster-templates/{template_id}")
    @route("PATCH", "/v2/cluster-templates/{template_id}")
    def update_ct(self, request, template_id, project_id=None):
        return self.update_template(request, project_id, "cluster_template", template_id)

    @route("DELETE", "/v1.1/{project_id}/cluster-templates/{template_id}")
    @route("DELETE", "/v2/cluster-templates/{template_id}")
    def delete_ct(self, request, template_id, project_id=None):
        self.authorize(request, project_id)
        template = self.lookup(self.cluster_templates, template_id)
        users = [c["name"] for c in self.live_clusters() if c["cluster_template_id"] == template_id]
        if users:
            raise invalid("Cluster template %s in use by %s" % (template["name"], ", ".join(users)), "DELETION_FAILED")
        del self.cluster_templates[template_id]
        return Response(204)

    # -- Sahara: clusters --------------------------------------------------------------------
    def live_clusters(self):
        """Clusters as of now: statuses moved along their timelines, deleted ones gone."""
        for cluster_id, cluster in list(self.clusters.items()):
            status, fraction = cluster["_timeline"].at(self.now())
            if status == GONE:
                del self.clusters[cluster_id]
                continue
            if status != cluster["status"]:
                cluster["updated_at"] = iso(wall_now())
            cluster["status"] = status
            cluster["status_description"] = cluster["_error"] if status == "Error" else ""
            cluster["_fraction"] = fraction
        return list(self.clusters.values())

    def cluster(self, cluster_id):
        self.live_clusters()
        return self.lookup(self.clusters, cluster_id)

    def cluster_view(self, request, cluster, show_progress=False):
        view = copy.deepcopy({k: v for k, v in cluster.items() if not k.startswith("_")})
        for group_index, node_group in enumerate(view["node_groups"]):
            node_group["instances"] = [self.instance(cluster, group_index, node_group["name"], index)
                                       for index in range(node_group["count"] if self.spawned(cluster) else 0)]
        if show_progress:
            view["provision_progress"] = self.progress(cluster)
        return self.render(request, view)

    @staticmethod
    def spawned(cluster):
        """Instances exist from the Spawning step of the creation on."""
        return cluster["_operation"] != "create cluster" or cluster["status"] not in ("Validating", "InfraUpdating")

    @staticmethod
    def instance(cluster, group_index, group, index):
        """An instance as Sahara lists it; its addresses are known once the Spawning step is over."""
        addressed = not (cluster["_operation"] == "create cluster" and cluster["status"] == "Spawning")
        host = 10 + group_index * 50 + index
        return {"instance_name": "%s-%s-%03d" % (cluster["name"], group, index + 1),
                "instance_id": str(uuid.uuid5(uuid.NAMESPACE_URL, "%s/%s/%d" % (cluster["id"], group, index))),
                "internal_ip": "10.%d.0.%d" % (cluster["_serial"], host) if addressed else None,
                "management_ip": "172.24.%d.%d" % (cluster["_serial"], host) if addressed else None,
                "volumes": [], "storage_devices_number": 0, "dns_hostname": None}

    def progress(self, cluster):
        """One provisioning step per status passed, like Sahara's event log."""
        total = sum(ng["count"] for ng in cluster["node_groups"])
        steps = []
        for name, dummy in cluster["_timeline"].stages:
            if name == cluster["status"]:
                if name not in ("Active", "Error"):
                    steps.append({"step_name": name, "step_type": "Engine: %s" % cluster["_operation"],
                                  "total": total, "successful": None, "tenant_id": cluster["tenant_id"]})
                break
            steps.append({"step_name": name, "step_type": "Engine: %s" % cluster["_operation"],
                          "total": total, "successful": True, "tenant_id": cluster["tenant_id"]})
        return steps

    def start_operation(self, cluster, operation, stages, last):
        cluster["_operation"] = operation
        cluster["_timeline"] = Timeline([(stage, self.stage_seconds) for stage in stages] + [(last, 0)], self.now())
        cluster["status"] = stages[0]
        cluster["status_description"] = ""

    @route("GET", "/v1.1/{project_id}/clusters")
    @route("GET", "/v2/clusters")
    def list_clusters(self, request, project_id=None):
        project = self.authorize(request, project_id)
        clusters = [c for c in self.live_clusters() if c["tenant_id"] == project]
        if request.arg("name") is not None:
            clusters = [c for c in clusters if c["name"] == request.arg("name")]
        return {"clusters": [self.cluster_view(request, c) for c in clusters], "markers": {}}

    @route("GET", "/v1.1/{project_id}/clusters/{cluster_id}")
    @route("GET", "/v2/clusters/{cluster_id}")
    def get_cluster(self, request, cluster_id, project_id=None):
        self.authorize(request, project_id)
        show_progress = str(request.arg("show_progress", "false")).lower() == "true"
        return {"cluster": self.cluster_view(request, self.cluster(cluster_id), show_progress)}

    @route("POST", "/v1.1/{project_id}/clusters")
    @route("POST", "/v2/clusters")
    def create_cluster(self, request, project_id=None):
        project = self.authorize(request, project_id)
        body = self.body_of(request)
        self.check_plugin(request, body)
        self.live_clusters()
        self.check_unique(self.clusters, body["name"], "Cluster", project)
        template = None
        if body.get("cluster_template_id"):
            if body["cluster_template_id"] not in self.cluster_templates:
                raise invalid("Cluster template with id '%s' not found" % body["cluster_template_id"])
            template = self.cluster_templates[body["cluster_template_id"]]
            if (template["plugin_name"], template["hadoop_version"]) != (body["plugin_name"], body["hadoop_version"]):
                raise invalid("Cluster template plugin %s %s does not match the cluster's %s %s" % (
                    template["plugin_name"], template["hadoop_version"], body["plugin_name"], body["hadoop_version"]))
        node_groups = body.get("node_groups") or (template or {}).get("node_groups") or []
        if not node_groups:
            raise invalid("Cluster needs node groups: give node_groups or a cluster_template_id", "INVALID_DATA")
        image = body.get("default_image_id") or (template or {}).get("default_image_id")
        if not image:
            raise invalid("'default_image_id' field is not found", "NOT_FOUND")
        self.check_image(image)
        self.check_required_image_tags(body["plugin_name"], body["hadoop_version"], image)
        network = body.get("neutron_management_network") or (template or {}).get("neutron_management_network")
        if not network:
            raise invalid("'neutron_management_network' field is not found", "NOT_FOUND")
        self.check_network(network)
        cluster = {"name": body["name"], "plugin_name": body["plugin_name"], "hadoop_version": body["hadoop_version"],
                   "description": body.get("description", ""), "cluster_template_id": body.get("cluster_template_id"),
                   "default_image_id": image, "neutron_management_network": network,
                   "user_keypair_id": body.get("user_keypair_id"), "is_transient": bool(body.get("is_transient")),
                   "node_groups": [self.expand_node_group(ng) for ng in node_groups],
                   "cluster_configs": body.get("cluster_configs") or (template or {}).get("cluster_configs") or {},
                   "anti_affinity": body.get("anti_affinity") or [], "info": {}, "is_public": bool(body.get("is_public")),
                   "is_protected": bool(body.get("is_protected")),
                   "use_autoconfig": body.get("use_autoconfig", (template or {}).get("use_autoconfig", True)),
                   "shares": body.get("shares") or (template or {}).get("shares"),
                   "domain_name": None, "verification": {"status": "NOT_STARTED", "checks": []}}
        self.stamp(cluster, project)
        self.cluster_serial += 1
        cluster["_serial"] = self.cluster_serial
        failure, self.next_create_failure = self.next_create_failure, None
        if failure:
            description, at = failure
            stages = CREATE_STAGES[:CREATE_STAGES.index(at) + 1]
            cluster["_error"] = "Creating cluster failed for the following reason(s): %s\nError ID: %s" % (
                description, uuid.uuid4())
            self.start_operation(cluster, "create cluster", stages, "Error")
        else:
            cluster["_error"] = ""
            self.start_operation(cluster, "create cluster", CREATE_STAGES, "Active")
        self.clusters[cluster["id"]] = cluster
        return Response(202, {"cluster": self.cluster_view(request, cluster)})

    @route("PUT", "/v1.1/{project_id}/clusters/{cluster_id}")
    @route("PUT", "/v2/clusters/{cluster_id}")
    def scale_cluster(self, request, cluster_id, project_id=None):
        self.authorize(request, project_id)
        cluster = self.cluster(cluster_id)
        body = self.body_of(request)
        resize = body.get("resize_node_groups") or []
        add = body.get("add_node_groups") or []
        if not resize and not add:
            raise invalid("%s does not have enough properties" % json.dumps(body), "VALIDATION_ERROR")
        if cluster["is_protected"]:
            raise sahara_error(400, "UPDATE_FAILED", "Cluster with id '%s' could not be updated because it's "
                                                     "marked as protected" % cluster_id)
        if cluster["status"] != "Active":
            raise invalid("Cluster cannot be scaled not in 'Active' status. Cluster status: %s" % cluster["status"],
                          "INVALID_DATA")
        groups = {ng["name"]: ng for ng in cluster["node_groups"]}
        shrinking = growing = False
        for change in resize:
            if change.get("name") not in groups:
                raise invalid("Cluster doesn't contain node group with name '%s'" % change.get("name"), "INVALID_DATA")
            if not isinstance(change.get("count"), int) or change["count"] < 0:
                raise invalid("%r is less than the minimum of 0" % change.get("count"), "VALIDATION_ERROR")
            shrinking |= change["count"] < groups[change["name"]]["count"]
            growing |= change["count"] > groups[change["name"]]["count"]
        new_groups = []
        for change in add:
            if change.get("name") in groups:
                raise invalid("Can't add new nodegroup. Cluster already has nodegroup with name '%s'" % change["name"],
                              "INVALID_DATA")
            new_groups.append(self.expand_node_group(change))
            growing = True
        for change in resize:
            groups[change["name"]]["count"] = change["count"]
        cluster["node_groups"].extend(new_groups)
        stages = (["Decommissioning"] if shrinking else []) + ["Scaling"] + (["Adding Instances"] if growing else [])
        self.start_operation(cluster, "scale cluster", stages + ["Configuring"], "Active")
        cluster["updated_at"] = iso(wall_now())
        return Response(202, {"cluster": self.cluster_view(request, cluster)})

    @route("PATCH", "/v1.1/{project_id}/clusters/{cluster_id}")
    @route("PATCH", "/v2/clusters/{cluster_id}")
    def update_cluster(self, request, cluster_id, project_id=None):
        """CLUSTER_UPDATE_SCHEMA(_V2) and check_cluster_update (acl.check_protected_from_update)."""
        project = self.authorize(request, project_id)
        cluster = self.cluster(cluster_id)
        body = self.body_of(request)
        allowed = {"name", "description", "is_public", "is_protected", "shares", "verification"}
        unknown = set(body) - allowed - ({"update_keypair"} if self.is_v2(request) else set())
        if unknown:
            raise invalid("Additional properties are not allowed (%s)" % ", ".join(sorted(unknown)), "VALIDATION_ERROR")
        for key in ("is_public", "is_protected"):
            if key in body and not isinstance(body[key], (bool, type(None))):
                raise invalid("%s is not of type 'boolean', 'null'" % json.dumps(body[key]), "VALIDATION_ERROR")
        if "name" in body:
            self.check_unique(self.clusters, body["name"], "Cluster", project, exclude=cluster_id)
        if cluster["is_protected"] and body.get("is_protected", True) and "verification" not in body:
            only_public = "is_public" in body and all(key == "is_public" or cluster.get(key) == value
                                                      for key, value in body.items())
            if not only_public:
                raise sahara_error(400, "UPDATE_FAILED", "Cluster with id '%s' could not be updated because it's "
                                                         "marked as protected" % cluster_id)
        cluster.update({k: v for k, v in body.items() if k not in ("verification", "update_keypair")},
                       updated_at=iso(wall_now()))
        return Response(202, {"cluster": self.cluster_view(request, cluster)})

    @route("DELETE", "/v1.1/{project_id}/clusters/{cluster_id}")
    @route("DELETE", "/v2/clusters/{cluster_id}")
    def delete_cluster(self, request, cluster_id, project_id=None):
        self.authorize(request, project_id)
        cluster = self.cluster(cluster_id)
        if cluster["is_protected"]:
            raise sahara_error(400, "DELETION_FAILED", "Cluster with id '%s' could not be deleted because it's marked "
                                                       "as protected" % cluster_id)
        if cluster["status"] != "Deleting":
            self.start_operation(cluster, "delete cluster", ["Deleting"], GONE)
        return Response(204)
