#!/usr/bin/env bash
# The README's demo (`make demo` runs scripts/bootstrap.sh first, then this):
#   1. starts the API simulators (Cloudera Manager, YARN, Keystone+Sahara, oVirt) and, where it can,
#      a one-node Ceph cluster — without Ceph the demo still runs, without the Ceph pools, and says so;
#   2. writes their URLs to .build/demo/, where the demo inventory (playbooks/inventory/demo, whose
#      simulators.py turns them into connection variables) finds them;
#   3. runs, against that inventory: playbooks/site.yml from the empty estate, site.yml again (its PLAY RECAP
#      must show changed=0 on every host), parcel_upgrade.yml, teardown.yml (after it nothing of the
#      platforms may be left), and site.yml once more; then prints a summary (scripts/demo_summary.py): per
#      platform what exists, and per pass the changed count and the wall time;
#   4. stops everything it started, by pid, also when a step fails.
# Environment: DEMO_SPEED (simulated seconds per real second, default 30), DEMO_NO_CEPH=1 to skip Ceph,
# DEMO_KEEP=1 to leave the simulators and Ceph running (their URLs stay in .build/demo/).
# Arguments go to ansible-playbook, e.g. `bash scripts/demo.sh -v` or `--forks 1`.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
venv="$root/.venv/bin"
work="$root/.build/demo"
speed="${DEMO_SPEED:-30}"
export PATH="$venv:$PATH"

say() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

simulators_pid=""
ceph_started=""
cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ "${DEMO_KEEP:-}" = 1 ] && [ "$status" = 0 ]; then
    say "DEMO_KEEP=1: simulators (pid $simulators_pid) and Ceph left running; see $work"
    exit 0
  fi
  if [ -n "$simulators_pid" ] && kill -0 "$simulators_pid" 2>/dev/null; then
    kill -TERM "$simulators_pid" 2>/dev/null || true
    wait "$simulators_pid" 2>/dev/null || true
  fi
  if [ -n "$ceph_started" ]; then
    "$venv/python" tests/ceph_cluster.py stop --dir "$work/ceph" >/dev/null 2>&1 || true
  fi
  [ "$status" = 0 ] || echo "demo: FAILED (exit $status); logs in $work" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

rm -rf "$work"
mkdir -p "$work"
"$venv/python" -c "import sys; sys.path.insert(0, 'tests'); import collection; collection.ensure_collection_link()"

say "Starting the API simulators (speed x$speed)"
PYTHONPATH=tests "$venv/python" -m simulators all --empty --speed "$speed" --state-file "$work/simulators.json" \
  >"$work/simulators.log" 2>&1 &
simulators_pid=$!
for _ in $(seq 100); do
  [ -s "$work/simulators.json" ] && break
  kill -0 "$simulators_pid" 2>/dev/null || { cat "$work/simulators.log" >&2; echo "demo: simulators exited" >&2; exit 1; }
  sleep 0.2
done
[ -s "$work/simulators.json" ] || { echo "demo: simulators did not start within 20 s" >&2; exit 1; }
cat "$work/simulators.log"

ceph_json=""
if [ "${DEMO_NO_CEPH:-}" = 1 ]; then
  say "Ceph: skipped (DEMO_NO_CEPH=1); the demo runs without the Ceph pools"
elif [ ! -f tests/ceph_cluster.py ] || ! command -v ceph-mon >/dev/null || ! "$venv/python" -c "import rados" 2>/dev/null; then
  say "Ceph: not available here (needs ceph-mon and python3-rados); the demo runs without the Ceph pools"
else
  say "Starting a one-node Ceph cluster (mon, mgr, one OSD)"
  ceph_started=1
  if timeout 180 "$venv/python" tests/ceph_cluster.py start --dir "$work/ceph" >"$work/ceph.json" 2>"$work/ceph-start.log"; then
    ceph_json="$work/ceph.json"
    cat "$ceph_json"
  else
    rm -f "$work/ceph.json"
    tail -5 "$work/ceph-start.log" >&2 || true
    say "Ceph: did not start (log: $work/ceph-start.log); the demo runs without the Ceph pools"
  fi
fi

export DEMO_STATE_DIR="$work"
systems=$("$venv/python" playbooks/inventory/demo/simulators.py --list |
          "$venv/python" -c "import json, sys; print(' '.join(json.load(sys.stdin)['all']['vars']['platform_systems']))")
say "Systems the demo platforms use: ${systems:-none}"

run_playbook() {
  local name=$1 playbook=$2
  shift 2
  local started=$SECONDS
  ANSIBLE_COLLECTIONS_PATH="$root/.build/collections" ANSIBLE_FORCE_COLOR="${ANSIBLE_FORCE_COLOR:-1}" \
  ANSIBLE_RETRY_FILES_ENABLED=0 \
    ansible-playbook -i playbooks/inventory/demo "playbooks/$playbook" "$@" | tee "$work/$name.log"
  echo "$name $playbook $((SECONDS - started))" >> "$work/passes.txt"
}

recap_of() {
  sed -e 's/\x1b\[[0-9;]*m//g' "$work/$1.log" | sed -n '/PLAY RECAP/,$p'
}

: > "$work/passes.txt"
say "Pass 1: playbooks/site.yml builds the platforms from an empty estate"
run_playbook site-1 site.yml "$@"

say "Pass 2: the same playbook again must change nothing"
run_playbook site-2 site.yml "$@"
recap=$(recap_of site-2)
if ! grep -q 'changed=' <<<"$recap" || grep -Eq 'changed=[1-9]|failed=[1-9]|unreachable=[1-9]' <<<"$recap"; then
  echo "demo: the second pass was not a no-op:" >&2
  echo "$recap" >&2
  exit 1
fi
say "Pass 2 PLAY RECAP: changed=0 on every platform — the playbook is idempotent"

say "Pass 3: playbooks/parcel_upgrade.yml rolls CDH 7.1.9 out, one cluster at a time"
run_playbook parcel-upgrade parcel_upgrade.yml -e cm_parcel_rollout_version=7.1.9-1.cdh7.1.9.p0.44702451 \
  -e '{"cm_parcel_rollout_repo_urls": ["https://archive.cloudera.com/p/cdh7/7.1.9.0/parcels/"]}' "$@"

say "Pass 4: playbooks/teardown.yml takes both platforms down to the empty estate"
run_playbook teardown teardown.yml -e teardown_confirm=true "$@"
"$venv/python" scripts/demo_summary.py --state-dir "$work" --expect-empty > "$work/after-teardown.txt" || {
  cat "$work/after-teardown.txt" >&2; echo "demo: teardown left resources behind" >&2; exit 1; }

say "Pass 5: playbooks/site.yml builds them again from the empty estate"
run_playbook site-3 site.yml "$@"

say "Summary"
"$venv/python" scripts/demo_summary.py --state-dir "$work" --passes "$work/passes.txt" --check-clients
