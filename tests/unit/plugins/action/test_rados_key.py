"""rados_key's action plugin (controller side): which results carry a cephx key and are hidden. Here, not beside the
module_utils tests: `ansible-test units` runs those without the controller's ansible.plugins."""

import base64

from ansible_collections.bigdata.platform.plugins.action.rados_key import holds_keys

SECRET = base64.b64encode(bytes(range(28))).decode()


def test_only_results_that_carry_a_key_are_hidden():
    assert holds_keys({"user": {"name": "client.x", "caps": {}, "key": SECRET}})
    assert holds_keys({"users": [{"name": "a", "caps": {}}, {"name": "b", "caps": {}, "key": SECRET}]})
    assert not holds_keys({"user": {"name": "client.x", "caps": {}}, "users": None})
    assert not holds_keys({"user": None})
