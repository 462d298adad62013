#!/usr/bin/env python3
"""Vectorised numpy baseline for `gihi bench`: the same computation, for the speed ratio.

Weight-perturbation Monte Carlo on the main group: z-scores once (population sd); per
replication, every node weight (3 pillars, 12 sub-pillars, 30 indicators) times a factor
uniform on 1 +- 0.25, renormalised within its parent; composite and pillar scores as weighted
sums; competition-free ranks (argsort of argsort; ties have probability zero here); then
median, p05 and p95 of every city's rank at every level (np.percentile, linear). Replications
run in vectorised blocks of 10,000. The random numbers come from numpy's PCG64 rather than a
Sobol sequence: the computation per replication is the same.

  python3 reference/bench_numpy.py DATA.csv --reps 100000
"""
import argparse
import io
import json
import time
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--reps", type=int, default=100000)
    ap.add_argument("--block", type=int, default=10000)
    a = ap.parse_args()
    reg = tomllib.load(open(ROOT / "data/registry/cities.toml", "rb"))
    fw = tomllib.load(open(ROOT / "data/framework/gihi-2024.toml", "rb"))
    main_ids = [c["id"] for c in reg["city"] if c["group"] == "main"]
    lines = [l for l in Path(a.data).read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    header = lines[0].split(",")
    rows = {l.split(",")[0]: [float(v) for v in l.split(",")[1:]] for l in lines[1:]}
    x = np.array([rows[c] for c in main_ids if c in rows])
    n, m = x.shape
    z = (x - x.mean(axis=0)) / x.std(axis=0)
    # Tree: pillar of each sub-pillar, sub-pillar of each indicator, base weights.
    pw, sw, iw, sub_of, pil_of_sub = [], [], [], [], []
    for p in fw["pillar"]:
        pw.append(p["weight"])
        for s in p["subpillar"]:
            pil_of_sub.append(len(pw) - 1)
            sw.append(s["weight"])
            for i in s["indicator"]:
                sub_of.append(len(sw) - 1)
                iw.append(1.0 / len(s["indicator"]))
    pw, sw, iw = np.array(pw), np.array(sw), np.array(iw)
    sub_of, pil_of_sub = np.array(sub_of), np.array(pil_of_sub)
    pil_of_ind = pil_of_sub[sub_of]
    levels = 1 + len(pw)
    rng = np.random.default_rng(1)
    start = time.perf_counter()
    ranks_all = [[] for _ in range(levels)]
    done = 0
    while done < a.reps:
        r = min(a.block, a.reps - done)
        fp = pw * rng.uniform(0.75, 1.25, (r, len(pw)))
        fs = sw * rng.uniform(0.75, 1.25, (r, len(sw)))
        fi = iw * rng.uniform(0.75, 1.25, (r, m))
        fp /= fp.sum(axis=1, keepdims=True)
        fs /= _group_sums(fs, pil_of_sub)
        fi /= _group_sums(fi, sub_of)
        w = fi * fs[:, sub_of] * fp[:, pil_of_ind]            # r x m effective weights
        for level in range(levels):
            wl = w if level == 0 else w * (pil_of_ind == level - 1)
            scores = z @ wl.T                                     # n x r
            order = np.argsort(-scores, axis=0)
            ranks = np.empty_like(order)
            np.put_along_axis(ranks, order, np.arange(1, n + 1)[:, None].repeat(r, axis=1), axis=0)
            ranks_all[level].append(ranks)
        done += r
    stats = []
    for level in range(levels):
        rk = np.concatenate(ranks_all[level], axis=1)
        stats.append(np.percentile(rk, [5, 50, 95], axis=1))
    secs = time.perf_counter() - start
    print(json.dumps({"tool": "numpy", "numpy": np.__version__, "cities": n, "indicators": m, "replications": a.reps,
                      "seconds": round(secs, 4), "replications_per_second": round(a.reps / secs),
                      "check_median_rank_of_first_city": float(stats[0][1][0])}))


def _group_sums(f, groups):
    sums = np.zeros((f.shape[0], groups.max() + 1))
    np.add.at(sums.T, groups, f.T)
    return sums[:, groups]


if __name__ == "__main__":
    main()
