#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: yarn_app_info
short_description: List Hadoop YARN applications, or read one
version_added: 0.1.0
requirements: [requests, "requests-gssapi (or requests-kerberos) for auth=kerberos only"]
description:
  - Reads one application by O(id), or lists the applications a Hadoop YARN ResourceManager knows,
    filtered by state, owner, queue, tags, name and type.
  - Filters are sent to the ResourceManager and applied again by the module, so that they also hold on
    Hadoop 2, whose ResourceManager ignores the O(name) filter.
  - Not to be confused with M(community.general.yarn), the Node.js package manager.
author:
  - bigdata.platform contributors (@bigdata-platform)
extends_documentation_fragment:
  - bigdata.platform.yarn
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  id:
    description: One application id. The result is a list of that application, or an empty list when the ResourceManager does not know it.
    type: str
    aliases: [application_id]
  name:
    description: Only applications with exactly this name.
    type: str
  states:
    description: Only applications in one of these YARN states.
    type: list
    elements: str
    choices: [NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED, KILLED]
  owner:
    description: Only applications of this user.
    type: str
    aliases: [app_user]
  queue:
    description: Only applications in this queue.
    type: str
  tags:
    description: Only applications that carry every one of these tags (case-insensitive).
    type: list
    elements: str
  application_types:
    description: Only applications of one of these types (case-insensitive).
    type: list
    elements: str
    aliases: [types]
  limit:
    description: At most this many applications, the newest first.
    type: int
"""

EXAMPLES = r"""
- name: What runs in the etl queue
  bigdata.platform.yarn_app_info:
    rm_urls: [http://rm1.example.com:8088, http://rm2.example.com:8088]
    queue: etl
    states: [ACCEPTED, RUNNING]
  register: etl

- name: One application
  bigdata.platform.yarn_app_info:
    rm_urls: [http://rm1.example.com:8088]
    id: application_1700000000000_0001
  register: one
"""

RETURN = r"""
apps:
  description: The applications, newest first, as M(bigdata.platform.yarn_app) returns one.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: The application id.
      type: str
      sample: application_1700000000000_0001
    name:
      description: The application name.
      type: str
      sample: nightly-load
    user:
      description: The user it runs as.
      type: str
      sample: etl
    queue:
      description: Its queue (leaf name).
      type: str
      sample: etl
    state:
      description: "The YARN state: NEW, NEW_SAVING, SUBMITTED, ACCEPTED, RUNNING, FINISHED, FAILED or KILLED."
      type: str
      sample: RUNNING
    final_status:
      description: UNDEFINED while it runs, then SUCCEEDED, FAILED or KILLED.
      type: str
      sample: UNDEFINED
    progress:
      description: Progress in percent.
      type: float
      sample: 42.0
    application_type:
      description: The application type.
      type: str
      sample: YARN
    tags:
      description: Its tags (lower case).
      type: list
      elements: str
      sample: [nightly]
    priority:
      description: Its priority.
      type: int
      sample: 0
    diagnostics:
      description: The ResourceManager's diagnostics.
      type: str
      sample: ""
    tracking_url:
      description: The tracking URL.
      type: str
      sample: "http://rm1.example.com:8088/proxy/application_1700000000000_0001/"
    am_container_logs:
      description: Where the ApplicationMaster's logs are.
      type: str
      sample: "http://nm1:8042/node/containerlogs/container_1700000000000_0001_01_000001/etl"
    started_time:
      description: Start time in ms since the epoch.
      type: int
      sample: 1700000000000
    finished_time:
      description: End time in ms since the epoch (0 while it runs).
      type: int
      sample: 0
    elapsed_time:
      description: Run time in ms.
      type: int
      sample: 5000
    allocated_mb:
      description: Memory of its running containers, in MB.
      type: int
      sample: 1024
    allocated_vcores:
      description: Virtual cores of its running containers.
      type: int
      sample: 1
    running_containers:
      description: How many containers it runs.
      type: int
      sample: 1
"""

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import TLS_ARGS, merge_specs, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.apps import STATES, check_app_id, find_apps, normalize_app
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.client import YARN_ARGS, YarnClient


# Filters of the listing: none of them applies to one application asked for by id.
FILTERS = ("name", "states", "owner", "queue", "tags", "application_types", "limit")


def argument_spec():
    return merge_specs(YARN_ARGS, TLS_ARGS, dict(
        id=dict(type="str", aliases=["application_id"]),
        name=dict(type="str"),
        states=dict(type="list", elements="str", choices=STATES),
        owner=dict(type="str", aliases=["app_user"]),
        queue=dict(type="str"),
        tags=dict(type="list", elements="str"),
        application_types=dict(type="list", elements="str", aliases=["types"]),
        limit=dict(type="int"),
    ))


def run(module):
    params = module.params
    if params["limit"] is not None and params["limit"] < 1:
        raise OptionError("limit", params["limit"], "must be at least 1")
    client = YarnClient.from_params(module.params)
    if params["id"] is not None:
        app = normalize_app(client.get_app(check_app_id(params["id"])))
        return dict(changed=False, apps=[app] if app else [])
    apps = find_apps(client, states=params["states"], name=params["name"], tags=params["tags"], user=params["owner"],
                     queue=params["queue"], types=params["application_types"], limit=params["limit"])
    return dict(changed=False, apps=apps)


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               mutually_exclusive=[("id", option) for option in FILTERS],
               identity=("id", "name"))


if __name__ == "__main__":
    main()
