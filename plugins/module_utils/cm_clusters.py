# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloudera Manager clusters: read, create, delete, membership, cluster commands, normaliser.

Functions take a ClouderaManagerClient (module_utils/cloudera_manager.py) and raise the collection's
errors; the cm_cluster modules, the cm_cluster role's tasks and the inventory plugin share them.
"""

from __future__ import annotations

import re

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError

# ApiRollingRestartClusterArgs.rolesToInclude
ROLES_TO_INCLUDE = {"slaves_only": "SLAVES_ONLY", "non_slaves_only": "NON_SLAVES_ONLY", "all_roles": "ALL_ROLES"}
CLUSTER_COMMAND_STATES = {"started": "start", "stopped": "stop"}


def cluster_path(client, name, *rest):
    return client.path("clusters", name, *rest)


def read_cluster(client, name):
    """The ApiCluster CM answers for its internal name, or None."""
    return client.http.get_or_none(cluster_path(client, name))


def find_cluster(client, name):
    """The ApiCluster whose name, else displayName, is `name`; None when no cluster has it."""
    return client.find_cluster(name)[0]


def parse_version(value):
    """{"version": "CDH7"} or {"fullVersion": "7.1.7"} from what the user wrote."""
    if re.match(r"^CDH\d+$", value or "", re.IGNORECASE):
        return {"version": value.upper()}
    if re.match(r"^\d+(\.\d+){1,3}$", value or ""):
        return {"fullVersion": value}
    raise OptionError("version", value, "is neither a major version such as CDH7 nor a full version such as 7.1.7")


def version_matches(raw, wanted):
    """Whether an existing cluster runs the version the user asked for (CDH7 matches any 7.x)."""
    if "version" in wanted:
        return raw.get("version") == wanted["version"]
    return (raw.get("fullVersion") or "").startswith(wanted["fullVersion"])


def create_cluster(client, name, display_name, version):
    body = {"items": [dict(name=name, displayName=display_name or name, **version)]}
    return client.http.post_json(client.path("clusters"), body)["items"][0]


def set_display_name(client, name, display_name):
    return client.http.put_json(cluster_path(client, name), {"name": name, "displayName": display_name})


def delete_cluster(client, name):
    return client.delete(cluster_path(client, name))


def cluster_hosts(client, name):
    return client.http.get_json(cluster_path(client, name, "hosts"))["items"]


def add_cluster_hosts(client, name, hosts):
    refs = [{"hostId": host["hostId"], "hostname": host["hostname"]} for host in hosts]
    return client.http.post_json(cluster_path(client, name, "hosts"), {"items": refs})


def remove_cluster_host(client, name, host):
    return client.delete(cluster_path(client, name, "hosts", host["hostId"]))


def cluster_services(client, name):
    return client.services(name)


def cluster_command(client, cluster, command, deadline, body=None, wait=True):
    """Run a cluster command (start, stop, restart, rollingRestart, deployClientConfig); with wait, until
    it ends, failing with CM's messages (the failed services' and roles' included)."""
    started = client.http.post_json(cluster_path(client, cluster, "commands", command), body)
    if not wait:
        return started
    return client.wait_command(started, "command %s on cluster %s" % (command, cluster), deadline)


def rolling_restart_args(rolling, stale_only):
    """ApiRollingRestartClusterArgs from the module's `rolling` options."""
    args = {"slaveBatchSize": rolling["batch_size"], "staleConfigsOnly": stale_only,
            "rolesToInclude": ROLES_TO_INCLUDE[rolling["roles_to_include"]]}
    if rolling.get("fail_threshold") is not None:
        args["slaveFailCountThreshold"] = rolling["fail_threshold"]
    if rolling.get("sleep_seconds") is not None:
        args["sleepSeconds"] = rolling["sleep_seconds"]
    if rolling.get("services"):
        args["restartServiceNames"] = list(rolling["services"])
    return args


def run_state(services):
    """The cluster's run state from its services': started, stopped, mixed, or none (no service)."""
    states = {service.get("serviceState") for service in services}
    if not states:
        return "none"
    if states == {"STARTED"}:
        return "started"
    if states <= {"STOPPED", "NA"}:
        return "stopped"
    return "mixed"


def normalize_cluster(raw, hosts=None, services=None):
    if raw is None:
        return None
    cluster = {
        "name": raw.get("name"),
        "display_name": raw.get("displayName") or raw.get("name"),
        "version": raw.get("version"),
        "full_version": raw.get("fullVersion"),
        "entity_status": raw.get("entityStatus"),
        "maintenance_mode": raw.get("maintenanceMode", False),
        "cluster_type": raw.get("clusterType"),
        "uuid": raw.get("uuid"),
    }
    if hosts is not None:
        cluster["hosts"] = sorted(host["hostname"] for host in hosts)
    if services is not None:
        cluster["services"] = sorted(service["name"] for service in services)
        cluster["state"] = run_state(services)
    return cluster
