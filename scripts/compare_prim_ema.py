#!/usr/bin/env python3
"""Check `detente discover`'s PRIM against EMA Workbench's `prim.Prim`.

    detente discover baseline --when "p_war > 0.2" --export out/ --json > out/discover.json
    python3 -m venv /tmp/ema && /tmp/ema/bin/pip install ema_workbench
    /tmp/ema/bin/python scripts/compare_prim_ema.py out/

Reads `samples.csv`, `outcomes.csv` (its `of_interest` column) and `discover.json` from the
directory, runs EMA Workbench's PRIM with the settings `discover.json` echoes (objective,
threshold, peel_alpha, paste_alpha, mass_min), and compares, step by step, the peeling and
pasting trajectory: the number of peeling steps, the number of steps, and coverage, density
and mass at each step (within --tol, 0.02 by default); it also counts the boxes whose
restricted inputs and limits are the same (reported, not required). EMA's `find_box` returns a box without
its trajectory when the last box misses the threshold, so the trajectory is taken from its
peeling and pasting phases (`Prim._peel`, `Prim._paste`) on a fresh box, which is what
`find_box` runs; whether `find_box` keeps the box is checked against `meets_threshold`.
Exit code 0 when everything agrees, 1 otherwise.
"""

import argparse
import json
import logging
import sys
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("dir", type=Path, help="directory written by discover --export (with discover.json)")
    ap.add_argument("--tol", type=float, default=0.02)
    args = ap.parse_args()

    import numpy as np
    import pandas as pd
    from ema_workbench.analysis import prim
    from ema_workbench.analysis.prim_util import PRIMObjectiveFunctions

    logging.disable(logging.CRITICAL)
    ours = json.loads((args.dir / "discover.json").read_text())
    x = pd.read_csv(args.dir / "samples.csv", float_precision="round_trip")
    y = pd.read_csv(args.dir / "outcomes.csv")["of_interest"].to_numpy().astype(int)
    objective = {
        "lenient1": PRIMObjectiveFunctions.LENIENT1,
        "lenient2": PRIMObjectiveFunctions.LENIENT2,
        "original": PRIMObjectiveFunctions.ORIGINAL,
    }[ours["objective"]]
    settings = dict(
        threshold=ours["threshold"],
        obj_function=objective,
        peel_alpha=ours["peel_alpha"],
        paste_alpha=ours["paste_alpha"],
        mass_min=ours["mass_min"],
    )
    p = prim.Prim(x, y, **settings)
    # find_box's phases on a fresh box, keeping the trajectory
    p._update_yi_remaining(p)
    box = prim.PrimBox(p, p.box_init, p.yi_remaining[:])
    box = p._peel(box)
    peels = len(box.peeling_trajectory) - 1
    box = p._paste(box)
    ema = box.peeling_trajectory
    kept = prim.Prim(x, y, **settings).find_box()
    ema_kept = float(kept.mean) >= ours["threshold"]

    traj = ours["trajectory"]
    our_peels = sum(1 for b in traj if b["step"] == "peel")
    print(f"samples {len(x)}, inputs {x.shape[1]}, cases of interest {int(y.sum())}")
    print("settings: " + ", ".join(f"{k} {ours[k]}" for k in ["objective", "threshold", "peel_alpha", "paste_alpha", "mass_min"]))
    print(f"peeling steps: detente {our_peels}, EMA Workbench {peels}")
    print(f"trajectory boxes: detente {len(traj)}, EMA Workbench {len(ema)}")
    ok = our_peels == peels and len(traj) == len(ema)
    worst = 0.0
    print(f"{'box':>4} {'coverage':>17} {'density':>17} {'mass':>17}   (detente / EMA)")
    for i in range(min(len(traj), len(ema))):
        row = ema.iloc[i]
        diffs = [abs(traj[i][k] - float(row[k])) for k in ("coverage", "density", "mass")]
        worst = max(worst, *diffs)
        print(
            f"{i:>4} "
            + " ".join(f"{traj[i][k]:>8.4f}/{float(row[k]):<8.4f}" for k in ("coverage", "density", "mass"))
        )
    ok = ok and worst <= args.tol
    # the limits of the inputs each box restricts
    same_limits = 0
    for i in range(min(len(traj), len(ema))):
        lims = box.box_lims[i]
        ema_res = {
            c: [float(lims[c][0]), float(lims[c][1])]
            for c in lims.columns
            if not (lims[c][0] == p.box_init[c][0] and lims[c][1] == p.box_init[c][1])
        }
        mine = traj[i]["restricted"]
        if set(mine) == set(ema_res) and all(
            abs(mine[c][k] - ema_res[c][k]) <= 1e-9 * max(1.0, abs(ema_res[c][k])) for c in mine for k in (0, 1)
        ):
            same_limits += 1
    print(f"boxes with the same restricted inputs and limits: {same_limits} of {min(len(traj), len(ema))}")
    print(f"largest difference in coverage, density or mass: {worst:.2e} (tolerance {args.tol})")
    print(f"box kept: detente {ours['meets_threshold']}, EMA Workbench {bool(ema_kept)}")
    ok = ok and bool(ours["meets_threshold"]) == bool(ema_kept)
    print("AGREE" if ok else "DISAGREE")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
