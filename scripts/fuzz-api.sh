#!/usr/bin/env bash
# Property-based fuzzing of the explorer's API against its own OpenAPI document:
#   ./scripts/fuzz-api.sh GIHI_BINARY RUN_DIR
# Starts `gihi serve` twice on 127.0.0.1 (the published edition, and the computed run RUN_DIR
# where what-if and target answer), runs schemathesis with a bounded number of examples per
# operation and a fixed seed, and stops both servers by process id. Fails on any 5xx, any
# response that does not match its schema, status code or content type.
set -euo pipefail
gihi=$1
run=$2
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT
# Each server writes its address to its log; the port is chosen by the system.
"$gihi" serve --bind 127.0.0.1:0 >/dev/null 2>"$work/edition.log" &
pids+=($!)
"$gihi" serve --results "$run" --bind 127.0.0.1:0 >/dev/null 2>"$work/run.log" &
pids+=($!)
address() { # LOG: the base URL the server wrote, once it listens
  for _ in $(seq 100); do
    grep -o 'http://127\.0\.0\.1:[0-9]*' "$1" && return
    sleep 0.1
  done
  echo "gihi serve did not start:" >&2; cat "$1" >&2; exit 1
}
edition=$(address "$work/edition.log")
computed=$(address "$work/run.log")
cd "$work"   # schemathesis keeps a .schemathesis/ cache in its working directory
for url in "$edition" "$computed"; do
  echo "schemathesis on $url"
  schemathesis run "$url/api/v1/openapi.json" --max-examples 40 --seed 1 --workers 1 \
    --phases examples,coverage,fuzzing --request-timeout 10 --no-color \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --warnings off
done
