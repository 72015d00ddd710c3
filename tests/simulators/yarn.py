"""A Hadoop YARN ResourceManager (REST API /ws/v1/cluster) that keeps state.

It answers like a real RM (Hadoop 3 by default): 202 + Location and no body on submit, 202 then 200
on kill, errors as {"RemoteException": {"exception", "message", "javaClassName"}}, {"apps": null}
for an empty list, tags stored in lower case, simple auth through `user.name` (a `hadoop.auth`
cookie is set, as the AuthenticationFilter does), writes without a user -> 401 "Unable to obtain
user name, user not authenticated", a kill or move by someone who is neither the owner nor an admin
-> 403.

Seeded data (what the demo has to look at):
  queues   root.default, root.etl, root.adhoc
  apps     application_<ts>_0001 "nightly-etl"       user etl,     queue etl,     tags nightly,etl  RUNNING for ever
           application_<ts>_0002 "adhoc-report"      user analyst, queue adhoc,   tags report       FINISHED/SUCCEEDED
           application_<ts>_0003 "streaming-ingest"  user hadoop,  queue default, tags streaming    RUNNING for ever
  admins   yarn, hadoop (may kill or move any app)
  delegation token "sim-delegation-token-etl" of etl (authenticates only with security on, see below)

A submitted app is driven by its spec's am-container-spec environment (simulated seconds):
  SIM_ACCEPT_SECONDS=2         time in ACCEPTED (waiting for an AM container), default 2
  SIM_RUN_SECONDS=5            time in RUNNING, default 30; "forever" never ends
  SIM_FINAL_STATUS=FAILED      SUCCEEDED (default), FAILED or KILLED
  SIM_FINAL_STATE=FINISHED     the YARN state at the end; by default FINISHED for SUCCEEDED, FAILED
                               for FAILED, KILLED for KILLED (FINISHED + FAILED is an AM that
                               unregistered with a failure)
  SIM_DIAGNOSTICS=text         the diagnostics shown at the end
States move NEW -> NEW_SAVING -> SUBMITTED -> ACCEPTED -> RUNNING -> final; an unknown queue fails
the app after SUBMITTED with the Capacity Scheduler's message.

HA: `rm2 = rm1.start_standby(style="hadoop3")` starts a second RM on the same cluster state. The
standby answers /ws/v1/cluster/info (haState STANDBY) itself and everything else like Hadoop 3
(307 + Location, "This is standby RM. The redirect url is: ...") or, with style "hadoop2", like
Hadoop 2 (200, a Refresh header and "This is standby RM. Redirecting to the current active RM: ...").

Test hooks (Python methods, and POST /_sim/control/<action> from another process):
  control_failover(to=None)            make the other RM (or rm id `to`) the active one
  control_fail_over_after(method, path)  fail over right after the active RM answers the next request
                                       whose method and path (a regex searched in it) match: "mid-run"
  control_begin_failover(finish_after_info_requests=None, to=None)
                                       every RM says STANDBY until that many more /cluster/info probes
                                       were answered (never when null), then `to` is the active one
  control_drop_answer_after_applying(method, path)
                                       apply the next matching request, then close its connection unanswered
  control_set_standby_style(style)     "hadoop3" or "hadoop2"
  control_set_rest_submissions(enabled)  yarn.webapp.enable-rest-app-submissions
  control_set_auth(auth_type)          "simple" (default) or "kerberos": every request, reads and the
                                       standby's too, then needs SPNEGO (simulated: "Authorization:
                                       Negotiate sim-spnego-etl" authenticates as etl), a hadoop.auth
                                       cookie or a delegation token, else 401 + WWW-Authenticate: Negotiate

Delegation tokens, as Hadoop's RMAuthenticationFilter and DelegationTokenAuthenticationHandler (hadoop-common
security/token/delegation/web) and the reference's "Authentication using delegation tokens" have it: only with
security on (with simple auth the filter is not installed and a token header is ignored), a call is
authenticated by X-Hadoop-Delegation-Token (or the `delegation` query parameter), else by the old
Hadoop-YARN-Auth-Delegation-Token when the new header is absent or empty; an unknown token is 403
(AuthenticationException). Hadoop-YARN-RM-Delegation-Token authenticates nothing: it only names the token
to renew (POST /delegation-token/expiration, by its renewer) or cancel (DELETE /delegation-token), and
those, like creating one (POST /delegation-token), need a SPNEGO caller, not a token (RMWebServices'
createKerberosUserGroupInformation texts).
  control_apps()                       every app as the API shows it
"""

import calendar
import hashlib
import hmac
import itertools
import re
import time

from simulators.framework import HttpError, LoggedRequest, Response, Simulator, Timeline, route
from simulators.yarn_scheduler import (
    APPLIED, MUTABLE_STORES, NOT_MUTABLE, STORE_KEY, CapacityConf, SchedulerConfError, apply_mutation, initial_properties,
    refresh_check)

STATES = ["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING", "FINISHED", "FAILED", "KILLED"]
FINAL_STATES = ("FINISHED", "FAILED", "KILLED")
FINAL_STATUSES = ["UNDEFINED", "SUCCEEDED", "FAILED", "KILLED"]
DEFAULT_STATE_FOR_STATUS = {"SUCCEEDED": "FINISHED", "FAILED": "FAILED", "KILLED": "KILLED"}
KILL_SECONDS = 1.0
NODE_MB, NODE_VCORES = 8192, 8
NODE_STATES = ("NEW", "RUNNING", "UNHEALTHY", "DECOMMISSIONING", "DECOMMISSIONED", "LOST", "REBOOTED", "SHUTDOWN")
MAX_MEMORY_MB = 8192
MAX_VCORES = 8
# Paths a standby RM answers itself (RMWebAppFilter's non-redirected URIs).
NOT_REDIRECTED = ("/ws/v1/cluster/info", "/cluster", "/conf", "/stacks", "/logLevel", "/metrics", "/jmx", "/logs")
JAVA_CLASSES = {
    "BadRequestException": "org.apache.hadoop.yarn.webapp.BadRequestException",
    "NotFoundException": "org.apache.hadoop.yarn.webapp.NotFoundException",
    "AuthorizationException": "org.apache.hadoop.security.authorize.AuthorizationException",
    "ForbiddenException": "org.apache.hadoop.yarn.webapp.ForbiddenException",
    "WebApplicationException": "javax.ws.rs.WebApplicationException",
}
# RMAuthenticationFilter / DelegationTokenAuthenticator.DELEGATION_TOKEN_HEADER, and the header that only
# names the token to renew or cancel on /delegation-token (RMWebServices.DELEGATION_TOKEN_HEADER).
AUTH_TOKEN_HEADER = "X-Hadoop-Delegation-Token"
OLD_AUTH_TOKEN_HEADER = "Hadoop-YARN-Auth-Delegation-Token"
RENEW_TOKEN_HEADER = "Hadoop-YARN-RM-Delegation-Token"
EXCEPTION_FOR_STATUS = {400: "BadRequestException", 401: "AuthorizationException", 403: "ForbiddenException",
                        404: "NotFoundException"}


