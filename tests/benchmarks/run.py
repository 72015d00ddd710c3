"""Benchmarks of the modules against the simulators with a fixed injected latency (not a pytest test):

    .venv/bin/python tests/benchmarks/run.py [--latency 0.05] [--sizes 1,50,200] [--output tests/benchmarks/RESULTS.md]

1. no-op runs: each module run once more on a resource already in its state -- HTTP requests made
   (Cloudera Manager with the API version pinned and discovered) and wall time, beside
   ansible.builtin.uri doing one GET to the same simulator. A module runs as Ansible runs it on the
   controller: a fresh Python process given its arguments (`python module.py args.json`).
2. waiting overhead: seconds between the simulator finishing an operation (seen in-process, every 5 ms)
   and the module returning, for a short and a long operation (the simulators run at real speed here).
3. scale: one play (real ansible-playbook, the rhev_vms role) managing 1, 50 and 200 VMs: creating
   them (up to --create-up-to; bigger sets are seeded in the simulator), then the same play again
   (no-op); time per resource, beside the same loop of ansible.builtin.uri GETs.
Prints a table and writes it, with the machine and settings, to tests/benchmarks/RESULTS.md.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
sys.path.insert(0, TESTS)

from collection import COLLECTIONS_PATH, REPO_ROOT, ensure_collection_link  # noqa: E402

ensure_collection_link()

from simulators.registry import simulator_class  # noqa: E402

MODULES_DIR = os.path.join(REPO_ROOT, "plugins", "modules")
BIN = os.path.dirname(sys.executable)
CDH_7_1_7 = "7.1.7-1.cdh7.1.7.p0.15945976"
FAST = 200.0


def start(name, speed, latency, **kwargs):
    simulator = simulator_class(name)(speed=speed, **kwargs)
    simulator.start()
    if latency:
        simulator.faults.add(delay=latency, count=10 ** 9)
    return simulator


def run_module(module, args, workdir):
    """Run a module the way Ansible does on the controller; returns (result, seconds)."""
    path = os.path.join(workdir, "args.json")
    with open(path, "w") as handle:
        json.dump({"ANSIBLE_MODULE_ARGS": args}, handle)
    if "." in module:
        command = [sys.executable, "-m", "ansible.modules." + module.rsplit(".", 1)[1], path]
    else:
        command = [sys.executable, os.path.join(MODULES_DIR, module + ".py"), path]
    env = dict(os.environ, PYTHONPATH=COLLECTIONS_PATH)
    began = time.monotonic()
    completed = subprocess.run(command, capture_output=True, text=True, env=env, check=False, timeout=900)
    seconds = time.monotonic() - began
    try:
        result = json.loads(completed.stdout)
    except ValueError:
        raise RuntimeError("%s gave no JSON: %s %s" % (module, completed.stdout[-500:], completed.stderr[-2000:]))
    return result, seconds


def ensure(module, args, workdir):
    result, dummy = run_module(module, args, workdir)
    if result.get("failed"):
        raise RuntimeError("%s failed: %s" % (module, result.get("msg")))
    return result


def measure_noop(label, module, args, simulator, workdir, repeat=5):
    """Median wall time and the requests of one no-op run (the resource is already in its state)."""
    times, requests, changed = [], None, None
    for dummy in range(repeat):
        before = simulator.log.count() if simulator else 0
        result, seconds = run_module(module, args, workdir)
        if result.get("failed"):
            raise RuntimeError("%s failed: %s" % (label, result.get("msg")))
        requests = simulator.log.count() - before if simulator else None
        changed = result.get("changed")
        times.append(seconds)
    times.sort()
    return {"what": label, "requests": requests, "seconds": times[len(times) // 2], "changed": changed}


# -- 1. no-op runs ----------------------------------------------------------------------------------
def noop_benchmarks(latency, workdir, ceph):
    rows = []
    cm = start("cm", FAST, latency)
    yarn = start("yarn", FAST, latency)
    rhev = start("rhev", FAST, latency, sample_vms=True)
    sahara = start("sahara", FAST, latency)
    try:
        cm_args = {"host": "127.0.0.1", "port": cm.port, "username": "admin", "password": "admin"}
        rows.append(measure_noop("ansible.builtin.uri, one GET (CM /api/version)", "ansible.builtin.uri",
                                 {"url": cm.url + "/api/version", "url_username": "admin", "url_password": "admin",
                                  "force_basic_auth": True}, cm, workdir))
        for pinned in (False, True):
            version = {"api_version": "v51"} if pinned else {}
            suffix = " (api_version pinned)" if pinned else " (API version discovered)"
            rows.append(measure_noop("cm_parcel activated" + suffix, "cm_parcel",
                                     dict(cm_args, cluster="Cluster 1", version=CDH_7_1_7, **version), cm, workdir))
            if os.path.exists(os.path.join(MODULES_DIR, "cm_service.py")):
                rows.append(measure_noop("cm_service started" + suffix, "cm_service",
                                         dict(cm_args, cluster="Cluster 1", name="hdfs", state="started", **version),
                                         cm, workdir))
            rows.append(measure_noop("cm_parcel_info, one cluster" + suffix, "cm_parcel_info",
                                     dict(cm_args, cluster="Cluster 1", **version), cm, workdir))

        yarn_args = {"rm_urls": [yarn.url], "user": "hadoop"}
        app = dict(yarn_args, name="bench-app", tags=["bench"], queue="default", state="running",
                   commands=["sleep forever"], environment={"SIM_RUN_SECONDS": "forever"})
        ensure("yarn_app", app, workdir)
        rows.append(measure_noop("yarn_app running", "yarn_app", app, yarn, workdir))
        rows.append(measure_noop("yarn_app_info by name", "yarn_app_info", dict(yarn_args, name="bench-app"), yarn, workdir))

        rhev_args = {"url": rhev.url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret"}
        rows.append(measure_noop("rhev_vm running", "rhev_vm", dict(rhev_args, name="hadoop-master", state="running"),
                                 rhev, workdir))
        rows.append(measure_noop("rhev_vm_info by name", "rhev_vm_info", dict(rhev_args, name="hadoop-master"), rhev, workdir))

        auth = {"auth": sahara.auth_args()}
        with sahara.lock:
            sahara.seed_templates()
        cluster = dict(auth, name="bench", cluster_template="small", default_image="sahara-vanilla-2.7.1")
        ensure("sahara_cluster", cluster, workdir)
        rows.append(measure_noop("sahara_cluster present", "sahara_cluster", cluster, sahara, workdir))
        rows.append(measure_noop("sahara_cluster_info by name", "sahara_cluster_info", dict(auth, name="bench"),
                                 sahara, workdir))
    finally:
        for simulator in (cm, yarn, rhev, sahara):
            simulator.stop()
    if ceph is not None:
        ceph_args = {"conf_file": ceph.conf_file, "keyring": ceph.keyring, "client_name": ceph.client_name}
        ensure("rados_pool", dict(ceph_args, name="bench"), workdir)
        rows.append(measure_noop("rados_pool present (librados, no HTTP)", "rados_pool", dict(ceph_args, name="bench"),
                                 None, workdir))
        rows.append(measure_noop("rados_pool_info, all pools (librados)", "rados_pool_info", ceph_args, None, workdir))
    return rows


# -- 2. waiting overhead ----------------------------------------------------------------------------
def watch(simulator, finished, stop):
    """The monotonic time when finished() first holds, looking every 5 ms under the simulator's lock."""
    seen = {}

    def poll():
        while not stop.is_set():
            with simulator.lock:
                if finished():
                    seen["at"] = time.monotonic()
                    return
            time.sleep(0.005)

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    return seen, thread


