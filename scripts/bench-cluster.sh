#!/usr/bin/env bash
# The record pipelines locally vs on a 2-executor Ballista cluster on this one machine (the
# cluster's overhead), in one session:
#   ./scripts/bench-cluster.sh [PATENTS] [PAPERS] [ROUNDS]   (defaults 500000 1000000 3)
# Builds gihi with the `cluster` feature, writes a SYNTHETIC Parquet corpus, starts a
# scheduler and two executors (one task each) on 127.0.0.1, checks that the cluster's outputs
# equal the local run's byte for byte (summary timings aside), then runs `gihi records all`
# locally (--threads 2) and on the cluster alternately ROUNDS times and prints the medians.
# Stops what it started by process id. Results go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
patents="${1:-500000}"
papers="${2:-1000000}"
rounds="${3:-3}"
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "CPU: $cpu; $(nproc) cores"
cargo build --release --locked --bin gihi --features cluster
gihi=target/release/gihi
corpus="target/bench/cluster-${patents}-${papers}-synthetic"
if [ ! -f "$corpus/manifest.json" ]; then
  mkdir -p target/bench
  $gihi records synth --patents "$patents" --papers "$papers" --seed 2024 --out "$corpus"
fi
work="$(mktemp -d target/bench/cluster-run-XXXXXX)"
pids=()
stop() { for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$work"; }
trap stop EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
sport="$(free_port)"
$gihi cluster scheduler --bind "127.0.0.1:$sport" 2>"$work/scheduler.log" & pids+=($!)
sleep 1
for i in 1 2; do
  $gihi cluster executor --scheduler "127.0.0.1:$sport" --bind "127.0.0.1:$(free_port)" \
    --concurrent-tasks 1 --memory-mib 4096 2>"$work/executor-$i.log" & pids+=($!)
done
sleep 3
url="df://127.0.0.1:$sport"

run() { # run NAME [--cluster URL]: seconds of one `records all`
  local out="$work/$1-synthetic"; shift
  rm -rf "$out"
  local t0 t1
  t0=$(date +%s.%N)
  $gihi records all --records "$corpus" --out "$out" --threads 2 --memory-mib 4096 "$@" >/dev/null 2>"$work/last.log" \
    || { cat "$work/last.log" >&2; exit 1; }
  t1=$(date +%s.%N)
  python3 -c "print(f'{$t1-$t0:.2f}')"
}

# Same outputs first.
run check-local >/dev/null
run check-cluster --cluster "$url" >/dev/null
python3 - "$work/check-local-synthetic" "$work/check-cluster-synthetic" <<'PY'
import json, os, sys
def strip(v):
    if isinstance(v, dict):
        return {k: strip(x) for k, x in v.items() if k not in ("engine", "stage_seconds", "seconds", "created", "command", "out")}
    if isinstance(v, list):
        return [strip(x) for x in v if not (isinstance(x, dict) and x.get("path") == "summary.json")]
    return v
def files(root):
    out = {}
    for d, _, fs in os.walk(root):
        for f in fs:
            p = os.path.join(d, f)
            b = open(p, "rb").read()
            out[os.path.relpath(p, root)] = strip(json.loads(b)) if f.endswith(".json") else b
    return out
a, b = files(sys.argv[1]), files(sys.argv[2])
assert a.keys() == b.keys(), (sorted(a), sorted(b))
bad = [k for k in a if a[k] != b[k]]
assert not bad, f"differ: {bad}"
print(f"outputs identical: {len(a)} files")
PY

local_t=(); cluster_t=()
for r in $(seq "$rounds"); do
  local_t+=("$(run local)")
  cluster_t+=("$(run cluster --cluster "$url")")
  echo "round $r: local ${local_t[-1]} s, cluster ${cluster_t[-1]} s"
done
python3 - "${local_t[*]}" "${cluster_t[*]}" <<'PY'
import statistics, sys
l = [float(x) for x in sys.argv[1].split()]
c = [float(x) for x in sys.argv[2].split()]
ml, mc = statistics.median(l), statistics.median(c)
print(f"median local {ml:.2f} s, median 2-executor cluster {mc:.2f} s, cluster/local {mc/ml:.2f}")
PY
