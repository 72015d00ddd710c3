"""A throwaway one-node Ceph cluster (mon, mgr, one memstore OSD) with cephx on, for the tests.

    cluster = CephCluster("/tmp/x").start()   # ~10 s; daemons fork into the background
    cluster.conf_file, cluster.keyring, cluster.client_name   # what the modules get
    cluster.mon_command("osd pool ls", format="json")          # admin access for test set-up/verification
    cluster.pool(name), cluster.user(name), cluster.users()    # what Ceph holds, for the tests' checks
    cluster.stop()                                             # SIGTERM (then SIGKILL) by pid, never by name

CLI for scripts:
    python tests/ceph_cluster.py start --dir DIR    # prints JSON: conf_file, keyring, client_name, ...
    python tests/ceph_cluster.py stop --dir DIR

Everything (config, keyrings, mon/osd/mgr data, pid files, logs) lives under DIR. The cluster listens on
a free loopback port (msgr v2 only). Pool deletion is allowed through the monitors' config database
(not ceph.conf, which would outrank it), so a test can forbid it with set_option().
"""

import argparse
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid

import rados

DAEMONS = ("ceph-mon", "ceph-osd", "ceph-mgr")
CLIENT_NAME = "client.ansible"
STATE_FILE = "cluster.json"
START_TIMEOUT = 90

CONF_TEMPLATE = """\
[global]
fsid = {fsid}
mon host = [v2:127.0.0.1:{port}]
ms bind msgr1 = false
ms bind retry delay = 1
auth cluster required = cephx
auth service required = cephx
auth client required = cephx
auth allow insecure global id reclaim = false
mon warn on insecure global id reclaim allowed = false
mon warn on pool no redundancy = false
# A test machine's disk is often more than 70% full: MON_DISK_LOW would keep the cluster from HEALTH_OK.
mon data avail warn = 1
mon max pg per osd = 2000
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd crush chooseleaf type = 0
osd objectstore = memstore
memstore device bytes = 536870912
osd op num shards = 2
run dir = {dir}/run
pid file = {dir}/run/$name.pid
admin socket = {dir}/run/$name.asok
log file = {dir}/log/$name.log
crash dir = {dir}/crash
mon data = {dir}/data/$name
osd data = {dir}/data/$name
mgr data = {dir}/data/$name

[mon]
keyring = {dir}/data/$name/keyring

[osd]
keyring = {dir}/data/$name/keyring

[mgr]
keyring = {dir}/data/$name/keyring

[client]
# No keyring here: clients (the modules under test) must be given theirs.
admin socket =
"""

# entity -> caps given at mon mkfs (every key is generated up front, so no auth commands are needed later).
ENTITIES = {
    "mon.": {"mon": "allow *"},
    "client.admin": {"mon": "allow *", "osd": "allow *", "mgr": "allow *", "mds": "allow *"},
    "mgr.x": {"mon": "allow profile mgr", "osd": "allow *", "mds": "allow *"},
    "osd.0": {"mon": "allow profile osd", "mgr": "allow profile osd", "osd": "allow *"},
    # What the tests and the demo give the modules: enough to manage pools, CRUSH rules and cephx users (auth
    # commands need mon 'x'), not client.admin.
    CLIENT_NAME: {"mon": "allow rwx", "osd": "allow rwx", "mgr": "allow rw"},
}


class ClusterError(RuntimeError):
    pass


def free_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def missing_binaries():
    return [name for name in DAEMONS + ("monmaptool", "ceph-authtool") if shutil.which(name) is None]