def waiting_overhead(label, module, args, simulator, finished, workdir):
    stop = threading.Event()
    seen, thread = watch(simulator, finished, stop)
    began = time.monotonic()
    result, dummy = run_module(module, args, workdir)
    returned = time.monotonic()
    stop.set()
    thread.join()
    if result.get("failed") or "at" not in seen:
        raise RuntimeError("%s: %s" % (label, result.get("msg") or "the simulator never finished"))
    return {"what": label, "operation": seen["at"] - began, "overhead": returned - seen["at"]}


def waiting_benchmarks(latency, workdir):
    rows = []
    rhev = start("rhev", 1.0, latency, sample_vms=True)
    sahara = start("sahara", 1.0, latency, stage_seconds=4.0)
    try:
        rhev_args = {"url": rhev.url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret"}

        def vm_up():
            vm = rhev.vm_by_name("hadoop-worker-1")
            return vm is not None and vm["status"] == "up"

        rows.append(waiting_overhead("rhev_vm start (short: ~5 s)", "rhev_vm",
                                     dict(rhev_args, name="hadoop-worker-1", state="running"), rhev, vm_up, workdir))

        def cluster_active():
            return any(c["name"] == "bench" and c["status"] == "Active" for c in sahara.live_clusters())

        with sahara.lock:
            sahara.seed_templates()
        cluster = {"auth": sahara.auth_args(), "name": "bench", "cluster_template": "small",
                   "default_image": "sahara-vanilla-2.7.1"}
        rows.append(waiting_overhead("sahara_cluster create (long: ~28 s)", "sahara_cluster", cluster, sahara,
                                     cluster_active, workdir))
    finally:
        rhev.stop()
        sahara.stop()
    return rows


# -- 3. scale ---------------------------------------------------------------------------------------
GIB = 1024 ** 3


def scale_benchmarks(latency, sizes, create_up_to, workdir):
    """Per size: create the VMs with the play (sizes up to create_up_to), or seed them in the simulator,
    then the same play again, a no-op. Then, as a yardstick, the same loop of ansible.builtin.uri GETs."""
    rows = []
    for size in sizes:
        rhev = start("rhev", FAST, latency)
        try:
            vms = [{"name": "scale-%03d" % index, "cluster": "Default", "memory": "1GiB"} for index in range(size)]
            if size <= create_up_to:
                rows.append(scale_run("%d VMs, create" % size, rhev, rhev_play(rhev, vms), size, workdir))
            else:
                with rhev.lock:
                    for vm in vms:
                        rhev.add_vm(vm["name"], memory=GIB)
            rows.append(scale_run("%d VMs, no-op" % size, rhev, rhev_play(rhev, vms), size, workdir))
            if size == create_up_to:
                rows.append(scale_run("%d x ansible.builtin.uri GET (yardstick)" % size, rhev,
                                      uri_play(rhev, size), size, workdir))
        finally:
            rhev.stop()
    return rows


def rhev_play(rhev, vms):
    return [{"name": "scale", "hosts": "platform", "gather_facts": False,
             "module_defaults": {"group/bigdata.platform.rhev": {
                 "url": rhev.url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret"}},
             "roles": [{"role": "bigdata.platform.rhev_vms",
                        "vars": {"rhev_vms_default_state": "present", "rhev_vms_list": vms}}]}]


def uri_play(rhev, size):
    get = {"url": rhev.url + "/ovirt-engine/api", "status_code": [200, 401]}
    return [{"name": "yardstick", "hosts": "platform", "gather_facts": False,
             "tasks": [{"name": "one GET per item", "ansible.builtin.uri": get, "loop": list(range(size))}]}]


def scale_run(label, simulator, play, size, workdir):
    inventory = os.path.join(workdir, "scale-inventory.yml")
    with open(inventory, "w") as handle:
        json.dump({"all": {"hosts": {"platform": {"ansible_connection": "local",
                                                  "ansible_python_interpreter": sys.executable}}}}, handle)
    playbook = os.path.join(workdir, "scale.yml")
    with open(playbook, "w") as handle:
        json.dump(play, handle)
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=COLLECTIONS_PATH, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCAL_TEMP=os.path.join(workdir, "ansible-tmp"), PATH=BIN + os.pathsep + os.environ["PATH"])
    before = simulator.log.count()
    began = time.monotonic()
    completed = subprocess.run([os.path.join(BIN, "ansible-playbook"), "-i", inventory, playbook], env=env,
                               capture_output=True, text=True, check=False, timeout=1800)
    seconds = time.monotonic() - began
    if completed.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (label, completed.stdout[-3000:]))
    changed = completed.stdout.count("changed: [platform] => (item=")
    return {"what": label, "seconds": seconds, "per_resource": seconds / size,
            "requests": simulator.log.count() - before, "changed": changed}


# -- report -----------------------------------------------------------------------------------------
def table(headers, rows):
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for dummy in headers) + "|"]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def report(settings, noop, waiting, scale):
    parts = ["# Benchmarks", "",
             "Measured by `.venv/bin/python tests/benchmarks/run.py` on %s (%s, %d CPUs, Python %s, load average %s "
             "at the start), %s. Injected latency: %d ms on every simulator request." % (
                 settings["date"], platform.machine(), os.cpu_count(), platform.python_version(),
                 settings["load"], settings["host"], settings["latency"] * 1000),
             "", "## 1. No-op runs (resource already in its state)", "",
             "A module runs as Ansible runs it on the controller (a fresh Python process); median of 5 runs.", "",
             table(["run", "HTTP requests", "wall time (s)", "changed"],
                   [(row["what"], "n/a" if row["requests"] is None else row["requests"], "%.2f" % row["seconds"],
                     row["changed"]) for row in noop]),
             "", "## 2. Waiting overhead", "",
             "Seconds between the simulator finishing the operation (seen in-process every 5 ms) and the module "
             "returning; the simulators run at real speed. Polling backs off exponentially from 0.2 s to at most 5 s.", "",
             table(["operation", "operation took (s)", "overhead after it finished (s)"],
                   [(row["what"], "%.2f" % row["operation"], "%.2f" % row["overhead"]) for row in waiting]),
             "", "## 3. Scale: one play, the rhev_vms role, N VMs", "",
             "Real ansible-playbook, one host, the role's loop (one module run per VM, one after the other). "
             "VMs of the largest size are seeded in the simulator, so only the no-op pass (a re-run of the play) "
             "is timed there. `changed` counts the items reported changed.", "",
             table(["run", "wall time (s)", "time per item (s)", "HTTP requests", "changed"],
                   [(row["what"], "%.1f" % row["seconds"], "%.2f" % row["per_resource"], row["requests"], row["changed"])
                    for row in scale]),
             ""]
    return "\n".join(parts)


