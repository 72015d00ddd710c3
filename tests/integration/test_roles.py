"""Each role checks its variables against meta/argument_specs.yml before doing anything: a wrong type
fails with a message that names the variable, and nothing is sent to any API (no connection options
are given here, so a role that got past validation would fail differently)."""

import os
import subprocess

import yaml

from collection import REPO_ROOT
from integration.playbook import BIN_DIR, assert_clean_failure

CDH_7_1_7 = "7.1.7-1.cdh7.1.7.p0.15945976"
ROLES = sorted(os.listdir(os.path.join(REPO_ROOT, "roles")))

# role -> (variables with one wrong type, words the message must contain)
WRONG_TYPES = {
    "rhev_vms": ({"rhev_vms_list": [{"name": "vm1", "cpu_sockets": "many"}]}, ["cpu_sockets", "int"]),
    "ceph_pools": ({"ceph_pools_list": [{"name": "rbd", "size": "three"}]}, ["size", "int"]),
    "ceph_clients": ({"ceph_clients_list": [{"name": "client.spark", "path": "/tmp/spark", "caps": "allow r"}]},
                     ["caps", "dict"]),
    "cm_parcel_rollout": ({"cm_parcel_rollout_cluster": "Cluster 1", "cm_parcel_rollout_version": "7.1.8",
                           "cm_parcel_rollout_health_timeout": "soon"}, ["cm_parcel_rollout_health_timeout", "int"]),
    "cm_cluster": ({"cm_cluster_name": "cluster", "cm_cluster_timeout": "soon"}, ["cm_cluster_timeout", "int"]),
    "cm_hosts": ({"cm_hosts_list": [{"hostname": "node1.example.com"}], "cm_hosts_timeout": "soon"},
                 ["cm_hosts_timeout", "int"]),
    "cm_services": ({"cm_services_cluster": "Cluster 1", "cm_services_restart_on_config_change": "maybe"},
                    ["cm_services_restart_on_config_change", "bool"]),
    "sahara_cluster": ({"sahara_cluster_name": "c1", "sahara_cluster_node_groups": ["worker"]},
                       ["sahara_cluster_node_groups", "dict"]),
    "yarn_apps": ({"yarn_apps_list": [{"name": "etl", "am_resource": 1024}]}, ["am_resource", "dict"]),
    "yarn_queues": ({"yarn_queues_list": [{"path": "root.etl", "capacity": "lots"}]}, ["capacity", "float"]),
}


def include(role, variables):
    return {"name": "role " + role,
            "ansible.builtin.include_role": {"name": "bigdata.platform." + role, "apply": {"ignore_errors": True}},
            "vars": variables}


def validation_results(run):
    """The argument-spec validation result of each included role, by role name."""
    return {result["validate_args_context"]["name"]: result
            for result in run.results if "validate_args_context" in result}


def test_every_role_has_the_files_the_issue_asks_for():
    assert sorted(WRONG_TYPES) == ROLES, "every role needs a WRONG_TYPES case"
    for role in ROLES:
        root = os.path.join(REPO_ROOT, "roles", role)
        for name in ("meta/argument_specs.yml", "defaults/main.yml", "tasks/main.yml", "README.md"):
            assert os.path.isfile(os.path.join(root, name)), (role, name)
        with open(os.path.join(root, "meta", "argument_specs.yml")) as handle:
            options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
        with open(os.path.join(root, "defaults", "main.yml")) as handle:
            defaults = yaml.safe_load(handle) or {}
        assert set(defaults) <= set(options), "defaults without a spec in %s: %s" % (role, set(defaults) - set(options))
        for name, spec in options.items():
            assert name.startswith(role + "_"), name
            if name in defaults:
                assert spec.get("default") == defaults[name], "%s: spec default differs from defaults/main.yml" % name


def test_each_role_rejects_a_wrong_type_naming_the_variable(ansible):
    run = ansible.run_tasks([include(role, variables) for role, (variables, dummy) in WRONG_TYPES.items()])
    results = validation_results(run)
    assert set(results) == set(WRONG_TYPES), run.output
    for role, (dummy, words) in WRONG_TYPES.items():
        result = results[role]
        assert_clean_failure(result, *words)
        assert result["msg"].startswith("Validation of arguments failed"), (role, result["msg"])
    assert "Traceback" not in run.output


def test_required_variables_are_named_when_missing(ansible):
    run = ansible.run_tasks([include("cm_parcel_rollout", {"cm_parcel_rollout_cluster": "Cluster 1"}),
                             include("sahara_cluster", {})])
    results = validation_results(run)
    assert_clean_failure(results["cm_parcel_rollout"], "cm_parcel_rollout_version")
    assert_clean_failure(results["sahara_cluster"], "sahara_cluster_name")


