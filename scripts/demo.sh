#!/usr/bin/env bash
# demo.sh — installs what is missing, builds hradba and reads the bundled
# real capture (tests/data/malware.pcap, see tests/data/ATTRIBUTION.tsv),
# printing its EVE events, with alerts from a small demo indicator bundle
# (tests/data/demo-intel.json). Extra arguments go to `hradba read`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh build
[ -d build ] || meson setup build -Dtests=false >/dev/null
meson compile -C build hradba >/dev/null
exec ./build/src/cli/hradba read --intel tests/data/demo-intel.json "$@" tests/data/malware.pcap
