# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Client for the Hadoop YARN ResourceManager REST API (/ws/v1/cluster), with RM high availability.

The client is given every RM's URL. It finds the active one from /ws/v1/cluster/info (which a
standby answers itself, with haState STANDBY) and sends everything there without following
redirects: when a standby answers instead (Hadoop 3: 307 + Location; Hadoop 2: 200 + Refresh and
"This is standby RM"), it finds the new active RM and sends the request again there, which is safe
because a standby applies nothing. Each RM has its own session, so a cookie one RM set is never
sent to another one.

The package: The Hadoop YARN ResourceManager client (client.py), its applications (apps.py) and its scheduler
(scheduler.py).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from ansible.module_utils.basic import env_fallback

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HttpClient, default_error_message, quote_path
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

# Options documented by doc_fragments/yarn.py.
YARN_ARGS = dict(
    rm_urls=dict(type="list", elements="str", required=True, fallback=(env_fallback, ["YARN_RM_URLS"])),
    auth=dict(type="str", default="simple", choices=["simple", "kerberos", "none"]),
    user=dict(type="str", fallback=(env_fallback, ["YARN_USER"])),
    delegation_token=dict(type="str", no_log=True, fallback=(env_fallback, ["YARN_DELEGATION_TOKEN"])),
)

API = "/ws/v1/cluster"
# The header a secured RM authenticates a call by (Hadoop's RMAuthenticationFilter, DelegationTokenAuthenticator.
# DELEGATION_TOKEN_HEADER; the reference's "Authentication using delegation tokens"). Hadoop-YARN-RM-Delegation-Token
# only names the token to renew or cancel on /ws/v1/cluster/delegation-token and authenticates nothing.
DELEGATION_TOKEN_HEADER = "X-Hadoop-Delegation-Token"
STANDBY_TEXT = "This is standby RM"
FAILOVER_TIMEOUT = 60
KERBEROS_LIBRARIES = "requests-gssapi (or requests-kerberos)"


def remote_exception_message(response, body):
    """'exception: message' from the RM's {"RemoteException": {...}} bodies; the text of the others."""
    if isinstance(body, dict) and isinstance(body.get("RemoteException"), dict):
        remote = body["RemoteException"]
        return "%s: %s" % (remote.get("exception", "RemoteException"), remote.get("message", ""))
    return default_error_message(response, body)


def without_userinfo(url):
    """The URL with any user:password@ part masked, for messages."""
    scheme, dummy, rest = url.partition("://")
    return "%s://***@%s" % (scheme, rest.rpartition("@")[2]) if "@" in rest.split("/", 1)[0] else url


def kerberos_auth():
    """A SPNEGO auth object; the library is imported only when Kerberos is chosen."""
    try:
        from requests_gssapi import OPTIONAL, HTTPSPNEGOAuth
        return HTTPSPNEGOAuth(mutual_authentication=OPTIONAL)
    except ImportError:
        pass
    try:
        from requests_kerberos import OPTIONAL, HTTPKerberosAuth
        return HTTPKerberosAuth(mutual_authentication=OPTIONAL)
    except ImportError:
        raise OptionError("auth", "kerberos", "needs the Python library %s on the host that runs the module: "
                                              "pip install requests-gssapi" % KERBEROS_LIBRARIES)


def is_standby_answer(response):
    """A standby RM's answer to anything but /cluster/info, in the Hadoop 3 or the Hadoop 2 style."""
    if response.status_code == 307:
        return True
    return response.status_code == 200 and "Refresh" in response.headers and STANDBY_TEXT in response.text


def explain(error, auth, user):
    """The server's message, plus what the operator can do about the refusals that have a known cause."""
    hint = None
    if error.status == 401 and auth == "simple" and not user:
        hint = "with simple auth the ResourceManager needs a user name for changes: set the user option or YARN_USER"
    elif error.status == 403 and "submission via REST is disabled" in error.server_message:
        hint = ("this ResourceManager refuses REST submissions (yarn.webapp.enable-rest-app-submissions=false); "
                "submit with the yarn CLI or ask the cluster admins")
    if hint is None:
        return error
    return ApiError(error.status, "%s (%s)" % (error.server_message, hint), body=error.body, url=error.url, method=error.method)


