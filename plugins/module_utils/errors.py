# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's own error types.

Clients raise these and never call fail_json; module_utils.module.run_module() turns them into
fail_json in one place, with the details each error carries (status, URL, last state seen...).
"""

from __future__ import annotations


class PlatformError(Exception):
    """Base of every error the collection raises on purpose."""

    def __init__(self, message, **details):
        super().__init__(message)
        self.message = message
        self.details = details

    def __str__(self):
        return self.message

    def to_result(self):
        """Keyword arguments for fail_json: the message plus JSON-friendly details."""
        result = {k: v for k, v in self.details.items() if v is not None}
        result["msg"] = self.message
        return result


class ApiError(PlatformError):
    """A request the server refused or could not answer. status is None when no answer came."""

    def __init__(self, status, message, body=None, url=None, method=None, attempts=None, elapsed=None):
        if status is None:
            text = "%s %s failed: %s" % (method, url, message)
        else:
            text = "%s %s returned HTTP %s: %s" % (method, url, status, message)
            if attempts:
                text += " (the last of %d attempts over %ss)" % (attempts, elapsed)
        super().__init__(text, status=status, body=body, url=url, method=method, attempts=attempts, elapsed=elapsed)
        self.status = status
        self.server_message = message
        self.body = body
        self.url = url
        self.method = method


class NotFound(ApiError):
    """HTTP 404: callers that read 'the current state' turn this into None."""


class WaitTimeout(PlatformError):
    """The remote operation did not reach the wanted state in time."""

    def __init__(self, message, last_state=None, timeout=None, timeline=None):
        super().__init__(message, last_state=last_state, timeout=timeout, timeline=list(timeline) if timeline else None)
        self.last_state = last_state
        self.timeout = timeout


class OperationFailed(PlatformError):
    """The remote operation ended, but not well: the message is the server's own."""

    def __init__(self, message, last_state=None, timeline=None):
        super().__init__(message, last_state=last_state, timeline=list(timeline) if timeline else None)
        self.last_state = last_state


class OptionError(PlatformError):
    """A module option has a value the collection cannot use; the message names option and value."""

    def __init__(self, option, value, reason):
        super().__init__("option '%s': %r %s" % (option, value, reason), option=option)
        self.option = option
        self.value = value


class UnsafePathSegment(PlatformError, ValueError):
    """A URL path segment that would address another resource than the one named (empty, '.' or '..')."""

    def __init__(self, segment):
        super().__init__("refusing the URL path segment %r: it names no resource, and a URL would resolve it to "
                         "the parent (or drop a level) and reach another one" % (segment,), segment=segment)
        self.segment = segment
