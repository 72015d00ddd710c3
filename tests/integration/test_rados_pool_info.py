"""rados_pool_info against the real one-node Ceph cluster (cephx on), as client.ansible."""

import json
import os

import pytest
import yaml
from ceph_cluster import CephCluster, ClusterError

from ansible_collections.bigdata.platform.plugins.modules import rados_pool_info

pytestmark = [pytest.mark.ceph, pytest.mark.xdist_group("ceph")]

RETURN_KEYS = set(yaml.safe_load(rados_pool_info.RETURN)["pools"]["contains"])


def test_all_pools_one_pool_and_a_missing_one(ansible, ceph_cluster, ceph_args, make_pool):
    rbd = make_pool("it-info-rbd", size=2)
    ceph_cluster.mon_command("osd pool application enable", pool=rbd, app="rbd")
    ceph_cluster.mon_command("osd pool set-quota", pool=rbd, field="max_objects", val="42")
    make_pool("it-info-other")

    names_before = pool_names(ceph_cluster)
    # Check mode: an _info module reads the same there.
    run = ansible.run_tasks([
        {"bigdata.platform.rados_pool_info": ceph_args},
        {"bigdata.platform.rados_pool_info": dict(ceph_args, name=rbd)},
        {"bigdata.platform.rados_pool_info": dict(ceph_args, name="it-info-missing")},
        {"bigdata.platform.rados_pool": dict(ceph_args, name=rbd)},
    ], check=True)
    every, one, missing, module = run.results
    for result in run.results:
        assert not result["changed"] and not result.get("failed"), result

    # The mgr may create its own pool (device_health_metrics) at any moment: the answer is one of the two.
    assert [pool["name"] for pool in every["pools"]] in (names_before, pool_names(ceph_cluster))
    for pool in every["pools"]:
        assert set(pool) == RETURN_KEYS, pool
    assert len(one["pools"]) == 1
    pool = one["pools"][0]
    assert (pool["name"], pool["size"], pool["applications"], pool["quota_max_objects"]) == (rbd, 2, ["rbd"], 42)
    assert pool in every["pools"]
    assert missing["pools"] == []
    # One normaliser: rados_pool returns the very same dict.
    assert module["pool"] == pool


def pool_names(ceph_cluster):
    raw = json.loads(ceph_cluster.mon_command("osd pool ls", detail="detail", format="json"))
    return [pool["pool_name"] for pool in sorted(raw, key=lambda pool: pool["pool_id"])]


def test_a_second_start_in_the_cluster_directory_leaves_the_running_cluster_alone(ceph_cluster):
    pids = ceph_cluster.pids()
    with pytest.raises(ClusterError, match="already holds a cluster"):
        CephCluster(ceph_cluster.dir).start()
    assert ceph_cluster.pids() == pids and all(os.path.exists("/proc/%d" % pid) for pid in pids.values())
    assert json.loads(ceph_cluster.mon_command("osd stat", format="json"))["num_up_osds"] == 1
