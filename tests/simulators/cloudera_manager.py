"""Cloudera Manager REST API simulator (the subset bigdata.platform's cm_* modules use).

Seeded platform:
  credentials          admin / admin (HTTP basic auth; anything else answers 401)
  API versions         v1 .. v51 under /api/vNN/; GET /api/version answers "v51" (text/plain)
  clusters             "Cluster 1" and "Cluster 2" (CDH7), three hosts each
  parcel repositories  configured (as REMOTE_PARCEL_REPO_URLS' default): the CDH 7.1.7 and 7.1.8
                       repositories; known but not configured: the CDH 7.1.9 repository (REPO_7_1_9),
                       whose parcel appears after it is added and the repos are refreshed
  parcels per cluster  CDH 7.1.7-1.cdh7.1.7.p0.15945976 ACTIVATED, CDH 7.1.8-1.cdh7.1.8.p0.30990532
                       AVAILABLE_REMOTELY
  services per cluster zookeeper (ZOOKEEPER), hdfs (HDFS), yarn (YARN): STARTED, GOOD, config FRESH,
                       each with its roles on the cluster's hosts

Behaviour, as Cloudera Manager does it:
  - a parcel download is CM-wide (every cluster sees DOWNLOADING/DOWNLOADED); distribution and
    activation are per cluster. Stages move over simulated time (STAGE_SECONDS at speed 1, with
    progress in `state`); a command that is illegal in the current stage answers 400; activating a
    version deactivates the product's previously active version and marks the cluster's services
    STALE; a failed download or distribution falls back to the previous stage with `state.errors`.
  - removing the download of a parcel that no repository offered at the last refresh makes CM forget
    it (the parcel then answers 404 and leaves the list), as CM lists only parcels that a configured
    repository offers or that it holds.
  - service commands (start, stop, restart, rollingRestart, deployClientConfig) return an active
    ApiCommand that completes later (COMMAND_SECONDS); a failed command carries the role's error in
    its children; a command that is not available in the service's state answers 400.
  - changing a started service's config makes it STALE (and its client config STALE) until restart.

Test hooks (Python methods, and over HTTP as POST /_sim/control/<name without control_>):
  control_fail_next_download(product, version, message=None)
  control_fail_next_distribution(product, version, message=None, cluster=None)
  control_fail_next_command(service, message=None, cluster=None)
  control_set_parcel_stage(cluster, product, version, stage, seconds=None)  (a transient stage lasts
                       `seconds` from the first read of the parcel)
  control_set_service(cluster, service, state=None, stale=None)
"""

import base64
import functools
import hashlib
import itertools
from datetime import datetime, timedelta, timezone
from urllib.parse import unquote

from simulators.framework import HttpError, Response, Simulator, Timeline, route

LATEST_API = 51
USERS = {"admin": "admin"}

CDH_7_1_7 = "7.1.7-1.cdh7.1.7.p0.15945976"
CDH_7_1_8 = "7.1.8-1.cdh7.1.8.p0.30990532"
CDH_7_1_9 = "7.1.9-1.cdh7.1.9.p0.44702451"
REPO_7_1_7 = "https://archive.cloudera.com/p/cdh7/7.1.7.0/parcels/"
REPO_7_1_8 = "https://archive.cloudera.com/p/cdh7/7.1.8.0/parcels/"
REPO_7_1_9 = "https://archive.cloudera.com/p/cdh7/7.1.9.0/parcels/"
REPOSITORIES = {REPO_7_1_7: [("CDH", CDH_7_1_7)], REPO_7_1_8: [("CDH", CDH_7_1_8)], REPO_7_1_9: [("CDH", CDH_7_1_9)]}
PARCEL_BYTES = 2147483648

# Simulated seconds per transient stage / command at speed 1.
STAGE_SECONDS = {"DOWNLOADING": 4.0, "DISTRIBUTING": 4.0, "UNDISTRIBUTING": 2.0, "ACTIVATING": 1.0}
COMMAND_SECONDS = 2.0
REFRESH_SECONDS = 1.0

