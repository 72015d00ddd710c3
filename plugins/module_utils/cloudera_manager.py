# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloudera Manager REST API client: connection options, commands, parcels, services, normalisers.

The client raises the collection's errors and never calls fail_json. It never retries a POST:
Cloudera Manager answers 400 to a command that is illegal in the current stage (and, briefly,
while parcel work settles), so callers read the current stage just before each command instead.
"""

from __future__ import annotations

import re
from collections import deque

from ansible.module_utils.basic import env_fallback

try:
    from requests import Request
    from requests.exceptions import InvalidURL
except ImportError:
    pass  # the modules declare requests in required_libs: they fail saying so before any client is made

from ansible_collections.bigdata.platform.plugins.module_utils.errors import (
    ApiError, NotFound, OperationFailed, OptionError, PlatformError,
)
from ansible_collections.bigdata.platform.plugins.module_utils.http import HttpClient, default_error_message, quote_path
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

CM_ENVIRONMENT = {"host": "CM_HOST", "username": "CM_USERNAME", "password": "CM_PASSWORD"}
HTTP_PORT = 7180
HTTPS_PORT = 7183
# The newest API version these modules are written and tested against. Cloudera Manager serves every older
# version beside its newest (/api/v1 .. /api/vNN), so on a CM that offers it no request goes to /api/version.
KNOWN_API_VERSION = "v51"
# What a CM answers a path under an API version it does not have (a JAX-RS resource that does not match).
NO_SUCH_VERSION = (400, 404)

# Options documented by doc_fragments/cloudera_manager.py.
CM_ARGS = dict(
    # host, username and password are required, but checked by the client so that the message can name the
    # environment variables too (AnsibleModule's 'missing required arguments' cannot).
    host=dict(type="str", fallback=(env_fallback, ["CM_HOST"])),
    port=dict(type="int", fallback=(env_fallback, ["CM_PORT"])),
    use_tls=dict(type="bool", default=False),
    username=dict(type="str", fallback=(env_fallback, ["CM_USERNAME"])),
    password=dict(type="str", no_log=True, fallback=(env_fallback, ["CM_PASSWORD"])),
    api_version=dict(type="str"),
)

REPO_URLS = "REMOTE_PARCEL_REPO_URLS"
PARCEL_STATES = {
    "available": "AVAILABLE_REMOTELY",
    "downloaded": "DOWNLOADED",
    "distributed": "DISTRIBUTED",
    "activated": "ACTIVATED",
    "absent": "AVAILABLE_REMOTELY",
}
# From each stage: the (command, stage it leads to) CM accepts; command None means "wait, it is
# already on its way". Transient stages can be waited out or, going backwards, cancelled.
PARCEL_MOVES = {
    "AVAILABLE_REMOTELY": [("startDownload", "DOWNLOADED")],
    "DOWNLOADING": [(None, "DOWNLOADED"), ("cancelDownload", "AVAILABLE_REMOTELY")],
    "DOWNLOADED": [("startDistribution", "DISTRIBUTED"), ("removeDownload", "AVAILABLE_REMOTELY")],
    "DISTRIBUTING": [(None, "DISTRIBUTED"), ("cancelDistribution", "DOWNLOADED")],
    "DISTRIBUTED": [("activate", "ACTIVATED"), ("startRemovalOfDistribution", "DOWNLOADED")],
    "UNDISTRIBUTING": [(None, "DOWNLOADED")],
    "ACTIVATING": [(None, "ACTIVATED")],
    "ACTIVATED": [("deactivate", "DISTRIBUTED")],
}
STABLE_STAGES = ("AVAILABLE_REMOTELY", "DOWNLOADED", "DISTRIBUTED", "ACTIVATED")
STALE = ("STALE", "STALE_REFRESHABLE")


def cm_argument_spec(*specs):
    """The connection and TLS options plus a module's own."""
    return merge_specs(CM_ARGS, TLS_ARGS, *specs)


def plan_parcel_path(stage, target):
    """The shortest legal walk from `stage` to `target`: [(command or None, stage reached), ...]."""
    if stage not in PARCEL_MOVES:
        raise PlatformError("Cloudera Manager reports parcel stage %s, which this module does not know how to leave" % stage)
    paths = deque([(stage, [])])
    seen = {stage}
    while paths:
        here, path = paths.popleft()
        if here == target:
            return path
        for command, there in PARCEL_MOVES[here]:
            if there not in seen:
                seen.add(there)
                paths.append((there, path + [(command, there)]))
    raise PlatformError("no way from parcel stage %s to %s" % (stage, target))


