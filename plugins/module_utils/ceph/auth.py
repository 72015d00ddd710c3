# -*- coding: utf-8 -*-
# Copyright: bigdata.platform contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""cephx users through 'auth' mon commands, and the keyring file a client reads.

Reading users needs mon 'allow rx'; creating, changing and deleting them mon 'allow rwx' (or 'allow *').
"""

from __future__ import annotations

import base64
import binascii
import os
import re
import tempfile

from ansible_collections.bigdata.platform.plugins.module_utils.ceph.client import CephCommandError
from ansible_collections.bigdata.platform.plugins.module_utils.errors import OptionError, PlatformError

ENTITY = re.compile(r"^(client|mgr|mds|osd|mon)\.\S+$")
# A cephx secret: 2 bytes type, 8 bytes creation time, 2 bytes length, 16 bytes AES key.
SECRET_BYTES = 28


def check_entity(option, name):
    if not ENTITY.match(name):
        raise OptionError(option, name, "is not a cephx entity name: write TYPE.ID, such as client.spark")


def check_secret(option, secret):
    """A message naming the option, never the value (it is a secret)."""
    try:
        valid = len(base64.b64decode(secret, validate=True)) == SECRET_BYTES
    except (binascii.Error, ValueError):
        valid = False
    if not valid:
        raise PlatformError("option '%s': the value given is not a cephx key (base64 of %d bytes, as "
                            "'ceph-authtool --gen-print-key' prints)" % (option, SECRET_BYTES), option=option)


def normalise_user(raw, with_key=False):
    """A user as rados_key and rados_key_info return it: the key only when asked for."""
    user = {"name": raw["entity"], "caps": dict(sorted((raw.get("caps") or {}).items()))}
    if with_key:
        user["key"] = raw["key"]
    return user


def get_user(client, name):
    """The raw 'auth get' entry ({entity, key, caps}) or None."""
    try:
        found = client.mon_json("auth get", entity=name)
    except CephCommandError as exc:
        if exc.errno_name == "ENOENT":
            return None
        raise
    return found[0] if found else None


def list_users(client):
    return sorted(client.mon_json("auth ls")["auth_dump"], key=lambda raw: raw["entity"])


def caps_args(caps):
    """{'mon': 'allow r', ...} as the flat list the auth commands take."""
    return [word for service in sorted(caps) for word in (service, caps[service])]


def keyring_text(name, key):
    return "[%s]\n\tkey = %s\n" % (name, key)


def add_user(client, name, caps, secret=None):
    """A new user with the caps, and the given secret or a key Ceph makes."""
    inbuf = keyring_text(name, secret).encode() if secret else b""
    refused_as_caps(caps, client.change, dict(prefix="auth add", entity=name, caps=caps_args(caps)), inbuf)


def set_caps(client, name, caps):
    """Replace every cap of the user; the key stays."""
    refused_as_caps(caps, client.change, dict(prefix="auth caps", entity=name, caps=caps_args(caps)))


def replace_key(client, name, secret, caps):
    """Give an existing user the secret (and the caps): 'auth import' overwrites both."""
    lines = [keyring_text(name, secret)] + ['\tcaps %s = "%s"\n' % (service, caps[service].replace('"', '\\"'))
                                            for service in sorted(caps)]
    refused_as_caps(caps, client.change, dict(prefix="auth import"), "".join(lines).encode())


def delete_user(client, name):
    client.change(dict(prefix="auth del", entity=name))


def refused_as_caps(caps, call, command, inbuf=b""):
    """A caps string Ceph cannot parse fails naming caps.<service>."""
    try:
        call(command, inbuf)
    except CephCommandError as exc:
        # "unknown cap type 'foo'", "mon capability parse failed, stopped at 'allow bogus' of 'allow bogus'".
        match = re.search(r"unknown cap type '([^']*)'|^(\w+) capability parse failed", exc.ceph_message)
        if exc.errno_name == "EINVAL" and match:
            service = match.group(1) or match.group(2)
            raise exc.for_option("caps.%s" % service, caps.get(service)) from None
        raise


def keyring_content(path):
    """The file's text, or None when it does not exist."""
    try:
        with open(path) as handle:
            return handle.read()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise OptionError("dest", path, "cannot be read as a keyring file: %s" % (exc.strerror or exc)) from None


def write_keyring(path, content):
    """Replace the file in one rename from a 0600 file beside it, so the key is never readable by others."""
    directory = os.path.dirname(os.path.abspath(path))
    try:
        handle, temporary = tempfile.mkstemp(dir=directory, prefix=".%s." % os.path.basename(path))
    except OSError as exc:
        raise OptionError("dest", path, "cannot be written as a keyring file: %s" % (exc.strerror or exc)) from None
    try:
        with os.fdopen(handle, "w") as stream:
            stream.write(content)
        os.replace(temporary, path)
    except OSError as exc:
        os.unlink(temporary)
        raise OptionError("dest", path, "cannot be written as a keyring file: %s" % (exc.strerror or exc)) from None
