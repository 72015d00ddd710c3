#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: sahara_image
short_description: Register Glance images with OpenStack Sahara and tag them
version_added: 0.2.0
description:
  - Register a Glance image in Sahara's image registry with the user name its instances are logged in as, an
    optional description and tags; or unregister it (O(state=absent)).
  - Sahara launches a cluster only on a registered image tagged with the cluster's plugin and version (for example
    V(vanilla) and V(2.7.1)); this module is the step before templates and clusters on a fresh project.
  - The image must exist in Glance. An image Glance does not know fails the task, naming it, before any change.
  - Sahara keeps its registry in the image's Glance properties; unregistering removes the user name, description
    and tags, and Sahara allows it while clusters use the image. The module does it and reports those users in
    RV(in_use_by) and a warning.
author:
  - bigdata.platform contributors (@bigdata-platform)
options:
  image:
    description: The Glance image, by name or id.
    type: str
    required: true
  state:
    description: V(present) registers (and updates) the image, V(absent) unregisters it. Glance keeps the image.
    type: str
    default: present
    choices: [present, absent]
  username:
    description:
      - User name on the image's instances (for example V(ubuntu), V(centos), V(cloud-user)).
      - Required to register an image; by default an existing registration keeps its user name.
    type: str
  description:
    description:
      - Free text about the image.
      - Sahara cannot clear a description once set (it keeps it when given an empty one); unregister the image to
        clear it.
    type: str
  tags:
    description:
      - Sahara tags of the image, such as the plugin name and version it can run (V([vanilla, 2.7.1])).
      - By default the list is the exact set of tags (a tag not listed is removed); with O(append=true) tags are
        only added.
      - Not managed when omitted.
    type: list
    elements: str
  append:
    description: Add O(tags) to those the image has instead of replacing them.
    type: bool
    default: false
extends_documentation_fragment:
  - bigdata.platform.sahara
  - bigdata.platform.tls
  - bigdata.platform.attributes
"""

EXAMPLES = r"""
- name: Register the vanilla Hadoop image and tag it for its plugin
  bigdata.platform.sahara_image:
    cloud: mycloud
    image: sahara-vanilla-2.7.1
    username: ubuntu
    description: Ubuntu 16.04 with Apache Hadoop 2.7.1
    tags: [vanilla, 2.7.1]

- name: Also allow it for Spark, keeping its other tags
  bigdata.platform.sahara_image:
    cloud: mycloud
    image: sahara-vanilla-2.7.1
    tags: [spark]
    append: true

- name: Unregister it (Glance keeps the image)
  bigdata.platform.sahara_image:
    cloud: mycloud
    image: sahara-vanilla-2.7.1
    state: absent
"""

RETURN = r"""
image:
  description: The registry entry after the task (predicted in check mode); empty when O(state=absent).
  returned: always
  type: dict
  contains:
    id:
      description: Glance image id.
      type: str
    name:
      description: Glance image name.
      type: str
    username:
      description: User name on the instances.
      type: str
    description:
      description: Free text.
      type: str
    tags:
      description: Sahara tags, sorted.
      type: list
      elements: str
    status:
      description: Glance status as Sahara shows it, such as C(ACTIVE).
      type: str
  sample:
    id: 1c3f2b9e-7a44-4d1b-8b0e-3f9d6c2a5e71
    name: sahara-vanilla-2.7.1
    username: ubuntu
    description: Ubuntu 16.04 with Apache Hadoop 2.7.1
    tags: [2.7.1, vanilla]
    status: ACTIVE
in_use_by:
  description: Clusters and templates that use the image, when it was unregistered (or would be, in check mode).
  returned: when O(state=absent) and the image was registered
  type: dict
  sample: {clusters: [analytics], cluster_templates: [vanilla-small], node_group_templates: []}
diff:
  description: The registry entry before and after (with C(--diff)).
  returned: always
  type: dict
