"""rados_cluster_info against the real one-node Ceph cluster (cephx on): facts as a user with mon 'allow r' only,
a ceph.conf the rados binding connects with, and health waits on a healthy and an unhealthy cluster."""

import json
import time

import pytest
import rados
import yaml

from ansible_collections.bigdata.platform.plugins.modules import rados_cluster_info
from integration.playbook import assert_clean_failure

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]

RETURN_KEYS = set(yaml.safe_load(rados_cluster_info.RETURN)["cluster"]["contains"])


def conf_value(path, name):
    with open(path) as handle:
        return [line.split("=", 1)[1].strip() for line in handle if line.strip().startswith(name)][0]


def test_facts_and_a_ceph_conf_the_rados_binding_connects_with_using_a_new_key(ansible, ceph_cluster, make_user,
                                                                               key_manager, make_pool, tmp_path):
    reader = make_user("client.it-monread", {"mon": "allow r"})
    pool = make_pool("it-facts")
    wait_for(lambda: pool in [entry["name"] for entry in json.loads(ceph_cluster.mon_command("df", format="json"))["pools"]],
             "the mgr to report pool %s in df" % pool)
    client = make_user("client.it-newclient", create=False)
    conf, keyring = tmp_path / "client" / "ceph.conf", tmp_path / "client" / "ceph.client.it-newclient.keyring"
    conf.parent.mkdir()
    run = ansible.run_tasks([
        {"bigdata.platform.rados_cluster_info": reader, "register": "ceph"},
        {"bigdata.platform.rados_key": dict(key_manager, name=client, caps={"mon": "allow r", "osd": "allow rw pool=%s" % pool},
                                            dest=str(keyring))},
        {"ansible.builtin.copy": {"content": "{{ ceph.cluster.ceph_conf }}", "dest": str(conf), "mode": "0644"}},
    ], check=False)
    facts, key, written = run.results
    assert not facts["changed"] and not facts.get("failed"), facts
    assert key["changed"] and written["changed"], (key, written)
    cluster = facts["cluster"]
    assert set(cluster) == RETURN_KEYS
    assert cluster["fsid"] == conf_value(ceph_cluster.conf_file, "fsid")
    assert cluster["monitors"] == [{"name": "a", "rank": 0, "v2": "127.0.0.1:%d" % ceph_cluster.port, "v1": None}]
    assert cluster["mon_host"] == conf_value(ceph_cluster.conf_file, "mon host") == "[v2:127.0.0.1:%d]" % ceph_cluster.port
    assert cluster["fsid"] in cluster["ceph_conf"] and "127.0.0.1:%d" % ceph_cluster.port in cluster["ceph_conf"]
    assert cluster["health"]["status"] in ("HEALTH_OK", "HEALTH_WARN")
    assert pool in [entry["name"] for entry in cluster["usage"]["pools"]]
    assert {"stored", "objects", "max_avail"} <= set(cluster["usage"]["pools"][0])
    assert cluster["pgs"]["total"] >= 8 and sum(cluster["pgs"]["by_state"].values()) == cluster["pgs"]["total"]

    # Only the files written above: the cluster's own ceph.conf is not read.
    handle = rados.Rados(conffile=str(conf), name=client, conf={"keyring": str(keyring), "client_mount_timeout": "10"})
    try:
        handle.connect(timeout=10)
        assert handle.get_fsid() == cluster["fsid"]
        ioctx = handle.open_ioctx(pool)
        ioctx.write_full("written-by-the-new-client", b"hello")
        assert ioctx.read("written-by-the-new-client") == b"hello"
        ioctx.close()
    finally:
        handle.shutdown()


def wait_for(done, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < deadline, "no %s within %d s" % (what, timeout)
        time.sleep(0.5)


PG_WARNINGS = {"PG_AVAILABILITY", "PG_DEGRADED"}


def health_checks(ceph_cluster):
    return set(json.loads(ceph_cluster.mon_command("health", format="json")).get("checks", {}))


def test_wait_for_health_returns_when_healthy_and_times_out_with_the_checks(ansible, ceph_cluster, make_user, make_pool):
    reader = make_user("client.it-healthreader", {"mon": "allow r"})
    healthy = ansible.run_module("rados_cluster_info", dict(reader, wait_for_health=True, timeout=120))
    assert not healthy.get("failed") and healthy["cluster"]["health"]["status"] == "HEALTH_OK", healthy
    assert healthy["cluster"]["pgs"]["all_clean"] and "active+clean" in healthy["timeline"][-1]["state"]

    # A pool of 3 replicas (2 needed for I/O) on one OSD never gets active; Ceph reports it once PGs are stuck.
    ceph_cluster.set_option("mon_pg_stuck_threshold", 1, who="global")
    try:
        sick = make_pool("it-sick", size=3)
        ceph_cluster.mon_command("osd pool set", pool=sick, var="min_size", val="2")
        wait_for(lambda: health_checks(ceph_cluster) & PG_WARNINGS, "a PG health warning from the size-3 pool")
        run = ansible.run_tasks([
            {"bigdata.platform.rados_cluster_info": dict(reader, wait_for_health=True, timeout=3)},
            {"bigdata.platform.rados_cluster_info": dict(reader, wait_for_health=True, timeout=2, healthy_when="pgs_clean")},
        ])
    finally:
        ceph_cluster.mon_command("config rm", who="global", name="mon_pg_stuck_threshold")
    unhealthy, unclean = run.results
    # The PGs of such a pool go creating+peering -> undersized (+peered, or active where the pool's first min_size
    # allowed it): which checks a read sees (PG_AVAILABILITY, PG_DEGRADED) and how many PGs depends on the moment.
    assert_clean_failure(unhealthy, "timed out after 3s", "HEALTH_WARN", "not active+clean")
    assert any(check in unhealthy["msg"] for check in PG_WARNINGS), unhealthy["msg"]
    assert_clean_failure(unclean, "timed out after 2s", "(pgs_clean)", "not active+clean")
    assert any(check in unhealthy["timeline"][-1]["state"] for check in PG_WARNINGS), unhealthy["timeline"]
