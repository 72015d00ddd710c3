# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloudera Manager hosts and host templates: lookup, registration, rack, maintenance, removal, templates.

CM addresses a host by its hostId in paths (a UUID when its agent registered it, the hostname when it was
created through POST /hosts), so every lookup by hostname or address reads the host list once.
"""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import cluster_names
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError


def hosts(client):
    return client.http.get_json(client.path("hosts"))["items"]


def find_host(client, hostname=None, ip_address=None, known=None):
    """The ApiHost with that hostname (else that address), or None."""
    known = hosts(client) if known is None else known
    if hostname:
        found = next((h for h in known if h["hostname"] == hostname), None)
        if found or not ip_address:
            return found
    return next((h for h in known if h.get("ipAddress") == ip_address), None)


def register_host(client, hostname, ip_address, rack_id=None):
    """POST /hosts: a host record CM keeps until (and after) the host's agent heartbeats."""
    item = {"hostname": hostname, "ipAddress": ip_address}
    if rack_id:
        item["rackId"] = rack_id
    return client.http.post_json(client.path("hosts"), {"items": [item]})["items"][0]


def host_path(client, host, *rest):
    return client.path("hosts", host["hostId"], *rest)


def read_host(client, host):
    return client.http.get_json(host_path(client, host))


def set_rack(client, host, rack_id):
    return client.http.put_json(host_path(client, host), {"hostId": host["hostId"], "hostname": host["hostname"],
                                                          "rackId": rack_id})


def set_maintenance(client, host, enabled, deadline):
    command = "enterMaintenanceMode" if enabled else "exitMaintenanceMode"
    started = client.http.post_json(host_path(client, host, "commands", command))
    return client.wait_command(started, "command %s on host %s" % (command, host["hostname"]), deadline)


def delete_host(client, host):
    return client.delete(host_path(client, host))


def decommission_and_remove(client, host, deadline):
    """CM's removeHostsFromCluster: decommissions and deletes the host's roles, then takes the host out of
    its cluster (the host stays known to CM)."""
    started = client.http.post_json(client.path("hosts", "removeHostsFromCluster"),
                                    {"hostsToRemove": [host["hostname"]]})
    return client.wait_command(started, "removing host %s from its cluster" % host["hostname"], deadline)


def role_refs(raw):
    return list((raw or {}).get("roleRefs") or [])


def host_roles(client, raw):
    """[{"name", "service", "type", "role_config_group"}] of the roles on a host: one read per service
    the host carries roles of, since a host's roleRefs name roles but not their types."""
    cluster = (raw.get("clusterRef") or {}).get("clusterName")
    names = {ref["roleName"] for ref in role_refs(raw)}
    roles = []
    for service in sorted({ref["serviceName"] for ref in role_refs(raw)}):
        for role in client.http.get_json(client.path("clusters", cluster, "services", service, "roles"))["items"]:
            if role["name"] in names:
                roles.append({"name": role["name"], "service": service, "type": role["type"],
                              "role_config_group": (role.get("roleConfigGroupRef") or {}).get("roleConfigGroupName")})
    return sorted(roles, key=lambda role: role["name"])


def normalize_host(raw, roles=None):
    if raw is None:
        return None
    cluster, display_name = cluster_names(raw.get("clusterRef"))
    host = {
        "host_id": raw.get("hostId"),
        "hostname": raw.get("hostname"),
        "ip_address": raw.get("ipAddress"),
        "rack_id": raw.get("rackId"),
        "cluster": cluster,
        "cluster_display_name": display_name if cluster else None,
        "health_summary": raw.get("healthSummary"),
        "commission_state": raw.get("commissionState"),
        "maintenance_mode": raw.get("maintenanceMode", False),
        "last_heartbeat": raw.get("lastHeartbeat"),
        "num_cores": raw.get("numCores"),
        "total_phys_mem_bytes": raw.get("totalPhysMemBytes"),
        "roles": roles if roles is not None else sorted(ref["roleName"] for ref in role_refs(raw)),
    }
    return host


# -- host templates ------------------------------------------------------------------------------
def template_path(client, cluster, *rest):
    return client.path("clusters", cluster, "hostTemplates", *rest)


def host_templates(client, cluster):
    return client.http.get_json(template_path(client, cluster))["items"]


def read_host_template(client, cluster, name):
    return client.http.get_or_none(template_path(client, cluster, name))


def template_body(name, groups):
    return {"name": name, "roleConfigGroupRefs": [{"roleConfigGroupName": group} for group in groups]}


def create_host_template(client, cluster, name, groups):
    return client.http.post_json(template_path(client, cluster), {"items": [template_body(name, groups)]})["items"][0]


def update_host_template(client, cluster, name, groups):
    return client.http.put_json(template_path(client, cluster, name), template_body(name, groups))


def delete_host_template(client, cluster, name):
    return client.delete(template_path(client, cluster, name))


def apply_host_template(client, cluster, name, host, start_roles, deadline):
    path = template_path(client, cluster, name, "commands", "applyHostTemplate")
    started = client.http.post_json(path, {"items": [{"hostId": host["hostId"], "hostname": host["hostname"]}]},
                                    params={"startRoles": "true" if start_roles else "false"})
    return client.wait_command(started, "applying host template %s to %s" % (name, host["hostname"]), deadline)


def template_groups(raw):
    return sorted(ref["roleConfigGroupName"] for ref in (raw or {}).get("roleConfigGroupRefs") or [])


def normalize_host_template(raw):
    if raw is None:
        return None
    cluster, display_name = cluster_names(raw.get("clusterRef"))
    return {"name": raw.get("name"), "cluster": cluster, "cluster_display_name": display_name,
            "role_config_groups": template_groups(raw)}


def role_config_groups(client, cluster, service):
    path = client.path("clusters", cluster, "services", service, "roleConfigGroups")
    return client.http.get_json(path)["items"]


def resolve_group(client, cluster, spec, option="role_config_groups"):
    """The name of the role config group a {service, type | name} entry means: the named group, or the
    base group of that role type in that service."""
    groups = client.http.get_or_none(client.path("clusters", cluster, "services", spec["service"], "roleConfigGroups"))
    if groups is None:
        raise OptionError("%s.service" % option, spec["service"], "is not a service of cluster %s" % cluster)
    groups = groups["items"]
    if spec.get("name"):
        if not any(group["name"] == spec["name"] for group in groups):
            raise OptionError("%s.name" % option, spec["name"], "is not a role config group of service %s (groups: %s)"
                              % (spec["service"], ", ".join(sorted(g["name"] for g in groups))))
        return spec["name"]
    base = [g["name"] for g in groups if g.get("base") and g.get("roleType") == spec["type"]]
    if not base:
        raise OptionError("%s.type" % option, spec["type"], "is not a role type of service %s (types: %s)"
                          % (spec["service"], ", ".join(sorted({g.get("roleType") for g in groups}))))
    return base[0]
