# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Runs rados_key (or rados_key_info) and hides the result from the output when it holds keys.

A module cannot mark its own result no_log (Ansible removes '_ansible_no_log' from a module's answer);
an action plugin can. The registered variable keeps the keys, the display shows none of them. The
module does all the work and still runs without this plugin (then return_key shows the key).
"""

from __future__ import annotations

from ansible.plugins.action import ActionBase


def holds_keys(result):
    """Whether a rados_key ('user') or rados_key_info ('users') result carries a key."""
    users = [result.get("user")] + list(result.get("users") or [])
    return any(isinstance(user, dict) and "key" in user for user in users)


class ActionModule(ActionBase):
    def run(self, tmp=None, task_vars=None):
        result = super().run(tmp, task_vars)
        result.update(self._execute_module(task_vars=task_vars))
        if holds_keys(result):
            result["_ansible_no_log"] = True
        return result
