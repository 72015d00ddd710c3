#!/usr/bin/env python3
"""What the demo's platforms hold, read back from the systems' own APIs (not from the playbooks' results).

    demo_summary.py --state-dir .build/demo --passes .build/demo/passes.txt   # the table scripts/demo.sh prints
    demo_summary.py --state-dir .build/demo --expect-empty                    # exit 1 unless nothing is left

Per platform (hosts of playbooks/inventory/demo): VMs in the engine, hosts and services of its Cloudera Manager
cluster, Ceph pools and cephx users (and how many of the keyrings + ceph.conf that ceph_clients delivered under
<state dir>/clients/<platform>/ connect with the rados binding), YARN applications not yet ended, Sahara instances; the queues of the shared
ResourceManager; per pass the changed count of its PLAY RECAP and its wall time. The simulators' URLs and the Ceph
cluster come from the state directory scripts/demo.sh wrote (simulators.json, ceph.json).
"""

import argparse
import base64
import json
import os
import re
import subprocess
import sys
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
INVENTORY = os.path.join(HERE, "..", "playbooks", "inventory", "demo")
RECAP = re.compile(r"^(\S+)\s*:\s*ok=\d+\s+changed=(\d+)", re.M)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
ENDED = ("FINISHED", "FAILED", "KILLED")


def get_json(url, headers=None, body=None, method=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None,
                                     method=method, headers=dict({"Accept": "application/json",
                                                                  "Content-Type": "application/json"},
                                                                 **(headers or {})))
    with urllib.request.urlopen(request, timeout=30) as response:
        payload = response.read()
        return (json.loads(payload) if payload else None), response.headers


def basic(user, password):
    return {"Authorization": "Basic " + base64.b64encode(("%s:%s" % (user, password)).encode()).decode()}


def platforms():
    """{platform: {"prefix", "cluster"}} from the demo inventory (its host_vars name the platform letter)."""
    listing = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-inventory"), "-i", INVENTORY,
                              "--list"], capture_output=True, text=True, check=True).stdout
    hostvars = json.loads(listing)["_meta"]["hostvars"]
    # group_vars/platforms.yml names every resource of a platform demo-<platform_id>-...
    return {host: {"prefix": "demo-%s-" % values["platform_id"], "cluster": values["cm_cluster_display_name"]}
            for host, values in sorted(hostvars.items())}


def vms(urls):
    found, _ = get_json(urls["rhev"] + "/ovirt-engine/api/vms", basic("admin@internal", "secret"))
    return [vm["name"] for vm in found.get("vm", [])]


def cloudera_manager(urls):
    """{cluster display name: {"hosts", "services"}}, and every host CM knows."""
    auth = basic("admin", "admin")
    version = urllib.request.urlopen(urllib.request.Request(urls["cm"] + "/api/version", headers=auth),
                                     timeout=30).read().decode().strip()
    api = "%s/api/%s" % (urls["cm"], version)
    clusters = {}
    for cluster in get_json(api + "/clusters", auth)[0]["items"]:
        path = api + "/clusters/" + urllib.request.quote(cluster["name"], safe="")
        clusters[cluster["displayName"]] = {"hosts": len(get_json(path + "/hosts", auth)[0]["items"]),
                                            "services": len(get_json(path + "/services", auth)[0]["items"])}
    return clusters, len(get_json(api + "/hosts", auth)[0]["items"])


def yarn(urls):
    apps = (get_json(urls["yarn"] + "/ws/v1/cluster/apps?user.name=hadoop")[0] or {}).get("apps") or {}
    running = [app for app in apps.get("app", []) if app["state"] not in ENDED]
    scheduler = get_json(urls["yarn"] + "/ws/v1/cluster/scheduler?user.name=hadoop")[0]["scheduler"]["schedulerInfo"]
    queues = sorted(queue["queueName"] for queue in scheduler.get("queues", {}).get("queue", []))
    return running, queues


def sahara(urls):
    """Sahara's clusters (name -> instance count), templates and registered images, as the demo user sees them."""
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": "demo", "password": "secret", "domain": {"name": "Default"}}}},
        "scope": {"project": {"name": "demo", "domain": {"name": "Default"}}}}}
    _, headers = get_json(urls["sahara"] + "/v3/auth/tokens", body=body, method="POST")
    token = {"X-Auth-Token": headers["X-Subject-Token"]}
    clusters = {cluster["name"]: sum(len(group.get("instances") or []) for group in cluster["node_groups"])
                for cluster in get_json(urls["sahara"] + "/v2/clusters", token)[0]["clusters"]}
    templates = (len(get_json(urls["sahara"] + "/v2/cluster-templates", token)[0]["cluster_templates"])
                 + len(get_json(urls["sahara"] + "/v2/node-group-templates", token)[0]["node_group_templates"]))
    images = len(get_json(urls["sahara"] + "/v2/images", token)[0]["images"])
    return clusters, templates, images


def ceph(state_dir):
    """Pool names and cephx user names, through the demo's Ceph user; None where the demo runs without Ceph."""
    path = os.path.join(state_dir, "ceph.json")
    if not os.path.exists(path):
        return None
    with open(path) as handle:
        connection = json.load(handle)
    import rados  # only where Ceph runs

    cluster = rados.Rados(conffile=connection["conf_file"], name=connection["client_name"],
                          conf={"keyring": connection["keyring"]})
    cluster.connect(timeout=30)
    try:
        users = json.loads(cluster.mon_command(json.dumps({"prefix": "auth ls", "format": "json"}), b"")[1])
        return cluster.list_pools(), [user["entity"] for user in users["auth_dump"]]
    finally:
        cluster.shutdown()