STABLE_STAGES = ("AVAILABLE_REMOTELY", "DOWNLOADED", "DISTRIBUTED", "ACTIVATED")
CM_CONFIG = {
    "REMOTE_PARCEL_REPO_URLS": (",".join([REPO_7_1_7, REPO_7_1_8]), "Remote Parcel Repository URLs"),
    "PARCEL_UPDATE_FREQ": ("60", "Parcel Update Frequency"),
    "PARCEL_DISTRIBUTE_RATE_LIMIT_KBS_PER_SECOND": ("51200", "Parcel Distribution Rate Limit"),
    "MANAGES_PARCELS": ("true", "Manage Parcels"),
    "CUSTOM_BANNER_HTML": (None, "Custom Header Color and Banner"),
}
SERVICE_TYPES = {
    "ZOOKEEPER": {"tickTime": "2000", "maxClientCnxns": "60", "autopurgeSnapRetainCount": "5"},
    "HDFS": {"dfs_replication": "3", "dfs_block_size": "134217728", "dfs_permissions": "true",
             "dfs_umaskmode": "022", "zookeeper_service": None},
    "YARN": {"yarn_admin_acl": "*", "yarn_log_aggregation_retain_seconds": "604800",
             "hdfs_service": None, "zookeeper_service": None},
    "SPARK_ON_YARN": {"spark_history_enabled": "true", "yarn_service": None},
    "KAFKA": {"default.replication.factor": "1", "num.partitions": "1", "zookeeper_service": None},
}
ROLE_LAYOUT = {
    "ZOOKEEPER": [("SERVER", (0, 1, 2))],
    "HDFS": [("NAMENODE", (0,)), ("SECONDARYNAMENODE", (1,)), ("DATANODE", (0, 1, 2))],
    "YARN": [("RESOURCEMANAGER", (0,)), ("JOBHISTORY", (1,)), ("NODEMANAGER", (0, 1, 2))],
}
# What each service command needs, becomes while it runs, and leaves behind (ok, failed).
SERVICE_COMMANDS = {
    "start": ("Start", ("STOPPED",), "STARTING", "STARTED", "STOPPED"),
    "stop": ("Stop", ("STARTED",), "STOPPING", "STOPPED", "STARTED"),
    "restart": ("Restart", ("STARTED", "STOPPED"), "STARTING", "STARTED", "STOPPED"),
    "rollingRestart": ("RollingRestart", ("STARTED",), "STARTED", "STARTED", "STARTED"),
    "deployClientConfig": ("DeployClientConfig", ("STARTED", "STOPPED"), None, None, None),
}


def api(method, template):
    """A route under /api/vNN/ that answers 404 for an API version this CM does not have."""

    def decorate(function):
        @functools.wraps(function)
        def handler(self, request, api_version, **kwargs):
            if not 1 <= api_version <= LATEST_API:
                raise HttpError(404, {"message": "API version v%d is not supported; this Cloudera Manager "
                                                 "supports v1 to v%d." % (api_version, LATEST_API)})
            # Path parameters arrive percent-encoded ("Cluster%201").
            return function(self, request, **{k: unquote(v) if isinstance(v, str) else v for k, v in kwargs.items()})

        return route(method, "/api/v{api_version:int}" + template)(handler)

    return decorate


def bad_request(message):
    return HttpError(400, {"message": message})


class Staged:
    """A stable stage, or a transition through a transient stage that ends in `target` (or, when it
    fails, back in the stage it left, with errors)."""

    def __init__(self, stage):
        self.stage = stage
        self.transition = None
        self.errors = []
        self.armed = False

    def begin(self, transient, target, now, seconds, failure=None):
        timeline = Timeline([(transient, seconds), (target, 0)], now)
        self.transition = (timeline, target, failure)
        self.errors = []

    def start_clock_on_read(self, now):
        """A test put this record in a transient stage: its time starts when a client first reads it."""
        if self.armed and self.transition:
            self.transition[0].start = now
        self.armed = False

    def settle(self, now):
        """Finish a transition whose time is up; True when one finished now."""
        if self.armed or not self.transition or not self.transition[0].finished(now):
            return False
        dummy, target, failure = self.transition
        self.transition = None
        if failure:
            self.errors = [failure]
        else:
            self.stage = target
        return True

    def current(self, now):
        """(stage, fraction done)."""
        if self.transition:
            return self.transition[0].at(now)
        return self.stage, 1.0

    def transient(self, now):
        return self.current(now)[0] if self.transition else None


