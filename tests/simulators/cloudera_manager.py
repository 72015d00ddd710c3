"""Cloudera Manager REST API simulator (the subset bigdata.platform's cm_* modules use).

Estate: empty (no cluster, no host) with clusters=() -- what the demo and the platform tests start
from; the default seeds two clusters so older tests keep their fixtures:
  credentials          admin / admin (HTTP basic auth; anything else answers 401)
  API versions         v1 .. v51 under /api/vNN/; GET /api/version answers "v51" (text/plain); with
                       latest_api=NN an older CM: v1 .. vNN, a path under a newer version answers 404
  clusters (seeded)    name "cluster" / displayName "Cluster 1" and "cluster2" / "Cluster 2" (CDH7),
                       three agent hosts each (c1-node-1.example.com ...), the way CM 7 names a
                       cluster its wizard made (a real deployment export shows "name": "cluster",
                       "displayName": "<what the UI shows>": Fatiaro/SEBC exit-test/labs/3_deploymentjson.md)
  parcel repositories  configured (as REMOTE_PARCEL_REPO_URLS' default): the CDH 7.1.7 and 7.1.8
                       repositories; known but not configured: the CDH 7.1.9 repository (REPO_7_1_9),
                       whose parcel appears after it is added and the repos are refreshed
  parcels per cluster  CDH 7.1.7-1.cdh7.1.7.p0.15945976 ACTIVATED (seeded clusters), CDH
                       7.1.8-1.cdh7.1.8.p0.30990532 AVAILABLE_REMOTELY
  services (seeded)    zookeeper (ZOOKEEPER), hdfs (HDFS), yarn (YARN): STARTED, GOOD, config FRESH,
                       each with its roles on the cluster's hosts

State shape (mixins such as cloudera_manager_roles.py extend it; keys are internal names):
  self.clusters[name] = {"name", "displayName", "fullVersion", "hosts": [hostId, ...] (in the order
      they joined), "services": {service name: service}, "hostTemplates": {name: {"name",
      "groups": [role config group name, ...]}}}
  service = {"name", "type", "state", "config": {key: str}, "stale", "client_stale", "command",
      "displayName", "roles": {role name: role},
      "roleConfigGroups": {group name: {"name", "roleType", "base", "displayName", "config": {}}}}
      (every service gets one base group per role type of its type: "<service>-<ROLETYPE>-BASE",
      displayName "<Role Type> Default Group", as a real export shows "zookeeper-SERVER-BASE")
  role = {"name", "type", "hostId", "roleConfigGroupName", "state" (None: follows its service),
      "commission": "COMMISSIONED" | "DECOMMISSIONED", "maintenance": bool, "config": {}}
      named "<service>-<ROLETYPE>-<md5 hex>" like CM ("zookeeper-SERVER-2fe36485...")
  self.hosts[hostId] = {"hostId", "hostname", "ipAddress", "rackId", "cluster" (internal name or
      None), "agent": bool (heartbeating), "maintenance", "commission", "numCores", "memory"}
  Helpers for mixins: resolve_cluster(name or displayName) -> internal name (404 otherwise),
  service(cluster, name), add_role(cluster, service, type, hostId, group=None), host(hostId),
  host_by_name(hostname), roles_on_host(hostId), cluster_ref(name), schedule(...) for timed commands.

Behaviour, as Cloudera Manager does it (API reference: docs.huihoo.com/cloudera/cm-api/apidocs/vNN/):
  - clusters are addressed in paths by name or by displayName (what CM 7's own UI links use; the API
    reference documents only the name, "clusterName: Name of cluster to look up" in apidocs
    resource_ClustersResource, so display_names_in_paths=False answers 404 for a display name, and
    test_cm_requests.py shows the modules then find it in the list);
    every answer names them by their internal name in clusterRef.clusterName, with displayName
    beside it. POST /clusters takes an ApiClusterList ("Creates a collection of clusters", apidocs
    v10 path__clusters; name required, displayName defaults to the name, version CDH7 or
    fullVersion); a taken name or displayName answers 400. DELETE refuses a cluster whose services
    are not all STOPPED and its hosts return to the pool (not found documented: modelled on the
    strict side, so a client that passes here stops the cluster first).
  - hosts: GET /hosts lists what CM knows. An agent's host appears only when its agent heartbeats
    (control_agent_heartbeat: a real agent registers itself, with a UUID hostId). POST /hosts
    "Create one or more hosts. You must specify at least the hostname and ipAddress ... If no hostId
    is specified, it will be set to the hostname. It is an error to try and create host with the
    same hostId as another host" (apidocs v7 path__hosts): such a host has no heartbeat (health
    BAD) until its agent heartbeats. /hosts/{hostId} takes the hostId only (not the hostname).
    PUT /hosts/{hostId} changes the rackId only. DELETE /hosts/{hostId} refuses a host that still
    carries roles (modelled on the strict side, as removing it from its cluster).
  - cluster membership: POST /clusters/{c}/hosts (ApiHostRefList) adds hosts (400 for a host of
    another cluster); DELETE /clusters/{c}/hosts/{hostId} removes one and returns its ref, or
    nothing when it was not a member (apidocs v10); it refuses a host that still carries roles
    (stricter than guessing what CM would drop). POST /hosts/removeHostsFromCluster
    (ApiHostsToRemoveArgs) "decommissions and deletes all non management roles from the list of
    hosts and removes the hosts from the cluster" (cm-client's docstring), as an async command.
  - host templates "belong to a cluster and contain a set of role config groups ... At most one
    role config group per role type ... Host template names must be unique across clusters"
    (apidocs v10 ns0_apiHostTemplate, path__clusters_-clusterName-_hostTemplates).
    applyHostTemplate "will create a role for each role config group on each of the hosts. The
    provided hosts must not have any existing roles on them"; without startRoles it is a
    synchronous command (apidocs v10), with startRoles=true the roles start over simulated time.
  - cluster commands start/stop/restart run the services in dependency order (a service after the
    services its *_service settings name; stop in reverse), one child command per service, each
    COMMAND_SECONDS; services already in the target state are skipped. rollingRestart
    (ApiRollingRestartClusterArgs) "does plain restart of services that cannot be rolling
    restarted, followed by first rolling restarting non-slaves and then ... the slave roles ...
    host-by-host" in batches of slaveBatchSize (default 1; apidocs v5) -- every batch is recorded
    in self.restart_log so a test can see one worker at a time. deployClientConfig freshens the
    client configuration of every service.
  - GET /clusters/{c}/serviceTypes lists the service types this CM can add (ApiServiceTypeList).
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
    its children; a command that is not available in the service's state answers 400. A restart
    that succeeds lists its steps as children, a Stop then a Start (each half of it), as a real command's
    children list the commands it runs (an answer of CM's /commands/{id}: Fatiaro/SEBC
    enterprise/labs/3_api_hive_state.md).
    GET /clusters/{c}/services/{s}/commands lists the service's running commands (cm_api's
    ApiService.get_commands: "Retrieve a list of running commands for this service").
  - changing a started service's config makes it STALE (and its client config STALE) until restart.

Test hooks (Python methods, and over HTTP as POST /_sim/control/<name without control_>):
  control_agent_heartbeat(hostname=None, ip_address=None, hosts=None, rack_id=None)  an agent (or
                       a list of {hostname, ip_address}) heartbeats: its host appears in /hosts
  control_agent_stop(hostname)  the agent stops heartbeating (health BAD)
  control_fail_next_download(product, version, message=None)
  control_fail_next_distribution(product, version, message=None, cluster=None)
  control_fail_next_command(service, message=None, cluster=None)  (a cluster command fails at it too)
  control_set_parcel_stage(cluster, product, version, stage, seconds=None)  (a transient stage lasts
                       `seconds` from the first read of the parcel)
  control_set_service(cluster, service, state=None, stale=None)
"""

