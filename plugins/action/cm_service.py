# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cm_service shows the command it waits for (name, steps done, CM's message) at -v (plugin_utils/progress.py)."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import describe_service_wait
from ansible_collections.bigdata.platform.plugins.plugin_utils.progress import ProgressAction


class ActionModule(ProgressAction):
    ACCUMULATE = ("commands",)
    RESOURCE = "service"
    describe = staticmethod(describe_service_wait)

    def next_args(self, args, slices):
        """Once the restart is sent, the next slices wait for it (and for the service to be started): they never
        restart again, even when the restart ended between two slices."""
        if args.get("state") == "restarted" and {"restart", "rollingRestart"} & set(self.sent(slices)):
            return dict(args, state="started")
        return args