class Command:
    def __init__(self, command_id, name, start, seconds, refs, failure=None, on_end=None, message=None, kind=None):
        self.id = command_id
        self.kind = kind
        self.name = name
        self.start = start
        self.end = start + seconds
        self.refs = refs
        self.failure = failure
        self.on_end = on_end
        self.message = message
        self.done = False


def timestamp(seconds):
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class ClouderaManagerSimulator(Simulator):
    name = "cm"

    def __init__(self, speed=1.0, clusters=("Cluster 1", "Cluster 2")):
        super().__init__(speed)
        self.ids = itertools.count(1000)
        self.cm_config = {}
        self.configured_repos = None  # None: REMOTE_PARCEL_REPO_URLS' default
        self.known = set()  # (product, version) CM learnt from its repositories
        self.downloads = {}  # (product, version) -> Staged: AVAILABLE_REMOTELY / DOWNLOADED
        self.distributions = {}  # (cluster, product, version) -> Staged: None / DISTRIBUTED / ACTIVATED
        self.hosts = {}
        self.services = {}
        self.commands = {}
        self.failures = {}
        for url in self.repositories():
            self.known.update(REPOSITORIES.get(url, []))
        for key in self.known:
            self.downloads[key] = Staged("DOWNLOADED" if key == ("CDH", CDH_7_1_7) else "AVAILABLE_REMOTELY")
        self.offered = set(self.known)  # what the configured repositories offered at the last refresh
        for number, cluster in enumerate(clusters, 1):
            self.hosts[cluster] = ["c%d-node-%d.example.com" % (number, index) for index in (1, 2, 3)]
            self.distributions[(cluster, "CDH", CDH_7_1_7)] = Staged("ACTIVATED")
            self.services[cluster] = {}
            for name, kind in (("zookeeper", "ZOOKEEPER"), ("hdfs", "HDFS"), ("yarn", "YARN")):
                self.add_service(cluster, name, kind, "STARTED", with_roles=True)
            self.services[cluster]["hdfs"]["config"]["zookeeper_service"] = "zookeeper"
            self.services[cluster]["yarn"]["config"].update(hdfs_service="hdfs", zookeeper_service="zookeeper")

    # -- plumbing --------------------------------------------------------------------------------
    def error_body(self, status, message):
        return {"message": message}

    def dispatch(self, request):
        if not self.authorized(request):
            return Response(401, self.error_body(401, "Bad credentials"),
                            {"WWW-Authenticate": 'Basic realm="Cloudera Manager"'})
        with self.lock:
            self.settle()
        return super().dispatch(request)

    @staticmethod
    def authorized(request):
        header = request.headers.get("Authorization") or ""
        if not header.startswith("Basic "):
            return False
        try:
            user, dummy, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except ValueError:
            return False
        return USERS.get(user) == password

    def settle(self):
        """Apply everything simulated time has finished, oldest first (no background thread)."""
        now = self.now()
        for key, staged in list(self.downloads.items()):
            staged.settle(now)
        for (cluster, product, version), staged in list(self.distributions.items()):
            if staged.settle(now) and staged.stage == "ACTIVATED":
                self.mark_stale(cluster)
        for command in sorted(self.commands.values(), key=lambda c: c.end):
            if not command.done and command.end <= now:
                command.done = True
                if command.on_end:
                    command.on_end(command.failure is None)

    def new_command(self, name, seconds, refs, failure=None, on_end=None, message=None, kind=None):
        command = Command(next(self.ids), name, self.now(), seconds, refs, failure, on_end, message, kind)
        self.commands[command.id] = command
        return command

    def command_view(self, command):
        active = self.now() < command.end
        view = {"id": command.id, "name": command.name, "startTime": timestamp(command.start),
                "active": active, "canRetry": False, "children": {"items": []}}
        view.update(command.refs)
        if active:
            return view
        view["endTime"] = timestamp(command.end)
        view["success"] = command.failure is None
        if command.failure is None:
            view["resultMessage"] = command.message or "Command %s completed." % command.name
            return view
        role = (command.failure.get("role") or {})
        view["resultMessage"] = command.failure["parent"]
        view["canRetry"] = True
        view["children"]["items"].append({
            "id": command.id + 1, "name": command.name, "active": False, "success": False,
            "startTime": timestamp(command.start), "endTime": timestamp(command.end),
            "resultMessage": command.failure["message"],
            "roleRef": {"clusterName": role.get("cluster"), "serviceName": role.get("service"),
                        "roleName": role.get("name")},
        })
        return view

    # -- version, CM config, repositories --------------------------------------------------------
    @route("GET", "/api/version")
    def api_version(self, request):
        return Response(200, "v%d" % LATEST_API, content_type="text/plain")

    @api("GET", "/cm/version")
    def cm_version(self, request):
        return {"version": "7.7.1", "snapshot": False, "buildUser": "jenkins",
                "buildTimestamp": "20220701-1349", "gitHash": "b1e4a5c3d2f0"}

    def repositories(self):
        value = self.cm_config.get("REMOTE_PARCEL_REPO_URLS") or CM_CONFIG["REMOTE_PARCEL_REPO_URLS"][0]
        return [url.strip() for url in value.split(",") if url.strip()]

    def config_items(self, catalog, values, full, described_as):
        items = []
        for name in sorted(catalog):
            default, display = catalog[name] if described_as == "cm" else (catalog[name], name)
            if not full:
                if values.get(name) is not None:
                    items.append({"name": name, "value": values[name], "sensitive": False})
                continue
            item = {"name": name, "required": False, "displayName": display, "relatedName": name.lower(),
                    "description": "%s (simulated)." % display, "sensitive": False, "validationState": "OK",
                    "validationWarningsSuppressed": False}
            if default is not None:
                item["default"] = default
            if values.get(name) is not None:
                item["value"] = values[name]
            items.append(item)
        return items

    @api("GET", "/cm/config")
    def read_cm_config(self, request):
        return {"items": self.config_items(CM_CONFIG, self.cm_config, request.arg("view") == "full", "cm")}

    @api("PUT", "/cm/config")
    def update_cm_config(self, request):
        items = (request.json() or {}).get("items") or []
        for item in items:
            if item.get("name") not in CM_CONFIG:
                raise bad_request("Unknown configuration attribute '%s'." % item.get("name"))
        for item in items:
            self.cm_config[item["name"]] = item.get("value")
        return {"items": self.config_items(CM_CONFIG, self.cm_config, False, "cm")}

    @api("POST", "/cm/commands/refreshParcelRepos")
    def refresh_parcel_repos(self, request):
        command = self.new_command("RefreshParcelRepos", REFRESH_SECONDS, {}, on_end=self.learn_repositories,
                                   message="Parcel repositories refreshed.")
        return self.command_view(command)

    def learn_repositories(self, succeeded):
        offered = set()
        for url in self.repositories():
            offered.update(REPOSITORIES.get(url, []))
        for key in offered - self.known:
            self.downloads[key] = Staged("AVAILABLE_REMOTELY")
        self.known |= offered
        self.offered = offered

    # -- clusters and parcels --------------------------------------------------------------------
    def cluster(self, name):
        if name not in self.services:
            raise HttpError(404, {"message": "Cluster '%s' not found." % name})
        return name

    def cluster_view(self, name):
        return {"name": name, "displayName": name, "version": "CDH7", "fullVersion": "7.1.7",
                "clusterType": "BASE_CLUSTER", "entityStatus": "GOOD_HEALTH", "maintenanceMode": False,
                "uuid": hashlib.md5(name.encode()).hexdigest(), "clusterUrl": "/cmf/clusterRedirect/" + name,
                "tags": []}

    @api("GET", "/clusters")
    def list_clusters(self, request):
        return {"items": [self.cluster_view(name) for name in self.services]}

    @api("GET", "/clusters/{cluster}")
    def read_cluster(self, request, cluster):
        return self.cluster_view(self.cluster(cluster))

    def parcel_stage(self, cluster, product, version):
        """(stage, fraction, errors): the cluster's distribution when there is one, else CM's download."""
        now = self.now()
        download = self.downloads[(product, version)]
        distribution = self.distributions.get((cluster, product, version)) or Staged(None)
        errors = download.errors + distribution.errors
        stage, fraction = distribution.current(now)
        if stage is None:
            stage, fraction = download.current(now)
        return stage, fraction, errors

    def parcel_view(self, cluster, product, version):
        for staged in (self.downloads[(product, version)], self.distributions.get((cluster, product, version))):
            if staged:
                staged.start_clock_on_read(self.now())
        stage, fraction, errors = self.parcel_stage(cluster, product, version)
        hosts = len(self.hosts[cluster])
        state = {"progress": 0, "totalProgress": 0, "count": 0, "totalCount": 0, "errors": errors, "warnings": []}
        if stage == "DOWNLOADING":
            state.update(progress=int(PARCEL_BYTES * fraction), totalProgress=PARCEL_BYTES)
        elif stage in ("DISTRIBUTING", "UNDISTRIBUTING", "ACTIVATING"):
            state.update(progress=int(PARCEL_BYTES * hosts * fraction), totalProgress=PARCEL_BYTES * hosts,
                         count=int(hosts * fraction), totalCount=hosts)
        elif stage in ("DISTRIBUTED", "ACTIVATED"):
            state.update(count=hosts, totalCount=hosts)
        return {"product": product, "version": version, "stage": stage, "state": state,
                "clusterRef": {"clusterName": cluster, "displayName": cluster},
                "displayName": "%s %s" % (product, version.split("-")[0]),
                "description": "Cloudera Runtime %s" % version}

    def parcel(self, cluster, product, version):
        self.cluster(cluster)
        if (product, version) not in self.known:
            raise HttpError(404, {"message": "Parcel for product %s and version %s not found in cluster %s."
                                             % (product, version, cluster)})
        return product, version

    @api("GET", "/clusters/{cluster}/parcels")
    def list_parcels(self, request, cluster):
        self.cluster(cluster)
        return {"items": [self.parcel_view(cluster, p, v) for p, v in sorted(self.known)]}

    @api("GET", "/clusters/{cluster}/parcels/products/{product}/versions/{version}")
    def read_parcel(self, request, cluster, product, version):
        return self.parcel_view(cluster, *self.parcel(cluster, product, version))

    @api("POST", "/clusters/{cluster}/parcels/products/{product}/versions/{version}/commands/{command}")
    def parcel_command(self, request, cluster, product, version, command):
        key = self.parcel(cluster, product, version)
        actions = {"startDownload": ("AVAILABLE_REMOTELY", self.start_download),
                   "cancelDownload": ("DOWNLOADING", self.cancel_download),
                   "removeDownload": ("DOWNLOADED", self.remove_download),
                   "startDistribution": ("DOWNLOADED", self.start_distribution),
                   "cancelDistribution": ("DISTRIBUTING", self.remove_distribution),
                   "startRemovalOfDistribution": ("DISTRIBUTED", self.remove_distribution),
                   "activate": ("DISTRIBUTED", self.activate),
                   "deactivate": ("ACTIVATED", self.deactivate)}
        if command not in actions:
            raise HttpError(404, {"message": "no resource at %s" % request.path})
        needed, action = actions[command]
        stage = self.parcel_stage(cluster, *key)[0]
        if stage != needed:
            raise bad_request("Parcel %s-%s in cluster '%s' is in stage %s; command %s needs stage %s."
                              % (key[0], key[1], cluster, stage, command, needed))
        action(cluster, key)
        done = self.new_command(command, 0, {"clusterRef": {"clusterName": cluster}},
                                message="Command %s for parcel %s-%s submitted." % (command, key[0], key[1]))
        return self.command_view(done)

    def start_download(self, cluster, key):
        failure = self.failures.pop(("download",) + key, None)
        self.downloads[key].begin("DOWNLOADING", "DOWNLOADED", self.now(), STAGE_SECONDS["DOWNLOADING"], failure)

    def cancel_download(self, cluster, key):
        self.downloads[key] = Staged("AVAILABLE_REMOTELY")

    def remove_download(self, cluster, key):
        for (other, product, version), staged in self.distributions.items():
            if (product, version) == key and (staged.stage or staged.transition):
                raise bad_request("Parcel %s-%s is still distributed in cluster '%s'." % (key + (other,)))
        self.downloads[key] = Staged("AVAILABLE_REMOTELY")
        if key not in self.offered:
            self.known.discard(key)

    def distribution(self, cluster, key):
        return self.distributions.setdefault((cluster,) + key, Staged(None))

    def start_distribution(self, cluster, key):
        failure = self.failures.pop(("distribution", cluster) + key, None) or \
            self.failures.pop(("distribution", None) + key, None)
        self.distribution(cluster, key).begin("DISTRIBUTING", "DISTRIBUTED", self.now(),
                                              STAGE_SECONDS["DISTRIBUTING"], failure)

    def remove_distribution(self, cluster, key):
        staged = self.distribution(cluster, key)
        staged.stage = "DISTRIBUTED"
        staged.begin("UNDISTRIBUTING", None, self.now(), STAGE_SECONDS["UNDISTRIBUTING"])

    def activate(self, cluster, key):
        for (other_cluster, product, version), staged in self.distributions.items():
            if other_cluster == cluster and product == key[0] and staged.stage == "ACTIVATED":
                staged.stage = "DISTRIBUTED"
        self.distribution(cluster, key).begin("ACTIVATING", "ACTIVATED", self.now(), STAGE_SECONDS["ACTIVATING"])

    def deactivate(self, cluster, key):
        self.distribution(cluster, key).stage = "DISTRIBUTED"

    # -- services --------------------------------------------------------------------------------
    def add_service(self, cluster, name, kind, state, with_roles=False):
        roles = []
        for role_type, host_indexes in ROLE_LAYOUT.get(kind, []) if with_roles else []:
            for index in host_indexes:
                host = self.hosts[cluster][index]
                digest = hashlib.md5(("%s/%s/%s" % (name, role_type, host)).encode()).hexdigest()
                roles.append({"name": "%s-%s-%s" % (name, role_type, digest), "type": role_type, "host": host})
        self.services[cluster][name] = {"name": name, "type": kind, "state": state, "config": {},
                                        "stale": "FRESH", "client_stale": "FRESH", "roles": roles,
                                        "command": None}
        return self.services[cluster][name]

    def service(self, cluster, name):
        self.cluster(cluster)
        if name not in self.services[cluster]:
            raise HttpError(404, {"message": "Service '%s' not found in cluster '%s'." % (name, cluster)})
        return self.services[cluster][name]

    def service_state(self, service):
        command = service["command"]
        if command and not command.done and self.now() < command.end:
            return SERVICE_COMMANDS[command.kind][2] or service["state"]
        return service["state"]

    def service_view(self, cluster, service):
        state = self.service_state(service)
        health = {"STARTED": "GOOD", "STOPPED": "DISABLED"}.get(state, "CONCERNING")
        return {"name": service["name"], "type": service["type"],
                "clusterRef": {"clusterName": cluster, "displayName": cluster},
                "serviceState": state, "healthSummary": health, "healthChecks": [],
                "configStale": service["stale"] != "FRESH", "configStalenessStatus": service["stale"],
                "clientConfigStalenessStatus": service["client_stale"],
                "serviceUrl": "http://cm.example.com:7180/cmf/serviceRedirect/%s" % service["name"],
                "roleInstancesUrl": "http://cm.example.com:7180/cmf/serviceRedirect/%s/instances" % service["name"],
                "maintenanceMode": False, "maintenanceOwners": [], "displayName": service["name"].upper(),
                "entityStatus": "GOOD_HEALTH" if health == "GOOD" else "STOPPED" if state == "STOPPED" else "UNKNOWN",
                "serviceVersion": "CDH 7.1.7", "tags": []}

    def mark_stale(self, cluster):
        for service in self.services[cluster].values():
            if service["state"] == "STARTED":
                service["stale"] = "STALE"
                service["client_stale"] = "STALE"

    @api("GET", "/clusters/{cluster}/services")
    def list_services(self, request, cluster):
        self.cluster(cluster)
        return {"items": [self.service_view(cluster, s) for s in self.services[cluster].values()]}

    @api("POST", "/clusters/{cluster}/services")
    def create_services(self, request, cluster):
        self.cluster(cluster)
        items = (request.json() or {}).get("items") or []
        for item in items:
            if not item.get("name") or not item.get("type"):
                raise bad_request("A service needs a name and a type.")
            if item["type"] not in SERVICE_TYPES:
                raise bad_request("Service type '%s' is not supported by cluster '%s'." % (item["type"], cluster))
            if item["name"] in self.services[cluster]:
                raise bad_request("Service with name '%s' already exists." % item["name"])
        created = [self.add_service(cluster, item["name"], item["type"], "STOPPED") for item in items]
        return {"items": [self.service_view(cluster, service) for service in created]}

    @api("GET", "/clusters/{cluster}/services/{name}")
    def read_service(self, request, cluster, name):
        return self.service_view(cluster, self.service(cluster, name))

    @api("DELETE", "/clusters/{cluster}/services/{name}")
    def delete_service(self, request, cluster, name):
        service = self.service(cluster, name)
        if self.service_state(service) != "STOPPED":
            raise bad_request("Service '%s' must be stopped before it can be deleted (it is %s)."
                              % (name, self.service_state(service)))
        view = self.service_view(cluster, service)
        del self.services[cluster][name]
        return view

    @api("GET", "/clusters/{cluster}/services/{name}/roles")
    def list_roles(self, request, cluster, name):
        service = self.service(cluster, name)
        state = self.service_state(service)
        return {"items": [{"name": role["name"], "type": role["type"], "hostRef": {"hostId": role["host"],
                           "hostname": role["host"]}, "serviceRef": {"clusterName": cluster, "serviceName": name},
                           "roleState": state, "healthSummary": "GOOD" if state == "STARTED" else "DISABLED",
                           "configStalenessStatus": service["stale"], "maintenanceMode": False}
                          for role in service["roles"]]}

    @api("GET", "/clusters/{cluster}/services/{name}/config")
    def read_service_config(self, request, cluster, name):
        service = self.service(cluster, name)
        full = request.arg("view") == "full"
        items = self.config_items(SERVICE_TYPES[service["type"]], service["config"], full, "service")
        return {"items": items, "roleTypeConfigs": []} if full else {"items": items}

    @api("PUT", "/clusters/{cluster}/services/{name}/config")
    def update_service_config(self, request, cluster, name):
        service = self.service(cluster, name)
        catalog = SERVICE_TYPES[service["type"]]
        items = (request.json() or {}).get("items") or []
        for item in items:
            if item.get("name") not in catalog:
                raise bad_request("Unknown configuration attribute '%s' for service (type: '%s', name: '%s')."
                                  % (item.get("name"), service["type"], name))
        for item in items:
            value = item.get("value")
            service["config"][item["name"]] = None if value is None else str(value)
        if items and service["state"] == "STARTED":
            service["stale"] = service["client_stale"] = "STALE"
        return {"items": self.config_items(catalog, service["config"], False, "service")}

    @api("POST", "/clusters/{cluster}/services/{name}/commands/{command}")
    def service_command(self, request, cluster, name, command):
        service = self.service(cluster, name)
        if command not in SERVICE_COMMANDS:
            raise HttpError(404, {"message": "no resource at %s" % request.path})
        label, allowed, dummy, ok_state, failed_state = SERVICE_COMMANDS[command]
        running = service["command"] and not service["command"].done and self.now() < service["command"].end
        if running or self.service_state(service) not in allowed:
            raise bad_request("Command %s is not currently available for execution." % label)
        failure = self.failures.pop(("command", cluster, name), None) or self.failures.pop(("command", None, name), None)
        if failure:
            role = dict(service["roles"][0], cluster=cluster, service=name) if service["roles"] else {}
            failure = {"parent": "Failed to %s service." % label.lower(), "message": failure, "role": role}

        def finish(succeeded):
            if ok_state is None:
                if succeeded:
                    service["client_stale"] = "FRESH"
                return
            service["state"] = ok_state if succeeded else failed_state
            if succeeded and ok_state == "STARTED":
                service["stale"] = "FRESH"

        refs = {"serviceRef": {"clusterName": cluster, "serviceName": name}, "clusterRef": {"clusterName": cluster}}
        running = self.new_command(label, COMMAND_SECONDS, refs, failure, finish, kind=command)
        service["command"] = running
        return self.command_view(running)

    @api("GET", "/commands/{command_id:int}")
    def read_command(self, request, command_id):
        if command_id not in self.commands:
            raise HttpError(404, {"message": "Command '%d' not found." % command_id})
        return self.command_view(self.commands[command_id])

    # -- test hooks --------------------------------------------------------------------------------
    def control_fail_next_download(self, product, version, message=None):
        self.failures[("download", product, version)] = message or (
            "Error downloading parcel %s-%s-el7.parcel: Hash verification failed." % (product, version))
        return {"armed": "download"}

    def control_fail_next_distribution(self, product, version, message=None, cluster=None):
        self.failures[("distribution", cluster, product, version)] = message or (
            "Error distributing parcel %s-%s-el7.parcel to c1-node-2.example.com: No space left on device."
            % (product, version))
        return {"armed": "distribution"}

    def control_fail_next_command(self, service, message=None, cluster=None):
        self.failures[("command", cluster, service)] = message or (
            "Supervisor returned FATAL. Please check the role log file, stderr, or stdout.")
        return {"armed": "command"}

    def control_set_parcel_stage(self, cluster, product, version, stage, seconds=None):
        """Put a parcel in any stage; a transient one lasts `seconds` (simulated) from the first time a
        client reads the parcel, so a test knows the client sees it in progress."""
        self.settle()
        key = self.parcel(cluster, product, version)
        now = self.now()
        durations = dict(STAGE_SECONDS, **({stage: seconds} if seconds else {}))
        download, distribution = Staged("DOWNLOADED"), Staged(None)
        if stage == "AVAILABLE_REMOTELY":
            download = Staged(stage)
        elif stage == "DOWNLOADING":
            download = Staged("AVAILABLE_REMOTELY")
            download.begin(stage, "DOWNLOADED", now, durations[stage])
        elif stage in ("DISTRIBUTED", "ACTIVATED"):
            distribution = Staged(stage)
        elif stage in ("DISTRIBUTING", "ACTIVATING"):
            distribution = Staged("DISTRIBUTED" if stage == "ACTIVATING" else None)
            distribution.begin(stage, "ACTIVATED" if stage == "ACTIVATING" else "DISTRIBUTED", now, durations[stage])
        elif stage == "UNDISTRIBUTING":
            distribution = Staged("DISTRIBUTED")
            distribution.begin(stage, None, now, durations[stage])
        elif stage != "DOWNLOADED":
            raise HttpError(400, {"message": "unknown stage %s" % stage})
        if stage in ("ACTIVATED", "ACTIVATING"):
            for (other, product, version), staged in self.distributions.items():
                if other == cluster and product == key[0] and staged.stage == "ACTIVATED":
                    staged.stage = "DISTRIBUTED"
        download.armed = distribution.armed = True
        self.downloads[key] = download
        self.distributions[(cluster,) + key] = distribution
        return {"stage": stage}

    def control_set_service(self, cluster, service, state=None, stale=None):
        record = self.service(cluster, service)
        if state:
            record["state"] = state
        if stale:
            record["stale"] = record["client_stale"] = stale
        return self.service_view(cluster, record)
