#!/usr/bin/env bash
# The tests that wait, time out or retry, run with three CPU burners beside them on two cores: what CI's
# loaded 2-core machine does to them at worst (issue 12 item 14). A test that races real time against
# simulated time fails here first. Extra arguments go to pytest.
#   bash scripts/stress-timing.sh              (make stress-timing)
#   BURNERS=0 bash scripts/stress-timing.sh    (the same selection without load, to compare)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
export PATH="$root/.venv/bin:$PATH"

burners=${BURNERS:-3}
# Two cores, whatever the machine has: the burners and pytest share them as they share CI's.
pin=()
if command -v taskset >/dev/null && [ "$(nproc)" -gt 2 ]; then
    cores="0,1"
    pin=(taskset -c "$cores")
fi

pids=()
# shellcheck disable=SC2317  # called by the EXIT trap
stop_burners() {
    for pid in "${pids[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
}
trap stop_burners EXIT
for _ in $(seq 1 "$burners"); do
    "${pin[@]}" python3 -c 'while True: pass' &
    pids+=("$!")
done

selection="wait or timeout or deadline or retr or slow or delay or clock or hang or timing"
selection="$selection or contract or framework or test_waiting or test_http or test_failed_download"
# Tests that catch a transient state (a command or stage in progress) by name: every_starting, in_progress,
# engine_failures (a start stuck in powering_up).
selection="$selection or every_starting or in_progress or engine_failures"
started=$(date +%s)
status=0
"${pin[@]}" pytest -n 2 --dist loadgroup -k "$selection" \
    tests/unit tests/simulators tests/integration "$@" || status=$?
echo "stress-timing: $burners CPU burners on 2 cores, $(( $(date +%s) - started )) s, pytest exit $status"
exit "$status"
