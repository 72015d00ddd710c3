# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Hadoop YARN ResourceManager client (client.py), its applications (apps.py) and its scheduler (scheduler.py)."""
