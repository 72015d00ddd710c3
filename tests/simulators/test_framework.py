"""The simulator framework itself: routing, request log, faults, clock, timelines, control API."""

import http.client
import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from simulators.echo import EchoSimulator
from simulators.framework import SimClock, Timeline


def call(url, method="GET", body=None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method=method, headers=dict(headers or {}))
    if data is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            payload = response.read()
            return response.status, json.loads(payload) if payload else None, dict(response.headers)
    except urllib.error.HTTPError as error:
        payload = error.read()
        try:
            payload = json.loads(payload)
        except ValueError:
            payload = payload.decode()
        return error.code, payload, dict(error.headers)


@pytest.fixture
def sim(start_simulator):
    return start_simulator(EchoSimulator)


def test_binds_loopback_on_a_free_port(start_simulator):
    first, second = start_simulator(EchoSimulator), start_simulator(EchoSimulator)
    assert first.url.startswith("http://127.0.0.1:")
    assert first.port != second.port
    assert first.server.server_address[0] == "127.0.0.1"


def test_routes_with_typed_parameters_and_query(sim):
    status, body, dummy = call(sim.url + "/items/7/a/b?q=x")
    assert status == 200
    assert body == {"index": 7, "rest": "a/b", "q": "x"}


def test_unknown_path_is_404_and_wrong_method_is_405(sim):
    assert call(sim.url + "/nothing")[0] == 404
    status, dummy, headers = call(sim.url + "/things", method="DELETE")
    assert status == 405
    assert headers["Allow"] == "GET, POST"


def test_state_persists_between_requests(sim):
    assert call(sim.url + "/things", "POST", {"name": "a", "size": 1})[0] == 201
    assert call(sim.url + "/things/a")[1] == {"name": "a", "size": 1}
    assert call(sim.url + "/things", "POST", {"name": "a"})[0] == 409


def test_request_log_records_method_path_body_and_status(sim):
    call(sim.url + "/things", "POST", {"name": "a"})
    call(sim.url + "/things/a?x=1")
    call(sim.url + "/things/missing")
    entries = sim.log.entries()
    assert [(e.method, e.path, e.status) for e in entries] == [
        ("POST", "/things", 201), ("GET", "/things/a", 200), ("GET", "/things/missing", 404)]
    assert json.loads(entries[0].body) == {"name": "a"}
    assert entries[1].query == "x=1"
    assert sim.log.count("GET", path="missing") == 1
    assert [e.method for e in sim.log.mutating()] == ["POST"]
    sim.log.clear()
    assert sim.log.entries() == []


def test_fault_answers_status_for_the_next_n_matching_requests(sim):
    sim.faults.add(method="GET", path="^/things$", count=2, status=503, headers={"Retry-After": "3"})
    first = call(sim.url + "/things")
    assert first[0] == 503 and first[2]["Retry-After"] == "3"
    assert call(sim.url + "/things/x")[0] == 404  # other paths are not affected
    assert call(sim.url + "/things")[0] == 503
    assert call(sim.url + "/things")[0] == 200


def test_fault_resets_the_connection(sim):
    sim.faults.add(path="/things", reset=True)
    with pytest.raises((ConnectionResetError, urllib.error.URLError, OSError)):
        call(sim.url + "/things")
    assert sim.log.entries()[0].status == 0
    assert call(sim.url + "/things")[0] == 200


def test_fault_delays_the_answer(sim):
    sim.faults.add(delay=0.5)
    started = time.monotonic()
    assert call(sim.url + "/things")[0] == 200
    assert time.monotonic() - started >= 0.45


def test_clock_runs_at_the_configured_speed_and_can_be_advanced():
    clock = SimClock(speed=100)
    time.sleep(0.05)
    assert clock.now() >= 4.5
    clock.advance(1000)
    assert clock.now() >= 1004.5
    clock.set_speed(0)
    frozen = clock.now()
    time.sleep(0.02)
    assert clock.now() == frozen


