#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rados_key
short_description: Manage Ceph cephx users (keys and caps) through librados
version_added: 0.2.0
description:
  - Create, change or delete a cephx user, talking to the monitors through librados from wherever the module runs
    (no C(ceph) CLI, no C(client.admin) on a monitor host needed; any user with mon C(allow rwx) caps will do).
  - Caps that differ are updated in place with C(auth caps); the user keeps its key, so clients keep working.
  - Optionally writes the user's keyring file (O(dest)), rewritten only when its content differs.
  - The key is never in the result unless O(return_key=true); then the whole result is hidden from the output as
    with C(no_log), and only the registered variable holds it.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  name:
    description: The cephx entity, C(TYPE.ID), such as C(client.spark).
    type: str
    required: true
  state:
    description:
      - Whether the user exists. V(absent) deletes the user and, with O(dest), its keyring file.
    type: str
    default: present
    choices: [present, absent]
  caps:
    description:
      - "The user's caps by service, such as C({mon: 'profile rbd', osd: 'profile rbd pool=vms'})."
      - Every cap of the user is replaced by these, so a service left out loses its cap. Not given, the caps of an
        existing user are left alone (and a new user gets none).
    type: dict
  secret:
    description:
      - The key the user must have (base64, as C(ceph-authtool --gen-print-key) prints), to import a key made elsewhere.
      - An existing user with another key gets this one (C(auth import)); clients with the old key stop working.
      - Not given, a new user gets a key Ceph makes, and an existing user keeps its key.
    type: str
  dest:
    description:
      - Path of a keyring file to write with the user's key (C([client.spark] key = ...)), for the client to use.
      - Written only when its content differs; O(mode), O(owner) and O(group) are kept as given.
    type: path
  mode:
    description: Permissions of the O(dest) file, octal (such as V('0600')) or symbolic, as for M(ansible.builtin.file).
    type: raw
    default: '0600'
  owner:
    description: Owner (name or uid) of the O(dest) file; the user running the module when not given.
    type: str
  group:
    description: Group (name or gid) of the O(dest) file.
    type: str
  return_key:
    description:
      - Return the user's key as RV(user.key). The result is then hidden from the output (as with C(no_log)); only the
        registered variable holds the key.
      - With O(secret) the key returned is that secret, which Ansible masks as C(********) as it masks the option.
    type: bool
    default: false
extends_documentation_fragment:
  - bigdata.platform.ceph
  - bigdata.platform.attributes
notes:
  - The connecting user (O(client_name)) needs mon C(allow rwx) (or C(allow *)) to change users, and mon C(allow rx)
    to read them (enough for check mode). A user with too few caps fails with a message that names the caps needed.
  - The returned key is hidden from the output by the collection's action plugin for this module.
seealso:
  - module: bigdata.platform.rados_key_info
  - module: bigdata.platform.rados_cluster_info
"""

EXAMPLES = r"""
- name: A user for Spark jobs that read and write one pool, and its keyring on the controller
  bigdata.platform.rados_key:
    name: client.spark
    caps:
      mon: profile rbd
      osd: profile rbd pool=vms
    dest: /etc/ceph/ceph.client.spark.keyring
    conf_file: /etc/ceph/ceph.conf
    keyring: /etc/ceph/ceph.client.ansible.keyring
    client_name: client.ansible

- name: A user with a key made elsewhere (for example kept in a vault)
  bigdata.platform.rados_key:
    name: client.backup
    secret: "{{ vault_backup_key }}"
    caps:
      mon: allow r
      osd: allow rw pool=backup

