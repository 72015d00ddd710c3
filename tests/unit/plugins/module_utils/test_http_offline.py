"""The shared HTTP layer without a server: paths, URLs, and requests that cannot reach one (the tests against a
real local server are tests/integration/test_http_client.py)."""

import socket

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils import http
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError


def test_unreachable_server_is_a_clear_api_error():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = http.HttpClient("http://127.0.0.1:%d" % port, retries=1, backoff_factor=0)
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert "cannot reach the server" in error.value.message


def test_path_segments_are_quoted_one_by_one():
    assert http.quote_path("clusters", "my cluster/1", "parcels") == "clusters/my%20cluster%2F1/parcels"


def test_url_joining():
    client = http.HttpClient("http://h:1/api/v41/")
    assert client.url("/clusters") == "http://h:1/api/v41/clusters"
    assert client.url("clusters") == "http://h:1/api/v41/clusters"
    assert client.url("https://other/x") == "https://other/x"


def test_client_certificate_reaches_the_session():
    client = http.HttpClient("https://x", client_cert="/etc/pki/client.pem", client_key="/etc/pki/client.key")
    assert client.session.cert == ("/etc/pki/client.pem", "/etc/pki/client.key")


@pytest.mark.parametrize("segment", ["", " ", ".", "..", " .. "])
def test_quote_path_refuses_segments_that_address_another_resource(segment):
    with pytest.raises(http.UnsafePathSegment) as error:
        http.quote_path("clusters", segment, "commands")
    assert isinstance(error.value, ValueError) and repr(segment) in error.value.message


def test_quote_path_keeps_names_with_dots_inside():
    assert http.quote_path("pools", ".rgw.root", "a..b") == "pools/.rgw.root/a..b"


def test_a_host_name_no_url_can_hold_is_a_clean_api_error():
    with pytest.raises(ApiError) as error:
        http.HttpClient("http://%s:7180/api" % ("x" * 10000), retries=0).get_json("/things")
    assert "cannot send the request" in error.value.message and len(error.value.message) < 5000


def test_a_request_that_never_reached_the_server_made_no_change():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(ApiError) as error:
        http.HttpClient("http://127.0.0.1:%d" % port, retries=0).post_json("/things", {})
    assert not error.value.maybe_applied
