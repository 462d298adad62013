#!/usr/bin/env python3
"""Independent reference implementation of GIHI scoring (report Appendix 3) in numpy.

Written separately from the Rust engine, for golden tests. For each evaluated group
(main, mini) it z-scores every indicator (population standard deviation, ddof=0; with
--missing mean the statistics use observed values and a missing cell gets z = 0), forms
each node's weighted z-sum with effective weights (products of the weights down the tree,
normalised within each parent), min-max rescales each node to [60, 100] and ranks with
ties sharing the better rank.

Usage:
  appendix3.py DATA.csv [--framework F.toml] [--registry R.toml] [--missing error|mean] > scores.csv
  appendix3.py DATA.csv --compare scores.csv [--tolerance 1e-9]   # exit 1 on disagreement
"""
import argparse
import csv
import io
import sys
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent


def load_framework(path):
    with open(path, "rb") as f:
        fw = tomllib.load(f)
    ids, weights, nodes = [], [], []  # nodes: (level, id, [indicator positions])
    psum = sum(p["weight"] for p in fw["pillar"])
    subnodes = []
    for p in fw["pillar"]:
        ssum = sum(s["weight"] for s in p["subpillar"])
        start = len(ids)
        for s in p["subpillar"]:
            inds = s["indicator"]
            raw = [i.get("weight", 1.0 / len(inds)) for i in inds]
            first = len(ids)
            for ind, w in zip(inds, raw):
                sign = 1.0 if ind["direction"] == "higher-is-better" else -1.0
                ids.append((ind["id"], sign))
                weights.append(p["weight"] / psum * s["weight"] / ssum * w / sum(raw))
            subnodes.append(("subpillar", s["id"], list(range(first, len(ids)))))
        nodes.append(("pillar", p["id"], list(range(start, len(ids)))))
    nodes = [("composite", "GIHI", list(range(len(ids))))] + nodes + subnodes
    return ids, np.array(weights), nodes


def load_groups(path):
    with open(path, "rb") as f:
        reg = tomllib.load(f)
    return {c["id"]: c["group"] for c in reg["city"]}, [c["id"] for c in reg["city"]]


def read_data(path, ids):
    lines = [l for l in Path(path).read_text(encoding="utf-8").splitlines() if not l.startswith("#")]
    rows = list(csv.DictReader(io.StringIO("\n".join(lines))))
    data = {}
    for r in rows:
        vals = []
        for ind, _ in ids:
            t = r[ind].strip()
            vals.append(np.nan if t in ("", "NA", "N/A", "NaN", "nan", "-", "..") else float(t))
        data[r["city"]] = vals
    return data


def score_group(x, signs, weights, nodes, missing):
    """x: cities x indicators (NaN = missing). Returns {node_id: (level, score, rank)}."""
    if missing == "error" and np.isnan(x).any():
        raise SystemExit("missing values")
    mean = np.nanmean(x, axis=0)
    std = np.nanstd(x, axis=0, ddof=0)
    const = np.array([np.all(col[~np.isnan(col)] == col[~np.isnan(col)][0]) for col in x.T])
    z = np.where(const, 0.0, (x - mean) / np.where(const, 1.0, std))
    z = np.where(np.isnan(x), 0.0, z) * signs
    out = {}
    for level, nid, cols in nodes:
        y = z[:, cols] @ weights[cols]
        lo, hi = y.min(), y.max()
        s = np.full_like(y, 100.0) if hi <= lo else 60.0 + (y - lo) / (hi - lo) * 40.0
        rank = 1 + (y[None, :] > y[:, None]).sum(axis=1)
        out[nid] = (level, s, rank)
    return out


def compute(data_path, framework, registry, missing):
    ids, weights, nodes = load_framework(framework)
    signs = np.array([s for _, s in ids])
    group_of, order = load_groups(registry)
    data = read_data(data_path, ids)
    result = []  # (city, group, level, node, score, rank)
    for group in ("main", "mini"):
        cities = [c for c in order if c in data and group_of[c] == group]
        if not cities:
            continue
        x = np.array([data[c] for c in cities], dtype=float)
        for nid, (level, s, rank) in score_group(x, signs, weights, nodes, missing).items():
            for j, c in enumerate(cities):
                result.append((c, group, level, nid, float(s[j]), int(rank[j])))
    return result


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("data")
    ap.add_argument("--framework", default=ROOT / "data/editions/2024/framework.toml")
    ap.add_argument("--registry", default=ROOT / "data/editions/2024/cities.toml")
    ap.add_argument("--missing", choices=["error", "mean"], default="error")
    ap.add_argument("--compare", help="a gihi scores.csv to check against this reference")
    ap.add_argument("--tolerance", type=float, default=1e-9)
    a = ap.parse_args()
    ref = compute(a.data, a.framework, a.registry, a.missing)
    if a.compare:
        got = {(r["city"], r["group"], r["node"]): r for r in csv.DictReader(line for line in open(a.compare, encoding="utf-8") if not line.startswith("#"))}
        bad = 0
        for c, g, level, nid, s, rank in ref:
            r = got.pop((c, g, nid), None)
            if r is None or r["level"] != level or abs(float(r["score"]) - s) > a.tolerance or int(r["rank"]) != rank:
                bad += 1
                print(f"disagree: {c} {g} {nid}: reference {s!r} rank {rank}, gihi {r}", file=sys.stderr)
        bad += len(got)
        print(f"{a.data}: {len(ref) - bad} of {len(ref)} scores agree within {a.tolerance}, ranks exactly", file=sys.stderr)
        sys.exit(1 if bad else 0)
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["city", "group", "level", "node", "score", "rank"])
    for row in ref:
        w.writerow([row[0], row[1], row[2], row[3], repr(row[4]), row[5]])


if __name__ == "__main__":
    main()
