# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ceph through librados: the connection, mon commands, pools and the pool normaliser of rados_pool(_info).

Modules only talk librados (the rados Python binding): no ceph CLI, no daemon is started here.
CephClient raises the collection's errors (CephCommandError for a refused mon command) and never
calls fail_json.

The package: Ceph through librados: client.py (connection, mon commands, pools), auth.py (cephx users and
keyrings), crush.py (erasure code profiles, CRUSH rules), cluster.py (cluster facts, health, client
ceph.conf).
"""

from __future__ import annotations

import errno
import json
import os
import re
import traceback

from ansible.module_utils.basic import env_fallback

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError

try:
    import rados
except ImportError:
    rados = None
    RADOS_IMPORT_ERROR = traceback.format_exc()
else:
    RADOS_IMPORT_ERROR = None
HAS_RADOS = rados is not None

# What missing_required_lib() names when the binding is absent: the package and the interpreter to use.
RADOS_LIBRARY = ("rados, the Ceph Python binding from the OS package python3-rados; "
                 "ansible_python_interpreter must point at a Python that can import it, such as /usr/bin/python3")

# Options documented by doc_fragments/ceph.py.
CEPH_ARGS = dict(
    cluster=dict(type="str", default="ceph"),
    conf_file=dict(type="path", fallback=(env_fallback, ["CEPH_CONF"])),
    keyring=dict(type="path", fallback=(env_fallback, ["CEPH_KEYRING"])),
    key=dict(type="str", no_log=True),
    client_name=dict(type="str", default="client.admin", aliases=["user"], fallback=(env_fallback, ["CEPH_CLIENT_NAME"])),
    # no_log: conf can hold 'key'. client_for() unmasks the values of its settings that are not secret.
    conf=dict(type="dict", default={}, no_log=True),
    connect_timeout=dict(type="int", default=10),
)
# conf settings whose value is (or names) a secret, kept hidden from every output.
SECRET_SETTING_WORDS = ("key", "secret", "pass", "token")

POOL_TYPES = {1: "replicated", 3: "erasure"}
# Ceph prints a float that is nan or inf (a target_size_ratio set so by the CLI) bare, which is not JSON.
BARE_NON_FINITE = re.compile(rb"([:\[,]\s*-?)(nan|inf)(?=\s*[,}\]])")
JSON_NON_FINITE = {b"nan": b"NaN", b"inf": b"Infinity"}


class CephCommandError(PlatformError):
    """Ceph refused a command: carries the errno name and Ceph's own message."""

    def __init__(self, what, ret, ceph_message):
        self.errno_name = errno.errorcode.get(abs(ret), str(ret))
        self.ceph_message = (ceph_message or "").strip() or os.strerror(abs(ret))
        super().__init__("%s failed: %s: %s" % (what, self.errno_name, self.ceph_message),
                         errno=self.errno_name, ceph_message=self.ceph_message)

    def for_option(self, option, value, action="was refused by Ceph"):
        """The same failure as an OptionError naming the option the caller was setting."""
        error = OptionError(option, value, "%s: %s: %s" % (action, self.errno_name, self.ceph_message))
        error.details.update(errno=self.errno_name, ceph_message=self.ceph_message)
        return error


def client_for(module, read_only=None):
    """The CephClient of a module (read_only defaults to check mode); the non-secret conf values (mon_host...) show
    in results instead of as ********. (run_module refuses connect_timeout <= 0, which librados takes as forever.)"""
    # Never a value that is also the value of another no_log option (key, secret).
    secrets = {str(value) for option, value in module.params.items()
               if value and option != "conf" and module.argument_spec.get(option, {}).get("no_log")}
    for name, value in module.params["conf"].items():
        if str(value) not in secrets and not any(word in str(name).lower() for word in SECRET_SETTING_WORDS):
            module.no_log_values.discard(str(value))
    return CephClient.from_params(module.params, module.check_mode if read_only is None else read_only)


def run_state(module, read_current, ensure_present, ensure_absent):
    """The run() of a module that manages one named resource: read it, then ensure_<state>(module, client, current).
    A failure after a change was sent says changed: true."""
    client = client_for(module)
    try:
        current = read_current(client, module.params["name"])
        ensure = ensure_absent if module.params["state"] == "absent" else ensure_present
        return ensure(module, client, current)
    except PlatformError as exc:
        if client.changes_made:
            exc.details["changed"] = True
        raise
    finally:
        client.close()


