# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Hadoop YARN applications as the modules see them: ids, the normalised app, filtering, waiting."""

from __future__ import annotations

import datetime
import re

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError

# ApplicationId.toString(): application_<cluster timestamp>_<sequence, at least 4 digits>.
APP_ID = re.compile(r"^application_[0-9]+_[0-9]+$")
STATES = ["NEW", "NEW_SAVING", "SUBMITTED", "ACCEPTED", "RUNNING", "FINISHED", "FAILED", "KILLED"]
ACTIVE_STATES = STATES[:5]
FINAL_STATES = STATES[5:]


def check_app_id(value, option="id"):
    """An application id or OptionError: an empty, dotted or malformed id must never reach a URL or a filter,
    where it would name the application list (issue 12: id "" killed every running application of the user)."""
    if value is None or not APP_ID.match(value):
        raise OptionError(option, value, "is not an application id; write it as application_<cluster timestamp>_<number>, "
                                         "such as application_1700000000000_0001")
    return value


def split_tags(text):
    if isinstance(text, list):
        return sorted(text)
    return sorted(tag for tag in (text or "").split(",") if tag)


def normalize_app(raw):
    """The app as yarn_app and yarn_app_info return it."""
    if raw is None:
        return None
    return {
        "id": raw.get("id"),
        "name": raw.get("name"),
        "user": raw.get("user"),
        "queue": raw.get("queue"),
        "state": raw.get("state"),
        "final_status": raw.get("finalStatus"),
        "progress": raw.get("progress"),
        "application_type": raw.get("applicationType"),
        "tags": split_tags(raw.get("applicationTags")),
        "priority": raw.get("priority"),
        "diagnostics": raw.get("diagnostics") or "",
        "tracking_url": raw.get("trackingUrl"),
        "am_container_logs": raw.get("amContainerLogs"),
        "started_time": raw.get("startedTime"),
        "finished_time": raw.get("finishedTime"),
        "elapsed_time": raw.get("elapsedTime"),
        "allocated_mb": raw.get("allocatedMB"),
        "allocated_vcores": raw.get("allocatedVCores"),
        "running_containers": raw.get("runningContainers"),
    }


def queue_leaf(queue):
    """A queue's leaf name, for comparing: the Capacity Scheduler reports apps' queues as 'etl', the Fair
    Scheduler as 'root.etl', and operators write either."""
    return queue.split(".")[-1] if queue else queue


def matches(app, name=None, tags=None, user=None, queue=None, types=None):
    """Client-side filtering of normalised apps: Hadoop 2 ignores the name filter, tags match case-insensitively
    and every wanted tag must be present."""
    if name is not None and app["name"] != name:
        return False
    if tags and not {tag.lower() for tag in tags} <= set(app["tags"]):
        return False
    if user is not None and app["user"] != user:
        return False
    if queue is not None and queue_leaf(app["queue"]) != queue_leaf(queue):
        return False
    return not types or (app["application_type"] or "").lower() in {t.lower() for t in types}


def find_apps(client, states=None, name=None, tags=None, user=None, queue=None, types=None, limit=None):
    """Normalised apps, newest first, filtered by the RM and then again here."""
    raw = client.list_apps(states=states, user=user, queue=queue, tags=[t.lower() for t in tags or []],
                           types=types, name=name)
    apps = [normalize_app(app) for app in raw]
    found = sorted((app for app in apps if matches(app, name, tags, user, queue, types)), key=submission_order, reverse=True)
    return found[:limit] if limit else found


def submission_order(app):
    """Start time, then the id's sequence number: ids do not sort as text (_9999 < _10000), and after a
    failover the new active RM's ids carry another cluster timestamp."""
    sequence = (app["id"] or "").rsplit("_", 1)[-1]
    return (app["started_time"] or 0, int(sequence) if sequence.isdigit() else 0)


def app_failure(app):
    """The task's failure message when an app ended badly, else None."""
    if app["state"] in ("FAILED", "KILLED") or (app["state"] == "FINISHED" and app["final_status"] not in ("SUCCEEDED", "UNDEFINED")):
        return "application %s (%s) ended %s with final status %s: %s" % (
            app["id"], app["name"], app["state"], app["final_status"], app["diagnostics"] or "no diagnostics")
    return None


def describe_app(app):
    """'application_..._0007 RUNNING, 40% done (final status UNDEFINED)': state, the progress the RM reports while
    it runs, and the final status."""
    done = ", %d%% done" % app["progress"] if app["state"] == "RUNNING" and app.get("progress") is not None else ""
    return "%s %s%s (final status %s)" % (app["id"], app["state"], done, app["final_status"])


def wait_for_app(client, app_id, done, what, fail_on_end=True):
    """Poll the app until done(app), within the task's deadline; an app that ended badly fails the wait with its
    diagnostics."""
    def read():
        return normalize_app(client.get_app(app_id))

    def failed(app):
        if app is None:
            return "the ResourceManager no longer knows application %s" % app_id
        return app_failure(app) if fail_on_end else None

    return client.deadline.wait_until(read, done, what, failed=failed, describe=describe_app)


def lifetime_of(timeout, started_ms):
    """Seconds from the app's start to the end of its LIFETIME timeout; None when it has none ("UNLIMITED")."""
    expiry = (timeout or {}).get("expiryTime")
    if not expiry or expiry == "UNLIMITED" or not started_ms:
        return None
    moment = datetime.datetime.strptime(expiry, "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(round(moment.timestamp() - started_ms / 1000.0))


def expiry_time(started_ms, lifetime):
    """The LIFETIME timeout's expiryTime for `lifetime` seconds from the start, as Times.formatISO8601 writes it."""
    moment = datetime.datetime.fromtimestamp(started_ms / 1000.0 + lifetime, tz=datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03d+0000" % (moment.microsecond // 1000)