class YarnClient:
    """The ResourceManager API on top of the collection's HttpClient, one HttpClient per RM."""

    def __init__(self, rm_urls, auth="simple", user=None, delegation_token=None, validate_certs=True,
                 ca_cert=None, timeout=30, deadline=None):
        """deadline: the task's Deadline; finding the active RM never waits beyond it (nor beyond
        FAILOVER_TIMEOUT when the task has none)."""
        self.rm_urls = [url.strip().rstrip("/") for url in rm_urls if url and url.strip()]
        if not self.rm_urls:
            raise OptionError("rm_urls", rm_urls, "must name at least one ResourceManager URL")
        for url in self.rm_urls:
            if not url.startswith(("http://", "https://")):
                raise OptionError("rm_urls", without_userinfo(url), "is not a URL; write it as http://host:8088 or https://host:8090")
            if "@" in urlsplit(url).netloc:
                # requests would send it as basic auth, which the RM ignores, and every message would echo it.
                raise OptionError("rm_urls", without_userinfo(url), "carries a user name or password; the ResourceManager does "
                                  "not use them: set user, delegation_token or auth instead")
        self.auth = auth
        self.user = user
        self.delegation_token = delegation_token
        self.validate_certs = validate_certs
        self.ca_cert = ca_cert
        self.timeout = timeout
        self.deadline = deadline
        self.active_url = None
        self._clients = {}
        self._probed = {}  # url -> its /info answer read while finding the active RM, reused once (issue 13)
        self._auth_object = kerberos_auth() if auth == "kerberos" else None

    @classmethod
    def from_params(cls, params):
        timeout = params.get("timeout")
        return cls(params["rm_urls"], auth=params["auth"], user=params["user"],
                   delegation_token=params["delegation_token"], validate_certs=params["validate_certs"],
                   ca_cert=params["ca_cert"], timeout=params["request_timeout"],
                   deadline=Deadline(timeout) if timeout is not None else None)

    @property
    def request_count(self):
        return sum(client.request_count for client in self._clients.values())

    def _client(self, url):
        if url not in self._clients:
            headers = {DELEGATION_TOKEN_HEADER: self.delegation_token} if self.delegation_token else None
            self._clients[url] = HttpClient(url, auth=self._auth_object, headers=headers,
                                            validate_certs=self.validate_certs, ca_cert=self.ca_cert,
                                            timeout=self.timeout, error_message=remote_exception_message,
                                            deadline=self.deadline)
        return self._clients[url]

    # -- finding the active RM ----------------------------------------------------------------------
    def _ha_states(self, every=False, reuse=False):
        """{url: haState or the reason it could not be read}, stopping at the first ACTIVE one unless `every`.
        reuse: an RM whose /info this task read while finding the active one is not asked again."""
        states = {}
        for url in self.rm_urls:
            try:
                info = self._probed.get(url) if reuse else None
                if info is None:
                    info = self._probed[url] = self._client(url).get_json(API + "/info", params=self._auth_params()) or {}
                states[url] = (info.get("clusterInfo") or {}).get("haState") or "ACTIVE"
            except ApiError as exc:
                states[url] = str(exc)
            if states[url] == "ACTIVE" and not every:
                break
        return states

    def ha_states(self):
        """{url: haState} of every RM of rm_urls (or why it could not be read)."""
        return self._ha_states(every=True, reuse=True)

    def find_active(self):
        """The active RM's URL. While some RM says STANDBY (a failover under way) wait for one to take over."""
        def describe(states):
            return "; ".join("%s: %s" % item for item in states.items())

        def failed(states):
            if "ACTIVE" not in states.values() and "STANDBY" not in states.values():
                return "no active Hadoop YARN ResourceManager in rm_urls: %s" % describe(states)
            return None

        deadline = self.deadline or Deadline(FAILOVER_TIMEOUT)
        states = deadline.wait_until(self._ha_states, lambda s: "ACTIVE" in s.values(), "an active ResourceManager",
                                     failed=failed, describe=describe, timeout=FAILOVER_TIMEOUT)
        self.active_url = next(url for url, state in states.items() if state == "ACTIVE")
        return self.active_url

    def _auth_params(self):
        return {"user.name": self.user} if self.auth == "simple" and self.user else {}

    def _forget_active(self, url):
        """A standby's cookies are dropped with it: after a failover only the new active RM's count."""
        self._client(url).session.cookies.clear()
        self.active_url = None

    # -- requests -----------------------------------------------------------------------------------
    def request(self, method, path, params=None, body=None, resend_safe=False):
        """Send to the active RM and return the requests.Response, failing over when a standby answers.

        When the RM does not answer at all (GET and PUT were already retried), another RM may have taken
        over: the request goes there, except a POST that is not `resend_safe`, as the first one may have
        been applied.
        """
        query = dict(params or {}, **self._auth_params())
        for dummy in range(len(self.rm_urls) + 1):
            url = self.active_url or self.find_active()
            try:
                response = self._client(url).request(method, API + path, params=query, json=body, allow_redirects=False)
            except ApiError as exc:
                if exc.status is None and (method != "POST" or resend_safe) and len(self.rm_urls) > 1:
                    self._forget_active(url)
                    continue
                raise explain(exc, self.auth, self.user)
            if is_standby_answer(response):
                self._forget_active(url)
                continue
            if response.is_redirect:
                raise ApiError(response.status_code, "unexpected redirect to %s" % response.headers.get("Location"),
                               url=response.url, method=method)
            return response
        raise PlatformError("the Hadoop YARN ResourceManagers %s kept answering as standby" % ", ".join(self.rm_urls))

    def request_json(self, method, path, params=None, body=None, resend_safe=False):
        """The decoded JSON answer (None when empty); a body that is not JSON is an ApiError, not a traceback."""
        response = self.request(method, path, params=params, body=body, resend_safe=resend_safe)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise ApiError(response.status_code, "the answer is not JSON: %s" % response.text[:200], url=response.url, method=method)

    def get_json(self, path, params=None):
        return self.request_json("GET", path, params=params)

    # -- the API --------------------------------------------------------------------------------------
    def cluster_info(self):
        """The active RM's /info: the answer read a moment ago to find it, else a new read."""
        if self.active_url is None:
            self.find_active()
        probed = self._probed.get(self.active_url)
        if probed and "clusterInfo" in probed:
            return probed["clusterInfo"]
        return self.get_json("/info")["clusterInfo"]

    def list_apps(self, states=None, user=None, queue=None, tags=None, types=None, name=None, limit=None):
        """Raw app dicts; the RM answers {"apps": null} when nothing matches."""
        params = {
            "states": ",".join(states) if states else None, "user": user, "queue": queue, "limit": limit,
            "applicationTags": ",".join(tags) if tags else None,
            "applicationTypes": ",".join(types) if types else None, "name": name,
        }
        body = self.get_json("/apps", params={k: v for k, v in params.items() if v is not None}) or {}
        return ((body.get("apps") or {}).get("app")) or []

    def get_app(self, app_id):
        """The raw app dict, or None when the RM does not know it."""
        try:
            return self.get_json("/apps/" + quote_path(app_id))["app"]
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    def new_application(self):
        """Consumes an application id: call it only when a submission is certain. Sending it twice only
        consumes one more id."""
        return self.request_json("POST", "/apps/new-application", resend_safe=True)

    def submit(self, submission):
        """Submit (202 + Location, no body) and return the application id.

        The application id makes a second send harmless: the RM refuses a duplicate, and since the id was
        issued to this client, an application that already has it is the one this submission created.
        """
        app_id = submission["application-id"]
        try:
            self.request("POST", "/apps", body=submission, resend_safe=True)
        except ApiError as exc:
            if not (exc.status == 400 and "already present" in exc.server_message and self.get_app(app_id)):
                raise
        return app_id

    def kill(self, app_id):
        """PUT state KILLED: 202 while the kill is under way, 200 once the app is KILLED (or already ended)."""
        response = self.request("PUT", "/apps/%s/state" % quote_path(app_id), body={"state": "KILLED"})
        return response.status_code, response.json().get("state") if response.content else None

    def move(self, app_id, queue):
        return (self.request_json("PUT", "/apps/%s/queue" % quote_path(app_id), body={"queue": queue}) or {}).get("queue")

    def set_priority(self, app_id, priority):
        """The priority the RM gave the app: it caps a wish at yarn.cluster.max-application-priority."""
        body = self.request_json("PUT", "/apps/%s/priority" % quote_path(app_id), body={"priority": priority}) or {}
        return body.get("priority")

    def lifetime_timeout(self, app_id):
        """The app's LIFETIME timeout: {"type", "expiryTime" ("UNLIMITED" or ISO 8601), "remainingTimeInSeconds"}."""
        return self.get_json("/apps/%s/timeouts/LIFETIME" % quote_path(app_id))["timeout"]

    def set_lifetime_expiry(self, app_id, expiry_time):
        body = {"timeout": {"type": "LIFETIME", "expiryTime": expiry_time}}
        return self.request_json("PUT", "/apps/%s/timeout" % quote_path(app_id), body=body)["timeout"]

    # -- cluster facts and the scheduler -------------------------------------------------------------
    def metrics(self):
        return self.get_json("/metrics")["clusterMetrics"]

    def scheduler(self):
        return self.get_json("/scheduler")["scheduler"]["schedulerInfo"]

    def nodes(self, states=None):
        """Raw node dicts; {"nodes": null} when none matches."""
        body = self.get_json("/nodes", params={"states": ",".join(states)} if states else None) or {}
        return ((body.get("nodes") or {}).get("node")) or []

    def app_statistics(self):
        return ((self.get_json("/appstatistics") or {}).get("appStatInfo") or {}).get("statItem") or []

    def scheduler_conf(self):
        """{property: value} of the scheduler configuration (GET /scheduler-conf)."""
        try:
            body = self.get_json("/scheduler-conf") or {}
        except ApiError as exc:
            raise mutation_disabled(exc)
        items = body.get("property") or []
        return {item["name"]: item.get("value") for item in (items if isinstance(items, list) else [items])}

    def update_scheduler_conf(self, mutation):
        """PUT /scheduler-conf; the RM answers plain text ("Configuration change successfully applied.")."""
        try:
            return self.request("PUT", "/scheduler-conf", body=mutation).text.strip()
        except ApiError as exc:
            raise mutation_disabled(exc)


def mutation_disabled(error):
    """The RM's 'only supported by MutableConfScheduler' refusal, with what it means for the operator."""
    if error.status == 400 and "only supported by MutableConfScheduler" in error.server_message:
        return ApiError(error.status, "%s (the scheduler configuration of this ResourceManager cannot be changed through "
                                      "its API: yarn.scheduler.configuration.store.class is 'file'; set it to memory, "
                                      "leveldb, zk or fs, and use the Capacity Scheduler)" % error.server_message,
                        body=error.body, url=error.url, method=error.method)
    return error
