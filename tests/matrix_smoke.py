"""pytest plugin for the support-matrix smoke (scripts/matrix.sh runs `pytest -p matrix_smoke ...`).

The matrix venvs hold only what the modules and tests need, not Ceph's `rados` binding: Debian's
python3-rados is built for the system Python 3.11 and ansible-core 2.20+ runs on 3.12. The smoke selects
no Ceph test, but tests/integration/conftest.py imports tests/ceph_cluster.py, which imports rados. So,
when rados is not importable, a placeholder module stands in that fails on first use, naming why.
"""

import importlib.util
import sys
import types


class _MissingRados(types.ModuleType):
    def __getattr__(self, name):
        raise ImportError("the rados binding is not installed in this Python (%s): the matrix smoke runs no Ceph "
                          "test" % sys.executable)


if importlib.util.find_spec("rados") is None:
    sys.modules["rados"] = _MissingRados("rados")
