#!/usr/bin/env python3
"""Derive data/historical_figures.csv: period means of the actors' figures used by the
historical built-ins `cold-war` (1949-1989) and `post-cold-war` (1990-2021).

Spending: SIPRI Military Expenditure Database, 2024 release, constant 2022 US$ (US$ bn) and
share of GDP (%), mean over the years SIPRI has in the period, summed over each group's
countries year by year. The USSR has SIPRI constant-price figures only for 1988-1990; for the
cold war its mean is those years' (the only comparable figure; it overstates the early
period) and the share of GDP is not in SIPRI. Personnel: Correlates of War National Material
Capabilities v6.0 `milper` (thousands), period mean (NMC ends 2016).
Groups: us = United States; europe = the other NATO members in each year of the period
(accession years as in data/PROVENANCE.md; Iceland has no SIPRI figures); russia = USSR to
1991, Russia from 1992.

Usage: python3 scripts/derive_historical_figures.py ../shared/data > data/historical_figures.csv
"""
import csv
import sys
from collections import defaultdict

ACCESSION = {  # SIPRI country name -> (accession year, COW ccode)
    "Canada": (1949, 20), "United Kingdom": (1949, 200), "France": (1949, 220),
    "Belgium": (1949, 211), "Netherlands": (1949, 210), "Luxembourg": (1949, 212),
    "Denmark": (1949, 390), "Norway": (1949, 385), "Italy": (1949, 325), "Portugal": (1949, 235),
    "Greece": (1952, 350), "Turkiye": (1952, 640), "Turkey": (1952, 640), "Germany": (1955, 255),
    "Spain": (1982, 230), "Czechia": (1999, 316), "Hungary": (1999, 310), "Poland": (1999, 290),
    "Bulgaria": (2004, 355), "Estonia": (2004, 366), "Latvia": (2004, 367),
    "Lithuania": (2004, 368), "Romania": (2004, 360), "Slovakia": (2004, 317),
    "Slovenia": (2004, 349), "Albania": (2009, 339), "Croatia": (2009, 344),
}
PERIODS = {"cold-war": (1949, 1989), "post-cold-war": (1990, 2021)}


def load(path):
    out = defaultdict(dict)
    for r in csv.DictReader(open(path, newline="")):
        if r["Value"]:
            out[r["Country"]][int(r["Year"])] = float(r["Value"])
    return out


def mean(xs):
    return sum(xs) / len(xs) if xs else float("nan")


def main(root):
    usd = load(f"{root}/spending/sipri_constant2022usd_cleaned.csv")
    gdp = load(f"{root}/spending/sipri_share_of_gdp_cleaned.csv")
    milper = defaultdict(dict)
    for r in csv.DictReader(open(f"{root}/cow/NMC-60-abridged.csv", newline="")):
        if int(r["milper"]) >= 0:
            milper[int(r["ccode"])][int(r["year"])] = float(r["milper"])
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["period", "group", "first_year", "last_year", "spending_usd_bn", "spending_pct_gdp", "forces_k", "years_with_spending"])
    for period, (a, b) in PERIODS.items():
        years = range(a, b + 1)
        groups = {
            "us": lambda y: [("United States of America", 2)],
            "europe": lambda y: [(c, k) for c, (acc, k) in ACCESSION.items() if acc <= y],
            "russia": lambda y: [("USSR", 365)] if y <= 1991 else [("Russia", 365)],
        }
        for g, members in groups.items():
            spend, share, forces = [], [], []
            for y in years:
                ms = members(y)
                s = [usd[c][y] for c, _ in ms if y in usd.get(c, {})]
                if s:
                    spend.append(sum(s) / 1000.0)
                    # GDP-weighted share: total spending / total GDP of those with both
                    both = [(usd[c][y], gdp[c][y]) for c, _ in ms if y in usd.get(c, {}) and gdp.get(c, {}).get(y)]
                    if both:
                        share.append(100.0 * sum(v for v, _ in both) / sum(v / f for v, f in both))
                f = [milper[k][y] for _, k in ms if y in milper.get(k, {})]
                if f:
                    forces.append(sum(f))
            w.writerow([period, g, a, b, f"{mean(spend):.1f}", f"{mean(share):.2f}" if share else "", f"{mean(forces):.0f}", len(spend)])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data")
