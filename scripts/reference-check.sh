#!/usr/bin/env bash
# Scores fresh SYNTHETIC tables with gihi and with reference/appendix3.py (numpy) and
# compares every score (1e-9) and rank (exact). Usage: scripts/reference-check.sh GIHI_BINARY
set -euo pipefail
gihi="$1"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
passed=0; failed=0
for seed in 101 102 103 104 105; do
  data="$work/check-synthetic-$seed.csv"
  "$gihi" synth --seed "$seed" --out "$data" 2>/dev/null
  "$gihi" compute --data "$data" --out "$work/out-synthetic-$seed" 2>/dev/null
  if python3 reference/appendix3.py "$data" --compare "$work/out-synthetic-$seed/scores.csv"; then
    passed=$((passed + 1)); else failed=$((failed + 1)); fi
done
echo "reference: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
