#!/usr/bin/env bash
# The main job: ./scripts/main.sh
# Until the report builder lands (issue 5), it scores a SYNTHETIC example end to end:
# writes out/gihi-synthetic-seed2024.csv and out/scores-synthetic/ (scores.csv,
# indicators.csv, manifest.json). The data are invented; every output path says so.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked --bin gihi
gihi=target/release/gihi
mkdir -p out
"$gihi" synth --seed 2024 --out out/gihi-synthetic-seed2024.csv
"$gihi" compute --data out/gihi-synthetic-seed2024.csv --out out/scores-synthetic
echo "Open out/scores-synthetic/scores.csv (SYNTHETIC example, not real GIHI results)."
