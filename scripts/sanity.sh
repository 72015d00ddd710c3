#!/usr/bin/env bash
# ansible-test sanity (Python 3.11) on the collection as users get it: built, then installed.
# Extra arguments go to ansible-test, e.g.: bash scripts/sanity.sh --test pylint plugins/modules/x.py
# BIGDATA_VENV (default .venv) and SANITY_PYTHON (default 3.11) choose the ansible-core and the Python:
# scripts/matrix.sh runs this once per supported ansible-core.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=$(cd "${BIGDATA_VENV:-$root/.venv}" && pwd)
export PATH="$venv/bin:$PATH"
# Not under a dot-directory: ansible-test skips every target whose path has one.
work=$(mktemp -d "${TMPDIR:-/tmp}/bigdata-platform-sanity.XXXXXX")
trap 'rm -rf "$work"' EXIT
ansible-galaxy collection build --force --output-path "$work" . >/dev/null
ansible-galaxy collection install --force -p "$work/collections" "$work"/bigdata-platform-*.tar.gz >/dev/null
# ansible-test bootstraps pip in its venvs with a script from a host we cannot reach: use ensurepip.
pip_version=$(python -c "import re, ansible_test._internal.python_requirements as r, inspect; print(re.search(r\"pip='([0-9.]+)'\", inspect.getsource(r.get_venv_packages)).group(1))")
mkdir -p ~/.ansible/test/cache
cp scripts/ansible_test_get_pip.py ~/.ansible/test/cache/get_pip_"${pip_version//./_}".py
cd "$work/collections/ansible_collections/bigdata/platform"
ansible-test sanity --python "${SANITY_PYTHON:-3.11}" --venv --color no "$@"
