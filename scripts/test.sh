#!/usr/bin/env bash
# The whole test suite, as a new user (and CI) runs it: ./scripts/test.sh
# Installs what it needs when missing: cargo-nextest, Python numpy (for the reference check).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

step() { printf '\n== %s\n' "$*"; }

step "tools"
if ! cargo nextest --version >/dev/null 2>&1; then
  cargo install cargo-nextest --locked
fi
if ! python3 -c 'import numpy' >/dev/null 2>&1; then
  python3 -m pip install --quiet numpy
fi

step "format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

step "unit, property, golden and end-to-end tests"
cargo nextest run --workspace --locked --no-fail-fast

step "cross-check against the independent numpy reference on fresh synthetic seeds"
cargo build --locked --bin gihi
./scripts/reference-check.sh target/debug/gihi
