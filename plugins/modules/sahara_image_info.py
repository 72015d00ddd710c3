#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_image_info
short_description: List the images registered with OpenStack Sahara
version_added: 0.2.0
description:
  - Return the images of Sahara's image registry with their user name and tags, in the shape
    M(bigdata.platform.sahara_image) returns them.
  - Glance images that are not registered with Sahara are not listed.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  image:
    description: One image, by Glance name or id; all registered images when omitted.
    type: str
  tags:
    description: Only images that have all these tags.
    type: list
    elements: str
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.tls
  - bigdata.platform.attributes.INFO_MODULE
"""

EXAMPLES = r"""
- name: Images a vanilla 2.7.1 cluster can run on
  bigdata.platform.sahara_image_info:
    cloud: mycloud
    tags: [vanilla, 2.7.1]
  register: usable

- name: Show them
  ansible.builtin.debug:
    msg: "{{ usable.images | map(attribute='name') | list }}"
"""

RETURN = r"""
images:
  description:
    - The registered images found, sorted by name (an empty list when none match).
    - Each has the keys of RV(bigdata.platform.sahara_image#module:image).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1c3f2b9e-7a44-4d1b-8b0e-3f9d6c2a5e71
      name: sahara-vanilla-2.7.1
      username: ubuntu
      description: ""
      tags: [2.7.1, vanilla]
      status: ACTIVE
"""

from ansible_collections.bigdata.platform.plugins.module_utils.module import merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import main_for, normalize_image


def argument_spec():
    return merge_specs(SAHARA_ARGS, dict(image=dict(type="str"), tags=dict(type="list", elements="str")))


def run(module):
    client = SaharaClient.from_module(module)
    wanted = module.params["image"]
    found = client.list_images(module.params["tags"])
    images = [normalize_image(image) for image in found if wanted is None or wanted in (image["id"], image["name"])]
    return dict(changed=False, images=sorted(images, key=lambda image: (image["name"], image["id"])))


def main():
    main_for(argument_spec(), run, identity=("image",))


if __name__ == "__main__":
    main()
