"""Writes reference/fixtures/formula-no-value-synthetic.xlsx: a SYNTHETIC indicator table
whose cell D3 (boston, I03) is a formula without a stored value, as openpyxl and other
libraries write them (Excel and LibreOffice store the computed value; these do not).

    python3 reference/make_formula_fixture.py     # needs openpyxl
"""
import csv
from pathlib import Path

import openpyxl

root = Path(__file__).resolve().parent
rows = [r for r in csv.reader(l for l in open(root / "fixtures/synthetic-seed1.csv", encoding="utf-8") if not l.startswith("#"))]
wb = openpyxl.Workbook()
ws = wb.active
ws.title = "synthetic"
for r in rows[:3]:
    ws.append([r[0]] + [float(x) for x in r[1:]] if r[0] != "city" else r)
ws["D3"] = "=B3*2"
wb.save(root / "fixtures/formula-no-value-synthetic.xlsx")