class CephClient:
    """One librados connection, made on first use (never in the constructor); a context manager that closes it."""

    def __init__(self, cluster="ceph", conf_file=None, keyring=None, key=None, client_name="client.admin",
                 conf=None, connect_timeout=10, read_only=False):
        self.cluster = cluster
        self.read_only = read_only
        self.conf_file = conf_file
        self.client_name = client_name if "." in client_name else "client." + client_name
        self.connect_timeout = connect_timeout
        settings = {str(name): str(value) for name, value in (conf or {}).items()}
        # librados' own timeouts are what make a dead monitor fail the task instead of hanging it.
        settings.setdefault("client_mount_timeout", str(connect_timeout))
        settings.setdefault("rados_mon_op_timeout", str(connect_timeout))
        settings.setdefault("rados_osd_op_timeout", str(connect_timeout))
        if keyring:
            settings["keyring"] = keyring
        if key:
            settings["key"] = key
        self.settings = settings
        self._handle = None
        self.changes_made = 0

    @classmethod
    def from_params(cls, params, read_only=False):
        """The client for a module's params; read_only=module.check_mode refuses every changing command."""
        return cls(cluster=params["cluster"], conf_file=params["conf_file"], keyring=params["keyring"], key=params["key"],
                   client_name=params["client_name"], conf=params["conf"], connect_timeout=params["connect_timeout"],
                   read_only=read_only)

    @property
    def handle(self):
        if self._handle is None:
            self._handle = self._connect()
        return self._handle

    def _connect(self):
        # conffile '' makes librados search its defaults ($CEPH_CONF, /etc/ceph/$cluster.conf, ...) and fail when
        # there is none; None reads none, enough when conf names the monitors.
        conffile = self.conf_file or (None if "mon_host" in self.settings else "")
        handle = None
        try:
            handle = rados.Rados(clustername=self.cluster, name=self.client_name, conffile=conffile, conf=self.settings)
            handle.connect(timeout=self.connect_timeout)
        except rados.Error as exc:
            if handle is not None:
                handle.shutdown()
            raise PlatformError("cannot connect to Ceph cluster '%s' as %s (conf_file %s): %s. %s"
                                % (self.cluster, self.client_name, self.conf_file or "from librados' defaults", exc,
                                   connect_hint(getattr(exc, "errno", None), self.connect_timeout)),
                                errno=errno.errorcode.get(getattr(exc, "errno", None) or 0)) from None
        return handle

    def close(self):
        if self._handle is not None:
            self._handle.shutdown()
            self._handle = None

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()

    def mon_command(self, command, inbuf=b"", writes=False):
        """Send one mon command (a dict); (ret, outbuf, outs), a non-zero ret raised as CephCommandError."""
        handle = self.handle
        try:
            ret, outbuf, outs = handle.mon_command(json.dumps(command), inbuf, timeout=self.connect_timeout)
        except rados.Error as exc:
            ret, outs = -(getattr(exc, "errno", None) or errno.EIO), str(exc)
        if ret == -errno.EACCES:
            outs = "%s: the caps of %s do not allow '%s'; it needs %s" % (
                (outs or "access denied").strip(), self.client_name, command["prefix"], caps_needed(command["prefix"], writes))
        if ret != 0:
            raise CephCommandError(describe(command), ret, outs)
        return ret, outbuf, outs

    def mon_json(self, prefix, **args):
        """A read-only mon command's JSON answer."""
        dummy, outbuf, dummy = self.mon_command(dict(args, prefix=prefix, format="json"))
        return parse_json(outbuf) if outbuf.strip() else None

    def monitor_setting(self, name):
        """A setting of the monitors as their configuration database holds it (or its default), as text."""
        dummy, outbuf, dummy = self.mon_command(dict(prefix="config get", who="mon", key=name))
        return outbuf.decode().strip()

    # -- pools --------------------------------------------------------------------------------------
    def pools(self, name=None):
        """Every pool (or the one named), normalised, from one 'osd pool ls detail' and the CRUSH rule names."""
        raw = [pool for pool in self.mon_json("osd pool ls", detail="detail") if name is None or pool["pool_name"] == name]
        if not raw:
            return []
        rules = {rule["rule_id"]: rule["rule_name"] for rule in self.mon_json("osd crush rule dump")}
        return [normalise_pool(pool, rules) for pool in raw]

    def pool(self, name):
        found = self.pools(name)
        return found[0] if found else None

    def erasure_profile(self, name):
        return self.mon_json("osd erasure-code-profile get", name=name)

    def pool_variable(self, pool, var):
        """One 'osd pool get' variable (None when the pool has no value of its own for it)."""
        try:
            return self.mon_json("osd pool get", pool=pool, var=var)[var]
        except CephCommandError as exc:
            if exc.errno_name == "ENOENT" and "is not set" in exc.ceph_message:
                return None
            raise

    def first_object(self, pool):
        """The name of one object in the pool (any namespace), or None when it is empty."""
        ioctx = self.handle.open_ioctx(pool)
        try:
            ioctx.set_namespace(rados.LIBRADOS_ALL_NSPACES)
            for found in ioctx.list_objects():
                return found.key
            return None
        except rados.Error as exc:
            raise PlatformError("cannot list the objects of pool '%s': %s" % (pool, exc)) from None
        finally:
            ioctx.close()

    def create_pool(self, **args):
        self.change(dict(args, prefix="osd pool create"))

    def set_pool(self, pool, var, value, really=False):
        command = dict(prefix="osd pool set", pool=pool, var=var, val=str(value))
        if really:
            command["yes_i_really_mean_it"] = True
        self.change(command)

    def set_quota(self, pool, field, value):
        self.change(dict(prefix="osd pool set-quota", pool=pool, field=field, val=str(value)))

    def enable_application(self, pool, app, really=False):
        self.change(dict(prefix="osd pool application enable", pool=pool, app=app, yes_i_really_mean_it=really))

    def disable_application(self, pool, app):
        self.change(dict(prefix="osd pool application disable", pool=pool, app=app, yes_i_really_mean_it=True))

    def delete_pool(self, pool):
        self.change(dict(prefix="osd pool delete", pool=pool, pool2=pool, yes_i_really_really_mean_it=True))

    def change(self, command, inbuf=b""):
        """Send a mon command that changes the cluster; (ret, outbuf, outs)."""
        # A safety net under check mode: the modules never get here then, and must never.
        if self.read_only:
            raise PlatformError("internal error: '%s' would change the cluster in check mode; nothing was sent" % describe(command))
        answer = self.mon_command(command, inbuf, writes=True)
        self.changes_made += 1
        return answer


