#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rhev_vm_info
short_description: Read virtual machines of an oVirt / RHV engine
version_added: 1.0.0
description:
  - Returns one VM by name or id, the VMs matching an engine search, or all VMs, each as the same
    dictionary M(bigdata.platform.rhev_vm) returns (including a pending next-run configuration).
extends_documentation_fragment:
  - bigdata.platform.rhev
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  name:
    description: Name of one VM (exact match). Nothing is returned when there is no such VM.
    type: str
  id:
    description: Engine identifier of one VM.
    type: str
  pattern:
    description:
      - An engine search query, such as V(name=hadoop-*), V(name=hadoop-* and status=up) or V(tag=workers)
        (C(*) is a wildcard; the engine compares names without regard to case).
    type: str
notes:
  - With none of O(name), O(id) and O(pattern), every VM the user may see is returned.
seealso:
  - module: bigdata.platform.rhev_vm
author:
  - bigdata.platform contributors (@bigdata-platform)
"""

EXAMPLES = r"""
- name: All Hadoop VMs that are up
  bigdata.platform.rhev_vm_info:
    url: https://engine.example.com/ovirt-engine/api
    username: admin@internal
    password: "{{ ovirt_password }}"
    pattern: name=hadoop-* and status=up
  register: hadoop_vms

- name: One VM by name, connection from OVIRT_* environment variables
  bigdata.platform.rhev_vm_info:
    name: hadoop-master
  register: master

- name: Show whether it waits for a restart
  ansible.builtin.debug:
    msg: "{{ master.vms[0].pending if master.vms and master.vms[0].next_run else 'nothing pending' }}"
"""

RETURN = r"""
vms:
  description: The VMs found, sorted by name, each as M(bigdata.platform.rhev_vm) returns it.
  returned: always
  type: list
  elements: dict
  contains:
    id: {description: Engine identifier., type: str}
    name: {description: Name., type: str}
    status: {description: Engine status (for example C(up) or C(down))., type: str}
    cluster: {description: Cluster name., type: str}
    template: {description: Template name., type: str}
    host: {description: Host it runs on; null when down., type: str}
    memory: {description: Memory in bytes it runs with., type: int}
    memory_guaranteed: {description: Guaranteed memory in bytes., type: int}
    cpu_sockets: {description: CPU sockets., type: int}
    cpu_cores: {description: Cores per socket., type: int}
    cpu_threads: {description: Threads per core., type: int}
    os_type: {description: Operating system type., type: str}
    description: {description: Description., type: str}
    high_availability: {description: Whether high availability is enabled., type: bool}
    next_run: {description: Whether a configuration is pending until the next start., type: bool}
    pending: {description: Pending next-run values that differ from the running ones., type: dict}
    clone: {description: Whether its disks are independent copies of its template's., type: bool, version_added: 0.2.0}
    disks:
      description: "Attached disks, the bootable one first: id, name, size (bytes), storage_domain, interface, format,
        sparse, bootable, active, status."
      type: list
      elements: dict
      version_added: 0.2.0
    nics:
      description: "Network interfaces: id, name, network, vnic_profile, interface, mac_address, linked, plugged."
      type: list
      elements: dict
      version_added: 0.2.0
    initialization: {description: Persisted cloud-init / sysprep settings (never passwords)., type: dict, version_added: 0.2.0}
    placement_policy: {description: Migration policy., type: str, version_added: 0.2.0}
    placement_hosts: {description: Hosts it is pinned to or prefers., type: list, elements: str, version_added: 0.2.0}
    affinity_groups: {description: Affinity groups it is a member of., type: list, elements: str, version_added: 0.2.0}
    tags: {description: Its tags., type: list, elements: str, version_added: 0.2.0}
    fqdn: {description: FQDN its guest agent reports (null until it reports)., type: str, version_added: 0.2.0}
    ips: {description: IP addresses its guest agent reports in NIC order., type: list, elements: str, version_added: 0.2.0}
"""

from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.client import RhevClient, rhev_argument_spec


def argument_spec():
    return rhev_argument_spec(dict(
        name=dict(type="str"),
        id=dict(type="str"),
        pattern=dict(type="str"),
    ))


def find(client, params):
    if params["id"]:
        return [vm for vm in [client.get_vm(params["id"])] if vm]
    if params["name"]:
        return [vm for vm in [client.find_vm(params["name"])] if vm]
    return client.search_vms(params["pattern"])


def run(module):
    with RhevClient.from_params(module.params) as client:
        vms = [client.normalize(raw) for raw in find(client, module.params)]
    return dict(changed=False, vms=sorted(vms, key=lambda vm: vm["name"] or ""))


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               mutually_exclusive=[("name", "id", "pattern")],
               identity=("name", "id"))


if __name__ == "__main__":
    main()