import base64
import hashlib
import itertools
import uuid
from datetime import datetime, timedelta, timezone

from simulators.cloudera_manager_api import LATEST_API, api, bad_request
from simulators.cloudera_manager_roles import SERVICE_COMMANDS, RolesMixin  # roles, role config groups, service commands
from simulators.framework import HttpError, Response, Simulator, Timeline, route
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
             "dfs_umaskmode": "022", "zookeeper_service": None, "ssl_server_keystore_password": None},
    "YARN": {"yarn_admin_acl": "*", "yarn_log_aggregation_retain_seconds": "604800",
             "hdfs_service": None, "zookeeper_service": None},
    "SPARK_ON_YARN": {"spark_history_enabled": "true", "yarn_service": None},
    "KAFKA": {"default.replication.factor": "1", "num.partitions": "1", "zookeeper_service": None},
}
# Role types per service type, the slave roles among them (what a rolling restart takes host by host).
ROLE_TYPES = {
    "ZOOKEEPER": ("SERVER", "GATEWAY"),
    "HDFS": ("NAMENODE", "SECONDARYNAMENODE", "DATANODE", "JOURNALNODE", "FAILOVERCONTROLLER", "HTTPFS",
             "BALANCER", "GATEWAY"),
    "YARN": ("RESOURCEMANAGER", "JOBHISTORY", "NODEMANAGER", "GATEWAY"),
    "SPARK_ON_YARN": ("SPARK_YARN_HISTORY_SERVER", "GATEWAY"),
    "KAFKA": ("KAFKA_BROKER", "GATEWAY"),
}
SLAVE_ROLE_TYPES = ("DATANODE", "NODEMANAGER", "KAFKA_BROKER")
# Seeded clusters: (name, displayName); roles of the seeded services by host index.
SEEDED = (("cluster", "Cluster 1"), ("cluster2", "Cluster 2"))
ROLE_LAYOUT = {
    "ZOOKEEPER": [("SERVER", (0, 1, 2))],
    "HDFS": [("NAMENODE", (0,)), ("SECONDARYNAMENODE", (1,)), ("DATANODE", (0, 1, 2))],
    "YARN": [("RESOURCEMANAGER", (0,)), ("JOBHISTORY", (1,)), ("NODEMANAGER", (0, 1, 2))],
}
HOST_CORES = 8
HOST_MEMORY = 34359738368
# What each service command needs, becomes while it runs, and leaves behind (ok, failed).
LABELS = {"start": "start", "stop": "stop", "restart": "restart", "rollingRestart": "rolling restart",
          "deployClientConfig": "deploy client configuration of"}


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
        self.children = []


def timestamp(seconds):
    moment = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)