def delivered_clients(state_dir, host):
    """{client name: connects} for each keyring + ceph.conf ceph_clients delivered to the platform's directory:
    whether librados connects with them as that client (and reads the cluster's fsid)."""
    import glob

    found = {}
    for conf in sorted(glob.glob(os.path.join(state_dir, "clients", host, "*", "ceph.conf"))):
        for keyring in glob.glob(os.path.join(os.path.dirname(conf), "ceph.client.*.keyring")):
            name = os.path.basename(keyring)[len("ceph."):-len(".keyring")]
            found[name] = client_connects(conf, name)
    return found


def client_connects(conf, name):
    import rados  # only where Ceph runs

    cluster = rados.Rados(conffile=conf, name=name)
    try:
        cluster.connect(timeout=30)
        return bool(cluster.get_fsid())
    except rados.Error:
        return False
    finally:
        cluster.shutdown()


def read_state(state_dir):
    with open(os.path.join(state_dir, "simulators.json")) as handle:
        urls = json.load(handle)
    clusters, cm_hosts = cloudera_manager(urls)
    apps, queues = yarn(urls)
    sahara_clusters, sahara_templates, sahara_images = sahara(urls)
    return {"vms": vms(urls), "clusters": clusters, "cm_hosts": cm_hosts, "apps": apps, "queues": queues,
            "sahara": sahara_clusters, "sahara_templates": sahara_templates, "sahara_images": sahara_images,
            "ceph": ceph(state_dir)}


def per_platform(state, platform, clients):
    prefix, cluster = platform["prefix"], state["clusters"].get(platform["cluster"], {})
    pools, users = state["ceph"] or ([], [])
    return {"VMs": sum(name.startswith(prefix) for name in state["vms"]),
            "CM hosts": cluster.get("hosts", 0), "services": cluster.get("services", 0),
            "pools": sum(name.startswith(prefix) for name in pools),
            "keys": sum(name.startswith("client." + prefix) for name in users),
            "keyrings that connect": "%d/%d" % (sum(clients.values()), len(clients)),
            "apps": sum(app["name"].startswith(prefix) for app in state["apps"]),
            "Sahara instances": sum(count for name, count in state["sahara"].items() if name.startswith(prefix))}


def leftovers(state, known):
    """What the platforms left behind: anything named like a platform, any CM cluster or host, any Sahara resource,
    any queue but root.default, any application still running."""
    found = []
    prefixes = tuple(platform["prefix"] for platform in known.values())
    pools, users = state["ceph"] or ([], [])
    found += ["VM " + name for name in state["vms"] if name.startswith(prefixes)]
    found += ["CM cluster " + name for name in state["clusters"]]
    found += ["%d CM hosts" % state["cm_hosts"]] if state["cm_hosts"] else []
    found += ["pool " + name for name in pools if name.startswith(prefixes)]
    found += ["cephx user " + name for name in users if name.startswith(tuple("client." + p for p in prefixes))]
    found += ["queue " + name for name in state["queues"] if name != "default"]
    found += ["YARN app %s (%s)" % (app["name"], app["state"]) for app in state["apps"] if app["name"].startswith(prefixes)]
    found += ["Sahara cluster " + name for name in state["sahara"]]
    found += ["%d Sahara templates" % state["sahara_templates"]] if state["sahara_templates"] else []
    found += ["%d Sahara images" % state["sahara_images"]] if state["sahara_images"] else []
    return found


def passes(path):
    """[(pass, playbook, {platform: changed}, seconds)] from scripts/demo.sh's passes.txt and the passes' logs."""
    rows = []
    with open(path) as handle:
        for line in handle:
            name, playbook, seconds = line.split()
            with open(os.path.join(os.path.dirname(path), name + ".log")) as log:
                text = ANSI.sub("", log.read())
            recap = text[text.rindex("PLAY RECAP"):]
            rows.append((name, playbook, dict(RECAP.findall(recap)), int(seconds)))
    return rows


def table(header, rows):
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows)]
    line = lambda cells: "  ".join(str(cell).ljust(width) for cell, width in zip(cells, widths))  # noqa: E731
    return "\n".join([line(header), line(["-" * width for width in widths])] + [line(row) for row in rows])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--state-dir", required=True)
    parser.add_argument("--passes", help="passes.txt written by scripts/demo.sh")
    parser.add_argument("--expect-empty", action="store_true", help="fail when anything of the platforms is left")
    parser.add_argument("--check-clients", action="store_true",
                        help="fail unless every platform got keyrings and each connects to Ceph (when Ceph runs)")
    args = parser.parse_args(argv)
    known = platforms()
    state = read_state(args.state_dir)
    if args.expect_empty:
        left = leftovers(state, known)
        print("left behind: " + ", ".join(left) if left else "nothing of the platforms is left")
        return 1 if left else 0
    clients = {name: delivered_clients(args.state_dir, name) if state["ceph"] is not None else {} for name in known}
    counts = {name: per_platform(state, platform, clients[name]) for name, platform in known.items()}
    columns = list(next(iter(counts.values())))
    print(table(["platform"] + columns, [[name] + [counts[name][c] for c in columns] for name in counts]))
    print("\nqueues of the shared ResourceManager: " + ", ".join(state["queues"]))
    if state["ceph"] is None:
        print("Ceph: not running in this demo")
    if args.check_clients and state["ceph"] is not None and not all(found and all(found.values()) for found in clients.values()):
        print("demo: a delivered keyring does not connect: %s" % clients, file=sys.stderr)
        return 1
    if args.passes:
        rows = [[name, playbook] + [changed.get(host, "-") for host in known] + ["%d s" % seconds]
                for name, playbook, changed, seconds in passes(args.passes)]
        print("\n" + table(["pass", "playbook"] + ["changed " + host for host in known] + ["wall time"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
