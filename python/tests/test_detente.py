"""The Python package against the CLI: every function, and the error path."""

import json
import subprocess
import sys

import pandas as pd
import pytest

import detente


def cli_json(cli, *args):
    out = subprocess.run([cli, *args, "--json"], check=True, capture_output=True, text=True)
    return out.stdout


def test_builtins_are_the_cli_list(cli):
    names = [b["name"] for b in detente.builtins()]
    listed = subprocess.run([cli, "list"], check=True, capture_output=True, text=True).stdout
    assert names == [line.split()[0] for line in listed.splitlines() if line.strip()]
    assert "baseline" in names and all(b["summary"] for b in detente.builtins())


def test_load_builtin_path_and_text(tmp_path):
    a = detente.load("baseline")
    assert a.name == "baseline" and a.origin == "<builtin:baseline>" and a.horizon_years == 10
    assert any(name == "hotline" for name, _, _ in a.mechanisms)
    path = tmp_path / "mine.toml"
    path.write_text(a.toml)
    assert detente.load(str(path)).origin == str(path)
    assert detente.load(a.toml).origin == "<string>"
    stronger = a.with_values([("mechanisms.hotline.strength", 0.9)])
    assert dict((n, s) for n, _, s in stronger.mechanisms)["hotline"] == 0.9


def test_invalid_architecture_raises_with_diagnostics(tmp_path):
    bad = detente.load("baseline").toml.replace("strength = 0.3 ", "strength = 3.5 ", 1)
    path = tmp_path / "bad.toml"
    path.write_text(bad)
    with pytest.raises(detente.DetenteError) as e:
        detente.load(str(path))
    d = e.value.diagnostics[0]
    assert d["file"] == str(path)
    assert d["field"] == "mechanisms.hotline.strength"
    assert d["line"] == bad.splitlines().index(next(l for l in bad.splitlines() if "3.5" in l)) + 1
    assert d["column"] >= 1
    assert isinstance(e.value, ValueError)
    with pytest.raises(detente.DetenteError) as e:
        detente.run(str(path), runs=10)
    assert e.value.diagnostics[0]["field"] == "mechanisms.hotline.strength"
    with pytest.raises(detente.DetenteError) as e:
        detente.load("no-such-architecture")
    assert "neither a built-in" in str(e.value)
    with pytest.raises(detente.DetenteError) as e:
        detente.load("baseline").with_values([("mechanisms.nope.strength", 0.5)])
    assert e.value.diagnostics[0]["field"] == "mechanisms.nope.strength"


@pytest.mark.parametrize(
    "kwargs, field",
    [
        ({"runs": 0}, "runs"),
        ({"horizon_years": 60}, "horizon_years"),
        ({"runs_per_draw": 0, "uncertainty": True}, "runs_per_draw"),
        ({"parameters": {"no_such_parameter": 1.0}}, "no_such_parameter"),
    ],
)
def test_arguments_out_of_range_raise(kwargs, field):
    with pytest.raises(detente.DetenteError) as e:
        detente.run("baseline", **kwargs)
    assert e.value.diagnostics[0]["field"] == field


def test_parameter_outside_its_range_raises():
    p = detente.params().set_index("name")
    name = p.index[0]
    with pytest.raises(detente.DetenteError) as e:
        detente.run("baseline", runs=10, parameters={name: p.loc[name, "high"] + 1.0})
    assert "allowed" in str(e.value) and e.value.diagnostics[0]["field"] == name


def test_run_is_the_cli_run_json(cli):
    text = detente.run("baseline", runs=20000, seed=1, as_text=True)
    assert text + "\n" == cli_json(cli, "run", "baseline", "--runs", "20000", "--seed", "1")
    r = detente.run("baseline", runs=20000, seed=1)
    assert r["p_war"] == json.loads(text)["p_war"] and r["runs"] == 20000
    exact = detente.run("baseline", exact=True, horizon_years=5, as_text=True)
    assert exact + "\n" == cli_json(cli, "run", "baseline", "--exact", "--horizon-years", "5")
    draws = detente.run("break-the-ice", runs=2000, uncertainty=True, as_text=True)
    assert draws + "\n" == cli_json(cli, "run", "break-the-ice", "--runs", "2000", "--uncertainty")


def test_python_one_liner_prints_the_cli_p_war(cli):
    """The README's one-liner prints the same p(war) as the CLI."""
    code = "import detente; print(detente.run('baseline', runs=20000, seed=1)['p_war'])"
    py = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    expected = json.loads(cli_json(cli, "run", "baseline", "--runs", "20000", "--seed", "1"))["p_war"]
    assert py.stdout.strip() == repr(expected)


def test_parameters_change_the_result():
    base = detente.run("baseline", exact=True)["p_war"]
    p = detente.params().set_index("name")
    name = "threshold_1"
    higher = detente.run("baseline", exact=True, parameters={name: p.loc[name, "high"]})["p_war"]
    assert higher != base


