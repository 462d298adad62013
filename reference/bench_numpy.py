#!/usr/bin/env python3
"""The strongest numpy baseline we could write for `gihi bench` / `gihi uncertainty --vary weights`.

Weight-perturbation Monte Carlo on the main group, the same work per replication as gihi:
z-scores once (population sd); per replication every node weight (3 pillars, 12 sub-pillars,
30 indicators) times a factor uniform on 1 +- 0.25, renormalised within its parent; the three
pillar scores and the composite (their sum); each city's rank at the four levels; and the
median, 5th and 95th percentile rank of every city at every level (linear interpolation,
numpy's default).

How it is made fast (each measured; see BENCHMARKS.md):
- blocks of replications (default 5,000: measured fastest here, the block stays in cache),
  everything vectorised over the block;
- scores by BLAS: for each pillar, (block x its indicators) @ (its indicators x cities) gives a
  contiguous block x cities matrix; the composite is the sum of the pillars (no fourth product);
- ranks without inverting permutations: one argsort per level along the contiguous city axis
  gives, for every replication, the city at each rank; a per-level histogram
  counts[city, rank] is accumulated with one np.bincount of city * n + rank;
- quantiles read off the cumulative histogram (the same linear interpolation as np.percentile
  on all the ranks, without storing them);
- both cores: `--workers` processes (default: the CPU count), each with its own random stream,
  histograms summed.
Random numbers come from numpy's PCG64 rather than a Sobol sequence: the work per replication
is the same, so intervals agree with gihi's statistically, not digit for digit.
`--check-against FILE` compares the intervals with gihi's rank_intervals.csv (same data).

End to end (`--out FILE`): the same work as `gihi uncertainty --vary weights` as a user runs
it, for timing the whole command: both city groups (the main group and the mini-hubs, each
ranked within itself, as gihi does), every group's replications in one pool of workers, and
the intervals written as CSV (gihi's columns). The JSON line's timings still cover the main
group's replications only when `--out` is absent.

  python3 reference/bench_numpy.py DATA.csv --reps 100000
  python3 reference/bench_numpy.py DATA.csv --reps 100000 --out intervals.csv
"""
import argparse
import csv
import json
import os
import time
import tomllib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def load(data, group="main"):
    reg = tomllib.load(open(ROOT / "data/editions/2024/cities.toml", "rb"))
    fw = tomllib.load(open(ROOT / "data/editions/2024/framework.toml", "rb"))
    main_ids = [c["id"] for c in reg["city"] if c["group"] == group]
    lines = [l for l in Path(data).read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    rows = {l.split(",")[0]: [float(v) for v in l.split(",")[1:]] for l in lines[1:]}
    ids = [c for c in main_ids if c in rows]
    x = np.array([rows[c] for c in ids])
    sd = x.std(axis=0)
    # A constant column (as one of the mini-hubs' synthetic indicators) scores 0, as in gihi.
    z = np.where(sd > 0, (x - x.mean(axis=0)) / np.where(sd > 0, sd, 1.0), 0.0)
    pw, sw, iw, sub_of, pil_of_sub = [], [], [], [], []
    for p in fw["pillar"]:
        pw.append(p["weight"])
        for s in p["subpillar"]:
            pil_of_sub.append(len(pw) - 1)
            sw.append(s["weight"])
            for _ in s["indicator"]:
                sub_of.append(len(sw) - 1)
                iw.append(1.0 / len(s["indicator"]))
    return ids, z, np.array(pw), np.array(sw), np.array(iw), np.array(sub_of), np.array(pil_of_sub)


def histograms(args):
    """Rank histograms (levels x n x n) of `reps` replications with random stream `seed`."""
    data, group, reps, block, seed, blas_threads = args
    try:
        from threadpoolctl import threadpool_limits
        threadpool_limits(blas_threads)
    except ImportError:
        pass
    _, z, pw, sw, iw, sub_of, pil_of_sub = load(data, group)
    n, m = z.shape
    pil_of_ind = pil_of_sub[sub_of]
    pillars = [np.flatnonzero(pil_of_ind == p) for p in range(len(pw))]
    zt = [np.ascontiguousarray(z[:, idx].T) for idx in pillars]   # per pillar: its indicators x n
    sub_sums = np.zeros(len(sw))
    rng = np.random.default_rng(seed)
    levels = 1 + len(pw)
    counts = np.zeros((levels, n * n), dtype=np.int64)
    rank_index = np.arange(n)
    done = 0
    while done < reps:
        r = min(block, reps - done)
        fp = pw * rng.uniform(0.75, 1.25, (r, len(pw)))
        fs = sw * rng.uniform(0.75, 1.25, (r, len(sw)))
        fi = iw * rng.uniform(0.75, 1.25, (r, m))
        fp /= fp.sum(axis=1, keepdims=True)
        s_tot = np.zeros((r, len(pw)))
        np.add.at(s_tot.T, pil_of_sub, fs.T)
        fs /= s_tot[:, pil_of_sub]
        i_tot = np.zeros((r, len(sw)))
        np.add.at(i_tot.T, sub_of, fi.T)
        fi /= i_tot[:, sub_of]
        w = fi * fs[:, sub_of] * fp[:, pil_of_ind]                 # r x m effective weights
        composite = np.zeros((r, n))
        for p, idx in enumerate(pillars):
            s = w[:, idx] @ zt[p]                                   # r x n, contiguous by city
            composite += s
            order = np.argsort(-s, axis=1)                          # city at each rank
            counts[1 + p] += np.bincount((order * n + rank_index).ravel(), minlength=n * n)
        order = np.argsort(-composite, axis=1)
        counts[0] += np.bincount((order * n + rank_index).ravel(), minlength=n * n)
        done += r
    del sub_sums
    return counts


def quantile(cum, total, q):
    """numpy's linear percentile of a rank sample given by its cumulative histogram."""
    pos = q * (total - 1)
    lo = int(np.floor(pos))
    hi = min(lo + 1, total - 1)
    r_lo = int(np.searchsorted(cum, lo, side="right")) + 1
    r_hi = int(np.searchsorted(cum, hi, side="right")) + 1
    return r_lo + (r_hi - r_lo) * (pos - lo)


def intervals(counts, reps):
    """p05, median and p95 rank of every city at every level from summed histograms."""
    levels, n, _ = counts.shape
    stats = np.zeros((levels, n, 3))
    for l in range(levels):
        for c in range(n):
            cum = np.cumsum(counts[l, c])
            stats[l, c] = [quantile(cum, reps, q) for q in (0.05, 0.5, 0.95)]
    return stats


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--reps", type=int, default=100000)
    ap.add_argument("--block", type=int, default=5000)
    ap.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--check-against", help="gihi's rank_intervals.csv of the same data")
    ap.add_argument("--out", help="end to end: both groups, intervals written to this CSV")
    a = ap.parse_args()
    groups = ["main", "mini"] if a.out else ["main"]
    loaded = {g: load(a.data, g) for g in groups}
    start = time.perf_counter()
    shares = [a.reps // a.workers + (1 if k < a.reps % a.workers else 0) for k in range(a.workers)]
    # With several workers each runs single-threaded BLAS (the cores are the workers').
    blas_threads = 1 if a.workers > 1 else (os.cpu_count() or 1)
    jobs = [(a.data, g, s, a.block, 1000 + k, blas_threads)
            for g in groups for k, s in enumerate(shares) if s > 0 and loaded[g][0]]
    if len(jobs) == 1:
        parts = [histograms(jobs[0])]
    else:
        with ProcessPoolExecutor(min(len(jobs), a.workers)) as ex:
            parts = list(ex.map(histograms, jobs))
    stats = {}
    for g in groups:
        ids, _, pw, *_ = loaded[g]
        if not ids:
            continue
        levels, n = 1 + len(pw), len(ids)
        counts = sum(p for p, j in zip(parts, jobs) if j[1] == g).reshape(levels, n, n)
        stats[g] = intervals(counts, a.reps)
    if a.out:
        names = ["composite", "A", "B", "C"]
        with open(a.out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f)
            w.writerow(["city", "group", "level", "node", "median_rank", "p05", "p95"])
            for g, st in stats.items():
                for l, node in enumerate(names):
                    for c, city in enumerate(loaded[g][0]):
                        w.writerow([city, g, "composite" if l == 0 else "pillar", node,
                                    st[l, c, 1], st[l, c, 0], st[l, c, 2]])
    secs = time.perf_counter() - start
    ids, z, pw, *_ = loaded["main"]
    main_stats = stats["main"]
    out = {"tool": "numpy", "numpy": np.__version__, "workers": min(len(jobs), a.workers), "blas_threads_per_worker": blas_threads, "block": a.block, "cities": len(ids),
           "indicators": z.shape[1], "groups": groups, "replications": a.reps, "seconds": round(secs, 4),
           "replications_per_second": round(a.reps / secs),
           "check_median_rank_of_first_city": float(main_stats[0][0][1])}
    try:
        from threadpoolctl import threadpool_info
        out["blas"] = [f"{i.get('internal_api')} {i.get('version')} {i.get('architecture')} threads={i.get('num_threads')}" for i in threadpool_info()]
    except ImportError:
        pass
    if a.check_against:
        names = ["composite", "A", "B", "C"]
        worst = 0.0
        for r in csv.DictReader(l for l in open(a.check_against, encoding="utf-8") if not l.startswith("#")):
            if r["group"] not in stats:
                continue
            g_ids = loaded[r["group"]][0]
            l, c = names.index(r["node"] if r["level"] != "composite" else "composite"), g_ids.index(r["city"])
            for k, col in enumerate(["p05", "median_rank", "p95"]):
                worst = max(worst, abs(stats[r["group"]][l, c, k] - float(r[col])))
        out["largest_interval_difference_vs_gihi"] = worst
    print(json.dumps(out))


if __name__ == "__main__":
    main()
