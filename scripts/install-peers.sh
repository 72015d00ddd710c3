#!/usr/bin/env bash
# Peer collections the contract tests and benchmarks drive as third-party clients, installed into a
# test-only path (.build/peers/ansible_collections/...), never into the venv's ansible-core:
#   ovirt.ovirt  from the `ansible` 9.x package on PyPI (the last releases that bundle it).
# Safe to run again: skipped when the collection is already there.
set -euo pipefail
cd "$(dirname "$0")/.."

PEERS=.build/peers
ANSIBLE_BUNDLE="ansible==9.13.0"
PIP="${PIP:-.venv/bin/pip}"

if [ ! -f "$PEERS/ansible_collections/ovirt/ovirt/MANIFEST.json" ]; then
  echo "install-peers: ovirt.ovirt from $ANSIBLE_BUNDLE into $PEERS"
  downloads="$PEERS/downloads"
  mkdir -p "$downloads"
  "$PIP" download -q --disable-pip-version-check --no-deps -d "$downloads" "$ANSIBLE_BUNDLE"
  "${PYTHON:-.venv/bin/python}" - "$downloads" "$PEERS" <<'PY'
import glob, sys, zipfile
downloads, target = sys.argv[1:]
wheel = sorted(glob.glob(downloads + "/ansible-*.whl"))[-1]
with zipfile.ZipFile(wheel) as archive:
    members = [n for n in archive.namelist() if n.startswith("ansible_collections/ovirt/ovirt/")]
    archive.extractall(target, members)
PY
  rm -rf "$downloads"
fi
