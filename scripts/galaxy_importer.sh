#!/usr/bin/env bash
# galaxy-importer (what Galaxy and Automation Hub run on an uploaded collection) on the built tarball, in its
# own venv under .build/galaxy-importer (it pins its own ansible-core and ansible-lint). Fails on any
# warning or error it logs, so that an upload would import cleanly.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv=.build/galaxy-importer
version=0.4.44
if ! "$venv/bin/python" -c "import galaxy_importer, sys; sys.exit(galaxy_importer.__version__ != '$version')" 2>/dev/null; then
  echo "galaxy-importer: creating $venv (galaxy-importer $version)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -qq --disable-pip-version-check "galaxy-importer==$version"
fi
work=$(mktemp -d "${TMPDIR:-/tmp}/bigdata-platform-importer.XXXXXX")
trap 'rm -rf "$work"' EXIT
source=.
if ! grep -q '^repository:' galaxy.yml; then
  # galaxy.yml names no repository until the project has a public address (a placeholder would ship as a
  # broken link), but Galaxy refuses an upload without one: check a copy that has GALAXY_REPOSITORY_URL.
  echo "galaxy-importer: galaxy.yml has no repository; set one before the first upload. Checking a copy with" \
       "repository: ${GALAXY_REPOSITORY_URL:=https://repository.not-yet-published.invalid/bigdata/platform}"
  source="$work/source"
  mkdir -p "$source"
  tar --exclude=./.build --exclude=./.venv --exclude=./.git -cf - . | tar -xf - -C "$source"
  echo "repository: $GALAXY_REPOSITORY_URL" >> "$source/galaxy.yml"
fi
"$venv/bin/ansible-galaxy" collection build --force --output-path "$work" "$source" >/dev/null
export GALAXY_IMPORTER_CONFIG="$root/scripts/galaxy-importer.cfg"
# In $work: it leaves importer_result.json in its working directory.
(cd "$work" && PATH="$root/$venv/bin:$PATH" "$root/$venv/bin/python" -m galaxy_importer.main bigdata-platform-*.tar.gz \
  >importer.log 2>&1) || { cat "$work/importer.log"; echo "galaxy-importer: FAILED" >&2; exit 1; }
cat "$work/importer.log"
if grep -E "^(WARNING|ERROR)|: (WARNING|ERROR):" "$work/importer.log" >/dev/null; then
  echo "galaxy-importer: warnings above; Galaxy would show them" >&2
  exit 1
fi
echo "galaxy-importer: clean"