class CephCluster:
    def __init__(self, directory, port=None):
        self.dir = os.path.abspath(directory)
        self.port = port
        self.conf_file = os.path.join(self.dir, "ceph.conf")
        self.admin_keyring = os.path.join(self.dir, "ceph.client.admin.keyring")
        self.keyring = os.path.join(self.dir, "ceph.%s.keyring" % CLIENT_NAME)
        self.client_name = CLIENT_NAME
        self._admin = None

    # -- public API -------------------------------------------------------------------------------
    def start(self):
        if missing_binaries():
            raise ClusterError("Ceph is not installed (missing %s): apt-get install ceph-mon ceph-osd ceph-mgr "
                               "ceph-common python3-rados" % ", ".join(missing_binaries()))
        attempts = 1 if self.port else 3
        for attempt in range(1, attempts + 1):
            try:
                return self._start_once()
            except ClusterError as exc:
                # The free port found may be taken before the monitor binds it: try another one.
                if "Address already in use" not in str(exc) or attempt == attempts:
                    raise
                self._remove_files()
                self.port = None
        raise AssertionError("not reached")

    def _start_once(self):
        started = time.monotonic()
        # Before the try: a failed start stops this directory's daemons, which here belong to a running cluster.
        if os.path.exists(os.path.join(self.dir, STATE_FILE)):
            raise ClusterError("%s already holds a cluster; stop it first" % self.dir)
        try:
            self._prepare()
            self._start_daemon("ceph-mon", "a")
            self._connect_admin()
            self.mon_command("config set", who="mon", name="mon_allow_pool_delete", value="true")
            osd_uuid = str(uuid.uuid4())
            osd_id = json.loads(self.mon_command("osd new", uuid=osd_uuid, format="json"))["osdid"]
            self._run(["ceph-osd", "-c", self.conf_file, "-i", str(osd_id), "--mkfs", "--osd-uuid", osd_uuid])
            self._start_daemon("ceph-osd", str(osd_id))
            self._start_daemon("ceph-mgr", "x")
            self._wait_for_osd_up(started)
        except BaseException:
            self.stop()
            raise
        self._write_state(time.monotonic() - started)
        return self

    def _remove_files(self):
        for name in os.listdir(self.dir):
            path = os.path.join(self.dir, name)
            if os.path.isdir(path):
                shutil.rmtree(path)
            else:
                os.remove(path)

    def close(self):
        """Drop the admin connection (the daemons keep running)."""
        if self._admin is not None:
            self._admin.shutdown()
            self._admin = None

    def stop(self):
        """Stop every daemon this cluster started, by the pids in its pid files; returns the pids still alive (none)."""
        self.close()
        # A pid file can outlive its daemon, and the pid be reused: signal only processes running on our ceph.conf.
        pids = [pid for pid in self.pids().values() if self._runs_here(pid)]
        for pid in pids:
            _signal(pid, signal.SIGTERM)
        deadline = time.monotonic() + 2  # memstore keeps nothing worth a clean shutdown (the OSD takes ~5 s)
        for pid in pids:
            while _alive(pid) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid):
                _signal(pid, signal.SIGKILL)
        deadline = time.monotonic() + 5
        while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
            time.sleep(0.1)
        return [pid for pid in pids if _alive(pid)]

    def _runs_here(self, pid):
        try:
            with open("/proc/%d/cmdline" % pid, "rb") as handle:
                return self.conf_file.encode() in handle.read().split(b"\0")
        except OSError:
            return False

    def info(self):
        return {"dir": self.dir, "conf_file": self.conf_file, "keyring": self.keyring,
                "client_name": self.client_name, "admin_keyring": self.admin_keyring, "port": self.port,
                "pids": self.pids()}

    def pids(self):
        run_dir = os.path.join(self.dir, "run")
        found = {}
        for name in sorted(os.listdir(run_dir)) if os.path.isdir(run_dir) else []:
            if name.endswith(".pid"):
                try:
                    with open(os.path.join(run_dir, name)) as handle:
                        found[name[:-4]] = int(handle.read().strip())
                except (OSError, ValueError):
                    continue
        return found

    def admin(self):
        """A connected librados handle as client.admin (for set-up and verification in tests)."""
        if self._admin is None:
            self._connect_admin()
        return self._admin

    def mon_command(self, prefix, inbuf=b"", **args):
        """Run a mon command as client.admin; returns outbuf as text, raises ClusterError on failure."""
        args["prefix"] = prefix
        ret, outbuf, outs = self.admin().mon_command(json.dumps(args), inbuf, timeout=30)
        if ret != 0:
            raise ClusterError("%s failed (%d): %s" % (prefix, ret, outs))
        return outbuf.decode()

    def set_option(self, name, value, who="mon"):
        self.mon_command("config set", who=who, name=name, value=str(value))

    def pool(self, name):
        """The raw 'osd pool ls detail' entry of a pool, or None."""
        for pool in json.loads(self.mon_command("osd pool ls", detail="detail", format="json")):
            if pool["pool_name"] == name:
                return pool
        return None

    def user(self, name):
        """The 'auth get' entry ({entity, key, caps}) of a cephx user, or None."""
        try:
            return json.loads(self.mon_command("auth get", entity=name, format="json"))[0]
        except ClusterError as exc:
            if "failed to find" in str(exc):
                return None
            raise

    def users(self):
        """Every cephx user's 'auth ls' entry, by name."""
        return {entry["entity"]: entry for entry in json.loads(self.mon_command("auth ls", format="json"))["auth_dump"]}

    def log_tail(self, name, lines=20):
        path = os.path.join(self.dir, "log", "%s.log" % name)
        if not os.path.exists(path):
            return "(no log at %s)" % path
        with open(path, errors="replace") as handle:
            return "".join(handle.readlines()[-lines:])

    # -- steps --------------------------------------------------------------------------------------
    def _prepare(self):
        for sub in ("run", "log", "crash", "data/mon.a", "data/osd.0", "data/mgr.x"):
            os.makedirs(os.path.join(self.dir, sub), exist_ok=True)
        self.port = self.port or free_port()
        fsid = str(uuid.uuid4())
        with open(self.conf_file, "w") as handle:
            handle.write(CONF_TEMPLATE.format(fsid=fsid, port=self.port, dir=self.dir))
        all_keys = os.path.join(self.dir, "mkfs.keyring")
        for entity, caps in ENTITIES.items():
            command = ["ceph-authtool", all_keys, "--gen-key", "-n", entity]
            if not os.path.exists(all_keys):
                command.insert(1, "--create-keyring")
            for service, cap in caps.items():
                command += ["--cap", service, cap]
            self._run(command)
        for entity, path in (("client.admin", self.admin_keyring), (CLIENT_NAME, self.keyring),
                             ("mgr.x", "data/mgr.x/keyring"), ("osd.0", "data/osd.0/keyring")):
            self._export_key(all_keys, entity, os.path.join(self.dir, path))
        monmap = os.path.join(self.dir, "monmap")
        self._run(["monmaptool", "--create", "--fsid", fsid, "--addv", "a", "[v2:127.0.0.1:%d]" % self.port, monmap])
        self._run(["ceph-mon", "-c", self.conf_file, "--mkfs", "-i", "a", "--monmap", monmap, "--keyring", all_keys])

    def _export_key(self, all_keys, entity, path):
        key = self._run(["ceph-authtool", all_keys, "-p", "-n", entity]).strip()
        with open(path, "w") as handle:
            handle.write("[%s]\n\tkey = %s\n" % (entity, key))
        os.chmod(path, 0o600)

    def _start_daemon(self, binary, ident):
        name = "%s.%s" % (binary[len("ceph-"):], ident)
        # Without -f/-d the daemon forks and its parent returns once it has written its pid file.
        self._run([binary, "-c", self.conf_file, "-i", ident])
        pid_file = os.path.join(self.dir, "run", name + ".pid")
        deadline = time.monotonic() + 10
        while not os.path.exists(pid_file):
            if time.monotonic() > deadline:
                raise ClusterError("%s wrote no pid file; its log:\n%s" % (name, self.log_tail(name)))
            time.sleep(0.05)

    def _connect_admin(self):
        handle = rados.Rados(conffile=self.conf_file, name="client.admin", conf={"keyring": self.admin_keyring})
        deadline = time.monotonic() + 20
        while True:
            self._check_daemons()
            try:
                handle.connect(timeout=5)
                break
            except rados.Error as exc:
                if time.monotonic() > deadline:
                    raise ClusterError("cannot reach mon.a on port %s: %s\n%s" % (self.port, exc, self.log_tail("mon.a")))
                handle.shutdown()
                handle = rados.Rados(conffile=self.conf_file, name="client.admin", conf={"keyring": self.admin_keyring})
        self._admin = handle

    def _wait_for_osd_up(self, started):
        while True:
            self._check_daemons()
            osd_map = json.loads(self.mon_command("osd stat", format="json"))
            if osd_map.get("num_up_osds", osd_map.get("osdmap", {}).get("num_up_osds", 0)) >= 1:
                return
            if time.monotonic() - started > START_TIMEOUT:
                raise ClusterError("osd.0 not up after %d s; its log:\n%s" % (START_TIMEOUT, self.log_tail("osd.0")))
            time.sleep(0.2)

    def _check_daemons(self):
        for name, pid in self.pids().items():
            if not _alive(pid):
                raise ClusterError("%s (pid %d) died; log %s/log/%s.log ends with:\n%s"
                                   % (name, pid, self.dir, name, self.log_tail(name)))

    def _write_state(self, seconds):
        state = self.info()
        state["start_seconds"] = round(seconds, 1)
        with open(os.path.join(self.dir, STATE_FILE), "w") as handle:
            json.dump(state, handle, indent=2)

    def _run(self, command):
        completed = subprocess.run(command, capture_output=True, text=True, check=False, timeout=60)
        if completed.returncode != 0:
            raise ClusterError("%s failed (exit %d):\n%s%s"
                               % (" ".join(command), completed.returncode, completed.stdout, completed.stderr))
        return completed.stdout


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie (exited, not yet reaped) is not alive.
    try:
        with open("/proc/%d/stat" % pid) as handle:
            return handle.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def _signal(pid, signum):
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--dir", required=True, help="directory for config, keyrings, data, pid files and logs")
    parser.add_argument("--port", type=int, help="monitor port (default: a free one)")
    options = parser.parse_args(argv)
    cluster = CephCluster(options.dir, port=options.port)
    if options.action == "start":
        try:
            cluster.start()
        except ClusterError as exc:
            print(str(exc), file=sys.stderr)
            return 1
        print(json.dumps(cluster.info(), indent=2))
        cluster.close()
        return 0
    left = cluster.stop()
    if left:
        print("still running after SIGKILL: %s" % left, file=sys.stderr)
        return 1
    state = os.path.join(cluster.dir, STATE_FILE)
    if os.path.exists(state):
        os.remove(state)
    return 0


if __name__ == "__main__":
    sys.exit(main())
