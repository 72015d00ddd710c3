#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_key_info
short_description: Read Ceph cephx users and their caps through librados
version_added: 0.2.0
description:
  - Returns every cephx user of the cluster, or the one named, with its caps, in the same shape as
    M(bigdata.platform.rados_key) returns a user.
  - Keys are never returned unless O(return_keys=true); the result is then hidden from the output as with C(no_log).
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: Only this user (C(TYPE.ID), such as C(client.spark)). An empty list is returned when it does not exist.
    type: str
  return_keys:
    description: Also return each user's key (RV(users[].key)); the task's output is then hidden.
    type: bool
    default: false
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes.INFO_MODULE
notes:
  - The connecting user needs mon C(allow rx) caps.
seealso:
  - module: bigdata.platform.rados_key
"""

EXAMPLES = r"""
- name: Every cephx user and its caps
  bigdata.platform.rados_key_info:
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible
  register: ceph_users

- name: The users that may use the rbd pool
  ansible.builtin.debug:
    msg: "{{ ceph_users.users | selectattr('caps.osd', 'defined') | selectattr('caps.osd', 'search', 'pool=rbd')
             | map(attribute='name') | list }}"

- name: One user
  bigdata.platform.rados_key_info:
    name: client.spark
"""

RETURN = r"""
users:
  description: The users, sorted by name.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The entity name.
      type: str
    caps:
      description: Caps by service.
      type: dict
    key:
      description: The key.
      type: str
      returned: when O(return_keys=true)
  sample:
    - name: client.spark
      caps: {mon: profile rbd, osd: profile rbd pool=vms}
"""

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import auth
from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import (
    CEPH_ARGS, HAS_RADOS, RADOS_IMPORT_ERROR, RADOS_LIBRARY, client_for,
)
from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs, run_module


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(name=dict(type="str"), return_keys=dict(type="bool", default=False)))


def run(module):
    name = module.params["name"]
    if name is not None:
        auth.check_entity("name", name)
    with client_for(module, read_only=True) as client:
        raw = auth.list_users(client) if name is None else [found for found in [auth.get_user(client, name)] if found]
        return dict(changed=False, users=[auth.normalise_user(user, module.params["return_keys"]) for user in raw])


def main():
    run_module(argument_spec(), run, required_libs=[(RADOS_LIBRARY, HAS_RADOS, RADOS_IMPORT_ERROR)],
               identity=("cluster", "name"))


if __name__ == "__main__":
    main()
