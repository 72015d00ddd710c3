"""The shared HTTP layer against a real local server (the echo simulator, tests/simulators/echo.py): retries,
faults, TLS, budgets. Not through ansible-playbook; here rather than in tests/unit because it needs the
simulator framework (tests/unit holds what runs with the collection alone, under `ansible-test units` too)."""

import re
import socket
import time

import pytest

from ansible_collections.bigdata.platform.plugins.module_utils import http
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, NotFound
from ansible_collections.bigdata.platform.plugins.module_utils.version import USER_AGENT
from simulators.echo import EchoSimulator


@pytest.fixture
def sim(start_simulator):
    return start_simulator(EchoSimulator)


def client_for(sim, **kwargs):
    kwargs.setdefault("backoff_factor", 0)
    return http.HttpClient(sim.url, **kwargs)


def test_get_is_retried_on_503_until_it_succeeds(sim):
    sim.faults.add(method="GET", path="^/things$", count=2, status=503)
    client = client_for(sim, retries=3)

    assert client.get_json("/things") == {"items": []}
    assert [e.status for e in sim.log.entries("GET", "^/things$")] == [503, 503, 200]


@pytest.mark.parametrize("status", [502, 503, 504])
def test_transient_statuses_are_retried_for_get(sim, status):
    sim.faults.add(method="GET", count=1, status=status)
    assert client_for(sim).get_json("/things") == {"items": []}
    assert sim.log.count("GET") == 2


def test_get_gives_up_after_the_retry_budget_with_the_server_status(sim):
    sim.faults.add(method="GET", count=10, status=503)
    client = client_for(sim, retries=2)

    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert error.value.status == 503
    assert sim.log.count("GET") == 3


def test_post_is_never_retried_on_503(sim):
    sim.faults.add(method="POST", count=1, status=503)
    client = client_for(sim, retries=5)

    with pytest.raises(ApiError) as error:
        client.post_json("/things", {"name": "a"})
    assert error.value.status == 503
    assert error.value.method == "POST"
    assert sim.log.count("POST") == 1


def test_post_is_never_retried_after_a_connection_reset(sim):
    sim.faults.add(method="POST", count=1, reset=True)
    client = client_for(sim, retries=5)

    with pytest.raises(ApiError) as error:
        client.post_json("/things", {"name": "a"})
    assert error.value.status is None
    assert sim.log.count("POST") == 1
    assert sim.things == {}


def test_get_is_retried_after_a_connection_reset(sim):
    sim.faults.add(method="GET", count=1, reset=True)
    assert client_for(sim).get_json("/things") == {"items": []}
    assert [e.status for e in sim.log.entries("GET")] == [0, 200]


def test_put_is_retried_because_it_is_idempotent(sim):
    sim.faults.add(method="PUT", count=1, status=503)
    client_for(sim).put_json("/things/a", {"size": 1})
    assert [e.status for e in sim.log.entries("PUT")] == [503, 200]


def test_retry_after_is_honoured(sim):
    sim.faults.add(method="GET", count=1, status=503, headers={"Retry-After": "1"})
    client = client_for(sim)

    started = time.monotonic()
    client.get_json("/things")
    assert time.monotonic() - started >= 0.95
    assert sim.log.count("GET") == 2


def test_retry_after_is_capped(monkeypatch, sim):
    monkeypatch.setattr(http, "MAX_RETRY_AFTER", 0.2)
    sim.faults.add(method="GET", count=1, status=503, headers={"Retry-After": "120"})

    started = time.monotonic()
    client_for(sim).get_json("/things")
    assert time.monotonic() - started < 5


def test_error_body_becomes_api_error_with_the_server_message(sim):
    client = client_for(sim)
    client.post_json("/things", {"name": "a"})
    with pytest.raises(ApiError) as error:
        client.post_json("/things", {"name": "a"})
    assert error.value.status == 409
    assert error.value.server_message == "thing a already exists"
    assert error.value.body == {"message": "thing a already exists"}
    assert error.value.url == sim.url + "/things"
    assert "HTTP 409" in str(error.value) and "thing a already exists" in str(error.value)


def test_plain_text_error_body_is_the_message(sim):
    with pytest.raises(ApiError) as error:
        client_for(sim, retries=0).get_json("/text-error")
    assert error.value.server_message == "java.lang.NullPointerException at Foo.bar"


