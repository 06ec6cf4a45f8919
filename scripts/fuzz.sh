#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer targets with clang (ASan+UBSan) and
# runs each for SECONDS (default 60) on a scratch copy of its committed
# corpus. Prints one line per target and ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
bash scripts/deps.sh fuzz || exit 2
dir=build-fuzz
if [ ! -d "$dir" ]; then
  CC=clang meson setup "$dir" -Dfuzzing=true -Dtests=false \
    -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 2
fi
meson compile -C "$dir" >/dev/null || { meson compile -C "$dir"; exit 2; }
passed=0 failed=0
mkdir -p fuzz-work
for bin in "$dir"/fuzz/fuzz_*; do
  [ -f "$bin" ] && [ -x "$bin" ] || continue
  name=${bin##*/fuzz_}
  work=fuzz-work/$name
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  cp -r fuzz/corpus/"$name"/. "$work/corpus/" 2>/dev/null || true
  if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log.txt" 2>&1; then
    echo "fuzz $name: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/log.txt" | grep -o '[0-9]*$') runs in ${secs}s)"
    passed=$((passed + 1))
  else
    echo "fuzz $name: FAILED, reproducer in $work/artifacts/"
    grep -A20 -m1 'ERROR:' "$work/log.txt" | head -30
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
