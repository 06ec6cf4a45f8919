#!/usr/bin/env bash
# fuzz.sh [SECONDS] — builds the libFuzzer targets with clang (ASan+UBSan) and
# runs each for SECONDS (default 60) on a scratch copy of its committed
# corpus, FUZZ_JOBS (default: the number of cores) at a time. Prints one
# line per target and ends with "N passed, N failed".
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
# One target per core at a time: each still gets its full SECONDS.
jobs=${FUZZ_JOBS:-$(nproc)}
mkdir -p fuzz-work
run_one() {
  local bin=$1 secs=$2 name work
  name=${bin##*/fuzz_}
  work=fuzz-work/$name
  rm -rf "$work" && mkdir -p "$work/corpus" "$work/artifacts"
  cp -r fuzz/corpus/"$name"/. "$work/corpus/" 2>/dev/null || true
  if "$bin" -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
      -artifact_prefix="$work/artifacts/" "$work/corpus" >"$work/log.txt" 2>&1; then
    echo "fuzz $name: ok ($(grep -m1 -o 'stat::number_of_executed_units: *[0-9]*' "$work/log.txt" | grep -o '[0-9]*$') runs in ${secs}s)" >"$work/result.txt"
  else
    { echo "fuzz $name: FAILED, reproducer in $work/artifacts/"
      grep -A20 -m1 'ERROR:' "$work/log.txt" | head -30; } >"$work/result.txt"
  fi
}
export -f run_one
targets=()
for bin in "$dir"/fuzz/fuzz_*; do
  [ -f "$bin" ] && [ -x "$bin" ] && targets+=("$bin")
done
printf '%s\n' "${targets[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one "$1" "$2"' _ {} "$secs"
passed=0 failed=0
for bin in "${targets[@]}"; do
  r=fuzz-work/${bin##*/fuzz_}/result.txt
  cat "$r" 2>/dev/null || echo "fuzz ${bin##*/fuzz_}: FAILED (no result)"
  if grep -q ': ok (' "$r" 2>/dev/null; then passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
