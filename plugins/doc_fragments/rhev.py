# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection and authentication options of the RHEV / oVirt modules."""

    DOCUMENTATION = r"""
options:
  url:
    description:
      - URL of the oVirt / RHV engine API (version 4), such as C(https://engine.example.com/ovirt-engine/api).
      - If not set, the environment variable E(OVIRT_URL) is used.
    type: str
    required: true
  username:
    description:
      - Engine user with its profile, such as C(admin@internal).
      - Required unless O(token) is given. If not set, the environment variable E(OVIRT_USERNAME) is used.
    type: str
  password:
    description:
      - Password of O(username), exchanged once per task for an SSO token that is revoked when the task ends.
      - If the token expires during a long wait the module logs in again, once per request.
      - If not set, the environment variable E(OVIRT_PASSWORD) is used.
    type: str
  token:
    description:
      - An SSO access token to use instead of logging in; the module never revokes it. M(bigdata.platform.rhev_auth)
        obtains one for a whole play (one login instead of one per task) and revokes it at the end.
      - If not set, the environment variable E(OVIRT_TOKEN) is used.
    type: str
  insecure:
    description:
      - The oVirt spelling of O(validate_certs=false); TLS certificates are verified only when
        O(validate_certs=true) and O(insecure=false).
      - O(ca_cert) (alias O(ca_file)) falls back to the environment variable E(OVIRT_CAFILE).
    type: bool
    default: false
notes:
  - The modules speak the engine's REST API v4 in JSON with the Python library C(requests); they need neither
    C(ovirt-engine-sdk-python) nor C(pycurl).
  - O(ca_cert) may also be given as E(OVIRT_CAFILE).
requirements:
  - requests
attributes:
  action_group:
    description: Use C(group/bigdata.platform.rhev) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - bigdata.platform.rhev
"""

    # The same connection options for the rhev inventory plugin, read from its YAML file or the environment.
    INVENTORY = r"""
options:
  url:
    description: URL of the oVirt / RHV engine API (version 4), such as C(https://engine.example.com/ovirt-engine/api).
    type: str
    required: true
    env:
      - name: OVIRT_URL
  username:
    description: Engine user with its profile, such as C(admin@internal); required unless O(token) is given.
    type: str
    env:
      - name: OVIRT_USERNAME
  password:
    description: Password of O(username), exchanged for an SSO token that is revoked when the inventory is read.
    type: str
    env:
      - name: OVIRT_PASSWORD
  token:
    description: An SSO access token to use instead of logging in; never revoked.
    type: str
    env:
      - name: OVIRT_TOKEN
  insecure:
    description: The oVirt spelling of O(validate_certs=false).
    type: bool
    default: false
    env:
      - name: OVIRT_INSECURE
  validate_certs:
    description: Verify the engine's TLS certificate.
    type: bool
    default: true
  ca_cert:
    description: CA bundle that signed the engine's certificate.
    type: path
    aliases: [ca_file]
    env:
      - name: OVIRT_CAFILE
  request_timeout:
    description: Seconds to wait for each answer of the engine.
    type: float
    default: 30
requirements:
  - requests
"""
