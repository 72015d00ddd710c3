# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""sahara_cluster shows the cluster's status and provisioning step at -v (plugin_utils/progress.py)."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import describe_cluster
from ansible_collections.bigdata.platform.plugins.plugin_utils.progress import ProgressAction


class ActionModule(ProgressAction):
    RESOURCE = "cluster"
    describe = staticmethod(describe_cluster)
