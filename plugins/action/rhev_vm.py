# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rhev_vm shows the VM's status (and, waiting for its IP, the guest's addresses) at -v (plugin_utils/progress.py)."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.rhev.vm import describe_vm
from ansible_collections.bigdata.platform.plugins.plugin_utils.progress import ProgressAction


class ActionModule(ProgressAction):
    ACCUMULATE = ("actions", "changes")
    RESOURCE = "vm"
    describe = staticmethod(describe_vm)

    def next_args(self, args, slices):
        """Once the reboot (or the start of a VM that was down) is sent, the next slices wait for the VM to run."""
        if args.get("state") == "rebooted" and {"reboot", "start"} & set(self.sent(slices)):
            return dict(args, state="running")
        return args
