"""Ceph fixtures: one real one-node cluster (cephx on) per pytest session (per xdist worker).

Tests that use it carry @pytest.mark.ceph and xdist_group("ceph"), so `pytest -n 2 --dist loadgroup`
runs them all on one worker and starts a single cluster.
"""

import json
import os
import shutil
import tempfile
import time

import pytest

from ceph_cluster import CephCluster, missing_binaries


@pytest.fixture(scope="session")
def ceph_cluster():
    """A started CephCluster: conf_file, keyring, client_name for the modules; mon_command()/pool() as admin."""
    missing = missing_binaries()
    if missing:
        pytest.skip("Ceph is not installed here (missing %s); CI installs ceph-mon ceph-osd ceph-mgr python3-rados"
                    % ", ".join(missing))
    directory = tempfile.mkdtemp(prefix="bigdata-ceph-")
    cluster = CephCluster(directory).start()
    yield cluster
    assert cluster.stop() == [], "Ceph daemons still running after SIGKILL"
    if os.environ.get("CEPH_KEEP_DIR") != "1":
        shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture
def ceph_args(ceph_cluster):
    """Connection options of the Ceph modules for the cluster's test client (not client.admin)."""
    return {"conf_file": ceph_cluster.conf_file, "keyring": ceph_cluster.keyring, "client_name": ceph_cluster.client_name}


@pytest.fixture
def make_pool(ceph_cluster):
    """make_pool(name, **osd_pool_create_args) creates a pool as client.admin; every pool a test names
    this way (made here or by the module) is deleted afterwards, whatever flags the test left on it."""
    names = []

    def make(name, create=True, **args):
        names.append(name)
        if create:
            args.setdefault("pg_num", 8)
            args.setdefault("autoscale_mode", "off")  # so that the autoscaler changes nothing under a test
            ceph_cluster.mon_command("osd pool create", pool=name, **args)
            wait_until_created(ceph_cluster, name)
        return name

    yield make
    ceph_cluster.set_option("mon_allow_pool_delete", "true")
    for name in names:
        if ceph_cluster.pool(name) is not None:
            ceph_cluster.mon_command("osd pool set", pool=name, var="nodelete", val="false")
            ceph_cluster.mon_command("osd pool delete", pool=name, pool2=name, yes_i_really_really_mean_it=True)


def wait_until_created(ceph_cluster, name, timeout=30):
    """Until Ceph clears the pool's 'creating' flag, so that before/after snapshots in tests compare equal."""
    deadline = time.monotonic() + timeout
    while "creating" in ceph_cluster.pool(name)["flags_names"].split(","):
        assert time.monotonic() < deadline, "pool %s still creating after %d s" % (name, timeout)
        time.sleep(0.2)


@pytest.fixture
def make_user(ceph_cluster, tmp_path):
    """make_user(name, caps) creates a cephx user as client.admin and returns the connection options of the
    Ceph modules for it (its keyring in tmp_path); make_user(name, create=False) only names a user a test
    creates. Every user named is deleted afterwards."""
    names = []

    def make(name, caps=None, create=True):
        names.append(name)
        if not create:
            return name
        flat = [word for service, cap in sorted((caps or {}).items()) for word in (service, cap)]
        found = json.loads(ceph_cluster.mon_command("auth get-or-create", entity=name, caps=flat, format="json"))
        keyring = tmp_path / ("ceph.%s.keyring" % name)
        keyring.write_text("[%s]\n\tkey = %s\n" % (name, found[0]["key"]))
        return {"conf_file": ceph_cluster.conf_file, "keyring": str(keyring), "client_name": name}

    yield make
    for name in names:
        ceph_cluster.mon_command("auth del", entity=name)


@pytest.fixture
def key_manager(make_user):
    """Connection options of a user that may manage cephx users (mon 'allow rwx'), not client.admin."""
    return make_user("client.it-keymgr", {"mon": "allow rwx", "osd": "allow rwx", "mgr": "allow rw"})


@pytest.fixture
def read_only(make_user):
    """Connection options of a user that can read users, pools and health but change nothing (mon 'allow rx'):
    a task run as it in check mode proves that no mutating mon command is sent (Ceph would refuse it, EACCES)."""
    return make_user("client.it-readonly", {"mon": "allow rx"})


@pytest.fixture
def forget_crush(ceph_cluster):
    """forget_crush(rule_names=(...), profile_names=(...)) names CRUSH rules and erasure code profiles a test makes;
    after the test, the pools that use them are deleted, then they are."""
    rules, profiles = [], []

    def forget(rule_names=(), profile_names=()):
        rules.extend(rule_names)
        profiles.extend(profile_names)

    yield forget
    ids = {rule["rule_id"] for rule in json.loads(ceph_cluster.mon_command("osd crush rule dump", format="json"))
           if rule["rule_name"] in rules}
    ceph_cluster.set_option("mon_allow_pool_delete", "true")
    for pool in json.loads(ceph_cluster.mon_command("osd pool ls", detail="detail", format="json")):
        if pool["crush_rule"] in ids or pool.get("erasure_code_profile") in profiles:
            ceph_cluster.mon_command("osd pool delete", pool=pool["pool_name"], pool2=pool["pool_name"],
                                     yes_i_really_really_mean_it=True)
    for name in rules:
        ceph_cluster.mon_command("osd crush rule rm", name=name)
    for name in profiles:
        ceph_cluster.mon_command("osd erasure-code-profile rm", name=name)
