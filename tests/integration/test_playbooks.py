"""The lifecycle playbooks against the simulators (the whole site/teardown flow on the demo inventory is
test_platform_lifecycle.py; this file holds the helpers it shares):

- parcel_upgrade.yml upgrades two simulated Cloudera Manager clusters one at a time, stops on an injected
  failure in the first (CM's message, the second untouched), then resumes and finishes both.
"""

import json
import os
import re
import subprocess

import pytest
import yaml

from collection import REPO_ROOT
from simulators.__main__ import EMPTY_ESTATE
from integration.playbook import BIN_DIR, PLAYBOOK_TIMEOUT, PlaybookRun, read_results

PLAYBOOKS = os.path.join(REPO_ROOT, "playbooks")
DEMO_INVENTORY = os.path.join(PLAYBOOKS, "inventory", "demo")
SPEED = 60
AUTH_PATHS = re.compile(r"^/v3/auth/|^/ovirt-engine/sso/|^/ovirt-engine/services/sso-logout")
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)

CDH_7_1_7 = "7.1.7-1.cdh7.1.7.p0.15945976"
CDH_7_1_8 = "7.1.8-1.cdh7.1.8.p0.30990532"
CDH_7_1_9 = "7.1.9-1.cdh7.1.9.p0.44702451"
REPO_7_1_9 = "https://archive.cloudera.com/p/cdh7/7.1.9.0/parcels/"


def run_playbook(ansible, playbook, inventory, env=None, extra_vars=None, name="run", args=()):
    """ansible-playbook on one of the collection's playbooks, with the test runner's environment."""
    results_file = os.path.join(ansible.workdir, "%s-results.jsonl" % name)
    command = [os.path.join(BIN_DIR, "ansible-playbook"), "-i", inventory, os.path.join(PLAYBOOKS, playbook)]
    command += list(args)
    if extra_vars:
        command += ["-e", json.dumps(extra_vars)]
    environment = ansible.environment(dict(env or {}, BIGDATA_RESULTS_FILE=results_file))
    completed = subprocess.run(command, cwd=REPO_ROOT, env=environment, capture_output=True, text=True,
                               timeout=PLAYBOOK_TIMEOUT, check=False)
    return PlaybookRun(read_results(results_file), completed.stdout, completed.stderr, completed.returncode)


def recap(run):
    """{host: {"ok", "changed", "unreachable", "failed"}} from the PLAY RECAP."""
    text = run.stdout[run.stdout.rindex("PLAY RECAP"):]
    return {host: dict(zip(("ok", "changed", "unreachable", "failed"), map(int, counts)))
            for host, *counts in RECAP.findall(text)}


def changes_sent(simulator):
    """Mutating requests, less logging in and out (Keystone tokens, oVirt SSO), which change nothing managed."""
    return [(entry.method, entry.path) for entry in simulator.log.mutating() if not AUTH_PATHS.search(entry.path)]


def cm_stage(cm, cluster, version, product="CDH"):
    with cm.lock:
        cm.settle()
        return cm.parcel_view(cm.resolve_cluster(cluster), product, version)["stage"]


def start_demo_simulators(start_simulator, state_dir, ceph=None):
    """Every simulator of the demo, in this process and from the empty estate as the demo starts them; their URLs
    where the demo inventory reads them."""
    simulators = {name: start_simulator(name, speed=SPEED, **EMPTY_ESTATE.get(name, {}))
                  for name in ("cm", "yarn", "sahara", "rhev")}
    (state_dir / "simulators.json").write_text(json.dumps({name: sim.url for name, sim in simulators.items()}))
    if ceph is not None:
        (state_dir / "ceph.json").write_text(json.dumps(
            {"conf_file": ceph.conf_file, "keyring": ceph.keyring, "client_name": ceph.client_name}))
    return simulators


def optional_ceph(request):
    """The session's Ceph cluster, or None where Ceph cannot run (the demo runs without it too)."""
    try:
        return request.getfixturevalue("ceph_cluster")
    except pytest.skip.Exception:
        return None


