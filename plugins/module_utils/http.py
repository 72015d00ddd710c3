# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer every REST client of the collection stands on.

HttpClient wraps a requests.Session: base URL joining, auth, TLS options, per-request timeout,
retries of idempotent requests in a time budget, JSON decoding, and one ApiError whose message is the
server's own text (each system plugs in how to read its error bodies).

Retry policy: a connection that could not be opened is retried for any method (nothing reached the
server); a reset, a read timeout or HTTP 502/503/504 only for idempotent methods (GET, HEAD, OPTIONS, PUT,
DELETE) or a request sent with idempotent=True (a login), so a POST is never sent twice. Every attempt, every
backoff and every Retry-After wait of one request fit in REQUEST_TIME_FACTOR x its timeout, and in what is
left of the task's Deadline when the client has one.
"""

from __future__ import annotations

import email.utils
import json
import re
import time
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import NewConnectionError, ReadTimeoutError
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
    UNSENDABLE = (requests.exceptions.InvalidURL, requests.exceptions.InvalidHeader,
                  requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema, ValueError)

from urllib.parse import quote

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, NotFound, UnsafePathSegment
from ansible_collections.bigdata.platform.plugins.module_utils.version import USER_AGENT

# RFC 9110 idempotent methods: sending one of these twice has the effect of sending it once.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
TRANSIENT_STATUSES = frozenset([502, 503, 504])
# One Retry-After may hold a request this long at most (a server asking for more is retried sooner).
MAX_RETRY_AFTER = 30.0
# A request, all its retries and waits take at most this many times its timeout (documented in doc_fragments/tls).
REQUEST_TIME_FACTOR = 2
# No retry is started with less time left than this (or half the request's timeout when that is shorter).
MIN_ATTEMPT_TIMEOUT = 1.0
MAX_BACKOFF = 10.0
MAX_ERROR_TEXT = 2000
_USERINFO = re.compile(r"(?<=://)[^/@\s]*@")


def redact_userinfo(text):
    """text with the user:password@ of every URL in it replaced by ***@ (a password in a URL is a secret)."""
    return _USERINFO.sub("***@", text) if isinstance(text, str) else text


def retry_after_seconds(response):
    """The delay a 503/429 answer asks for in Retry-After (seconds or an HTTP date), or None."""
    value = (response.headers.get("Retry-After") or "").strip()
    if not value:
        return None
    if re.match(r"^\d+(\.\d+)?$", value):
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def is_connect_failure(exc):
    """True when the request never reached the server (refused, unreachable, connect timeout): safe to resend."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.exceptions.ConnectionError) and isinstance(reason, NewConnectionError)


def is_timeout(exc):
    """requests reports a read timeout whose retries ran out as a ConnectionError; look inside."""
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.exceptions.Timeout) or isinstance(reason, ReadTimeoutError)


def quote_path(*segments):
    """'/'-join path segments, each quoted whole (a name with '/' or spaces stays one segment).

    An empty, blank, '.' or '..' segment raises UnsafePathSegment (a PlatformError and a ValueError): a URL
    resolves dot segments to the parent and an empty one drops a level, so the request would reach another
    resource than the one named.
    """
    for segment in segments:
        if not str(segment).strip() or str(segment).strip() in (".", ".."):
            raise UnsafePathSegment(segment)
    return "/".join(quote(str(segment), safe="") for segment in segments)


def decode_body(response):
    """The response body as JSON when it is JSON, else text, else None when empty."""
    if not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return response.text


def default_error_message(response, body):
    """Server message from the common error shapes: {"message"}, {"error": {"message"}}, or text."""
    if isinstance(body, dict):
        for key in ("message", "detail", "error_message", "error_description"):
            if isinstance(body.get(key), str) and body[key]:
                return body[key]
        error = body.get("error")
        if isinstance(error, dict) and error.get("message"):
            return error["message"]
        if isinstance(error, str) and error:
            return error
        return json.dumps(body, sort_keys=True)[:MAX_ERROR_TEXT]
    if isinstance(body, str) and body.strip():
        return body.strip()[:MAX_ERROR_TEXT]
    return response.reason or "no message"


