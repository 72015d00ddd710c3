# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """TLS and per-request options of every module that talks HTTP."""

    DOCUMENTATION = r"""
options:
  validate_certs:
    description:
      - Verify the server's TLS certificate.
      - Set to V(false) only for a test system whose certificate cannot be verified.
    type: bool
    default: true
  ca_cert:
    description:
      - Path to a PEM file of the CA certificate(s) that signed the server's certificate, when it is
        not signed by a CA the system trusts.
    type: path
    aliases: [ca_file]
  request_timeout:
    description:
      - Seconds to wait for the server to answer one HTTP request. Must be more than 0.
      - Requests that are safe to repeat (GET, PUT, DELETE, and a login) are retried on connection errors and on
        HTTP 502, 503 and 504, honouring C(Retry-After) up to 30 seconds; a POST is never sent twice.
      - A request with all its retries and waits takes at most 2 x O(request_timeout), and never longer than
        what is left of the task's C(timeout) in a module that has one; the error says how many attempts
        were made over how long.
    type: float
    default: 30
"""
