#!/usr/bin/env bash
# deps.sh [build|test|fuzz|bench]... — installs the Debian 12 packages hradba
# needs for the given jobs, if any are missing (needs root for apt-get).
set -euo pipefail
declare -A pkgs=(
  [build]="gcc meson ninja-build pkg-config libpcap-dev libjansson-dev libssl-dev libpcre2-dev libsqlite3-dev publicsuffix"
  [test]="libcmocka-dev tshark python3"
  [fuzz]="clang libclang-rt-14-dev"
  [lint]="clang-format"
  [bench]="tcpdump libndpi-bin tshark wireshark-common tcpreplay time"
)
want=()
for job in "${@:-build}"; do
  [ -n "${pkgs[$job]:-}" ] || { echo "deps.sh: unknown job '$job' (build test fuzz lint bench)" >&2; exit 2; }
  [ "$job" = build ] || want+=(${pkgs[build]})
  want+=(${pkgs[$job]})
done
missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "deps.sh: run as root, or: sudo apt-get install ${missing[*]}" >&2
  exit 2
fi
echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >&2
apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