- name: The key itself, for a template (the task's output is hidden)
  bigdata.platform.rados_key:
    name: client.spark
    return_key: true
  register: spark_key

- name: Remove a user and its keyring file
  bigdata.platform.rados_key:
    name: client.retired
    state: absent
    dest: /etc/ceph/ceph.client.retired.keyring
"""

RETURN = r"""
user:
  description: The user after the task (predicted in check mode); null when O(state=absent).
  returned: always
  type: dict
  contains:
    name:
      description: The entity name.
      type: str
      sample: client.spark
    caps:
      description: Caps by service.
      type: dict
      sample: {mon: profile rbd, osd: profile rbd pool=vms}
    key:
      description: The key; null in check mode for a user not created yet.
      type: str
      returned: when O(return_key=true)
keyring:
  description: The O(dest) file.
  returned: when O(dest) is given
  type: dict
  contains:
    path:
      description: The file's path.
      type: str
    changed:
      description: Whether the file's content or attributes changed (would change, in check mode).
      type: bool
diff:
  description: The user's name and caps before and after (with C(--diff)), and C(key_replaced) when O(secret) replaced the key.
  returned: always
  type: dict
"""

import os

from ansible_collections.bigdata.platform.plugins.module_utils.ceph import auth
from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import (
    CEPH_ARGS, HAS_RADOS, RADOS_IMPORT_ERROR, RADOS_LIBRARY, run_state,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.module import make_diff, merge_specs, run_module


def argument_spec():
    return merge_specs(CEPH_ARGS, dict(
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        caps=dict(type="dict"),
        secret=dict(type="str", no_log=True),
        dest=dict(type="path"),
        mode=dict(type="raw", default="0600"),
        owner=dict(type="str"),
        group=dict(type="str"),
        return_key=dict(type="bool", default=False),
    ))


def check_options(params):
    auth.check_entity("name", params["name"])
    if params["secret"] is not None:
        auth.check_secret("secret", params["secret"])
    if params["dest"] and os.path.isdir(params["dest"]):
        raise OptionError("dest", params["dest"], "is a directory: give the path of the keyring file")
    for service, cap in (params["caps"] or {}).items():
        if not str(service).strip():
            raise OptionError("caps", params["caps"], "has an empty service name: the services are mon, osd, mgr and mds")
        if not isinstance(cap, str) or not cap.strip():
            raise PlatformError("option 'caps.%s': %r is not a caps string such as 'allow r' or 'profile rbd'"
                                % (service, cap), option="caps.%s" % service)


def desired_caps(params):
    return None if params["caps"] is None else {str(service): cap.strip() for service, cap in params["caps"].items()}


def ensure_present(module, client, current):
    params = module.params
    name, caps, secret = params["name"], desired_caps(params), params["secret"]
    before = auth.normalise_user(current) if current else None
    replace_key = current is not None and secret is not None and secret != current["key"]
    change_caps = current is not None and caps is not None and caps != before["caps"]
    changed = current is None or replace_key or change_caps
    after = dict(name=name, caps=caps if caps is not None else (before or {}).get("caps", {}))
    key = secret or (current or {}).get("key")
    if changed and not module.check_mode:
        if current is None:
            auth.add_user(client, name, after["caps"], secret)
        elif replace_key:
            auth.replace_key(client, name, secret, after["caps"])
        else:
            auth.set_caps(client, name, caps)
        raw = auth.get_user(client, name)
        after, key = auth.normalise_user(raw), raw["key"]
        if (caps is not None and after["caps"] != caps) or (secret and key != secret):
            raise OperationFailed("user %s: Ceph accepted the commands but reports caps %s" % (name, after["caps"]),
                                  last_state=after)
    result = dict(changed=changed, user=after, diff=make_diff(before, dict(after, key_replaced=True) if replace_key else after))
    if params["dest"]:
        content = auth.keyring_text(name, key) if key else None
        result["keyring"] = dict(path=params["dest"], changed=deliver_keyring(module, content))
        result["changed"] = result["changed"] or result["keyring"]["changed"]
    if params["return_key"]:
        result["user"] = dict(after, key=key)
    return result


def deliver_keyring(module, content):
    """Write the keyring file if its content differs (content None: a key that check mode cannot know), then
    set mode/owner/group; whether anything changed (would change, in check mode)."""
    path = module.params["dest"]
    changed = content is None or auth.keyring_content(path) != content
    if changed and module.check_mode:
        return True
    if changed:
        auth.write_keyring(path, content)
    return module.set_fs_attributes_if_different(module.load_file_common_arguments(module.params, path=path), changed)


def ensure_absent(module, client, current):
    path = module.params["dest"]
    file_exists = bool(path) and os.path.exists(path)
    if not module.check_mode:
        if current is not None:
            auth.delete_user(client, module.params["name"])
        if file_exists:
            os.remove(path)
    result = dict(changed=current is not None or file_exists, user=None,
                  diff=make_diff(auth.normalise_user(current) if current else None, None))
    if path:
        result["keyring"] = dict(path=path, changed=file_exists)
    return result


def run(module):
    check_options(module.params)
    return run_state(module, auth.get_user, ensure_present, ensure_absent)


def main():
    run_module(argument_spec(), run, required_libs=[(RADOS_LIBRARY, HAS_RADOS, RADOS_IMPORT_ERROR)],
               identity=("cluster", "name"))


if __name__ == "__main__":
    main()
