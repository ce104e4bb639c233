"""EMA Workbench adapter: an architecture as an ``ema_workbench`` model.

``model(arch)`` returns an :class:`ema_workbench.Model` whose uncertainties are the model's
parameters over the ranges of the parameter table (``detente.params()``), whose levers are the
strengths (0-1) of the architecture's enabled mechanisms, and whose outcomes are p(war),
p(nuclear), the share of the first war coming through each pathway (``p_war_via_<pathway>``)
and the mean cost over the horizon (US$ bn). Each experiment is one exact evaluation of the
model's Markov chain (no Monte Carlo noise; about 10 ms), through :func:`evaluate`, a
module-level function so that EMA's ``MultiprocessingEvaluator`` can send it to its workers.
"""

from __future__ import annotations

from typing import Any, Optional

import detente

#: Outcomes of every experiment besides the pathway split.
OUTCOMES = ("p_war", "p_nuclear", "mean_cost_usd_bn")

LEVER_SUFFIX = "_strength"


def pathways() -> list[str]:
    """The pathways' names, in the model's order."""
    # the per-run table names one crises column per pathway, in order
    return [c[len("crises_") :] for c in detente.RUN_COLUMNS if c.startswith("crises_")]


def evaluate(arch_toml: str, horizon_years: Optional[int] = None, **values: float) -> dict[str, float]:
    """One experiment: the architecture (TOML text) with the levers (``<mechanism>_strength``)
    and parameters given, evaluated exactly. Returns the outcomes by name."""
    levers = {
        f"mechanisms.{k[: -len(LEVER_SUFFIX)]}.strength": v
        for k, v in values.items()
        if k.endswith(LEVER_SUFFIX)
    }
    parameters = {k: v for k, v in values.items() if not k.endswith(LEVER_SUFFIX)}
    arch = detente.load(arch_toml)
    if levers:
        arch = arch.with_values(list(levers.items()))
    result = detente.run(arch, exact=True, horizon_years=horizon_years, parameters=parameters)
    out = {
        "p_war": result["p_war"],
        "p_nuclear": result["p_nuclear"],
        "mean_cost_usd_bn": result["mean_cost_usd_bn"],
    }
    for name, pathway in result["by_pathway"].items():
        out[f"p_war_via_{name}"] = pathway["p_war"]
    return out


def model(
    arch: Any = "baseline",
    parameters: Optional[list[str]] = None,
    levers: Optional[list[str]] = None,
    horizon_years: Optional[int] = None,
    name: str = "detente",
):
    """An ``ema_workbench.Model`` of ``arch`` (a built-in name, path, TOML text or
    :class:`detente.Architecture`).

    ``parameters`` limits the uncertainties to those names (default: every parameter whose
    range is not a single point); ``levers`` limits the levers to those mechanisms (default:
    every enabled mechanism with a strength).
    """
    from ema_workbench import Constant, Model, RealParameter, ScalarOutcome

    a = arch if isinstance(arch, detente.Architecture) else detente.load(str(arch))
    table = detente.params()
    table = table[table["high"] > table["low"]]
    if parameters is not None:
        unknown = sorted(set(parameters) - set(table["name"]))
        if unknown:
            raise detente.DetenteError(
                f"parameters: {', '.join(unknown)}: not model parameters with a range"
            )
        table = table[table["name"].isin(parameters)]
    mechanisms = [(n, s) for n, enabled, s in a.mechanisms if enabled]
    if levers is not None:
        known = {n for n, _ in mechanisms}
        unknown = sorted(set(levers) - known)
        if unknown:
            raise detente.DetenteError(
                f"levers: {', '.join(unknown)}: not enabled mechanisms of {a.name} "
                f"(enabled: {', '.join(sorted(known)) or 'none'})"
            )
        mechanisms = [(n, s) for n, s in mechanisms if n in levers]
    m = Model(name, function=evaluate)
    m.uncertainties = [
        RealParameter(row.name, float(row.low), float(row.high)) for row in table.itertuples()
    ]
    m.levers = [RealParameter(f"{n}{LEVER_SUFFIX}", 0.0, 1.0) for n, _ in mechanisms]
    m.constants = [Constant("arch_toml", a.toml), Constant("horizon_years", horizon_years)]
    m.outcomes = [ScalarOutcome(o) for o in OUTCOMES] + [
        ScalarOutcome(f"p_war_via_{p}") for p in pathways()
    ]
    return m
