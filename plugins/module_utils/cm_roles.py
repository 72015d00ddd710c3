# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Roles and role config groups of a Cloudera Manager service, role commands, rolling restarts, and the
settings logic that service and role config group configuration share (sensitive values included).

Functions take a ClouderaManagerClient; like it, they raise the collection's errors and never call fail_json.
"""

from __future__ import annotations

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator
from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    as_config_string, check_command, config_value,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OperationFailed, OptionError

# What Cloudera Manager answers, with API redaction on (CM 7's default), for a sensitive setting that is set.
REDACTED = "REDACTED"
# What results and --diff show instead of a sensitive value.
MASK = "********"
# A role in state NA (a gateway) has nothing to start or stop.
NOT_RUNNABLE = ("NA",)
# ApiRollingRestartArgs, by the names the modules' `rolling` option uses.
ROLLING_SPEC = dict(
    batch_size=dict(type="int", aliases=["slave_batch_size"]),
    fail_threshold=dict(type="int"),
    sleep_seconds=dict(type="int"),
    stale_only=dict(type="bool", default=False),
    role_types=dict(type="list", elements="str"),
)
ROLLING_FIELDS = {"batch_size": "slaveBatchSize", "fail_threshold": "slaveFailCountThreshold",
                  "sleep_seconds": "sleepSeconds", "stale_only": "staleConfigsOnly", "role_types": "restartRoleTypes"}


# -- normalisers ---------------------------------------------------------------------------------
def normalize_role(raw):
    host = raw.get("hostRef") or {}
    return {
        "name": raw.get("name"),
        "type": raw.get("type"),
        "hostname": host.get("hostname"),
        "host_id": host.get("hostId"),
        "role_state": raw.get("roleState"),
        "health_summary": raw.get("healthSummary"),
        "config_staleness_status": raw.get("configStalenessStatus"),
        "commission_state": raw.get("commissionState"),
        "maintenance_mode": raw.get("maintenanceMode", False),
        "role_config_group": (raw.get("roleConfigGroupRef") or {}).get("roleConfigGroupName"),
    }


def normalize_group(raw):
    return {"name": raw.get("name"), "role_type": raw.get("roleType"), "base": raw.get("base", False),
            "display_name": raw.get("displayName")}


def role_key(role):
    """How --diff names a role: TYPE@hostname."""
    return "%s@%s" % (role["type"], role["hostname"])


# -- reads and writes ----------------------------------------------------------------------------
def read_roles(client, cluster, service, role_filter=None):
    params = {"filter": role_filter} if role_filter else None
    items = client.http.get_json(client.service_path(cluster, service, "roles"), params=params)["items"]
    return sorted((normalize_role(item) for item in items), key=lambda r: (r["type"], r["hostname"] or ""))


def cluster_hosts(client, cluster):
    """The cluster's hosts: [{"hostname", "host_id", "ip_address"}]."""
    items = client.http.get_json(client.path("clusters", cluster, "hosts"))["items"]
    return [{"hostname": h.get("hostname"), "host_id": h.get("hostId"), "ip_address": h.get("ipAddress")} for h in items]


def find_host(hosts, wanted, option, cluster):
    """The host of the cluster that `wanted` names by hostname, host ID or IP address; OptionError otherwise."""
    for host in hosts:
        if wanted in (host["hostname"], host["host_id"], host["ip_address"]):
            return host
    raise OptionError(option, wanted, "is not a host of cluster %s (hosts: %s)"
                      % (cluster, ", ".join(sorted(h["hostname"] for h in hosts)) or "none"))


def create_roles(client, cluster, service, roles):
    """roles: [(type, host_id, role config group or None)]."""
    items = []
    for role_type, host_id, group in roles:
        item = {"type": role_type, "hostRef": {"hostId": host_id}}
        if group:
            item["roleConfigGroupRef"] = {"roleConfigGroupName": group}
        items.append(item)
    return client.http.post_json(client.service_path(cluster, service, "roles"), {"items": items})["items"]


def delete_role(client, cluster, service, name):
    return client.delete(client.service_path(cluster, service, "roles", name))


def read_groups(client, cluster, service):
    items = client.http.get_json(client.service_path(cluster, service, "roleConfigGroups"))["items"]
    return [normalize_group(item) for item in items]


def group_config(client, cluster, service, group):
    """Every setting of a role config group, defaults included: {name: ApiConfig}."""
    path = client.service_path(cluster, service, "roleConfigGroups", group, "config")
    return {item["name"]: item for item in client.http.get_json(path, params={"view": "full"})["items"]}


def update_group_config(client, cluster, service, group, values):
    items = [{"name": key, "value": value} for key, value in sorted(values.items())]
    return client.http.put_json(client.service_path(cluster, service, "roleConfigGroups", group, "config"), {"items": items})


def create_group(client, cluster, service, name, role_type, display_name=None):
    body = {"items": [dict({"name": name, "roleType": role_type, "base": False},
                           **({"displayName": display_name} if display_name else {}))]}
    return client.http.post_json(client.service_path(cluster, service, "roleConfigGroups"), body)["items"][0]


def move_roles(client, cluster, service, group, names):
    return client.http.put_json(client.service_path(cluster, service, "roleConfigGroups", group, "roles"),
                                {"items": sorted(names)})


