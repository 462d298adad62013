#!/usr/bin/env python3
"""Independent reference for `gihi records patents` (plain Python, standard library only).

Reads a CSV record corpus (patents.csv, patent_ipc.csv, patent_parties.csv), classifies it
by data/records/ipc-fields.toml, maps applicants to metros through the 2024 edition's
registry, aliases and data/derivation/country-names.toml, and computes per metro and field
I09 (families valid on the date), I10 (families with a PCT publication in the year) and I18
(co-application degree), written without reading any gihi code. With --check DIR it compares
them with gihi's DIR/indicators_by_field.csv and exits 1 on any difference.

    python3 reference/records_patents.py CORPUS --check OUT
"""
import argparse
import csv
import datetime as dt
import re
import sys
import tomllib
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        yield from csv.DictReader(line for line in f if not line.startswith("#"))


# ---- IPC ----------------------------------------------------------------------------------
def parse_symbol(text):
    t = text.strip()
    if "(" in t:
        t = t[: t.index("(")].strip()
    m = re.fullmatch(r"([A-Ha-h]\d\d[A-Za-z]) *(\d{1,4})/(\d{2,6})", t)
    if m:
        g = int(m.group(2))
        return (m.group(1).upper(), g, m.group(3)) if g > 0 else None
    m = re.fullmatch(r"([A-Ha-h]\d\d[A-Za-z])(\d{4})(\d{6})", t)
    if m and int(m.group(2)) > 0:
        sub = m.group(3).rstrip("0")
        sub = sub + "0" * max(0, 2 - len(sub))
        return (m.group(1).upper(), int(m.group(2)), sub)
    return None


def parse_pattern(p):
    p = p.strip()
    sc, rest = p[:4], p[4:]
    if rest in ("", "*"):
        return ("subclass", sc)
    if rest.endswith("*"):
        return ("group", sc, int(rest[:-1]))
    s = parse_symbol(p)
    return ("exact", s)


def matches(pat, s):
    if pat[0] == "subclass":
        return s[0] == pat[1]
    if pat[0] == "group":
        return s[0] == pat[1] and s[1] == pat[2]
    return s == pat[1]


def load_rows():
    table = tomllib.load(open(ROOT / "data/records/ipc-fields.toml", "rb"))
    fields, out = [], []
    for fi, f in enumerate(table["field"]):
        fields.append(f["id"])
        for r in f["row"]:
            incs = []
            for inc in r["include"]:
                if isinstance(inc, str):
                    incs.append((parse_pattern(inc), []))
                else:
                    incs.append((parse_pattern(inc["ipc"]), [parse_pattern(e) for e in inc["except"]]))
            out.append((fi, incs, r.get("keywords", [])))
    return fields, out


def keyword_hit(keywords, text):
    low = text.lower()
    for k in keywords:
        prefix = k.endswith("*")
        w = k.rstrip("*").lower()
        start = 0
        while True:
            i = low.find(w, start)
            if i < 0:
                break
            start = i + 1
            before = i == 0 or not (low[i - 1].isascii() and low[i - 1].isalnum())
            after_i = i + len(w)
            after = after_i == len(low) or not (low[after_i].isascii() and low[after_i].isalnum())
            need_before = w[0].isascii() and w[0].isalnum()
            need_after = w[-1].isascii() and w[-1].isalnum() and not prefix
            if (before or not need_before) and (after or not need_after):
                return True
    return False


# ---- places --------------------------------------------------------------------------------
def norm_name(n):
    n = n.strip().lower()
    if n.endswith(" ma"):
        n = n[:-3]
    return "-".join(part.strip() for part in n.split("-"))


def load_places():
    reg = tomllib.load(open(ROOT / "data/editions/2024/cities.toml", "rb"))
    names = tomllib.load(open(ROOT / "data/derivation/country-names.toml", "rb"))["names"]
    country = {}
    for c in reg["country"]:
        for k in (c["code"], c["code3"], c["name_en"], c["name_zh"]):
            country[k.strip().lower()] = c["code"]
    for k, v in names.items():
        country.setdefault(k.strip().lower(), v)
    metro_names = {}
    members = defaultdict(set)
    for c in reg["city"]:
        for n in (c["id"], c["name_en"], c["name_zh"]):
            metro_names[norm_name(n)] = (c["id"], c["country"])
        for m in c["members"]:
            for n in (m["name_en"], m["name_zh"]):
                members[(n.strip().lower(), m["country"])].add(c["id"])
    aliases = {}
    for r in rows(ROOT / "data/editions/2024/place-aliases.csv"):
        iso = country.get(r["country"].strip().lower())
        aliases[(r["place"].strip().lower(), iso)] = r["metro"]
    ids = [c["id"] for c in reg["city"]]

    def resolve(city, ctry):
        iso = country.get((ctry or "").strip().lower())
        if not iso or not (city or "").strip():
            return None
        hit = metro_names.get(norm_name(city))
        if hit and hit[1] == iso:
            return hit[0]
        if (city.strip().lower(), iso) in aliases:
            return aliases[(city.strip().lower(), iso)]
        ms = members.get((city.strip().lower(), iso), set())
        return next(iter(ms)) if len(ms) == 1 else None

    return ids, resolve


