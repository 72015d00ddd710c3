# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Keystone authentication and the Sahara endpoint for the sahara_* modules.

keystoneauth1 authenticates. The plugin for the usual auth types (password, token, application credential)
is built directly, without keystoneauth's stevedore scan of every installed plugin; other auth types load
through keystoneauth's loader. openstacksdk's openstack.config is imported only when a clouds.yaml entry is
used (option cloud or OS_CLOUD): plain auth or the OS_* variables need keystoneauth1 alone.
Every Keystone request (the login included: it is safe to repeat) is retried on a reset or a timeout
(keystoneauth's connect_retries) and on 502/503/504 (urllib3's Retry on its requests session), so one transient
fault does not fail the task.
With auth_type token, a token and sahara_url, no Keystone request is made at all and keystoneauth1 is not even
imported (the token goes as it is in X-Auth-Token): that is how a token obtained once by sahara_auth is reused
across a play at the cost of one request per no-op task.
"""

from __future__ import annotations

import os
import re
import traceback
from importlib.util import find_spec
from urllib.parse import urlsplit, urlunsplit

# keystoneauth1 is imported where Keystone is asked (its session, exceptions and identity plugins cost ~0.1 s to
# import); a task that was given a token and sahara_url never needs it.
HAS_KEYSTONEAUTH = find_spec("keystoneauth1") is not None
KEYSTONEAUTH_IMPORT_ERROR = None if HAS_KEYSTONEAUTH else "ModuleNotFoundError: No module named 'keystoneauth1'"

from ansible.module_utils.basic import env_fallback

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import (
    HAS_REQUESTS, REQUESTS_IMPORT_ERROR, TRANSIENT_STATUSES, HttpClient,
)
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, merge_specs

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
]

TOKEN_TYPES = ("token", "v3token", "admin_token")
KEYSTONE_RETRIES = 3
VERSION_IN_PATH = re.compile(r"/v(\d+(?:\.\d+)?)(?=/|$)")


# -- options ------------------------------------------------------------------------------
def redact_url(url):
    """The URL with any user:password@ replaced by ***@, for messages."""
    parts = urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urlunsplit(parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1]))


def guard_urls(module):
    """A password in URL userinfo (sahara_url, auth.auth_url) is masked in every output and refused: Sahara and
    Keystone take a token or the auth options, never URL credentials."""
    urls = {"sahara_url": module.params.get("sahara_url"), "auth.auth_url": (module.params.get("auth") or {}).get("auth_url")}
    for option, url in urls.items():
        if url and "@" in urlsplit(url).netloc:
            userinfo = urlsplit(url).netloc.rsplit("@", 1)[0]
            module.no_log_values.update(value for value in (userinfo, userinfo.partition(":")[2]) if value)
            raise OptionError(option, redact_url(url), "must not hold a user name or password (user:password@); "
                                                       "give the credentials in the auth option")


def auth_type_for(params, environ=None):
    """The keystoneauth plugin the given auth keys call for, unless auth_type (or OS_AUTH_TYPE) says otherwise.

    Without cloud and auth, the OS_* variables are the credentials, so they decide.
    """
    if params.get("auth_type"):
        return params["auth_type"]
    auth = params.get("auth") or {}
    if not auth and not params.get("cloud"):
        auth = env_auth(environ)
    if auth.get("application_credential_id") or auth.get("application_credential_secret"):
        return "v3applicationcredential"
    if auth.get("token") and not auth.get("password"):
        return "v3token"
    return None


def env_auth(environ=None):
    """The auth keys the OS_* variables give, as the openstack client reads them."""
    environ = os.environ if environ is None else environ
    return {key: environ["OS_" + key.upper()] for key in AUTH_OPTIONS if environ.get("OS_" + key.upper())}


def given_auth(params):
    auth = {key: value for key, value in (params.get("auth") or {}).items() if value is not None}
    return auth or ({} if params.get("cloud") else env_auth())


def uses_token_only(params):
    """auth_type token with a token and sahara_url: the token is used as it is, Keystone is not asked."""
    auth = params.get("auth") or {}
    return (params.get("auth_type") or "") in TOKEN_TYPES and bool(auth.get("token")) and bool(params.get("sahara_url"))


# -- keystoneauth plugin and session ----------------------------------------------------------
def keystoneauth_exceptions():
    """keystoneauth1.exceptions, imported by the calls that ask Keystone (see HAS_KEYSTONEAUTH)."""
    from keystoneauth1 import exceptions  # pylint: disable=import-outside-toplevel
    return exceptions


def plugin_class(auth_type, auth_url):
    """The keystoneauth1 class of a usual auth type, without the stevedore scan; None for other types.

    A versioned auth_url (.../v3) needs no Keystone version discovery: the v3 plugin posts to it directly.
    """
    from keystoneauth1.identity import generic, v3  # pylint: disable=import-outside-toplevel

    versioned = (auth_url or "").rstrip("/").endswith("/v3")
    return {
        "password": v3.Password if versioned else generic.Password,
        "v3password": v3.Password,
        "token": v3.Token if versioned else generic.Token,
        "v3token": v3.Token,
        "v3applicationcredential": v3.ApplicationCredential,
        "applicationcredential": v3.ApplicationCredential,
    }.get(auth_type)


def auth_plugin(params):
    auth_type = auth_type_for(params) or "password"
    auth = given_auth(params)
    if not auth.get("auth_url"):
        raise PlatformError("incomplete OpenStack credentials: auth.auth_url is missing (set cloud, the auth option "
                            "or OS_* variables)")
    if auth_type in ("password", "v3password") and not auth.get("password"):
        raise OptionError("auth.password", None, "is required with auth_type %s (or give a token or an application "
                                                 "credential)" % auth_type)
    cls = plugin_class(auth_type, auth["auth_url"])
    ks_exceptions = keystoneauth_exceptions()
    try:
        if cls is not None:
            return cls(**auth)
        from keystoneauth1 import loading  # pylint: disable=import-outside-toplevel
        return loading.get_plugin_loader(auth_type).load_from_options(**auth)
    except ks_exceptions.NoMatchingPlugin:
        raise OptionError("auth_type", auth_type, "is not a keystoneauth1 plugin") from None
    except ks_exceptions.MissingRequiredOptions as exc:
        raise PlatformError("incomplete OpenStack credentials: %s (set cloud, the auth option or OS_* variables)" % exc)
    except TypeError as exc:
        # keystoneauth's plugins take only their own keys and refuse one they have no use for.
        raise PlatformError("the auth options do not fit auth_type %s: %s" % (auth_type, exc)) from None


def keystone_requests_session(retries=KEYSTONE_RETRIES, connection_errors=False):
    """A requests session for Keystone whose answers 502/503/504 are retried for every method: Keystone is asked
    only for discovery and logins, both safe to repeat. Resets and timeouts are keystoneauth's connect_retries,
    or this session's when `connection_errors` (openstack.config builds its keystoneauth session itself)."""
    import requests  # pylint: disable=import-outside-toplevel
    from requests.adapters import HTTPAdapter  # pylint: disable=import-outside-toplevel
    from urllib3.util.retry import Retry  # pylint: disable=import-outside-toplevel

    errors = retries if connection_errors else 0
    retry = Retry(total=retries, connect=errors, read=errors, status=retries, other=0, redirect=5, allowed_methods=None,
                  status_forcelist=TRANSIENT_STATUSES, backoff_factor=0.5, respect_retry_after_header=False,
                  raise_on_status=False, raise_on_redirect=False)
    session = requests.Session()
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def tls_verify(params):
    if not params["validate_certs"]:
        return False
    return params.get("ca_cert") or os.environ.get("OS_CACERT") or True


