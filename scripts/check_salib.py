#!/usr/bin/env python3
"""Check `detente sensitivity --method sobol --export DIR` against SALib.

Usage (after `pip install SALib`):
    detente sensitivity baseline --method sobol --n 64 --runs 500 --json --export out > out/detente.json
    python3 scripts/check_salib.py out

Reads DIR/problem.json, DIR/samples.csv, DIR/outputs.csv, runs SALib.analyze.sobol.analyze
(calc_second_order=False) and compares S1 and ST with detente's JSON (DIR/detente.json, the
--json output). The point estimates must agree to 1e-9; the bootstrap half-widths use
different random resamples, so they are compared loosely (ratio within 0.5-2).
"""
import csv
import json
import sys

import numpy as np
from SALib.analyze import sobol


def main(d):
    problem = json.load(open(f"{d}/problem.json"))
    with open(f"{d}/samples.csv") as f:
        rows = list(csv.reader(f))
    assert rows[0] == problem["names"], "samples.csv header differs from problem names"
    x = np.array([[float(v) for v in r] for r in rows[1:]])
    with open(f"{d}/outputs.csv") as f:
        out = list(csv.reader(f))
    assert out[0] == ["p_war"], "outputs.csv header must be p_war"
    y = np.array([float(r[0]) for r in out[1:]])
    assert len(y) == len(x), "one output per sample row"
    si = sobol.analyze(problem, y, calc_second_order=False, print_to_console=False, seed=1)
    ours = {i["name"]: i for i in json.load(open(f"{d}/detente.json"))["indices"]}
    worst = 0.0
    for k, name in enumerate(problem["names"]):
        o = ours[name]
        for key in ("S1", "ST"):
            worst = max(worst, abs(si[key][k] - o[key]))
        for key in ("S1_conf", "ST_conf"):
            a, b = si[key][k], o[key]
            if a > 1e-9 and not (0.5 <= b / a <= 2.0):
                print(f"note: {name} {key}: SALib {a:.4g}, detente {b:.4g}")
    print(f"{len(problem['names'])} parameters, {len(y)} evaluations; largest |S1/ST difference| = {worst:.3g}")
    if worst > 1e-9:
        sys.exit("MISMATCH: detente's indices differ from SALib's")
    print("OK: detente's Sobol indices equal SALib's")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out")
