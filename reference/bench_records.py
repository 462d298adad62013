#!/usr/bin/env python3
"""Benchmark: `gihi records patents` against DuckDB and pandas on one Parquet corpus.

The baselines are written as a careful user would: DuckDB normalises each distinct IPC text
once in SQL and classifies it by joining a table of Appendix 7 patterns (includes, then an
anti-join on each include's exclusions), lower-cases titles once and evaluates the keyword
regular expressions only for publications whose symbols hit a keyword row, and maps each
distinct (city, country) once. pandas does the same with vectorised string operations and
merges. Both compute per metro and field: I09 (valid families), I10 (PCT families of the
year), I18 (partner metros) and the global stock per field; gihi computes these and the
biomedical focus tables (more work). DuckDB is also timed on the I09 table alone (gihi has no
I09-only mode, so its whole run is compared). Counts are checked identical before timing.

    python3 reference/bench_records.py CORPUS --gihi target/release/gihi --reps 3
"""
import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import records_patents as ref  # noqa: E402  (patterns, places: the independent reference)

ROOT = Path(__file__).resolve().parent.parent


def pattern_table(table):
    """(row, include, kind, subclass, grp, sub, is_exclusion) for every printed pattern."""
    out = []
    for r, (_, incs, _) in enumerate(table):
        for i, (p, ex) in enumerate(incs):
            for is_ex, q in [(False, p)] + [(True, e) for e in ex]:
                if q[0] == "subclass":
                    out.append((r, i, 0, q[1], None, None, is_ex))
                elif q[0] == "group":
                    out.append((r, i, 1, q[1], q[2], None, is_ex))
                else:
                    out.append((r, i, 2, q[1][0], q[1][1], q[1][2], is_ex))
    return out


def keyword_regex(words):
    parts = []
    for k in words:
        prefix = k.endswith("*")
        w = k.rstrip("*").lower()
        esc = "".join("\\" + c if not c.isalnum() and c != " " else c for c in w)
        start = "(?:^|[^a-z0-9])" if w[0].isascii() and w[0].isalnum() else ""
        end = "" if prefix or not (w[-1].isascii() and w[-1].isalnum()) else "(?:[^a-z0-9]|$)"
        parts.append(start + esc + end)
    return "|".join(parts)


def add_degrees(out, edges, nf):
    """Degrees (partner metros) per field from (a, b, families per field) edges."""
    degree = {}
    for a, b, c in edges:
        for m in (a, b):
            v = degree.setdefault(m, [0] * (nf + 1))
            for k in range(nf + 1):
                v[k] += 1 if c[k] > 0 else 0
    for m, v in degree.items():
        out[("degree", m)] = tuple(v)