class Connection:
    """A keystoneauth session, its region, and the endpoints the task needs; no session for a token given as is."""

    def __init__(self, params):
        self.params = params
        self.auth_url = given_auth(params).get("auth_url") or "the configured auth_url"
        self.region_name = params.get("region_name")
        self.verify = tls_verify(params)
        self.session = None

    def open(self):
        if uses_token_only(self.params):
            return self
        if self.params.get("cloud"):
            self.session = self.cloud_session()
        else:
            from keystoneauth1 import session as ks_session  # pylint: disable=import-outside-toplevel
            self.session = ks_session.Session(auth=auth_plugin(self.params), verify=self.verify,
                                              timeout=self.params["request_timeout"],
                                              session=keystone_requests_session(), connect_retries=KEYSTONE_RETRIES)
        return self

    def cloud_session(self):
        """openstack.config's merge of clouds.yaml, OS_* variables and the task's options (openstacksdk needed)."""
        try:
            import openstack.config  # pylint: disable=import-outside-toplevel
            from openstack import exceptions as sdk_exceptions  # pylint: disable=import-outside-toplevel
        except ImportError:
            raise PlatformError("option cloud (or OS_CLOUD) needs the Python library openstacksdk to read clouds.yaml; "
                                "install it, or give the credentials in the auth option",
                                exception=traceback.format_exc()) from None
        ks_exceptions = keystoneauth_exceptions()
        try:
            region = openstack.config.OpenStackConfig().get_one(cloud=self.params["cloud"], **cloud_kwargs(self.params))
        except sdk_exceptions.ConfigException as exc:
            raise PlatformError("OpenStack configuration: %s" % exc)
        except ks_exceptions.ClientException as exc:
            raise keystone_failure(exc, self.auth_url)
        except TypeError as exc:
            raise PlatformError("the auth options do not fit auth_type %s: %s" % (auth_type_for(self.params) or "password", exc))
        self.auth_url = region.config.get("auth", {}).get("auth_url") or self.auth_url
        self.region_name = region.region_name or None
        self.verify = region.get_requests_verify_args()[0]
        session = region.get_session()
        adapter = keystone_requests_session(connection_errors=True).get_adapter("https://")
        session.session.mount("http://", adapter)
        session.session.mount("https://", adapter)
        return session

    def token(self):
        if self.session is None:
            return self.params["auth"]["token"]
        ks_exceptions = keystoneauth_exceptions()
        try:
            return self.session.get_token()
        except ks_exceptions.ClientException as exc:
            raise keystone_failure(exc, self.auth_url)
        except PlatformError:
            raise
        except Exception as exc:  # pylint: disable=broad-exception-caught
            # keystoneauth's generic plugins raise a bare Exception for a missing option.
            raise PlatformError("OpenStack authentication failed: %s (check the auth option, the clouds.yaml entry or "
                                "the OS_* variables)" % exc, url=self.auth_url) from None

    def renew(self):
        """A new token after Sahara said 401; a token given as is cannot be renewed."""
        if uses_token_only(self.params):
            raise PlatformError("Sahara refused the token (HTTP 401): it expired or was revoked; obtain a new one "
                                "(bigdata.platform.sahara_auth) or give a password or an application credential",
                                status=401)
        self.session.invalidate()
        return self.token()

    def catalog_url(self, service_type):
        """The catalog's URL for a service as registered (no version discovery), for this interface and region."""
        ks_exceptions = keystoneauth_exceptions()
        try:
            return self.session.get_endpoint(service_type=service_type, interface=self.params["interface"],
                                             region_name=self.region_name, skip_discovery=True)
        except ks_exceptions.ClientException as exc:
            raise PlatformError("cannot find the %s endpoint in the service catalog: %s" % (service_type, exc))

    def http(self, base_url, token, reauthenticate=None, error_message=None):
        kwargs = {"error_message": error_message} if error_message else {}
        return HttpClient(base_url, headers={"X-Auth-Token": token}, validate_certs=bool(self.verify),
                          ca_cert=self.verify if isinstance(self.verify, str) else None,
                          timeout=self.params["request_timeout"], reauthenticate=reauthenticate, **kwargs)