"""

import re

from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError
from ansible_collections.bigdata.platform.plugins.module_utils.module import apply_changes, differences, make_diff, merge_specs
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.client import SaharaClient
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.connection import SAHARA_ARGS
from ansible_collections.bigdata.platform.plugins.module_utils.sahara.resources import main_for, normalize_image

# Sahara's valid_tag format (sahara/utils/api_validator.py): labels of letters, digits, - and _, joined by dots.
VALID_TAG = re.compile(r"^(([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9\-_]*[a-zA-Z0-9])\.)*([A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9\-_]*[A-Za-z0-9])$")
# Sahara keeps a tag as the Glance image property _sahara_tag_<tag>, and Glance's property names are at most 255
# characters (glance/db/sqlalchemy/models.py ImageProperty.name String(255); glance/api/v2/images.py refuses a longer
# custom property name).
TAG_PROPERTY = "_sahara_tag_"
MAX_TAG_LENGTH = 255 - len(TAG_PROPERTY)
# What uses an image: kind -> key holding the image id.
IMAGE_USERS = {"cluster": "default_image_id", "cluster_template": "default_image_id", "node_group_template": "image_id"}


def argument_spec():
    return merge_specs(SAHARA_ARGS, dict(
        image=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        username=dict(type="str"),
        description=dict(type="str"),
        tags=dict(type="list", elements="str"),
        append=dict(type="bool", default=False),
    ))


def check_tags(tags):
    for tag in tags or []:
        if not VALID_TAG.match(tag):
            raise OptionError("tags", tag, "is not a tag Sahara accepts (letters, digits, '-' and '_', in labels "
                                           "joined by dots)")
        if len(tag) > MAX_TAG_LENGTH:
            raise OptionError("tags", tag, "is longer than %d characters: Sahara keeps it in Glance as image property %s<tag>, "
                                           "whose name can have 255 at most" % (MAX_TAG_LENGTH, TAG_PROPERTY))


def read_image(client, value):
    """(the registry entry normalised or None, (id, name) of the Glance image); OptionError when Glance has none."""
    registered = client.registered_image(value)
    if registered is not None:
        return normalize_image(registered), (registered["id"], registered["name"])
    return None, client.glance_image(value, "image")


def desired_from(module, current):
    params = module.params
    if params["username"] is not None and not params["username"].strip():
        raise OptionError("username", params["username"], "is not a user name (Sahara treats an image with an empty "
                                                          "user name as not registered)")
    desired = {"username": params["username"]}
    if params["description"]:
        desired["description"] = params["description"]
    elif params["description"] == "" and current and current["description"]:
        module.warn("Sahara cannot clear the description of image %s; unregister it (state: absent) and register it "
                    "again to clear it" % current["name"])
    if params["tags"] is not None:
        tags = set(params["tags"]) | set(current["tags"] if current and params["append"] else [])
        desired["tags"] = sorted(tags)
    return desired


def users_of(client, image_id):
    return {kind + "s": sorted(item["name"] for item in client.list(kind) if item.get(key) == image_id)
            for kind, key in IMAGE_USERS.items()}


def unregister(module, client, current):
    if current is None:
        return dict(changed=False, image={}, diff=make_diff(None, None))
    in_use = users_of(client, current["id"])
    if any(in_use.values()):
        module.warn("image %s is unregistered while %s use it: Sahara allows it; they keep running, but Sahara refuses "
                    "new clusters and node groups on it until it is registered again"
                    % (current["name"], "; ".join("%s %s" % (kind.replace("_", " "), ", ".join(names))
                                                  for kind, names in in_use.items() if names)))
    if not module.check_mode:
        client.unregister_image(current["id"])
    return dict(changed=True, image={}, in_use_by=in_use, diff=make_diff(current, None))


def register(module, client, current, glance):
    image_id, name = glance
    desired = desired_from(module, current)
    if current is None and not desired["username"]:
        raise OptionError("username", None, "is required to register image %s with Sahara" % name)
    changes = differences(current, desired)
    if not changes:
        return dict(changed=False, image=current, diff=make_diff(current, current))
    before = current or {"id": image_id, "name": name, "username": "", "description": "", "tags": [], "status": None}
    after = apply_changes(before, changes)
    if not module.check_mode:
        if current is None or "username" in changes or "description" in changes:
            after = normalize_image(client.register_image(image_id, after["username"], desired.get("description")))
        if "tags" in changes:
            have = set(before["tags"])
            after = normalize_image(client.set_image_tags(image_id, set(desired["tags"]) - have,
                                                          have - set(desired["tags"]), desired["tags"]))
    return dict(changed=True, image=after, diff=make_diff(current, after))


def run(module):
    check_tags(module.params["tags"])
    client = SaharaClient.from_module(module)
    if module.params["state"] == "absent":
        return unregister(module, client, normalize_image(client.registered_image(module.params["image"])))
    current, glance = read_image(client, module.params["image"])
    return register(module, client, current, glance)


def main():
    main_for(argument_spec(), run, identity=("image",))


if __name__ == "__main__":
    main()
