"""Make this checkout importable as the collection bigdata.platform.

Ansible finds collections at <path>/ansible_collections/<namespace>/<name>; a symlink under
.build/collections points there, so tests (and ansible-playbook run by tests) use the working tree.
"""

import os
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
COLLECTIONS_PATH = os.path.join(REPO_ROOT, ".build", "collections")
COLLECTION_LINK = os.path.join(COLLECTIONS_PATH, "ansible_collections", "bigdata", "platform")


def ensure_collection_link():
    if os.path.realpath(COLLECTION_LINK) != REPO_ROOT:
        os.makedirs(os.path.dirname(COLLECTION_LINK), exist_ok=True)
        try:
            os.symlink(REPO_ROOT, COLLECTION_LINK)
        except FileExistsError:
            pass  # another test process made it at the same moment
        if os.path.realpath(COLLECTION_LINK) != REPO_ROOT:
            # A .build shared with another checkout (a git worktree linking it): the tests would run that checkout's
            # plugins, not these.
            raise RuntimeError("%s points at %s, not at this checkout %s: give this checkout its own .build"
                               % (COLLECTION_LINK, os.path.realpath(COLLECTION_LINK), REPO_ROOT))
    if COLLECTIONS_PATH not in sys.path:
        sys.path.insert(0, COLLECTIONS_PATH)
    return COLLECTIONS_PATH