def test_run_frame_has_one_row_per_run(cli, tmp_path):
    frame = detente.run_frame("baseline", runs=3000, seed=2)
    assert isinstance(frame, pd.DataFrame)
    assert list(frame.columns) == detente.RUN_COLUMNS
    assert len(frame) == 3000 and list(frame["run"]) == list(range(3000))
    summary = detente.run("baseline", runs=3000, seed=2)
    assert frame["war"].sum() == round(summary["p_war"] * 3000)
    assert frame["war_month"].isna().sum() == 3000 - frame["war"].sum()
    # the same rows as `run --out FILE.csv`
    out = tmp_path / "runs.csv"
    subprocess.run([cli, "run", "baseline", "--runs", "3000", "--seed", "2", "--out", str(out)], check=True, capture_output=True)
    csv = pd.read_csv(out)
    assert (csv["war_month"].astype("Int64").fillna(-1) == frame["war_month"].fillna(-1)).all()
    assert (csv["cost_usd_bn"] - frame["cost_usd_bn"]).abs().max() < 1e-3


def test_compare_is_the_cli_compare_json(cli):
    text = detente.compare(["baseline", "combined"], runs=4000, seed=3, as_text=True)
    assert text + "\n" == cli_json(cli, "compare", "baseline", "combined", "--runs", "4000", "--seed", "3")
    exact = detente.compare(["baseline", detente.load("combined")], exact=True)
    assert exact["method"] == "exact" and exact["architectures"][1]["diff_vs_first"] < 0
    with pytest.raises(detente.DetenteError):
        detente.compare(["baseline"])


def test_sensitivity_morris_and_sobol(cli):
    m = detente.sensitivity("baseline", n=4, seed=1, params=["threshold_1", "threshold_2"])
    assert m["method"] == "morris" and m["evaluations"] == 12
    mine = {i["name"]: i["mu_star"] for i in m["indices"]}
    out = json.loads(cli_json(cli, "sensitivity", "baseline", "--n", "4", "--params", "threshold_1,threshold_2"))
    assert mine == {i["name"]: i["mu_star"] for i in out["indices"]}
    s = detente.sensitivity("baseline", method="sobol", n=4, params=["threshold_1", "threshold_2"])
    assert {"S1", "ST"} <= set(s["indices"][0])
    with pytest.raises(detente.DetenteError) as e:
        detente.sensitivity("baseline", method="sobol", n=3)
    assert e.value.diagnostics[0]["field"] == "n"


def test_params_is_the_parameter_table(cli):
    table = detente.params()
    assert list(table.columns) == ["name", "default", "unit", "low", "high", "source", "doc"]
    listed = subprocess.run([cli, "params"], check=True, capture_output=True, text=True).stdout
    assert all(name in listed for name in table["name"])
    assert (table["low"] <= table["default"]).all() and (table["default"] <= table["high"]).all()


def test_shards_merge_to_the_single_run_byte_for_byte(cli, tmp_path):
    parts = [detente.run_shard("baseline", i, 4, runs=20000, seed=1) for i in range(4)]
    merged = detente.merge(parts[::-1], as_text=True)
    assert merged == detente.run("baseline", runs=20000, seed=1, as_text=True)
    # a part made in Python merges with parts made by the CLI
    paths = []
    for i in range(1, 4):
        p = tmp_path / f"part-{i}.json"
        subprocess.run([cli, "run", "baseline", "--runs", "20000", "--seed", "1", "--shard", f"{i}/4", "--out-summary", str(p)], check=True, capture_output=True)
        paths.append(str(p))
    (tmp_path / "part-0.json").write_text(parts[0])
    out = subprocess.run([cli, "merge", str(tmp_path / "part-0.json"), *paths, "--json"], check=True, capture_output=True, text=True)
    assert out.stdout == merged + "\n"
    cmp = [detente.compare_shard(["baseline", "two-pronged"], i, 3, runs=5000) for i in range(3)]
    assert detente.merge(cmp, as_text=True) == detente.compare(["baseline", "two-pronged"], runs=5000, as_text=True)


def test_merge_refuses_parts_that_do_not_belong():
    a = detente.run_shard("baseline", 0, 2, runs=5000, seed=1)
    b = detente.run_shard("baseline", 1, 2, runs=5000, seed=2)
    with pytest.raises(detente.DetenteError) as e:
        detente.merge([a, b], names=["a.json", "b.json"])
    assert "b.json" in str(e.value) and "seed" in str(e.value)
    with pytest.raises(detente.DetenteError) as e:
        detente.merge([a], names=["a.json"])
    assert "missing" in str(e.value)
    with pytest.raises(detente.DetenteError):
        detente.run_shard("baseline", 2, 2)


def _p_war(arch):
    return detente.run(arch, runs=5000)["p_war"]


def test_usable_in_a_forked_child_after_use_in_the_parent():
    """EMA's MultiprocessingEvaluator forks after the parent simulated: the child must not
    wait for the parent's thread pool (a regression: it hung)."""
    import multiprocessing

    expected = _p_war("baseline")
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.apply_async(_p_war, ("baseline",)).get(timeout=120) == expected


def test_the_gil_is_released_while_simulating():
    """Python code runs in another thread while a simulation computes."""
    import threading
    import time

    done = {}
    t = threading.Thread(target=lambda: done.setdefault("r", detente.run("baseline", runs=200_000)))
    t.start()
    ticks = 0
    while t.is_alive():
        ticks += 1
        time.sleep(0.001)
    t.join()
    assert done["r"]["runs"] == 200_000
    # the run takes well over 0.1 s; with the GIL held this loop could not have turned
    assert ticks > 20, ticks
