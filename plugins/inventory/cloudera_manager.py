# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: cloudera_manager
short_description: The hosts Cloudera Manager knows, grouped by cluster, role type and host template
version_added: 0.2.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Reads the hosts of a Cloudera Manager, their clusters, the roles on them and the clusters' host templates,
    and makes every host an inventory host named by its host name.
  - Groups, each prefixed with O(group_prefix) - C(cluster_<display name>) per cluster, C(role_<role type>) per
    role type (such as C(cm_role_datanode)), C(template_<name>) for the hosts that carry every role config group of
    a host template, C(unassigned) for hosts in no cluster.
  - Host variables (prefixed C(cm_)) - C(cm_host_id), C(cm_ip_address), C(cm_rack_id), C(cm_cluster),
    C(cm_cluster_display_name), C(cm_health_summary), C(cm_maintenance_mode), C(cm_roles) (dicts with C(name),
    C(service), C(type), C(role_config_group)), C(cm_role_types), C(cm_host_templates).
  - The file must be named C(cloudera_manager.yml), C(cloudera_manager.yaml), or end in C(.cloudera_manager.yml)
    or C(.cloudera_manager.yaml).
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager.INVENTORY
  - ansible.builtin.constructed
  - ansible.builtin.inventory_cache
options:
  plugin:
    description: The name of this plugin.
    type: str
    required: true
    choices: [bigdata.platform.cloudera_manager]
  clusters:
    description: Only the hosts of these clusters (by name or display name); the hosts in no cluster are left out too.
    type: list
    elements: str
  group_prefix:
    description: Prefix of the groups this plugin makes.
    type: str
    default: cm_
requirements:
  - requests
"""

EXAMPLES = r"""
# cloudera_manager.yml -- connection from CM_HOST, CM_USERNAME and CM_PASSWORD
plugin: bigdata.platform.cloudera_manager
compose:
  ansible_host: cm_ip_address
keyed_groups:
  - key: cm_rack_id
    prefix: rack
"""

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import ClouderaManagerClient
from ansible_collections.bigdata.platform.plugins.module_utils.cm_hosts import host_templates, hosts, normalize_host, template_groups
from ansible_collections.bigdata.platform.plugins.module_utils.errors import PlatformError

FILE_NAMES = ("cloudera_manager.yml", "cloudera_manager.yaml")
CONNECTION = ("host", "port", "use_tls", "username", "password", "api_version", "validate_certs", "ca_cert",
              "request_timeout")


def read_estate(client, wanted):
    """What the inventory is built from (and cached): hosts, and per cluster its roles and templates."""
    clusters = [c for c in client.clusters() if not wanted or c["name"] in wanted or c.get("displayName") in wanted]
    estate = {"hosts": hosts(client), "clusters": []}
    for cluster in clusters:
        roles = []
        for service in client.services(cluster["name"]):
            path = client.path("clusters", cluster["name"], "services", service["name"], "roles")
            for role in client.http.get_json(path)["items"]:
                roles.append({"name": role["name"], "service": service["name"], "type": role["type"],
                              "host_id": (role.get("hostRef") or {}).get("hostId"),
                              "role_config_group": (role.get("roleConfigGroupRef") or {}).get("roleConfigGroupName")})
        templates = {t["name"]: template_groups(t) for t in host_templates(client, cluster["name"])}
        estate["clusters"].append({"name": cluster["name"], "display_name": cluster.get("displayName") or cluster["name"],
                                   "roles": roles, "templates": templates})
    return estate


def host_variables(raw, cluster):
    host = normalize_host(raw)
    roles = [dict((k, v) for k, v in role.items() if k != "host_id") for role in (cluster or {}).get("roles", [])
             if role["host_id"] == host["host_id"]]
    groups = {role["role_config_group"] for role in roles}
    templates = sorted(name for name, wanted in (cluster or {}).get("templates", {}).items() if wanted and set(wanted) <= groups)
    variables = {"cm_%s" % key: value for key, value in host.items() if key not in ("hostname", "roles")}
    variables.update(cm_roles=roles, cm_role_types=sorted({role["type"] for role in roles}), cm_host_templates=templates)
    return variables


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "bigdata.platform.cloudera_manager"

    def verify_file(self, path):
        return super().verify_file(path) and path.endswith(FILE_NAMES)

    def parse(self, inventory, loader, path, cache=True):
        super().parse(inventory, loader, path, cache)
        self._read_config_data(path)
        cache_key = self.get_cache_key(path)
        use_cache = self.get_option("cache") and cache
        estate = None
        if use_cache:
            try:
                estate = self._cache[cache_key]
            except KeyError:
                estate = None
        if estate is None:
            estate = self.fetch()
            if self.get_option("cache"):
                self._cache[cache_key] = estate
        self.populate(estate)

    def fetch(self):
        params = {option: self.get_option(option) for option in CONNECTION}
        try:
            client = ClouderaManagerClient(params["host"], params["username"], params["password"], port=params["port"],
                                           use_tls=params["use_tls"], api_version=params["api_version"],
                                           validate_certs=params["validate_certs"], ca_cert=params["ca_cert"],
                                           request_timeout=params["request_timeout"])
            return read_estate(client, self.get_option("clusters") or [])
        except PlatformError as exc:
            raise AnsibleParserError("Cloudera Manager inventory: %s" % exc)

    def populate(self, estate):
        prefix = self.get_option("group_prefix")
        strict = self.get_option("strict")
        by_name = {cluster["name"]: cluster for cluster in estate["clusters"]}
        for raw in estate["hosts"]:
            cluster_name = (raw.get("clusterRef") or {}).get("clusterName")
            cluster = by_name.get(cluster_name)
            if cluster is None and (self.get_option("clusters") or cluster_name):
                continue  # a host of a cluster left out, or unassigned while only some clusters are wanted
            hostname = raw["hostname"]
            variables = host_variables(raw, cluster)
            self.inventory.add_host(hostname)
            for key, value in variables.items():
                self.inventory.set_variable(hostname, key, value)
            groups = ["cluster_%s" % cluster["display_name"]] if cluster else ["unassigned"]
            groups += ["role_%s" % role_type.lower() for role_type in variables["cm_role_types"]]
            groups += ["template_%s" % name for name in variables["cm_host_templates"]]
            for group in groups:
                self.inventory.add_child(self.inventory.add_group(self._sanitize_group_name(prefix + group)), hostname)
            self._set_composite_vars(self.get_option("compose"), variables, hostname, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), variables, hostname, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), variables, hostname, strict=strict)
