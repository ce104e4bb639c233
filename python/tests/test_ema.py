"""The EMA Workbench adapter: its model's uncertainties, levers and outcomes, and experiments."""

import pytest

ema_workbench = pytest.importorskip("ema_workbench")

import detente
import detente.ema


def test_model_has_the_parameter_ranges_and_the_mechanisms():
    m = detente.ema.model("break-the-ice")
    table = detente.params().set_index("name")
    ranged = table[table["high"] > table["low"]]
    assert sorted(u.name for u in m.uncertainties) == sorted(ranged.index)
    for u in m.uncertainties:
        assert (u.lower_bound, u.upper_bound) == (ranged.loc[u.name, "low"], ranged.loc[u.name, "high"])
    enabled = {n for n, on, _ in detente.load("break-the-ice").mechanisms if on}
    assert {l.name for l in m.levers} == {f"{n}_strength" for n in enabled}
    names = {o.name for o in m.outcomes}
    assert {"p_war", "p_nuclear", "mean_cost_usd_bn", "p_war_via_hybrid"} <= names


def test_evaluate_is_the_exact_run_and_levers_act():
    arch = detente.load("break-the-ice")
    out = detente.ema.evaluate(arch.toml)
    assert out["p_war"] == detente.run(arch, exact=True)["p_war"]
    assert abs(sum(v for k, v in out.items() if k.startswith("p_war_via_")) - out["p_war"]) < 1e-9
    weaker = detente.ema.evaluate(arch.toml, hotline_strength=0.0, crisis_dialogue_strength=0.0)
    assert weaker["p_war"] != out["p_war"]
    p = detente.ema.evaluate(arch.toml, threshold_1=float(detente.params().set_index("name").loc["threshold_1", "high"]))
    assert p["p_war"] != out["p_war"]


def test_perform_experiments_small():
    from ema_workbench import SequentialEvaluator

    m = detente.ema.model("baseline", parameters=["threshold_1", "threshold_2"], levers=[])
    with SequentialEvaluator(m) as evaluator:
        experiments, outcomes = evaluator.perform_experiments(scenarios=4)
    assert len(experiments) == 4 and len(outcomes["p_war"]) == 4
    assert ((outcomes["p_war"] > 0) & (outcomes["p_war"] < 1)).all()


def test_model_refuses_unknown_names():
    with pytest.raises(detente.DetenteError):
        detente.ema.model("baseline", parameters=["no_such_parameter"])
    with pytest.raises(detente.DetenteError):
        detente.ema.model("baseline", levers=["no_such_mechanism"])