def remote_exception(status, exception, message):
    return HttpError(status, {"RemoteException": {"exception": exception, "message": message,
                                                  "javaClassName": JAVA_CLASSES[exception]}})


def text_error(status, text):
    """The RM answers some refusals with plain text under a JSON content type."""
    error = HttpError(status, text)
    error.response.content_type = "application/json"
    return error


def entries_dict(container):
    """JAXB's {"entry": [{"key", "value"}]} map as a dict."""
    return {str(item.get("key")): item.get("value") for item in entries(container)}


def entries(container, key="entry"):
    """JAXB's {"entry": [...]} (or one unwrapped item) as a list."""
    items = (container or {}).get(key) or []
    return items if isinstance(items, list) else [items]


class SimApp:
    """One application; what the API shows is computed from the clock."""

    def __init__(self, app_id, body, user, now, queues):
        """queues: {leaf queue name: its state}."""
        spec = body.get("am-container-spec") or {}
        env = {item.get("key"): str(item.get("value")) for item in entries(spec.get("environment"))}
        tags = entries(body.get("application-tags"), "tag")
        resource = body.get("resource") or {}
        self.id = app_id
        self.name = body.get("application-name") or "N/A"
        self.user = user
        self.queue = (body.get("queue") or "default").split(".")[-1]
        self.type = body.get("application-type") or "YARN"
        self.tags = sorted({str(tag).strip().lower() for tag in tags if str(tag).strip()})
        self.priority = int(body.get("priority") or 0)
        self.memory = int(resource.get("memory") or 1024)
        self.vcores = int(resource.get("vCores") or 1)
        self.unmanaged = bool(body.get("unmanaged-AM"))
        self.spec = body
        self.submitted = now
        self.killed_at = None
        self.lifetime_end = None  # simulated second the LIFETIME timeout ends the app at
        self.acls = {key: {user.strip() for user in (value or "").split(",") if user.strip()}
                     for key, value in entries_dict(spec.get("application-acls")).items()}
        credentials = spec.get("credentials") or {}
        self.credentials = {kind: entries_dict(credentials.get(kind)) for kind in ("tokens", "secrets")}
        run = env.get("SIM_RUN_SECONDS", "30")
        run_seconds = float("inf") if run == "forever" else float(run)
        self.final_status = env.get("SIM_FINAL_STATUS", "SUCCEEDED").upper()
        self.final_state = env.get("SIM_FINAL_STATE", DEFAULT_STATE_FOR_STATUS.get(self.final_status, "FINISHED")).upper()
        self.final_diagnostics = env.get("SIM_DIAGNOSTICS", "")
        stages = [("NEW", 0.2), ("NEW_SAVING", 0.3), ("SUBMITTED", 0.5)]
        if self.queue not in queues:
            self.final_state, self.final_status = "FAILED", "FAILED"
            self.final_diagnostics = "Application %s submitted by user %s to unknown queue: %s" % (app_id, user, self.queue)
        elif queues[self.queue] != "RUNNING":
            self.final_state, self.final_status = "FAILED", "FAILED"
            self.final_diagnostics = "Queue %s is STOPPED. Cannot accept submission of application: %s" % (self.queue, app_id)
        else:
            stages += [("ACCEPTED", float(env.get("SIM_ACCEPT_SECONDS", "2"))), ("RUNNING", run_seconds)]
        self.timeline = Timeline(stages + [(self.final_state, 0)], now)

    def stage(self, now):
        """(state, finalStatus, diagnostics, fraction of the stage done)."""
        if self.lifetime_end is not None and now >= self.lifetime_end and self.killed_at is None:
            if self.timeline.at(self.lifetime_end)[0] not in FINAL_STATES:
                return "KILLED", "KILLED", "Application is killed by ResourceManager as it has exceeded the lifetime period.", 1.0
        if self.killed_at is not None:
            if now >= self.killed_at + KILL_SECONDS:
                return "KILLED", "KILLED", "Application killed by user.", 1.0
            now = self.killed_at  # while the kill is under way the app shows the state it had
        state, fraction = self.timeline.at(now)
        if state in FINAL_STATES:
            return state, self.final_status, self.final_diagnostics, 1.0
        return state, "UNDEFINED", "", fraction

    def kill(self, now):
        if self.killed_at is None:
            self.killed_at = now

    def end_time(self, now):
        """Simulated second the app ended at, or None while it runs."""
        if self.lifetime_end is not None and now >= self.lifetime_end and self.stage(now)[2].endswith("lifetime period."):
            return self.lifetime_end
        if self.killed_at is not None and now >= self.killed_at + KILL_SECONDS:
            return self.killed_at + KILL_SECONDS
        if self.stage(now)[0] in FINAL_STATES:
            return self.submitted + sum(duration for dummy, duration in self.timeline.stages[:-1])
        return None

    def view(self, now, epoch_ms, rm_address):
        state, final_status, diagnostics, fraction = self.stage(now)
        started = epoch_ms + int(self.submitted * 1000)
        ended = self.end_time(now)
        finished = epoch_ms + int(ended * 1000) if ended is not None else 0
        running = state == "RUNNING"
        progress = 100.0 if state in FINAL_STATES else (round(fraction * 100, 1) if running else 0.0)
        elapsed = (finished or epoch_ms + int(now * 1000)) - started
        return {
            "id": self.id, "user": self.user, "name": self.name, "queue": self.queue, "state": state,
            "finalStatus": final_status, "progress": progress,
            "trackingUI": "History" if state in FINAL_STATES else "ApplicationMaster",
            "trackingUrl": "http://%s/proxy/%s/" % (rm_address, self.id),
            "diagnostics": diagnostics, "clusterId": epoch_ms, "applicationType": self.type,
            "applicationTags": ",".join(self.tags), "priority": self.priority,
            "startedTime": started, "launchTime": started + 1000 if running else 0, "finishedTime": finished,
            "elapsedTime": elapsed,
            "amContainerLogs": "http://worker-1.sim:8042/node/containerlogs/container_%s_01_000001/%s"
                               % (self.id[len("application_"):], self.user),
            "amHostHttpAddress": "worker-1.sim:8042",
            "allocatedMB": self.memory if running else 0, "allocatedVCores": self.vcores if running else 0,
            "runningContainers": 1 if running else 0,
            "memorySeconds": int(self.memory * elapsed / 1000), "vcoreSeconds": int(self.vcores * elapsed / 1000),
            "unmanagedApplication": self.unmanaged, "amNodeLabelExpression": "",
        }


