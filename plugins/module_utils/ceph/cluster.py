# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cluster facts from read-only mon commands (mon 'allow r' is enough): identity, monitors, health, usage,
placement group states, and the minimal ceph.conf a client needs."""

from __future__ import annotations

HEALTH_OK = "HEALTH_OK"


def monitors(mon_map):
    """[{name, rank, v1, v2}] from 'mon dump': each monitor's addresses by messenger version (null when absent)."""
    found = []
    for mon in mon_map["mons"]:
        addresses = {entry["type"]: entry["addr"] for entry in mon["public_addrs"]["addrvec"]}
        found.append({"name": mon["name"], "rank": mon["rank"], "v2": addresses.get("v2"), "v1": addresses.get("v1")})
    return found


def mon_host(mons):
    """The mon_host value a client ceph.conf takes: '[v2:ip:3300,v1:ip:6789],...'."""
    return ",".join("[%s]" % ",".join("%s:%s" % (version, mon[version]) for version in ("v2", "v1") if mon[version])
                    for mon in mons)


def health(raw):
    """{status, checks: {CODE: {severity, message, details}}} from 'health detail'."""
    return {"status": raw["status"], "checks": {
        code: {"severity": check["severity"], "message": check["summary"]["message"],
               "details": [entry["message"] for entry in check.get("detail") or []]}
        for code, check in sorted(raw.get("checks", {}).items())}}


def is_clean(state):
    """active+clean, also while scrubbing or deep scrubbing (active+clean+scrubbing+deep)."""
    return state == "active+clean" or state.startswith("active+clean+")


def pg_summary(pgmap):
    by_state = {entry["state_name"]: entry["count"] for entry in pgmap.get("pgs_by_state") or []}
    not_clean = {state: count for state, count in by_state.items() if not is_clean(state)}
    return {"total": pgmap.get("num_pgs", 0), "by_state": by_state, "not_clean": sum(not_clean.values()),
            "all_clean": not not_clean}


def usage(df):
    stats = df["stats"]
    return {"total_bytes": stats["total_bytes"], "total_avail_bytes": stats["total_avail_bytes"],
            "total_used_bytes": stats["total_used_raw_bytes"],
            "pools": [{"name": pool["name"], "id": pool["id"], "stored": pool["stats"]["stored"],
                       "objects": pool["stats"]["objects"], "max_avail": pool["stats"]["max_avail"],
                       "bytes_used": pool["stats"]["bytes_used"], "percent_used": pool["stats"]["percent_used"]}
                      for pool in df.get("pools") or []]}


def health_state(client):
    """What a health wait looks at: the health and the PG states, from two read-only commands."""
    return {"health": health(client.mon_json("health", detail="detail")),
            "pgs": pg_summary(client.mon_json("status")["pgmap"])}


def cluster_facts(client):
    mon_map = client.mon_json("mon dump")
    mons = monitors(mon_map)
    dummy, conf, dummy = client.mon_command(dict(prefix="config generate-minimal-conf"))
    facts = {"fsid": mon_map["fsid"], "monitors": mons, "mon_host": mon_host(mons), "usage": usage(client.mon_json("df")),
             "ceph_conf": conf.decode()}
    facts.update(health_state(client))
    return facts


def is_healthy(state, healthy_when):
    """health_ok: HEALTH_OK and every PG active+clean*; pgs_clean: every PG active+clean*, whatever the health says."""
    return state["pgs"]["all_clean"] and (healthy_when == "pgs_clean" or state["health"]["status"] == HEALTH_OK)


def describe_health(state):
    """'HEALTH_WARN (PG_AVAILABILITY: Reduced data availability: 8 pgs inactive); 8 of 9 PGs not active+clean
    (undersized+peered: 8)' for waits and their timeout message."""
    checks = "; ".join("%s: %s" % (code, check["message"]) for code, check in state["health"]["checks"].items())
    text = state["health"]["status"] + (" (%s)" % checks if checks else "")
    pgs = state["pgs"]
    if pgs["all_clean"]:
        return "%s; all %d PGs active+clean" % (text, pgs["total"])
    states = ", ".join("%s: %d" % (name, count) for name, count in sorted(pgs["by_state"].items()) if not is_clean(name))
    return "%s; %d of %d PGs not active+clean (%s)" % (text, pgs["not_clean"], pgs["total"], states)
