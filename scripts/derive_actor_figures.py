"""Derive the actor groups' spending figures from SIPRI (2024 release) and COW NMC v6.0.

Run from the project root with the shared data beside it:
    python3 scripts/derive_actor_figures.py ../shared/data > data/actor_figures.csv
The output is committed as data/actor_figures.csv; the built-in architectures quote it.
"""
import csv, sys, collections
root = sys.argv[1] if len(sys.argv) > 1 else "../shared/data"
GROUPS = {
    "frontline": ["Poland", "Estonia", "Latvia", "Lithuania", "Finland", "Sweden", "Norway", "Denmark"],
    "central_europe": ["Czechia", "Slovakia", "Hungary", "Romania", "Bulgaria", "Slovenia", "Croatia"],
    "western_europe": ["United Kingdom", "France", "Germany", "Italy", "Spain", "Netherlands", "Belgium",
                       "Portugal", "Luxembourg", "Greece", "Canada", "Albania", "North Macedonia",
                       "Montenegro", "Iceland", "Turkiye"],
    "us": ["United States of America"],
    "russia": ["Russia"],
    "belarus": ["Belarus"],
    "ukraine": ["Ukraine"],
}
ALIASES = {"Czechia": ["Czechia", "Czech Republic"], "Slovakia": ["Slovakia", "Slovak Republic"],
           "Turkiye": ["Turkiye", "Türkiye", "Turkey"]}
YEAR = "2023"
usd, share = {}, {}
for fname, store in [("sipri_constant2022usd_cleaned.csv", usd), ("sipri_share_of_gdp_cleaned.csv", share)]:
    for row in csv.DictReader(open(f"{root}/spending/{fname}")):
        if row["Year"] == YEAR and row["Value"] not in ("", "..."):
            store[row["Country"]] = float(row["Value"])
def find(store, country):
    for name in ALIASES.get(country, [country]):
        if name in store:
            return store[name]
    return None
# COW NMC v6.0 military personnel (thousands), latest year 2016, by COW state abbreviation.
COW = {"frontline": ["POL", "EST", "LAT", "LIT", "FIN", "SWD", "NOR", "DEN"],
       "central_europe": ["CZR", "SLO", "HUN", "RUM", "BUL", "SLV", "CRO"],
       "western_europe": ["UKG", "FRN", "GMY", "ITA", "SPN", "NTH", "BEL", "POR", "LUX", "GRC", "CAN",
                          "ALB", "MAC", "MNG", "ICE", "TUR"],
       "us": ["USA"], "russia": ["RUS"], "belarus": ["BLR"], "ukraine": ["UKR"]}
milper = {}
for row in csv.DictReader(open(f"{root}/cow/NMC-60-abridged.csv")):
    if row["year"] == "2016" and float(row["milper"]) >= 0:
        milper[row["stateabb"]] = float(row["milper"])
w = csv.writer(sys.stdout)
w.writerow(["group", "year", "spending_usd_bn_2022prices", "gdp_usd_bn_2022prices", "spending_pct_gdp", "countries_found", "countries_missing", "forces_k_2016_cow"])
for g, countries in GROUPS.items():
    spend = gdp = 0.0
    found, missing = [], []
    for c in countries:
        s, sh = find(usd, c), find(share, c)
        if s is None or sh is None or sh <= 0:
            missing.append(c)
            continue
        spend += s / 1000.0
        gdp += s / 1000.0 / sh
        found.append(c)
    w.writerow([g, YEAR, round(spend, 1), round(gdp, 0), round(100 * spend / gdp, 2) if gdp else "", len(found), ";".join(missing), round(sum(milper.get(a, 0.0) for a in COW[g]))])
