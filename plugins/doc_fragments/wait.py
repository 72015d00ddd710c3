# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Options of every module that starts a long remote operation."""

    DOCUMENTATION = r"""
options:
  wait:
    description:
      - Wait until the remote operation has finished before the task returns.
      - With V(false) the task returns as soon as the server has accepted the request; the result then
        shows the state at that moment.
    type: bool
    default: true
  timeout:
    description:
      - How many seconds to wait for the remote operation when O(wait=true).
      - Polling backs off exponentially from 0.2 s to 5 s between reads.
      - When the time runs out the task fails, and the message names the last state seen.
    type: int
    default: 1800
"""