def duckdb_run(corpus, D, Y, threads, only_i09=False):
    """I09, I10, I18 and the stock per metro and field; with `only_i09`, the I09 table alone
    (per metro and field, and the world's valid stock)."""
    import duckdb
    fields, table = ref.load_rows()
    ids, resolve = ref.load_places()
    con = duckdb.connect()
    con.execute(f"SET threads = {threads}")
    for n in ("patents", "patent_ipc", "patent_parties"):
        con.execute(f"CREATE VIEW {n} AS SELECT * FROM read_parquet('{corpus}/{n}.parquet')")
    con.execute("CREATE TABLE pat (r INT, i INT, kind INT, sc VARCHAR, grp INT, sub VARCHAR, ex BOOLEAN)")
    con.executemany("INSERT INTO pat VALUES (?, ?, ?, ?, ?, ?, ?)", pattern_table(table))
    # Distinct IPC texts, normalised once.
    con.execute(r"""
        CREATE TABLE sym AS
        WITH d AS (SELECT DISTINCT ipc FROM patent_ipc),
        s AS (SELECT ipc, upper(trim(regexp_replace(ipc, '\s*\(.*$', ''))) AS t FROM d),
        p AS (
          SELECT ipc,
            CASE WHEN regexp_full_match(t, '[A-H][0-9]{2}[A-Z][0-9]{10}') THEN t[1:4]
                 ELSE regexp_extract(t, '^([A-H][0-9]{2}[A-Z]) *([0-9]{1,4})/([0-9]{2,6})$', 1) END AS sc,
            CASE WHEN regexp_full_match(t, '[A-H][0-9]{2}[A-Z][0-9]{10}') THEN TRY_CAST(t[5:8] AS INT)
                 ELSE TRY_CAST(regexp_extract(t, '^([A-H][0-9]{2}[A-Z]) *([0-9]{1,4})/([0-9]{2,6})$', 2) AS INT) END AS grp,
            CASE WHEN regexp_full_match(t, '[A-H][0-9]{2}[A-Z][0-9]{10}') THEN
                   CASE WHEN length(rtrim(t[9:14], '0')) < 2 THEN rtrim(t[9:14], '0') || repeat('0', 2 - length(rtrim(t[9:14], '0'))) ELSE rtrim(t[9:14], '0') END
                 ELSE regexp_extract(t, '^([A-H][0-9]{2}[A-Z]) *([0-9]{1,4})/([0-9]{2,6})$', 3) END AS sub
          FROM s)
        SELECT ipc, sc, grp, sub FROM p WHERE sc <> '' AND grp > 0
    """)
    con.execute("""
        CREATE TABLE sym_rows AS
        WITH hit AS (
          SELECT s.ipc, p.r, p.i, s.sc, s.grp, s.sub FROM sym s JOIN pat p ON p.sc = s.sc AND NOT p.ex
           AND (p.kind = 0 OR (p.grp = s.grp AND (p.kind = 1 OR p.sub = s.sub)))),
        ok AS (
          SELECT h.* FROM hit h WHERE NOT EXISTS (
            SELECT 1 FROM pat e WHERE e.ex AND e.r = h.r AND e.i = h.i AND e.sc = h.sc
              AND (e.kind = 0 OR (e.grp = h.grp AND (e.kind = 1 OR e.sub = h.sub)))))
        SELECT ipc, bit_or(1::BIGINT << r) AS rows FROM ok GROUP BY ipc
    """)
    kw = [(r, t[2]) for r, t in enumerate(table) if t[2]]
    kw_mask = sum(1 << r for r, _ in kw)
    field_of = [t[0] for t in table]
    kw_cases = " | ".join(
        f"CASE WHEN regexp_matches(txt, '{keyword_regex(words).replace(chr(39), chr(39) * 2)}') THEN {1 << r} ELSE 0 END"
        for r, words in kw)
    field_bits = " | ".join(
        f"CASE WHEN (applying & {1 << r}) <> 0 THEN {1 << field_of[r]} ELSE 0 END" for r in range(len(table)))
    con.execute(f"""
        CREATE TABLE pubf AS
        WITH pr AS (SELECT i.pub_id, bit_or(s.rows) AS rows FROM patent_ipc i JOIN sym_rows s USING (ipc) GROUP BY i.pub_id),
        pk AS (
          SELECT p.pub_id, p.family_id, p.type, p.pct, p.publication_date, p.grant_date, p.expiry_date, p.lapse_date, pr.rows,
                 CASE WHEN (pr.rows & {kw_mask}) <> 0 THEN lower(coalesce(p.title, '') || ' ¦ ' || coalesce(p.abstract, '')) END AS txt
          FROM patents p JOIN pr USING (pub_id)),
        pa AS (SELECT *, rows & (~{kw_mask} | (CASE WHEN txt IS NULL THEN 0 ELSE {kw_cases} END)) AS applying FROM pk)
        SELECT pub_id, family_id, type, pct, publication_date, grant_date, expiry_date, lapse_date, ({field_bits}) AS f FROM pa
        WHERE ({field_bits}) <> 0
    """)
    places = con.execute("SELECT DISTINCT city, country FROM patent_parties WHERE role = 'applicant'").fetchall()
    con.execute("CREATE TABLE pm (city VARCHAR, country VARCHAR, metro VARCHAR)")
    con.executemany("INSERT INTO pm VALUES (?, ?, ?)", [(c, k, m) for c, k in places if (m := resolve(c, k))])
    con.execute("CREATE TABLE app AS SELECT DISTINCT pp.pub_id, pm.metro FROM patent_parties pp JOIN pm USING (city, country) WHERE pp.role = 'applicant'")
    d = dt.date.fromisoformat(D)
    y0, y1 = dt.date(Y, 1, 1), dt.date(Y, 12, 31)
    valid = f"type = 'invention' AND grant_date <= DATE '{d}' AND (expiry_date IS NULL OR expiry_date > DATE '{d}') AND (lapse_date IS NULL OR lapse_date > DATE '{d}')"
    pct = f"pct AND publication_date BETWEEN DATE '{y0}' AND DATE '{y1}'"
    nf = len(fields)
    sums = ", ".join([f"sum(CASE WHEN (f & {1 << k}) <> 0 THEN 1 ELSE 0 END)" for k in range(nf)] + ["count(*)"])
    out = {}
    for name, cond in (("valid", valid),) + ((("pct", pct),) if not only_i09 else ()):
        for row in con.execute(
                f"SELECT metro, {sums} FROM (SELECT a.metro, p.family_id, bit_or(p.f) AS f FROM pubf p JOIN app a USING (pub_id) WHERE {cond} GROUP BY 1, 2) GROUP BY metro").fetchall():
            out[(name, row[0])] = row[1:]
        out[(name, "__world__")] = con.execute(
            f"SELECT {sums} FROM (SELECT family_id, bit_or(f) AS f FROM pubf WHERE {cond} GROUP BY 1)").fetchone()
    if only_i09:
        return out
    con.execute(f"""CREATE TABLE net AS SELECT family_id, bit_or(f) AS f FROM pubf WHERE
        (type = 'invention' AND grant_date BETWEEN DATE '{y0}' AND DATE '{y1}' AND (expiry_date IS NULL OR expiry_date > DATE '{y1}') AND (lapse_date IS NULL OR lapse_date > DATE '{y1}')) OR ({pct}) GROUP BY 1""")
    con.execute("CREATE TABLE fm AS SELECT DISTINCT p.family_id, a.metro FROM patents p JOIN app a USING (pub_id) JOIN net USING (family_id)")
    edges = con.execute(f"""SELECT x.metro, y.metro, {sums.replace('f &', 'n.f &')} FROM fm x JOIN fm y ON x.family_id = y.family_id AND x.metro < y.metro
        JOIN net n ON n.family_id = x.family_id GROUP BY 1, 2""").fetchall()
    add_degrees(out, ((a, b, c) for a, b, *c in edges), nf)
    return out