class ClouderaManagerSimulator(RolesMixin, Simulator):
    name = "cm"

    def __init__(self, speed=1.0, clusters=SEEDED, latest_api=LATEST_API, display_names_in_paths=True):
        super().__init__(speed)
        self.latest_api = latest_api  # an older CM (latest_api=43: CM 7.1.x) answers 404 under /api/v44 and up
        # The API reference names only the cluster's name as the path parameter ("clusterName: Name of cluster
        # to look up", apidocs resource_ClustersResource); False answers 404 for a display name in a path.
        self.display_names_in_paths = display_names_in_paths
        self.ids = itertools.count(1000)
        self.cm_config = {}
        self.configured_repos = None  # None: REMOTE_PARCEL_REPO_URLS' default
        self.known = set()  # (product, version) CM learnt from its repositories
        self.downloads = {}  # (product, version) -> Staged: AVAILABLE_REMOTELY / DOWNLOADED
        self.distributions = {}  # (cluster, product, version) -> Staged: None / DISTRIBUTED / ACTIVATED
        self.clusters = {}
        self.hosts = {}
        self.commands = {}
        self.failures = {}
        self.restart_log = []  # one entry per restart step of a rolling restart
        for url in self.repositories():
            self.known.update(REPOSITORIES.get(url, []))
        for key in self.known:
            self.downloads[key] = Staged("DOWNLOADED" if clusters and key == ("CDH", CDH_7_1_7) else "AVAILABLE_REMOTELY")
        self.offered = set(self.known)  # what the configured repositories offered at the last refresh
        for number, (name, display_name) in enumerate(clusters, 1):
            self.seed_cluster(number, name, display_name)

    def seed_cluster(self, number, name, display_name):
        self.add_cluster(name, display_name, "7.1.7")
        for index in (1, 2, 3):
            host = self.heartbeat("c%d-node-%d.example.com" % (number, index), "10.0.%d.%d" % (number, index))
            self.join(name, host)
        self.distributions[(name, "CDH", CDH_7_1_7)] = Staged("ACTIVATED")
        for service, kind in (("zookeeper", "ZOOKEEPER"), ("hdfs", "HDFS"), ("yarn", "YARN")):
            record = self.add_service(name, service, kind, "STARTED")
            for role_type, host_indexes in ROLE_LAYOUT[kind]:
                for index in host_indexes:
                    self.add_role(name, record, role_type, self.clusters[name]["hosts"][index])
        services = self.clusters[name]["services"]
        services["hdfs"]["config"]["zookeeper_service"] = "zookeeper"
        services["yarn"]["config"].update(hdfs_service="hdfs", zookeeper_service="zookeeper")

    @property
    def services(self):
        """{cluster name or displayName: {service name: service}}: a shortcut for tests."""
        view = {}
        for name, cluster in self.clusters.items():
            view[name] = view[cluster["displayName"]] = cluster["services"]
        return view

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

    def new_command(self, name, seconds, refs, failure=None, on_end=None, message=None, kind=None, delay=0.0):
        command = Command(next(self.ids), name, self.now() + delay, seconds, refs, failure, on_end, message, kind)
        self.commands[command.id] = command
        return command

    def command_view(self, command):
        now = self.now()
        active = now < command.end
        view = {"id": command.id, "name": command.name, "startTime": timestamp(command.start),
                "active": active, "canRetry": False,
                "children": {"items": [self.command_view(child) for child in command.children if child.start <= now]}}
        view.update(command.refs)
        if active:
            return view
        view["endTime"] = timestamp(command.end)
        view["success"] = command.failure is None
        if command.failure is None:
            view["resultMessage"] = command.message or "Command %s completed." % command.name
            return view
        view["resultMessage"] = command.failure["parent"]
        view["canRetry"] = True
        if command.failure.get("message"):
            role = command.failure.get("role") or {}
            view["children"]["items"].append({
                "id": command.id + 1, "name": command.name, "active": False, "success": False,
                "startTime": timestamp(command.start), "endTime": timestamp(command.end),
                "resultMessage": command.failure["message"],
                "roleRef": {"clusterName": role.get("cluster"), "serviceName": role.get("service"),
                            "roleName": role.get("name")},
            })
        return view

    def done_command(self, name, refs, message=None):
        """A synchronous command: answered finished and successful."""
        return self.command_view(self.new_command(name, 0, refs, message=message))

    # -- version, CM config, repositories --------------------------------------------------------
    @route("GET", "/api/version")
    def api_version(self, request):
        return Response(200, "v%d" % self.latest_api, content_type="text/plain")

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

    # -- clusters --------------------------------------------------------------------------------
    def add_cluster(self, name, display_name, full_version):
        self.clusters[name] = {"name": name, "displayName": display_name or name, "fullVersion": full_version,
                               "hosts": [], "services": {}, "hostTemplates": {}}
        return self.clusters[name]

    def resolve_cluster(self, name):
        """The internal name of the cluster a path names by name or by displayName; 404 otherwise."""
        if name in self.clusters:
            return name
        for internal, cluster in self.clusters.items() if self.display_names_in_paths else ():
            if cluster["displayName"] == name:
                return internal
        raise HttpError(404, {"message": "Cluster '%s' not found." % name})

    # Older handlers call it cluster(); both resolve a display name.
    cluster = resolve_cluster

    def cluster_ref(self, name):
        return {"clusterName": name, "displayName": self.clusters[name]["displayName"]}

    def cluster_entity_status(self, name):
        states = {self.service_state(service) for service in self.clusters[name]["services"].values()}
        if not states:
            return "NONE"
        if states == {"STARTED"}:
            return "GOOD_HEALTH"
        if states == {"STOPPED"}:
            return "STOPPED"
        if "STARTING" in states:
            return "STARTING"
        if "STOPPING" in states:
            return "STOPPING"
        return "CONCERNING_HEALTH"

    def cluster_view(self, name):
        cluster = self.clusters[name]
        major = cluster["fullVersion"].split(".")[0]
        return {"name": name, "displayName": cluster["displayName"], "version": "CDH" + major,
                "fullVersion": cluster["fullVersion"], "clusterType": "BASE_CLUSTER",
                "entityStatus": self.cluster_entity_status(name), "maintenanceMode": False,
                "maintenanceOwners": [], "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, "cluster/" + name)),
                "clusterUrl": "http://cm.example.com:7180/cmf/clusterRedirect/" + name,
                "hostsUrl": "http://cm.example.com:7180/cmf/clusterRedirect/%s/hosts" % name, "tags": []}

    @api("GET", "/clusters")
    def list_clusters(self, request):
        return {"items": [self.cluster_view(name) for name in self.clusters]}

    @api("GET", "/clusters/{cluster}")
    def read_cluster(self, request, cluster):
        return self.cluster_view(self.resolve_cluster(cluster))

    @staticmethod
    def full_version(item):
        if item.get("fullVersion"):
            if not all(part.isdigit() for part in str(item["fullVersion"]).split(".")):
                raise bad_request("Invalid cluster version '%s'." % item["fullVersion"])
            return str(item["fullVersion"])
        version = item.get("version")
        if version in ("CDH5", "CDH6", "CDH7"):
            return {"CDH5": "5.16.2", "CDH6": "6.3.4", "CDH7": "7.1.7"}[version]
        raise bad_request("Cluster '%s' needs a version (CDH5, CDH6, CDH7) or a fullVersion; got %r."
                          % (item.get("name"), version))

    @api("POST", "/clusters")
    def create_clusters(self, request):
        items = (request.json() or {}).get("items") or []
        taken = set(self.clusters) | {c["displayName"] for c in self.clusters.values()}
        for item in items:
            if not item.get("name"):
                raise bad_request("A cluster needs a name.")
            for label in ("name", "displayName"):
                if item.get(label) and item[label] in taken:
                    raise bad_request("A cluster with the name or display name '%s' already exists." % item[label])
            taken.update({item["name"], item.get("displayName") or item["name"]})
        versions = [self.full_version(item) for item in items]
        created = [self.add_cluster(item["name"], item.get("displayName"), version) for item, version in zip(items, versions)]
        return {"items": [self.cluster_view(cluster["name"]) for cluster in created]}

    @api("PUT", "/clusters/{cluster}")
    def update_cluster(self, request, cluster):
        name = self.resolve_cluster(cluster)
        body = request.json() or {}
        if body.get("name") not in (None, name):
            raise bad_request("This simulator does not rename a cluster's internal name (%s)." % name)
        display = body.get("displayName")
        if display and display != self.clusters[name]["displayName"]:
            if any(display in (other, record["displayName"]) for other, record in self.clusters.items() if other != name):
                raise bad_request("A cluster with the name or display name '%s' already exists." % display)
            self.clusters[name]["displayName"] = display
        return self.cluster_view(name)

    @api("DELETE", "/clusters/{cluster}")
    def delete_cluster(self, request, cluster):
        name = self.resolve_cluster(cluster)
        running = sorted(svc["name"] for svc in self.clusters[name]["services"].values()
                         if self.service_state(svc) != "STOPPED")
        if running:
            raise bad_request("Cannot delete cluster '%s': services %s are not stopped." % (name, ", ".join(running)))
        view = self.cluster_view(name)
        for host_id in self.clusters[name]["hosts"]:
            self.hosts[host_id]["cluster"] = None
        for key in [key for key in self.distributions if key[0] == name]:
            del self.distributions[key]
        del self.clusters[name]
        return view

    @api("GET", "/clusters/{cluster}/serviceTypes")
    def list_service_types(self, request, cluster):
        self.resolve_cluster(cluster)
        return {"items": sorted(SERVICE_TYPES)}

    # -- hosts -----------------------------------------------------------------------------------
    def new_host(self, host_id, hostname, ip_address, rack_id=None):
        self.hosts[host_id] = {"hostId": host_id, "hostname": hostname, "ipAddress": ip_address,
                               "rackId": rack_id or "/default", "cluster": None, "agent": False,
                               "maintenance": False, "commission": "COMMISSIONED",
                               "numCores": HOST_CORES, "memory": HOST_MEMORY}
        return self.hosts[host_id]

    def heartbeat(self, hostname, ip_address=None, rack_id=None):
        """What an agent's first heartbeat does: CM learns the host (a UUID hostId) or revives it."""
        host = self.host_by_name(hostname)
        if host is None:
            if not ip_address:
                raise bad_request("an agent heartbeat needs the host's ip_address")
            host = self.new_host(str(uuid.uuid5(uuid.NAMESPACE_DNS, hostname)), hostname, ip_address, rack_id)
        elif ip_address:
            host["ipAddress"] = ip_address
        host["agent"] = True
        return host["hostId"]

    def host_by_name(self, hostname):
        return next((host for host in self.hosts.values() if host["hostname"] == hostname), None)

    def host(self, host_id):
        if host_id not in self.hosts:
            raise HttpError(404, {"message": "Host '%s' not found." % host_id})
        return self.hosts[host_id]

    def join(self, cluster, host_id):
        self.hosts[host_id]["cluster"] = cluster
        self.clusters[cluster]["hosts"].append(host_id)

    def leave(self, host_id):
        host = self.hosts[host_id]
        if host["cluster"]:
            self.clusters[host["cluster"]]["hosts"].remove(host_id)
        host["cluster"] = None

    def roles_on_host(self, host_id):
        """[(service, role)] of every role on the host, in its cluster."""
        cluster = self.hosts[host_id]["cluster"]
        if cluster is None:
            return []
        return [(service, role) for service in self.clusters[cluster]["services"].values()
                for role in service["roles"].values() if role["hostId"] == host_id]

    def refuse_host_with_roles(self, host_id, doing):
        roles = self.roles_on_host(host_id)
        if roles:
            raise bad_request("Cannot %s host %s: it still has roles (%s). Decommission and delete them first."
                              % (doing, self.hosts[host_id]["hostname"], ", ".join(sorted(r["name"] for s, r in roles))))

    def host_view(self, host_id):
        host = self.hosts[host_id]
        health = "GOOD" if host["agent"] else "BAD"
        view = {"hostId": host_id, "ipAddress": host["ipAddress"], "hostname": host["hostname"],
                "rackId": host["rackId"], "healthSummary": health,
                "healthChecks": [{"name": "HOST_SCM_HEALTH", "summary": health, "suppressed": False}],
                "hostUrl": "http://cm.example.com:7180/cmf/hostRedirect/" + host_id,
                "maintenanceMode": host["maintenance"], "maintenanceOwners": ["HOST"] if host["maintenance"] else [],
                "commissionState": host["commission"], "numCores": host["numCores"],
                "numPhysicalCores": host["numCores"] // 2, "totalPhysMemBytes": host["memory"],
                "entityStatus": "GOOD_HEALTH" if host["agent"] else "BAD_HEALTH", "tags": [],
                "roleRefs": [{"clusterName": host["cluster"], "serviceName": service["name"], "roleName": role["name"]}
                             for service, role in self.roles_on_host(host_id)]}
        if host["agent"]:
            view["lastHeartbeat"] = timestamp(self.now())
        if host["cluster"]:
            view["clusterRef"] = self.cluster_ref(host["cluster"])
        return view

    @api("GET", "/hosts")
    def list_hosts(self, request):
        return {"items": [self.host_view(host_id) for host_id in self.hosts]}

    @api("POST", "/hosts")
    def create_hosts(self, request):
        items = (request.json() or {}).get("items") or []
        ids = set(self.hosts)
        for item in items:
            if not item.get("hostname") or not item.get("ipAddress"):
                raise bad_request("A host needs at least a hostname and an ipAddress.")
            host_id = item.get("hostId") or item["hostname"]
            if host_id in ids or self.host_by_name(item["hostname"]):
                raise bad_request("A host with hostId or hostname '%s' already exists." % item["hostname"])
            ids.add(host_id)
        created = [self.new_host(item.get("hostId") or item["hostname"], item["hostname"], item["ipAddress"],
                                 item.get("rackId")) for item in items]
        return {"items": [self.host_view(host["hostId"]) for host in created]}

    @api("GET", "/hosts/{host_id}")
    def read_host(self, request, host_id):
        return self.host_view(self.host(host_id)["hostId"])

    @api("PUT", "/hosts/{host_id}")
    def update_host(self, request, host_id):
        host = self.host(host_id)
        rack = (request.json() or {}).get("rackId")
        if rack is not None:
            if not rack.startswith("/"):
                raise bad_request("Invalid rack ID '%s': a rack ID starts with '/'." % rack)
            host["rackId"] = rack
        return self.host_view(host_id)

    @api("DELETE", "/hosts/{host_id}")
    def delete_host(self, request, host_id):
        self.host(host_id)
        self.refuse_host_with_roles(host_id, "delete")
        view = self.host_view(host_id)
        self.leave(host_id)
        del self.hosts[host_id]
        return view

    @api("POST", "/hosts/{host_id}/commands/{command}")
    def host_command(self, request, host_id, command):
        host = self.host(host_id)
        if command not in ("enterMaintenanceMode", "exitMaintenanceMode"):
            raise HttpError(404, {"message": "no resource at %s" % request.path})
        host["maintenance"] = command == "enterMaintenanceMode"
        return self.done_command(command, {"hostRef": {"hostId": host_id, "hostname": host["hostname"]}})

    @api("POST", "/hosts/removeHostsFromCluster")
    def remove_hosts_from_cluster(self, request):
        names = (request.json() or {}).get("hostsToRemove") or []
        hosts = []
        for hostname in names:
            host = self.host_by_name(hostname) or self.hosts.get(hostname)
            if host is None:
                raise bad_request("Host '%s' not found." % hostname)
            hosts.append(host)
        for host in hosts:
            for service, role in self.roles_on_host(host["hostId"]):
                role["commission"] = "DECOMMISSIONED"

        def finish(succeeded):
            for host in hosts:
                for service, role in self.roles_on_host(host["hostId"]):
                    del service["roles"][role["name"]]
                self.leave(host["hostId"])

        return self.command_view(self.new_command("RemoveHostsFromCluster", COMMAND_SECONDS, {}, on_end=finish,
                                                  message="Removed %d host(s) from their cluster." % len(hosts)))

    def host_refs(self, request):
        """The hosts an ApiHostRefList names (by hostId, or hostname when no hostId is given)."""
        refs = []
        for item in (request.json() or {}).get("items") or []:
            host = self.hosts.get(item.get("hostId")) if item.get("hostId") else self.host_by_name(item.get("hostname"))
            if host is None:
                raise HttpError(404, {"message": "Host '%s' not found." % (item.get("hostId") or item.get("hostname"))})
            refs.append(host)
        return refs

    @api("GET", "/clusters/{cluster}/hosts")
    def list_cluster_hosts(self, request, cluster):
        name = self.resolve_cluster(cluster)
        return {"items": [self.host_view(host_id) for host_id in self.clusters[name]["hosts"]]}

    @api("POST", "/clusters/{cluster}/hosts")
    def add_cluster_hosts(self, request, cluster):
        name = self.resolve_cluster(cluster)
        hosts = self.host_refs(request)
        for host in hosts:
            if host["cluster"] not in (None, name):
                raise bad_request("Host %s already belongs to cluster '%s'." % (host["hostname"], host["cluster"]))
        added = [host for host in hosts if host["cluster"] is None]
        for host in added:
            self.join(name, host["hostId"])
        return {"items": [{"hostId": host["hostId"], "hostname": host["hostname"]} for host in added]}

    @api("DELETE", "/clusters/{cluster}/hosts/{host_id}")
    def remove_cluster_host(self, request, cluster, host_id):
        name = self.resolve_cluster(cluster)
        host = self.host(host_id)
        if host["cluster"] != name:
            return Response(204, None)
        self.refuse_host_with_roles(host_id, "remove from cluster '%s'" % name)
        self.leave(host_id)
        return {"hostId": host_id, "hostname": host["hostname"]}

    @api("DELETE", "/clusters/{cluster}/hosts")
    def remove_all_cluster_hosts(self, request, cluster):
        name = self.resolve_cluster(cluster)
        members = list(self.clusters[name]["hosts"])
        for host_id in members:
            self.refuse_host_with_roles(host_id, "remove from cluster '%s'" % name)
        for host_id in members:
            self.leave(host_id)
        return {"items": [{"hostId": h, "hostname": self.hosts[h]["hostname"]} for h in members]}

    # -- host templates --------------------------------------------------------------------------
    def role_config_group(self, cluster, group_name):
        """(service, group) of the cluster's role config group of that name; 400 when there is none."""
        for service in self.clusters[cluster]["services"].values():
            if group_name in service["roleConfigGroups"]:
                return service, service["roleConfigGroups"][group_name]
        raise bad_request("Role config group '%s' not found in cluster '%s'." % (group_name, cluster))

    def template_groups(self, cluster, item):
        names = [(ref or {}).get("roleConfigGroupName") for ref in item.get("roleConfigGroupRefs") or []]
        types = {}
        for group_name in names:
            service, group = self.role_config_group(cluster, group_name)
            key = (service["name"], group["roleType"])
            if key in types:
                raise bad_request("Host template '%s' has two role config groups of role type %s (%s, %s)."
                                  % (item.get("name"), group["roleType"], types[key], group_name))
            types[key] = group_name
        return names

    def template(self, cluster, name):
        templates = self.clusters[cluster]["hostTemplates"]
        if name not in templates:
            raise HttpError(404, {"message": "Host template '%s' not found in cluster '%s'." % (name, cluster)})
        return templates[name]

    def template_view(self, cluster, template):
        return {"name": template["name"], "clusterRef": self.cluster_ref(cluster),
                "roleConfigGroupRefs": [{"roleConfigGroupName": group} for group in template["groups"]]}

    @api("GET", "/clusters/{cluster}/hostTemplates")
    def list_host_templates(self, request, cluster):
        name = self.resolve_cluster(cluster)
        return {"items": [self.template_view(name, t) for t in self.clusters[name]["hostTemplates"].values()]}

    @api("POST", "/clusters/{cluster}/hostTemplates")
    def create_host_templates(self, request, cluster):
        name = self.resolve_cluster(cluster)
        items = (request.json() or {}).get("items") or []
        taken = {t for c in self.clusters.values() for t in c["hostTemplates"]}
        groups = []
        for item in items:
            if not item.get("name"):
                raise bad_request("A host template needs a name.")
            if item["name"] in taken:
                raise bad_request("Host template with name '%s' already exists." % item["name"])
            taken.add(item["name"])
            groups.append(self.template_groups(name, item))
        templates = self.clusters[name]["hostTemplates"]
        for item, names in zip(items, groups):
            templates[item["name"]] = {"name": item["name"], "groups": names}
        return {"items": [self.template_view(name, templates[item["name"]]) for item in items]}

    @api("GET", "/clusters/{cluster}/hostTemplates/{template}")
    def read_host_template(self, request, cluster, template):
        name = self.resolve_cluster(cluster)
        return self.template_view(name, self.template(name, template))

    @api("PUT", "/clusters/{cluster}/hostTemplates/{template}")
    def update_host_template(self, request, cluster, template):
        name = self.resolve_cluster(cluster)
        record = self.template(name, template)
        body = request.json() or {}
        if body.get("name") not in (None, template):
            raise bad_request("This simulator does not rename host templates.")
        record["groups"] = self.template_groups(name, dict(body, name=template))
        return self.template_view(name, record)

    @api("DELETE", "/clusters/{cluster}/hostTemplates/{template}")
    def delete_host_template(self, request, cluster, template):
        name = self.resolve_cluster(cluster)
        view = self.template_view(name, self.template(name, template))
        del self.clusters[name]["hostTemplates"][template]
        return view

    @api("POST", "/clusters/{cluster}/hostTemplates/{template}/commands/applyHostTemplate")
    def apply_host_template(self, request, cluster, template):
        name = self.resolve_cluster(cluster)
        record = self.template(name, template)
        hosts = self.host_refs(request)
        for host in hosts:
            if host["cluster"] != name:
                raise bad_request("Host %s is not a host of cluster '%s'." % (host["hostname"], name))
            if self.roles_on_host(host["hostId"]):
                raise bad_request("Cannot apply host template '%s': host %s already has roles."
                                  % (template, host["hostname"]))
        created = []
        for host in hosts:
            for group_name in record["groups"]:
                service, group = self.role_config_group(name, group_name)
                created.append(self.add_role(name, service, group["roleType"], host["hostId"], group_name,
                                             state="STOPPED"))
        refs = {"clusterRef": self.cluster_ref(name)}
        if (request.arg("startRoles") or "").lower() != "true":  # JAX-RS reads booleans case-insensitively
            return self.done_command("ApplyHostTemplate", refs, "Host template %s applied." % template)

        def start_roles(succeeded):
            for role in created:
                role["state"] = "STARTED"

        return self.command_view(self.new_command("ApplyHostTemplate", COMMAND_SECONDS, refs, on_end=start_roles))

    # -- cluster commands ------------------------------------------------------------------------
    def dependency_order(self, cluster):
        """Services so that each comes after the services its *_service settings name."""
        services = self.clusters[cluster]["services"]
        order, seen = [], set()

        def visit(name, path=()):
            if name in seen or name not in services or name in path:
                return
            service = services[name]
            for key, value in sorted(service["config"].items()):
                if key.endswith("_service") and value:
                    visit(value, path + (name,))
            seen.add(name)
            order.append(service)

        for name in sorted(services):
            visit(name)
        return order

    def command_failure_for(self, cluster, service):
        failure = self.failures.pop(("command", cluster, service["name"]), None) or \
            self.failures.pop(("command", None, service["name"]), None)
        if not failure:
            return None
        roles = list(service["roles"].values())
        role = dict(roles[0], cluster=cluster, service=service["name"]) if roles else {}
        return {"message": failure, "role": role}

    def running_command(self, service):
        command = service["command"]
        return command is not None and not command.done and self.now() < command.end

    def schedule(self, cluster, service, kind, delay, failure=None, on_success=None):
        """A service command inside a larger one, starting after `delay` simulated seconds."""
        label, allowed, dummy, ok_state, failed_state = SERVICE_COMMANDS[kind]
        if failure:
            failure = dict(failure, parent="Failed to %s service." % label.lower())

        def finish(succeeded):
            if ok_state is not None:
                service["state"] = ok_state if succeeded else failed_state
            self.service_command_finished(service, kind, succeeded)
            if succeeded:
                if ok_state == "STARTED":
                    service["stale"] = "FRESH"
                if kind == "deployClientConfig":
                    service["client_stale"] = "FRESH"
                if on_success:
                    on_success(command)

        refs = {"serviceRef": {"clusterName": cluster, "serviceName": service["name"]},
                "clusterRef": self.cluster_ref(cluster)}
        command = self.new_command(label, COMMAND_SECONDS, refs, failure, finish, kind=kind, delay=delay)
        if kind == "restart" and not failure:  # a stop, then a start: steps CM lists in the command's children
            half = COMMAND_SECONDS / 2
            command.children = [Command(next(self.ids), step, command.start + index * half, half, refs)
                                for index, step in enumerate(("Stop", "Start"))]
        service["command"] = command
        return command

    @api("POST", "/clusters/{cluster}/commands/{command}")
    def cluster_command(self, request, cluster, command):
        name = self.resolve_cluster(cluster)
        plans = {"start": self.plan_start, "stop": self.plan_stop, "restart": self.plan_restart,
                 "rollingRestart": self.plan_rolling_restart, "deployClientConfig": self.plan_deploy_client_config}
        if command not in plans:
            raise HttpError(404, {"message": "no resource at %s" % request.path})
        busy = [s["name"] for s in self.clusters[name]["services"].values() if self.running_command(s)]
        if busy:
            raise bad_request("Command %s is not currently available for execution: services %s are busy."
                              % (command, ", ".join(sorted(busy))))
        steps = plans[command](name, request.json() or {})
        children, delay, failed = [], 0.0, None
        for service, kind, on_success in steps:
            failure = self.command_failure_for(name, service)
            children.append(self.schedule(name, service, kind, delay, failure, on_success))
            delay += COMMAND_SECONDS
            if failure:
                failed = {"parent": "Failed to %s cluster %s: service %s did not %s."
                                    % (LABELS[command], self.clusters[name]["displayName"], service["name"],
                                       SERVICE_COMMANDS[kind][0].lower())}
                break
        parent = self.new_command(LABELS[command].title().replace(" ", ""), max(delay, 0.0), {"clusterRef": self.cluster_ref(name)},
                                  failed, kind=command)
        parent.children = children
        return self.command_view(parent)

    def plan_start(self, cluster, body):
        return [(s, "start", None) for s in self.dependency_order(cluster) if self.service_state(s) == "STOPPED"]

    def plan_stop(self, cluster, body):
        return [(s, "stop", None) for s in reversed(self.dependency_order(cluster)) if self.service_state(s) == "STARTED"]

    def plan_restart(self, cluster, body):
        names = body.get("restartServiceNames")
        stale_only = body.get("restartOnlyStaleServices")
        services = [s for s in self.dependency_order(cluster) if (not names or s["name"] in names)
                    and (not stale_only or s["stale"] != "FRESH")]
        stops = [(s, "stop", None) for s in reversed(services) if self.service_state(s) == "STARTED"]
        return stops + [(s, "start", None) for s in services]

    def plan_deploy_client_config(self, cluster, body):
        return [(s, "deployClientConfig", None) for s in self.dependency_order(cluster)]

    def plan_rolling_restart(self, cluster, body):
        batch = body.get("slaveBatchSize", 1)
        if not isinstance(batch, int) or batch < 1:
            raise bad_request("slaveBatchSize must be greater than zero (got %r)." % batch)
        include = body.get("rolesToInclude") or "SLAVES_ONLY"
        if include not in ("SLAVES_ONLY", "NON_SLAVES_ONLY", "ALL_ROLES"):
            raise bad_request("Invalid rolesToInclude '%s'." % include)
        names = body.get("restartServiceNames")
        stale_only = body.get("staleConfigsOnly")
        services = [s for s in self.dependency_order(cluster) if self.service_state(s) == "STARTED"
                    and (not names or s["name"] in names) and (not stale_only or s["stale"] != "FRESH")]
        steps = []
        if include != "SLAVES_ONLY":
            for service in services:
                masters = sorted(r["name"] for r in service["roles"].values() if r["type"] not in SLAVE_ROLE_TYPES)
                if masters:
                    steps.append((service, "restart", self.logger(cluster, "non-slaves", [service["name"]], masters)))
        if include != "NON_SLAVES_ONLY":
            slaves = [(s, r) for s in services for r in s["roles"].values() if r["type"] in SLAVE_ROLE_TYPES]
            hosts = sorted({r["hostId"] for s, r in slaves}, key=lambda h: self.hosts[h]["hostname"])
            for start in range(0, len(hosts), batch):
                group = hosts[start:start + batch]
                roles = sorted(r["name"] for s, r in slaves if r["hostId"] in group)
                owner = next(s for s, r in slaves if r["hostId"] in group)
                steps.append((owner, "rollingRestart",
                              self.logger(cluster, "slaves", [self.hosts[h]["hostname"] for h in group], roles)))
        if steps:
            last = steps[-1][2]

            def freshen(command):
                last(command)
                for service in services:
                    service["stale"] = "FRESH"

            steps[-1] = steps[-1][:2] + (freshen,)
        return steps

    def logger(self, cluster, kind, where, roles):
        """Records a finished restart step: which hosts (or services) and roles, from when to when."""
        def record(command):
            self.restart_log.append({"cluster": cluster, "kind": kind, "where": where, "roles": roles,
                                     "start": command.start, "end": command.end})
        return record

    # -- parcels ---------------------------------------------------------------------------------
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
        hosts = len(self.clusters[cluster]["hosts"])
        state = {"progress": 0, "totalProgress": 0, "count": 0, "totalCount": 0, "errors": errors, "warnings": []}
        if stage == "DOWNLOADING":
            state.update(progress=int(PARCEL_BYTES * fraction), totalProgress=PARCEL_BYTES)
        elif stage in ("DISTRIBUTING", "UNDISTRIBUTING", "ACTIVATING"):
            state.update(progress=int(PARCEL_BYTES * hosts * fraction), totalProgress=PARCEL_BYTES * hosts,
                         count=int(hosts * fraction), totalCount=hosts)
        elif stage in ("DISTRIBUTED", "ACTIVATED"):
            state.update(count=hosts, totalCount=hosts)
        return {"product": product, "version": version, "stage": stage, "state": state,
                "clusterRef": self.cluster_ref(cluster),
                "displayName": "%s %s" % (product, version.split("-")[0]),
                "description": "Cloudera Runtime %s" % version}

    def parcel(self, cluster, product, version):
        if (product, version) not in self.known:
            raise HttpError(404, {"message": "Parcel for product %s and version %s not found in cluster %s."
                                             % (product, version, cluster)})
        return product, version

    @api("GET", "/clusters/{cluster}/parcels")
    def list_parcels(self, request, cluster):
        cluster = self.resolve_cluster(cluster)
        return {"items": [self.parcel_view(cluster, p, v) for p, v in sorted(self.known)]}

    @api("GET", "/clusters/{cluster}/parcels/products/{product}/versions/{version}")
    def read_parcel(self, request, cluster, product, version):
        cluster = self.resolve_cluster(cluster)
        return self.parcel_view(cluster, *self.parcel(cluster, product, version))

    @api("POST", "/clusters/{cluster}/parcels/products/{product}/versions/{version}/commands/{command}")
    def parcel_command(self, request, cluster, product, version, command):
        cluster = self.resolve_cluster(cluster)
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
        done = self.new_command(command, 0, {"clusterRef": self.cluster_ref(cluster)},
                                message="Command %s for parcel %s-%s submitted." % (command, key[0], key[1]))
        return self.command_view(done)

    def start_download(self, cluster, key):
        failure = self.failures.pop(("download",) + key, None)
        self.downloads[key].begin("DOWNLOADING", "DOWNLOADED", self.now(), STAGE_SECONDS["DOWNLOADING"], failure)
        # A new attempt: the errors of an earlier failed distribution (which left nothing on the hosts) go.
        for (dummy, product, version), staged in self.distributions.items():
            if (product, version) == key and staged.stage is None:
                staged.errors = []

    def cancel_download(self, cluster, key):
        self.downloads[key] = Staged("AVAILABLE_REMOTELY")

    def remove_download(self, cluster, key):
        for (other, product, version), staged in self.distributions.items():
            if (product, version) == key and (staged.stage or staged.transition):
                raise bad_request("Parcel %s-%s is still distributed in cluster '%s'."
                                  % (key + (self.clusters[other]["displayName"],)))
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
        self.downloads[key].errors = []

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
    def add_service(self, cluster, name, kind, state, display_name=None):
        groups = {}
        for role_type in ROLE_TYPES.get(kind, ()):
            group = "%s-%s-BASE" % (name, role_type)
            groups[group] = {"name": group, "roleType": role_type, "base": True, "config": {},
                             "displayName": "%s Default Group" % role_type.replace("_", " ").title()}
        service = {"name": name, "type": kind, "state": state, "config": {}, "stale": "FRESH",
                   "client_stale": "FRESH", "command": None, "displayName": display_name or name.upper(),
                   "roles": {}, "roleConfigGroups": groups}
        self.clusters[cluster]["services"][name] = service
        return service

    def add_role(self, cluster, service, role_type, host_id, group=None, state=None):
        digest = hashlib.md5(("%s/%s/%s/%s" % (cluster, service["name"], role_type, host_id)).encode()).hexdigest()
        role = {"name": "%s-%s-%s" % (service["name"], role_type, digest), "type": role_type, "hostId": host_id,
                "roleConfigGroupName": group or "%s-%s-BASE" % (service["name"], role_type), "state": state,
                "commission": "COMMISSIONED", "maintenance": False, "config": {}}
        service["roles"][role["name"]] = role
        return role

    def service(self, cluster, name):
        cluster = self.resolve_cluster(cluster)
        if name not in self.clusters[cluster]["services"]:
            raise HttpError(404, {"message": "Service '%s' not found in cluster '%s'." % (name, cluster)})
        return self.clusters[cluster]["services"][name]

    def service_state(self, service):
        command = service["command"]
        if command and not command.done and command.start <= self.now() < command.end:
            return SERVICE_COMMANDS[command.kind][2] or service["state"]
        return service["state"]

    def service_view(self, cluster, service):
        state = self.service_state(service)
        health = {"STARTED": "GOOD", "STOPPED": "DISABLED"}.get(state, "CONCERNING")
        return {"name": service["name"], "type": service["type"], "clusterRef": self.cluster_ref(cluster),
                "serviceState": state, "healthSummary": health, "healthChecks": [],
                "configStale": service["stale"] != "FRESH", "configStalenessStatus": service["stale"],
                "clientConfigStalenessStatus": service["client_stale"],
                "serviceUrl": "http://cm.example.com:7180/cmf/serviceRedirect/%s" % service["name"],
                "roleInstancesUrl": "http://cm.example.com:7180/cmf/serviceRedirect/%s/instances" % service["name"],
                "maintenanceMode": service.get("maintenance", False), "maintenanceOwners": [],
                "displayName": service["displayName"],
                "entityStatus": "GOOD_HEALTH" if health == "GOOD" else "STOPPED" if state == "STOPPED" else "UNKNOWN",
                "serviceVersion": "CDH %s" % self.clusters[cluster]["fullVersion"], "tags": []}

    def mark_stale(self, cluster):
        for service in self.clusters[cluster]["services"].values():
            if service["state"] == "STARTED":
                service["stale"] = "STALE"
                service["client_stale"] = "STALE"

    @api("GET", "/clusters/{cluster}/services")
    def list_services(self, request, cluster):
        name = self.resolve_cluster(cluster)
        return {"items": [self.service_view(name, s) for s in self.clusters[name]["services"].values()]}

    @api("POST", "/clusters/{cluster}/services")
    def create_services(self, request, cluster):
        name = self.resolve_cluster(cluster)
        items = (request.json() or {}).get("items") or []
        for item in items:
            if not item.get("name") or not item.get("type"):
                raise bad_request("A service needs a name and a type.")
            if item["type"] not in SERVICE_TYPES:
                raise bad_request("Service type '%s' is not supported by cluster '%s'." % (item["type"], name))
            if item["name"] in self.clusters[name]["services"]:
                raise bad_request("Service with name '%s' already exists." % item["name"])
        created = [self.add_service(name, item["name"], item["type"], "STOPPED", item.get("displayName"))
                   for item in items]
        return {"items": [self.service_view(name, service) for service in created]}

    @api("GET", "/clusters/{cluster}/services/{name}")
    def read_service(self, request, cluster, name):
        return self.service_view(self.resolve_cluster(cluster), self.service(cluster, name))

    @api("GET", "/clusters/{cluster}/services/{name}/commands")
    def active_service_commands(self, request, cluster, name):
        """The commands running on the service, as cm_api's ApiService.get_commands ("Retrieve a list of running
        commands for this service") reads them: an ApiCommandList, empty when none runs."""
        service = self.service(cluster, name)
        return {"items": [self.command_view(service["command"])] if self.running_command(service) else []}

    @api("DELETE", "/clusters/{cluster}/services/{name}")
    def delete_service(self, request, cluster, name):
        service = self.service(cluster, name)
        cluster = self.resolve_cluster(cluster)
        if self.service_state(service) != "STOPPED":
            raise bad_request("Service '%s' must be stopped before it can be deleted (it is %s)."
                              % (name, self.service_state(service)))
        view = self.service_view(cluster, service)
        del self.clusters[cluster]["services"][name]
        return view

    @api("GET", "/clusters/{cluster}/services/{name}/config")
    def read_service_config(self, request, cluster, name):
        service = self.service(cluster, name)
        full = request.arg("view") == "full"
        items = self.shown_config(self.config_items(SERVICE_TYPES[service["type"]], service["config"], full, "service"))
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
        return {"items": self.shown_config(self.config_items(catalog, service["config"], False, "service"))}

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
        cluster = cluster and self.resolve_cluster(cluster)
        self.failures[("distribution", cluster, product, version)] = message or (
            "Error distributing parcel %s-%s-el7.parcel to c1-node-2.example.com: No space left on device."
            % (product, version))
        return {"armed": "distribution"}

    def control_fail_next_command(self, service, message=None, cluster=None):
        cluster = cluster and self.resolve_cluster(cluster)
        self.failures[("command", cluster, service)] = message or (
            "Supervisor returned FATAL. Please check the role log file, stderr, or stdout.")
        return {"armed": "command"}

    def control_set_parcel_stage(self, cluster, product, version, stage, seconds=None):
        """Put a parcel in any stage; a transient one lasts `seconds` (simulated) from the first time a
        client reads the parcel, so a test knows the client sees it in progress."""
        self.settle()
        cluster = self.resolve_cluster(cluster)
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
        cluster = self.resolve_cluster(cluster)
        if state:
            record["state"] = state
        if stale:
            record["stale"] = record["client_stale"] = stale
        return self.service_view(cluster, record)

    def control_agent_heartbeat(self, hostname=None, ip_address=None, hosts=None, rack_id=None):
        """An agent (or several: hosts=[{hostname, ip_address}]) heartbeats: CM learns its host."""
        with self.lock:
            targets = hosts if hosts is not None else [{"hostname": hostname, "ip_address": ip_address}]
            ids = [self.heartbeat(item["hostname"], item.get("ip_address"), item.get("rack_id", rack_id))
                   for item in targets]
            return {"items": [self.host_view(host_id) for host_id in ids]}

    def control_agent_stop(self, hostname):
        with self.lock:
            host = self.host_by_name(hostname)
            if host is None:
                raise HttpError(404, {"message": "Host '%s' not found." % hostname})
            host["agent"] = False
            return self.host_view(host["hostId"])
