"""The lifecycle playbooks against the simulators (and the local Ceph cluster when it can start):

- site.yml in check mode sends nothing that changes anything; then it builds both demo platforms; run again
  it reports changed=0; teardown.yml removes what it built;
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
        return cm.parcel_view(cluster, product, version)["stage"]


def start_demo_simulators(start_simulator, state_dir, ceph=None):
    """Every simulator of the demo, in this process; their URLs where the demo inventory reads them."""
    simulators = {name: start_simulator(name, speed=SPEED) for name in ("cm", "yarn", "sahara", "rhev")}
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


@pytest.fixture
def demo_pools_removed(request):
    """Whatever happens in the test, the demo's pools do not stay on the session's shared Ceph cluster."""
    yield
    ceph = optional_ceph(request)
    if ceph is None:
        return
    ceph.set_option("mon_allow_pool_delete", "true")
    for host in ("platform_a", "platform_b"):
        with open(os.path.join(DEMO_INVENTORY, "host_vars", host + ".yml")) as handle:
            for pool in yaml.safe_load(handle)["ceph_pools_list"]:
                if ceph.pool(pool["name"]) is not None:
                    ceph.mon_command("osd pool delete", pool=pool["name"], pool2=pool["name"],
                                     yes_i_really_really_mean_it=True)


@pytest.mark.xdist_group("ceph")
@pytest.mark.usefixtures("demo_pools_removed")
def test_site_predicts_then_builds_then_changes_nothing_then_teardown_removes(ansible, start_simulator, tmp_path, request):
    ceph = optional_ceph(request)
    sims = start_demo_simulators(start_simulator, tmp_path, ceph)
    env = {"DEMO_STATE_DIR": str(tmp_path)}
    with open(os.path.join(DEMO_INVENTORY, "host_vars", "platform_a.yml")) as handle:
        platform_a = yaml.safe_load(handle)

    # Check mode first: it predicts changes and sends nothing that changes anything.
    check = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="check", args=["--check", "--diff"])
    assert check.returncode == 0, check.output
    assert all(count["changed"] > 0 and count["failed"] == 0 for count in recap(check).values()), check.stdout
    assert {name: changes_sent(sim) for name, sim in sims.items()} == {name: [] for name in sims}
    if ceph is not None:
        assert ceph.pool("demo-a-rbd") is None

    first = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="first")
    assert first.returncode == 0, first.output
    counts = recap(first)
    assert set(counts) == {"platform_a", "platform_b"}
    assert all(count["changed"] > 0 and count["failed"] == 0 for count in counts.values()), counts
    # What the platforms hold, seen from the systems themselves.
    assert sims["rhev"].control_vm_by_name("demo-a-master")["status"] == "up"
    assert cm_stage(sims["cm"], "Cluster 1", CDH_7_1_8) == "ACTIVATED"
    apps = [app["name"] for app in sims["yarn"].control_apps()]
    assert "demo-a-ingest" in apps and "demo-b-ingest" in apps
    if ceph is not None:
        assert ceph.pool("demo-a-rbd") is not None

    mutating_before = {name: changes_sent(sim) for name, sim in sims.items()}
    second = run_playbook(ansible, "site.yml", DEMO_INVENTORY, env, name="second")
    assert second.returncode == 0, second.output
    changed = [(item.get("item"), item.get("diff"), item.get("msg")) for result in second.results
               for item in result.get("results", [result]) if item.get("changed")]
    assert all(count["changed"] == 0 and count["failed"] == 0 for count in recap(second).values()), changed
    assert {name: changes_sent(sim) for name, sim in sims.items()} == mutating_before

    down = run_playbook(ansible, "teardown.yml", DEMO_INVENTORY, env, name="teardown")
    assert down.returncode == 0, down.output
    assert all(count["failed"] == 0 for count in recap(down).values()), down.stdout
    for vm in platform_a["rhev_vms_list"]:
        assert sims["rhev"].control_vm_by_name(vm["name"]) is None
    states = {app["name"]: app["state"] for app in sims["yarn"].control_apps()}
    assert states["demo-a-ingest"] == "KILLED"
    if ceph is not None:
        assert ceph.pool("demo-a-rbd") is None


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
    return [entry.path.rsplit("/", 1)[-1] for entry in cm.log.mutating()
            if re.search("/clusters/%s/" % cluster.replace(" ", "(%20| )"), entry.path)]


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
    last_first = max(i for i, path in enumerate(paths) if re.search("Cluster(%20| )1", path))
    first_second = min(i for i, path in enumerate(paths) if re.search("Cluster(%20| )2", path))
    assert last_first < first_second

    again = run_playbook(ansible, "parcel_upgrade.yml", inventory, extra_vars=upgrade, name="again")
    assert again.returncode == 0, again.output
    assert {host: count["changed"] for host, count in recap(again).items()} == {"cluster_1": 0, "cluster_2": 0}
