# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Erasure code profiles and CRUSH rules: normalisers, the pools that use them, and the mon commands.

Ceph itself guards less than it seems: 'osd erasure-code-profile set --force' rewrites a profile that pools use
(their data layout then no longer matches it), and 'osd crush rule create-replicated' of an existing name answers
success without changing the rule. The modules compare and check the users first.
"""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import (
    HAS_RADOS, RADOS_IMPORT_ERROR, RADOS_LIBRARY, CephCommandError, run_state,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.module import differences, make_diff, parse_size, run_module

# Profile option -> Ceph's key.
PROFILE_KEYS = (("k", "k"), ("m", "m"), ("plugin", "plugin"), ("technique", "technique"),
                ("crush_root", "crush-root"), ("crush_failure_domain", "crush-failure-domain"),
                ("crush_device_class", "crush-device-class"), ("stripe_unit", "stripe_unit"))
RULE_TYPES = {1: "replicated", 3: "erasure"}
CHOOSE_STEPS = ("chooseleaf_firstn", "choose_firstn", "chooseleaf_indep", "choose_indep")


def missing_as_none(read, prefix, **args):
    try:
        return read(prefix, **args)
    except CephCommandError as exc:
        if exc.errno_name == "ENOENT":
            return None
        raise


# -- erasure code profiles ------------------------------------------------------------------------------
def normalise_profile(name, raw):
    known = dict(PROFILE_KEYS).values()
    profile = {option: raw.get(key) or None for option, key in PROFILE_KEYS}
    profile.update(name=name, k=int(raw["k"]), m=int(raw["m"]),
                   stripe_unit=parse_size(raw["stripe_unit"], "stripe_unit") if raw.get("stripe_unit") else None,
                   other={key: value for key, value in sorted(raw.items()) if key not in known})
    return profile


def get_profile(client, name):
    raw = missing_as_none(client.mon_json, "osd erasure-code-profile get", name=name)
    return normalise_profile(name, raw) if raw else None


def set_profile(client, name, profile, force=False):
    """profile: {option: value} of PROFILE_KEYS options; the profile is made of these and Ceph's defaults."""
    words = ["%s=%s" % (key, profile[option]) for option, key in PROFILE_KEYS if profile.get(option) is not None]
    command = dict(prefix="osd erasure-code-profile set", name=name, profile=words)
    if force:
        command["force"] = True
    client.change(command)


def remove_profile(client, name):
    client.change(dict(prefix="osd erasure-code-profile rm", name=name))


# -- CRUSH rules --------------------------------------------------------------------------------------------
def normalise_rule(raw):
    """{name, id, type, root, device_class, failure_domain} from an 'osd crush rule dump' entry."""
    take = next((step["item_name"] for step in raw["steps"] if step["op"] == "take"), "")
    root, dummy, device_class = take.partition("~")
    domain = next((step["type"] for step in raw["steps"] if step["op"] in CHOOSE_STEPS), None)
    return {"name": raw["rule_name"], "id": raw["rule_id"], "type": RULE_TYPES.get(raw["type"], str(raw["type"])),
            "root": root, "device_class": device_class or None, "failure_domain": domain}


def get_rule(client, name):
    raw = missing_as_none(client.mon_json, "osd crush rule dump", name=name)
    return normalise_rule(raw) if raw else None


def check_placement(client, root, failure_domain, device_class, options=("root", "failure_domain", "device_class")):
    """Refuse a root, bucket type or device class the CRUSH map does not have (Ceph would, but only when sending)."""
    crush = client.mon_json("osd crush dump")
    known = ({bucket["name"] for bucket in crush["buckets"]}, {kind["name"] for kind in crush["types"]},
             {device.get("class") for device in crush["devices"]} - {None})
    for option, value, names, what in zip(options, (root, failure_domain, device_class), known,
                                          ("bucket", "bucket type", "device class")):
        if value and value not in names:
            raise OptionError(option, value, "is not a %s of the CRUSH map (it has %s)" % (what, ", ".join(sorted(names))))


def create_replicated_rule(client, name, root, failure_domain, device_class=None):
    command = dict(prefix="osd crush rule create-replicated", name=name, root=root, type=failure_domain)
    if device_class:
        command["class"] = device_class
    client.change(command)


def create_erasure_rule(client, name, profile):
    client.change(dict(prefix="osd crush rule create-erasure", name=name, profile=profile))


def remove_rule(client, name):
    client.change(dict(prefix="osd crush rule rm", name=name))


# -- what profiles and rules share: pools use them --------------------------------------------------------------
class Kind:
    """A profile or a rule: what pools call it (pool_key), its name in messages, its result key, its read by name
    and its removal."""

    def __init__(self, pool_key, what, result_key, read, remove):
        self.pool_key, self.what, self.result_key, self.read, self.remove = pool_key, what, result_key, read, remove


PROFILE = Kind("erasure_profile", "erasure code profile", "profile", get_profile, remove_profile)
RULE = Kind("rule", "CRUSH rule", "rule", get_rule, remove_rule)


def main_for(kind, argument_spec, ensure_present):
    """The main() of rados_crush_rule and rados_ec_profile: read the rule or profile by name, then
    ensure_present(module, client, current) or delete it (refused while a pool uses it)."""
    def run(module):
        return run_state(module, kind.read, ensure_present,
                         lambda module, client, current: ensure_absent(module, client, current, kind))

    run_module(argument_spec, run, required_libs=[(RADOS_LIBRARY, HAS_RADOS, RADOS_IMPORT_ERROR)],
               identity=("cluster", "name"))


def refuse_empty(params, options):
    """An option given as '' is refused: Ceph would take it as a value (a rule without root, a profile key set to
    nothing), after the rule or profile was removed to be recreated."""
    for option in options:
        if params[option] is not None and not str(params[option]).strip():
            raise OptionError(option, params[option], "is empty: leave it out for the default, or give a value")


def refuse_if_used(client, kind, name, action):
    """Fail naming the pools that use the profile or rule."""
    users = [pool["name"] for pool in client.pools() if pool[kind.pool_key] == name]
    if users:
        raise PlatformError("%s '%s' cannot be %s: pool%s %s use%s it" % (
            kind.what, name, action, "s" if len(users) > 1 else "", ", ".join("'%s'" % user for user in users),
            "" if len(users) > 1 else "s"), pools=users)


def refuse_unless_replaceable(client, kind, name, changes, force):
    """An existing profile or rule that differs is recreated only when no pool uses it and the task says force."""
    refuse_if_used(client, kind, name, "changed (%s)" % describe_changes(changes))
    if not force:
        raise PlatformError("%s '%s' differs (%s) and no pool uses it: set force: true to recreate it"
                            % (kind.what, name, describe_changes(changes)))


def ensure_absent(module, client, current, kind):
    if current is None:
        return {"changed": False, kind.result_key: None, "diff": make_diff(None, None)}
    refuse_if_used(client, kind, current["name"], "deleted")
    if not module.check_mode:
        kind.remove(client, current["name"])
    return {"changed": True, kind.result_key: None, "diff": make_diff(current, None)}


def verify_applied(kind, name, after, desired):
    """The profile or rule read back after a change, which must be what the task asked for."""
    not_applied = differences(after, desired)
    if not_applied:
        raise OperationFailed("%s '%s': Ceph accepted it but reports %s" % (kind.what, name, describe_changes(not_applied)),
                              last_state=after)
    return after


def describe_changes(changes):
    return ", ".join("%s %s -> %s" % (key, have, wanted) for key, (have, wanted) in sorted(changes.items()))
