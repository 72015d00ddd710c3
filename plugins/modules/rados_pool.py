#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_pool
short_description: Manage Ceph pools through librados
version_added: 0.1.0
description:
  - Create, change or delete a Ceph pool, talking to the monitors through librados (no C(ceph) CLI, no root on a monitor host).
  - Only the options given are managed. Each is compared with what Ceph converges to (C(pg_num_target), not the C(pg_num) that is
    still moving), so a second run reports no change.
  - A new pool gets every setting Ceph accepts at creation in the C(osd pool create) command, the others (C(min_size), application,
    quotas) right after; the module then reads the pool back and fails if Ceph does not report what was asked.
  - A request Ceph refuses fails the task with the option's name and Ceph's own message (errno name and text).
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the pool.
    type: str
    required: true
  state:
    description:
      - Whether the pool should exist.
      - V(absent) refuses to delete a pool that holds objects unless O(force=true). Deleting a pool that does not exist changes nothing.
      - Ceph itself can forbid deletion (monitor setting C(mon_allow_pool_delete), pool flag C(nodelete)); the task then fails
        and names the setting.
    type: str
    default: present
    choices: [present, absent]
  pool_type:
    description:
      - Kind of a new pool. V(replicated) when not given.
      - Ceph cannot convert a pool; a different value for an existing pool fails the task.
    type: str
    choices: [replicated, erasure]
  erasure_profile:
    description:
      - Erasure code profile of a new erasure pool (Ceph's C(default) when not given). Only with O(pool_type=erasure).
      - Fixed once the pool exists.
    type: str
  rule:
    description:
      - Name of the CRUSH rule the pool uses. Changing it on an existing pool moves the data.
    type: str
  size:
    description:
      - Number of replicas of a replicated pool.
      - The size of an erasure pool is k+m of its profile; giving any other value fails.
      - Ceph allows V(1) only when the monitors have C(mon_allow_pool_size_one=true); this module then also needs O(force=true).
    type: int
  min_size:
    description: Minimum number of replicas (or shards) needed to serve I/O. Applied at creation too.
    type: int
  pg_num:
    description:
      - Number of placement groups Ceph should converge to (compared with C(pg_num_target)).
      - While the PG autoscaler manages the pool it would undo this value, so the task fails unless the pool's
        O(pg_autoscale_mode) is V(off) or V(warn), or this task sets it so. A new pool needs O(pg_autoscale_mode) in the same task.
    type: int
  pgp_num:
    description:
      - Number of placement groups for placement (compared with C(pgp_num_target)); at most O(pg_num). Same autoscaler rule as O(pg_num).
      - Ceph moves it along with O(pg_num) when not given.
    type: int
  pg_autoscale_mode:
    description: Whether the PG autoscaler changes O(pg_num) (V(on)), only warns (V(warn)) or leaves the pool alone (V(off)).
    type: str
    choices: ['on', 'off', warn]
  target_size_ratio:
    description:
      - Expected share of the cluster's capacity, a hint for the autoscaler. V(0) removes the hint.
      - Compared with a tolerance of 1e-6, so a float that Ceph stores a little differently does not flap.
    type: float
  application:
    description:
      - Application the pool is for, such as V(rbd), V(rgw) or V(cephfs). Any other application enabled on the pool is disabled,
        so changing it replaces the old one.
    type: str
  quota_max_objects:
    description: Maximum number of objects in the pool; V(0) means no quota.
    type: int
  quota_max_bytes:
    description:
      - Maximum bytes in the pool; V(0) means no quota. A number of bytes or a size with a unit, such as V(10G) or V(512MiB)
        (K, M, G, T, P and KiB... are powers of 1024; kB, MB, GB... powers of 1000).
    type: raw
  settings:
    description:
      - "Other C(osd pool set) variables, by Ceph's name, such as C({bulk: true, compression_mode: aggressive, nodelete: true})."
      - Each is read with C(osd pool get) and compared with a tolerance for numbers, so a second run changes nothing.
      - Variables that have an option of their own (O(size), O(pg_num), O(rule)...) are refused here.
    type: dict
  force:
    description:
      - With O(state=absent), delete the pool even though it holds objects (they are lost).
      - With O(size=1), confirm it (Ceph's C(--yes-i-really-mean-it)).
    type: bool
    default: false
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes
seealso:
  - module: bigdata.platform.rados_pool_info
"""

EXAMPLES = r"""
- name: A replicated pool for RBD images, three copies, its PG count left to the autoscaler
  bigdata.platform.rados_pool:
    name: rbd-volumes
    size: 3
    min_size: 2
    application: rbd
    target_size_ratio: 0.2
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible

- name: A fixed number of placement groups (the autoscaler must not undo it)
  bigdata.platform.rados_pool:
    name: metrics
    pg_autoscale_mode: "off"
    pg_num: 64
    quota_max_bytes: 500G
    quota_max_objects: 1000000

- name: Other pool variables, for example a bulk pool with compression that cannot be deleted by mistake
  bigdata.platform.rados_pool:
    name: archive
    settings:
      bulk: true
      compression_mode: aggressive
      compression_algorithm: zstd
      nodelete: true

- name: An erasure-coded pool for RGW data with the default profile
  bigdata.platform.rados_pool:
    name: default.rgw.buckets.data
    pool_type: erasure
    erasure_profile: default
    application: rgw

- name: Connection options once for every Ceph task
  module_defaults:
    group/bigdata.platform.ceph:
      conf_file: /etc/ceph/ceph.conf
      keyring: /etc/ceph/ceph.client.ansible.keyring
      client_name: client.ansible
      connect_timeout: 5
  block:
    - name: Remove a scratch pool, even with data in it
      bigdata.platform.rados_pool:
        name: scratch
        state: absent
        force: true
"""

RETURN = r"""
pool:
  description:
    - The pool after the task as Ceph reports it (predicted in check mode); null when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: Pool name.
      type: str
    id:
      description: Pool id.
      type: int
    type:
      description: C(replicated) or C(erasure).
      type: str
    size:
      description: Replicas (k+m for an erasure pool).
      type: int
    min_size:
      description: Minimum replicas to serve I/O.
      type: int
    pg_num:
      description: Current number of placement groups.
      type: int
    pg_num_target:
      description: Number of placement groups Ceph is moving to.
      type: int
    pgp_num:
      description: Current number of placement groups for placement.
      type: int
    pgp_num_target:
      description: pgp_num Ceph is moving to.
      type: int
    pg_autoscale_mode:
      description: C(on), C(off) or C(warn).
      type: str
    target_size_ratio:
      description: Share of capacity hinted to the autoscaler (0.0 when none).
      type: float
    rule:
      description: Name of the CRUSH rule.
      type: str
    erasure_profile:
      description: Erasure code profile; null for a replicated pool.
      type: str
    applications:
      description: Applications enabled on the pool, sorted.
      type: list
      elements: str
    quota_max_objects:
      description: Object quota (0 is none).
      type: int
    quota_max_bytes:
      description: Byte quota (0 is none).
      type: int
    flags:
      description: Pool flags such as C(hashpspool) or C(nodelete).
      type: list
      elements: str
    settings:
      description: The values of the variables given in O(settings), as C(osd pool get) reports them (null when not set).
      type: dict
      returned: when O(settings) is given
  sample:
    name: rbd-volumes
    id: 3
    type: replicated
    size: 3
    min_size: 2
    pg_num: 32
    pg_num_target: 32
    pgp_num: 32
    pgp_num_target: 32
    pg_autoscale_mode: "on"
    target_size_ratio: 0.2
    rule: replicated_rule
    erasure_profile: null
    applications: [rbd]
    quota_max_objects: 0
    quota_max_bytes: 0
    flags: [hashpspool]
diff:
  description: The pool before and after (with C(--diff)).
  returned: always
  type: dict
"""

from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import (
    CEPH_ARGS, HAS_RADOS, RADOS_IMPORT_ERROR, RADOS_LIBRARY, CephCommandError, run_state,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.module import (
    apply_changes, differences, make_diff, merge_specs, parse_size, run_module,
)

# Keys of the normalised pool that an option of another name manages.
OPTION_OF = {"type": "pool_type", "pg_num_target": "pg_num", "pgp_num_target": "pgp_num", "applications": "application"}
# 'osd pool set' variables in the order they are applied: autoscaler off before pg_num, size before min_size.
POOL_SETTINGS = (("pg_autoscale_mode", "pg_autoscale_mode"), ("rule", "crush_rule"), ("size", "size"),
                 ("min_size", "min_size"), ("pg_num_target", "pg_num"), ("pgp_num_target", "pgp_num"),
                 ("target_size_ratio", "target_size_ratio"))
QUOTAS = (("quota_max_objects", "max_objects"), ("quota_max_bytes", "max_bytes"))
# Words of Ceph's message on a refused 'osd pool create' -> the option it is about.
CREATE_ERROR_WORDS = (("pgp_num", "pgp_num"), ("pg_num", "pg_num"), ("rule", "rule"), ("erasure", "erasure_profile"),
                      ("size", "size"), ("autoscale", "pg_autoscale_mode"))
RATIO_TOLERANCE = 1e-6
# Ceph keeps target_size_ratio as a 32-bit float: nan, inf and anything above this would be set, and then listed as a
# bare nan or inf that no JSON parser reads.
MAX_RATIO = 3.4e38
# Ceph creates a pool with size 0 or pg_num 0 and refuses the value only in the next command.
LEAST_VALUES = (("size", 1), ("min_size", 1), ("pg_num", 1), ("pgp_num", 1), ("quota_max_objects", 0))
# 'osd pool set' variables that have an option of their own.
OWN_OPTION = {"size": "size", "min_size": "min_size", "pg_num": "pg_num", "pgp_num": "pgp_num", "crush_rule": "rule",
              "pg_autoscale_mode": "pg_autoscale_mode", "target_size_ratio": "target_size_ratio"}


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        pool_type=dict(type="str", choices=["replicated", "erasure"]),
        erasure_profile=dict(type="str"),
        rule=dict(type="str"),
        size=dict(type="int"),
        min_size=dict(type="int"),
        pg_num=dict(type="int"),
        pgp_num=dict(type="int"),
        pg_autoscale_mode=dict(type="str", choices=["on", "off", "warn"]),
        target_size_ratio=dict(type="float"),
        application=dict(type="str"),
        quota_max_objects=dict(type="int"),
        quota_max_bytes=dict(type="raw"),
        settings=dict(type="dict"),
        force=dict(type="bool", default=False),
    ))


def option_of(key):
    return OPTION_OF.get(key, key)


def desired_from(params, exists):
    """The normalised pool keys this task manages (None: not managed)."""
    pool_type = params["pool_type"] or (None if exists else "replicated")
    return {
        "type": pool_type,
        "erasure_profile": params["erasure_profile"],
        "rule": params["rule"],
        "size": params["size"],
        "min_size": params["min_size"],
        "pg_num_target": params["pg_num"],
        "pgp_num_target": params["pgp_num"],
        "pg_autoscale_mode": params["pg_autoscale_mode"],
        "target_size_ratio": params["target_size_ratio"],
        "applications": [params["application"]] if params["application"] else None,
        "quota_max_objects": params["quota_max_objects"],
        "quota_max_bytes": parse_size(params["quota_max_bytes"], "quota_max_bytes"),
        "settings": params["settings"] or None,
    }


def same(key, have, wanted):
    if key == "target_size_ratio":
        return have is not None and abs(have - wanted) <= RATIO_TOLERANCE
    if key == "settings":
        return all(same_setting((have or {}).get(var), value) for var, value in wanted.items())
    return have == wanted


def same_setting(have, wanted):
    """Ceph answers 0/1, true/false or a number for what a task may write as a bool, a string or a number."""
    have, wanted = setting_value(have), setting_value(wanted)
    if isinstance(have, float) and isinstance(wanted, float):
        return abs(have - wanted) <= RATIO_TOLERANCE
    return have == wanted


def setting_value(value):
    if isinstance(value, bool) or str(value).lower() in ("true", "false"):
        return float(str(value).lower() == "true")
    try:
        return float(value)
    except (TypeError, ValueError):
        return value


def with_settings(client, pool, wanted):
    """The pool with the current values of the variables the task manages under 'settings'."""
    if pool is None or not wanted:
        return pool
    values = {}
    for var, value in wanted.items():
        try:
            values[var] = client.pool_variable(pool["name"], var)
        except CephCommandError as exc:
            raise exc.for_option("settings.%s" % var, value, "cannot be read from Ceph") from None
    return dict(pool, settings=values)


def check_request(client, params, desired, current):
    """Refuse, before sending anything, what Ceph would silently ignore, undo, or refuse only after creating the pool."""
    name = params["name"]
    for option, least in LEAST_VALUES:
        if params[option] is not None and params[option] < least:
            raise OptionError(option, params[option], "must be %d or more" % least)
    ratio = params["target_size_ratio"]
    if ratio is not None and not ratio <= MAX_RATIO:  # nan compares false to everything
        raise OptionError("target_size_ratio", ratio, "is not a ratio Ceph can keep: it holds a 32-bit float, so a finite "
                          "number up to %g" % MAX_RATIO)
    for var, value in (desired["settings"] or {}).items():
        if var in OWN_OPTION:
            raise OptionError("settings.%s" % var, value, "has an option of its own: use %s" % OWN_OPTION[var])
    for option in ("pg_num", "pgp_num"):
        mode = params["pg_autoscale_mode"] or (current or {}).get("pg_autoscale_mode")
        if params[option] is not None and mode in (None, "on"):
            raise OptionError(option, params[option], "would be undone by the PG autoscaler: pg_autoscale_mode is %s for pool '%s'. "
                              "Set pg_autoscale_mode to off or warn in the same task, or leave %s out"
                              % ("on" if mode else "on by default", name, option))
    if current is not None:
        for key in ("type", "erasure_profile"):
            if desired[key] is not None and desired[key] != current[key]:
                raise OptionError(option_of(key), desired[key], "cannot be applied: pool '%s' exists with %s %s and Ceph cannot "
                                  "convert a pool; create a new pool and move the data" % (name, key, current[key]))
        return
    if desired["type"] == "replicated" and desired["erasure_profile"]:
        raise OptionError("erasure_profile", desired["erasure_profile"], "needs pool_type: erasure")
    if desired["type"] == "erasure":
        check_erasure_size(client, desired)


def check_erasure_size(client, desired):
    profile_name = desired["erasure_profile"] or "default"
    try:
        profile = client.erasure_profile(profile_name)
    except CephCommandError as exc:
        raise exc.for_option("erasure_profile", profile_name, "is unknown to Ceph") from None
    shards = int(profile.get("k", 0)) + int(profile.get("m", 0))
    if desired["size"] is not None and desired["size"] != shards:
        raise OptionError("size", desired["size"], "cannot be set on an erasure pool: its size is k+m of erasure profile '%s' (%d)"
                          % (profile_name, shards))


def create_pool(client, params, desired):
    args = {"pool": params["name"], "pool_type": desired["type"], "pg_num": desired["pg_num_target"],
            "pgp_num": desired["pgp_num_target"], "rule": desired["rule"], "autoscale_mode": desired["pg_autoscale_mode"],
            "target_size_ratio": desired["target_size_ratio"]}
    if desired["type"] == "erasure":
        args["erasure_code_profile"] = desired["erasure_profile"]
    else:
        args["size"] = desired["size"]
    try:
        client.create_pool(**{key: value for key, value in args.items() if value is not None})
    except CephCommandError as exc:
        for word, option in CREATE_ERROR_WORDS:
            if word in exc.ceph_message and params[option] is not None:
                raise exc.for_option(option, params[option], "was refused by Ceph creating pool '%s'" % params["name"]) from None
        raise


def apply_settings(client, name, current, changes, force):
    """Send one command per changed setting; a refusal names the option."""
    for key, var in POOL_SETTINGS:
        if key in changes:
            value = changes[key][1]
            confirm = var == "size" and value == 1 and force
            refused_as_option(key, value, client.set_pool, name, var, value, confirm)
    if "applications" in changes:
        update_applications(client, name, current["applications"] if current else [], changes["applications"][1][0])
    for key, field in QUOTAS:
        if key in changes:
            refused_as_option(key, changes[key][1], client.set_quota, name, field, changes[key][1])
    if "settings" in changes:
        have = (current or {}).get("settings") or {}
        for var, value in changes["settings"][1].items():
            if not same_setting(have.get(var), value):
                text = str(value).lower() if isinstance(value, bool) else value
                refused_as_option("settings.%s" % var, value, client.set_pool, name, var, text)


def update_applications(client, name, enabled, wanted):
    if wanted not in enabled:
        # Ceph asks for confirmation when the pool already has an application: replacing it is what the task asks.
        refused_as_option("applications", wanted, client.enable_application, name, wanted, bool(enabled))
    for app in enabled:
        if app != wanted:
            refused_as_option("applications", wanted, client.disable_application, name, app)


def refused_as_option(key, value, call, *args):
    try:
        call(*args)
    except CephCommandError as exc:
        hint = ""
        if key == "size" and value == 1:
            hint = " (size 1 needs mon_allow_pool_size_one=true on the monitors and force: true in the task)"
        raise exc.for_option(option_of(key), value, "was refused by Ceph%s" % hint) from None


def ensure_present(module, client, current):
    params = module.params
    desired = desired_from(params, current is not None)
    check_request(client, params, desired, current)
    current = with_settings(client, current, desired["settings"])
    changes = differences(current, desired, same)
    if not changes:
        return dict(changed=False, pool=current, diff=make_diff(current, current))
    if module.check_mode:
        predicted = apply_changes(current or {"name": params["name"]}, changes)
        return dict(changed=True, pool=predicted, diff=make_diff(current, predicted))
    before = current
    if current is None:
        create_pool(client, params, desired)
        current = with_settings(client, client.pool(params["name"]), desired["settings"])
        changes = differences(current, desired, same)
    try:
        apply_settings(client, params["name"], current, changes, params["force"])
    except PlatformError as exc:
        if before is None:
            raise PlatformError("pool '%s' was created, but %s" % (params["name"], exc), **exc.details) from None
        raise
    after = with_settings(client, client.pool(params["name"]), desired["settings"])
    not_applied = differences(after, desired, same)
    if not_applied:
        raise OperationFailed("pool '%s': Ceph accepted the commands but reports %s" % (params["name"], ", ".join(
            "%s %r (wanted %r)" % (option_of(key), have, wanted) for key, (have, wanted) in sorted(not_applied.items()))),
            last_state=after)
    return dict(changed=True, pool=after, diff=make_diff(before, after))


def ensure_absent(module, client, current):
    if current is None:
        return dict(changed=False, pool=None, diff=make_diff(None, None))
    name = current["name"]
    if not module.params["force"]:
        refuse_if_not_empty(client, name)
    if module.check_mode:
        refuse_what_ceph_would(client, current)
    if not module.check_mode:
        try:
            client.delete_pool(name)
        except CephCommandError as exc:
            raise PlatformError("%s (deletion is blocked by %s)" % (exc, blocking_setting(current, exc)),
                                **exc.details) from None
    return dict(changed=True, pool=None, diff=make_diff(current, None))


def refuse_what_ceph_would(client, pool):
    """Check mode: fail as the deletion would, from what the monitors say, instead of promising it."""
    if "nodelete" in pool["flags"]:
        raise PlatformError("pool '%s' cannot be deleted: its nodelete flag is set" % pool["name"])
    if client.monitor_setting("mon_allow_pool_delete") != "true":
        raise PlatformError("pool '%s' cannot be deleted: the monitors' mon_allow_pool_delete setting is false "
                            "(Ceph would refuse with EPERM)" % pool["name"])


def refuse_if_not_empty(client, name):
    try:
        found = client.first_object(name)
    except PlatformError as exc:
        raise PlatformError("cannot tell whether pool '%s' holds objects (%s; are its placement groups active?): "
                            "set force: true to delete it anyway" % (name, exc)) from None
    if found is not None:
        raise PlatformError("pool '%s' holds objects (such as '%s'): set force: true to delete it with its data" % (name, found))


def blocking_setting(pool, error):
    if "mon_allow_pool_delete" in error.ceph_message:
        return "the monitors' mon_allow_pool_delete setting, which is false"
    if "nodelete" in error.ceph_message or "nodelete" in pool["flags"]:
        return "the pool's nodelete flag: unset it with 'osd pool set %s nodelete false'" % pool["name"]
    return "the cluster"


def run(module):
    return run_state(module, lambda client, name: client.pool(name), ensure_present, ensure_absent)


def main():
    run_module(argument_spec(), run, required_libs=[(RADOS_LIBRARY, HAS_RADOS, RADOS_IMPORT_ERROR)],
               identity=("cluster", "name"))


if __name__ == "__main__":
    main()