class HttpClient:
    """A small client on one requests.Session.

    error_message(response, decoded_body) -> str reads a system's error bodies.
    reauthenticate() -> bool is called once when a request answers 401; when it returns True
    (it refreshed the credentials) the request is sent again, which is safe for any method
    because the server refused the first one.
    """

    def __init__(self, base_url, auth=None, headers=None, validate_certs=True, ca_cert=None,
                 client_cert=None, client_key=None, timeout=30, retries=3, backoff_factor=0.5,
                 error_message=default_error_message, reauthenticate=None, retry_methods=IDEMPOTENT_METHODS,
                 deadline=None, clock=time.monotonic, sleep=time.sleep):
        if not HAS_REQUESTS:
            raise ImportError("the Python library 'requests' is required")
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.error_message = error_message
        self.reauthenticate = reauthenticate
        self.request_count = 0
        self.session = requests.Session()
        self.session.auth = auth
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.headers["Accept"] = "application/json"
        self.session.headers.update(headers or {})
        self.session.verify = ca_cert if (ca_cert and validate_certs) else bool(validate_certs)
        # Passed again on every request: requests lets REQUESTS_CA_BUNDLE override a session's verify.
        self.verify = self.session.verify
        if client_cert:
            self.session.cert = (client_cert, client_key) if client_key else client_cert
        self.retries = retries
        self.backoff_factor = backoff_factor
        self.retry_methods = frozenset(retry_methods)
        # A waiting.Deadline (anything with left()): when set, retries and waits stop where the task's time ends.
        self.deadline = deadline
        self.clock = clock
        self.sleep = sleep
        # requests' own adapter without urllib3 retries (Retry(0, read=False)): _send() owns the policy.
        adapter = HTTPAdapter()
        self.session.mount("http://", adapter)
        self.session.mount("https://", adapter)

    def url(self, path):
        """An absolute URL for `path`: used as-is when it is one, else joined to the base URL."""
        if path.startswith(("http://", "https://")):
            return path
        if not path:
            return self.base_url
        return "%s/%s" % (self.base_url, path.lstrip("/"))

    def request(self, method, path, params=None, json=None, data=None, headers=None,
                expected=None, allow_redirects=True, timeout=None, idempotent=False):
        """Send one request; return the requests.Response or raise ApiError.

        `expected` is a collection of acceptable statuses; by default any 2xx/3xx is accepted.
        idempotent=True: the caller knows this request is safe to repeat (a login POST), so transient faults
        are retried as for a GET; without it a POST or PATCH is never sent twice.
        """
        url = self.url(path)
        send = _Attempts(self, method.upper(), url, timeout or self.timeout, idempotent,
                         dict(params=params, json=json, data=data, headers=headers, allow_redirects=allow_redirects))
        response = send()
        if response.status_code == 401 and self.reauthenticate is not None and self.reauthenticate():
            response = send()
        if not self._acceptable(response.status_code, expected):
            raise self._api_error(method, url, response, send)
        return response

    @staticmethod
    def _acceptable(status, expected):
        if expected is None:
            return 200 <= status < 400
        return status in expected

    def _api_error(self, method, url, response, attempts=None):
        body = decode_body(response)
        message = self.error_message(response, body)
        error_type = NotFound if response.status_code == 404 else ApiError
        retried = attempts is not None and attempts.count > 1
        return error_type(response.status_code, message, body=body, url=redact_userinfo(url), method=method,
                          attempts=attempts.count if retried else None,
                          elapsed=round(attempts.elapsed(), 1) if retried else None)

    def get_json(self, path, params=None, **kwargs):
        return decode_body(self.request("GET", path, params=params, **kwargs))

    def post_json(self, path, body=None, **kwargs):
        return decode_body(self.request("POST", path, json=body, **kwargs))

    def put_json(self, path, body=None, **kwargs):
        return decode_body(self.request("PUT", path, json=body, **kwargs))

    def patch_json(self, path, body=None, **kwargs):
        return decode_body(self.request("PATCH", path, json=body, **kwargs))

    def delete(self, path, **kwargs):
        return decode_body(self.request("DELETE", path, **kwargs))

    def get_or_none(self, path, params=None, **kwargs):
        """GET a resource as JSON; None when the server answers 404."""
        try:
            return self.get_json(path, params=params, **kwargs)
        except NotFound:
            return None

    def close(self):
        self.session.close()