def parse_json(outbuf):
    """A mon command's JSON answer, with the bare nan and inf Ceph may print read as Python reads NaN and Infinity."""
    try:
        return json.loads(outbuf)
    except ValueError:
        return json.loads(BARE_NON_FINITE.sub(lambda match: match.group(1) + JSON_NON_FINITE[match.group(2)], outbuf))


def describe(command):
    """'osd pool set size on pool x' style text for error messages."""
    words = [command["prefix"]]
    if "var" in command:
        words.append(command["var"])
    if "pool" in command:
        words.append("on pool '%s'" % command["pool"])
    for key in ("entity", "name"):
        if key in command:
            words.append("of '%s'" % command[key])
    return " ".join(words)


def caps_needed(prefix, writes):
    """The mon caps a command needs, for the message of a refused one."""
    if prefix.startswith("auth"):
        return "mon 'allow rwx' (or 'allow *')" if writes else "mon 'allow rx' at least"
    return "mon 'allow rw'" if writes else "mon 'allow r'"


def connect_hint(error_number, timeout):
    if error_number == errno.ETIMEDOUT:
        return "No monitor answered within connect_timeout=%s s: check mon_host and that the monitors run." % timeout
    if error_number == errno.ENOENT:
        return ("No ceph.conf, no monitor address or no keyring was found: give conf_file (or CEPH_CONF) or conf: {mon_host: ...}, "
                "and keyring (or CEPH_KEYRING) or key.")
    if error_number in (errno.EACCES, errno.EPERM, errno.EINVAL):
        # Ceph answers the same to a wrong key, an unknown user and a user without mon caps.
        return ("Authentication failed or permission denied: the key is not the one of client_name, the user does not "
                "exist, or it has no mon caps (connecting needs at least mon 'allow r').")
    return ""


def normalise_pool(raw, rule_names):
    """The pool as rados_pool and rados_pool_info return it, from an 'osd pool ls detail' entry."""
    options = raw.get("options") or {}
    return {
        "name": raw["pool_name"],
        "id": raw["pool_id"],
        "type": POOL_TYPES.get(raw["type"], str(raw["type"])),
        "size": raw["size"],
        "min_size": raw["min_size"],
        "pg_num": raw["pg_num"],
        # What Ceph converges to: since Nautilus pg_num/pgp_num move towards these targets step by step.
        "pg_num_target": raw.get("pg_num_target", raw["pg_num"]),
        "pgp_num": raw["pg_placement_num"],
        "pgp_num_target": raw.get("pg_placement_num_target", raw["pg_placement_num"]),
        "pg_autoscale_mode": raw.get("pg_autoscale_mode"),
        # Ceph keeps the ratio as a 32-bit float (0.1 comes back as 0.10000000149...).
        "target_size_ratio": round(float(options.get("target_size_ratio", 0.0)), 6),
        "rule": rule_names.get(raw["crush_rule"], str(raw["crush_rule"])),
        "erasure_profile": raw.get("erasure_code_profile") or None,
        "applications": sorted(raw.get("application_metadata") or {}),
        "quota_max_objects": raw.get("quota_max_objects", 0),
        "quota_max_bytes": raw.get("quota_max_bytes", 0),
        "flags": [flag for flag in (raw.get("flags_names") or "").split(",") if flag],
    }
