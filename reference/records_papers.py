#!/usr/bin/env python3
"""Independent reference for `gihi records papers` (plain Python and networkx).

Reads a CSV paper corpus (papers.csv, paper_fields.csv, paper_authorships.csv), maps
authorships to metros through the 2024 edition's registry and aliases (the same reading as
records_patents.py), and computes per metro I01 (distinct researchers 2019-2023), I07 (papers
2000-2022 in the top 1 % of a division and year, ties at the threshold included), I08
(patent, policy and trial citations of 2019-2023 papers), the co-authorship matrices of
2000-2023 and I17 with networkx's eigenvector_centrality_numpy, the international series and
the per-division table of 2022, written without reading any gihi code. With --check DIR it
compares them with gihi's output directory (a disconnected network, which networkx refuses,
is checked on its leading component) and exits 1 on any difference (centrality to 1e-9).

    python3 reference/records_papers.py CORPUS --check OUT
"""
import argparse
import math
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

import networkx as nx
import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from records_patents import ROOT, load_places, rows  # noqa: E402


def country_codes():
    reg = tomllib.load(open(ROOT / "data/editions/2024/cities.toml", "rb"))
    names = tomllib.load(open(ROOT / "data/derivation/country-names.toml", "rb"))["names"]
    code = {}
    for c in reg["country"]:
        for k in (c["code"], c["code3"], c["name_en"], c["name_zh"]):
            code[k.strip().lower()] = c["code"]
    for k, v in names.items():
        code.setdefault(k.strip().lower(), v)
    # Hong Kong, Macao and Taiwan count as their own country-or-region (国家（或地区）).
    for region, spellings in {
        "HK": ["hk", "hkg", "hong kong", "hong kong sar", "hong kong sar, china",
               "china, hong kong sar", "china, hong kong special administrative region", "香港", "中国香港"],
        "MO": ["mo", "mac", "macao", "macau", "macao sar, china", "china, macao sar", "澳门", "中国澳门"],
        "TW": ["tw", "twn", "taiwan", "taiwan, china", "taiwan, province of china", "chinese taipei",
               "台湾", "中国台湾"],
    }.items():
        for sp in spellings:
            code[sp] = region
    return lambda t: code.get(t.strip().lower(), t.strip().upper()) if t and t.strip() else None


