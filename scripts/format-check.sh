#!/usr/bin/env bash
# format-check.sh [--fix] — every C file must match .clang-format (clang-format 14).
# Ends with "1 passed, 0 failed" or "0 passed, 1 failed" (one check over all files).
set -uo pipefail
cd "$(dirname "$0")/.."
command -v clang-format >/dev/null || bash scripts/deps.sh lint || exit 2
mapfile -t files < <(git ls-files '*.c' '*.h')
bad=0
for f in "${files[@]}"; do
  if [ "${1:-}" = --fix ]; then clang-format -i "$f"; fi
  if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
    echo "format: $f differs from .clang-format (run scripts/format-check.sh --fix)"
    bad=$((bad + 1))
  fi
done
if [ $bad -eq 0 ]; then echo "1 passed, 0 failed"; else echo "0 passed, 1 failed"; fi
[ $bad -eq 0 ]