def test_valid_variables_pass_validation_and_empty_lists_do_nothing(ansible):
    run = ansible.run_tasks([include("rhev_vms", {"rhev_vms_list": []}),
                             include("ceph_pools", {"ceph_pools_list": []}),
                             include("yarn_apps", {"yarn_apps_list": [], "yarn_apps_timeout": "60"})])
    results = validation_results(run)
    assert set(results) == {"rhev_vms", "ceph_pools", "yarn_apps"}
    assert not any(result.get("failed") for result in results.values()), run.output
    assert not any(result.get("failed") for result in run.results), run.output


def run_rollout(ansible, cm, **variables):
    """The cm_parcel_rollout role on Cluster 1, connection options through module_defaults."""
    variables = dict({"cm_parcel_rollout_cluster": "Cluster 1", "cm_parcel_rollout_version": CDH_7_1_7,
                      "cm_parcel_rollout_health_delay": 1}, **variables)
    task = {"name": "rollout", "ansible.builtin.include_role": {"name": "bigdata.platform.cm_parcel_rollout"},
            "vars": variables}
    connection = {"host": "127.0.0.1", "port": cm.port, "username": "admin", "password": "admin"}
    return ansible.run_tasks([task], module_defaults={"group/bigdata.platform.cloudera_manager": connection})


def restarts(cm):
    return [entry.path.split("/services/")[1].split("/")[0] for entry in cm.log.mutating()
            if "/services/" in entry.path and entry.path.lower().endswith("restart")]


def staleness(cm, cluster="Cluster 1"):
    with cm.lock:
        return {name: service["stale"] for name, service in cm.services[cluster].items()}


def test_parcel_rollout_restarts_stale_services_one_at_a_time_and_resumes_after_a_failure(ansible, start_simulator):
    cm = start_simulator("cm", speed=60)
    for service in ("hdfs", "yarn", "zookeeper"):  # what activating a parcel leaves behind
        cm.control_set_service("Cluster 1", service, stale="STALE")
    message = "Failed to restart NodeManager on c1-node-3.example.com: port 8042 already in use."
    cm.control_fail_next_command("yarn", message=message, cluster="Cluster 1")

    failed = run_rollout(ansible, cm)
    failures = [result for result in failed.results if result.get("failed")]
    assert len(failures) == 1, failed.output
    assert_clean_failure(failures[0], message)
    # Dependency order, not name order: zookeeper, then hdfs, passed their health gates; yarn failed.
    assert restarts(cm) == ["zookeeper", "hdfs", "yarn"]
    assert staleness(cm) == {"hdfs": "FRESH", "yarn": "STALE", "zookeeper": "FRESH"}

    resumed = run_rollout(ansible, cm)
    assert not any(result.get("failed") for result in resumed.results), resumed.output
    assert restarts(cm) == ["zookeeper", "hdfs", "yarn", "yarn"]
    assert set(staleness(cm).values()) == {"FRESH"}
    gates = [result for result in resumed.results if "services" in result and result.get("attempts")]
    assert gates and all(service["health_summary"] == "GOOD" for gate in gates for service in gate["services"])

    again = run_rollout(ansible, cm)
    assert not any(result.get("changed") or result.get("failed") for result in again.results), again.output
    assert restarts(cm) == ["zookeeper", "hdfs", "yarn", "yarn"]


def test_health_gate_stops_the_rollout_when_a_service_stays_unhealthy(ansible, start_simulator):
    cm = start_simulator("cm", speed=60)
    for service in ("hdfs", "yarn"):
        cm.control_set_service("Cluster 1", service, stale="STALE")
    # A gate that only CONCERNING passes: hdfs, healthy (GOOD) after its restart, never passes it.
    run = run_rollout(ansible, cm, cm_parcel_rollout_healthy=["CONCERNING"], cm_parcel_rollout_health_timeout=2)
    failures = [result for result in run.results if result.get("failed")]
    assert len(failures) == 1 and failures[0].get("attempts", 0) >= 2 and "services" in failures[0], run.output
    assert restarts(cm) == ["hdfs"]  # yarn waits behind the gate


def test_ansible_doc_renders_every_role(ansible):
    for role in ROLES:
        completed = subprocess.run([os.path.join(BIN_DIR, "ansible-doc"), "-t", "role", "bigdata.platform." + role],
                                   env=ansible.environment(), capture_output=True, text=True, check=False, timeout=120)
        assert completed.returncode == 0 and "ENTRY POINT:" in completed.stdout, (role, completed.stderr)
        with open(os.path.join(REPO_ROOT, "roles", role, "meta", "argument_specs.yml")) as handle:
            options = yaml.safe_load(handle)["argument_specs"]["main"]["options"]
        assert all(name in completed.stdout for name in options), role
