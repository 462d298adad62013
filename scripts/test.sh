#!/usr/bin/env bash
# The whole test suite, as a new user (and CI) runs it: ./scripts/test.sh
# Installs what it needs when missing: cargo-nextest, Python's numpy, networkx and scipy
# (reference checks), schemathesis (API fuzzing),
# Debian's chromium, fonts-noto-cjk, fonts-wqy-zenhei and poppler-utils (browser and PDF
# checks), playwright-core from npm.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "tools"
if ! cargo nextest --version >/dev/null 2>&1; then
  cargo install cargo-nextest --locked
fi
if ! python3 -c 'import numpy, networkx, scipy' >/dev/null 2>&1; then
  python3 -m pip install --quiet numpy networkx scipy
fi
if ! command -v schemathesis >/dev/null 2>&1; then
  python3 -m pip install --quiet schemathesis
fi
if ! command -v chromium >/dev/null 2>&1 || ! command -v pdffonts >/dev/null 2>&1 \
  || ! fc-list 2>/dev/null | grep -qi 'Noto Sans CJK' || ! fc-list 2>/dev/null | grep -qi 'WenQuanYi Zen Hei'; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-zenhei poppler-utils >/dev/null
fi
if [ ! -d tests/browser/node_modules/playwright-core ]; then
  (cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
fi

step "format and lints"
cargo fmt --all --check
# One feature set for every step (the record pipelines' cluster included), so that DataFusion
# and Ballista are built once per profile.
cargo clippy --workspace --all-targets --locked --features gihi/cluster -- -D warnings

step "unit, property, golden and end-to-end tests"
cargo nextest run --workspace --locked --no-fail-fast --features gihi/cluster

step "cross-check against the independent numpy reference on fresh synthetic seeds"
# target/debug/gihi is the binary the tests above built (with the workspace's features): a
# separate `cargo build --bin gihi` would resolve features differently and build DataFusion
# a third time (measured: 7 min 46 s of a 26 min 35 s run).
test -x target/debug/gihi
./scripts/reference-check.sh target/debug/gihi

step "the explorer's API fuzzed against its OpenAPI document (schemathesis)"
work=target/browser
rm -rf "$work" && mkdir -p "$work"
target/debug/gihi compute --data reference/fixtures/synthetic-seed1.csv --out "$work/run-synthetic"
./scripts/fuzz-api.sh target/debug/gihi "$work/run-synthetic"

step "the report and the explorer in headless Chromium"
target/debug/gihi report --pdf --out "$work/report"
target/debug/gihi report --pdf --results "$work/run-synthetic" --out "$work/report-synthetic"
target/debug/gihi records synth --patents 20000 --papers 60000 --seed 7 --out "$work/records-synthetic"
target/debug/gihi records all --records "$work/records-synthetic" --out "$work/records-out-synthetic"
target/debug/gihi report --results "$work/run-synthetic" --records "$work/records-out-synthetic" \
  --out "$work/report-records-synthetic"
(cd tests/browser && REPORT_DIR="../../$work/report" SYNTHETIC_REPORT_DIR="../../$work/report-synthetic" \
  RECORDS_REPORT_DIR="../../$work/report-records-synthetic" SCREENSHOT_DIR="../../$work" \
  GIHI_BIN="../../target/debug/gihi" RUN_DIR="../../$work/run-synthetic" \
  RECORDS_DIR="../../$work/records-out-synthetic" node --test)
echo "screenshots: $work/report-zh.png $work/report-en.png $work/report-synthetic.png $work/report-records-papers-en.png $work/explorer-*.png; PDF pages: $work/report-zh-pdf-page-*.png $work/report-en-pdf-page-*.png"
