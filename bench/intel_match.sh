#!/usr/bin/env bash
# bench/intel_match.sh BUILD_DIR — the indicator matcher's benchmark tables for
# docs/benchmarks.md ("Intelligence matcher"). Builds nothing: it runs
# BUILD_DIR/bench/intel_match_bench (configure BUILD_DIR with
# -Dbuildtype=release) once for 1,000,000 and once for 10,000,000 synthetic
# indicators, each in its own process (so peak RSS is that size's), on one
# core (taskset -c $CPU, default 1), and prints the two Markdown tables.
# Every figure is the best of REPS runs (default 3), taken inside the bench.
# KEYS (default 64) is the number of keys per batch call. The 10M run needs
# about 1 GiB of memory and a few minutes.
set -euo pipefail
if [ $# -ne 1 ] || [ ! -x "$1/bench/intel_match_bench" ]; then
  echo "usage: $0 BUILD_DIR   (BUILD_DIR/bench/intel_match_bench must exist)" >&2
  exit 2
fi
bin=$1/bench/intel_match_bench
cpu=${CPU:-1}
reps=${REPS:-3}
keys=${KEYS:-64}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for n in 1000000 10000000; do
  echo "intel_match.sh: $n indicators (best of $reps)..." >&2
  taskset -c "$cpu" "$bin" -r "$reps" -b "$keys" -q "$n" >"$out/$n.md" 2>"$out/$n.err"
  cat "$out/$n.err" >&2
done
model=$(lscpu | sed -n 's/^Model name: *//p' | head -n1)
cores=$(nproc)
mem=$(awk '/MemTotal/ {printf "%.0f GiB", $2 / 1048576}' /proc/meminfo)
echo "Machine: $model, $cores cores, $mem; one core (taskset -c $cpu); best of $reps."
echo
echo "| indicators | add s | build s | matcher MiB | bytes/indicator | of which pre-filters MiB | RSS growth MiB | peak RSS MiB |"
echo "|---:|---:|---:|---:|---:|---:|---:|---:|"
for n in 1000000 10000000; do
  awk 'NF == 0 { exit } { print }' "$out/$n.md"
done
echo
echo "| indicators | lookup | keys | keys matched | one at a time M/s | batches of $keys M/s |"
echo "|---:|---|---|---:|---:|---:|"
for n in 1000000 10000000; do
  awk 'seen { print } NF == 0 { seen = 1 }' "$out/$n.md"
done
