# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""What every module of the collection shares: option specs, the run wrapper, diffs, sizes.

Every module has one shape:
  argument spec (shared specs + its own) -> client -> read current -> compute the diff
  -> act unless check mode -> wait -> exit_json(changed=..., diff=..., <resource>=...)
run_module() is the one place where the collection's errors become fail_json.
"""

from __future__ import annotations

import math
import os
import re
from urllib.parse import unquote

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError

# Options documented by doc_fragments/wait.py.
WAIT_ARGS = dict(
    wait=dict(type="bool", default=True),
    timeout=dict(type="int", default=1800),
)

# Options documented by doc_fragments/tls.py.
TLS_ARGS = dict(
    validate_certs=dict(type="bool", default=True),
    ca_cert=dict(type="path", aliases=["ca_file"]),
    request_timeout=dict(type="float", default=30),
)


def merge_specs(*specs):
    """One argument spec from several; an option defined twice is a programming error."""
    merged = {}
    for spec in specs:
        for name, definition in spec.items():
            if name in merged:
                raise ValueError("option %s is defined twice" % name)
            merged[name] = dict(definition)
    return merged


# Options that are a number of seconds where 0 would mean "forever" (or nothing) to the library underneath.
POSITIVE_DURATIONS = ("request_timeout", "connect_timeout")
# A socket timeout is held in nanoseconds in an int64: more than this overflows (about 292 years).
MAX_DURATION = 10 ** 9
# Files a module reads to talk TLS: a missing one must fail naming the option, not crash in the library.
READABLE_FILES = ("ca_cert", "client_cert", "client_key")
# What an identity option may never be: the empty name and the two dot segments a URL normalises away.
DOT_SEGMENTS = (".", "..")


def identity_problem(value):
    """Why `value` cannot name a resource (empty, only whitespace, '.' or '..'), or None when it can."""
    text = str(value)
    if not text.strip():
        return "is empty; it must name one resource (an empty value would select none or all of them)"
    if text.strip() in DOT_SEGMENTS:
        return "is a dot segment; it must name one resource (a URL path would resolve it to the parent)"
    return None


def _identity_values(params, option):
    """(option name as the user reads it, value) for `option`: 'name', or 'parent.child' for the child
    of a dict option or of each element of a list option ('parent[2].child')."""
    parent, dummy, child = option.partition(".")
    value = params.get(parent)
    if not child:
        items = value if isinstance(value, list) else [value]
        return [(parent, item) for item in items if item is not None]
    if isinstance(value, dict):
        return [(option, value.get(child))] if value.get(child) is not None else []
    pairs = []
    for index, element in enumerate(value or []):
        if isinstance(element, dict) and element.get(child) is not None:
            pairs.append(("%s[%d].%s" % (parent, index, child), element[child]))
    return pairs


def check_identity(params, identity):
    """OptionError for the first identity option whose value cannot name a resource."""
    for option in identity:
        for name, value in _identity_values(params, option):
            reason = identity_problem(value)
            if reason:
                raise OptionError(name, value, reason)


def check_durations(params, positive=POSITIVE_DURATIONS):
    """OptionError for a duration option that is 0, negative or not a finite number of seconds."""
    for option in positive:
        value = params.get(option)
        if value is None:
            continue
        if not math.isfinite(value) or not 0 < value <= MAX_DURATION:
            raise OptionError(option, value, "must be more than 0 and at most %d seconds" % MAX_DURATION)
    timeout = params.get("timeout")
    if timeout is not None and timeout < 0:
        raise OptionError("timeout", timeout, "must be 0 or more seconds")
    if timeout is not None and timeout > MAX_DURATION:
        raise OptionError("timeout", timeout, "must be at most %d seconds" % MAX_DURATION)


def check_readable_files(params, options=READABLE_FILES):
    """OptionError for a TLS file option naming a path that does not exist or cannot be read."""
    for option in options:
        path = params.get(option)
        if not path:
            continue
        if not os.path.exists(path):
            raise OptionError(option, path, "does not exist")
        if not os.access(path, os.R_OK) or not (os.path.isfile(path) or os.path.isdir(path)):
            raise OptionError(option, path, "cannot be read")


_URL_PASSWORD = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://[^/@\s:]*:([^/@\s]+)@")


def url_passwords(value):
    """The passwords in the userinfo (user:password@) of every URL in a parameter value, however nested."""
    if isinstance(value, str):
        found = set(_URL_PASSWORD.findall(value))
        return found | {unquote(secret) for secret in found}
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return set().union(*[url_passwords(item) for item in value]) if value else set()
    return set()


def run_module(argument_spec, action, required_libs=(), identity=(), positive=(), **module_kwargs):
    """Build the AnsibleModule, check the shared guards, call action(module) -> result dict, and exit.

    required_libs: (name, has_it, import_error) triples checked before anything else.
    identity: the options that name a resource ('name', or 'parent.child' for a suboption of a list or
    dict option): an empty, blank, '.' or '..' value fails the task before action() sends anything.
    positive: more duration options that must be > 0, beside request_timeout and connect_timeout.
    The password of a URL's userinfo in any option is masked in the output like a no_log value.
    PlatformError (API errors, timeouts, failed operations, bad options) becomes fail_json with its
    message and details; nothing else is caught, so a bug still shows its traceback.
    """
    module_kwargs.setdefault("supports_check_mode", True)
    module = AnsibleModule(argument_spec=argument_spec, **module_kwargs)
    # A password in a URL (https://user:secret@host) is masked like a no_log option in every message and result.
    module.no_log_values.update(url_passwords(module.params))
    for name, has_it, import_error in required_libs:
        if not has_it:
            module.fail_json(msg=missing_required_lib(name), exception=import_error)
    try:
        check_identity(module.params, identity)
        check_durations(module.params, POSITIVE_DURATIONS + tuple(positive))
        check_readable_files(module.params)
        result = action(module)
    except PlatformError as exc:
        result = exc.to_result()
        if getattr(exc, "maybe_applied", False):
            # A POST whose answer was lost may have changed something, whatever the module counted as sent.
            result["changed"] = True
        module.fail_json(**result)
    module.exit_json(**result)


def differences(current, desired, equal=None):
    """{option: (current, desired)} for each desired value that is set and differs from current.

    desired values of None mean "not managed" and are skipped. equal(key, a, b) may override
    the comparison (floats with a tolerance, case-insensitive names...).
    """
    current = current or {}
    changes = {}
    for key, wanted in desired.items():
        if wanted is None:
            continue
        have = current.get(key)
        same = equal(key, have, wanted) if equal else have == wanted
        if not same:
            changes[key] = (have, wanted)
    return changes


def make_diff(before, after):
    """The --diff structure; None on either side (absent) shows as an empty dict."""
    return {"before": before or {}, "after": after or {}}


def apply_changes(resource, changes):
    """A copy of resource with the desired side of differences() applied: the predicted 'after'."""
    updated = dict(resource or {})
    updated.update({key: wanted for key, (dummy, wanted) in changes.items()})
    return updated


_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(i?)(B?)\s*$", re.IGNORECASE)
_POWERS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4, "P": 5}


def parse_size(value, option):
    """Bytes from 1024, '10G', '512MiB', '2GiB', '1.5T' (K/M/G/T/P and KiB.. are powers of 1024;
    'kB', 'MB', 'GB'... with a B and no i are powers of 1000). OptionError names the option."""
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise OptionError(option, value, "must not be negative")
        return value
    match = _SIZE.match(str(value))
    if not match:
        raise OptionError(option, value, "is not a size; use bytes or a number with a unit such as 512M, 10G or 2GiB")
    number, unit, binary, byte = match.groups()
    base = 1000 if (byte and not binary and unit) else 1024
    return int(float(number) * base ** _POWERS[unit.upper()])
