#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_parcel
short_description: Download, distribute, activate or remove a parcel with Cloudera Manager
version_added: 0.1.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Moves one parcel (a product version, such as CDH 7.1.9) of a Cloudera Manager cluster to the stage that O(state)
    names, by the shortest legal path through Cloudera Manager's stages C(AVAILABLE_REMOTELY), C(DOWNLOADED),
    C(DISTRIBUTED) and C(ACTIVATED), for example deactivating before removing the distribution.
  - A stage already in progress (C(DOWNLOADING), C(DISTRIBUTING), C(ACTIVATING), C(UNDISTRIBUTING)) is waited for,
    not started again; going backwards, a download or distribution in progress is cancelled.
  - The stage is read again just before every command, and the command legal in that stage is sent once. A
    command is never repeated, because Cloudera Manager answers HTTP 400 both to an illegal command and, briefly,
    while parcel work settles; such an answer fails the task with Cloudera Manager's message.
  - Activating a version deactivates the version of the same product that was active; services then need a
    restart (see M(bigdata.platform.cm_service) and its O(bigdata.platform.cm_service#module:restart_on_config_change)).
  - A download is shared by every cluster of a Cloudera Manager; distribution and activation are per cluster.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  product:
    description: Parcel product name.
    type: str
    default: CDH
  version:
    description:
      - Full parcel version, such as V(7.1.9-1.cdh7.1.9.p0.44702451).
      - When Cloudera Manager does not offer it, the task fails and lists the versions it offers for O(product).
    type: str
    required: true
  state:
    description:
      - V(available) - Cloudera Manager lists the parcel and nothing of it is downloaded (adds O(repo_url) first).
      - V(downloaded) - the parcel is on the Cloudera Manager server, not on the cluster's hosts.
      - V(distributed) - the parcel is on every host of the cluster, not active.
      - V(activated) - the parcel is the active version of its product on the cluster.
      - V(absent) - deactivated, removed from the hosts and from the server. Unlike V(available), a version
        that Cloudera Manager does not list is fine.
    type: str
    choices: [available, downloaded, distributed, activated, absent]
    default: activated
  repo_url:
    description:
      - Parcel repository URLs that must be in Cloudera Manager's C(REMOTE_PARCEL_REPO_URLS). Missing ones are
        appended, the others stay, and the repositories are refreshed so their parcels appear.
    type: list
    elements: str
notes:
  - With O(wait=false) the task sends the next command of the path (if any) and returns; run it again to go on.
  - C(changed) is true when the task sent (or, in check mode, would send) a command or changed the repositories;
    waiting for a stage someone else started is not a change.
seealso:
  - module: bigdata.platform.cm_parcel_info
  - module: bigdata.platform.cm_service
"""

EXAMPLES = r"""
- name: CDH 7.1.9 is active on Cluster 1 (from its repository)
  bigdata.platform.cm_parcel:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    version: 7.1.9-1.cdh7.1.9.p0.44702451
    repo_url:
      - https://archive.cloudera.com/p/cdh7/7.1.9.0/parcels/
    state: activated
    timeout: 7200

- name: Download only, credentials from CM_HOST, CM_USERNAME and CM_PASSWORD
  bigdata.platform.cm_parcel:
    cluster: Cluster 1
    version: 7.1.9-1.cdh7.1.9.p0.44702451
    state: downloaded

- name: The old version is gone from the hosts and the server
  bigdata.platform.cm_parcel:
    cluster: Cluster 1
    version: 7.1.7-1.cdh7.1.7.p0.15945976
    state: absent
"""

RETURN = r"""
parcel:
  description: The parcel after the task (predicted in check mode); null when it is absent and unknown to Cloudera Manager.
  returned: always
  type: dict
  contains:
    cluster:
      description: The cluster's internal name (what Cloudera Manager's API paths use).
      type: str
      sample: cluster
    cluster_display_name:
      description: The cluster's display name, as Cloudera Manager's UI shows it.
      type: str
      sample: Cluster 1
      version_added: 0.2.0
    product:
      description: Product name.
      type: str
      sample: CDH
    version:
      description: Parcel version.
      type: str
      sample: 7.1.9-1.cdh7.1.9.p0.44702451
    stage:
      description: Stage, such as C(DOWNLOADED) or C(ACTIVATED).
      type: str
      sample: ACTIVATED
    display_name:
      description: Name Cloudera Manager shows.
      type: str
    description:
      description: Description Cloudera Manager shows.
      type: str
    state:
      description: Progress of the current stage and the errors and warnings Cloudera Manager reports for the parcel.
      type: dict
      sample: {progress: 0, total_progress: 0, count: 3, total_count: 3, errors: [], warnings: []}
commands:
  description:
    - Parcel commands sent (in check mode, that would be sent), in order.
    - Also in the result of a task that fails on the way, with C(changed=true) when CM accepted some.
  returned: always
  type: list
  elements: str
  sample: [deactivate, startRemovalOfDistribution, removeDownload]
repositories:
  description: Cloudera Manager's parcel repository URLs after the task; only when O(repo_url) is given.
  returned: when O(repo_url) is given
  type: list
  elements: str
timeline:
  description:
    - What the task's waits saw, each distinct stage once (with its progress at C(-v)), with C(elapsed) (seconds
      since the task began) and C(what) (the wait).
    - At C(-v), a task that waits shows the parcel's stage and progress every 20 seconds.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{elapsed: 0.1, what: "parcel CDH 7.1.9-1.cdh7.1.9.p0.44702451 to reach DISTRIBUTED", state: "stage DISTRIBUTING (40%)"}]
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    PARCEL_STATES, ClouderaManagerClient, cm_argument_spec, normalize_parcel, plan_parcel_path, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import WAIT_ARGS, make_diff, run_module
from ansible_collections.bigdata.platform.plugins.module_utils.waiting import Deadline

