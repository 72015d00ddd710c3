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

import re

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


def run_module(argument_spec, action, required_libs=(), **module_kwargs):
    """Build the AnsibleModule, call action(module) -> result dict, and exit.

    required_libs: (name, has_it, import_error) triples checked before anything else.
    PlatformError (API errors, timeouts, failed operations, bad options) becomes fail_json with its
    message and details; nothing else is caught, so a bug still shows its traceback.
    """
    module_kwargs.setdefault("supports_check_mode", True)
    module = AnsibleModule(argument_spec=argument_spec, **module_kwargs)
    for name, has_it, import_error in required_libs:
        if not has_it:
            module.fail_json(msg=missing_required_lib(name), exception=import_error)
    if module.params.get("timeout") is not None and module.params["timeout"] < 0:
        module.fail_json(msg="option 'timeout': %s must be 0 or more seconds" % module.params["timeout"])
    try:
        result = action(module)
    except PlatformError as exc:
        module.fail_json(**exc.to_result())
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
