# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Sizes of VMs and disks: binary units only, absurd values refused, shown back in the unit the user wrote.

oVirt sizes are bytes and every engine screen shows GiB, so '16GB' almost always means 16 GiB: it is refused
with a message that says to write '16GiB' instead of being read as 16 * 10^9 bytes (a VM 7 % smaller than
asked, a disk that does not hold what was planned).
"""

from __future__ import annotations

import re

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError

UNITS = ("", "K", "M", "G", "T", "P")
# 4.4's VM64BitMaxMemorySizeInMB: 6 TiB on x86_64.
MAX_MEMORY = 6 * 1024 ** 4
MAX_DISK = 1024 ** 5
_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([KMGTP]?)(i?)(B?)\s*$", re.IGNORECASE)


def parse_binary_size(value, option, maximum):
    """Bytes from 1024, '512M', '16G', '16GiB', '1.5TiB' (powers of 1024); 'GB'/'MB'/... refused."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise OptionError(option, value, "is not a size; write a number of bytes or one such as 16GiB")
    match = _SIZE.match(str(value))
    if not match:
        raise OptionError(option, value, "is not a size; write a number of bytes or one such as 512MiB or 16GiB")
    number, unit, binary, byte = match.groups()
    if unit and byte and not binary:
        raise OptionError(option, value, "is in SI units (%sB = 10^%d bytes); oVirt sizes are binary: write %s%siB"
                          % (unit.upper(), 3 * UNITS.index(unit.upper()), number, unit.upper()))
    size = int(float(number) * 1024 ** UNITS.index(unit.upper()))
    if size < 1:
        raise OptionError(option, value, "must be more than 0")
    if size > maximum:
        raise OptionError(option, value, "is more than %s, the largest the engine accepts" % human(maximum))
    return size


def unit_of(value):
    """The binary unit a user wrote ('GiB' for '16G' or '16GiB'), or None for a plain number of bytes."""
    match = _SIZE.match(str(value)) if value is not None else None
    if not match or not match.group(2):
        return None
    return match.group(2).upper() + "iB"


def human(size, unit=None):
    """'16GiB' for 16 * 2^30: in `unit` when given, else in the largest unit that divides it exactly."""
    if size is None:
        return None
    if unit is None:
        power = max(p for p in range(len(UNITS)) if size % 1024 ** p == 0)
        unit = UNITS[power] + "iB" if power else "B"
    power = UNITS.index(unit[0]) if unit != "B" else 0
    amount = size / 1024 ** power
    text = ("%d" % amount) if amount == int(amount) else ("%.2f" % amount).rstrip("0")
    return text + unit