def write_cluster_inventory(path, cm):
    """One inventory host per CM cluster, both on the same simulated Cloudera Manager."""
    connection = {"host": "127.0.0.1", "port": cm.port, "username": "admin", "password": "admin"}
    hosts = {"cluster_%d" % number: {"cm_parcel_rollout_cluster": "Cluster %d" % number} for number in (1, 2)}
    inventory = {"clusters": {"hosts": hosts, "vars": {
        "ansible_connection": "local", "ansible_python_interpreter": "{{ ansible_playbook_python }}",
        "cloudera_manager_connection": connection, "cm_parcel_rollout_health_delay": 1}}}
    path.write_text(yaml.safe_dump(inventory))
    return str(path)


def commands_sent(cm, cluster):
    """The commands sent to a cluster, named by its display name (the modules' paths carry its internal name)."""
    with cm.lock:
        internal = cm.resolve_cluster(cluster)
    return [entry.path.rsplit("/", 1)[-1] for entry in cm.log.mutating()
            if re.search("/clusters/%s/" % re.escape(internal), entry.path)]


def test_rolling_parcel_upgrade_stops_at_the_first_failed_cluster_then_resumes(ansible, start_simulator, tmp_path):
    cm = start_simulator("cm", speed=SPEED)
    inventory = write_cluster_inventory(tmp_path / "clusters.yml", cm)
    upgrade = {"parcel_upgrade_hosts": "clusters", "cm_parcel_rollout_version": CDH_7_1_9,
               "cm_parcel_rollout_repo_urls": [REPO_7_1_9], "cm_parcel_rollout_remove_older": True}
    message = "Error distributing parcel CDH-7.1.9 to c1-node-3.example.com: No space left on device."
    cm.control_fail_next_distribution("CDH", CDH_7_1_9, message=message, cluster="Cluster 1")

    failed = run_playbook(ansible, "parcel_upgrade.yml", inventory, extra_vars=upgrade, name="failed")
    assert failed.returncode != 0
    stop = [result for result in failed.results if result.get("failed") and "Rolling upgrade stopped" in result.get("msg", "")]
    assert len(stop) == 1, failed.output
    assert message in stop[0]["msg"] and "cluster_1" in stop[0]["msg"]
    assert "cluster_2" not in recap(failed) or recap(failed)["cluster_2"]["ok"] == 0
    # The second cluster was not touched: nothing sent for it, its active version unchanged.
    assert commands_sent(cm, "Cluster 2") == []
    assert cm_stage(cm, "Cluster 2", CDH_7_1_7) == "ACTIVATED"
    assert cm_stage(cm, "Cluster 1", CDH_7_1_7) == "ACTIVATED"

    resumed = run_playbook(ansible, "parcel_upgrade.yml", inventory, extra_vars=upgrade, name="resumed")
    assert resumed.returncode == 0, resumed.output
    assert {host: count["failed"] for host, count in recap(resumed).items()} == {"cluster_1": 0, "cluster_2": 0}
    for cluster in ("Cluster 1", "Cluster 2"):
        assert cm_stage(cm, cluster, CDH_7_1_9) == "ACTIVATED"
        assert cm_stage(cm, cluster, CDH_7_1_7) == "DOWNLOADED"  # removed from the cluster's hosts
        sent = commands_sent(cm, cluster)
        assert "activate" in sent and "rollingRestart" in sent, sent
    # serial: 1 -- every command for Cluster 1 came before the first one for Cluster 2.
    paths = [entry.path for entry in cm.log.mutating() if "/clusters/" in entry.path]
    # The modules' paths carry the internal names: "cluster" is Cluster 1's, "cluster2" Cluster 2's.
    last_first = max(i for i, path in enumerate(paths) if "/clusters/cluster/" in path)
    first_second = min(i for i, path in enumerate(paths) if "/clusters/cluster2/" in path)
    assert last_first < first_second

    again = run_playbook(ansible, "parcel_upgrade.yml", inventory, extra_vars=upgrade, name="again")
    assert again.returncode == 0, again.output
    assert {host: count["changed"] for host, count in recap(again).items()} == {"cluster_1": 0, "cluster_2": 0}
