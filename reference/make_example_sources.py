#!/usr/bin/env python3
"""Writes data/examples/sources-synthetic/: a SYNTHETIC example of every source file that
`gihi derive` reads. Every value is invented (seeded numpy); every file says so on its first
line. The example covers all 120 cities, so `gihi derive` followed by `gihi compute` runs end
to end, and it exercises the rules' edge cases: metros summed from several member cities, a
name shared by two metros (Arlington) settled by the `metro` column, a laureate working in two
cities, excluded prizes, ARWU rank bands, Nature Index sub-institutions, a system on both
supercomputer lists, a firm on several lists, unicorns on both lists, state and national
proxies, and fallback years.

  python3 reference/make_example_sources.py
"""
import csv
import tomllib
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "data/examples/sources-synthetic"
BANNER = "# SYNTHETIC example source for gihi derive: invented values, NOT real data."

rng = np.random.default_rng(20241128)
reg = tomllib.load(open(ROOT / "data/editions/2024/cities.toml", "rb"))
cities = reg["city"]
fallback = tomllib.load(open(ROOT / "data/derivation/gdp-fallback-years.toml", "rb"))["fallback"]
size = {c["id"]: float(np.exp(0.35 * np.log(len(c["members"])) + rng.normal(0, 0.7) - (1.0 if c["group"] == "mini" else 0.0))) for c in cities}


def member(c, k=0):
    m = c["members"][min(k, len(c["members"]) - 1)]
    return m["name_en"], m["country"]


def place(c, k=0):
    name, iso = member(c, k)
    metro = c["id"] if name in ("Arlington", "Aurora", "Pasadena", "Glendale") else ""
    return [name, iso, metro]


