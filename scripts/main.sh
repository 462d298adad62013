#!/usr/bin/env bash
# The main job: ./scripts/main.sh
# Builds the bilingual GIHI 2024 report from the published edition shipped in
# data/editions/2024 into ./gihi-report/: index.html (open it in a browser; works offline),
# report.xlsx, tables/*.csv and figures/*.svg.
set -euo pipefail
cd "$(dirname "$0")/.."
# The report needs no record pipeline: building without them (and DataFusion) saves ~25 min.
cargo build --release --locked --bin gihi --no-default-features
target/release/gihi report --out gihi-report
echo "Open gihi-report/index.html"
