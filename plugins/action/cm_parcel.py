# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cm_parcel shows the parcel's stage and progress at -v while it waits (plugin_utils/progress.py)."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.plugin_utils.progress import ProgressAction


def describe(parcel):
    """'stage DISTRIBUTING (40%, 1/3 hosts)' from the module's parcel (its normalised form)."""
    state = parcel.get("state") or {}
    shown = []
    if state.get("total_progress"):
        shown.append("%d%%" % (100 * state.get("progress", 0) // state["total_progress"]))
    if state.get("total_count") and parcel.get("stage") not in ("DISTRIBUTED", "ACTIVATED"):
        shown.append("%s/%s hosts" % (state.get("count", 0), state["total_count"]))
    if state.get("errors"):
        shown.append("errors: %s" % "; ".join(state["errors"]))
    return "stage %s" % parcel.get("stage") + (" (%s)" % ", ".join(shown) if shown else "")


class ActionModule(ProgressAction):
    ACCUMULATE = ("commands",)
    RESOURCE = "parcel"
    describe = staticmethod(describe)
