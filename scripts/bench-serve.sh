#!/usr/bin/env bash
# Load test of the explorer (`gihi serve`) on loopback: ./scripts/bench-serve.sh
# Bounded: 200 concurrent connections for 30 s per mix (read, mixed), then one connection
# for 10 s of what-if requests alone (the latency of one what-if change). wrk and the server
# share the machine's cores; the server is started and stopped here by its process id.
# Needs wrk (Debian package; installed if missing). Results go to BENCHMARKS.md by hand.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v wrk >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq wrk >/dev/null
fi
cargo build --release --locked --bin gihi --no-default-features
gihi=target/release/gihi
work=$(mktemp -d)
server=""
cleanup() { [ -n "$server" ] && kill -TERM "$server" 2>/dev/null && wait "$server" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
$gihi compute --data reference/fixtures/synthetic-seed1.csv --out "$work/run-synthetic" 2>/dev/null
port=${PORT:-18473}
$gihi serve --results "$work/run-synthetic" --bind "127.0.0.1:$port" 2>"$work/serve.log" &
server=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/api/v1/meta" >/dev/null && break; sleep 0.1; done
echo "CPU: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs), $(nproc) cores"
for mix in read mixed; do
  echo "== $mix: 200 connections, 2 threads, 30 s"
  wrk -t2 -c200 -d30s --timeout 5s --latency -s scripts/bench-serve.lua "http://127.0.0.1:$port" -- "$mix"
done
echo "== whatif: 1 connection, 10 s (one change at a time, as a reader moves a slider)"
wrk -t1 -c1 -d10s --latency -s scripts/bench-serve.lua "http://127.0.0.1:$port" -- whatif
