#!/usr/bin/env bash
# Benchmark of the patent pipeline (`gihi records patents`) against DuckDB and pandas
# baselines (reference/bench_records.py), in one session:
#   ./scripts/bench-records.sh [PATENTS] [ROUNDS]   (defaults 2000000 and 3)
# Records the CPU, writes a SYNTHETIC Parquet corpus (about 2.5 IPC rows and 3.5 party rows
# per publication), checks that the three give identical I09, I10 and I18 for every metro and
# field, then runs them alternately ROUNDS times and prints the medians and the ratios.
# Results go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
patents="${1:-2000000}"
rounds="${2:-3}"
python3 -c 'import duckdb, pandas, pyarrow' 2>/dev/null || python3 -m pip install --quiet duckdb pandas pyarrow
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "CPU: $cpu; $(nproc) cores; $(python3 -c 'import duckdb, pandas; print("duckdb", duckdb.__version__, "pandas", pandas.__version__)')"
cargo build --release --locked --bin gihi
corpus="target/bench/records-${patents}-synthetic"
if [ ! -f "$corpus/manifest.json" ]; then
  mkdir -p target/bench
  target/release/gihi records synth --patents "$patents" --seed 2024 --out "$corpus"
fi
python3 reference/bench_records.py "$corpus" --gihi target/release/gihi --reps "$rounds" --threads "$(nproc)"
