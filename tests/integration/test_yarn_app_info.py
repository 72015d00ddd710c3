"""yarn_app_info against the YARN ResourceManager simulator (its seeded apps), through real ansible-playbook."""

import pytest
import yaml

from ansible_collections.bigdata.platform.plugins.modules import yarn_app_info
from integration.playbook import assert_clean_failure

RETURN_KEYS = set(yaml.safe_load(yarn_app_info.RETURN)["apps"]["contains"])


@pytest.fixture
def sim(start_simulator):
    return start_simulator("yarn", speed=50.0)


def info(sim, **filters):
    return {"bigdata.platform.yarn_app_info": dict(rm_urls=[sim.url], **filters)}


def names(result):
    return [app["name"] for app in result["apps"]]


def test_filters_one_app_and_bad_input(sim, ansible):
    nightly, adhoc, streaming = sorted(sim.cluster.apps)
    run = ansible.run_tasks([
        info(sim),
        info(sim, states=["RUNNING"]),
        info(sim, owner="etl"),
        info(sim, queue="root.adhoc"),
        info(sim, tags=["NIGHTLY", "etl"]),
        info(sim, tags=["nightly", "report"]),
        info(sim, name="streaming-ingest"),
        info(sim, application_types=["mapreduce"], limit=1),
        info(sim, id=adhoc),
        info(sim, id="application_1_9999"),
        info(sim, states=["RUNNING", "DONE"]),
        info(sim, id=adhoc, queue="etl"),
        info(sim, limit=0),
        info(sim, id=adhoc, application_types=["SPARK"]),
    ], check=True)
    (every, running, etl, queue, tags, no_match, by_name, limited, one, unknown, bad_state, conflict, zero, ignored) = run.results
    assert names(every) == ["streaming-ingest", "adhoc-report", "nightly-etl"], every
    assert not every["changed"] and all(set(app) == RETURN_KEYS for app in every["apps"])
    assert names(running) == ["streaming-ingest", "nightly-etl"]
    assert names(etl) == ["nightly-etl"]
    assert names(queue) == ["adhoc-report"]
    assert names(tags) == ["nightly-etl"] and tags["apps"][0]["tags"] == ["etl", "nightly"]
    assert names(no_match) == []
    assert names(by_name) == ["streaming-ingest"]
    assert [app["id"] for app in limited["apps"]] == [streaming]
    assert [app["id"] for app in one["apps"]] == [adhoc] and one["apps"][0]["final_status"] == "SUCCEEDED"
    assert unknown["apps"] == [] and not unknown["failed"]
    assert_clean_failure(bad_state, "states", "DONE")
    assert_clean_failure(conflict, "id", "queue")
    assert_clean_failure(zero, "limit", "0")
    # A filter that would be ignored with id is refused, not silently dropped (adhoc-report is a MAPREDUCE app).
    assert_clean_failure(ignored, "id", "application_types")
    assert nightly not in [app["id"] for app in by_name["apps"]]
    assert sim.log.mutating() == []
