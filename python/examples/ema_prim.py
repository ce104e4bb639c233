"""Scenario discovery on an architecture with EMA Workbench: sample the model's uncertain
parameters and the architecture's mechanism strengths, evaluate each experiment exactly with
EMA's MultiprocessingEvaluator, then ask PRIM which parameter ranges make p(war) high.

    python python/examples/ema_prim.py --scenarios 200 --policies 4 --processes 2

CI runs it at small sizes (--scenarios 40 --policies 2).
"""

import argparse

import numpy as np
from ema_workbench import MultiprocessingEvaluator, ema_logging
from ema_workbench.analysis import prim

import detente.ema


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--arch", default="break-the-ice")
    ap.add_argument("--scenarios", type=int, default=200)
    ap.add_argument("--policies", type=int, default=4)
    ap.add_argument("--processes", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    ema_logging.log_to_stderr(ema_logging.INFO)
    np.random.seed(args.seed)

    model = detente.ema.model(args.arch)
    print(
        f"{args.arch}: {len(model.uncertainties)} uncertain parameters, "
        f"{len(model.levers)} levers ({', '.join(l.name for l in model.levers)}), "
        f"{len(model.outcomes)} outcomes"
    )
    with MultiprocessingEvaluator(model, n_processes=args.processes) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(
            scenarios=args.scenarios, policies=args.policies
        )
    p_war = outcomes["p_war"]
    n = len(p_war)
    assert n == args.scenarios * args.policies, n
    assert np.all((p_war > 0) & (p_war < 1)), "p(war) out of (0, 1)"
    shares = sum(outcomes[f"p_war_via_{p}"] for p in detente.ema.pathways())
    assert np.allclose(shares, p_war), "the pathway split does not add up to p(war)"
    print(f"{n} experiments: p(war) from {p_war.min():.3f} to {p_war.max():.3f}, median {np.median(p_war):.3f}")

    # PRIM on the uncertainties and levers: which ranges make p(war) fall in its top quarter?
    x = experiments.drop(columns=["scenario", "policy", "model"])
    y = p_war > np.quantile(p_war, 0.75)
    finder = prim.Prim(x, y, threshold=0.6, peel_alpha=0.1)
    box = finder.find_box()
    # the box's coverage, density and restricted dimensions, with their limits and
    # quasi-p-values (EMA's own table)
    box.inspect()
    restricted = sorted(box.qp[-1])
    print(f"PRIM box: coverage {box.coverage:.2f}, density {box.density:.2f}, restricts {len(restricted)}: {', '.join(restricted)}")

if __name__ == "__main__":
    main()
