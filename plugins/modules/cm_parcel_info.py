#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: cm_parcel_info
short_description: List the parcels of a Cloudera Manager cluster
version_added: 0.1.0
author:
  - bigdata.platform contributors (@bigdata-platform)
description:
  - Lists the parcels Cloudera Manager knows for a cluster, with their stage, progress and errors.
  - Returns each parcel in the same shape as M(bigdata.platform.cm_parcel) does.
extends_documentation_fragment:
  - bigdata.platform.cloudera_manager
  - bigdata.platform.cloudera_manager.CLUSTER
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
options:
  product:
    description: Only parcels of this product, such as V(CDH).
    type: str
  version:
    description: Only this parcel version.
    type: str
  stage:
    description:
      - Only parcels in one of these stages, such as V(ACTIVATED) or V(DOWNLOADING) (case-insensitive).
      - The stages are C(AVAILABLE_REMOTELY), C(DOWNLOADING), C(DOWNLOADED), C(DISTRIBUTING), C(DISTRIBUTED),
        C(UNDISTRIBUTING), C(ACTIVATING) and C(ACTIVATED); another name fails the task.
    type: list
    elements: str
seealso:
  - module: bigdata.platform.cm_parcel
"""

EXAMPLES = r"""
- name: Which CDH version is active
  bigdata.platform.cm_parcel_info:
    host: cm.example.com
    username: admin
    password: "{{ vault_cm_password }}"
    cluster: Cluster 1
    product: CDH
    stage: [ACTIVATED]
  register: active

- name: Show it
  ansible.builtin.debug:
    msg: "{{ active.parcels | map(attribute='version') | list }}"
"""

RETURN = r"""
parcels:
  description: The parcels that match, sorted by product and version.
  returned: always
  type: list
  elements: dict
  contains:
    cluster:
      description: The cluster's internal name (what Cloudera Manager's API paths use).
      type: str
    cluster_display_name:
      description: The cluster's display name, as Cloudera Manager's UI shows it.
      type: str
      sample: Cluster 1
      version_added: 0.2.0
    product:
      description: Product name.
      type: str
    version:
      description: Parcel version.
      type: str
    stage:
      description: Stage, such as C(AVAILABLE_REMOTELY) or C(ACTIVATED).
      type: str
    display_name:
      description: Name Cloudera Manager shows.
      type: str
    description:
      description: Description Cloudera Manager shows.
      type: str
    state:
      description: Progress of the current stage (C(progress), C(total_progress), C(count), C(total_count)), C(errors) and C(warnings).
      type: dict
"""

from ansible_collections.bigdata.platform.plugins.module_utils.cloudera_manager import (
    PARCEL_MOVES, ClouderaManagerClient, cm_argument_spec, normalize_parcel, with_cluster,
)
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.http import HAS_REQUESTS, REQUESTS_IMPORT_ERROR
from ansible_collections.bigdata.platform.plugins.module_utils.module import run_module


def argument_spec():
    return cm_argument_spec(dict(
        cluster=dict(type="str", required=True),
        product=dict(type="str"),
        version=dict(type="str"),
        stage=dict(type="list", elements="str"),
    ))


def wanted_stages(params):
    """The stages asked for, upper case; a name that is not a stage is refused rather than matching nothing."""
    stages = [stage.upper() for stage in params["stage"] or []]
    for stage in stages:
        if stage not in PARCEL_MOVES:
            raise OptionError("stage", stage, "is not a parcel stage; stages: %s" % ", ".join(PARCEL_MOVES))
    return stages


def wanted(parcel, params, stages):
    return ((not params["product"] or parcel["product"] == params["product"])
            and (not params["version"] or parcel["version"] == params["version"])
            and (not stages or parcel["stage"] in stages))


def run(module):
    params = module.params
    stages = wanted_stages(params)
    client = ClouderaManagerClient.from_params(params)
    params = with_cluster(client, params)
    parcels = [normalize_parcel(raw) for raw in client.parcels(params["cluster"])]
    parcels = sorted((p for p in parcels if wanted(p, params, stages)), key=lambda p: (p["product"], p["version"]))
    return dict(changed=False, parcels=parcels)


def main():
    run_module(argument_spec(), run, required_libs=[("requests", HAS_REQUESTS, REQUESTS_IMPORT_ERROR)],
               identity=("cluster", "product", "version"))


if __name__ == "__main__":
    main()
