# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations


class ModuleDocFragment:
    """Connection and authentication options of the sahara_* modules (OpenStack Sahara)."""

    DOCUMENTATION = r"""
options:
  cloud:
    description:
      - Name of an entry in C(clouds.yaml) (searched where openstacksdk searches it, or in E(OS_CLIENT_CONFIG_FILE)).
      - Falls back to E(OS_CLOUD).
      - Values given in O(auth), O(region_name) and O(interface) override the entry's.
      - Reading C(clouds.yaml) needs openstacksdk; O(auth) and the E(OS_*) variables need keystoneauth1 alone.
      - When neither O(cloud) nor O(auth) is set, the E(OS_*) variables (E(OS_AUTH_URL), E(OS_USERNAME),
        E(OS_PASSWORD), E(OS_PROJECT_NAME), E(OS_PROJECT_ID), E(OS_USER_DOMAIN_NAME), E(OS_PROJECT_DOMAIN_NAME),
        E(OS_APPLICATION_CREDENTIAL_ID), E(OS_APPLICATION_CREDENTIAL_SECRET), E(OS_TOKEN), E(OS_CACERT))
        are used, as the C(openstack) command line client uses them.
    type: str
  auth:
    description:
      - Keystone credentials, as in the C(auth) section of C(clouds.yaml).
      - Give O(auth.username) and O(auth.password), or O(auth.application_credential_id) and
        O(auth.application_credential_secret), or O(auth.token).
    type: dict
    suboptions:
      auth_url:
        description: Keystone URL, for example V(https://keystone.example.com:5000/v3).
        type: str
      username:
        description: User name.
        type: str
      user_id:
        description: User id, instead of O(auth.username).
        type: str
      password:
        description: The user's password. Never logged.
        type: str
      project_name:
        description: Project to work in, by name.
        type: str
      project_id:
        description: Project to work in, by id.
        type: str
      user_domain_name:
        description: Domain of the user, for example V(Default).
        type: str
      user_domain_id:
        description: Domain of the user, by id.
        type: str
      project_domain_name:
        description: Domain of the project, for example V(Default).
        type: str
      project_domain_id:
        description: Domain of the project, by id.
        type: str
      application_credential_id:
        description: Application credential id; its project scope comes with it.
        type: str
      application_credential_secret:
        description: Application credential secret. Never logged.
        type: str
      token:
        description: An existing Keystone token. Never logged.
        type: str
  auth_type:
    description:
      - keystoneauth1 plugin name, such as V(password), V(v3password), V(v3token) or V(v3applicationcredential).
      - By default chosen from the O(auth) keys given; falls back to E(OS_AUTH_TYPE).
      - With V(token), O(auth.token) and O(sahara_url), the token is used as it is and Keystone is not asked at all
        (what M(bigdata.platform.sahara_auth) returns for C(module_defaults)); a token Sahara refuses then fails
        the task, as it cannot be renewed.
    type: str
  region_name:
    description: Region whose Sahara endpoint is used. Falls back to E(OS_REGION_NAME).
    type: str
  interface:
    description: Which catalog endpoint is used. Falls back to E(OS_INTERFACE).
    type: str
    default: public
    choices: [public, internal, admin]
    aliases: [endpoint_type]
  service_type:
    description: Service type of Sahara in the Keystone catalog.
    type: str
    default: data-processing
  sahara_url:
    description:
      - Sahara endpoint to use instead of the catalog's, including the version (and for v1.1 the project id),
        for example V(https://sahara.example.com:8386/v2); its version must be O(api_version).
      - Without it, the catalog's endpoint is used when it is of O(api_version), else the place where Sahara serves
        O(api_version), V(/v2) or V(/v1.1/<project id>) of the catalog endpoint's root. When that answers HTTP 404,
        Sahara's version document says where O(api_version) is, or that it is not offered (M(bigdata.platform.sahara_auth)
        always checks with the document, since the tasks that reuse its endpoint do not). When that document cannot
        be read (after the retries of a safe request), the task fails instead of using another API version.
      - Credentials in the URL (V(user:password@)) are refused and never shown.
    type: str
  api_version:
    description:
      - Sahara API version. V(1.1) for clouds whose Sahara predates the v2 API (before Rocky).
    type: str
    default: "2"
    choices: ["2", "1.1"]
requirements:
  - keystoneauth1
  - requests
  - openstacksdk, only for O(cloud) (C(clouds.yaml))
notes:
  - Authentication uses keystoneauth1, the same library as the C(openstack) client; an expired token is
    renewed once when Sahara answers HTTP 401. A transient Keystone failure (a reset, a timeout, HTTP 502/503/504)
    is retried, the login included, since a login is safe to repeat.
  - The C(validate_certs) and C(ca_cert) options also apply to Keystone.
attributes:
  action_group:
    description: Use C(group/bigdata.platform.sahara) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - bigdata.platform.sahara
"""

    # The shares option of sahara_cluster and sahara_node_group_template.
    SHARES = r"""
options:
  shares:
    description:
      - Manila shares mounted on the instances; the list replaces the current one.
    type: list
    elements: dict
    version_added: 0.2.0
    suboptions:
      id:
        description: Manila share id.
        type: str
        required: true
      path:
        description: Mount point on the instances; by default Sahara's.
        type: str
      access_level:
        description: Read-write or read-only.
        type: str
        choices: [rw, ro]
        default: rw
"""
