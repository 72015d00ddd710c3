#!/usr/bin/env bash
# Every check CI runs, in order: the support matrix (ansible-test sanity on the built collection and a
# runtime smoke, on every supported ansible-core: scripts/matrix.sh), changelog lint,
# ansible-lint (production profile), then one pytest run over unit tests, simulator contract tests
# and integration tests (real ansible-playbook against the simulators and a real Ceph cluster).
# pytest runs last, so its summary line closes the output.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/.venv/bin:$PATH"
step() { printf '\n==> %s\n' "$*"; }

step "support matrix: sanity + smoke on each ansible-core of tests/support-matrix.txt"
bash scripts/matrix.sh test

step "shellcheck (repository scripts; not part of the built collection)"
shellcheck scripts/*.sh .ci/run

step "antsibull-changelog lint"
antsibull-changelog lint

step "ansible-lint --profile production"
.venv/bin/python -c "import sys; sys.path.insert(0, 'tests'); import collection; collection.ensure_collection_link()"
ANSIBLE_COLLECTIONS_PATH="$root/.build/collections" ansible-lint --profile production --offline

step "galaxy-importer on the built tarball (what Galaxy runs on upload)"
bash scripts/galaxy_importer.sh | grep -v '^Loading '

step "pytest: unit, simulators (contract tests), integration"
exec pytest -n 2 --dist loadgroup "$@"
