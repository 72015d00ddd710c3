# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection to the Cloudera Manager REST API, shared by the cm_* modules."""

    DOCUMENTATION = r"""
options:
  host:
    description:
      - Host name or address of the Cloudera Manager server, without scheme or port.
      - Required. When not given, the value of the E(CM_HOST) environment variable is used.
    type: str
  port:
    description:
      - TCP port of the Cloudera Manager API.
      - When not given, the value of the E(CM_PORT) environment variable is used, else V(7180),
        or V(7183) with O(use_tls=true).
    type: int
  use_tls:
    description:
      - Talk to Cloudera Manager over HTTPS.
      - Defaults to V(false) because a freshly installed Cloudera Manager serves its API over plain HTTP
        on port 7180; enable it (and keep O(validate_certs=true)) wherever TLS is set up, because the
        password travels with every request.
    type: bool
    default: false
  username:
    description:
      - Cloudera Manager user, sent with HTTP basic authentication.
      - Required. When not given, the value of the E(CM_USERNAME) environment variable is used.
    type: str
  password:
    description:
      - Password of O(username).
      - Required. When not given, the value of the E(CM_PASSWORD) environment variable is used.
    type: str
  api_version:
    description:
      - API version to use, such as V(v41).
      - When not given, the modules use V(v51), the newest version they know (Cloudera Manager serves every
        older version beside its newest), without asking the server. On a Cloudera Manager older than that,
        the first request answers 404 and the modules read the version the server offers from
        C(/api/version) once, then use it; pinning it there saves those two requests.
    type: str
requirements:
  - requests
attributes:
  action_group:
    description: Use C(group/bigdata.platform.cloudera_manager) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - bigdata.platform.cloudera_manager
"""

    # The cluster a cm_* module works on, named the way the user knows it.
    CLUSTER = r"""
options:
  cluster:
    description:
      - The cluster, by its name or by its display name (the name Cloudera Manager's UI shows, such as
        V(Cluster 1), while the cluster's internal name may be V(cluster)).
      - The module resolves it once, uses the internal name in API paths, and returns both as
        C(cluster) and C(cluster_display_name).
    type: str
    required: true
"""

    # The connection of the cloudera_manager inventory plugin: the modules' options, read from the
    # inventory file or the same CM_* environment variables.
    INVENTORY = r"""
options:
  host:
    description: Host name or address of the Cloudera Manager server, without scheme or port.
    type: str
    required: true
    env:
      - name: CM_HOST
  port:
    description: TCP port of the Cloudera Manager API; V(7180), or V(7183) with O(use_tls=true), when not given.
    type: int
    env:
      - name: CM_PORT
  use_tls:
    description: Talk to Cloudera Manager over HTTPS.
    type: bool
    default: false
  username:
    description: Cloudera Manager user, sent with HTTP basic authentication.
    type: str
    required: true
    env:
      - name: CM_USERNAME
  password:
    description: Password of O(username). Keep it in a vault, or in E(CM_PASSWORD).
    type: str
    required: true
    env:
      - name: CM_PASSWORD
  api_version:
    description: API version to use, such as V(v41); when not given V(v51), or on an older Cloudera Manager the one it offers.
    type: str
  validate_certs:
    description: Verify the server's TLS certificate.
    type: bool
    default: true
  ca_cert:
    description: Path to a PEM file of the CA certificate(s) that signed the server's certificate.
    type: path
  request_timeout:
    description: Seconds to wait for the server to answer one HTTP request.
    type: float
    default: 30
"""
