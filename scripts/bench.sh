#!/usr/bin/env bash
# Benchmark of the uncertainty engine against the strongest numpy baseline we could write
# (reference/bench_numpy.py), in one session:
#   ./scripts/bench.sh [REPS] [ROUNDS]   (defaults 100000 and 7)
# Records the CPU (model, SIMD flags, cores), then runs gihi and numpy alternately ROUNDS
# times each on the same synthetic table and prints the median, minimum and maximum
# replications per second of each, the ratio of medians, and gihi's what-if time. Then, end to
# end, the commands as a user runs them, alternating ROUNDS times each: `gihi uncertainty
# --vary weights` and the numpy baseline with `--out` (both groups, intervals written), wall
# time from process start to exit; the ratio of median wall times. numpy runs
# with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset (they slow a current numpy on this
# machine kind; see the environment notes) and on every core. Results go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
reps="${1:-100000}"
rounds="${2:-7}"
python3 -c 'import numpy, threadpoolctl' 2>/dev/null || python3 -m pip install --quiet numpy threadpoolctl
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
flags="$(grep -m1 '^flags' /proc/cpuinfo | tr ' ' '\n' | grep -E '^(avx2|avx512f|avx512vl|avx512bw|avx512_vbmi2|fma)$' | tr '\n' ' ')"
echo "CPU: $cpu; $(nproc) cores; SIMD: $flags"
cargo build --release --locked --bin gihi
mkdir -p target/bench
data=target/bench/bench-synthetic-seed2024.csv
target/release/gihi synth --seed 2024 --out "$data" 2>/dev/null
: > target/bench/runs.jsonl
for _ in $(seq "$rounds"); do
  target/release/gihi bench --reps "$reps" --seed 2024 >> target/bench/runs.jsonl
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 reference/bench_numpy.py "$data" --reps "$reps" >> target/bench/runs.jsonl
done
python3 - target/bench/runs.jsonl <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
out = {}
for tool in ("gihi", "numpy"):
    r = sorted(x["replications_per_second"] for x in runs if x["tool"] == tool)
    out[tool] = statistics.median(r)
    print(f"{tool:6s} median {statistics.median(r):>9.0f}  min {r[0]:>9.0f}  max {r[-1]:>9.0f} replications/s over {len(r)} runs")
numpy_run = next(x for x in runs if x["tool"] == "numpy")
print(f"numpy: {numpy_run['workers']} worker processes, blocks of {numpy_run['block']}; BLAS {numpy_run.get('blas')}")
w = sorted(x["whatif_median_microseconds"] for x in runs if x["tool"] == "gihi")
print(f"gihi what-if (one city's value changed, every score and rank recomputed): median {statistics.median(w):.0f} microseconds")
checks = {x["check_median_rank_of_first_city"] for x in runs}
print(f"same output check (median composite rank of the first city): {sorted(checks)}")
print(f"speed ratio of medians gihi/numpy: {out['gihi'] / out['numpy']:.1f}x "
      f"({runs[0]['threads']} threads for gihi; {runs[0]['replications']} replications, {runs[0]['cities']} cities x {runs[0]['indicators']} indicators)")
PY
# End to end: wall time of each command, process start to exit (bash's clock, no extra process).
: > target/bench/e2e.jsonl
for i in $(seq "$rounds"); do
  out="target/bench/e2e-synthetic-gihi-$i"
  rm -rf "$out"
  t0=$EPOCHREALTIME
  target/release/gihi uncertainty --data "$data" --runs "$reps" --vary weights --out "$out" 2>/dev/null
  t1=$EPOCHREALTIME
  echo "{\"tool\": \"gihi\", \"seconds\": $(python3 -c "print($t1 - $t0)")}" >> target/bench/e2e.jsonl
  rm -rf "$out"
  csv="target/bench/e2e-synthetic-numpy-$i.csv"
  t0=$EPOCHREALTIME
  env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE python3 reference/bench_numpy.py "$data" --reps "$reps" --out "$csv" > /dev/null
  t1=$EPOCHREALTIME
  echo "{\"tool\": \"numpy\", \"seconds\": $(python3 -c "print($t1 - $t0)")}" >> target/bench/e2e.jsonl
  rm -f "$csv"
done
python3 - target/bench/e2e.jsonl "$reps" <<'PY'
import json, statistics, sys
runs = [json.loads(l) for l in open(sys.argv[1])]
med = {}
for tool in ("gihi", "numpy"):
    s = sorted(x["seconds"] for x in runs if x["tool"] == tool)
    med[tool] = statistics.median(s)
    print(f"end to end {tool:6s} median {med[tool]:.3f} s  min {s[0]:.3f}  max {s[-1]:.3f} over {len(s)} runs "
          f"(main group and mini-hubs, {sys.argv[2]} replications each, intervals written)")
print(f"end-to-end ratio of median wall times numpy/gihi: {med['numpy'] / med['gihi']:.1f}x")
PY
