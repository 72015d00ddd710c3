# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""rados_key_info: the same hiding of results that hold keys as rados_key (return_keys: true)."""

from __future__ import annotations

from ansible_collections.bigdata.platform.plugins.action.rados_key import ActionModule  # noqa: F401  pylint: disable=unused-import
