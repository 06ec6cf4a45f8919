#!/usr/bin/env bash
# bench/intel_read.sh [WORKLOAD.pcap] [COUNT] — `hradba read` throughput with
# COUNT indicators loaded (default 1,000,000) against none, on one core.
#
# The indicators are a mixed bundle from bench/gen_intel.py with 50 values of
# each kind that occur in the workload mixed in, so the run finds real hits
# and writes real alerts. The time compared is the reading alone (hradba
# read's summary starts its clock after the intel is loaded); the load time is
# printed beside it. Each variant runs REPS times (default 5), alternating, and
# the best is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${REPS:-5}
cpu=${CPU:-0}
wl=${1:-bench/out/workload.pcap}
count=${2:-1000000}
[ -f "$wl" ] || bash ../shared/tools/make-workload "$wl" 12 >&2
[ -d build-release ] || meson setup build-release --buildtype=release -Db_ndebug=true -Dtests=false >/dev/null
meson compile -C build-release hradba >/dev/null
hradba=build-release/src/cli/hradba
mkdir -p bench/out
values=bench/out/workload-values.txt
intel=bench/out/intel-$count.json
if [ ! -f "$values" ]; then
  # 50 values of each kind seen in the workload: destination addresses,
  # names (DNS, SNI, HTTP host), JA3 hashes and file SHA-256s.
  "$hradba" read -q --no-intel-store "$wl" | python3 -c '
import json, random, sys
vals = {"ipv4": set(), "domain": set(), "ja3": set(), "sha256": set()}
for line in sys.stdin:
    e = json.loads(line); t = e["event_type"]
    if t == "flow" and ":" not in e["dest_ip"]: vals["ipv4"].add(e["dest_ip"])
    if t == "dns" and e["dns"].get("rrname"): vals["domain"].add(e["dns"]["rrname"])
    if t == "tls" and e["tls"].get("sni"): vals["domain"].add(e["tls"]["sni"])
    if t == "tls" and e["tls"].get("ja3"): vals["ja3"].add(e["tls"]["ja3"]["hash"])
    if t == "http" and e["http"].get("hostname"): vals["domain"].add(e["http"]["hostname"])
    if t == "fileinfo" and e["fileinfo"].get("sha256"): vals["sha256"].add(e["fileinfo"]["sha256"])
rng = random.Random(7)
for k, v in vals.items():
    v = sorted(v); rng.shuffle(v)
    for x in v[:50]: print(k, x)
' > "$values"
fi
[ -f "$intel" ] || python3 bench/gen_intel.py "$count" "$intel" --values "$values"
cat "$wl" >/dev/null

secs() { grep -o ' in [0-9.]* s' | tail -1 | tr -dc '0-9.'; }
best_none=999; best_intel=999; load=
for _ in $(seq "$reps"); do
  t=$(taskset -c "$cpu" "$hradba" read --no-intel-store -o /dev/null "$wl" 2>&1 | secs)
  best_none=$(python3 -c "print(min($best_none, $t))")
  out=$(taskset -c "$cpu" "$hradba" read --no-intel-store --intel "$intel" -o /dev/null "$wl" 2>&1)
  t=$(echo "$out" | secs)
  best_intel=$(python3 -c "print(min($best_intel, $t))")
  load=$(echo "$out" | grep -o 'loaded in [0-9.]* s' | tr -dc '0-9.')
  alerts=$(echo "$out" | grep -o '[0-9]* alerts' | tr -dc '0-9')
done
pkts=$(capinfos -M -c "$wl" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
python3 - "$pkts" "$best_none" "$best_intel" "$count" "$load" "$alerts" <<'PY'
import sys
pkts, none, intel, count, load, alerts = sys.argv[1:]
pkts, none, intel = int(pkts), float(none), float(intel)
print("| indicators | read time (best) | packets/s | slowdown | intel load | alerts |")
print("|---|---|---|---|---|---|")
print("| none | %.2f s | %.0f | — | — | 0 |" % (none, pkts / none))
print("| %s | %.2f s | %.0f | %+.1f%% | %s s | %s |" % (
    format(int(count), ","), intel, pkts / intel, 100 * (intel / none - 1), load, alerts))
PY