def test_timeline_moves_through_stages_with_progress():
    timeline = Timeline([("DOWNLOADING", 10), ("DISTRIBUTING", 5), ("DONE", 0)], start=100)
    assert timeline.at(100) == ("DOWNLOADING", 0.0)
    assert timeline.at(105) == ("DOWNLOADING", 0.5)
    assert timeline.at(111) == ("DISTRIBUTING", pytest.approx(0.2))
    assert timeline.at(200) == ("DONE", 1.0)
    assert timeline.finished(200) and not timeline.finished(114)


def test_control_api_for_simulators_in_another_process(sim):
    call(sim.url + "/things")
    assert call(sim.url + "/_sim/log")[1] == [{"method": "GET", "path": "/things", "query": "", "body": "",
                                               "status": 200}]
    call(sim.url + "/_sim/faults", "POST", {"method": "GET", "count": 1, "status": 502})
    assert call(sim.url + "/things")[0] == 502
    status, body, dummy = call(sim.url + "/_sim/clock", "POST", {"advance": 60})
    assert status == 200 and body["now"] >= 60
    assert call(sim.url + "/_sim/control/add_thing", "POST", {"name": "z"})[1] == {"added": "z"}
    assert "z" in sim.things
    call(sim.url + "/_sim/log", "DELETE")
    assert sim.log.entries() == []
    assert call(sim.url + "/_sim/control/nope", "POST", {})[0] == 404


def test_keep_alive_connections_serve_several_requests(sim):
    with socket.create_connection(("127.0.0.1", sim.port)) as connection:
        for dummy in range(2):
            connection.sendall(b"GET /things HTTP/1.1\r\nHost: x\r\n\r\n")
            data = b""
            while not data.endswith(b'{"items": []}'):
                data += connection.recv(4096)
            assert data.startswith(b"HTTP/1.1 200")
    assert sim.log.count() == 2


def test_a_reused_connection_answers_without_the_delayed_ack_stall(sim):
    """Headers and body are two writes: with Nagle on, every answer after the first on a kept-alive
    connection waits ~40 ms for the client's delayed ACK. The fastest of several must be far below that
    (the minimum, so a busy machine cannot make this flake; the stall hits every request)."""
    connection = http.client.HTTPConnection("127.0.0.1", sim.port, timeout=5)
    try:
        durations = []
        for dummy in range(6):
            started = time.perf_counter()
            connection.request("GET", "/things")
            connection.getresponse().read()
            durations.append(time.perf_counter() - started)
    finally:
        connection.close()
    assert min(durations[1:]) < 0.020, durations


class InstantSimulator(EchoSimulator):
    """Reads the clock twice in one answer, with simulated time passing between the reads."""

    from simulators.framework import route as _route

    @_route("GET", "/two-reads")
    def two_reads(self, request):
        first = self.now()
        self.clock.advance(30)  # what a loaded machine does between two reads of one answer
        return {"first": first, "second": self.now()}


def test_one_answer_sees_one_simulated_instant(start_simulator):
    sim = start_simulator(InstantSimulator)
    status, body, dummy = call(sim.url + "/two-reads")
    assert status == 200 and body["first"] == body["second"]
    assert sim.now() >= body["first"] + 30  # outside a request the clock runs as usual


def test_on_request_runs_once_when_a_matching_request_arrives(sim):
    sim.clock.set_speed(0)
    seen = []
    sim.on_request(lambda request: seen.append(request.path) or sim.clock.set_speed(1000), method="GET",
                   path="^/things")
    frozen = sim.now()
    call(sim.url + "/items/1/a")
    assert seen == [] and sim.now() == frozen
    call(sim.url + "/things")
    call(sim.url + "/things")
    assert seen == ["/things"] and sim.now() > frozen


def test_a_lost_answer_fault_handles_the_request_then_resets(sim):
    sim.faults.add(method="POST", path="^/things$", lost=True)
    with pytest.raises((ConnectionError, http.client.HTTPException, urllib.error.URLError)):
        call(sim.url + "/things", "POST", {"name": "kept"})
    assert "kept" in sim.things  # the change happened; only its answer was lost
    assert [e.status for e in sim.log.entries("POST")] == [0]


def test_skip_puts_a_fault_on_a_later_matching_request(sim):
    sim.faults.add(method="GET", path="^/things$", status=503, skip=2)
    assert [call(sim.url + "/things")[0] for dummy in range(4)] == [200, 200, 503, 200]
