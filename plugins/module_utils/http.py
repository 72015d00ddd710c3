# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one HTTP layer every REST client of the collection stands on.

HttpClient wraps a requests.Session: base URL joining, auth, TLS options, per-request timeout,
retries of idempotent requests through urllib3's Retry, JSON decoding, and one ApiError whose
message is the server's own text (each system plugs in how to read its error bodies).
"""

from __future__ import annotations

import json
import traceback

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import ReadTimeoutError
    from urllib3.util.retry import Retry
except ImportError:
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = traceback.format_exc()
    Retry = object
else:
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None

from urllib.parse import quote

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, NotFound, UnsafePathSegment
from ansible_collections.bigdata.platform.plugins.module_utils.version import USER_AGENT

# RFC 9110 idempotent methods: sending one of these twice has the effect of sending it once.
IDEMPOTENT_METHODS = frozenset(["GET", "HEAD", "OPTIONS", "PUT", "DELETE"])
TRANSIENT_STATUSES = frozenset([502, 503, 504])
MAX_RETRY_AFTER = 30.0
MAX_ERROR_TEXT = 2000


class CappedRetry(Retry):
    """urllib3's Retry, but a server's Retry-After may not hold a task for longer than MAX_RETRY_AFTER."""

    def get_retry_after(self, response):
        retry_after = super().get_retry_after(response)
        if retry_after is None:
            return None
        return min(retry_after, MAX_RETRY_AFTER)


def build_retry(retries, backoff_factor, methods=IDEMPOTENT_METHODS):
    """The retry policy: connection errors, read errors and 502/503/504, for `methods` only.

    urllib3 retries a failed *connect* for any method (nothing reached the server), but a read error
    or a transient status only for `methods`, so a POST is never sent twice.
    """
    return CappedRetry(
        total=retries,
        connect=retries,
        read=retries,
        status=retries,
        other=0,
        redirect=5,
        allowed_methods=frozenset(methods),
        status_forcelist=TRANSIENT_STATUSES,
        backoff_factor=backoff_factor,
        respect_retry_after_header=True,
        raise_on_status=False,
        raise_on_redirect=False,
    )


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
                 error_message=default_error_message, reauthenticate=None, retry_methods=IDEMPOTENT_METHODS):
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
        self.retry = build_retry(retries, backoff_factor, retry_methods)
        # For a request the caller knows is safe to repeat (a login POST): the same policy for its method.
        self.retry_any_method = build_retry(retries, backoff_factor, set(retry_methods) | {"POST", "PATCH"})
        self.adapter = HTTPAdapter(max_retries=self.retry)
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)

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
        self.adapter.max_retries = self.retry_any_method if idempotent else self.retry
        try:
            response = self._send(method, url, params, json, data, headers, allow_redirects, timeout)
            if response.status_code == 401 and self.reauthenticate is not None and self.reauthenticate():
                self.adapter.max_retries = self.retry_any_method if idempotent else self.retry
                response = self._send(method, url, params, json, data, headers, allow_redirects, timeout)
        finally:
            self.adapter.max_retries = self.retry
        if not self._acceptable(response.status_code, expected):
            raise self._api_error(method, url, response)
        return response

    def _send(self, method, url, params, json_body, data, headers, allow_redirects, timeout):
        self.request_count += 1
        try:
            return self.session.request(
                method, url, params=params, json=json_body, data=data, headers=headers,
                allow_redirects=allow_redirects, timeout=timeout or self.timeout, verify=self.verify,
            )
        except requests.exceptions.SSLError as exc:
            raise ApiError(None, "TLS verification failed (set ca_cert to the CA that signed the server "
                                 "certificate, or validate_certs: false to skip the check): %s" % exc,
                           url=url, method=method)
        except requests.exceptions.RequestException as exc:
            if is_timeout(exc):
                raise ApiError(None, "no answer within %ss (%s)" % (timeout or self.timeout, exc),
                               url=url, method=method)
            raise ApiError(None, "cannot reach the server: %s" % exc, url=url, method=method)
        except OSError as exc:
            # requests opens ca_cert / client_cert itself and lets a missing or unreadable file escape as OSError.
            raise ApiError(None, "cannot use the TLS files (ca_cert, client_cert, client_key): %s" % exc,
                           url=url, method=method)

    @staticmethod
    def _acceptable(status, expected):
        if expected is None:
            return 200 <= status < 400
        return status in expected

    def _api_error(self, method, url, response):
        body = decode_body(response)
        message = self.error_message(response, body)
        error_type = NotFound if response.status_code == 404 else ApiError
        return error_type(response.status_code, message, body=body, url=url, method=method)

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