def write(name, header, rows):
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / name, "w", newline="", encoding="utf-8") as f:
        f.write(BANNER + "\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def lognorm(base, c, sigma=0.8):
    return base * size[c["id"]] * float(np.exp(rng.normal(0, sigma)))


def per_member_rows(fields):
    """One row per metro, two for metros with several members (values split)."""
    rows = []
    for c in cities:
        vals = [f(c) for f in fields]
        parts = 2 if len(c["members"]) > 3 else 1
        for k in range(parts):
            rows.append(place(c, k) + [round(v / parts, 2) if isinstance(v, float) else v // parts + (v % parts if k == 0 else 0) for v in vals])
    return rows


write("population.csv", ["city", "country", "metro", "population", "year"],
      [r + [2023] for r in per_member_rows([lambda c: int(lognorm(2.5e6, c, 0.3) + 2e5)])])
write("dimensions.csv", ["city", "country", "metro", "active_researchers", "highly_cited_papers", "policy_patent_trial_citations"],
      per_member_rows([lambda c: int(lognorm(9000, c)), lambda c: int(lognorm(1500, c)), lambda c: int(lognorm(12000, c))]))
write("patents.csv", ["city", "country", "metro", "valid_invention_patents", "pct_applications"],
      per_member_rows([lambda c: int(lognorm(800, c, 1.0)), lambda c: int(lognorm(300, c, 1.0))]))
write("network.csv", ["metro", "coauthorship_eigenvector", "patent_degree"],
      [[c["id"], round(min(1.0, 0.05 * size[c["id"]] ** 0.7), 5), int(min(119, 20 * size[c["id"]] ** 0.6))] for c in cities])
write("cloudscene.csv", ["city", "country", "metro", "colocation_data_centres"], per_member_rows([lambda c: int(lognorm(25, c))]))
write("oag_flights.csv", ["city", "country", "metro", "international_flights"], per_member_rows([lambda c: int(lognorm(20000, c))]))
write("museums_libraries.csv", ["city", "country", "metro", "museums", "libraries"],
      per_member_rows([lambda c: int(lognorm(60, c, 0.5)), lambda c: int(lognorm(90, c, 0.5))]))
write("speedtest.csv", ["city", "country", "metro", "fixed_download", "fixed_upload", "mobile_download", "mobile_upload"],
      [place(c) + [round(float(rng.uniform(80, 300)), 1), round(float(rng.uniform(20, 200)), 1), round(float(rng.uniform(40, 200)), 1), round(float(rng.uniform(8, 30)), 1)] for c in cities])

main = [c for c in cities if c["group"] == "main"]
weights = np.array([size[c["id"]] for c in cities])
weights = weights / weights.sum()


def pick():
    """A city drawn with probability proportional to its synthetic size (mini-hubs included)."""
    return cities[int(rng.choice(len(cities), p=weights))]

laureates = []
for k in range(60):
    c = cities[int(rng.integers(0, 70))]
    prize = ["Nobel Physics", "Nobel Chemistry", "Nobel Medicine", "Nobel Economics", "Fields", "Turing"][k % 6]
    laureates.append([f"Synthetic Laureate {k}", prize, 1990 + k % 30] + place(c))
laureates.append(["Synthetic Laureate 0", "Nobel Physics", 1990] + place(cities[70]))   # works in a second city
laureates.append(["Synthetic Writer", "Nobel Literature", 2001] + place(cities[8]))       # not counted
laureates.append(["Synthetic Peacemaker", "Nobel Peace", 2005] + place(cities[8]))        # not counted
write("laureates.csv", ["laureate", "prize", "year", "city", "country", "metro"], laureates)

arwu = []
for k in range(260):
    c = pick()
    rank = str(k + 1) if k < 100 else ["101-150", "151-200", "201-300"][min((k - 100) // 50, 2)]
    name, iso = member(c)
    arwu.append([rank, f"Synthetic University {k}", iso, name, place(c)[2]])
write("arwu.csv", ["World Rank", "Institution", "Country/Region", "City", "metro"], arwu)

nature = []
for k in range(220):
    c = pick()
    name, iso = member(c)
    nature.append([k + 1, f"Synthetic Institute {k}", iso, round(3000 / (k + 1) ** 0.8, 2), name, "", place(c)[2]])
for s, (c, share) in enumerate([(cities[9], 60.0), (cities[70], 45.0), (cities[84], 1.0)]):  # sub-institutions of institute 0
    name, iso = member(c)
    nature.append(["", f"Synthetic Institute 0 - branch {s}", iso, share, name, "Synthetic Institute 0", place(c)[2]])
write("nature_index.csv", ["Position", "Institution", "Country/territory", "Share", "City", "Parent", "metro"], nature)

facilities = []
for k in range(90):
    c = cities[int(rng.integers(0, len(cities)))]
    cat = ["dedicated-research", "public-platform", "supercomputer"][k % 3]
    status = "operating" if k % 7 else "construction"
    facilities.append([f"Synthetic Facility {k}", cat, status] + place(c))
write("facilities.csv", ["name", "category", "status", "city", "country", "metro"], facilities)

top500 = []
for k in range(70):
    c = pick()
    name, iso = member(c)
    top500.append([k + 1, f"Synthetic System {k}", "Synthetic Computer", f"Synthetic Site {k}", iso, name, place(c)[2]])
write("top500.csv", ["Rank", "Name", "Computer", "Site", "Country", "City", "metro"], top500)
chinese = [c for c in cities if c["country"] == "CN"]
hpc = [[k + 1, f"Synthetic CN System {k}", f"Synthetic CN Site {k}", member(chinese[k % len(chinese)])[0], ""] for k in range(15)]
cn0 = next(r for r in top500 if r[4] == "CN") if any(r[4] == "CN" for r in top500) else None
if cn0:
    hpc.append([16, cn0[1], cn0[3], cn0[5], ""])  # the same system on both lists: counted once
write("china_hpc_top100.csv", ["Rank", "Name", "Site", "City", "metro"], hpc)

firms = []
for k in range(220):
    c = pick()
    lists = ["eu-scoreboard", "clarivate-top100", "fortune-global500-tech"]
    firms.append([f"Synthetic Firm {k} Inc.", lists[k % 3]] + place(c))
    if k % 10 == 0:
        firms.append([f"Synthetic Firm {k}, Ltd", lists[(k + 1) % 3]] + place(c))  # same firm, second list
write("leading_firms.csv", ["firm", "list", "city", "country", "metro"], firms)

cb, hurun = [], []
for k in range(160):
    c = pick()
    name, iso = member(c)
    cb.append([f"Synthetic Unicorn {k}", round(float(rng.uniform(1, 20)), 2), iso, name, place(c)[2]])
    if k % 3 == 0:
        hurun.append([f"SYNTHETIC UNICORN {k} Co., Ltd.", round(float(rng.uniform(1, 20)), 2), iso, name, place(c)[2]])
for k in range(40):
    c = pick()
    name, iso = member(c)
    hurun.append([f"Synthetic Hurun-only {k}", round(float(rng.uniform(1, 20)), 2), iso, name, place(c)[2]])
write("unicorns_cbinsights.csv", ["Company", "Valuation ($B)", "Country", "City", "metro"], cb)
write("unicorns_hurun.csv", ["Company", "Valuation", "Country", "City", "metro"], hurun)

codes = ["4530", "452020", "352020", "151010", "201010", "2030", "4010", "2550"]  # last two: not high-tech
forbes = []
for k in range(180):
    c = pick()
    name, iso = member(c)
    forbes.append([k + 1, f"Synthetic Corp {k}", iso, name, codes[k % len(codes)], round(float(rng.lognormal(3, 1)), 2), place(c)[2]])
write("forbes_global2000.csv", ["Rank", "Name", "Country", "City", "GICS", "Market Value ($B)", "metro"], forbes)
subs = ["45102010", "45103010", "45301020", "35202010", "50102010", "40101010", "25502020"]
listed = []
for k in range(240):
    c = pick()
    name, iso = member(c)
    listed.append([f"Synthetic Listed {k}", iso, name, subs[k % len(subs)], round(float(rng.lognormal(6, 1.2)), 1), place(c)[2]])
write("listed_firms.csv", ["Company", "Country", "City", "GICS Sub-Industry", "Revenue 2023 (USD m)", "metro"], listed)

# World Bank exports: metadata lines, a header with one column per year, a trailing comma.
codes3 = {c["code"]: c["code3"] for c in reg["country"]}
series_codes = sorted(set(codes3.values()) | {"HKG", "MAC", "TWN"})
years = list(range(2010, 2024))
deflator = {code: {y: round(80 + float(rng.uniform(0, 20)) + 2.5 * (y - 2010), 3) for y in years} for code in series_codes}
ppp = {code: {y: round(float(rng.uniform(0.5, 30)), 4) for y in years} for code in series_codes}
for name, ind, label, table in [("wb_gdp_deflator.csv", "NY.GDP.DEFL.ZS", "GDP deflator (base year varies by country)", deflator),
                                ("wb_ppp_factor.csv", "PA.NUS.PPP", "PPP conversion factor, GDP (LCU per international $)", ppp)]:
    with open(OUT / name, "w", newline="", encoding="utf-8") as f:
        f.write(BANNER + "\n")
        f.write('"Data Source","World Development Indicators",\n\n"Last Updated Date","2024-06-28",\n\n')
        w = csv.writer(f, lineterminator=",\n", quoting=csv.QUOTE_ALL)
        w.writerow(["Country Name", "Country Code", "Indicator Name", "Indicator Code"] + [str(y) for y in years])
        for code in series_codes:
            w.writerow([f"Synthetic {code}", code, label, ind] + [table[code][y] for y in years])

gdp = []
for c in cities:
    target = fallback.get(c["id"], 2022)
    code = "TWN" if c["id"] == "taipei" else codes3[c["country"]]
    real = lognorm(2e11, c, 0.3)
    for y in range(target - 1, target + 1):
        real *= 1 + float(rng.normal(0.03, 0.02))
        nominal = real * (deflator[code][y] / deflator[code][2015]) * ppp[code][2015]
        gdp.append(place(c) + [y, round(nominal, 0), "TWN" if code == "TWN" else ""])
        if c["id"] == "greater-bay-area":  # a Hong Kong member priced in HKD with the HKG series
            hk = 0.3 * real * (deflator["HKG"][y] / deflator["HKG"][2015]) * ppp["HKG"][2015]
            gdp.append(["Hong Kong", "CN", "", y, round(hk, 0), "HKG"])
write("gdp.csv", ["city", "country", "metro", "year", "nominal_gdp_lcu", "wb_code"], gdp)

labour = []
for i, c in enumerate(cities):
    g = round(lognorm(2e11, c, 0.3), 0)
    if i % 4 == 0:
        labour.append(place(c) + [2022, "", int(lognorm(2.5e6, c, 0.3) + 2e5), round(float(rng.uniform(0.6, 0.72)), 3), "national" if i % 8 == 0 else "state"])
    else:
        labour.append(place(c) + [2022, int(lognorm(1.7e6, c, 0.3) + 1e5), "", "", ""])
# I16's GDP comes from gdp.csv (as for I15); `g` is still drawn to keep the random stream.
write("labour.csv", ["city", "country", "metro", "year", "working_age_population", "total_population", "working_age_share", "share_level"], labour)

fdi = []
for k in range(400):
    a, b = cities[int(rng.integers(0, len(cities)))], cities[int(rng.integers(0, len(cities)))]
    src = member(a) if k % 5 else ("Synthetic Elsewhere", "US")  # the source side may be outside the registry
    fdi.append([src[0], src[1], member(b)[0], member(b)[1], round(float(rng.lognormal(3, 1.3)), 1), place(a)[2] if k % 5 else "", place(b)[2]])
write("fdi_markets.csv", ["Source city", "Source country", "Destination city", "Destination country", "Capital investment (USD m)", "source metro", "destination metro"], fdi)

rounds = ["Seed", "Angel", "Series A", "Series B", "Series C", "Series D", "Series E+", "Series F", "Growth Equity", "Private Equity"]
funding = []
for k in range(500):
    c = pick()
    name, iso = member(c)
    funding.append([f"Synthetic Startup {k}", name, iso, rounds[k % len(rounds)], round(float(rng.lognormal(2.5, 1.2)), 2), place(c)[2]])
write("cbinsights_funding.csv", ["Company", "City", "Country", "Round", "Amount (USD m)", "metro"], funding)

lawyers, talent = [], []
proxies = tomllib.load(open(ROOT / "data/derivation/proxies.toml", "rb"))
national = {"HU", "ID", "IL", "MY", "TH", "QA"}  # the countries of proxies.toml's I23 national list
state = set(proxies["I23"]["state"])
for c in cities:
    name, iso = member(c)
    if c["id"] in state:
        lawyers.append([f"{c['name_en']} state", "state", iso, c["id"], "", round(float(rng.uniform(500, 3000)), 1), 2022])
    elif iso not in national:
        # Over the same member cities as population.csv (a per-million numerator and its
        # denominator must cover the same members): one draw, split as per_member_rows does.
        v = int(lognorm(4000, c, 0.5))
        parts = 2 if len(c["members"]) > 3 else 1
        for k in range(parts):
            lawyers.append([place(c, k)[0], "city", iso, place(c, k)[2], v // parts + (v % parts if k == 0 else 0), "", 2022])
    if c["id"] in proxies["I28"]["national"]:
        pass  # national LinkedIn rates below
    else:
        v = int(lognorm(5000, c, 0.6))
        parts = 2 if len(c["members"]) > 3 else 1
        for k in range(parts):
            mname = place(c, k)[0]
            mainland = iso == "CN" and c["id"] != "taipei" and mname not in ("Hong Kong", "Macao")
            talent.append([mname, "city", iso, place(c, k)[2], "zhaopin" if mainland else "linkedin", v // parts + (v % parts if k == 0 else 0), ""])
for iso in sorted(national):
    lawyers.append([iso, "country", iso, "", "", round(float(rng.uniform(300, 2000)), 1), 2022])
for iso in ("KR", "AE", "QA", "RU", "IE"):
    talent.append([iso, "country", iso, "", "linkedin", "", round(float(rng.uniform(500, 4000)), 1)])
write("lawyers.csv", ["place", "level", "country", "metro", "lawyers", "per_million", "year"], lawyers)
write("talent.csv", ["place", "level", "country", "metro", "platform", "inflow", "per_million"], talent)

countries = {c["code"]: c["name_en"] for c in reg["country"]}
egov = [[name, round(float(rng.uniform(0.55, 0.98)), 4)] for name in countries.values()] + [["Synthetic Republic", 0.5]]
write("un_egov.csv", ["Country Name", "Online Service Index"], egov)
write("gdl_schooling.csv", ["country", "region", "year", "msch", "metro"],
      [[c["country"], f"Synthetic region of {c['name_en']}", 2021, round(float(rng.uniform(8, 14)), 2), c["id"]] for c in cities])
print(f"wrote {len(list(OUT.glob('*.csv')))} files to {OUT.relative_to(ROOT)}")