def cloud_kwargs(params):
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
    ks_exceptions = keystoneauth_exceptions()
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


# -- the Sahara endpoint of the wanted API version ------------------------------------------------
def version_of(url):
    """'2' or '1.1' from a URL's path (/v2, /v2.0, /v2/<project>, /v1.1/<project>), None when it has none."""
    match = VERSION_IN_PATH.search(urlsplit(url).path)
    if not match:
        return None
    return "2" if match.group(1) in ("2", "2.0") else match.group(1)


def sahara_root(url):
    """The unversioned root of a Sahara URL, where its version document is."""
    parts = urlsplit(url)
    match = VERSION_IN_PATH.search(parts.path)
    path = parts.path[:match.start()] if match else parts.path
    return urlunsplit(parts._replace(path=path.rstrip("/") + "/", query="", fragment=""))


def mounted_endpoint(catalog_url, wanted, project_id):
    """The endpoint of API `wanted` where Sahara mounts it, from the catalog URL and no request: the catalog URL
    when it is of that version, else the root's /v2 or /v1.1/<project> (sahara/api/middleware/sahara_middleware.py
    registers each version's blueprints at /v1.1 and /v2 of the root, and version_discovery.py links them there).
    The caller confirms it with its first answer, and asks the version document when that is a 404."""
    if version_of(catalog_url) == wanted:
        return catalog_url
    root = sahara_root(catalog_url)
    return root + "v2" if wanted == "2" else root + "v1.1" + ("/" + project_id if project_id else "")


def versioned_endpoint(http, catalog_url, wanted, project_id):
    """The endpoint of API `wanted` from the catalog URL: as it is when it already is that version, else from
    Sahara's version document (read with the safe-GET retries). Never another version than the one asked for:
    v2 bodies sent to a v1.1 endpoint are refused by Sahara, so no answer is better than a guess."""
    if version_of(catalog_url) == wanted:
        return catalog_url
    root = sahara_root(catalog_url)
    try:
        document = http.get_json(root, expected=(200, 300))
    except ApiError as exc:
        raise PlatformError("cannot read Sahara's version document at %s to find API %s (%s); not falling back to "
                            "the catalog's API %s endpoint. Set sahara_url to the API %s endpoint, or api_version"
                            % (redact_url(root), wanted, exc.server_message, version_of(catalog_url) or "unversioned",
                               wanted), url=redact_url(root)) from None
    versions = (document or {}).get("versions") or [] if isinstance(document, dict) else []
    offered = []
    for version in versions:
        version_id = version.get("id", "")
        offered.append(version_id)
        if version_of("/" + version_id) == wanted:
            links = [link.get("href") for link in version.get("links") or [] if link.get("rel") == "self"]
            href = (links[0] if links else root + version_id).rstrip("/")
            return href + "/" + project_id if wanted == "1.1" and project_id else href
    raise PlatformError("Sahara at %s offers API versions %s, not %s: set api_version"
                        % (redact_url(root), ", ".join(offered) or "none", wanted))