class _Attempts:
    """The attempts of one request under the retry policy and time budget of the module docstring.

    Calling it sends the request (again, for a resend after re-authentication) and returns the last
    response, or raises ApiError saying what failed, how many attempts were made and how long they took.
    """

    def __init__(self, client, method, url, timeout, idempotent, kwargs):
        self.client = client
        self.method = method
        self.url = url
        self.timeout = timeout
        self.repeatable = idempotent or method in client.retry_methods
        self.kwargs = kwargs
        self.count = 0
        self.floor = min(MIN_ATTEMPT_TIMEOUT, timeout / 2.0)
        self.started = client.clock()
        self.end = self.started + timeout * REQUEST_TIME_FACTOR
        self.limited_by_task = False
        if client.deadline is not None and client.clock() + client.deadline.left() < self.end:
            self.end = client.clock() + client.deadline.left()
            self.limited_by_task = True

    def elapsed(self):
        return self.client.clock() - self.started

    def left(self):
        return self.end - self.client.clock()

    def __call__(self):
        tries = 0
        while True:
            tries += 1
            response, failure, retry_allowed = self._attempt()
            if response is not None and not (self.repeatable and response.status_code in TRANSIENT_STATUSES):
                return response
            pause = self._pause(tries, response)
            if not retry_allowed or tries > self.client.retries or self.left() - pause < self.floor:
                if response is not None:
                    return response
                raise self._failure(failure)
            self.client.sleep(pause)

    def _attempt(self):
        """(response, None, retry allowed) or (None, exception, retry allowed) for one attempt."""
        self.count += 1
        self.client.request_count += 1
        attempt_timeout = min(self.timeout, max(self.left(), self.floor))
        try:
            response = self.client.session.request(self.method, self.url, timeout=attempt_timeout,
                                                   verify=self.client.verify, **self.kwargs)
        except requests.exceptions.SSLError as exc:
            raise ApiError(None, tls_failure_message(exc), url=redact_userinfo(self.url), method=self.method)
        except UNSENDABLE as exc:
            # A URL, header or credential HTTP cannot carry (a 10 000-character host, a non-Latin-1 password in
            # basic auth): requests, http.client and urllib3 raise their own errors before anything is sent.
            raise ApiError(None, "cannot send the request: %s" % redact_userinfo(str(exc))[:MAX_ERROR_TEXT],
                           url=redact_userinfo(self.url)[:MAX_ERROR_TEXT], method=self.method)
        except requests.exceptions.RequestException as exc:
            exc.attempt_timeout = attempt_timeout
            return None, exc, self.repeatable or is_connect_failure(exc)
        except OSError as exc:
            # requests opens ca_cert / client_cert itself and lets a missing or unreadable file escape as OSError.
            raise ApiError(None, "cannot use the TLS files (ca_cert, client_cert, client_key): %s" % exc,
                           url=redact_userinfo(self.url), method=self.method)
        return response, None, True

    def _pause(self, tries, response):
        """Seconds before the next attempt: the server's Retry-After (capped), else exponential backoff."""
        asked = retry_after_seconds(response) if response is not None else None
        if asked is not None:
            return min(asked, MAX_RETRY_AFTER)
        if tries == 1:
            return 0.0
        return min(self.client.backoff_factor * 2 ** (tries - 1), MAX_BACKOFF)

    def _failure(self, exc):
        if is_timeout(exc):
            what = "no answer within %ss" % format_seconds(exc.attempt_timeout)
        else:
            what = "cannot reach the server"
        if self.count > 1:
            what += " (%d attempts over %ss; %s)" % (self.count, format_seconds(self.elapsed()), self._budget())
        maybe_applied = not self.repeatable and not is_connect_failure(exc)
        if maybe_applied:
            what = "the answer was lost, the server may have made the change (a re-run finds out): " + what
        return ApiError(None, "%s: %s" % (what, redact_userinfo(str(exc))), url=redact_userinfo(self.url),
                        method=self.method, attempts=self.count, elapsed=round(self.elapsed(), 1),
                        maybe_applied=maybe_applied or None)

    def _budget(self):
        if self.limited_by_task:
            return "the task's timeout ran out"
        return "a request and its retries take at most %d x request_timeout of %ss" % (
            REQUEST_TIME_FACTOR, format_seconds(self.timeout))


def format_seconds(seconds):
    return ("%.1f" % seconds).rstrip("0").rstrip(".") if seconds % 1 else "%d" % seconds


def tls_failure_message(exc):
    """What a TLS failure means: a plain HTTP port answering a TLS hello, or a certificate not trusted."""
    text = str(exc)
    if "WRONG_VERSION_NUMBER" in text or "record layer failure" in text or "unknown protocol" in text:
        return ("the server did not answer in TLS: is it an HTTP port (check the port and use_tls)? %s"
                % redact_userinfo(text))
    return ("TLS verification failed (set ca_cert to the CA that signed the server certificate, or "
            "validate_certs: false to skip the check): %s" % redact_userinfo(text))