def test_each_system_plugs_in_its_error_reader(sim):
    def read_error(response, body):
        return "custom: " + body["message"]

    with pytest.raises(NotFound) as error:
        client_for(sim, error_message=read_error).get_json("/things/missing")
    assert error.value.server_message == "custom: no thing named missing"


def test_404_reads_as_none_with_get_or_none(sim):
    assert client_for(sim).get_or_none("/things/missing") is None


def test_user_agent_names_the_collection_and_version(sim):
    client_for(sim).get_json("/things")
    assert sim.log.entries()[0].headers["User-Agent"] == USER_AGENT
    assert "bigdata.platform/0.1.0" in USER_AGENT


def test_request_counter_counts_logical_requests(sim):
    client = client_for(sim)
    client.get_json("/things")
    client.post_json("/things", {"name": "b"})
    assert client.request_count == 2


def test_reauthenticate_once_on_401_then_resend(sim):
    client = client_for(sim, headers={"Authorization": "Bearer stale"})
    calls = []

    def reauthenticate():
        calls.append(1)
        client.session.headers["Authorization"] = "Bearer good-token"
        return True

    client.reauthenticate = reauthenticate
    assert client.get_json("/secure/things") == {"items": []}
    assert len(calls) == 1
    assert [e.status for e in sim.log.entries(path="secure")] == [401, 200]


def test_401_is_an_error_when_reauthentication_does_not_help(sim):
    client = client_for(sim, headers={"Authorization": "Bearer stale"}, reauthenticate=lambda: False)
    with pytest.raises(ApiError) as error:
        client.get_json("/secure/things")
    assert error.value.status == 401
    assert error.value.server_message == "token expired or invalid"


def test_request_timeout_becomes_api_error(sim):
    sim.faults.add(method="GET", count=5, delay=1.0)
    client = client_for(sim, timeout=0.2, retries=0)
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert error.value.status is None
    assert "no answer within 0.2s" in error.value.message


# -- TLS ---------------------------------------------------------------------------------------------

@pytest.fixture
def tls_sim(start_simulator, certificate):
    return start_simulator(EchoSimulator, tls=certificate)


def test_tls_verification_is_on_by_default(tls_sim):
    with pytest.raises(ApiError) as error:
        http.HttpClient(tls_sim.url, retries=0).get_json("/things")
    assert "TLS verification failed" in error.value.message
    assert tls_sim.log.count() == 0


def test_ca_cert_makes_a_private_ca_trusted(tls_sim, certificate):
    client = http.HttpClient(tls_sim.url, ca_cert=certificate[0], retries=0)
    assert client.session.verify == certificate[0]
    assert client.get_json("/things") == {"items": []}


def test_validate_certs_false_skips_verification(tls_sim):
    client = http.HttpClient(tls_sim.url, validate_certs=False, retries=0)
    assert client.session.verify is False
    assert client.get_json("/things") == {"items": []}


def test_a_post_marked_idempotent_is_retried_like_a_get(sim):
    sim.faults.add(method="POST", path="^/things$", count=2, status=503)
    client = client_for(sim, retries=3)
    assert client.post_json("/things", {"name": "login"}, idempotent=True) == {"name": "login"}
    assert [e.status for e in sim.log.entries("POST", "^/things$")] == [503, 503, 201]


def test_a_post_marked_idempotent_is_retried_after_a_reset(sim):
    sim.faults.add(method="POST", path="^/things$", count=1, reset=True)
    assert client_for(sim, retries=2).post_json("/things", {"name": "b"}, idempotent=True) == {"name": "b"}


def test_the_idempotent_flag_does_not_leak_into_the_next_post(sim):
    client = client_for(sim, retries=3)
    client.post_json("/things", {"name": "login"}, idempotent=True)
    sim.faults.add(method="POST", path="^/things$", count=1, status=503)
    with pytest.raises(ApiError):
        client.post_json("/things", {"name": "c"})
    assert sim.log.count("POST") == 2


def test_a_missing_ca_cert_is_a_clean_api_error(tls_sim, tmp_path):
    client = http.HttpClient(tls_sim.url, ca_cert=str(tmp_path / "missing.pem"), retries=0)
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert "ca_cert" in error.value.message


# -- a request's total time (issue 12 item 11) --------------------------------------------------------

class FakeTime:
    """Real requests, but sleeps only move this clock: a 30 s Retry-After costs nothing."""

    def __init__(self):
        self.offset = 0.0
        self.sleeps = []

    def clock(self):
        return time.monotonic() + self.offset

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.offset += seconds


