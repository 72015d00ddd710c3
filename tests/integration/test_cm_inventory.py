"""The bigdata.platform.cloudera_manager inventory plugin against the CM simulator, through ansible-inventory."""

import json
import os
import subprocess

import pytest
import yaml

from integration.playbook import BIN_DIR, COLLECTIONS_PATH, REPO_ROOT

NODES = [("node%d.example.com" % index, "10.1.0.%d" % index) for index in (1, 2, 3)]


@pytest.fixture
def sim(start_simulator):
    """Cluster 'cluster' (shown 'Cluster 1'): node1 a master (NameNode, ResourceManager), node2 and node3 workers
    (host template 'workers': DataNode + NodeManager); node4 known to CM but in no cluster."""
    sim = start_simulator("cm", speed=100, clusters=())
    sim.control_agent_heartbeat(hosts=[{"hostname": n, "ip_address": ip} for n, ip in NODES + [("node4.example.com", "10.1.0.4")]])
    sim.add_cluster("cluster", "Cluster 1", "7.1.7")
    hdfs = sim.add_service("cluster", "hdfs", "HDFS", "STARTED")
    yarn = sim.add_service("cluster", "yarn", "YARN", "STARTED")
    for name, ip in NODES:
        sim.join("cluster", sim.host_by_name(name)["hostId"])
    master = sim.host_by_name("node1.example.com")["hostId"]
    sim.add_role("cluster", hdfs, "NAMENODE", master)
    sim.add_role("cluster", yarn, "RESOURCEMANAGER", master)
    workers = ["hdfs-DATANODE-BASE", "yarn-NODEMANAGER-BASE"]
    sim.clusters["cluster"]["hostTemplates"]["workers"] = {"name": "workers", "groups": workers}
    for name in ("node2.example.com", "node3.example.com"):
        host = sim.host_by_name(name)["hostId"]
        sim.add_role("cluster", hdfs, "DATANODE", host)
        sim.add_role("cluster", yarn, "NODEMANAGER", host)
    return sim


def inventory(sim, tmp_path, config, name="cloudera_manager.yml", env=None):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(dict({"plugin": "bigdata.platform.cloudera_manager"}, **config)))
    environment = dict(os.environ, CM_HOST="127.0.0.1", CM_PORT=str(sim.port), CM_USERNAME="admin", CM_PASSWORD="admin",
                       ANSIBLE_INVENTORY_ENABLED="bigdata.platform.cloudera_manager",
                       ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH)
    environment.update(env or {})
    done = subprocess.run([os.path.join(BIN_DIR, "ansible-inventory"), "-i", str(path), "--list"], cwd=REPO_ROOT,
                          env=environment, capture_output=True, text=True, timeout=120, check=False)
    return done


def plain(value):
    """A value without the marks ansible-inventory --list may put on strings ({"__ansible_unsafe": ...})."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def members(listing, group):
    return sorted(listing.get(group, {}).get("hosts", []))


def test_hosts_grouped_by_cluster_role_type_and_template(sim, tmp_path):
    done = inventory(sim, tmp_path, {"compose": {"ansible_host": "cm_ip_address"},
                                     "keyed_groups": [{"key": "cm_rack_id", "prefix": "rack"}]})
    assert done.returncode == 0, done.stderr
    listing = json.loads(done.stdout)
    assert members(listing, "cm_cluster_Cluster_1") == [name for name, ip in NODES]
    assert members(listing, "cm_role_namenode") == members(listing, "cm_role_resourcemanager") == ["node1.example.com"]
    assert members(listing, "cm_role_datanode") == members(listing, "cm_role_nodemanager") == \
        ["node2.example.com", "node3.example.com"]
    assert members(listing, "cm_template_workers") == ["node2.example.com", "node3.example.com"]
    assert members(listing, "cm_unassigned") == ["node4.example.com"]
    assert members(listing, "rack__default") == ["node1.example.com", "node2.example.com", "node3.example.com",
                                                 "node4.example.com"]
    node2 = plain(listing["_meta"]["hostvars"]["node2.example.com"])
    assert node2["ansible_host"] == "10.1.0.2"
    assert (node2["cm_cluster"], node2["cm_cluster_display_name"]) == ("cluster", "Cluster 1")
    assert node2["cm_role_types"] == ["DATANODE", "NODEMANAGER"] and node2["cm_host_templates"] == ["workers"]
    assert {role["role_config_group"] for role in node2["cm_roles"]} == {"hdfs-DATANODE-BASE", "yarn-NODEMANAGER-BASE"}
    assert node2["cm_health_summary"] == "GOOD" and node2["cm_host_id"] == sim.host_by_name("node2.example.com")["hostId"]
    assert sim.log.mutating() == []


def test_clusters_filter_by_display_name_and_cache(sim, tmp_path):
    cache = {"cache": True, "cache_plugin": "ansible.builtin.jsonfile", "cache_connection": str(tmp_path / "cache"),
             "clusters": ["Cluster 1"]}
    first = inventory(sim, tmp_path, cache, name="lab.cloudera_manager.yml")
    assert first.returncode == 0, first.stderr
    listing = json.loads(first.stdout)
    assert "node4.example.com" not in listing["_meta"]["hostvars"] and "cm_unassigned" not in listing
    requests = len(sim.log.entries())
    second = inventory(sim, tmp_path, cache, name="lab.cloudera_manager.yml")
    assert json.loads(second.stdout) == listing
    assert len(sim.log.entries()) == requests  # answered from the cache


def test_bad_credentials_and_file_names(sim, tmp_path):
    refused = inventory(sim, tmp_path, {}, env={"CM_PASSWORD": "wrong"})
    assert "authentication failed" in refused.stderr and "Traceback" not in refused.stderr, refused.stderr
    # Another file name is not this plugin's: it is skipped and CM is not asked.
    requests = len(sim.log.entries())
    ignored = inventory(sim, tmp_path, {}, name="hosts.yml")
    assert "node1.example.com" not in ignored.stdout and len(sim.log.entries()) == requests


def test_ansible_doc_renders_the_plugin():
    done = subprocess.run([os.path.join(BIN_DIR, "ansible-doc"), "-t", "inventory", "bigdata.platform.cloudera_manager"],
                          env=dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH), capture_output=True, text=True,
                          timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    for text in ("group_prefix", "CM_HOST", "keyed_groups", "cache_plugin", "cm_role_types"):
        assert text in done.stdout, text
