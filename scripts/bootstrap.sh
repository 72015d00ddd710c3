#!/usr/bin/env bash
# Install everything the demo and the tests need on a fresh Debian 12 machine (run as root):
# Debian packages (a one-node Ceph cluster, build headers), a virtualenv at .venv made from the system
# Python (so it can import the python3-rados binding), and the Python requirements.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

DEBIAN_PACKAGES=(ceph-mon ceph-osd ceph-mgr ceph-common python3-rados python3-venv uuid-runtime
                 libxml2-dev libcurl4-openssl-dev libssl-dev libkrb5-dev gcc openssl make shellcheck)
SYSTEM_PYTHON=/usr/bin/python3
VENV=.venv

missing=()
for package in "${DEBIAN_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "bootstrap: installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x "$VENV/bin/python" ]; then
  echo "bootstrap: creating $VENV from $SYSTEM_PYTHON (with system site-packages, for python3-rados)"
  "$SYSTEM_PYTHON" -m venv --system-site-packages "$VENV"
fi

stamp="$VENV/.requirements.sha256"
wanted=$(cat requirements.txt tests/requirements.txt | sha256sum | cut -d' ' -f1)
if [ "$(cat "$stamp" 2>/dev/null)" != "$wanted" ]; then
  echo "bootstrap: installing Python requirements into $VENV"
  "$VENV/bin/pip" install -q --disable-pip-version-check --upgrade pip
  "$VENV/bin/pip" install -q --disable-pip-version-check -r requirements.txt -r tests/requirements.txt
  echo "$wanted" > "$stamp"
fi
bash scripts/install-peers.sh || echo "bootstrap: warning: peer collections (ovirt.ovirt) not installed; their contract test installs or skips"
"$VENV/bin/python" -c "import rados" 2>/dev/null || echo "bootstrap: warning: the rados binding does not import; Ceph tests will fail"
