# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Ceph through librados: client.py (connection, mon commands, pools), auth.py (cephx users and keyrings),
crush.py (erasure code profiles, CRUSH rules), cluster.py (cluster facts, health, client ceph.conf)."""