def optional_ceph(workdir):
    try:
        from ceph_cluster import CephCluster, missing_binaries
    except ImportError:
        return None
    if missing_binaries():
        return None
    return CephCluster(os.path.join(workdir, "ceph")).start()


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds added to every simulator request")
    parser.add_argument("--sizes", default="1,50,200", help="resources per play for the scale runs")
    parser.add_argument("--create-up-to", type=int, default=50,
                        help="largest size also created by the play (bigger ones are seeded, then only the no-op is timed)")
    parser.add_argument("--no-ceph", action="store_true", help="skip rados_pool (needs a local Ceph cluster)")
    parser.add_argument("--output", default=os.path.join(HERE, "RESULTS.md"))
    args = parser.parse_args(argv)
    settings = {"latency": args.latency, "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                "load": "%.1f" % os.getloadavg()[0], "host": platform.platform(terse=True)}
    began = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="bigdata-bench-") as workdir:
        ceph = None if args.no_ceph else optional_ceph(workdir)
        try:
            noop = noop_benchmarks(args.latency, workdir, ceph)
        finally:
            if ceph is not None:
                ceph.stop()
        waiting = waiting_benchmarks(args.latency, workdir)
        scale = scale_benchmarks(args.latency, [int(size) for size in args.sizes.split(",")], args.create_up_to, workdir)
    text = report(settings, noop, waiting, scale)
    text += "\nWhole run: %.0f s.\n" % (time.monotonic() - began)
    print(text)
    with open(args.output, "w") as handle:
        handle.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