def role_command(client, cluster, service, command, names, deadline, wait=True):
    """A bulk role command (start, stop, restart) on `names`. CM answers the commands it accepted and an error per
    role it refused; the accepted ones are waited for, then OperationFailed carries the refusals and failures."""
    answer = client.http.post_json(client.service_path(cluster, service, "roleCommands", command), {"items": sorted(names)})
    problems = list(answer.get("errors") or [])
    for started in answer.get("items") or []:
        role = (started.get("roleRef") or {}).get("roleName")
        what = "command %s on role %s of service %s" % (command, role, service)
        if not wait:
            continue
        try:
            client.wait_command(started, what, deadline)
        except OperationFailed as exc:
            problems.append(exc.message)
    if problems:
        raise OperationFailed("%s of roles of service %s in cluster %s: %s"
                              % (command, service, cluster, "; ".join(problems)), last_state=answer)
    return answer


def rolling_args(rolling):
    """ApiRollingRestartArgs from the `rolling` option's dict (None values left to CM's defaults)."""
    return {field: rolling[key] for key, field in ROLLING_FIELDS.items() if rolling.get(key) not in (None, False, [])}


def check_rolling(value, option="rolling"):
    """The `rolling` option: false/true, or a dict of ROLLING_SPEC; -> None (no rolling restart) or a dict."""
    if value is None:
        return None
    if not isinstance(value, dict):
        try:
            return {} if boolean(value) else None
        except TypeError:
            raise OptionError(option, value, "must be true, false or a dict with %s" % ", ".join(sorted(ROLLING_SPEC))) from None
    result = ArgumentSpecValidator(ROLLING_SPEC).validate(value)
    if result.error_messages:
        raise OptionError(option, value, "is not valid: %s" % "; ".join(result.error_messages))
    rolling = result.validated_parameters
    if rolling.get("batch_size") is not None and rolling["batch_size"] < 1:
        raise OptionError(option + ".batch_size", rolling["batch_size"], "must be 1 or more")
    for key in ("fail_threshold", "sleep_seconds"):
        if rolling.get(key) is not None and rolling[key] < 0:
            raise OptionError(option + "." + key, rolling[key], "must be 0 or more")
    rolling["role_types"] = [t.upper() for t in rolling.get("role_types") or []] or None
    return rolling


def rolling_restart(client, cluster, service, rolling, deadline, wait=True):
    started = client.http.post_json(client.service_path(cluster, service, "commands", "rollingRestart"), rolling_args(rolling))
    if not wait:
        return started
    return client.wait_command(started, "rolling restart of service %s in cluster %s" % (service, cluster), deadline)


def synchronous_command(client, path, what):
    return check_command(client.http.post_json(path), what)


# -- settings (service config and role config groups) -----------------------------------------------
def desired_settings(option, values, items, owner):
    """The settings asked for, as CM strings; OptionError for a name `owner` does not have (when items is known)."""
    for key, value in (values or {}).items():
        if isinstance(value, (dict, list)):
            raise OptionError(option, {key: value}, "is not a setting value: Cloudera Manager keeps each setting as one "
                                                    "string; give a string, number or boolean")
    desired = {key: as_config_string(value) for key, value in (values or {}).items()}
    for key in desired:
        if items is not None and key not in items:
            raise OptionError(option, key, "is not a configuration setting of %s" % owner)
    return desired


# When Cloudera Manager cannot say (the service or group does not exist yet, in check mode), names like these count
# as sensitive, so that a predicted password is masked too.
SENSITIVE_WORDS = ("password", "secret", "token", "credential", "keytab", "private_key")


def is_sensitive(item, name=None):
    """CM's `sensitive` flag of a setting; without an ApiConfig for it, whether its name looks like a secret's."""
    if item is not None:
        return bool(item.get("sensitive"))
    return any(word in (name or "").lower() for word in SENSITIVE_WORDS)


def setting_changes(desired, items):
    """{key: (value in effect, value in effect after)}. A null wanted value removes the setting (the default applies):
    a change only while a value is set. A sensitive value CM answers only as REDACTED cannot be compared: it counts
    as in place (see redacted_settings)."""
    changes = {}
    for key, wanted in desired.items():
        item = items.get(key) or {}
        if wanted is None and item.get("value") is not None:
            changes[key] = (item["value"], item.get("default"))
        elif wanted is not None and is_sensitive(item, key) and item.get("value") == REDACTED:
            continue
        elif wanted is not None and config_value(item) != wanted:
            changes[key] = (config_value(item), wanted)
    return changes


def redacted_settings(desired, items):
    """The desired sensitive settings CM shows only as REDACTED (so they could not be compared)."""
    return sorted(key for key, wanted in desired.items()
                  if wanted is not None and is_sensitive(items.get(key), key) and (items.get(key) or {}).get("value") == REDACTED)


def sensitive_names(desired, items):
    return sorted(key for key in desired if is_sensitive(items.get(key), key))


def shown_settings(values, items):
    """values with every sensitive setting masked (a value that is not set stays null)."""
    return {key: (MASK if value is not None and is_sensitive(items.get(key), key) else value) for key, value in values.items()}


def settings_before_after(desired, items, changes):
    """(before, after) of the settings named in desired, values in effect, sensitive ones masked."""
    before = {key: config_value(items.get(key) or {}) for key in desired}
    after = dict(before, **{key: new for key, (old, new) in changes.items()})
    return shown_settings(before, items), shown_settings(after, items)
