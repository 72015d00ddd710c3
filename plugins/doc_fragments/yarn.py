# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection and authentication options of the Hadoop YARN ResourceManager modules."""

    DOCUMENTATION = r"""
options:
  rm_urls:
    description:
      - Base URLs of the Hadoop YARN ResourceManagers, for example V(http://rm1.example.com:8088).
        With ResourceManager high availability, list every ResourceManager.
      - The module finds the active ResourceManager from C(/ws/v1/cluster/info) and fails over to the
        new active one when a standby answers during the task, whether in the Hadoop 3 style (HTTP 307)
        or the Hadoop 2 style (C(This is standby RM) with a C(Refresh) header).
      - If not set, the environment variable E(YARN_RM_URLS) (comma-separated) is used.
    type: list
    elements: str
    required: true
  auth:
    description:
      - How to authenticate to the ResourceManager web services.
      - V(simple) sends O(user) as the C(user.name) query parameter (Hadoop's pseudo authentication).
        Without a user the ResourceManager allows reads only.
      - V(kerberos) uses SPNEGO with the Kerberos ticket of the user that runs the module (run C(kinit)
        first); it needs the Python library C(requests-gssapi) (or C(requests-kerberos)) on that host.
      - V(none) sends no credentials, except O(delegation_token) when set.
    type: str
    choices: [simple, kerberos, none]
    default: simple
  user:
    description:
      - The user name for O(auth=simple). Applications are submitted as this user.
      - M(bigdata.platform.yarn_app) also counts only this user's applications as the same application.
      - If not set, the environment variable E(YARN_USER) is used.
    type: str
  delegation_token:
    description:
      - A Hadoop YARN ResourceManager delegation token (as C(POST /ws/v1/cluster/delegation-token) returns it),
        for clusters with Kerberos where the host running the module has no ticket.
      - It is sent in the C(X-Hadoop-Delegation-Token) header, by which a secured ResourceManager authenticates
        a call (C(Hadoop-YARN-RM-Delegation-Token) only names a token to renew or cancel). The
        ResourceManager accepts it only with Hadoop security and Kerberos HTTP authentication on; with simple
        authentication it ignores it, so use it with O(auth=none) or O(auth=kerberos).
      - If not set, the environment variable E(YARN_DELEGATION_TOKEN) is used.
    type: str
attributes:
  action_group:
    description: Use C(group/bigdata.platform.yarn) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - bigdata.platform.yarn
notes:
  - These modules manage Hadoop YARN applications; M(community.general.yarn) is the unrelated Node.js package manager.
"""
