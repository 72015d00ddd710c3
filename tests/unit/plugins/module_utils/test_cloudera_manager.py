"""Cloudera Manager client logic that needs no server: the parcel stage planner, command failures, options."""

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    KNOWN_API_VERSION, PARCEL_MOVES, PARCEL_STATES, ClouderaManagerClient, as_config_string, command_failure, config_value,
    normalize_parcel, plan_parcel_path, split_urls,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import NotFound, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HttpClient

# Written out by hand from CM's parcel documentation: (stage, target) -> commands; "" means only waiting.
WALKS = {
    "AVAILABLE_REMOTELY": {"AVAILABLE_REMOTELY": "", "DOWNLOADED": "startDownload",
                           "DISTRIBUTED": "startDownload startDistribution",
                           "ACTIVATED": "startDownload startDistribution activate"},
    "DOWNLOADING": {"AVAILABLE_REMOTELY": "cancelDownload", "DOWNLOADED": "", "DISTRIBUTED": "startDistribution",
                    "ACTIVATED": "startDistribution activate"},
    "DOWNLOADED": {"AVAILABLE_REMOTELY": "removeDownload", "DOWNLOADED": "", "DISTRIBUTED": "startDistribution",
                   "ACTIVATED": "startDistribution activate"},
    "DISTRIBUTING": {"AVAILABLE_REMOTELY": "cancelDistribution removeDownload", "DOWNLOADED": "cancelDistribution",
                     "DISTRIBUTED": "", "ACTIVATED": "activate"},
    "DISTRIBUTED": {"AVAILABLE_REMOTELY": "startRemovalOfDistribution removeDownload",
                    "DOWNLOADED": "startRemovalOfDistribution", "DISTRIBUTED": "", "ACTIVATED": "activate"},
    "UNDISTRIBUTING": {"AVAILABLE_REMOTELY": "removeDownload", "DOWNLOADED": "", "DISTRIBUTED": "startDistribution",
                       "ACTIVATED": "startDistribution activate"},
    "ACTIVATING": {"AVAILABLE_REMOTELY": "deactivate startRemovalOfDistribution removeDownload",
                   "DOWNLOADED": "deactivate startRemovalOfDistribution", "DISTRIBUTED": "deactivate", "ACTIVATED": ""},
    "ACTIVATED": {"AVAILABLE_REMOTELY": "deactivate startRemovalOfDistribution removeDownload",
                  "DOWNLOADED": "deactivate startRemovalOfDistribution", "DISTRIBUTED": "deactivate", "ACTIVATED": ""},
}


@pytest.mark.parametrize("stage,target", [(s, t) for s in WALKS for t in WALKS[s]])
def test_planner_takes_the_shortest_legal_walk(stage, target):
    path = plan_parcel_path(stage, target)
    assert " ".join(command for command, dummy in path if command) == WALKS[stage][target]
    here = stage
    for step in path:
        assert step in PARCEL_MOVES[here], (here, step)
        here = step[1]
    assert here == target


def test_transient_stages_are_waited_out_going_forward():
    assert plan_parcel_path("DOWNLOADING", "DOWNLOADED") == [(None, "DOWNLOADED")]
    assert plan_parcel_path("ACTIVATING", "DISTRIBUTED") == [(None, "ACTIVATED"), ("deactivate", "DISTRIBUTED")]


def test_every_state_maps_to_a_stage_the_planner_knows():
    assert set(PARCEL_STATES.values()) <= set(PARCEL_MOVES)


def test_unknown_stage_is_a_clear_error():
    with pytest.raises(PlatformError, match="UNKNOWN"):
        plan_parcel_path("UNKNOWN", "ACTIVATED")


def test_command_failure_includes_the_children_messages():
    command = {"active": False, "success": False, "resultMessage": "Failed to start service.",
               "children": {"items": [
                   {"success": True, "resultMessage": "ok"},
                   {"success": False, "resultMessage": "Supervisor returned FATAL.", "roleRef": {"roleName": "hdfs-NN-1"}},
                   {"success": False, "resultMessage": "Disk full.", "hostRef": {"hostname": "node-2"}},
               ]}}
    assert command_failure(command) == "Failed to start service. hdfs-NN-1: Supervisor returned FATAL. node-2: Disk full."
    assert command_failure(dict(command, active=True)) is None
    assert command_failure(dict(command, success=True)) is None
    assert command_failure({"active": False, "success": False}) == "no message"


def test_config_values():
    assert config_value({"value": "2", "default": "3"}) == "2"
    assert config_value({"default": "3"}) == "3"
    assert [as_config_string(v) for v in (True, False, 2, "x", None)] == ["true", "false", "2", "x", None]
    assert split_urls(" a, ,b ") == ["a", "b"]


