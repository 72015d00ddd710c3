#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_ec_profile
short_description: Manage Ceph erasure code profiles through librados
version_added: 0.2.0
description:
  - Create, recreate or delete an erasure code profile, talking to the monitors through librados.
  - Only the options given are compared with the profile, so a second run reports no change.
  - The data of an erasure-coded pool is laid out by its profile, so a profile that a pool uses is never changed or
    deleted; the task fails and names the pools. A profile no pool uses is recreated with O(force=true).
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the profile.
    type: str
    required: true
  state:
    description: Whether the profile exists. V(absent) refuses a profile that a pool uses, naming the pool.
    type: str
    default: present
    choices: [present, absent]
  k:
    description: Number of data chunks. Ceph's default (2) when creating without it.
    type: int
  m:
    description: Number of coding chunks. Ceph's default (2) when creating without it.
    type: int
  plugin:
    description: Erasure code plugin, such as V(jerasure), V(isa), V(lrc), V(shec) or V(clay). Ceph's default (V(jerasure)) when not given.
    type: str
  technique:
    description: The plugin's technique, such as V(reed_sol_van) for V(jerasure).
    type: str
  crush_root:
    description: The CRUSH bucket the pools' rule starts from (C(crush-root)); V(default) when not given.
    type: str
  crush_failure_domain:
    description: The CRUSH bucket type no two chunks share (C(crush-failure-domain)), such as V(host) (Ceph's default) or V(osd).
    type: str
  crush_device_class:
    description: Only OSDs of this device class (C(crush-device-class)), such as V(ssd) or V(hdd).
    type: str
  stripe_unit:
    description:
      - Bytes of a data chunk per stripe, a number or a size such as V(4K) (powers of 1024).
    type: raw
  force:
    description:
      - Recreate a profile whose options differ from those given. A recreated profile holds only the options given and
        Ceph's defaults for the others. A profile that a pool uses is never recreated.
    type: bool
    default: false
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes
seealso:
  - module: bigdata.platform.rados_pool
  - module: bigdata.platform.rados_crush_rule
"""

EXAMPLES = r"""
- name: Four data and two coding chunks, on separate hosts, on SSDs
  bigdata.platform.rados_ec_profile:
    name: k4m2-ssd
    k: 4
    m: 2
    crush_failure_domain: host
    crush_device_class: ssd
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible

- name: An erasure-coded pool on it
  bigdata.platform.rados_pool:
    name: objects-ec
    pool_type: erasure
    erasure_profile: k4m2-ssd
    application: rgw

- name: Remove a profile no pool uses any more
  bigdata.platform.rados_ec_profile:
    name: k2m1-old
    state: absent
"""

RETURN = r"""
profile:
  description: The profile after the task (predicted in check mode); null when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: Profile name.
      type: str
    k:
      description: Data chunks.
      type: int
    m:
      description: Coding chunks.
      type: int
    plugin:
      description: Erasure code plugin.
      type: str
    technique:
      description: The plugin's technique (null when the plugin has none).
      type: str
    crush_root:
      description: CRUSH root.
      type: str
    crush_failure_domain:
      description: CRUSH failure domain.
      type: str
    crush_device_class:
      description: Device class (null for any).
      type: str
    stripe_unit:
      description: Stripe unit in bytes (null when the profile does not set it).
      type: int
    other:
      description: The profile's other keys as Ceph holds them (such as C(w) or C(jerasure-per-chunk-alignment)).
      type: dict
  sample:
    name: k4m2-ssd
    k: 4
    m: 2
    plugin: jerasure
    technique: reed_sol_van
    crush_root: default
    crush_failure_domain: host
    crush_device_class: ssd
    stripe_unit: null
    other: {jerasure-per-chunk-alignment: "false", w: "8"}
diff:
  description: The profile before and after (with C(--diff)).
  returned: always
  type: dict
"""

import re

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import crush
from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import CEPH_ARGS, CephCommandError
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.module import (
    apply_changes, differences, make_diff, merge_specs, parse_size,
)

OPTIONS = tuple(option for option, dummy in crush.PROFILE_KEYS)


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        k=dict(type="int"),
        m=dict(type="int"),
        plugin=dict(type="str"),
        technique=dict(type="str"),
        crush_root=dict(type="str"),
        crush_failure_domain=dict(type="str"),
        crush_device_class=dict(type="str"),
        stripe_unit=dict(type="raw"),
        force=dict(type="bool", default=False),
    ))


def desired_from(params):
    crush.refuse_empty(params, [option for option in OPTIONS if option not in ("k", "m")])
    for option in ("k", "m"):
        if params[option] is not None and params[option] < 1:
            raise OptionError(option, params[option], "must be 1 or more")
    desired = {option: params[option] for option in OPTIONS}
    desired["stripe_unit"] = parse_size(params["stripe_unit"], "stripe_unit")
    return desired


def refusal(name, params, exc):
    """Ceph's refusal of a profile, naming the option it is about where Ceph's message tells (such as
    'technique=x is not a valid coding technique', 'load dlopen(.../libec_x.so)', 'could not convert k=...')."""
    for option, key in crush.PROFILE_KEYS:
        pattern = re.escape("libec_%s.so" % params[option]) if option == "plugin" else r"(?<![\w-])%s=" % re.escape(key)
        if params[option] is not None and re.search(pattern, exc.ceph_message):
            return exc.for_option(option, params[option], "was refused by Ceph for erasure code profile '%s'" % name)
    return PlatformError("erasure code profile '%s' was refused by Ceph: %s: %s" % (name, exc.errno_name, exc.ceph_message),
                         **exc.details)


def ensure_present(module, client, current):
    params = module.params
    name = params["name"]
    desired = desired_from(params)
    crush.check_placement(client, desired["crush_root"], desired["crush_failure_domain"], desired["crush_device_class"],
                          options=("crush_root", "crush_failure_domain", "crush_device_class"))
    changes = differences(current, desired)
    if not changes:
        return dict(changed=False, profile=current, diff=make_diff(current, current))
    if current is not None:
        crush.refuse_unless_replaceable(client, crush.PROFILE, name, changes, params["force"])
    if module.check_mode:
        predicted = apply_changes(current or {"name": name}, changes)
        return dict(changed=True, profile=predicted, diff=make_diff(current, predicted))
    try:
        crush.set_profile(client, name, desired, force=current is not None)
    except CephCommandError as exc:
        raise refusal(name, params, exc) from None
    after = crush.verify_applied(crush.PROFILE, name, crush.get_profile(client, name), desired)
    return dict(changed=True, profile=after, diff=make_diff(current, after))


def main():
    crush.main_for(crush.PROFILE, argument_spec(), ensure_present)


if __name__ == "__main__":
    main()
