#!/usr/bin/env bash
# ansible-test integration (tests/integration/targets: one target per system, each starting its simulator
# through setup_simulators, or the real one-node Ceph through setup_ceph) on a copy of the source tree placed
# where ansible-test wants it (ansible_collections/bigdata/platform), with the current venv's Python
# (--local: the modules need requests, keystoneauth1 and the rados binding of .venv). The pytest suite
# (tests/integration/*.py) stays the main one; these targets are for contributors used to ansible-test.
# Extra arguments go to ansible-test, e.g. bash scripts/integration.sh cm_lifecycle -v
# Without Ceph installed, the ceph_lifecycle target is left out (and said so), as pytest skips the Ceph tests.
set -euo pipefail
# shellcheck source=scripts/collection_copy.sh
source "$(dirname "$0")/collection_copy.sh" integration
exclude=()
if ! python -c "import sys; sys.path.insert(0, 'tests'); import ceph_cluster; sys.exit(bool(ceph_cluster.missing_binaries()))" 2>/dev/null; then
  echo "integration: Ceph is not installed here; leaving out the ceph_lifecycle target"
  exclude=(--exclude ceph_lifecycle)
fi
cd "$collection"
ansible-test integration --local --color no "${exclude[@]}" "$@"
