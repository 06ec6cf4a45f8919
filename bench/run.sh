#!/usr/bin/env bash
# bench/run.sh [WORKLOAD.pcap] — hradba read against its peers on one capture,
# in one run, one core each (taskset -c $CPU, default 0).
#
# Builds a release hradba in build-release, makes the workload with
# shared/tools/make-workload if it is not given, and prints two Markdown
# tables for docs/benchmarks.md:
#   1. flow tracking: hradba read --flows-only against the read floor (a bare
#      pcap_next_ex loop), tcpdump -w /dev/null, ndpiReader and tshark -q;
#   2. full metadata: hradba read (every parser on) against the read floor,
#      ndpiReader and tshark printing the same fields with -T fields.
# Each tool runs REPS times (default 3); the best wall time is kept, so a
# noisy neighbour cannot make a peer look slow. Peak RSS is that run's.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${REPS:-3}
cpu=${CPU:-0}
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

# The fields hradba's dns, http, tls and smtp events carry, as tshark names them.
tshark_fields=$(printf ' -e %s' frame.time_epoch ip.src ip.dst tcp.srcport tcp.dstport \
  udp.srcport udp.dstport dns.qry.name dns.qry.type dns.flags.rcode dns.a dns.aaaa dns.cname \
  http.host http.request.uri http.request.method http.user_agent http.response.code \
  tls.handshake.extensions_server_name tls.handshake.ja3 tls.handshake.ja3s tls.handshake.version \
  x509sat.printableString x509af.serialNumber smtp.req.command smtp.req.parameter imf.subject)

declare -A cmd=(
  [read-floor]="$floor $wl"
  [hradba-flows]="$hradba read -q --no-progress --flows-only -o /dev/null $wl"
  [hradba-full]="$hradba read -q --no-progress -o /dev/null $wl"
  [tcpdump]="tcpdump -n -r $wl -w /dev/null"
  [ndpiReader]="ndpiReader -q -i $wl"
  [tshark-q]="tshark -n -r $wl -q"
  [tshark-fields]="tshark -n -r $wl -T fields$tshark_fields"
)
declare -A best_s rss
run() {
  local t=$1 best=""
  for _ in $(seq "$reps"); do
    /usr/bin/time -f '%e %M' -o bench/out/time.txt taskset -c "$cpu" ${cmd[$t]} >/dev/null 2>bench/out/$t.err || {
      echo "bench: $t failed: $(tail -n3 bench/out/$t.err)" >&2; }
    read -r secs kb < bench/out/time.txt
    if [ -z "$best" ] || awk -v a="$secs" -v b="$best" 'BEGIN{exit !(a<b)}'; then best=$secs; rss[$t]=$kb; fi
  done
  best_s[$t]=$best
}
for t in read-floor hradba-flows hradba-full tcpdump ndpiReader tshark-q tshark-fields; do
  echo "bench: $t" >&2
  run "$t"
done

table() {
  echo "| tool | seconds | packets/s | Gbit/s | peak RSS MiB | vs read floor | hradba vs this |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  local ref=$1; shift
  for t in "$@"; do
    awk -v t="$t" -v s="${best_s[$t]}" -v p="$pkts" -v b="$bytes" -v r="${rss[$t]}" \
        -v f="${best_s[read-floor]}" -v h="${best_s[$ref]}" 'BEGIN{
      if (s <= 0) s = 0.001;
      printf "| %s | %.2f | %.0f | %.2f | %.1f | %.0f%% | %.2f× |\n", t, s, p/s, b*8/s/1e9, r/1024, 100*f/s, s/h }'
  done
}
echo "Workload: $wl — $pkts packets, $bytes bytes; best of $reps runs; one core (taskset -c $cpu)."
echo
echo "### Flow tracking"
echo
table hradba-flows read-floor hradba-flows tcpdump ndpiReader tshark-q
echo
echo "### Full metadata"
echo
table hradba-full read-floor hradba-full ndpiReader tshark-fields
echo
echo "Commands:"
echo
for t in read-floor hradba-flows hradba-full tcpdump ndpiReader tshark-q tshark-fields; do
  echo "- $t: \`${cmd[$t]}\`"
done
