#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Demo inventory: connection variables for the platforms in hosts.yml, pointing at whatever
scripts/demo.sh (or a test) started.

Reads $DEMO_STATE_DIR (default: <repo>/.build/demo):
  simulators.json   {"cm": "http://127.0.0.1:PORT", "yarn": ..., "sahara": ..., "rhev": ...}
  ceph.json         {"conf_file": ..., "keyring": ..., "client_name": ...}   (only when Ceph runs)
and prints, for the group `all`, one <system>_connection dict per system that runs (site.yml gives it
to the system's modules through module_defaults) and `platform_systems`, the systems that run, so
site.yml skips the roles of the others. The credentials are the simulators' seeded demo accounts.
"""

from __future__ import annotations

import json
import os
import sys
from urllib.parse import urlsplit

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_STATE_DIR = os.path.join(HERE, "..", "..", "..", ".build", "demo")

# The order site.yml provisions in; the names are the collection's action groups.
SYSTEMS = ("rhev", "ceph", "cloudera_manager", "sahara", "yarn")


def cloudera_manager(url):
    parts = urlsplit(url)
    return {"host": parts.hostname, "port": parts.port, "username": "admin", "password": "admin"}


def rhev(url):
    return {"url": url + "/ovirt-engine/api", "username": "admin@internal", "password": "secret"}


def sahara(url):
    return {"auth": {"auth_url": url + "/v3", "username": "demo", "password": "secret", "project_name": "demo",
                     "user_domain_name": "Default", "project_domain_name": "Default"}}


def yarn(url):
    return {"rm_urls": [url], "user": "hadoop"}


SIMULATED = {"cm": ("cloudera_manager", cloudera_manager), "rhev": ("rhev", rhev),
             "sahara": ("sahara", sahara), "yarn": ("yarn", yarn)}


def read_json(path):
    if not os.path.exists(path):
        return {}
    with open(path) as handle:
        return json.load(handle)


def connection_vars(state_dir):
    variables = {}
    for name, url in read_json(os.path.join(state_dir, "simulators.json")).items():
        if name in SIMULATED:
            system, build = SIMULATED[name]
            variables[system + "_connection"] = build(url)
    ceph = read_json(os.path.join(state_dir, "ceph.json"))
    if ceph:
        variables["ceph_connection"] = {key: ceph[key] for key in ("conf_file", "keyring", "client_name")}
    variables["platform_systems"] = [system for system in SYSTEMS if system + "_connection" in variables]
    variables["demo_state_dir"] = os.path.abspath(state_dir)
    return variables


def main(argv):
    if len(argv) > 1 and argv[1] == "--host":
        print("{}")
        return 0
    state_dir = os.environ.get("DEMO_STATE_DIR") or DEFAULT_STATE_DIR
    print(json.dumps({"all": {"vars": connection_vars(state_dir)}, "_meta": {"hostvars": {}}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