class YarnCluster:
    """What both RMs of an HA pair share: apps, queues, ids, the clock, the lock, who is active."""

    def __init__(self, clock, lock, seed=True):
        """seed=False is an empty estate: no applications and only root.default at 100%."""
        self.clock = clock
        self.lock = lock
        self.epoch_ms = int(time.time() * 1000)
        self.ids = itertools.count(1)
        self.issued = set()
        self.apps = {}
        self.scheduler_props = initial_properties({"default": 40, "etl": 40, "adhoc": 20} if seed else {"default": 100})
        self.scheduler_props[STORE_KEY] = "memory"
        self.admins = {"yarn", "hadoop"}
        self.max_priority = 10  # yarn.cluster.max-application-priority (Hadoop's default is 0)
        self.nodes = {"worker-%d.sim:8041" % n: {"state": "RUNNING", "health": ""} for n in range(1, 5)}
        self.delegation_tokens = {"sim-delegation-token-etl": {"owner": "etl", "renewer": "yarn", "expires": self.epoch_ms + 86400000,
                                                               "max": self.epoch_ms + 7 * 86400000}}
        self.auth_type = "simple"
        self.spnego_tokens = {"sim-spnego-etl": "etl"}
        self.rms = {}
        self.active = None
        self.standby_style = "hadoop3"
        self.rest_submissions = True
        self.failover_trigger = None
        self.pending_failover = None
        if seed:
            self.seed()

    @property
    def capacity_conf(self):
        return CapacityConf(self.scheduler_props)

    def leaf_states(self):
        """{leaf queue name: configured state}: apps name their queue by its leaf name."""
        conf = self.capacity_conf
        return {path.rsplit(".", 1)[-1]: conf.configured_state(path) for path in conf.leaves()}

    def active_apps(self, leaf):
        now = self.clock.now()
        return [app for app in self.apps.values() if app.queue == leaf and app.stage(now)[0] not in FINAL_STATES]

    def queue_state(self, path):
        """RUNNING, STOPPED, or DRAINING: a stopped queue whose applications have not all ended."""
        state = self.capacity_conf.configured_state(path)
        if state == "STOPPED" and self.active_apps(path.rsplit(".", 1)[-1]):
            return "DRAINING"
        return state

    def new_id(self):
        app_id = "application_%d_%04d" % (self.epoch_ms, next(self.ids))
        self.issued.add(app_id)
        return app_id

    def seed(self):
        def app(name, user, queue, tags, env):
            body = {"application-name": name, "queue": queue, "application-tags": {"tag": tags},
                    "application-type": "SPARK" if "spark" in name else "MAPREDUCE",
                    "am-container-spec": {"environment": {"entry": [{"key": k, "value": v} for k, v in env.items()]}}}
            app_id = self.new_id()
            self.apps[app_id] = SimApp(app_id, body, user, -3600.0, self.leaf_states())

        app("nightly-etl", "etl", "etl", ["nightly", "etl"], {"SIM_RUN_SECONDS": "forever"})
        app("adhoc-report", "analyst", "adhoc", ["report"], {"SIM_RUN_SECONDS": "600"})
        app("streaming-ingest", "hadoop", "default", ["streaming"], {"SIM_RUN_SECONDS": "forever"})


