#!/usr/bin/env bash
# bench/run.sh [WORKLOAD.pcap] — hradba read against its peers on one capture,
# in one run, one core each. Builds a release hradba in build-release, makes
# the workload with shared/tools/make-workload if it is not given, and prints
# a Markdown table (packets/s, Gbit/s, peak RSS, ratio to the read floor) for
# docs/benchmarks.md. Each tool runs REPS times (default 3); the best wall
# time is kept, so a noisy neighbour cannot make a peer look slow.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${REPS:-3}
wl=${1:-bench/out/workload.pcap}
bash scripts/deps.sh bench >&2
mkdir -p bench/out
if [ ! -f "$wl" ]; then
  bash ../shared/tools/make-workload "$wl" 12 >&2
fi
[ -d build-release ] || meson setup build-release --buildtype=release -Db_ndebug=true -Dtests=false >/dev/null
meson compile -C build-release hradba read_floor >/dev/null
hradba=build-release/src/cli/hradba
floor=build-release/bench/read_floor
pkts=$(capinfos -M -c "$wl" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
bytes=$(capinfos -M -d "$wl" | awk -F: '/Data size/ {gsub(/[^0-9]/,"",$2); print $2}')
# Warm the page cache so every tool reads from memory.
cat "$wl" >/dev/null

declare -A cmd=(
  [read-floor]="$floor $wl"
  [hradba]="$hradba read -q --no-progress -o /dev/null $wl"
  [tcpdump]="tcpdump -n -r $wl -w /dev/null"
  [ndpiReader]="ndpiReader -q -i $wl"
  [tshark]="tshark -n -r $wl -q"
)
order=(read-floor hradba tcpdump ndpiReader tshark)
declare -A best_s rss
for t in "${order[@]}"; do
  best=""
  for _ in $(seq "$reps"); do
    /usr/bin/time -f '%e %M' -o bench/out/time.txt taskset -c 0 ${cmd[$t]} >/dev/null 2>bench/out/$t.err || {
      echo "bench: $t failed: $(tail -n3 bench/out/$t.err)" >&2; }
    read -r secs kb < bench/out/time.txt
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$secs; rss[$t]=$kb; fi
  done
  best_s[$t]=$best
done
floor_s=${best_s[read-floor]}
echo "Workload: $wl — $pkts packets, $bytes bytes; best of $reps runs; one core (taskset -c 0)."
echo
echo "| tool | command | seconds | packets/s | Gbit/s | peak RSS MiB | vs read floor (pkt/s) |"
echo "|---|---|---:|---:|---:|---:|---:|"
for t in "${order[@]}"; do
  s=${best_s[$t]}
  awk -v t="$t" -v c="${cmd[$t]}" -v s="$s" -v p="$pkts" -v b="$bytes" -v r="${rss[$t]}" -v f="$floor_s" 'BEGIN{
    if (s <= 0) s = 0.001;
    printf "| %s | `%s` | %.2f | %.0f | %.2f | %.1f | %.0f%% |\n", t, c, s, p/s, b*8/s/1e9, r/1024, 100*f/s }'
done
