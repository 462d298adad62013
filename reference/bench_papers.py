#!/usr/bin/env python3
"""Benchmark: `gihi records papers` against DuckDB and pandas + networkx on one Parquet corpus.

The work compared is the issue's: the co-authorship matrices of every year 2000-2023 (papers
with authorships in both metros of a pair) and I17 on 2023, from the authorship file with
city names and countries. The baselines are written as a careful user would:

- DuckDB: each distinct (city, country) resolved to a metro once (the reference's place
  reading) into a small table; authorships joined to it and reduced to distinct (paper, metro)
  once; years joined; one self-join on paper id with a.metro < b.metro, grouped by year and
  pair; I17 with numpy's symmetric eigensolver on the 2023 matrix (networkx refuses
  disconnected graphs and is slower on connected ones). Separately timed: I01, I07, I08 in SQL.
- pandas + networkx: the same steps with merges and drop_duplicates; I17 with
  networkx.eigenvector_centrality_numpy.

gihi runs `gihi records papers` as a user does: it validates the three files, computes the
matrices, I17, I01, I07, I08 and the focus tables (more work than either baseline) and
writes them. Matrices are checked identical and centralities equal to 1e-9 before timing.

    python3 reference/bench_papers.py CORPUS --gihi target/release/gihi --reps 3
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
import records_patents as ref  # noqa: E402  (the independent place reading)

ROOT = Path(__file__).resolve().parent.parent
FIRST, LAST, NET = 2000, 2023, 2023


def place_table(con_or_pairs):
    ids, resolve = ref.load_places()
    return ids, [(c, k, m) for c, k in con_or_pairs if (m := resolve(c, k))]


def centrality_numpy(ids, pairs):
    """Leading eigenvector of the network year's matrix, unit norm, positive sum."""
    index = {m: k for k, m in enumerate(ids)}
    a = np.zeros((len(ids), len(ids)))
    for (y, x, z), n in pairs.items():
        if y == NET:
            a[index[x], index[z]] = a[index[z], index[x]] = n
    w, v = np.linalg.eigh(a)
    top = v[:, np.argmax(w)]
    top = top / (np.sign(top.sum()) * np.linalg.norm(top))
    return dict(zip(ids, top))


def duckdb_matrices(corpus, threads):
    import duckdb
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    for n in ("papers", "paper_fields", "paper_authorships"):
        con.execute(f"CREATE VIEW {n} AS SELECT * FROM read_parquet('{corpus}/{n}.parquet')")
    places = con.execute("SELECT DISTINCT city, country FROM paper_authorships").fetchall()
    ids, rows = place_table(places)
    con.execute("CREATE TABLE pm (city VARCHAR, country VARCHAR, metro VARCHAR)")
    con.executemany("INSERT INTO pm VALUES (?, ?, ?)", rows)
    con.execute("CREATE TABLE am AS SELECT DISTINCT a.paper_id, pm.metro FROM paper_authorships a JOIN pm USING (city, country)")
    con.execute(f"CREATE TABLE amy AS SELECT am.paper_id, am.metro, p.year FROM am JOIN papers p USING (paper_id) WHERE p.year BETWEEN {FIRST} AND {LAST}")
    got = con.execute("SELECT x.year, x.metro, y.metro, count(*) FROM amy x JOIN amy y ON x.paper_id = y.paper_id AND x.metro < y.metro GROUP BY 1, 2, 3").fetchall()
    pairs = {(y, a, b): n for y, a, b, n in got}
    return con, pairs, centrality_numpy(ids, pairs)


def duckdb_indicators(con):
    """I01, I07, I08 per metro (2019-2023; 2000-2022), on the tables duckdb_matrices made."""
    i01 = con.execute("""SELECT pm.metro, count(DISTINCT a.researcher_id) FROM paper_authorships a
        JOIN pm USING (city, country) JOIN papers p USING (paper_id)
        WHERE p.year BETWEEN 2019 AND 2023 AND a.researcher_id IS NOT NULL AND trim(a.researcher_id) <> '' GROUP BY 1""").fetchall()
    i07 = con.execute("""WITH f AS (SELECT DISTINCT pf.paper_id, substr(trim(pf.field), 1, 2) AS d, p.year, p.times_cited
            FROM paper_fields pf JOIN papers p USING (paper_id) WHERE p.year BETWEEN 2000 AND 2022),
          r AS (SELECT d, year, times_cited, row_number() OVER (PARTITION BY d, year ORDER BY times_cited DESC) AS k,
                       count(*) OVER (PARTITION BY d, year) AS n FROM f),
          t AS (SELECT d, year, times_cited AS t FROM r WHERE k = (n + 99) // 100),
          h AS (SELECT DISTINCT f.paper_id FROM f JOIN t USING (d, year) WHERE f.times_cited >= t.t AND f.times_cited > 0)
        SELECT am.metro, count(*) FROM am JOIN h USING (paper_id) GROUP BY 1""").fetchall()
    i08 = con.execute("""SELECT am.metro, sum(p.cited_by_patents + p.cited_by_policy + p.cited_by_trials) FROM am
        JOIN papers p USING (paper_id) WHERE p.year BETWEEN 2019 AND 2023 GROUP BY 1""").fetchall()
    return dict(i01), dict(i07), dict(i08)


