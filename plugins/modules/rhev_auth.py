#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: rhev_auth
short_description: Log in to an oVirt / RHV engine once, for the tasks of a play, and log out
version_added: 0.2.0
description:
  - O(state=present) exchanges O(username) and O(password) for one SSO token and returns it as the fact
    C(rhev_auth), so that the play's other C(rhev_*) tasks use it (through C(module_defaults) or their O(token)
    option) instead of logging in and out once each; a loop over 200 VMs then logs in once.
  - O(state=absent) revokes O(token) at the end of the play.
  - The result holds the token; set C(no_log) on such a task (as the C(rhev_vms) role does) so it is never shown.
extends_documentation_fragment:
  - bigdata.platform.rhev
  - bigdata.platform.tls
  - bigdata.platform.attributes
attributes:
  check_mode:
    support: full
    details: Check mode logs in too (a login changes nothing on the engine), and O(state=absent) revokes the token in
      check mode too, so that a check run of a play leaves no session behind.
  diff_mode:
    support: none
    details: A login session has nothing to compare.
options:
  state:
    description:
      - V(present) logs in (reports no change, a login changes nothing on the engine); with O(token) and no
        O(password), checks that the token is still valid and returns it.
      - V(absent) revokes O(token) (when the engine still accepts it).
      - Neither reports a change; a login session is not part of the estate, so a play that logs in and out
        still shows C(changed=0) when it changed nothing else.
    type: str
    choices: [present, absent]
    default: present
seealso:
  - module: bigdata.platform.rhev_vm
author:
  - bigdata.platform contributors (@bigdata-platform)
"""

EXAMPLES = r"""
- name: Log in once
  bigdata.platform.rhev_auth:
    url: https://engine.example.com/ovirt-engine/api
    username: admin@internal
    password: "{{ ovirt_password }}"
  no_log: true

- name: VMs, all with the one token
  bigdata.platform.rhev_vm:
    url: "{{ rhev_auth.url }}"
    token: "{{ rhev_auth.token }}"
    name: "{{ item }}"
    state: running
  loop: [worker-1, worker-2, worker-3]

- name: Log out
  bigdata.platform.rhev_auth:
    url: "{{ rhev_auth.url }}"
    token: "{{ rhev_auth.token }}"
    state: absent
"""

RETURN = r"""
ansible_facts:
  description: The fact C(rhev_auth).
  returned: state is present
  type: dict
  contains:
    rhev_auth:
      description: What the other modules need to use the token (pass it as their connection options).
      type: dict
      contains:
        url: {description: The engine API URL., type: str}
        token: {description: The SSO access token., type: str}
        validate_certs: {description: As given., type: bool}
        insecure: {description: As given., type: bool}
        ca_cert: {description: As given., type: str}
        request_timeout: {description: As given., type: float}
        logged_in:
          description: Whether this task obtained the token (so the play should revoke it) or was given it.
          type: bool
"""

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module
from ansible_collections.bigdata.platform.plugins.module_utils.rhev.client import RhevClient, rhev_argument_spec

SHARED = ("url", "validate_certs", "insecure", "ca_cert", "request_timeout")


def argument_spec():
    return rhev_argument_spec(dict(state=dict(type="str", default="present", choices=["present", "absent"])))


def run(module):
    params = module.params
    client = RhevClient.from_params(params)
    try:
        if params["state"] == "absent":
            if not params["token"]:
                raise OptionError("token", None, "is required to log out (state=absent)")
            if client.token_is_valid(params["token"]):  # in check mode too: a session of the play, not the estate
                client.revoke(params["token"])
            return dict(changed=False)
        logged_in = bool(params["password"])
        if logged_in:
            token = client.login(keep=True)
        elif client.token_is_valid(params["token"]):
            token = params["token"]
        else:
            raise OptionError("token", "(hidden)", "is not accepted by the engine (expired or revoked); log in "
                                                   "with username and password")
    finally:
        client.http.close()
    facts = {key: params[key] for key in SHARED}
    facts.update(token=token, logged_in=logged_in)
    return dict(changed=False, ansible_facts={"rhev_auth": facts})


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)])


if __name__ == "__main__":
    main()
