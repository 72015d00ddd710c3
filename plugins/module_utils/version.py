# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The collection's version, sent in every User-Agent. Kept equal to galaxy.yml by a unit test."""

from __future__ import annotations

COLLECTION_NAME = "bigdata.platform"
COLLECTION_VERSION = "0.1.0"
USER_AGENT = "ansible-collection-%s/%s" % (COLLECTION_NAME, COLLECTION_VERSION)
