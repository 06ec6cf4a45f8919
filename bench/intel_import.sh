#!/usr/bin/env bash
# bench/intel_import.sh [BUNDLE.json] — `hradba intel import` end to end
# (parse, validate, store) of one STIX bundle into a new, empty store.
#
# Makes the bundle with bench/gen_intel.py (COUNT indicators, default
# 1,000,000: about 343 MB) when it is missing, builds a release hradba in
# build-release unless HRADBA names a binary, warms the page cache, runs the
# import REPS times (default 3), each into a fresh data directory, and prints
# a Markdown table row for docs/benchmarks.md: the best wall time, the user
# and system CPU time of that run, its peak RSS, the store's size, and the
# load average before the first run (other work on the machine shows in the
# wall time, much less in the CPU time).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${REPS:-3}
count=${COUNT:-1000000}
bundle=${1:-bench/out/intel-$count.json}
mkdir -p bench/out
if [ ! -f "$bundle" ]; then
  echo "bench: writing $bundle ($count indicators)" >&2
  python3 bench/gen_intel.py "$count" "$bundle"
fi
hradba=${HRADBA:-}
if [ -z "$hradba" ]; then
  [ -d build-release ] || meson setup build-release --buildtype=release -Db_ndebug=true -Dtests=false >/dev/null
  meson compile -C build-release hradba >/dev/null
  hradba=build-release/src/cli/hradba
fi
cat "$bundle" >/dev/null
load=$(cut -d' ' -f1 /proc/loadavg)
work=$(mktemp -d "${TMPDIR:-/tmp}/hradba-intel-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
best="" user="" sys="" kb="" store_mb="" indicators=""
for i in $(seq "$reps"); do
  rm -rf "$work/data"
  /usr/bin/time -f '%e %U %S %M' -o "$work/time.txt" \
    "$hradba" intel import --no-progress --data-dir "$work/data" "$bundle" 2>"$work/err.txt" || {
    echo "bench: import failed: $(tail -n3 "$work/err.txt")" >&2
    exit 1
  }
  read -r secs u s m <"$work/time.txt"
  echo "bench: run $i: wall ${secs} s, user ${u} s, sys ${s} s, peak RSS $((m / 1024)) MiB" >&2
  if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a<b)}'; then
    best=$secs user=$u sys=$s kb=$m
    store_mb=$(du -cm "$work/data"/intel.db* | awk 'END{print $1}')
    indicators=$(sed -n 's/.*: \([0-9]*\) indicators (.*/\1/p' "$work/err.txt" | tail -n1)
  fi
done
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN{printf "%.1f", u + s}')
mb=$(du -m "$bundle" | cut -f1)
echo "| indicators | bundle | wall (best of $reps) | user | sys | CPU | peak RSS | store | load |"
echo "|---|---|---|---|---|---|---|---|---|"
echo "| $indicators | $mb MiB | $best s | $user s | $sys s | $cpu s | $((kb / 1024)) MiB | $store_mb MB | $load |"
