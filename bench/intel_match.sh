#!/usr/bin/env bash
# bench/intel_match.sh BUILD_DIR — the indicator matcher's benchmark tables for
# docs/benchmarks.md ("Intelligence matcher"). Builds nothing: it runs
# BUILD_DIR/bench/intel_match_bench (configure BUILD_DIR with
# -Dbuildtype=release) for 1,000,000 and for 10,000,000 synthetic indicators,
# each size in its own process (so peak RSS is that size's), on one core
# (taskset -c $CPU, default 1), and prints the two Markdown tables.
# The whole run is repeated REPS times (default 3), one after the other, and
# each figure is the best of them (shortest time, highest rate): on a shared
# machine a noisy neighbour comes and goes over seconds, so the repetitions
# are spread out rather than taken back to back. KEYS (default 64) is the
# number of keys per batch call; SIZES (default "1000000 10000000") the
# indicator counts. The 10M run needs about 1.2 GiB of memory;
# the whole script takes a few minutes.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -x "$1/bench/intel_match_bench" ]; then
  echo "usage: $0 BUILD_DIR   (BUILD_DIR/bench/intel_match_bench must exist)" >&2
  exit 2
fi
bin=$1/bench/intel_match_bench
cpu=${CPU:-1}
reps=${REPS:-3}
keys=${KEYS:-64}
sizes=${SIZES:-"1000000 10000000"}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq "$reps"); do
  for n in $sizes; do
    echo "intel_match.sh: run $r of $reps, $n indicators" >&2
    taskset -c "$cpu" "$bin" -r 1 -b "$keys" -q "$n" >"$out/$n.$r.md" 2>"$out/$n.$r.err"
  done
done
cat "$out"/*.1.err >&2
model=$(lscpu | sed -n 's/^Model name: *//p' | head -n1)
cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
echo "Machine: $model, $cores cores, $mem; one core (taskset -c $cpu); best of $reps runs."
echo
echo "| indicators | add s | build s | matcher MiB | bytes/indicator | of which pre-filters MiB | RSS growth MiB | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in $sizes; do
  # build rows: the shortest add and build times, the rest from the first run
  for r in $(seq "$reps"); do awk 'NF == 0 { exit } { print }' "$out/$n.$r.md"; done |
    awk -F' *[|] *' '{ if (!n || $3 < add) add = $3; if (!n || $4 < bld) bld = $4; if (!n) row = $0; n++ }
      END { split(row, c, / *[|] */); printf "| %s | %s | %s | %s | %s | %s | %s | %s |\n", c[2], add, bld, c[5], c[6], c[7], c[8], c[9] }'
done
echo
echo "| indicators | lookup | keys | keys matched | one at a time M/s | batches of $keys M/s |"
echo "|---:|---|---|---:|---:|---:|"
for n in $sizes; do
  # lookup rows: the highest rates per row, in the order of the first run
  for r in $(seq "$reps"); do awk 'seen { print } NF == 0 { seen = 1 }' "$out/$n.$r.md"; done |
    awk -F' *[|] *' '{ k = $2 "|" $3 "|" $4
        if (!(k in one)) { order[++rows] = k; hit[k] = $5; one[k] = $6; bat[k] = $7 }
        if ($6 + 0 > one[k] + 0) one[k] = $6
        if ($7 != "—" && $7 + 0 > bat[k] + 0) bat[k] = $7 }
      END { for (i = 1; i <= rows; i++) { k = order[i]; split(k, c, "|")
        printf "| %s | %s | %s | %s | %s | %s |\n", c[1], c[2], c[3], hit[k], one[k], bat[k] } }'
done
