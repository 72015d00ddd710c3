#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: yarn_app
short_description: Submit, wait for, move and kill Hadoop YARN applications
version_added: 0.1.0
description:
  - Submits an application to a Hadoop YARN ResourceManager through its REST API, idempotently, and
    waits until it is accepted, running or finished; moves it to another queue; kills it.
  - An application is identified by O(id), or by O(name) plus O(tags) (and the submitting O(user) when
    set). When a matching application is already NEW, NEW_SAVING, SUBMITTED, ACCEPTED or RUNNING, no
    second copy is submitted (with O(reuse_finished=true) a matching one that FINISHED with final status
    SUCCEEDED counts too).
  - A new application id is requested from the ResourceManager only when a submission is certain,
    because every request consumes one.
  - Not to be confused with M(community.general.yarn), the Node.js package manager.
author:
  - bigdata.platform contributors (@bigdata-platform)
extends_documentation_fragment:
  - bigdata.platform.yarn
  - bigdata.platform.wait
  - bigdata.platform.tls
  - bigdata.platform.attributes
options:
  name:
    description:
      - The application name. With O(tags), it identifies the application.
      - Required unless O(id) is given, and required to submit.
    type: str
  id:
    description:
      - An existing application id, such as V(application_1700000000000_0001), to wait for, move or kill.
        Nothing is submitted when O(id) is given.
    type: str
    aliases: [application_id]
  state:
    description:
      - V(submitted) makes sure the application exists (submitting it when no matching one is active);
        with O(wait=true) the task returns once the ResourceManager has ACCEPTED it.
      - V(running) also waits until it is RUNNING (or has already FINISHED successfully).
      - V(finished) also waits until it has ended; an application that FAILED, was KILLED, or finished
        with a final status other than SUCCEEDED fails the task with its diagnostics.
      - V(killed) kills every matching application that has not ended; one that has ended is left alone.
    type: str
    choices: [submitted, running, finished, killed]
    default: submitted
  tags:
    description:
      - Application tags. YARN stores tags in lower case, so they match case-insensitively.
      - An application matches when it carries every tag listed here.
    type: list
    elements: str
    default: []
  queue:
    description:
      - The queue to submit to. For an application that is already active in another queue, the
        application is moved to this queue (the queue does not take part in identifying it).
      - With the Capacity Scheduler, a move to a queue that is not one of its leaf queues is refused before
        anything is sent, in check mode too.
    type: str
  reuse_finished:
    description:
      - Also count a matching application as already done when the latest one FINISHED with final status
        SUCCEEDED, so that a playbook run again after the job completed does not run it again. When the
        latest one failed or was killed, the application is submitted again.
    type: bool
    default: false
  application_type:
    description: The application type shown by the ResourceManager, such as V(YARN), V(MAPREDUCE) or V(SPARK).
    type: str
    default: YARN
  priority:
    description:
      - The application priority (a higher number runs first).
      - Given at submission, and changed in place on an application that is already SUBMITTED, ACCEPTED or
        RUNNING (C(PUT /apps/{id}/priority)).
      - The ResourceManager caps a priority at its C(yarn.cluster.max-application-priority) (V(0) unless
        configured), and the task fails when it gave another priority than this one.
    type: int
  am_resource:
    description: Resources of the ApplicationMaster container.
    type: dict
    suboptions:
      memory:
        description: Memory in MB (V(1024)) or with a unit (V(2G), V(512M)).
        type: raw
        default: 1024
      vcores:
        description: Virtual cores.
        type: int
        default: 1
  commands:
    description:
      - The ApplicationMaster launch command. YARN joins the items with spaces into one shell command line,
        which may use C({{JAVA_HOME}}) and C(<LOG_DIR>).
      - Required to submit.
    type: list
    elements: str
  environment:
    description: Environment variables of the ApplicationMaster container.
    type: dict
    default: {}
  local_resources:
    description:
      - Files the NodeManager localises for the ApplicationMaster. The size and the modification time must
        be those of the file in the distributed file system, or localisation fails.
    type: list
    elements: dict
    suboptions:
      name:
        description: The name of the file in the container's working directory.
        type: str
        required: true
      resource:
        description: Its URL, such as V(hdfs://namenode:8020/apps/app.jar).
        type: str
        required: true
      type:
        description: How it is localised.
        type: str
        choices: [FILE, ARCHIVE, PATTERN]
        default: FILE
      visibility:
        description: Who may share the localised copy.
        type: str
        choices: [PUBLIC, PRIVATE, APPLICATION]
        default: APPLICATION
      size:
        description: Its size in bytes.
        type: int
        required: true
      timestamp:
        description: Its modification time in milliseconds since the epoch.
        type: int
        required: true
  max_app_attempts:
    description: How many times the ApplicationMaster may be started (at least V(1)).
    type: int
  lifetime:
    description:
      - How long the application may run, in seconds from its start; the ResourceManager kills it then (its
        C(LIFETIME) timeout).
      - Set after the submission, and changed in place on an application that is already SUBMITTED, ACCEPTED
        or RUNNING (C(PUT /apps/{id}/timeout)); the change shows in C(--diff).
    type: int
    version_added: 0.2.0
  credentials:
    description:
      - Tokens and secrets the application needs to authenticate itself, passed in its launch context.
      - Given at submission only; an application that exists keeps the credentials it was submitted with.
    type: dict
    version_added: 0.2.0
    suboptions:
      tokens:
        description: Tokens by alias, each in the URL-safe encoding the issuing service returned (an HDFS or Hive delegation token).
        type: dict
        default: {}
      secrets:
        description: Secrets by alias, as plain text; the module sends them base-64 encoded, as the ResourceManager wants.
        type: dict
        default: {}
  application_acls:
    description:
      - Who may see and who may change (kill, move) the application besides its owner and the YARN
        administrators, as YARN ACLs (V(alice,bob analysts) is the users alice and bob and the group analysts).
      - Given at submission only.
    type: dict
    version_added: 0.2.0
    suboptions:
      view_app:
        description: The VIEW_APP ACL.
        type: str
      modify_app:
        description: The MODIFY_APP ACL.
        type: str
  keep_containers:
    description: Keep the containers of a failed attempt for the next attempt.
    type: bool
    default: false
  unmanaged_am:
    description: The ApplicationMaster runs outside the cluster.
    type: bool
    default: false
"""

EXAMPLES = r"""
- name: Run the nightly load once, and wait for it to finish
  bigdata.platform.yarn_app:
    rm_urls: [http://rm1.example.com:8088, http://rm2.example.com:8088]
    user: etl
    name: nightly-load
    tags: [nightly, "{{ ds }}"]
    queue: etl
    am_resource: {memory: 2G, vcores: 1}
    commands:
      - "{{ '{{' }}JAVA_HOME{{ '}}' }}/bin/java -Xmx1g com.example.Loader"
      - "1><LOG_DIR>/AppMaster.stdout 2><LOG_DIR>/AppMaster.stderr"
    environment:
      CLASSPATH: "./*"
    local_resources:
      - name: loader.jar
        resource: hdfs://namenode:8020/apps/loader.jar
        size: 43004
        timestamp: 1700000000000
    state: finished
    timeout: 7200
  vars:
    ds: "2024-01-01"

- name: Move the running load to the ad hoc queue
  bigdata.platform.yarn_app:
    rm_urls: [http://rm1.example.com:8088]
    user: etl
    name: nightly-load
    tags: [nightly]
    queue: adhoc

- name: Kill it
  bigdata.platform.yarn_app:
    rm_urls: [http://rm1.example.com:8088]
    user: etl
    name: nightly-load
    tags: [nightly]
    state: killed
"""

RETURN = r"""
app:
  description:
    - The application after the task (in check mode, the predicted one; C(id) is null for an application
      that would be submitted).
    - Null when O(state=killed) finds no matching application at all.
  returned: always
  type: dict
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
      description: The ResourceManager's diagnostics (why it failed, for example).
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
    lifetime:
      description: Its LIFETIME timeout in seconds from its start (null when it has none); only when O(lifetime) is set.
      type: int
      returned: when O(lifetime) is set
      sample: 7200
timeline:
  description:
    - What the task's waits saw, each distinct state once, such as C(application_1700000000000_0007 RUNNING, 40% done
      (final status UNDEFINED)), with C(elapsed) (seconds since the task began) and C(what) (the wait).
    - At C(-v), a task that waits shows the application's state and progress every 20 seconds.
  returned: always
  type: list
  elements: dict
  version_added: 0.2.0
  sample: [{elapsed: 0.2, what: "application application_1700000000000_0007 to be finished",
            state: "application_1700000000000_0007 ACCEPTED (final status UNDEFINED)"}]
"""

import base64

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import (
    TLS_ARGS, WAIT_ARGS, make_diff, merge_specs, parse_size, run_module)
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.apps import (
    ACTIVE_STATES, FINAL_STATES, check_app_id, expiry_time, find_apps, lifetime_of, normalize_app, queue_leaf, wait_for_app)
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.client import YARN_ARGS, YarnClient
from ansible_collections.bigdata.platform.plugins.module_utils.yarn.scheduler import flatten_queues

# Seconds: an expiry beyond this is past what the RM's ISO 8601 dates (and the platform's time_t) hold.
MAX_LIFETIME = 100 * 365 * 24 * 3600
DIFF_KEYS = ("id", "name", "queue", "state", "tags", "priority", "lifetime")
# States in which the RM changes an app's priority or timeout (ClientRMService refuses NEW, NEW_SAVING and the end).
CHANGEABLE = ("SUBMITTED", "ACCEPTED", "RUNNING")
# When each state counts as reached (an app that ended badly fails the wait before this is asked).
REACHED = {
    "submitted": lambda app: app["state"] not in ("NEW", "NEW_SAVING", "SUBMITTED"),
    "running": lambda app: app["state"] == "RUNNING" or app["state"] in FINAL_STATES,
    "finished": lambda app: app["state"] in FINAL_STATES,
}
MIB = 1024 * 1024


def argument_spec():
    return merge_specs(YARN_ARGS, TLS_ARGS, WAIT_ARGS, dict(
        name=dict(type="str"),
        id=dict(type="str", aliases=["application_id"]),
        state=dict(type="str", default="submitted", choices=["submitted", "running", "finished", "killed"]),
        tags=dict(type="list", elements="str", default=[]),
        queue=dict(type="str"),
        reuse_finished=dict(type="bool", default=False),
        application_type=dict(type="str", default="YARN"),
        priority=dict(type="int"),
        am_resource=dict(type="dict", options=dict(memory=dict(type="raw", default=1024), vcores=dict(type="int", default=1))),
        commands=dict(type="list", elements="str"),
        environment=dict(type="dict", default={}),
        local_resources=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            resource=dict(type="str", required=True),
            type=dict(type="str", default="FILE", choices=["FILE", "ARCHIVE", "PATTERN"]),
            visibility=dict(type="str", default="APPLICATION", choices=["PUBLIC", "PRIVATE", "APPLICATION"]),
            size=dict(type="int", required=True),
            timestamp=dict(type="int", required=True),
        )),
        max_app_attempts=dict(type="int"),
        lifetime=dict(type="int"),
        credentials=dict(type="dict", no_log=True, options=dict(
            tokens=dict(type="dict", no_log=True, default={}),
            secrets=dict(type="dict", no_log=True, default={}),
        )),
        application_acls=dict(type="dict", options=dict(view_app=dict(type="str"), modify_app=dict(type="str"))),
        keep_containers=dict(type="bool", default=False),
        unmanaged_am=dict(type="bool", default=False),
    ))


def memory_mb(value):
    """MB from 1024, '1024' or a size with a unit ('2G'); OptionError names am_resource.memory."""
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        megabytes = value
    else:
        megabytes = parse_size(value, "am_resource.memory") // MIB
    if megabytes <= 0:
        raise OptionError("am_resource.memory", value, "must be a positive amount of memory (MB, or a size such as 2G)")
    return megabytes


def am_resource(params):
    resource = params["am_resource"] or {"memory": 1024, "vcores": 1}
    if resource["vcores"] <= 0:
        raise OptionError("am_resource.vcores", resource["vcores"], "must be a positive number of virtual cores")
    return {"memory": memory_mb(resource["memory"]), "vCores": resource["vcores"]}


def submission(params, app_id):
    """The POST /apps body."""
    commands = params["commands"]
    container = {
        "commands": {"command": commands[0] if len(commands) == 1 else commands},
        "environment": {"entry": [{"key": key, "value": str(value)} for key, value in sorted(params["environment"].items())]},
        "local-resources": {"entry": [
            {"key": item["name"], "value": {"resource": item["resource"], "type": item["type"], "visibility": item["visibility"],
                                            "size": item["size"], "timestamp": item["timestamp"]}}
            for item in params["local_resources"] or []]},
    }
    if params.get("credentials"):
        container["credentials"] = credentials_body(params["credentials"])
    acls = [{"key": key.upper(), "value": value} for key, value in sorted((params.get("application_acls") or {}).items())
            if value is not None]
    if acls:
        container["application-acls"] = {"entry": acls}
    body = {
        "application-id": app_id, "application-name": params["name"], "application-type": params["application_type"],
        "am-container-spec": container, "resource": am_resource(params), "unmanaged-AM": params["unmanaged_am"],
        "keep-containers-across-application-attempts": params["keep_containers"],
    }
    optional = {"queue": params["queue"], "priority": params["priority"], "max-app-attempts": params["max_app_attempts"],
                "application-tags": {"tag": params["tags"]} if params["tags"] else None}
    body.update((key, value) for key, value in optional.items() if value is not None)
    return body


def credentials_body(credentials):
    """Tokens as given (their URL-safe encoding from the issuing service), secrets base-64 encoded as the RM wants."""
    credentials = credentials or {}
    return {
        "tokens": {"entry": [{"key": key, "value": str(value)} for key, value in sorted((credentials.get("tokens") or {}).items())]},
        "secrets": {"entry": [{"key": key, "value": base64.b64encode(str(value).encode("utf-8")).decode("ascii")}
                              for key, value in sorted((credentials.get("secrets") or {}).items())]},
    }


def check_submission(params):
    """Everything a submission needs, checked before anything is sent (and in check mode)."""
    if not params["name"]:
        raise OptionError("name", params["name"], "is required to submit an application")
    if not params["commands"]:
        raise OptionError("commands", params["commands"], "is required to submit application '%s'" % params["name"])
    for key, value in params["environment"].items():
        if isinstance(value, (dict, list)) or value is None:
            raise OptionError("environment", {key: value}, "is not an environment variable: give each one a string value")
    am_resource(params)


def summary(app):
    return {key: app[key] for key in DIFF_KEYS if key in app} if app else None


def read_current(client, params):
    """The application the task is about, or None when a submission is needed."""
    if params["id"] is not None:
        app = normalize_app(client.get_app(params["id"]))
        if app is None:
            raise OptionError("id", params["id"], "is not an application the ResourceManager knows")
        return app
    states = ACTIVE_STATES + (FINAL_STATES if params["reuse_finished"] else [])
    apps = find_apps(client, states=states, name=params["name"], tags=params["tags"], user=params["user"])
    active = [app for app in apps if app["state"] in ACTIVE_STATES]
    if active:
        return active[0]
    # Only the latest run counts: one that failed after an earlier success means "run it again".
    if apps and apps[0]["state"] == "FINISHED" and apps[0]["final_status"] == "SUCCEEDED":
        return apps[0]
    return None


def predicted_app(params):
    predicted = {"id": None, "name": params["name"], "user": params["user"], "queue": params["queue"] or "default",
                 "state": "NEW", "final_status": "UNDEFINED", "tags": sorted(tag.lower() for tag in params["tags"]),
                 "application_type": params["application_type"], "priority": params["priority"], "diagnostics": ""}
    return with_lifetime(predicted, params["lifetime"], params)


def with_lifetime(app, lifetime, params):
    """The app with its lifetime (seconds from its start) when the task manages it."""
    return dict(app, lifetime=lifetime) if app is not None and params["lifetime"] is not None else app


def read_app(client, app_id, params):
    app = normalize_app(client.get_app(app_id))
    if app is None or params["lifetime"] is None:
        return app
    return with_lifetime(app, lifetime_of(client.lifetime_timeout(app_id), app["started_time"]), params)


def in_place_changes(params, current):
    """{key: wanted} for what a running app changes without a new submission: queue, priority, lifetime."""
    changes = {}
    wanted_queue = queue_leaf(params["queue"])
    if wanted_queue and queue_leaf(current["queue"]) != wanted_queue and current["state"] in ACTIVE_STATES:
        changes["queue"] = wanted_queue
    if current["state"] in CHANGEABLE:
        for key in ("priority", "lifetime"):
            if params[key] is not None and current.get(key) != params[key]:
                changes[key] = params[key]
    return changes


def check_leaf_queue(client, queue):
    """Refuse a move the Capacity Scheduler would refuse (a queue it does not have, or a parent queue), before
    anything is sent and in check mode too. Other schedulers' queue trees are not read: the RM has the last word."""
    info = client.scheduler()
    if info.get("type") != "capacityScheduler":
        return
    leaves = sorted(queue_info["name"] for queue_info in flatten_queues(info) if queue_info["leaf"])
    if queue not in leaves:
        raise OptionError("queue", queue, "is not a leaf queue of the scheduler (it has %s)" % ", ".join(leaves))


def change_in_place(client, app, changes):
    if "queue" in changes:
        client.move(app["id"], changes["queue"])
    if "priority" in changes:
        given = client.set_priority(app["id"], changes["priority"])
        if given != changes["priority"]:
            raise PlatformError("the ResourceManager gave application %s priority %s, not %s: priorities above its "
                                "yarn.cluster.max-application-priority are capped" % (app["id"], given, changes["priority"]),
                                changed=True)
    if "lifetime" in changes:
        client.set_lifetime_expiry(app["id"], expiry_time(app["started_time"], changes["lifetime"]))


def ensure_submitted(module, client, current):
    params = module.params
    if current is not None and params["lifetime"] is not None:
        current = with_lifetime(current, lifetime_of(client.lifetime_timeout(current["id"]), current["started_time"]), params)
    if current is None:
        check_submission(params)
        after = predicted_app(params)
        if module.check_mode:
            return dict(changed=True, app=after, diff=make_diff(None, summary(after)))
        app_id = client.submit(submission(params, client.new_application()["application-id"]))
        if params["lifetime"] is not None:
            started = normalize_app(client.get_app(app_id))["started_time"]
            client.set_lifetime_expiry(app_id, expiry_time(started, params["lifetime"]))
        return finish(module, client, None, read_app(client, app_id, params), changed=True)
    changes = in_place_changes(params, current)
    if "queue" in changes:
        check_leaf_queue(client, changes["queue"])
    after = dict(current, **changes)
    if module.check_mode or not changes:
        return finish(module, client, current, after, changed=bool(changes))
    change_in_place(client, current, changes)
    return finish(module, client, current, read_app(client, current["id"], params), changed=True)


def finish(module, client, before, after, changed):
    """Wait (not in check mode) until the wanted state is reached, and build the result."""
    state = module.params["state"]
    if module.params["wait"] and not module.check_mode:
        try:
            waited = wait_for_app(client, after["id"], REACHED[state], "application %s to be %s" % (after["id"], state))
            after = dict(waited, lifetime=after["lifetime"]) if "lifetime" in after else waited
        except PlatformError as exc:
            # The submission or move happened: a failed wait must not hide it (last_state holds the app).
            exc.details["changed"] = changed
            raise
    return dict(changed=changed, app=after, diff=make_diff(summary(before), summary(after)))


def kill(client, app_id, wait, deadline):
    """PUT state KILLED; with wait, repeat it (as the API documents) until the answer is 200 instead of 202."""
    if not wait:
        return client.kill(app_id)
    return deadline.wait_until(lambda: client.kill(app_id), lambda answer: answer[0] == 200,
                               "the kill of %s" % app_id, describe=lambda answer: "HTTP %s, state %s" % answer)


def ensure_killed(module, client):
    params = module.params
    if params["id"] is not None:
        apps = [read_current(client, params)]
    else:
        apps = find_apps(client, name=params["name"], tags=params["tags"], user=params["user"])
    targets = [app for app in apps if app["state"] in ACTIVE_STATES]
    if not targets:
        newest = apps[0] if apps else None
        return dict(changed=False, app=newest, diff=make_diff(summary(newest), summary(newest)))
    before = targets[0]
    after = dict(before, state="KILLED", final_status="KILLED")
    if not module.check_mode:
        for app in targets:  # the kills of several matching apps share the task's timeout
            kill(client, app["id"], params["wait"], client.deadline)
        after = normalize_app(client.get_app(before["id"]))
    return dict(changed=True, app=after, diff=make_diff(summary(before), summary(after)))


# YARN's Priority record holds an int32; the ResourceManager then caps it at yarn.cluster.max-application-priority.
MAX_PRIORITY = 2 ** 31 - 1


def check_numbers(params):
    """Values the ResourceManager would take silently (it replaces a max-app-attempts <= 0 with the cluster's) or
    that make no sense, refused before anything is sent."""
    if params["max_app_attempts"] is not None and params["max_app_attempts"] < 1:
        raise OptionError("max_app_attempts", params["max_app_attempts"], "must be at least 1")
    if params["lifetime"] is not None and not 1 <= params["lifetime"] <= MAX_LIFETIME:
        raise OptionError("lifetime", params["lifetime"], "must be from 1 second to %d (100 years)" % MAX_LIFETIME)
    if params["priority"] is not None and not 0 <= params["priority"] <= MAX_PRIORITY:
        raise OptionError("priority", params["priority"], "must be from 0 to %d (a higher number is a higher priority; "
                                                          "YARN keeps it as a 32-bit integer)" % MAX_PRIORITY)
    for item in params["local_resources"] or []:
        for key in ("size", "timestamp"):
            if item[key] < 0:
                raise OptionError("local_resources.%s" % key, item[key], "of '%s' must not be negative" % item["name"])
    if params["am_resource"]:
        am_resource(params)


def run(module):
    params = module.params
    client = YarnClient.from_params(params)
    if params["id"] is not None:
        check_app_id(params["id"])
    check_numbers(params)
    if params["state"] == "killed":
        result = ensure_killed(module, client)
    else:
        result = ensure_submitted(module, client, read_current(client, params))
    return dict(result, timeline=client.deadline.timeline)


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               required_one_of=[("name", "id")], mutually_exclusive=[("name", "id")],
               identity=("name", "id", "local_resources.name"))


if __name__ == "__main__":
    main()