class YarnSimulator(Simulator):
    name = "yarn"

    def __init__(self, speed=10.0, cluster=None, rm_id="rm1", version="3.3.6", empty=False):
        super().__init__(speed)
        if cluster is None:
            cluster = YarnCluster(self.clock, self.lock, seed=not empty)
            cluster.active = rm_id
        self.clock = cluster.clock
        self.lock = cluster.lock
        self.cluster = cluster
        self.rm_id = rm_id
        self.version = version
        self.secret = ("secret-of-%s-%s" % (rm_id, id(self))).encode()
        self.foreign_cookies = 0
        self.peers = []
        self.drop_answer = None
        cluster.rms[rm_id] = self

    # -- HA ---------------------------------------------------------------------------------------
    def start_standby(self, style="hadoop3", rm_id="rm2"):
        """A second RM on the same cluster, in standby; stopped with this one."""
        peer = YarnSimulator(cluster=self.cluster, rm_id=rm_id, version=self.version)
        peer.start()
        self.peers.append(peer)
        self.cluster.standby_style = style
        return peer

    def stop(self):
        for peer in self.peers:
            peer.stop()
        super().stop()

    @property
    def is_active(self):
        return self.cluster.active == self.rm_id

    def failover(self, to=None):
        cluster = self.cluster
        if to is None:
            to = next(rm for rm in sorted(cluster.rms) if rm != cluster.active)
        cluster.active = to
        return {"active": to, "url": cluster.rms[to].url}

    def control_failover(self, to=None):
        return self.failover(to)

    def begin_failover(self, finish_after_info_requests=None, to=None):
        """Every RM says STANDBY (the old active one stepped down, the new one has not taken over) until
        `finish_after_info_requests` more /ws/v1/cluster/info requests were answered (never, when None): a
        failover that lasts for a number of probes, not for a time."""
        target = to or next(rm for rm in sorted(self.cluster.rms) if rm != self.cluster.active)
        self.cluster.active = None
        self.cluster.pending_failover = [target, finish_after_info_requests]
        return {"active": None, "to": target}

    def control_begin_failover(self, finish_after_info_requests=None, to=None):
        return self.begin_failover(finish_after_info_requests, to)

    def count_info_probe(self):
        pending = self.cluster.pending_failover
        if pending and pending[1] is not None:
            pending[1] -= 1
            if pending[1] <= 0:
                self.cluster.active, self.cluster.pending_failover = pending[0], None

    def fail_over_after(self, method, path):
        self.cluster.failover_trigger = (method, re.compile(path))
        return {"armed": [method, path]}

    def control_fail_over_after(self, method, path):
        return self.fail_over_after(method, path)

    def drop_answer_after_applying(self, method, path, skip=0):
        """After `skip` matching requests, the next one whose method and path (a regex) match is applied, then its
        connection closes unanswered."""
        self.drop_answer = (method, re.compile(path), skip)
        return {"armed": [method, path, skip]}

    def control_drop_answer_after_applying(self, method, path, skip=0):
        return self.drop_answer_after_applying(method, path, skip)

    def control_set_standby_style(self, style):
        if style not in ("hadoop2", "hadoop3"):
            raise ValueError("style must be hadoop2 or hadoop3")
        self.cluster.standby_style = style
        return {"style": style}

    def control_set_auth(self, auth_type):
        if auth_type not in ("simple", "kerberos"):
            raise ValueError("auth_type must be simple or kerberos")
        self.cluster.auth_type = auth_type
        return {"auth_type": auth_type}

    def control_set_rest_submissions(self, enabled):
        self.cluster.rest_submissions = bool(enabled)
        return {"enabled": self.cluster.rest_submissions}

    def control_apps(self):
        return [self.app_view(app) for app in self.cluster.apps.values()]

    def standby_answer(self, request):
        active = self.cluster.rms[self.cluster.active]
        uri = request.path + ("?" + request.query_string if request.query_string else "")
        if self.cluster.standby_style == "hadoop2":
            target = active.url + request.path
            return Response(200, "This is standby RM. Redirecting to the current active RM: %s\n" % target,
                            {"Refresh": "3; url=%s" % target})
        return Response(307, "This is standby RM. The redirect url is: %s\n" % uri, {"Location": active.url + uri})

    # -- dispatch: standby filter, then authentication cookie --------------------------------------
    def dispatch(self, request):
        # The authentication filter runs first, on the standby RM too; with Kerberos it lets nobody through.
        if self.cluster.auth_type == "kerberos":
            try:
                authenticated = self.caller(request)
            except HttpError as exc:
                return exc.response
            if not authenticated:
                return Response(401, "<html><body><h2>HTTP ERROR 401</h2><p>Authentication required</p></body></html>",
                                {"WWW-Authenticate": "Negotiate"}, content_type="text/html; charset=iso-8859-1")
        if request.path.rstrip("/") == "/ws/v1/cluster/info":
            self.count_info_probe()
        if not self.is_active and request.path.rstrip("/") not in NOT_REDIRECTED:
            if self.cluster.active is None:  # no active RM at all: what a standby answers then
                return text_error(503, "This is standby RM. The active ResourceManager is not known yet.").response
            return self.standby_answer(request)
        response = super().dispatch(request)
        drop = self.drop_answer
        if drop and drop[0] == request.method and drop[1].search(request.path) and drop[2] > 0:
            self.drop_answer = (drop[0], drop[1], drop[2] - 1)
        elif drop and drop[0] == request.method and drop[1].search(request.path):
            self.drop_answer = None
            self.log.record(LoggedRequest(request.method, request.path, request.query_string, dict(request.headers),
                                          request.text(), 0))
            # Applied, but the answer is lost: the connection closes before it is sent (as an RM that dies or a
            # proxy that times out after the change was made).
            raise ConnectionAbortedError("answer dropped after %s %s was applied" % (request.method, request.path))
        trigger = self.cluster.failover_trigger
        if trigger and trigger[0] == request.method and trigger[1].search(request.path):
            self.cluster.failover_trigger = None
            self.failover()
        user = self.negotiated_user(request) if self.cluster.auth_type == "kerberos" else request.arg("user.name")
        if user:
            response.headers["Set-Cookie"] = "hadoop.auth=\"%s\"; Path=/; HttpOnly" % self.auth_token(user)
        return response

    def error_body(self, status, message):
        exception = EXCEPTION_FOR_STATUS.get(status, "WebApplicationException")
        return {"RemoteException": {"exception": exception, "message": message, "javaClassName": JAVA_CLASSES[exception]}}

    def auth_token(self, user):
        expires = self.cluster.epoch_ms + 36000 * 1000
        text = "u=%s&p=%s&t=%s&e=%d" % (user, user, self.cluster.auth_type, expires)
        return text + "&s=" + hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest()

    def cookie_user(self, request):
        for part in (request.headers.get("Cookie") or "").split(";"):
            key, dummy, value = part.strip().partition("=")
            if key != "hadoop.auth":
                continue
            text, dummy, signature = value.strip('"').rpartition("&s=")
            if hmac.compare_digest(hmac.new(self.secret, text.encode(), hashlib.sha256).hexdigest(), signature):
                return dict(item.split("=", 1) for item in text.split("&")).get("u")
            self.foreign_cookies += 1  # signed by another RM: AuthenticationFilter ignores it
        return None

    def caller(self, request):
        """The authenticated user, or None (what getUserPrincipal() gives the RM)."""
        return self.authenticate(request)[0]

    def authenticate(self, request):
        """(user, how): how is "token", "kerberos" (SPNEGO or its cookie), "simple" or None.

        Delegation tokens authenticate only with security on (RMAuthenticationFilter is installed only
        then), by X-Hadoop-Delegation-Token (or the `delegation` query parameter), else the old
        Hadoop-YARN-Auth-Delegation-Token; Hadoop-YARN-RM-Delegation-Token authenticates nothing.
        """
        if self.cluster.auth_type == "kerberos":
            token = self.presented_token(request)
            if token is not None:
                return self.token_user(token), "token"
            user = self.negotiated_user(request) or self.cookie_user(request)
            return user, "kerberos" if user else None
        user = request.arg("user.name") or self.cookie_user(request)
        return user, "simple" if user else None

    @staticmethod
    def presented_token(request):
        """RMAuthenticationFilter.doFilter: the old header only when the new one is absent or empty;
        DelegationTokenAuthenticationHandler.getDelegationToken: the header, else `delegation`."""
        token = request.headers.get(AUTH_TOKEN_HEADER)
        if not token:
            token = request.headers.get(OLD_AUTH_TOKEN_HEADER) or None
        return token if token is not None else request.arg("delegation")

    def token_user(self, token):
        """DelegationTokenAuthenticationHandler.authenticate: an unknown token is 403, not 401."""
        token_info = self.cluster.delegation_tokens.get(token)
        if token_info is None:
            raise HttpError(403, {"RemoteException": {
                "exception": "AuthenticationException",
                "message": "org.apache.hadoop.security.token.SecretManager$InvalidToken: token can't be found in cache",
                "javaClassName": "org.apache.hadoop.security.authentication.client.AuthenticationException"}})
        return token_info["owner"]

    def negotiated_user(self, request):
        """SPNEGO, simulated: 'Authorization: Negotiate <token>' with a token of cluster.spnego_tokens."""
        scheme, dummy, token = (request.headers.get("Authorization") or "").partition(" ")
        return self.cluster.spnego_tokens.get(token.strip()) if scheme == "Negotiate" else None

    def writer(self, request):
        user = self.caller(request)
        if not user:
            raise remote_exception(401, "AuthorizationException", "Unable to obtain user name, user not authenticated")
        return user

    # -- delegation tokens (RMWebServices: postDelegationToken, postDelegationTokenExpiration, cancel) --
    def kerberos_caller(self, request):
        """RMWebServices.createKerberosUserGroupInformation: token operations need a SPNEGO caller."""
        user, how = self.authenticate(request)
        if not user:
            raise remote_exception(401, "AuthorizationException", "Unable to obtain user name, user not authenticated")
        if how == "token":
            raise text_error(403, "Delegation token operations cannot be carried out using delegation token authentication.")
        if how != "kerberos":
            raise text_error(403, "Delegation token operations can only be carried out on a Kerberos authenticated channel. "
                                  "Expected auth type is kerberos, got type %s" % ("simple" if how == "simple" else None))
        return user

    def named_token(self, request):
        """The token to renew or cancel, named by the Hadoop-YARN-RM-Delegation-Token header."""
        token = request.headers.get(RENEW_TOKEN_HEADER)
        if not token:
            raise remote_exception(400, "BadRequestException", "Header %s containing encoded token not found" % RENEW_TOKEN_HEADER)
        if token not in self.cluster.delegation_tokens:
            raise text_error(403, "org.apache.hadoop.security.token.SecretManager$InvalidToken: token can't be found in cache")
        return token

    def token_view(self, token):
        info = self.cluster.delegation_tokens[token]
        return {"token": token, "renewer": info["renewer"], "owner": info["owner"], "kind": "RM_DELEGATION_TOKEN",
                "expiration-time": info["expires"], "max-validity": info["max"]}

    @route("POST", "/ws/v1/cluster/delegation-token")
    def create_token(self, request):
        user = self.kerberos_caller(request)
        renewer = (request.json() or {}).get("renewer") or user
        token = "sim-token-%s-%d" % (user, len(self.cluster.delegation_tokens) + 1)
        now_ms = self.cluster.epoch_ms + int(self.now() * 1000)
        self.cluster.delegation_tokens[token] = {"owner": user, "renewer": renewer, "expires": now_ms + 86400000,
                                                 "max": now_ms + 7 * 86400000}
        return self.token_view(token)

    @route("POST", "/ws/v1/cluster/delegation-token/expiration")
    def renew_token(self, request):
        user = self.kerberos_caller(request)
        token = self.named_token(request)
        info = self.cluster.delegation_tokens[token]
        if info["renewer"] != user:
            raise text_error(403, "org.apache.hadoop.security.AccessControlException: %s tries to renew a token with "
                                  "non-matching renewer %s" % (user, info["renewer"]))
        info["expires"] = min(info["max"], self.cluster.epoch_ms + int(self.now() * 1000) + 86400000)
        return {"expiration-time": info["expires"]}

    @route("DELETE", "/ws/v1/cluster/delegation-token")
    def cancel_token(self, request):
        self.kerberos_caller(request)
        del self.cluster.delegation_tokens[self.named_token(request)]
        return Response(200, None)

    # -- helpers ------------------------------------------------------------------------------------
    def app_view(self, app):
        return app.view(self.now(), self.cluster.epoch_ms, "127.0.0.1:%d" % self.port if self.server else "127.0.0.1")

    def find_app(self, app_id):
        if not app_id.startswith("application_"):
            raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: Invalid ApplicationId prefix: "
                                   "%s. The valid ApplicationId should start with prefix application" % app_id)
        if app_id not in self.cluster.apps:
            raise remote_exception(404, "NotFoundException", "java.lang.Exception: app with id: %s not found" % app_id)
        return self.cluster.apps[app_id]

    def may_modify(self, user, app):
        return user == app.user or user in self.cluster.admins or user in app.acls.get("MODIFY_APP", ())

    # -- cluster ------------------------------------------------------------------------------------
    @route("GET", "/cluster")
    def ui(self, request):
        return Response(200, "<html><title>About the Cluster</title></html>", content_type="text/html; charset=utf-8")

    @route("GET", "/ws/v1/cluster")
    @route("GET", "/ws/v1/cluster/info")
    def info(self, request):
        build = "%s from 1202ad4 by sim source checksum 6a4d1c" % self.version
        return {"clusterInfo": {
            "id": self.cluster.epoch_ms, "startedOn": self.cluster.epoch_ms, "state": "STARTED",
            "haState": "ACTIVE" if self.is_active else "STANDBY", "rmStateStoreName":
            "org.apache.hadoop.yarn.server.resourcemanager.recovery.ZKRMStateStore",
            "resourceManagerVersion": self.version, "resourceManagerBuildVersion": build,
            "resourceManagerVersionBuiltOn": "2023-06-18T08:22Z", "hadoopVersion": self.version,
            "hadoopBuildVersion": build, "hadoopVersionBuiltOn": "2023-06-18T08:22Z",
            "haZooKeeperConnectionState": "CONNECTED",
        }}

    @route("GET", "/ws/v1/cluster/metrics")
    def metrics(self, request):
        now = self.now()
        states = [app.stage(now)[0] for app in self.cluster.apps.values()]
        running = [app for app in self.cluster.apps.values() if app.stage(now)[0] == "RUNNING"]
        node_states = [node["state"] for node in self.cluster.nodes.values()]
        usable = [state for state in node_states if state in ("RUNNING", "UNHEALTHY", "DECOMMISSIONING")]
        total_mb, total_vcores = len(usable) * NODE_MB, len(usable) * NODE_VCORES
        allocated, vcores = sum(app.memory for app in running), sum(app.vcores for app in running)
        return {"clusterMetrics": {
            "appsSubmitted": len(states), "appsCompleted": sum(s in FINAL_STATES for s in states),
            "appsPending": sum(s in ("NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED") for s in states),
            "appsRunning": states.count("RUNNING"), "appsFailed": states.count("FAILED"),
            "appsKilled": states.count("KILLED"), "reservedMB": 0, "availableMB": total_mb - allocated,
            "allocatedMB": allocated, "totalMB": total_mb, "reservedVirtualCores": 0,
            "availableVirtualCores": total_vcores - vcores, "allocatedVirtualCores": vcores, "totalVirtualCores": total_vcores,
            "containersAllocated": len(running), "containersReserved": 0, "containersPending": 0,
            "totalNodes": len(usable), "activeNodes": node_states.count("RUNNING"), "lostNodes": node_states.count("LOST"),
            "unhealthyNodes": node_states.count("UNHEALTHY"), "decommissioningNodes": node_states.count("DECOMMISSIONING"),
            "decommissionedNodes": node_states.count("DECOMMISSIONED"), "rebootedNodes": node_states.count("REBOOTED"),
            "shutdownNodes": node_states.count("SHUTDOWN"),
        }}

    # -- scheduler: the Capacity Scheduler's queue tree, from the configuration scheduler-conf changes ------------
    @route("GET", "/ws/v1/cluster/scheduler")
    def scheduler(self, request):
        conf = self.cluster.capacity_conf
        root = self.queue_info(conf, "root", 100.0, 100.0)
        root.update(type="capacityScheduler", queueName="root")
        return {"scheduler": {"schedulerInfo": root}}

    def queue_info(self, conf, path, parent_absolute, parent_absolute_max):
        capacity, maximum = conf.capacity(path), conf.maximum_capacity(path)
        absolute, absolute_max = parent_absolute * capacity / 100, parent_absolute_max * maximum / 100
        leaves = [leaf.rsplit(".", 1)[-1] for leaf in conf.leaves() if leaf == path or leaf.startswith(path + ".")]
        running = [app for app in self.cluster.apps.values() if app.queue in leaves and app.stage(self.now())[0] == "RUNNING"]
        used_mb = sum(app.memory for app in running)
        cluster_mb = NODE_MB * len(self.cluster.nodes)
        absolute_used = 100.0 * used_mb / cluster_mb if cluster_mb else 0.0
        info = {"queuePath": path, "queueName": path.rsplit(".", 1)[-1], "capacity": capacity, "maxCapacity": maximum,
                "absoluteCapacity": round(absolute, 4), "absoluteMaxCapacity": round(absolute_max, 4),
                "usedCapacity": round(100.0 * absolute_used / absolute, 4) if absolute else 0.0,
                "absoluteUsedCapacity": round(absolute_used, 4), "state": self.cluster.queue_state(path),
                "numApplications": sum(app.queue in leaves and app.stage(self.now())[0] not in FINAL_STATES
                                       for app in self.cluster.apps.values()),
                "resourcesUsed": {"memory": used_mb, "vCores": sum(app.vcores for app in running)}}
        children = conf.children(path)
        if children:
            info["queues"] = {"queue": [self.queue_info(conf, path + "." + child, absolute, absolute_max) for child in children]}
        else:
            info.update(type="capacitySchedulerLeafQueueInfo", numActiveApplications=len(running),
                        numPendingApplications=info["numApplications"] - len(running), numContainers=len(running),
                        maxApplications=int(10000 * absolute / 100), userLimitFactor=1.0)
        return info

    def refuse_unless_mutable(self):
        if self.cluster.scheduler_props.get(STORE_KEY) not in MUTABLE_STORES:
            raise text_error(400, NOT_MUTABLE)

    @route("GET", "/ws/v1/cluster/scheduler-conf")
    def get_scheduler_conf(self, request):
        self.refuse_unless_mutable()
        return {"property": [{"name": key, "value": value} for key, value in sorted(self.cluster.scheduler_props.items())]}

    @route("PUT", "/ws/v1/cluster/scheduler-conf")
    def put_scheduler_conf(self, request):
        user = self.caller(request)
        if user not in self.cluster.admins:  # yarn.acl.enable is on
            raise remote_exception(403, "ForbiddenException", "Only admins can carry out this operation.")
        self.refuse_unless_mutable()
        try:
            proposed = apply_mutation(self.cluster.scheduler_props, request.json() or {})
            refresh_check(self.cluster.scheduler_props, proposed, self.cluster.queue_state)
        except SchedulerConfError as exc:
            raise text_error(400, str(exc))
        self.cluster.scheduler_props = proposed
        return Response(200, APPLIED, content_type="application/json")

    def control_set_conf_store(self, store):
        """yarn.scheduler.configuration.store.class: "file" makes the configuration immutable."""
        self.cluster.scheduler_props[STORE_KEY] = store
        return {"store": store}

    def control_scheduler_conf(self):
        return dict(self.cluster.scheduler_props)

    # -- nodes ----------------------------------------------------------------------------------------
    def node_view(self, node_id):
        node = self.cluster.nodes[node_id]
        host = node_id.split(":")[0]
        running = [app for app in self.cluster.apps.values() if app.stage(self.now())[0] == "RUNNING"
                   and sorted(self.cluster.nodes).index(node_id) == int(app.id.rsplit("_", 1)[-1]) % len(self.cluster.nodes)]
        used = sum(app.memory for app in running)
        return {"rack": "/default-rack", "state": node["state"], "id": node_id, "nodeHostName": host,
                "nodeHTTPAddress": host + ":8042", "lastHealthUpdate": self.cluster.epoch_ms + int(self.now() * 1000),
                "version": self.version, "healthReport": node["health"], "numContainers": len(running),
                "usedMemoryMB": used, "availMemoryMB": NODE_MB - used, "usedVirtualCores": sum(app.vcores for app in running),
                "availableVirtualCores": NODE_VCORES - sum(app.vcores for app in running)}

    @route("GET", "/ws/v1/cluster/nodes")
    def list_nodes(self, request):
        states = [state.upper() for state in self.csv(request, "states")]
        for state in states:
            if state not in NODE_STATES:
                raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: No enum constant "
                                       "org.apache.hadoop.yarn.api.records.NodeState.%s" % state)
        nodes = [self.node_view(node_id) for node_id in sorted(self.cluster.nodes)
                 if not states or self.cluster.nodes[node_id]["state"] in states]
        return {"nodes": {"node": nodes} if nodes else None}

    @route("GET", "/ws/v1/cluster/nodes/{node_id}")
    def get_node(self, request, node_id):
        if node_id not in self.cluster.nodes:
            raise remote_exception(404, "NotFoundException", "java.lang.Exception: nodeId, %s, is not found" % node_id)
        return {"node": self.node_view(node_id)}

    def control_set_node(self, node, state="RUNNING", health_report=""):
        """Move a node to a NodeState, with the health report its NodeManager would send."""
        if state not in NODE_STATES:
            raise ValueError("state must be one of %s" % ", ".join(NODE_STATES))
        self.cluster.nodes[node] = {"state": state, "health": health_report}
        return self.node_view(node)

    # -- application statistics -------------------------------------------------------------------
    @route("GET", "/ws/v1/cluster/appstatistics")
    def app_statistics(self, request):
        states = [state.upper() for state in self.csv(request, "states")] or STATES
        for state in states:
            if state not in STATES:
                raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: Invalid application-state "
                                       "%s specified. It should be one of %s" % (state.lower(), ", ".join(STATES)))
        types = [t.lower() for t in self.csv(request, "applicationTypes")]
        if len(types) > 1:
            raise remote_exception(400, "BadRequestException", "# of applicationTypes = %d, we temporarily support at most one "
                                   "applicationType" % len(types))
        views = [self.app_view(app) for app in self.cluster.apps.values()]
        items = [{"state": state, "type": types[0] if types else "*",
                  "count": sum(view["state"] == state and (not types or view["applicationType"].lower() == types[0])
                               for view in views)} for state in states]
        return {"appStatInfo": {"statItem": items}}

    # -- apps ---------------------------------------------------------------------------------------
    @staticmethod
    def csv(request, name):
        return [item.strip() for value in request.query.get(name, []) for item in value.split(",") if item.strip()]

    @route("GET", "/ws/v1/cluster/apps")
    def list_apps(self, request):
        states = [s.upper() for s in self.csv(request, "states") + self.csv(request, "state")]
        for state in states:
            if state not in STATES:
                raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: Invalid application-state "
                                       "%s specified. It should be one of %s" % (state.lower(), ", ".join(STATES)))
        final_status = (request.arg("finalStatus") or "").upper()
        if final_status and final_status not in FINAL_STATUSES:
            raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: No enum constant "
                                   "org.apache.hadoop.yarn.api.records.FinalApplicationStatus.%s" % final_status)
        types = {t.lower() for t in self.csv(request, "applicationTypes")}
        tags = {t.lower() for t in self.csv(request, "applicationTags")}
        queue = request.arg("queue")
        wanted = {"user": request.arg("user"), "queue": queue.split(".")[-1] if queue else None, "name": request.arg("name")}
        apps = []
        for app in sorted(self.cluster.apps.values(), key=lambda a: a.id):
            view = self.app_view(app)
            if states and view["state"] not in states or final_status and view["finalStatus"] != final_status:
                continue
            if types and app.type.lower() not in types or tags and not tags & set(app.tags):
                continue
            if any(value and view[key] != value for key, value in wanted.items()):
                continue
            apps.append(view)
        limit = request.arg("limit")
        if limit:
            apps = apps[:int(limit)]
        return {"apps": {"app": apps} if apps else None}

    @route("POST", "/ws/v1/cluster/apps/new-application")
    def new_application(self, request):
        self.refuse_if_rest_submissions_disabled()
        self.writer(request)
        return {"application-id": self.cluster.new_id(),
                "maximum-resource-capability": {"memory": MAX_MEMORY_MB, "vCores": MAX_VCORES}}

    def refuse_if_rest_submissions_disabled(self):
        if not self.cluster.rest_submissions:
            # The real RM sends this plain text with a JSON content type.
            raise text_error(403, "App submission via REST is disabled.")

    @route("POST", "/ws/v1/cluster/apps")
    def submit(self, request):
        self.refuse_if_rest_submissions_disabled()
        user = self.writer(request)
        body = request.json() or {}
        app_id = body.get("application-id")
        if app_id not in self.cluster.issued:
            raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: Invalid ApplicationId: %s" % app_id)
        if app_id in self.cluster.apps:
            raise remote_exception(400, "BadRequestException", "org.apache.hadoop.yarn.exceptions.YarnException: Application "
                                   "with id %s is already present! Cannot add a duplicate!" % app_id)
        resource = body.get("resource") or {}
        memory, vcores = int(resource.get("memory", 1024)), int(resource.get("vCores", 1))
        if not 0 <= memory <= MAX_MEMORY_MB or not 0 <= vcores <= MAX_VCORES:
            raise remote_exception(400, "BadRequestException", "org.apache.hadoop.yarn.exceptions.InvalidResourceRequestException: "
                                   "Invalid resource request, requested resource type=[memory-mb] < 0 or greater than maximum "
                                   "allowed allocation. Requested resource=<memory:%d, vCores:%d>, maximum allowed allocation="
                                   "<memory:%d, vCores:%d>" % (memory, vcores, MAX_MEMORY_MB, MAX_VCORES))
        self.cluster.apps[app_id] = SimApp(app_id, body, user, self.now(), self.cluster.leaf_states())
        return Response(202, None, {"Location": "%s/ws/v1/cluster/apps/%s" % (self.url, app_id)})

    @route("GET", "/ws/v1/cluster/apps/{app_id}")
    def get_app(self, request, app_id):
        return {"app": self.app_view(self.find_app(app_id))}

    @route("GET", "/ws/v1/cluster/apps/{app_id}/state")
    def get_state(self, request, app_id):
        return {"state": self.app_view(self.find_app(app_id))["state"]}

    @route("PUT", "/ws/v1/cluster/apps/{app_id}/state")
    def put_state(self, request, app_id):
        user = self.writer(request)
        app = self.find_app(app_id)
        target = (request.json() or {}).get("state")
        state = self.app_view(app)["state"]
        if target == state:
            return {"state": state}
        if target != "KILLED":
            raise remote_exception(400, "BadRequestException", "java.lang.Exception: Only 'KILLED' is allowed as a target state.")
        if not self.may_modify(user, app):
            raise text_error(403, "Unauthorized attempt to kill appid %s by remote user %s" % (app_id, user))
        if state in FINAL_STATES:
            return {"state": state}
        app.kill(self.now())
        if self.app_view(app)["state"] == "KILLED":
            return {"state": "KILLED"}
        return Response(202, {"state": "ACCEPTED"}, {"Location": "%s/ws/v1/cluster/apps/%s/state" % (self.url, app_id)})

    @route("GET", "/ws/v1/cluster/apps/{app_id}/queue")
    def get_queue(self, request, app_id):
        return {"queue": self.find_app(app_id).queue}

    @route("PUT", "/ws/v1/cluster/apps/{app_id}/queue")
    def put_queue(self, request, app_id):
        user = self.writer(request)
        app = self.find_app(app_id)
        target = ((request.json() or {}).get("queue") or "").split(".")[-1]
        if target == app.queue:
            return {"queue": app.queue}
        if not self.may_modify(user, app):
            raise text_error(403, "Unauthorized attempt to move appid %s by remote user %s" % (app_id, user))
        state = self.app_view(app)["state"]
        if state in FINAL_STATES:
            raise text_error(400, "App in %s state cannot be moved." % state)
        if target not in self.cluster.leaf_states():
            raise remote_exception(400, "BadRequestException", "org.apache.hadoop.yarn.exceptions.YarnException: Failed to move "
                                   "%s to queue %s: queue %s does not exist" % (app_id, target, target))
        app.queue = target
        return {"queue": app.queue}

    # -- priority (RMWebServices.updateApplicationPriority: the RM caps it at yarn.cluster.max-application-priority) --
    @route("GET", "/ws/v1/cluster/apps/{app_id}/priority")
    def get_priority(self, request, app_id):
        return {"priority": self.find_app(app_id).priority}

    @route("PUT", "/ws/v1/cluster/apps/{app_id}/priority")
    def put_priority(self, request, app_id):
        user = self.writer(request)
        app = self.find_app(app_id)
        target = (request.json() or {}).get("priority")
        if target is None:
            raise remote_exception(400, "BadRequestException", "java.lang.Exception: Target Priority cannot be null")
        if not self.may_modify(user, app):
            raise text_error(403, "Unauthorized attempt to change priority of appid %s by remote user %s" % (app_id, user))
        state = self.app_view(app)["state"]
        if state in FINAL_STATES or state in ("NEW", "NEW_SAVING"):
            raise remote_exception(500, "WebApplicationException", "org.apache.hadoop.yarn.exceptions.YarnException: "
                                   "Application in %s state cannot update priority." % state)
        app.priority = min(int(target), self.cluster.max_priority)
        return {"priority": app.priority}

    def control_set_max_priority(self, priority):
        self.cluster.max_priority = int(priority)
        return {"max_priority": self.cluster.max_priority}

    # -- timeouts (RMWebServices.updateApplicationTimeout / getAppTimeouts; LIFETIME is the only type) --------
    def timeout_view(self, app):
        if app.lifetime_end is None:
            return {"type": "LIFETIME", "expiryTime": "UNLIMITED", "remainingTimeInSeconds": -1}
        return {"type": "LIFETIME", "expiryTime": iso8601(self.cluster.epoch_ms + int(app.lifetime_end * 1000)),
                "remainingTimeInSeconds": max(0, int(app.lifetime_end - self.now()))}

    @route("GET", "/ws/v1/cluster/apps/{app_id}/timeouts")
    def get_timeouts(self, request, app_id):
        return {"timeouts": {"timeout": [self.timeout_view(self.find_app(app_id))]}}

    @route("GET", "/ws/v1/cluster/apps/{app_id}/timeouts/{timeout_type}")
    def get_timeout(self, request, app_id, timeout_type):
        app = self.find_app(app_id)
        if timeout_type != "LIFETIME":
            raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: No enum constant "
                                   "org.apache.hadoop.yarn.api.records.ApplicationTimeoutType.%s" % timeout_type)
        return {"timeout": self.timeout_view(app)}

    @route("PUT", "/ws/v1/cluster/apps/{app_id}/timeout")
    def put_timeout(self, request, app_id):
        user = self.writer(request)
        app = self.find_app(app_id)
        timeout = (request.json() or {}).get("timeout") or {}
        if timeout.get("type") != "LIFETIME":
            raise remote_exception(400, "BadRequestException", "java.lang.IllegalArgumentException: No enum constant "
                                   "org.apache.hadoop.yarn.api.records.ApplicationTimeoutType.%s" % timeout.get("type"))
        if not self.may_modify(user, app):
            raise text_error(403, "Unauthorized attempt to change timeout of app %s by remote user %s" % (app_id, user))
        expiry_ms = parse_iso8601(timeout.get("expiryTime"))
        now_ms = self.cluster.epoch_ms + int(self.now() * 1000)
        if expiry_ms is None:
            raise text_error(400, 'java.text.ParseException: Unparseable date: "%s"' % timeout.get("expiryTime"))
        if self.app_view(app)["state"] in FINAL_STATES:
            raise text_error(400, "Application is in final state, timeout cannot be updated: %s" % app_id)
        if expiry_ms <= now_ms:
            raise text_error(400, "Expire time is less than current time, current-time=%s expire-time=%s"
                                  % (iso8601(now_ms), iso8601(expiry_ms)))
        app.lifetime_end = (expiry_ms - self.cluster.epoch_ms) / 1000.0
        return {"timeout": self.timeout_view(app)}


def iso8601(epoch_ms):
    """Times.formatISO8601: yyyy-MM-dd'T'HH:mm:ss.SSSZ (UTC here)."""
    seconds, millis = divmod(int(epoch_ms), 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + ".%03d+0000" % millis


def parse_iso8601(text):
    """Times.parseISO8601ToLocalTimeInMillis; None when it does not parse."""
    match = re.match(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.(\d{3})([+-])(\d\d)(\d\d)$", str(text or ""))
    if not match:
        return None
    base, millis, sign, hours, minutes = match.groups()
    offset = (int(hours) * 3600 + int(minutes) * 60) * (1 if sign == "+" else -1)
    return (calendar.timegm(time.strptime(base, "%Y-%m-%dT%H:%M:%S")) - offset) * 1000 + int(millis)
