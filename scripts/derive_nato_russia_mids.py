#!/usr/bin/env python3
"""Derive data/nato_russia_mids.csv: militarized disputes between NATO members and the
USSR/Russia, 1949-2014, one row per dispute, from the Correlates of War MID 5.0
participant-level file (MIDB; Palmer et al. 2022).

A dispute counts when USSR/Russia (ccode 365) and at least one NATO member, in a year it
belonged to NATO, took part on opposite sides (`sidea`), their participations overlapping in
time. What passed *between* them is judged from the participants, not from the dispute's
overall level: the dyadic hostility level is the higher of Russia's hostlev and the highest
hostlev of the NATO members opposite (most of these disputes are one-sided: a Soviet fighter
downs a reconnaissance aircraft, Norway seizes a Russian trawler; the other side's hostlev
is 1), except that a war level (5) was never reached between them, so when one side is at
war (with a third party) the dyad takes the other side's level: Suez 1956 or Vietnam, where
the USSR only threatened, count at the USSR's level. Fatal: the dyad is at use of force and
the fatality level of Russia or of a NATO member opposite is 1 or more (MID fatality codes;
-9 missing counts as not fatal).
The model's rung of each dispute (docs/validation.md §Hindcasts): hostlev 2-3 (threat,
display) -> rung 0, crisis without violence; hostlev 4 (use of force) not fatal -> rung 1,
minor clashes; hostlev 4 fatal -> rung 2, serious clashes; hostlev 5 -> rung 3, war.

Usage: python3 scripts/derive_nato_russia_mids.py ../shared/data/cow/MIDB_5.0.csv > data/nato_russia_mids.csv
"""
import csv
import sys

# NATO accession years (the treaties; data/PROVENANCE.md). COW country codes.
ACCESSION = {
    2: 1949, 20: 1949, 200: 1949, 220: 1949, 211: 1949, 210: 1949, 212: 1949, 390: 1949,
    385: 1949, 395: 1949, 325: 1949, 235: 1949,  # US CAN UK FRN BEL NTH LUX DEN NOR ICE ITA POR
    350: 1952, 640: 1952,  # Greece, Turkey
    260: 1955,  # West Germany (GFR); unified Germany keeps ccode 255 from 1990
    255: 1990,
    230: 1982,  # Spain
    316: 1999, 310: 1999, 290: 1999,  # Czech Republic, Hungary, Poland
    355: 2004, 366: 2004, 367: 2004, 368: 2004, 360: 2004, 317: 2004, 349: 2004,
    339: 2009, 344: 2009,  # Albania, Croatia
    341: 2017, 343: 2020, 375: 2023, 380: 2024,
}
RUSSIA = 365
FIRST, LAST = 1949, 2014


def rung(hostlev, fatal):
    if hostlev >= 5:
        return 3
    if hostlev == 4:
        return 2 if fatal else 1
    return 0


def main(path):
    rows = list(csv.DictReader(open(path, newline="")))
    by_dispute = {}
    for r in rows:
        by_dispute.setdefault(int(r["dispnum"]), []).append(r)
    out = []
    for num, parts in sorted(by_dispute.items()):
        russia = [p for p in parts if int(p["ccode"]) == RUSSIA]
        if not russia:
            continue
        for ru in russia:
            side = int(ru["sidea"])
            ru_start, ru_end = int(ru["styear"]), int(ru["endyear"])
            nato = []
            for p in parts:
                c = int(p["ccode"])
                if c not in ACCESSION or int(p["sidea"]) == side:
                    continue
                start = max(int(p["styear"]), ru_start, ACCESSION[c])
                end = min(int(p["endyear"]), ru_end)
                if start <= end:
                    nato.append((p, start))
            if not nato:
                continue
            year = min(s for _, s in nato)
            if not FIRST <= year <= LAST:
                continue
            ru_host = int(ru["hostlev"])
            nato_host = max(int(p["hostlev"]) for p, _ in nato)
            level = max(ru_host, nato_host)
            if level >= 5:
                level = min(ru_host, nato_host)
            deaths = max([int(ru["fatality"])] + [int(p["fatality"]) for p, _ in nato]) >= 1
            fatal = level >= 4 and deaths
            members = sorted({p["stabb"] for p, _ in nato})
            out.append((num, year, level, ru_host, nato_host, int(fatal), rung(level, fatal), " ".join(members)))
            break
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["dispnum", "year", "dyadic_hostlev", "russia_hostlev", "nato_hostlev", "fatal", "rung", "nato_members"])
    for row in sorted(out, key=lambda r: (r[1], r[0])):
        w.writerow(row)


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/cow/MIDB_5.0.csv")
