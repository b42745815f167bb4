#!/usr/bin/env python3
"""inaddr.py EXPORT.csv: the first plain e-mail address of a synthetic
export: an address that is in the data, for the "am I affected?" tests."""
import csv
import re
import sys

for r in csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")):
    e = r.get("email") or ""
    if re.fullmatch(r"[a-z][a-z0-9.]*@[a-z0-9.-]+\.[a-z]+", e):
        print(e)
        break
