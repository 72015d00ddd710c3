#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_crush_rule
short_description: Manage Ceph CRUSH rules through librados
version_added: 0.2.0
description:
  - Create, recreate or delete a CRUSH rule, talking to the monitors through librados. A replicated rule is made from a
    root, a failure domain and optionally a device class, an erasure rule from an erasure code profile.
  - Ceph cannot edit a rule. A rule that differs from the options is recreated with O(force=true) when no pool uses it;
    a rule that a pool uses is never changed or deleted, and the task fails naming the pool.
  - Roots, failure domains and device classes are checked against the CRUSH map before anything is sent, so check mode
    predicts what Ceph would refuse.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Name of the rule.
    type: str
    required: true
  state:
    description: Whether the rule exists. V(absent) refuses a rule that a pool uses, naming the pool.
    type: str
    default: present
    choices: [present, absent]
  rule_type:
    description: V(replicated) (from O(root), O(failure_domain), O(device_class)) or V(erasure) (from O(erasure_profile)).
    type: str
    default: replicated
    choices: [replicated, erasure]
  root:
    description: The CRUSH bucket the rule starts from. V(default) when creating a replicated rule without it.
    type: str
  failure_domain:
    description: The CRUSH bucket type no two replicas share, such as V(host) (when creating without it), V(rack) or V(osd).
    type: str
  device_class:
    description: Only OSDs of this device class, such as V(ssd), V(hdd) or V(nvme).
    type: str
  erasure_profile:
    description:
      - The erasure code profile an erasure rule takes its root, failure domain and device class from. Required with
        O(rule_type=erasure).
    type: str
  force:
    description: Recreate a rule that differs from the options (only when no pool uses it).
    type: bool
    default: false
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes
seealso:
  - module: bigdata.platform.rados_pool
  - module: bigdata.platform.rados_ec_profile
"""

EXAMPLES = r"""
- name: Replicas on separate hosts, SSDs only
  bigdata.platform.rados_crush_rule:
    name: replicated-ssd
    failure_domain: host
    device_class: ssd
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible

- name: A pool placed by it
  bigdata.platform.rados_pool:
    name: fast
    rule: replicated-ssd

- name: An erasure rule from a profile
  bigdata.platform.rados_crush_rule:
    name: ec-k4m2
    rule_type: erasure
    erasure_profile: k4m2-ssd
"""

RETURN = r"""
rule:
  description: The rule after the task (predicted in check mode); null when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: Rule name.
      type: str
    id:
      description: Rule id (null in check mode for a rule not created yet).
      type: int
    type:
      description: C(replicated) or C(erasure).
      type: str
    root:
      description: The bucket the rule takes.
      type: str
    failure_domain:
      description: The bucket type it separates copies by.
      type: str
    device_class:
      description: The device class, or null for any.
      type: str
  sample: {name: replicated-ssd, id: 2, type: replicated, root: default, failure_domain: host, device_class: ssd}
diff:
  description: The rule before and after (with C(--diff)).
  returned: always
  type: dict
"""

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import crush
from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import CEPH_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import (
    apply_changes, differences, make_diff, merge_specs,
)

PLACEMENT = ("root", "failure_domain", "device_class")


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        rule_type=dict(type="str", default="replicated", choices=["replicated", "erasure"]),
        root=dict(type="str"),
        failure_domain=dict(type="str"),
        device_class=dict(type="str"),
        erasure_profile=dict(type="str"),
        force=dict(type="bool", default=False),
    ))


def desired_from(client, params, exists):
    """The rule the options describe: an erasure rule's placement is its profile's."""
    crush.refuse_empty(params, PLACEMENT + ("erasure_profile",))
    if params["rule_type"] == "replicated":
        if params["erasure_profile"]:
            raise OptionError("erasure_profile", params["erasure_profile"], "needs rule_type: erasure")
        desired = {option: params[option] for option in PLACEMENT}
        if not exists:
            desired["root"] = desired["root"] or "default"
            desired["failure_domain"] = desired["failure_domain"] or "host"
        return dict(desired, type="replicated")
    given = [option for option in PLACEMENT if params[option]]
    if given:
        raise OptionError(given[0], params[given[0]], "cannot be given for an erasure rule: it comes from erasure_profile")
    if not params["erasure_profile"]:
        raise OptionError("erasure_profile", None, "is required with rule_type: erasure")
    profile = crush.get_profile(client, params["erasure_profile"])
    if profile is None:
        raise OptionError("erasure_profile", params["erasure_profile"], "is not an erasure code profile of the cluster")
    return {"type": "erasure", "root": profile["crush_root"] or "default",
            "failure_domain": profile["crush_failure_domain"] or "host", "device_class": profile["crush_device_class"]}


def create_rule(client, params, desired):
    if desired["type"] == "erasure":
        crush.create_erasure_rule(client, params["name"], params["erasure_profile"])
    else:
        crush.create_replicated_rule(client, params["name"], desired["root"], desired["failure_domain"], desired["device_class"])


def ensure_present(module, client, current):
    params = module.params
    name = params["name"]
    desired = desired_from(client, params, current is not None)
    crush.check_placement(client, desired["root"], desired["failure_domain"], desired["device_class"])
    changes = differences(current, desired)
    if not changes:
        return dict(changed=False, rule=current, diff=make_diff(current, current))
    if current is not None:
        crush.refuse_unless_replaceable(client, crush.RULE, name, changes, params["force"])
    predicted = apply_changes(current or dict(dict.fromkeys(PLACEMENT), name=name, id=None), changes)
    if module.check_mode:
        return dict(changed=True, rule=predicted, diff=make_diff(current, predicted))
    if current is not None:
        crush.remove_rule(client, name)
    create_rule(client, params, predicted)
    after = crush.verify_applied(crush.RULE, name, crush.get_rule(client, name), desired)
    return dict(changed=True, rule=after, diff=make_diff(current, after))


def main():
    crush.main_for(crush.RULE, argument_spec(), ensure_present)


if __name__ == "__main__":
    main()
