#!/usr/bin/env bash
# bench/detect_read.sh [WORKLOAD.pcap] — the cost of the behaviour detectors:
# `hradba read` on one core with every detector against --no-detectors, in
# one run, alternating REPS times (default 5) and keeping the best of each;
# then the alerts each detector raised on the workload (the numbers behind
# the default thresholds in docs/detectors.md).
set -euo pipefail
cd "$(dirname "$0")/.."
reps=${REPS:-5}
cpu=${CPU:-0}
wl=${1:-bench/out/workload.pcap}
[ -f "$wl" ] || bash ../shared/tools/make-workload "$wl" 12 >&2
[ -d build-release ] || meson setup build-release --buildtype=release -Db_ndebug=true -Dtests=false >/dev/null
meson compile -C build-release hradba >/dev/null
hradba=build-release/src/cli/hradba
mkdir -p bench/out
cat "$wl" >/dev/null

secs() { grep -o ' in [0-9.]* s' | tail -1 | tr -dc '0-9.'; }
best_off=999; best_on=999
for _ in $(seq "$reps"); do
  t=$(taskset -c "$cpu" "$hradba" read --no-intel-store --no-detectors -o /dev/null "$wl" 2>&1 | secs)
  best_off=$(python3 -c "print(min($best_off, $t))")
  t=$(taskset -c "$cpu" "$hradba" read --no-intel-store -o /dev/null "$wl" 2>&1 | secs)
  best_on=$(python3 -c "print(min($best_on, $t))")
done
# The alerts, from one more run that keeps its events.
rm -f bench/out/detect-events.json # -o appends, as Suricata's eve.json
"$hradba" read -q --no-intel-store -o bench/out/detect-events.json \
  --stats bench/out/detect-stats.json "$wl"
pkts=$(capinfos -M -c "$wl" | awk -F: '/Number of packets/ {gsub(/ /,"",$2); print $2}')
python3 - "$pkts" "$best_off" "$best_on" bench/out/detect-events.json <<'PY'
import collections, json, sys
pkts, off, on, events = int(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
print("| detectors | read time (best) | packets/s | cost |")
print("|---|---|---|---|")
print("| off (`--no-detectors`) | %.2f s | %.0f | — |" % (off, pkts / off))
print("| all | %.2f s | %.0f | %+.1f%% |" % (on, pkts / on, 100 * (on / off - 1)))
per = collections.Counter()
sigs = collections.Counter()
with open(events) as f:
    for line in f:
        if '"gid":9001' not in line:
            continue
        e = json.loads(line)
        per[e["behaviour"]["detector"]] += 1
        sigs[e["alert"]["signature_id"]] += 1
print()
print("| detector | alerts on the workload |")
print("|---|---|")
for d in ["beacon", "dns_tunnel", "exfil", "rare", "long_conn", "lateral", "host_model"]:
    print("| %s | %d |" % (d, per[d]))
PY
