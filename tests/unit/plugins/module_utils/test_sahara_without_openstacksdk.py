"""The Sahara connection's error paths where openstacksdk is not installed (plain `auth:` needs only
keystoneauth1): every one ends in the collection's own error, none in a NameError of a name that only the
openstacksdk import would have bound."""

import sys

import pytest
from keystoneauth1 import exceptions as ks_exceptions

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.sahara import client, connection

AUTH_URL = "http://127.0.0.1:9/v3"


@pytest.fixture(autouse=True)
def without_openstacksdk(monkeypatch):
    for name in ("openstack", "openstack.config", "openstack.exceptions"):
        monkeypatch.setitem(sys.modules, name, None)  # `import openstack...` raises ImportError


def params(**overrides):
    return dict({"cloud": None, "auth": None, "auth_type": None, "region_name": None, "interface": "public",
                 "service_type": "data-processing", "sahara_url": None, "validate_certs": True, "ca_cert": None,
                 "request_timeout": 2, "api_version": "2"}, **overrides)


@pytest.mark.parametrize("overrides", [
    dict(cloud="mycloud"),
    dict(cloud="mycloud", region_name="RegionTwo", ca_cert="/etc/pki/ca.pem"),
    dict(cloud="mycloud", auth={"auth_url": AUTH_URL, "username": "u", "password": "p"}),
])
def test_a_cloud_without_openstacksdk_says_what_to_install_or_give_instead(overrides):
    with pytest.raises(PlatformError) as error:
        client.SaharaClient(params(**overrides)).connect()
    assert "needs the Python library openstacksdk" in str(error.value) and "auth option" in str(error.value)


@pytest.mark.parametrize("overrides, error_class, fragment", [
    (dict(auth={"auth_url": AUTH_URL, "username": "u"}), OptionError, "auth.password"),
    (dict(auth={"username": "u", "password": "p"}), PlatformError, "auth.auth_url is missing"),
    (dict(auth_type="nosuchplugin", auth={"auth_url": AUTH_URL, "username": "u", "password": "p"}), OptionError,
     "is not a keystoneauth1 plugin"),
    (dict(auth_type="v3applicationcredential", auth={"auth_url": AUTH_URL, "username": "u", "password": "p"}),
     OptionError, "does not fit auth_type v3applicationcredential"),
])
def test_bad_plain_auth_is_a_clear_error_without_openstacksdk(overrides, error_class, fragment):
    with pytest.raises(error_class) as error:
        client.SaharaClient(params(**overrides)).connect()
    assert fragment in str(error.value)


@pytest.mark.parametrize("exc, fragment", [
    (ks_exceptions.Unauthorized(), "refused the credentials (HTTP 401)"),
    (ks_exceptions.MissingRequiredOptions([]), "incomplete OpenStack credentials"),
    (ks_exceptions.SSLError(), "TLS verification of Keystone"),
    (ks_exceptions.ConnectFailure(), "cannot reach Keystone"),
    (ks_exceptions.ClientException("odd"), "OpenStack authentication failed: odd"),
])
def test_keystone_failures_read_without_openstacksdk(exc, fragment):
    assert fragment in str(connection.keystone_failure(exc, AUTH_URL))