MAX_STEPS = 8


def argument_spec():
    return cm_argument_spec(WAIT_ARGS, dict(
        cluster=dict(type="str", required=True),
        product=dict(type="str", default="CDH"),
        version=dict(type="str", required=True),
        state=dict(type="str", default="activated", choices=sorted(PARCEL_STATES)),
        repo_url=dict(type="list", elements="str"),
    ))


def read_current(client, params):
    return normalize_parcel(client.read_parcel(params["cluster"], params["product"], params["version"]))


def unknown_version(client, params):
    offered = sorted(p["version"] for p in client.parcels(params["cluster"]) if p["product"] == params["product"])
    return OptionError("version", params["version"], "is not a %s parcel Cloudera Manager offers for cluster %s; "
                       "versions offered: %s" % (params["product"], params["cluster"], ", ".join(offered) or "none"))


def ensure_repositories(client, urls, check_mode, deadline):
    """(before, after) lists of repository URLs; appends the missing ones unless in check mode."""
    for url in urls:
        if not url.startswith(("http://", "https://")):
            raise OptionError("repo_url", url, "is not an http:// or https:// URL")
    before = client.parcel_repositories()
    known = set(url.rstrip("/") for url in before)
    after = before + [url for url in urls if url.rstrip("/") not in known]
    if after != before and not check_mode:
        client.set_parcel_repositories(after, deadline)
    return before, after


def walk(client, params, parcel, target, deadline):
    """Step by step to `target`, each command chosen from the stage read just before it."""
    product, version, cluster = params["product"], params["version"], params["cluster"]
    sent = []
    try:
        for dummy in range(MAX_STEPS):
            if parcel is None:
                return forgotten(params), sent
            if parcel["stage"] == target:
                return parcel, sent
            command, stage = plan_parcel_path(parcel["stage"], target)[0]
            if command:
                try:
                    client.parcel_command(cluster, product, version, command)
                except ApiError as exc:
                    parcel = moved_meanwhile(client, params, parcel, exc)
                    continue
                sent.append(command)
            if not params["wait"]:
                return normalize_parcel(client.read_parcel(cluster, product, version)), sent
            parcel = client.wait_parcel(cluster, product, version, stage, parcel["stage"], deadline)
        raise PlatformError("parcel %s %s did not reach %s within %d steps; last stage seen: %s"
                            % (product, version, target, MAX_STEPS, parcel["stage"]), last_state=parcel)
    except PlatformError as exc:
        # A failure after CM accepted commands: the task still changed the parcel, say so and how.
        exc.details.update(changed=bool(sent), commands=sent)
        raise


def forgotten(params):
    """None (absent) when CM forgot the parcel as its download went: no configured repository offers it."""
    if params["state"] == "absent":
        return None
    raise PlatformError("Cloudera Manager no longer lists parcel %s %s after its download was removed: no configured "
                        "repository offers it; add one with repo_url" % (params["product"], params["version"]))


