"""detente from Python: the workbench's commands as functions returning Python objects.

Each function mirrors a ``detente`` CLI command and calls the same Rust libraries through the
extension module ``detente._native`` (the GIL is released while it computes). Results are the
JSON the CLI prints (``run --json``, ``compare --json``), parsed into dicts with the same keys;
per-run rows and the parameter table come as pandas DataFrames. Invalid input raises
:class:`DetenteError`, whose ``diagnostics`` list names file, line, column and field.

>>> import detente
>>> detente.run("baseline", runs=20000, seed=1)["p_war"]  # doctest: +SKIP
0.26165
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Mapping, Optional, Sequence, Union

from . import _native
from ._native import RUN_COLUMNS, Architecture, DetenteError

__version__ = _native.__version__

ArchLike = Union[str, Architecture]

__all__ = [
    "Architecture",
    "DetenteError",
    "RUN_COLUMNS",
    "builtins",
    "load",
    "run",
    "run_frame",
    "compare",
    "sensitivity",
    "params",
    "run_shard",
    "compare_shard",
    "merge",
]


def builtins() -> list[dict[str, str]]:
    """The built-in architectures (``detente list``): ``[{"name", "summary"}, ...]``."""
    return [{"name": n, "summary": s} for n, s in _native.builtins()]


def load(path_or_toml: str) -> Architecture:
    """Load and validate an architecture: a built-in name, a path, or TOML text.

    Raises :class:`DetenteError` listing every problem (file, line, column, field).
    """
    return _native.load(str(path_or_toml))


def _values(mapping: Optional[Mapping[str, float]]) -> Optional[list[tuple[str, float]]]:
    return None if mapping is None else [(str(k), float(v)) for k, v in mapping.items()]


def _ensemble(runs, seed, horizon_years, uncertainty, runs_per_draw) -> dict[str, Any]:
    """The ensemble settings every simulating function hands to the extension."""
    return {
        "runs": runs,
        "seed": seed,
        "horizon_years": horizon_years,
        "uncertainty": uncertainty,
        "runs_per_draw": runs_per_draw,
    }


def run(
    arch: ArchLike,
    runs: int = 10_000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    exact: bool = False,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
    monte_carlo: bool = False,
    parameters: Optional[Mapping[str, float]] = None,
    as_text: bool = False,
) -> Any:
    """Simulate (or, with ``exact=True``, evaluate exactly) one architecture: ``detente run --json``.

    Returns a dict with the keys of ``run --json`` (``p_war``, ``p_war_ci``, ``by_pathway``,
    ``war_outcomes``, ``mean_cost_usd_bn``, ...). ``uncertainty=True`` draws the uncertain
    parameters as the CLI's ``--uncertainty`` does (the plausible sets of history matching, the
    prior for the parameters they do not name; exactly per draw unless ``monte_carlo=True``); ``parameters`` sets
    model parameters by name within their ranges (``params()``). ``as_text=True`` returns the
    JSON text exactly as the CLI prints it (without the final newline).
    """
    ensemble = _ensemble(runs, seed, horizon_years, uncertainty, runs_per_draw)
    text = _native.result(
        arch, compare=False, exact=exact, monte_carlo=monte_carlo, parameters=_values(parameters), **ensemble
    )
    return text if as_text else json.loads(text)


def run_frame(
    arch: ArchLike,
    runs: int = 10_000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
    parameters: Optional[Mapping[str, float]] = None,
):
    """One row per simulated run (the columns of ``detente run --out``) as a pandas DataFrame.

    ``war_month``, ``war_pathway``, ``max_rung`` and ``ceasefire_break_month`` are missing
    (``<NA>``) where the run had none.
    """
    import pandas as pd

    ensemble = _ensemble(runs, seed, horizon_years, uncertainty, runs_per_draw)
    columns = _native.run_frame(arch, parameters=_values(parameters), **ensemble)
    frame = pd.DataFrame({name: columns[name] for name in RUN_COLUMNS})
    for name in ("war_month", "max_rung", "ceasefire_break_month"):
        frame[name] = frame[name].astype("Int64")
    frame["war_pathway"] = frame["war_pathway"].astype("string")
    return frame


def compare(
    archs: Sequence[ArchLike],
    runs: int = 10_000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    exact: bool = False,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
    monte_carlo: bool = False,
    parameters: Optional[Mapping[str, float]] = None,
    as_text: bool = False,
) -> Any:
    """Several architectures with common random numbers (or exactly): ``detente compare --json``.

    Returns a dict whose ``architectures`` list holds each one's ``p_war`` and its paired
    difference from the first (``diff_vs_first``, ``diff_ci``). ``parameters`` sets model
    parameters by name for every architecture.
    """
    ensemble = _ensemble(runs, seed, horizon_years, uncertainty, runs_per_draw)
    text = _native.result(
        list(archs), compare=True, exact=exact, monte_carlo=monte_carlo, parameters=_values(parameters), **ensemble
    )
    return text if as_text else json.loads(text)


def sensitivity(
    arch: ArchLike,
    method: str = "morris",
    n: int = 64,
    seed: int = 1,
    params: Optional[Iterable[str]] = None,
    monte_carlo: bool = False,
    runs: int = 2000,
) -> dict[str, Any]:
    """Morris (``mu_star``, ``sigma``) or Sobol (``S1``, ``ST``) indices of p(war):
    ``detente sensitivity --json`` without its timing. Every evaluation is exact unless
    ``monte_carlo=True`` (then ``runs`` runs each, all on ``seed``)."""
    text = _native.sensitivity(
        arch,
        method=method,
        n=n,
        seed=seed,
        params=None if params is None else list(params),
        monte_carlo=monte_carlo,
        runs=runs,
    )
    return json.loads(text)


def params():
    """The model's parameter table (``detente params``) as a DataFrame: name, default, unit,
    low, high, source, doc."""
    import pandas as pd

    return pd.DataFrame(_native.params())


def run_shard(
    arch: ArchLike,
    shard: int,
    shards: int,
    runs: int = 10_000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
) -> str:
    """Shard ``shard`` (0-based) of ``shards`` of a simulated run: the part file's text, as
    ``detente run --shard I/N --out-summary FILE`` writes it. ``merge`` of every part gives
    the unsharded result byte for byte; parts can be made on other machines."""
    ensemble = _ensemble(runs, seed, horizon_years, uncertainty, runs_per_draw)
    return _native.shard_part(arch, shard, shards, compare=False, **ensemble)


def compare_shard(
    archs: Sequence[ArchLike],
    shard: int,
    shards: int,
    runs: int = 10_000,
    seed: int = 1,
    horizon_years: Optional[int] = None,
    uncertainty: bool = False,
    runs_per_draw: int = 200,
) -> str:
    """Shard ``shard`` of ``shards`` of a comparison (common random numbers survive)."""
    ensemble = _ensemble(runs, seed, horizon_years, uncertainty, runs_per_draw)
    return _native.shard_part(list(archs), shard, shards, compare=True, **ensemble)


def merge(parts: Sequence[str], names: Optional[Sequence[str]] = None, as_text: bool = False) -> Any:
    """Merge part texts (``run_shard``, ``compare_shard`` or the CLI's part files' contents),
    in any order: ``detente merge --json``. ``names`` label the parts in errors (default
    ``part-0`` ...). Refuses parts of different ensembles, missing or repeated shards."""
    labels = list(names) if names is not None else [f"part-{i}" for i in range(len(parts))]
    if len(labels) != len(parts):
        message = f"names: {len(labels)} names for {len(parts)} parts"
        error = DetenteError(message)
        error.diagnostics = [
            {"file": None, "line": None, "column": None, "field": "names", "message": message}
        ]
        raise error
    text = _native.merge(list(zip(labels, parts)))
    return text if as_text else json.loads(text)