def test_a_server_that_never_answers_holds_a_request_at_most_the_documented_factor(sim):
    sim.faults.add(method="GET", count=10, delay=4.0)
    client = client_for(sim, timeout=0.5, retries=3)
    started = time.monotonic()
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    took = time.monotonic() - started
    assert took < http.REQUEST_TIME_FACTOR * 0.5 + 0.5  # 4 attempts x 0.5 s would be 2 s
    # the second attempt gets what the budget has left (a little under 0.5 s on a slow machine)
    assert re.search(r"no answer within 0\.[345]s \(2 attempts over 1", error.value.message), error.value.message
    assert "at most 2 x request_timeout of 0.5s" in error.value.message
    assert error.value.details["attempts"] == 2


def test_retry_after_waits_fit_in_the_request_budget(sim):
    sim.faults.add(method="GET", count=4, status=503, headers={"Retry-After": "100"})
    fake = FakeTime()
    client = client_for(sim, timeout=30, retries=3, clock=fake.clock, sleep=fake.sleep)
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert sum(fake.sleeps) <= http.REQUEST_TIME_FACTOR * 30
    assert fake.sleeps == [http.MAX_RETRY_AFTER]
    assert error.value.status == 503
    assert "(the last of 2 attempts over 30" in error.value.message
    assert sim.log.count("GET") == 2


def test_backoff_and_retry_after_stop_where_the_task_deadline_ends(sim):
    from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline
    sim.faults.add(method="GET", count=5, status=503, headers={"Retry-After": "4"})
    fake = FakeTime()
    client = client_for(sim, timeout=30, retries=5, clock=fake.clock, sleep=fake.sleep)
    client.deadline = Deadline(5.5, clock=fake.clock)
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert fake.sleeps == [4.0]
    assert error.value.details["attempts"] == 2


def test_a_hanging_server_is_given_no_more_than_the_task_has_left(sim):
    from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline
    sim.faults.add(method="GET", count=10, delay=5.0)
    client = client_for(sim, timeout=30, retries=3, deadline=Deadline(1.2))
    started = time.monotonic()
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert time.monotonic() - started < 4
    assert "no answer within 1.2s" in error.value.message or "no answer within 1.1s" in error.value.message


def test_a_failure_after_retries_says_how_many_attempts(sim):
    sim.faults.add(method="GET", count=3, reset=True)
    with pytest.raises(ApiError) as error:
        client_for(sim, retries=2).get_json("/things")
    assert "cannot reach the server (3 attempts over " in error.value.message


def test_a_password_in_the_url_never_reaches_a_message(sim):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = http.HttpClient("http://admin:s3cret@127.0.0.1:%d/api" % port, retries=0)
    with pytest.raises(ApiError) as error:
        client.get_json("/things")
    assert "s3cret" not in str(error.value.to_result()) and "***@127.0.0.1" in error.value.message

    sim.faults.add(method="GET", count=1, status=500)
    with pytest.raises(ApiError) as error:
        http.HttpClient(sim.url.replace("//", "//admin:s3cret@"), retries=0).get_json("/things")
    assert "s3cret" not in str(error.value.to_result())


def test_an_http_port_answering_a_tls_hello_is_not_blamed_on_certificates(sim):
    with pytest.raises(ApiError) as error:
        http.HttpClient(sim.url.replace("http:", "https:"), retries=0).get_json("/things")
    assert "did not answer in TLS" in error.value.message


@pytest.mark.parametrize("kwargs", [dict(auth=("admin", "pässwörd-名前")), dict(headers={"X-Auth-Token": "tök-名前"})])
def test_credentials_http_cannot_carry_are_a_clean_api_error(sim, kwargs):
    with pytest.raises(ApiError) as error:
        client_for(sim, **kwargs).get_json("/things")
    assert "cannot send the request" in error.value.message
    assert sim.log.count() == 0


def test_a_post_whose_answer_is_lost_may_have_made_the_change(sim):
    sim.faults.add(method="POST", path="^/things$", lost=True)
    with pytest.raises(ApiError) as error:
        client_for(sim, retries=3).post_json("/things", {"name": "lost"})
    assert error.value.maybe_applied and "the server may have made the change" in error.value.message
    assert "lost" in sim.things and sim.log.count("POST") == 1
