#!/usr/bin/env bash
# The support matrix (tests/support-matrix.txt): for each ansible-core release line, one virtualenv under
# .build/matrix/<core>/ with the newest patch release of that line, the modules' Python requirements and
# pytest; then, in it, ansible-test sanity on the built collection and a runtime smoke (a few modules and
# one role driven by real ansible-playbook against the simulators).
#   bash scripts/matrix.sh setup [core...]    # make the venvs that are missing or stale (bootstrap runs this)
#   bash scripts/matrix.sh test [core...]     # setup, then sanity + smoke on each core (CI runs this)
#   bash scripts/matrix.sh smoke [core...]    # setup, then the smoke only
# With no core given, every line of tests/support-matrix.txt. Timings go to .build/matrix/timings.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
matrix_dir="$root/.build/matrix"
action="${1:-test}"
shift || true

# Runtime smoke, chosen from the integration tests: a module of every system through its action group's
# module_defaults, check mode -> apply -> apply again for cm_parcel and rhev_vm, an _info module's filters,
# and the cm_parcel_rollout role against the Cloudera Manager simulator.
SMOKE_TESTS=(
  tests/integration/test_module_defaults.py::test_each_group_gives_its_modules_their_connection
  tests/integration/test_cm_parcel.py::test_check_apply_again_and_info
  tests/integration/test_rhev_vm.py::test_create_check_apply_idempotent_info_and_remove_running_vm
  tests/integration/test_yarn_app_info.py::test_filters_one_app_and_bad_input
  tests/integration/test_roles.py::test_parcel_rollout_restarts_stale_services_one_at_a_time_and_resumes_after_a_failure
)

# python_for 3.12 -> the path of a python3.12: on PATH, or one that pyenv installed.
python_for() {
  local version=$1 candidate
  for candidate in "$(command -v "python$version" 2>/dev/null || true)" \
                   "${PYENV_ROOT:-/root/.pyenv}"/versions/"$version".*/bin/"python$version"; do
    # A pyenv shim is on PATH for every version but runs only the selected ones: try it.
    if [ -n "$candidate" ] && "$candidate" -c "import venv" 2>/dev/null; then
      echo "$candidate"
      return 0
    fi
  done
  echo "matrix: no python$version found (on PATH or under pyenv); it is needed for the ansible-core lines that run on it" >&2
  return 1
}

matrix_lines() {
  local core python
  while read -r core python; do
    case "$core" in '' | '#'*) continue ;; esac
    if [ $# -eq 0 ] || [[ " $* " == *" $core "* ]]; then
      echo "$core $python"
    fi
  done < tests/support-matrix.txt
}

venv_requirements() {
  local core=$1
  echo "ansible-core~=$core.0"
  grep -vE '^\s*(#|$)' requirements.txt
  printf '%s\n' "pytest>=8" "pyyaml"
}

setup_venv() {
  local core=$1 python_version=$2 venv="$matrix_dir/$1" python wanted
  python=$(python_for "$python_version")
  wanted=$( { "$python" --version; venv_requirements "$core"; } | sha256sum | cut -d' ' -f1)
  if [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" = "$wanted" ] && [ -x "$venv/bin/ansible-test" ]; then
    return 0
  fi
  echo "matrix: creating $venv (ansible-core $core, $("$python" --version))"
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install -qq --disable-pip-version-check -r <(venv_requirements "$core")
  echo "$wanted" > "$venv/.requirements.sha256"
}

timed() {
  local label=$1 start status=0
  shift
  start=$(date +%s)
  "$@" || status=$?
  echo "$label $(( $(date +%s) - start ))s $([ "$status" = 0 ] && echo passed || echo "FAILED($status)")" \
    | tee -a "$matrix_dir/timings.txt"
  return "$status"
}

sanity() {
  local core=$1 python_version=$2
  BIGDATA_VENV="$matrix_dir/$core" SANITY_PYTHON="$python_version" \
    PATH="$(dirname "$(python_for "$python_version")"):$PATH" bash scripts/sanity.sh
}

smoke() {
  local core=$1
  # pytest runs inside the matrix venv, so the tests' ansible-playbook and module Python are that venv's.
  "$matrix_dir/$core/bin/python" -m pytest -q -p no:xdist -p no:cacheprovider -p matrix_smoke "${SMOKE_TESTS[@]}"
}

mkdir -p "$matrix_dir"
mapfile -t lines < <(matrix_lines "$@")
[ ${#lines[@]} -gt 0 ] || { echo "matrix: no line of tests/support-matrix.txt matches: $*" >&2; exit 2; }
failed=()
for line in "${lines[@]}"; do
  read -r core python_version <<<"$line"
  timed "setup $core" setup_venv "$core" "$python_version" || { failed+=("$core setup"); continue; }
  installed=$("$matrix_dir/$core/bin/python" -c "import ansible; print(ansible.__version__)")
  case "$action" in
    setup) ;;
    test)
      printf '\n==> ansible-core %s (Python %s): sanity\n' "$installed" "$python_version"
      timed "sanity $installed" sanity "$core" "$python_version" || failed+=("$installed sanity")
      printf '\n==> ansible-core %s (Python %s): smoke\n' "$installed" "$python_version"
      timed "smoke $installed" smoke "$core" || failed+=("$installed smoke")
      ;;
    smoke)
      timed "smoke $installed" smoke "$core" || failed+=("$installed smoke")
      ;;
    *) echo "matrix: unknown action $action (setup, test, smoke)" >&2; exit 2 ;;
  esac
done
if [ ${#failed[@]} -gt 0 ]; then
  echo "matrix: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "matrix: $action passed on: $(printf '%s ' "${lines[@]%% *}")"
