#!/usr/bin/env bash
# Benchmark of the paper pipeline (`gihi records papers`) against DuckDB and pandas +
# networkx baselines (reference/bench_papers.py), in one session:
#   ./scripts/bench-papers.sh [PAPERS] [ROUNDS]   (defaults 2000000 and 3)
# Records the CPU, writes a SYNTHETIC Parquet corpus (about 3.4 authorship rows per paper,
# grouped by paper as exports deliver them), checks that the three give identical
# co-authorship matrices for 2000-2023 and I17 to 1e-9 (and I01, I07, I08 against DuckDB),
# then runs them alternately ROUNDS times and prints the medians and the ratios.
# Results go in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
papers="${1:-2000000}"
rounds="${2:-3}"
python3 -c 'import duckdb, pandas, pyarrow, networkx, scipy' 2>/dev/null || python3 -m pip install --quiet duckdb pandas pyarrow networkx scipy
cpu="$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "CPU: $cpu; $(nproc) cores; $(python3 -c 'import duckdb, pandas, networkx; print("duckdb", duckdb.__version__, "pandas", pandas.__version__, "networkx", networkx.__version__)')"
cargo build --release --locked --bin gihi
corpus="target/bench/papers-${papers}-synthetic"
if [ ! -f "$corpus/manifest.json" ]; then
  mkdir -p target/bench
  target/release/gihi records synth --papers "$papers" --seed 2024 --out "$corpus"
fi
python3 reference/bench_papers.py "$corpus" --gihi target/release/gihi --reps "$rounds" --threads "$(nproc)"