def reference_centrality(g):
    """networkx's eigenvector_centrality_numpy; on a disconnected graph (which networkx refuses)
    the same on the component with the largest eigenvalue, 0 elsewhere (gihi's reading)."""
    if nx.is_connected(g):
        return nx.eigenvector_centrality_numpy(g, weight="weight")
    best, lead = None, 0.0
    for comp in nx.connected_components(g):
        if len(comp) < 2:
            continue
        sub = g.subgraph(comp)
        a = nx.to_numpy_array(sub, weight="weight")
        top = float(np.linalg.eigvalsh(a)[-1])
        if top > lead:
            best, lead = sub, top
    values = {m: 0.0 for m in g}
    if best is not None:
        values.update(nx.eigenvector_centrality_numpy(best, weight="weight"))
    return values


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--check", help="a gihi records papers output directory")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    ids, resolve = load_places()
    code = country_codes()
    index = {m: k for k, m in enumerate(ids)}

    papers = {}
    for r in rows(corpus / "papers.csv"):
        cited = sum(int(r[c]) for c in ("cited_by_patents", "cited_by_policy", "cited_by_trials"))
        papers[r["paper_id"]] = (int(r["year"]), int(r["times_cited"]), cited)
    metros = defaultdict(set)
    countries = defaultdict(set)
    researchers = defaultdict(set)
    place_cache = {}
    for r in rows(corpus / "paper_authorships.csv"):
        pid = r["paper_id"]
        key = (r["city"], r["country"])
        if key not in place_cache:
            place_cache[key] = resolve(r["city"], r["country"])
        m = place_cache[key]
        c = code(r["country"])
        if c:
            countries[pid].add(c)
        if m:
            metros[pid].add(m)
            rid = (r["researcher_id"] or "").strip()
            if rid and pid in papers and 2019 <= papers[pid][0] <= 2023:
                researchers[m].add(rid)
    divisions = defaultdict(set)
    for r in rows(corpus / "paper_fields.csv"):
        divisions[r["paper_id"]].add(r["field"].strip()[:2])

    # I07: thresholds per (division, year).
    groups = defaultdict(list)
    for pid, ds in divisions.items():
        if pid in papers and 2000 <= papers[pid][0] <= 2022:
            for d in ds:
                groups[(d, papers[pid][0])].append(papers[pid][1])
    threshold = {}
    for g, cites in groups.items():
        k = math.ceil(len(cites) / 100)
        threshold[g] = sorted(cites, reverse=True)[k - 1]
    highly = set()
    for pid, ds in divisions.items():
        if pid in papers and 2000 <= papers[pid][0] <= 2022:
            y, t, _ = papers[pid]
            if t > 0 and any(t >= threshold[(d, y)] for d in ds):
                highly.add(pid)

    ind = {m: [len(researchers[m]), 0, 0, 0] for m in ids}
    pairs = defaultdict(int)  # (year, a, b)
    world = defaultdict(lambda: [0, 0])
    field_metro = defaultdict(lambda: [0, 0])  # (division, metro) in 2022
    for pid, (y, _, cited) in papers.items():
        intl = len(countries[pid]) >= 2
        if 2000 <= y <= 2022:
            world[y][0] += 1
            world[y][1] += intl
        ms = sorted(metros[pid], key=index.get)
        for m in ms:
            if pid in highly:
                ind[m][1] += 1
            if 2019 <= y <= 2023:
                ind[m][2] += cited
                ind[m][3] += 1
            if y == 2022:
                for d in divisions[pid]:
                    field_metro[(d, m)][0] += 1
                    field_metro[(d, m)][1] += intl
        if 2000 <= y <= 2023:
            for i, x in enumerate(ms):
                for z in ms[i + 1:]:
                    pairs[(y, x, z)] += 1

    g = nx.Graph()
    g.add_nodes_from(ids)
    for (y, x, z), n in pairs.items():
        if y == 2023:
            g.add_edge(x, z, weight=n)
    centrality = reference_centrality(g)

    if not a.check:
        for m in ids:
            print(m, *ind[m], centrality[m])
        return 0
    out = Path(a.check)
    bad, cells = [], 0
    for r in rows(out / "indicators.csv"):
        m = r["metro"]
        got = [int(r[c]) for c in ("i01_active_researchers", "i07_highly_cited_papers",
                                   "i08_policy_patent_trial_citations", "active_papers")]
        cells += 5
        if got != ind[m]:
            bad.append(f"{m}: gihi {got}, reference {ind[m]}")
        if abs(float(r["i17_eigenvector_centrality"]) - centrality[m]) > 1e-9:
            bad.append(f"{m} I17: gihi {r['i17_eigenvector_centrality']}, networkx {centrality[m]}")
    got_pairs = {(int(r["year"]), r["metro_a"], r["metro_b"]): int(r["papers"])
                 for r in rows(out / "coauthorship_by_year.csv")}
    want_pairs = {}
    for (y, x, z), n in pairs.items():
        want_pairs[(y, *sorted((x, z), key=index.get))] = n
    cells += len(want_pairs)
    if got_pairs != want_pairs:
        diff = set(got_pairs.items()) ^ set(want_pairs.items())
        bad.append(f"co-authorship matrices differ in {len(diff)} cells, e.g. {sorted(diff)[:3]}")
    for r in rows(out / "focus/international_world.csv"):
        y = int(r["year"])
        cells += 2
        if [int(r["papers"]), int(r["international"])] != world[y]:
            bad.append(f"world {y}: gihi {r['papers']}, {r['international']}; reference {world[y]}")
    got_fields = {(r["division"], r["metro"]): [int(r["papers"]), int(r["international"])]
                  for r in rows(out / "focus/international_by_field.csv")}
    cells += len(field_metro)
    if got_fields != dict(field_metro):
        bad.append("the per-division table of 2022 differs")
    for b in bad[:20]:
        print(b)
    if bad:
        print(f"papers reference: {len(bad)} differences")
        return 1
    print(f"papers reference: {cells} cells agree")
    return 0


if __name__ == "__main__":
    sys.exit(main())