def moved_meanwhile(client, params, parcel, error):
    """The parcel as read again when CM refused a command because the parcel left the stage the command was
    planned from: another task moved it (a download is shared by every cluster of a Cloudera Manager, so
    clusters rolled out in parallel start it concurrently). Otherwise the refusal stands and is raised."""
    if error.status == 400:
        fresh = read_current(client, params)
        if fresh is not None and fresh["stage"] != parcel["stage"]:
            return fresh
    raise error


def locate(client, params, check_mode, deadline):
    """(parcel before the task, parcel to walk from, (repositories before, after) or None)."""
    before = parcel = read_current(client, params)
    repositories = None
    if params["repo_url"]:
        repositories = ensure_repositories(client, params["repo_url"], check_mode, deadline)
    added = bool(repositories) and repositories[0] != repositories[1]
    if repositories and not check_mode and (added or parcel is None):
        if not added:
            # The URLs were there already, but CM has not read them since: refresh once.
            client.refresh_parcel_repositories(deadline)
        parcel = read_current(client, params)
    if parcel is None and repositories and check_mode:
        # The run adds the repository or, when it is there already, refreshes: the parcel would appear, available.
        parcel = dict(product=params["product"], version=params["version"], cluster=params["cluster"],
                      cluster_display_name=params["cluster_display_name"], stage="AVAILABLE_REMOTELY")
    if parcel is None and params["state"] != "absent":
        raise unknown_version(client, params)
    return before, parcel, repositories


# Stages in which a cluster holds a parcel on its hosts: Cloudera Manager then refuses to remove the download.
HELD_STAGES = ("DISTRIBUTING", "DISTRIBUTED", "ACTIVATING", "ACTIVATED", "UNDISTRIBUTING")


def refuse_removal_held_elsewhere(client, params, path):
    """Before a walk that ends in removeDownload: fail (check mode too) when another cluster still has the parcel on
    its hosts, since CM refuses removeDownload then and each re-run would send the refused command again."""
    if "removeDownload" not in [command for command, dummy in path]:
        return
    held = []
    for cluster in client.clusters():
        if cluster["name"] == params["cluster"]:
            continue
        other = normalize_parcel(client.read_parcel(cluster["name"], params["product"], params["version"]))
        if other and other["stage"] in HELD_STAGES:
            held.append("%s (%s)" % (cluster.get("displayName") or cluster["name"], other["stage"]))
    if held:
        raise OptionError("state", params["state"], "cannot remove parcel %s %s from Cloudera Manager: it is still on the hosts "
                                                    "of cluster %s, and Cloudera Manager keeps a download while a cluster "
                                                    "has it distributed; remove it there first, or use state: downloaded "
                                                    "to take it off this cluster's hosts only"
                          % (params["product"], params["version"], ", ".join(held)))


def planned(stage, target, wait):
    """The steps the run takes: the whole walk; with wait false only the next step, and only when it is a
    command (a stage already under way is left to go on)."""
    path = plan_parcel_path(stage, target)
    return path if wait else [step for step in path[:1] if step[0]]


def run(module):
    client = ClouderaManagerClient.from_params(module.params)
    params = with_cluster(client, module.params)
    deadline = Deadline(params["timeout"])
    target = PARCEL_STATES[params["state"]]
    before, parcel, repositories = locate(client, params, module.check_mode, deadline)
    if parcel:
        refuse_removal_held_elsewhere(client, params, plan_parcel_path(parcel["stage"], target))
    path = planned(parcel["stage"], target, params["wait"]) if parcel else []
    commands = [command for command, dummy in path if command]
    if parcel and not module.check_mode:
        parcel, commands = walk(client, params, parcel, target, deadline)
    elif path:
        parcel = dict(parcel, stage=path[-1][1])
    repos_changed = bool(repositories) and repositories[0] != repositories[1]
    result = dict(changed=bool(commands) or repos_changed, parcel=parcel, commands=commands,
                  diff=make_diff(summary(before, repositories, 0), summary(parcel, repositories, 1)))
    if repositories:
        result["repositories"] = repositories[1]
    result["timeline"] = deadline.timeline
    return result


def summary(parcel, repositories, side):
    """What --diff shows: the stage, and the repository list when the task manages it."""
    shown = {"stage": parcel["stage"]} if parcel else {}
    if repositories:
        shown["repositories"] = repositories[side]
    return shown


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("cluster", "product", "version"))


if __name__ == "__main__":
    main()