def days(text):
    text = (text or "").strip()
    return dt.date.fromisoformat(text).toordinal() if text else None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--valid-on", default="2023-01-01")
    ap.add_argument("--year", type=int, default=2023)
    ap.add_argument("--check", help="a gihi records patents output directory")
    a = ap.parse_args()
    corpus = Path(a.corpus)
    fields, table = load_rows()
    kw_rows = {i for i, r in enumerate(table) if r[2]}
    ids, resolve = load_places()
    D = dt.date.fromisoformat(a.valid_on).toordinal()
    y0, y1 = dt.date(a.year, 1, 1).toordinal(), dt.date(a.year, 12, 31).toordinal()

    sym_rows = defaultdict(set)
    for r in rows(corpus / "patent_ipc.csv"):
        s = parse_symbol(r["ipc"])
        if s is None:
            continue
        for i, (_, incs, _) in enumerate(table):
            if any(matches(p, s) and not any(matches(e, s) for e in ex) for p, ex in incs):
                sym_rows[r["pub_id"]].add(i)
    pubs = {}
    for r in rows(corpus / "patents.csv"):
        rs = sym_rows.get(r["pub_id"], set())
        applying = set()
        for i in rs:
            if i in kw_rows:
                text_hit = keyword_hit(table[i][2], r["title"] or "") or keyword_hit(table[i][2], r["abstract"] or "")
                if not text_hit:
                    continue
            applying.add(i)
        f = {table[i][0] for i in applying}
        pubs[r["pub_id"]] = dict(
            family=r["family_id"], type=r["type"], pct=r["pct"].strip().lower() in ("true", "1"),
            pub=days(r["publication_date"]), grant=days(r["grant_date"]),
            expiry=days(r["expiry_date"]), lapse=days(r["lapse_date"]), fields=f)
    metros = defaultdict(set)
    for r in rows(corpus / "patent_parties.csv"):
        if r["role"] == "applicant":
            m = resolve(r["city"], r["country"])
            if m:
                metros[r["pub_id"]].add(m)

    nf = len(fields)
    valid = defaultdict(lambda: [set() for _ in range(nf + 1)])
    pct = defaultdict(lambda: [set() for _ in range(nf + 1)])
    fam_net_fields = defaultdict(set)
    fam_metros = defaultdict(set)
    for pid, p in pubs.items():
        fam_metros[p["family"]] |= metros.get(pid, set())
        if not p["fields"]:
            continue
        is_valid = p["type"] == "invention" and p["grant"] is not None and p["grant"] <= D \
            and (p["expiry"] is None or p["expiry"] > D) and (p["lapse"] is None or p["lapse"] > D)
        is_pct = p["pct"] and y0 <= p["pub"] <= y1
        net = (p["type"] == "invention" and p["grant"] is not None and y0 <= p["grant"] <= y1
               and (p["expiry"] is None or p["expiry"] > y1) and (p["lapse"] is None or p["lapse"] > y1)) or is_pct
        for m in metros.get(pid, set()):
            for fi in p["fields"]:
                if is_valid:
                    valid[m][fi].add(p["family"])
                if is_pct:
                    pct[m][fi].add(p["family"])
            if is_valid:
                valid[m][nf].add(p["family"])
            if is_pct:
                pct[m][nf].add(p["family"])
        if net:
            fam_net_fields[p["family"]] |= p["fields"]
    partners = defaultdict(lambda: [set() for _ in range(nf + 1)])
    for fam, fs in fam_net_fields.items():
        ms = sorted(fam_metros[fam])
        for x in ms:
            for y in ms:
                if x != y:
                    for fi in fs:
                        partners[x][fi].add(y)
                    partners[x][nf].add(y)
    names = fields + ["all"]
    expected = {}
    for m in ids:
        for k, f in enumerate(names):
            expected[(m, f)] = (len(valid[m][k]), len(pct[m][k]), len(partners[m][k]))
    if not a.check:
        w = csv.writer(sys.stdout)
        w.writerow(["metro", "field", "i09_valid_families", "i10_pct_families", "i18_degree"])
        for (m, f), v in expected.items():
            w.writerow([m, f, *v])
        return 0
    got = {(r["metro"], r["field"]): (int(r["i09_valid_families"]), int(r["i10_pct_families"]), int(r["i18_degree"]))
           for r in rows(Path(a.check) / "indicators_by_field.csv")}
    diffs = [(k, expected[k], got.get(k)) for k in expected if expected[k] != got.get(k)]
    nonzero = sum(1 for v in expected.values() if any(v))
    if diffs:
        for d in diffs[:20]:
            print("differs:", d)
        print(f"records reference: {len(diffs)} of {len(expected)} cells differ")
        return 1
    print(f"records reference: {len(expected)} cells agree ({nonzero} non-zero)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
