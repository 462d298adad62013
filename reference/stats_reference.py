#!/usr/bin/env python3
"""Independent reference for `gihi stats` (scipy/pandas), for the golden test.

For the main group of a table it writes JSON with, per indicator, the count of observed
values, mean, sample sd (ddof=1), skewness and excess kurtosis (scipy, bias=False); Pearson and
Spearman correlations of every indicator pair (pandas, pairwise complete observations);
Cronbach's alpha and the first principal component's share of variance for every
sub-pillar and pillar, on z-scores (population sd over observed values, missing z = 0).

  python3 reference/stats_reference.py DATA.csv > expected.json
"""
import io
import json
import sys
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

ROOT = Path(__file__).resolve().parent.parent


def main():
    data = Path(sys.argv[1])
    reg = tomllib.load(open(ROOT / "data/editions/2024/cities.toml", "rb"))
    fw = tomllib.load(open(ROOT / "data/editions/2024/framework.toml", "rb"))
    main_ids = [c["id"] for c in reg["city"] if c["group"] == "main"]
    text = "\n".join(l for l in data.read_text(encoding="utf-8").splitlines() if not l.startswith("#"))
    df = pd.read_csv(io.StringIO(text), dtype={"city": str}).set_index("city")
    df = df.loc[[c for c in main_ids if c in df.index]]
    ind = [c for c in df.columns]
    out = {"indicators": {}, "pearson": {}, "spearman": {}, "nodes": {}}
    for c in ind:
        x = df[c].dropna().to_numpy(dtype=float)
        out["indicators"][c] = {
            "observed": int(len(x)),
            "mean": float(np.mean(x)),
            "sd": float(np.std(x, ddof=1)),
            "skewness": float(stats.skew(x, bias=False)),
            "kurtosis": float(stats.kurtosis(x, bias=False, fisher=True)),
        }
    pear = df.corr(method="pearson")
    spear = df.corr(method="spearman")
    for i, a in enumerate(ind):
        for b in ind[i + 1:]:
            out["pearson"][f"{a}|{b}"] = float(pear.loc[a, b])
            out["spearman"][f"{a}|{b}"] = float(spear.loc[a, b])
    z = (df - df.mean()) / df.std(ddof=0)
    z = z.fillna(0.0)

    def alpha(cols):
        m = z[cols].to_numpy()
        k = m.shape[1]
        return float(k / (k - 1) * (1 - m.var(axis=0, ddof=1).sum() / m.sum(axis=1).var(ddof=1)))

    def pc1(cols):
        r = np.corrcoef(z[cols].to_numpy(), rowvar=False)
        return float(np.linalg.eigvalsh(r).max() / len(cols))

    for p in fw["pillar"]:
        pcols = []
        for s in p["subpillar"]:
            cols = [i["id"] for i in s["indicator"]]
            pcols += cols
            out["nodes"][s["id"]] = {"alpha": alpha(cols), "pc1": pc1(cols)}
        out["nodes"][p["id"]] = {"alpha": alpha(pcols), "pc1": pc1(pcols)}
    json.dump(out, sys.stdout, indent=1, sort_keys=True)
    print()


if __name__ == "__main__":
    main()
