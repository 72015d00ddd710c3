#!/usr/bin/env bash
# ansible-test units (Python 3.11, its own venv) on a copy of the source tree placed where ansible-test wants
# it (ansible_collections/bigdata/platform, not under a dot-directory). Extra arguments go to ansible-test,
# e.g. bash scripts/units.sh tests/unit/plugins/module_utils/test_waiting.py
set -euo pipefail
# shellcheck source=scripts/collection_copy.sh
source "$(dirname "$0")/collection_copy.sh" units
# The unit tests are self-contained: the copy keeps of tests/ only tests/unit and the data files (no conftest.py,
# simulators or other helpers of the pytest suite), so a unit test that leans on one fails here.
find "$collection/tests" -mindepth 1 -maxdepth 1 ! -name unit ! -name '*.txt' ! -name '*.yml' -exec rm -rf {} +
cd "$collection"
ansible-test units --python "${SANITY_PYTHON:-3.11}" --venv --color no "$@"
