#!/usr/bin/env bash
# test.sh [--sanitize] — installs what is missing, builds, and runs every test:
# unit tests, fuzz-corpus replays and the differential tests against tshark.
# Ends with a line "N passed, N failed". --sanitize builds with ASan+UBSan
# in build-asan instead.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh test || exit 2
dir=build opts=()
if [ "${1:-}" = --sanitize ]; then
  dir=build-asan
  opts=(-Db_sanitize=address,undefined -Dc_args=-fno-sanitize-recover=all)
fi
if [ ! -d "$dir" ]; then
  meson setup "$dir" "${opts[@]}" >/dev/null || exit 2
fi
meson compile -C "$dir" >/dev/null || { meson compile -C "$dir"; exit 2; }
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
meson test -C "$dir" --print-errorlogs --num-processes "$(nproc)" >"$dir/test-output.txt" 2>&1
status=$?
grep -E '^ *[0-9]+/[0-9]+ .* (FAIL|ERROR|TIMEOUT)' "$dir/test-output.txt" || true
python3 scripts/testlog-summary.py "$dir/meson-logs/testlog.json"
[ $status -eq 0 ] || { tail -n 60 "$dir/test-output.txt"; exit 1; }
