#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_auth
short_description: Log in to Keystone once for the sahara_* modules of a play, and revoke the token at the end
version_added: 0.2.0
description:
  - Authenticate with Keystone (password, application credential, clouds.yaml entry or E(OS_*) variables, as every
    sahara_* module does), find the Sahara endpoint, and return RV(sahara_auth), the options that let the other
    sahara_* modules use that token as it is, without asking Keystone again (one request per no-op task instead of
    a login and a catalog read each).
  - Give RV(sahara_auth) to C(module_defaults) for C(group/bigdata.platform.sahara) (or to the tasks), and run this
    module with O(state=absent) at the end of the play to revoke the token.
  - The peer of C(ovirt.ovirt.ovirt_auth) and C(openstack.cloud.auth) for Sahara; it is named after the collection's
    C(sahara) group, whose connection options it takes and returns.
  - The token is a credential; run the task with C(no_log=true) so that it is not shown (see the examples).
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  state:
    description:
      - V(present) logs in and returns the token; V(absent) revokes the token given in O(auth.token).
    type: str
    default: present
    choices: [present, absent]
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.tls
  - bigdata.platform.attributes
"""

EXAMPLES = r"""
- name: Sahara clusters of a play, with one Keystone login
  hosts: localhost
  gather_facts: false
  tasks:
    - name: Log in to Keystone once
      bigdata.platform.sahara_auth:
        cloud: mycloud
      register: keystone
      no_log: true

    - name: Manage the clusters with that token
      module_defaults:
        group/bigdata.platform.sahara: "{{ keystone.sahara_auth }}"
      block:
        - name: One cluster per item
          bigdata.platform.sahara_cluster:
            name: "{{ item }}"
            node_groups: {worker: 3}
          loop: [analytics, reporting]
      always:
        - name: Revoke the token
          bigdata.platform.sahara_auth:
            state: absent
"""

RETURN = r"""
sahara_auth:
  description:
    - The connection options of the sahara_* modules that reuse the token, for C(module_defaults)
      C(group/bigdata.platform.sahara), that is C(auth_type) (V(token)), C(auth) (C(auth_url), C(token), C(project_id)),
      C(sahara_url) (the endpoint found for C(api_version)), C(api_version), C(interface), C(region_name),
      C(validate_certs) and C(ca_cert).
    - The token is a credential; register the result of a task with C(no_log=true).
  returned: when O(state=present)
  type: dict
  sample:
    auth_type: token
    auth: {auth_url: "https://keystone.example.com:5000/v3", token: gAAAAAB..., project_id: 8f1e2b6d3c4a4e5f9a0b1c2d3e4f5a6b}
    sahara_url: https://sahara.example.com:8386/v2
    api_version: "2"
expires_at:
  description: When Keystone says the token expires (ISO 8601, UTC).
  returned: when O(state=present)
  type: str
  sample: "2026-12-01T10:00:00.000000Z"
"""

from ansible_collections.bigdata.platform.plugins.module_utils.errors import ApiError, NotFound, OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import main_for


def argument_spec():
    return merge_specs(SAHARA_ARGS, dict(state=dict(type="str", default="present", choices=["present", "absent"])))


def log_in(module):
    client = SaharaClient.from_module(module)
    # The endpoint is checked against Sahara's version document here: the tasks that reuse it do not check it.
    http = client.connect(confirm_endpoint=True)
    session = client.connection.session
    if session is None:
        raise OptionError("auth_type", module.params["auth_type"], "with auth.token and sahara_url is what sahara_auth "
                                                                   "returns already; log in with a password, an "
                                                                   "application credential or a clouds.yaml entry")
    access = session.auth.get_access(session)
    params = module.params
    options = {"auth_type": "token", "sahara_url": http.base_url, "api_version": params["api_version"],
               "interface": params["interface"], "region_name": client.connection.region_name,
               "validate_certs": params["validate_certs"], "ca_cert": params["ca_cert"],
               "auth": {"auth_url": client.connection.auth_url, "token": http.session.headers["X-Auth-Token"],
                        "project_id": session.get_project_id()}}
    expires = access.expires.strftime("%Y-%m-%dT%H:%M:%S.%fZ") if access.expires else None
    return dict(changed=False, sahara_auth=options, expires_at=expires)


def revoke(module):
    auth = module.params.get("auth") or {}
    if not auth.get("token") or not auth.get("auth_url"):
        raise OptionError("auth.token", None, "and auth.auth_url are needed to revoke a token (give the sahara_auth "
                                              "result of the login)")
    if module.check_mode:
        return dict(changed=True)
    client = SaharaClient.from_module(module)
    keystone = client.connection.http(auth["auth_url"].rstrip("/"), auth["token"])
    try:
        keystone.delete("auth/tokens", headers={"X-Subject-Token": auth["token"]})
    except ApiError as exc:
        if isinstance(exc, NotFound) or exc.status == 401:
            return dict(changed=False)  # expired or revoked already: Keystone refuses it as it would a revoked one
        raise
    return dict(changed=True)


def run(module):
    return log_in(module) if module.params["state"] == "present" else revoke(module)


def main():
    main_for(argument_spec(), run, identity=())


if __name__ == "__main__":
    main()
