#!/usr/bin/env bash
# The main job: ./scripts/main.sh
# Builds the bilingual GIHI 2024 report from the published edition shipped in
# data/editions/2024 into ./gihi-report/: index.html (open it in a browser; works offline),
# report-zh.pdf and report-en.pdf (A4, printed by headless Chromium), report.xlsx,
# tables/*.csv and figures/*.svg. Installs Debian's chromium, fonts-wqy-zenhei and
# fonts-noto-cjk if missing (for the PDFs).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1 || ! fc-list 2>/dev/null | grep -qi 'WenQuanYi Zen Hei'; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-noto-cjk fonts-wqy-zenhei >/dev/null
fi
# The report needs no record pipeline: building without them (and DataFusion) saves ~25 min.
cargo build --release --locked --bin gihi --no-default-features
target/release/gihi report --pdf --out gihi-report
echo "Open gihi-report/index.html (or gihi-report/report-zh.pdf, report-en.pdf)"