def test_normalize_parcel():
    raw = {"product": "CDH", "version": "7", "stage": "DOWNLOADING", "clusterRef": {"clusterName": "c"},
           "state": {"progress": 5, "totalProgress": 10, "errors": ["x"]}}
    parcel = normalize_parcel(raw)
    assert parcel["cluster"] == "c" and parcel["state"] == {
        "progress": 5, "total_progress": 10, "count": 0, "total_count": 0, "errors": ["x"], "warnings": []}
    assert normalize_parcel(None) is None


def test_client_options_are_checked_without_a_request():
    with pytest.raises(OptionError, match="option 'host'"):
        ClouderaManagerClient("https://cm.example.com", "admin", "x")
    for blank in ("", " ", "cm host"):
        with pytest.raises(OptionError, match="option 'host'.*without spaces"):
            ClouderaManagerClient(blank, "admin", "x")
    for unusable in (".", "..", "cm-\U0001f680"):  # an empty label, a name IDNA refuses: named, not sent
        with pytest.raises(OptionError, match="option 'host'.*is not a host name or address"):
            ClouderaManagerClient(unusable, "admin", "x")
    with pytest.raises(OptionError, match="option 'api_version'"):
        ClouderaManagerClient("cm.example.com", "admin", "x", api_version="41")
    assert ClouderaManagerClient("cm", "a", "b").http.base_url == "http://cm:7180/api"
    assert ClouderaManagerClient("cm", "a", "b", use_tls=True).http.base_url == "https://cm:7183/api"
    assert ClouderaManagerClient("cm", "a", "b", port=8443, use_tls=True).http.base_url == "https://cm:8443/api"
    pinned = ClouderaManagerClient("cm", "a", "b", api_version="v41")
    assert pinned.path("clusters", "Cluster 1") == "v41/clusters/Cluster%201"
    assert pinned.http.request_count == 0


class FakeAnswer:
    def __init__(self, text="{}"):
        self.text = text


class FakeServer:
    """HttpClient.request of a CM offering `newest` (vNN paths above it answer 404), logging what was sent."""

    def __init__(self, newest="v51", version_text=None, missing=()):
        self.newest, self.version_text, self.missing, self.sent = newest, version_text, missing, []

    def __call__(self, http, method, path):
        self.sent.append((method, path))
        if path == "version":
            return FakeAnswer(self.version_text or self.newest + "\n")
        version, rest = path.split("/", 1)
        if int(version[1:]) > int(self.newest[1:]) or rest in self.missing:
            raise NotFound(404, "not found", method=method)
        return FakeAnswer()


@pytest.fixture
def server(monkeypatch):
    def start(**kwargs):
        fake = FakeServer(**kwargs)
        monkeypatch.setattr(HttpClient, "request", lambda http, method, path, *args, **kwargs: fake(http, method, path))
        return fake
    return start


def test_a_cm_offering_the_known_version_gets_no_version_request(server):
    fake = server()
    client = ClouderaManagerClient("cm", "a", "b")
    client.http.request("GET", client.path("clusters"))
    client.http.request("GET", client.path("commands", 7))
    assert fake.sent == [("GET", KNOWN_API_VERSION + "/clusters"), ("GET", KNOWN_API_VERSION + "/commands/7")]


def test_an_older_cm_is_asked_its_version_once_and_the_read_goes_again_there(server):
    fake = server(newest="v43")
    client = ClouderaManagerClient("cm", "a", "b")
    client.http.request("GET", client.path("clusters"))
    assert client.path("hosts") == "v43/hosts"
    assert fake.sent == [("GET", KNOWN_API_VERSION + "/clusters"), ("GET", "version"), ("GET", "v43/clusters")]


def test_a_resource_missing_at_the_known_version_is_not_found_after_one_version_read(server):
    fake = server(missing=("clusters/gone",))
    client = ClouderaManagerClient("cm", "a", "b")
    with pytest.raises(NotFound):
        client.http.request("GET", client.path("clusters", "gone"))
    client.http.request("GET", client.path("clusters"))
    assert fake.sent == [("GET", "v51/clusters/gone"), ("GET", "version"), ("GET", "v51/clusters")]


def test_a_change_is_never_sent_at_an_unconfirmed_version(server):
    fake = server(newest="v43")
    client = ClouderaManagerClient("cm", "a", "b")
    client.http.request("POST", client.path("clusters"))
    assert fake.sent == [("GET", "version"), ("POST", "v43/clusters")]


def test_a_pinned_version_is_used_as_given(server):
    fake = server(newest="v43")
    client = ClouderaManagerClient("cm", "a", "b", api_version="v41")
    client.http.request("GET", client.path("clusters"))
    assert fake.sent == [("GET", "v41/clusters")]


def test_the_version_cm_answers_must_look_like_one(server):
    server(newest="v43", version_text="<html>Login</html>")
    proxy = ClouderaManagerClient("cm", "a", "b")
    with pytest.raises(PlatformError, match="not an API version"):
        proxy.http.request("GET", proxy.path("clusters"))