def describe_clusters(clusters):
    """'clusters: Cluster 1, Cluster 2; internal names: cluster, cluster2' (the names only when they differ)."""
    if not clusters:
        return "clusters: none"
    shown = [c.get("displayName") or c["name"] for c in clusters]
    names = [c["name"] for c in clusters]
    text = "clusters: " + ", ".join(shown)
    return text if names == shown else text + "; internal names: " + ", ".join(names)


def with_cluster(client, params, check_mode=False):
    """The module's params with `cluster` resolved once to CM's internal name (what paths use) and
    `cluster_display_name` added. In check mode a cluster CM does not have yet is taken as named (an earlier
    task of the same check-mode run would create it), with `cluster_missing` set, so that a check-mode run
    on an empty estate predicts instead of failing."""
    try:
        cluster = client.resolve_cluster(params["cluster"])
    except OptionError:
        if not check_mode:
            raise
        return dict(params, cluster_display_name=params["cluster"], cluster_missing=True)
    return dict(params, cluster=cluster["name"], cluster_display_name=cluster["display_name"], cluster_missing=False)


def cluster_names(ref):
    """(cluster, cluster_display_name) of an ApiClusterRef."""
    ref = ref or {}
    return ref.get("clusterName"), ref.get("displayName") or ref.get("clusterName")


def cm_error_message(response, body):
    if response.status_code == 401:
        return ("authentication failed: Cloudera Manager refused the username and password (%s)"
                % default_error_message(response, body if isinstance(body, dict) else None))
    return default_error_message(response, body)


def split_urls(value):
    return [url.strip() for url in (value or "").split(",") if url.strip()]


def config_value(item):
    """The value in effect: the one set, else CM's default."""
    return item.get("value") if item.get("value") is not None else item.get("default")