def pandas_run(corpus, D, Y):
    import numpy as np
    import pandas as pd
    fields, table = ref.load_rows()
    ids, resolve = ref.load_places()
    nf = len(fields)
    pats = pd.DataFrame(pattern_table(table), columns=["r", "i", "kind", "sc", "grp", "sub", "ex"])
    ipc = pd.read_parquet(f"{corpus}/patent_ipc.parquet")
    d = pd.DataFrame({"ipc": ipc["ipc"].unique()})
    t = d["ipc"].str.replace(r"\s*\(.*$", "", regex=True).str.strip().str.upper()
    doc = t.str.extract(r"^([A-H][0-9]{2}[A-Z])([0-9]{4})([0-9]{6})$")
    sl = t.str.extract(r"^([A-H][0-9]{2}[A-Z]) *([0-9]{1,4})/([0-9]{2,6})$")
    docsub = doc[2].str.rstrip("0").str.pad(2, side="right", fillchar="0")
    d["sc"] = doc[0].fillna(sl[0])
    d["grp"] = pd.to_numeric(doc[1].fillna(sl[1]), errors="coerce")
    d["sub"] = docsub.fillna(sl[2])
    d = d.dropna(subset=["sc", "grp"])
    d = d[d["grp"] > 0]
    hit = d.merge(pats[~pats["ex"]], on="sc", suffixes=("", "_p"))
    m = (hit["kind"] == 0) | ((hit["grp_p"] == hit["grp"]) & ((hit["kind"] == 1) | (hit["sub_p"] == hit["sub"])))
    hit = hit[m][["ipc", "r", "i", "sc", "grp", "sub"]]
    ex = hit.merge(pats[pats["ex"]], on=["r", "i", "sc"], suffixes=("", "_e"))
    me = (ex["kind"] == 0) | ((ex["grp_e"] == ex["grp"]) & ((ex["kind"] == 1) | (ex["sub_e"] == ex["sub"])))
    excluded = ex[me][["ipc", "r", "i"]].drop_duplicates()
    ok = hit.merge(excluded, on=["ipc", "r", "i"], how="left", indicator=True)
    ok = ok[ok["_merge"] == "left_only"]
    ok = ok.assign(bit=np.left_shift(np.int64(1), ok["r"].astype(np.int64)))
    sym_rows = ok.groupby("ipc")["bit"].agg(np.bitwise_or.reduce)
    pr = ipc.assign(rows=ipc["ipc"].map(sym_rows)).dropna(subset=["rows"])
    pr = pr.assign(rows=pr["rows"].astype(np.int64)).groupby("pub_id")["rows"].agg(np.bitwise_or.reduce)
    pat = pd.read_parquet(f"{corpus}/patents.parquet")
    pat = pat.merge(pr.rename("rows"), left_on="pub_id", right_index=True)
    kw_rows = [(r, tb[2]) for r, tb in enumerate(table) if tb[2]]
    kw_mask = sum(1 << r for r, _ in kw_rows)
    cand = (pat["rows"] & kw_mask) != 0
    txt = (pat.loc[cand, "title"].fillna("") + " \u00a6 " + pat.loc[cand, "abstract"].fillna("")).str.lower()
    hits = pd.Series(0, index=pat.index, dtype=np.int64)
    for r, words in kw_rows:
        hits.loc[cand] |= np.where(txt.str.contains(keyword_regex(words), regex=True), 1 << r, 0)
    applying = pat["rows"] & (~kw_mask | hits)
    f = pd.Series(0, index=pat.index, dtype=np.int64)
    for r, tb in enumerate(table):
        f |= np.where((applying & (1 << r)) != 0, 1 << tb[0], 0)
    pat = pat.assign(f=f)[f != 0]
    par = pd.read_parquet(f"{corpus}/patent_parties.parquet", columns=["pub_id", "role", "city", "country"])
    par = par[par["role"] == "applicant"]
    pm = par[["city", "country"]].drop_duplicates()
    pm = pm.assign(metro=[resolve(c, k) for c, k in zip(pm["city"], pm["country"])]).dropna(subset=["metro"])
    app = par.merge(pm, on=["city", "country"])[["pub_id", "metro"]].drop_duplicates()
    dd = pd.Timestamp(D).date()
    y0, y1 = pd.Timestamp(Y, 1, 1).date(), pd.Timestamp(Y, 12, 31).date()
    g, e, l, pd_ = pat["grant_date"], pat["expiry_date"], pat["lapse_date"], pat["publication_date"]
    valid = (pat["type"] == "invention") & g.notna() & (g <= dd) & (e.isna() | (e > dd)) & (l.isna() | (l > dd))
    pctm = pat["pct"] & (pd_ >= y0) & (pd_ <= y1)
    out = {}
    for name, mask in (("valid", valid), ("pct", pctm)):
        x = pat[mask].merge(app, on="pub_id").groupby(["metro", "family_id"])["f"].agg(np.bitwise_or.reduce).reset_index()
        for metro, grp in x.groupby("metro"):
            out[(name, metro)] = tuple(int(((grp["f"] & (1 << k)) != 0).sum()) for k in range(nf)) + (len(grp),)
    net = pat[((pat["type"] == "invention") & g.notna() & (g >= y0) & (g <= y1) & (e.isna() | (e > y1)) & (l.isna() | (l > y1))) | pctm]
    net = net.groupby("family_id")["f"].agg(np.bitwise_or.reduce)
    allp = pd.read_parquet(f"{corpus}/patents.parquet", columns=["pub_id", "family_id"])
    fm = allp[allp["family_id"].isin(net.index)].merge(app, on="pub_id")[["family_id", "metro"]].drop_duplicates()
    pairs = fm.merge(fm, on="family_id")
    pairs = pairs[pairs["metro_x"] < pairs["metro_y"]]
    pairs = pairs.assign(f=pairs["family_id"].map(net))
    add_degrees(out, ((a, b, [int(((g["f"] & (1 << k)) != 0).sum()) for k in range(nf)] + [len(g)])
                      for (a, b), g in pairs.groupby(["metro_x", "metro_y"])), nf)
    return out


