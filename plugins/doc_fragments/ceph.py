# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection options of the Ceph modules (librados)."""

    DOCUMENTATION = r"""
options:
  cluster:
    description:
      - Name of the Ceph cluster; librados uses it to find C(/etc/ceph/<cluster>.conf) when O(conf_file) is not set.
    type: str
    default: ceph
  conf_file:
    description:
      - Path to the C(ceph.conf) that names the monitors (C(mon_host)).
      - If not set, the environment variable E(CEPH_CONF) is used; if that is not set either,
        librados searches its defaults (C(/etc/ceph/<cluster>.conf), C(~/.ceph/<cluster>.conf), C(./<cluster>.conf)).
    type: path
  keyring:
    description:
      - Path to the keyring file holding the cephx key of O(client_name).
      - If not set, the environment variable E(CEPH_KEYRING) is used; if that is not set either,
        librados looks where C(conf_file) says (C(keyring = ...)) or in C(/etc/ceph/<cluster>.<client_name>.keyring).
    type: path
  key:
    description:
      - The cephx secret key of O(client_name) itself, instead of a O(keyring) file.
    type: str
  client_name:
    description:
      - The cephx identity to connect as, such as C(client.ansible). A name without a type (C(ansible)) means C(client.ansible).
      - The identity needs C(mon 'allow rw') and C(osd 'allow rwx') caps to manage pools, erasure code profiles and CRUSH
        rules, C(mon 'allow rwx') to manage cephx users (M(bigdata.platform.rados_key)); C(mon 'allow r') is enough for
        M(bigdata.platform.rados_pool_info) and M(bigdata.platform.rados_cluster_info), C(mon 'allow rx') for
        M(bigdata.platform.rados_key_info).
      - If not set, the environment variable E(CEPH_CLIENT_NAME) is used, then C(client.admin).
    type: str
    default: client.admin
    aliases: [user]
  conf:
    description:
      - "Ceph configuration options that override O(conf_file), for example C({mon_host: 10.0.0.1,10.0.0.2})."
      - With C(mon_host) here, no C(ceph.conf) is needed. It can hold C(key), so it is C(no_log); the values of settings
        whose name does not hold C(key), C(secret), C(pass) or C(token) stay readable in the task's output.
    type: dict
    default: {}
  connect_timeout:
    description:
      - Seconds to wait for the monitors, both to connect and for each monitor command
        (librados' C(client_mount_timeout) and C(rados_mon_op_timeout)).
      - A cluster whose monitors do not answer fails the task after this time instead of hanging it.
      - Must be more than 0 (librados takes 0 as "wait forever").
    type: int
    default: 10
requirements:
  - The Ceph Python binding C(rados) (OS package C(python3-rados) on Debian, Ubuntu, Fedora and EL with the Ceph repositories)
    on the host that runs the module, usually the controller. Set C(ansible_python_interpreter) to a Python that can import it,
    for example C(/usr/bin/python3), when Ansible runs in a virtualenv.
notes:
  - The module talks to the monitors through librados; it runs wherever the C(rados) binding and network access to the
    monitors are, usually the controller (use C(delegate_to) to run it elsewhere); it needs no Ceph host in the inventory.
attributes:
  action_group:
    description: Use C(group/bigdata.platform.ceph) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - bigdata.platform.ceph
"""
