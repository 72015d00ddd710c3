# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: rhev
short_description: oVirt / RHV virtual machines as an inventory source
version_added: 0.2.0
description:
  - Reads the VMs of an oVirt or Red Hat Virtualization engine (one request per engine, its REST API v4), optionally
    filtered with an engine search, and makes each a host whose variables are the same VM dictionary
    M(bigdata.platform.rhev_vm) and M(bigdata.platform.rhev_vm_info) return, as C(rhev_vm).
  - Groups every VM by cluster (C(cluster_<name>)), by tag (C(tag_<name>)) and by affinity group
    (C(affinity_group_<name>)); C(compose), C(groups) and C(keyed_groups) add more (constructed features).
  - C(ansible_host) is the first address the guest agent reports in O(ip_range) (the first address at all without
    O(ip_range)), else the VM's FQDN; a VM whose agent reports nothing yet gets no C(ansible_host).
  - The inventory file's name must end in C(rhev.yml) or C(rhev.yaml).
extends_documentation_fragment:
  - bigdata.platform.rhev.INVENTORY
  - constructed
  - inventory_cache
options:
  plugin:
    description: The name of this plugin, to tell the file is for it.
    type: str
    required: true
    choices: [bigdata.platform.rhev]
  search:
    description:
      - An engine search query that selects the VMs, such as V(cluster=hadoop and status=up) or V(tag=workers)
        (the engine's search syntax; C(*) is a wildcard). All VMs the user may see when not given.
    type: str
  hostname_preference:
    description:
      - How each VM is named in the inventory, in order of preference; the first one a VM has is used.
      - V(fqdn) is what its guest agent reports (C(localhost*) names are skipped), V(ip) the address
        C(ansible_host) gets, V(name) the VM's name in the engine (which every VM has).
    type: list
    elements: str
    choices: [fqdn, ip, name]
    default: [fqdn, name]
  ip_range:
    description:
      - A network in CIDR notation, such as V(198.51.100.0/24); the address chosen for C(ansible_host) (and for
        O(hostname_preference=ip)) is the first one the guest reports in it, so that a VM with a management and a
        data NIC is reached on the network meant.
    type: str
notes:
  - Uses the Python library C(requests), not the oVirt SDK; the token it obtains with a password is revoked at once.
seealso:
  - module: bigdata.platform.rhev_vm
  - module: bigdata.platform.rhev_vm_info
author:
  - bigdata.platform contributors (@bigdata-platform)
"""

EXAMPLES = r"""
# platform.rhev.yml: the Hadoop VMs that are up, reached on the data network, by FQDN
plugin: bigdata.platform.rhev
url: https://engine.example.com/ovirt-engine/api
username: admin@internal
# password from OVIRT_PASSWORD (the AWX credential type sets it)
search: cluster=hadoop and status=up
hostname_preference: [fqdn, name]
ip_range: 198.51.100.0/24
keyed_groups:
  - key: rhev_vm.status
    prefix: status
groups:
  big_nodes: rhev_vm.memory >= 16 * 1024 ** 3
compose:
  node_memory_gib: rhev_vm.memory // 1024 ** 3
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: /tmp/rhev-inventory-cache
"""

import ipaddress

from ansible.errors import AnsibleParserError
from ansible.module_utils.common.text.converters import to_native
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.client import RhevClient


def chosen_address(vm, network):
    """The first reported address in `network` (any when None), or None."""
    for ip in vm.get("ips") or []:
        try:
            if network is None or ipaddress.ip_address(ip) in network:
                return ip
        except ValueError:
            continue
    return None


def usable_fqdn(vm):
    fqdn = vm.get("fqdn")
    return fqdn if fqdn and not fqdn.startswith("localhost") else None


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "bigdata.platform.rhev"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(("rhev.yml", "rhev.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = cache and self.get_option("cache")
        vms = None
        if use_cache:
            try:
                vms = self._cache[cache_key]
            except KeyError:
                vms = None
        if vms is None:
            vms = self.read_vms()
            if self.get_option("cache"):
                self._cache[cache_key] = vms
        self.populate(vms)

    def params(self):
        names = ("url", "username", "password", "token", "insecure", "validate_certs", "ca_cert", "request_timeout")
        return {name: self.get_option(name) for name in names}

    def read_vms(self):
        try:
            with RhevClient.from_params(self.params()) as client:
                return [client.normalize(raw) for raw in client.search_vms(self.get_option("search"))]
        except PlatformError as exc:
            raise AnsibleParserError("rhev inventory: %s" % to_native(exc))

    def network(self):
        value = self.get_option("ip_range")
        if not value:
            return None
        try:
            return ipaddress.ip_network(value, strict=False)
        except ValueError:
            raise AnsibleParserError(to_native(OptionError("ip_range", value, "is not a network in CIDR notation")))

    def hostname(self, vm, address):
        candidates = {"fqdn": usable_fqdn(vm), "ip": address, "name": vm["name"]}
        for preference in self.get_option("hostname_preference"):
            if candidates.get(preference):
                return candidates[preference]
        return vm["name"]

    def populate(self, vms):
        network = self.network()
        strict = self.get_option("strict")
        for vm in sorted(vms, key=lambda item: item["name"]):
            address = chosen_address(vm, network)
            host = self.inventory.add_host(self.hostname(vm, address))
            self.inventory.set_variable(host, "rhev_vm", vm)
            if address or usable_fqdn(vm):
                self.inventory.set_variable(host, "ansible_host", address or usable_fqdn(vm))
            for prefix, names in (("cluster", [vm["cluster"]]), ("tag", vm["tags"]),
                                  ("affinity_group", vm["affinity_groups"])):
                for name in names:
                    if name:
                        group = self.inventory.add_group(self._sanitize_group_name("%s_%s" % (prefix, name)))
                        self.inventory.add_child(group, host)
            variables = self.inventory.get_host(host).get_vars()
            self._set_composite_vars(self.get_option("compose"), variables, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, host, strict=strict)
