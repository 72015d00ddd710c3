# shellcheck shell=bash
# Sourced by the scripts that run ansible-test on a copy of the source tree placed where ansible-test wants it
# (ansible_collections/bigdata/platform, not under a dot-directory): `source scripts/collection_copy.sh NAME`
# puts the venv (BIGDATA_VENV, default .venv) first on PATH and sets root (this checkout) and collection (the
# copy, under a temporary directory removed on exit).
cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit
root=$(pwd)
venv=$(cd "${BIGDATA_VENV:-$root/.venv}" && pwd)
export PATH="$venv/bin:$PATH"
work=$(mktemp -d "${TMPDIR:-/tmp}/bigdata-platform-$1.XXXXXX")
trap 'rm -rf "$work"' EXIT
collection="$work/ansible_collections/bigdata/platform"
mkdir -p "$collection"
tar --exclude=./.build --exclude=./.venv --exclude=./.git --exclude=./tests/output -cf - . | tar -xf - -C "$collection"