def gihi_counts(out_dir):
    got = {}
    for r in ref.rows(Path(out_dir) / "indicators_by_field.csv"):
        got.setdefault(r["metro"], []).append((int(r["i09_valid_families"]), int(r["i10_pct_families"]), int(r["i18_degree"])))
    return got


def compare(duck, got, nf):
    bad = 0
    for m, cells in got.items():
        for name, k in (("valid", 0), ("pct", 1), ("degree", 2)):
            expect = tuple(duck.get((name, m), (0,) * (nf + 1)))
            mine = tuple(c[k] for c in cells)
            if expect != mine:
                bad += 1
                if bad < 5:
                    print("differs", name, m, expect, mine)
    return bad


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--gihi", default=str(ROOT / "target/release/gihi"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    a = ap.parse_args()
    corpus = Path(a.corpus).resolve()
    fields, _ = ref.load_rows()
    nf = len(fields)
    times = {"gihi": [], "duckdb": [], "duckdb_i09": [], "pandas": []}
    with tempfile.TemporaryDirectory() as tmp:
        for rep in range(a.reps):
            out = Path(tmp) / f"out-{rep}-synthetic"
            results = {}

            def run_gihi():
                subprocess.run([a.gihi, "records", "patents", "--records", str(corpus), "--out", str(out),
                                "--threads", str(a.threads)], check=True, capture_output=True)

            def run_duckdb():
                results["duckdb"] = duckdb_run(corpus, "2023-01-01", 2023, a.threads)

            def run_duckdb_i09():
                results["duckdb_i09"] = duckdb_run(corpus, "2023-01-01", 2023, a.threads, only_i09=True)

            def run_pandas():
                results["pandas"] = pandas_run(corpus, "2023-01-01", 2023)

            # The order rotates every round, so that no tool always runs right after the
            # same other one (a run after pandas' 30 s is slower, whichever tool it is).
            order = [("gihi", run_gihi), ("duckdb", run_duckdb), ("duckdb_i09", run_duckdb_i09),
                     ("pandas", run_pandas)]
            for name, run in order[rep % 4:] + order[:rep % 4]:
                t = time.perf_counter()
                run()
                times[name].append(time.perf_counter() - t)
            if rep == 0:
                mine = gihi_counts(out)
                bad = compare(results["duckdb"], mine, nf) + compare(results["pandas"], mine, nf)
                print(f"counts: {'identical' if bad == 0 else f'{bad} differences'} across gihi, DuckDB and pandas (I09, I10, I18 per metro and field)")
                i09 = results["duckdb_i09"]
                bad += sum(i09[k] != results["duckdb"].get(k) for k in i09)
                print(f"I09 alone (DuckDB): {'identical to the full run' if bad == 0 else 'differs'} ({len(i09)} rows)")
                if bad:
                    return 1
    med = {k: statistics.median(v) for k, v in times.items()}
    for k, v in times.items():
        print(f"{k}: median {med[k]:.2f} s over {len(v)} runs ({', '.join(f'{x:.2f}' for x in v)})")
    print(f"ratio duckdb / gihi: {med['duckdb'] / med['gihi']:.2f}; pandas / gihi: {med['pandas'] / med['gihi']:.2f}")
    print(f"ratio duckdb (I09 table alone) / gihi (everything): {med['duckdb_i09'] / med['gihi']:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
