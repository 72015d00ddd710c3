# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""yarn_app shows the application's state and progress at -v (plugin_utils/progress.py)."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.yarn.apps import describe_app
from ansible_collections.bigdata.platform.plugins.plugin_utils.progress import ProgressAction


class ActionModule(ProgressAction):
    RESOURCE = "app"
    describe = staticmethod(describe_app)

    def next_args(self, args, slices):
        """Once a slice saw the application (the one it submitted, or found running), the next slices follow it by
        id: found by name, one that finished between two slices would be submitted again."""
        seen = (slices[-1].get("last_state") or {}).get("id") if slices else None
        if seen and args.get("state", "submitted") != "killed" and not args.get("id") and not args.get("application_id"):
            return {key: value for key, value in dict(args, id=seen).items() if key != "name"}
        return args