def pandas_matrices(corpus):
    import networkx as nx
    import pandas as pd
    auth = pd.read_parquet(f"{corpus}/paper_authorships.parquet", columns=["paper_id", "city", "country"])
    papers = pd.read_parquet(f"{corpus}/papers.parquet", columns=["paper_id", "year"])
    distinct = auth[["city", "country"]].drop_duplicates()
    ids, rows = place_table(zip(distinct["city"], distinct["country"]))
    pm = pd.DataFrame(rows, columns=["city", "country", "metro"])
    am = auth.merge(pm, on=["city", "country"])[["paper_id", "metro"]].drop_duplicates()
    papers = papers[(papers.year >= FIRST) & (papers.year <= LAST)]
    amy = am.merge(papers, on="paper_id")
    both = amy.merge(amy[["paper_id", "metro"]], on="paper_id", suffixes=("_a", "_b"))
    both = both[both.metro_a < both.metro_b]
    counts = both.groupby(["year", "metro_a", "metro_b"]).size()
    pairs = {k: int(v) for k, v in counts.items()}
    g = nx.Graph()
    g.add_nodes_from(ids)
    for (y, a, b), n in pairs.items():
        if y == NET:
            g.add_edge(a, b, weight=n)
    try:
        c = nx.eigenvector_centrality_numpy(g, weight="weight")
    except nx.AmbiguousSolution:
        c = centrality_numpy(ids, pairs)
    return pairs, c


def gihi_tables(out):
    def rows(name):
        return ref.rows(Path(out) / name)
    pairs = {}
    for r in rows("coauthorship_by_year.csv"):
        a, b = sorted((r["metro_a"], r["metro_b"]))
        pairs[(int(r["year"]), a, b)] = int(r["papers"])
    c = {r["metro"]: float(r["i17_eigenvector_centrality"]) for r in rows("indicators.csv")}
    ind = {r["metro"]: (int(r["i01_active_researchers"]), int(r["i07_highly_cited_papers"]),
                        int(r["i08_policy_patent_trial_citations"])) for r in rows("indicators.csv")}
    return pairs, c, ind


def compare(name, pairs, c, mine_pairs, mine_c):
    bad = 0
    if pairs != mine_pairs:
        bad += 1
        print(f"{name}: matrices differ in {len(set(pairs.items()) ^ set(mine_pairs.items()))} cells")
    worst = max(abs(c[m] - mine_c[m]) for m in mine_c)
    if worst > 1e-9:
        bad += 1
        print(f"{name}: centralities differ by up to {worst:g}")
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--gihi", default=str(ROOT / "target/release/gihi"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    corpus = Path(a.corpus).resolve()
    times = {k: [] for k in ("gihi", "gihi matrices", "duckdb matrices", "duckdb indicators", "pandas")}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(a.reps):
            out = Path(tmp) / f"out-{rep}-synthetic"
            t = time.perf_counter()
            subprocess.run([a.gihi, "records", "papers", "--records", str(corpus), "--out", str(out),
                            "--threads", str(a.threads)], check=True, capture_output=True)
            times["gihi"].append(time.perf_counter() - t)
            stages = dict(json.load(open(out / "summary.json"))["summary"]["stage_seconds"])
            times["gihi matrices"].append(stages["places"] + stages["papers"] + stages["network"])
            t = time.perf_counter()
            con, dpairs, dc = duckdb_matrices(corpus, a.threads)
            times["duckdb matrices"].append(time.perf_counter() - t)
            t = time.perf_counter()
            i01, i07, i08 = duckdb_indicators(con)
            times["duckdb indicators"].append(time.perf_counter() - t)
            con.close()
            t = time.perf_counter()
            ppairs, pc = pandas_matrices(corpus)
            times["pandas"].append(time.perf_counter() - t)
            if rep == 0:
                mpairs, mc, mind = gihi_tables(out)
                bad = compare("DuckDB", dpairs, dc, mpairs, mc) + compare("pandas", ppairs, pc, mpairs, mc)
                for m, (x, y, z) in mind.items():
                    if (i01.get(m, 0), i07.get(m, 0), i08.get(m, 0) or 0) != (x, y, z):
                        bad += 1
                        print(f"{m}: gihi I01/I07/I08 {(x, y, z)}, DuckDB {(i01.get(m), i07.get(m), i08.get(m))}")
                cells = len(mpairs)
                print(f"check: {'identical' if bad == 0 else f'{bad} differences'}: {cells} matrix cells (2000-2023), "
                      f"I17 to 1e-9 (gihi, DuckDB+numpy, pandas+networkx), I01/I07/I08 (gihi, DuckDB)")
                if bad:
                    return 1
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"{k}: median {med[k]:.2f} s over {len(v)} runs ({', '.join(f'{x:.2f}' for x in v)})")
    print(f"ratio DuckDB matrices+I17 / gihi whole pipeline: {med['duckdb matrices'] / med['gihi']:.2f}")
    print(f"ratio DuckDB (matrices+I17+I01/I07/I08) / gihi whole pipeline: "
          f"{(med['duckdb matrices'] + med['duckdb indicators']) / med['gihi']:.2f}")
    print(f"ratio DuckDB matrices+I17 / gihi matrix stages (places, papers, network; with sorted "
          f"files the paper walk in them also gathers I07's histograms and the per-division table): "
          f"{med['duckdb matrices'] / med['gihi matrices']:.2f}")
    print(f"ratio pandas+networkx / gihi whole pipeline: {med['pandas'] / med['gihi']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