def as_config_string(value):
    """CM keeps every configuration value as a string; booleans are lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return None if value is None else str(value)


def normalize_parcel(raw):
    if raw is None:
        return None
    state = raw.get("state") or {}
    cluster, display_name = cluster_names(raw.get("clusterRef"))
    return {
        "cluster": cluster,
        "cluster_display_name": display_name,
        "product": raw.get("product"),
        "version": raw.get("version"),
        "stage": raw.get("stage"),
        "display_name": raw.get("displayName"),
        "description": raw.get("description"),
        "state": {
            "progress": state.get("progress", 0),
            "total_progress": state.get("totalProgress", 0),
            "count": state.get("count", 0),
            "total_count": state.get("totalCount", 0),
            "errors": list(state.get("errors") or []),
            "warnings": list(state.get("warnings") or []),
        },
    }


def normalize_service(raw, config=None):
    if raw is None:
        return None
    cluster, display_name = cluster_names(raw.get("clusterRef"))
    service = {
        "cluster": cluster,
        "cluster_display_name": display_name,
        "name": raw.get("name"),
        "type": raw.get("type"),
        "display_name": raw.get("displayName"),
        "service_state": raw.get("serviceState"),
        "health_summary": raw.get("healthSummary"),
        "config_staleness_status": raw.get("configStalenessStatus"),
        "client_config_staleness_status": raw.get("clientConfigStalenessStatus"),
        "maintenance_mode": raw.get("maintenanceMode", False),
        "service_version": raw.get("serviceVersion"),
    }
    if config is not None:
        service["config"] = config
    return service


def describe_parcel(parcel):
    state = parcel.get("state") or {}
    text = "stage %s" % parcel.get("stage")
    if state.get("totalProgress"):
        text += " (%d%%)" % (100 * state.get("progress", 0) // state["totalProgress"])
    if state.get("errors"):
        text += ", errors: %s" % "; ".join(state["errors"])
    return text


def describe_command(command):
    """A command's state in one line: 'command Restart still active (1 of 2 steps done; running: Start;
    Starting role)', from CM's name, the children it lists and its resultMessage (no option value is in it)."""
    text = "command %s %s" % (command.get("name"), "still active" if command.get("active") else "finished")
    steps = (command.get("children") or {}).get("items") or []
    shown = []
    if steps:
        running = [step.get("name") or "?" for step in steps if step.get("active")]
        shown.append("%d of %d steps done" % (len(steps) - len(running), len(steps)))
        shown.extend(["running: %s" % ", ".join(running)] if running else [])
    shown.extend([command["resultMessage"]] if command.get("resultMessage") else [])
    return text + (" (%s)" % "; ".join(shown) if shown else "")


def describe_service(service):
    return "service state %s" % service.get("service_state")


def describe_service_wait(state):
    """What a cm_service wait last read: the service (a start or stop settling) or a command."""
    return describe_service(state) if "service_state" in state else describe_command(state)


def command_failure(command):
    """CM's own message for a finished, failed command, with those of its failed children and theirs (a
    cluster command fails in a service command, which fails in a role's: the cause is deepest); None while
    it runs or when it succeeded."""
    if command.get("active") or command.get("success") is not False:
        return None
    return " ".join([command.get("resultMessage") or "no message"] + failed_children(command))


def failed_children(command):
    messages = []
    for child in (command.get("children") or {}).get("items") or []:
        if child.get("success") is False and child.get("resultMessage"):
            where = ((child.get("roleRef") or {}).get("roleName") or (child.get("hostRef") or {}).get("hostname")
                     or (child.get("serviceRef") or {}).get("serviceName"))
            messages.append("%s: %s" % (where, child["resultMessage"]) if where else child["resultMessage"])
        messages.extend(failed_children(child))
    return messages


def command_failed(command, what):
    failure = command_failure(command)
    return "%s failed: %s" % (what, failure) if failure else None


def check_command(command, what):
    failure = command_failed(command, what)
    if failure:
        raise OperationFailed(failure, last_state=command)
    return command


class CMTask:
    """What one cm_* task does: its client and params, check mode, the one Deadline its waits share, whether
    it changed anything and the steps it took (or, in check mode, would take)."""

    def __init__(self, client, params, check_mode):
        self.client = client
        self.params = params
        self.check_mode = check_mode
        self.deadline = Deadline(params["timeout"])
        self.commands = []
        self.changed = False

    def act(self, label, action, *args):
        """Run action(client, *args) unless in check mode (then None); label (when not None) joins `commands`.
        An action is one change (and maybe a wait): when CM refused its request (an HTTP error status on it), it
        changed nothing; one without an answer may have reached CM, and a command that failed after CM accepted
        it did change."""
        if self.check_mode:
            answer = None
        else:
            try:
                answer = action(self.client, *args)
            except PlatformError as exc:
                refused = isinstance(exc, ApiError) and exc.status is not None and exc.method != "GET"
                if not refused:
                    self.accepted(label)
                raise
        self.accepted(label)
        return answer

    def accepted(self, label):
        self.changed = True
        if label:
            self.commands.append(label)


class CMHttpClient(HttpClient):
    """HttpClient for /api whose vNN/... paths go at `api_version`. Unless the user pinned it, that is
    KNOWN_API_VERSION until CM answers a request at it; a read CM refuses with 404 or 400 there (what a CM
    older than that version answers) reads /api/version once and, when CM offers another version, is sent
    again at it. A change is never sent at an unconfirmed version: the version is read first."""

    def __init__(self, base_url, api_version=None, **kwargs):
        super().__init__(base_url, **kwargs)
        self.api_version = api_version or KNOWN_API_VERSION
        self.version_confirmed = api_version is not None

    def request(self, method, path, *args, **kwargs):
        if self.version_confirmed or not path.startswith(self.api_version + "/"):
            return super().request(method, path, *args, **kwargs)
        if method.upper() != "GET":
            return super().request(method, self.at_server_version(path), *args, **kwargs)
        try:
            response = super().request(method, path, *args, **kwargs)
        except ApiError as exc:
            if exc.status not in NO_SUCH_VERSION:
                raise
            again = self.at_server_version(path)
            if again == path:
                raise
            return super().request(method, again, *args, **kwargs)
        self.version_confirmed = True
        return response

    def at_server_version(self, path):
        """`path` under the version CM offers (read from /api/version)."""
        rest = path[len(self.api_version):]
        answer = super().request("GET", "version").text.strip()
        if not re.match(r"^v\d+$", answer):
            raise PlatformError("%s answered %r, not an API version: is this Cloudera Manager's address?"
                                % (self.url("version"), answer[:80]))
        self.api_version, self.version_confirmed = answer, True
        return answer + rest


class ClouderaManagerClient:
    """No request in the constructor; the API version is KNOWN_API_VERSION unless pinned (CMHttpClient)."""

    def __init__(self, host, username, password, port=None, use_tls=False, api_version=None,
                 validate_certs=True, ca_cert=None, request_timeout=30):
        if "://" in host or "/" in host:
            raise OptionError("host", host, "must be a host name or address without scheme or path; "
                                            "use port and use_tls for the rest")
        if not host or host != "".join(host.split()):
            raise OptionError("host", host, "must be a host name or address, without spaces (set it or CM_HOST)")
        if api_version is not None and not re.match(r"^v\d+$", api_version):
            raise OptionError("api_version", api_version, "is not an API version such as v41")
        if port is not None and not 1 <= port <= 65535:
            raise OptionError("port", port, "is not a TCP port: give 1 to 65535, or leave it out for %d (%d with use_tls)"
                              % (HTTP_PORT, HTTPS_PORT))
        port = port or (HTTPS_PORT if use_tls else HTTP_PORT)
        base = "%s://%s:%d/api" % ("https" if use_tls else "http", host, port)
        try:
            Request("GET", base).prepare()
        except InvalidURL as exc:  # an empty label ('.'), a name IDNA refuses
            raise OptionError("host", host, "is not a host name or address (%s)" % exc) from None
        self.http = CMHttpClient(base, api_version=api_version, auth=(username, password), validate_certs=validate_certs,
                                 ca_cert=ca_cert, timeout=request_timeout, error_message=cm_error_message)

    @classmethod
    def from_params(cls, params):
        missing = [name for name in ("host", "username", "password") if params.get(name) is None]
        if missing:
            raise PlatformError("missing required arguments: %s; set them on the task, in module_defaults for "
                                "group/bigdata.platform.cloudera_manager, or in the environment as %s"
                                % (", ".join(missing), ", ".join(CM_ENVIRONMENT[name] for name in missing)))
        return cls(params["host"], params["username"], params["password"], port=params["port"],
                   use_tls=params["use_tls"], api_version=params["api_version"],
                   validate_certs=params["validate_certs"], ca_cert=params["ca_cert"],
                   request_timeout=params["request_timeout"])

    @property
    def version(self):
        return self.http.api_version

    def path(self, *segments):
        return "%s/%s" % (self.version, quote_path(*segments))

    def delete(self, path):
        """DELETE path; a 404 means it is gone, also when the DELETE, retried after a lost answer, finds that
        the first one worked (the task reports the change it made, not a failure)."""
        try:
            return self.http.delete(path)
        except NotFound:
            return None

    # -- commands --------------------------------------------------------------------------------
    def read_command(self, command_id):
        return self.http.get_json(self.path("commands", command_id))

    def wait_command(self, command, what, deadline):
        """Wait for an ApiCommand to finish; OperationFailed with CM's message when it failed."""
        if command.get("active") and command.get("id") is not None:
            command = deadline.wait_until(lambda: self.read_command(command["id"]), lambda c: not c.get("active"),
                                          failed=lambda c: command_failed(c, what), what=what,
                                          describe=describe_command)
        return check_command(command, what)

    # -- clusters and Cloudera Manager settings --------------------------------------------------
    def clusters(self):
        return self.http.get_json(self.path("clusters"))["items"]

    def find_cluster(self, cluster):
        """(the ApiCluster `cluster` names by its internal name, else by its displayName (the name CM's UI
        shows), or None; the clusters CM listed, or None when it did not list them). One GET of the cluster by
        the name given; only when CM answers 404 to it (no cluster of that name) the list of clusters, to find
        a display name."""
        try:
            raw = self.http.get_or_none(self.path("clusters", cluster))
        except ValueError:  # a blank name or a dot segment (UnsafePathSegment): no cluster has it in a path
            raw = None
        if raw is not None:
            return raw, None
        clusters = self.clusters()
        found = [c for c in clusters if c["name"] == cluster] or [c for c in clusters if c.get("displayName") == cluster]
        return (found[0] if len(found) == 1 else None), clusters

    def resolve_cluster(self, cluster):
        """{"name", "display_name"} of the cluster `cluster` names by its internal name or its displayName;
        OptionError naming the clusters CM has when it names none."""
        raw, clusters = self.find_cluster(cluster)
        if raw is None:
            raise OptionError("cluster", cluster, "is not a cluster of this Cloudera Manager (%s)" % describe_clusters(clusters))
        return {"name": raw["name"], "display_name": raw.get("displayName") or raw["name"]}

    check_cluster = resolve_cluster

    def cm_config(self):
        """Every Cloudera Manager setting, with defaults: {name: ApiConfig}."""
        items = self.http.get_json(self.path("cm", "config"), params={"view": "full"})["items"]
        return {item["name"]: item for item in items}

    def parcel_repositories(self):
        return split_urls(config_value(self.cm_config().get(REPO_URLS) or {}))

    def set_parcel_repositories(self, urls, deadline):
        self.http.put_json(self.path("cm", "config"), {"items": [{"name": REPO_URLS, "value": ",".join(urls)}]})
        self.refresh_parcel_repositories(deadline)

    def refresh_parcel_repositories(self, deadline):
        command = self.http.post_json(self.path("cm", "commands", "refreshParcelRepos"))
        self.wait_command(command, "refreshing the parcel repositories", deadline)

    # -- parcels ---------------------------------------------------------------------------------
    def parcels(self, cluster):
        return self.http.get_json(self.path("clusters", cluster, "parcels"))["items"]

    def read_parcel(self, cluster, product, version):
        return self.http.get_or_none(self.path("clusters", cluster, "parcels", "products", product, "versions", version))

    def parcel_command(self, cluster, product, version, command):
        path = self.path("clusters", cluster, "parcels", "products", product, "versions", version, "commands", command)
        # Parcel commands are synchronous: the stage, not the command, shows how the work goes.
        return check_command(self.http.post_json(path), "command %s on parcel %s %s" % (command, product, version))

    def wait_parcel(self, cluster, product, version, stage, left, deadline):
        """Wait until the parcel reaches `stage`; fail on its errors or when it settles elsewhere. None when CM
        forgot the parcel on its way back to AVAILABLE_REMOTELY: a removed download that no repository offers."""
        def failed(parcel):
            if parcel is None:
                return None if stage == "AVAILABLE_REMOTELY" else "parcel %s %s disappeared on its way to %s" % (product, version, stage)
            errors = parcel["state"]["errors"]
            if parcel["stage"] == stage:
                return None  # errors CM still lists from an earlier attempt do not undo an arrival
            if errors:
                return "parcel %s %s failed on its way to %s: %s" % (product, version, stage, "; ".join(errors))
            if parcel["stage"] in STABLE_STAGES and parcel["stage"] not in (stage, left):
                return "parcel %s %s went to stage %s instead of %s" % (product, version, parcel["stage"], stage)
            return None

        return deadline.wait_until(lambda: normalize_parcel(self.read_parcel(cluster, product, version)),
                                   lambda parcel: parcel is None or parcel["stage"] == stage, failed=failed,
                                   what="parcel %s %s to reach %s" % (product, version, stage), describe=describe_parcel)

    # -- services --------------------------------------------------------------------------------
    def service_path(self, cluster, name, *rest):
        return self.path("clusters", cluster, "services", name, *rest)

    def services(self, cluster):
        return self.http.get_json(self.path("clusters", cluster, "services"))["items"]

    def read_service(self, cluster, name):
        return self.http.get_or_none(self.service_path(cluster, name))

    def active_service_commands(self, cluster, name):
        """The commands running on the service (cm_api ApiService.get_commands: 'a list of running commands')."""
        return self.http.get_json(self.service_path(cluster, name, "commands"))["items"]

    def create_service(self, cluster, name, service_type, display_name=None):
        item = dict({"name": name, "type": service_type}, **({"displayName": display_name} if display_name else {}))
        return self.http.post_json(self.path("clusters", cluster, "services"), {"items": [item]})["items"][0]

    def update_service(self, cluster, name, display_name):
        """ApiService's only writable field is its display name."""
        return self.http.put_json(self.service_path(cluster, name), {"displayName": display_name})

    def delete_service(self, cluster, name):
        return self.http.delete(self.service_path(cluster, name))

    def service_config(self, cluster, name):
        """Every setting of a service, defaults included: {name: ApiConfig}."""
        items = self.http.get_json(self.service_path(cluster, name, "config"), params={"view": "full"})["items"]
        return {item["name"]: item for item in items}

    def update_service_config(self, cluster, name, values):
        items = [{"name": key, "value": value} for key, value in sorted(values.items())]
        return self.http.put_json(self.service_path(cluster, name, "config"), {"items": items})

    def service_command(self, cluster, name, command, deadline, wait=True, body=None):
        started = self.http.post_json(self.service_path(cluster, name, "commands", command), body)
        if not wait:
            return started
        return self.wait_command(started, "command %s on service %s in cluster %s" % (command, name, cluster), deadline)
