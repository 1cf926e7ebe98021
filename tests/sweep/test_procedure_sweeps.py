"""Sweeps over every registered procedure: winter (one procedure per temperature), performance,
DC charge, autonomy cost, with options passed through, rows equal to the procedure run on the
variant itself, into the same store (resumed like a range sweep), and the cost model knowing
each procedure's rate."""

from __future__ import annotations

import json

import duckdb
import pytest
from typer.testing import CliRunner

from bevsim.cli.main import app
from bevsim.errors import BevsimError
from bevsim.procedures.registry import REGISTRY
from bevsim.spec import vehicle_from_dict
from bevsim.sweep import run_sweep
from bevsim.sweep.budget import estimate
from bevsim.sweep.run import SweepProgress, plan_sweep

runner = CliRunner()
MASS = ["mass.curb_kg=1900,2100"]


def _variant_spec(plan, index):
    return vehicle_from_dict(plan.space.variant(next(iter(plan.space.chunks(10)))[index]))


def test_winter_sweep_is_one_procedure_per_temperature(tmp_path):
    options = {"temps_c": "-7,-20", "precondition": "true"}
    plan = plan_sweep("ms11-lfp", MASS, ["winter"], options=options)
    names = ("winter[temps_c=-7.0;precondition=true]", "winter[temps_c=-20.0;precondition=true]")
    assert plan.procedures == names
    store = tmp_path / "w.duckdb"
    frame = run_sweep("ms11-lfp", MASS, ["winter"], options=options, store=store)
    assert len(frame) == 4 and frame["error"].isna().all()
    assert list(frame["ambient_temp_c"]) == [-7.0, -20.0, -7.0, -20.0]
    for i in range(2):
        spec = _variant_spec(plan, i)
        direct = REGISTRY["winter"].run([spec], temps_c=(-7.0, -20.0), precondition=True)
        rows = frame[frame["mass_curb_kg"] == spec.mass.curb_kg].sort_values("ambient_temp_c")
        direct = direct.sort_values("ambient_temp_c")  # winter_test orders by temperature
        assert list(rows["range_km"]) == list(direct["range_km"])
        assert list(rows["range_retained"]) == list(direct["range_retained"])
    states: list[SweepProgress] = []
    again = run_sweep(
        "ms11-lfp", MASS, ["winter"], options=options, store=store, progress=states.append
    )
    assert states[-1].computed == 0 and states[-1].skipped == 4
    assert list(again["range_km"]) == list(frame["range_km"])


def test_perf_and_charge_sweeps_match_the_procedures_on_each_variant(tmp_path):
    vary = ["drive.motors.0.peak_power_kw=150,250"]
    frame = run_sweep(
        "ms11-lfp", vary, ["perf", "charge"], options={"charger_kw": "150", "load_kg": "150"}
    )
    plan = plan_sweep("ms11-lfp", vary, ["perf", "charge"], options={"charger_kw": "150"})
    assert plan.procedures == ("perf", "charge[charger_kw=150.0]")
    perf = frame[frame["procedure"] == "perf[load_kg=150.0]"].reset_index(drop=True)
    charge = frame[frame["procedure"] == "charge[charger_kw=150.0]"].reset_index(drop=True)
    assert len(perf) == len(charge) == 2
    for i in range(2):
        spec = _variant_spec(plan, i)
        direct = REGISTRY["perf"].run([spec], load_kg=150.0).iloc[0]
        assert perf["accel_0_100_kmh_s"][i] == direct["accel_0_100_kmh_s"]
        assert perf["top_speed_limited_by"][i] == direct["top_speed_limited_by"]
        session = REGISTRY["charge"].run([spec], charger_kw=150.0).iloc[0]
        assert charge["time_min"][i] == session["time_min"]
    assert perf["accel_0_100_kmh_s"][1] < perf["accel_0_100_kmh_s"][0]  # more power
    assert charge["chemistry"].eq("lfp").all()  # the variant's input column, not repeated


def test_autonomy_and_cycle_through_the_registry(tmp_path):
    frame = run_sweep(
        "ms11-lfp",
        MASS,
        ["autonomy", "cycle"],
        options={"cycle": "udds", "procedure": "wltp"},
        cycles=["hwfet"],
    )
    assert set(frame["procedure"]) == {"autonomy[procedure=wltp]", "cycle:udds", "cycle:hwfet"}
    cost = frame[frame["procedure"] == "autonomy[procedure=wltp]"]
    assert (cost["cost_km"] > 0).all()
    reference = run_sweep("ms11-lfp", MASS, [], cycles=["udds"])
    udds = frame[frame["procedure"] == "cycle:udds"].reset_index(drop=True)
    assert list(udds["key"]) == list(reference["key"])  # the same store keys as --cycle udds
    assert list(udds["battery_energy_kwh"]) == list(reference["battery_energy_kwh"])


@pytest.mark.parametrize(
    ("procedures", "vary", "options", "words"),
    [
        (["cltc"], MASS, {"temps_c": "-7"}, "--option temps_c: taken by none of the procedures"),
        (["winter"], MASS, {"temps_c": "-7,cold"}, "temps_c: expected floats"),
        (["cycle"], MASS, {}, "procedure cycle needs option cycle"),
        (["charge"], MASS, {}, "changes no result of charge"),
        (["perff"], MASS, {}, "did you mean 'perf'?"),
    ],
)
def test_bad_procedure_input_is_refused_before_running(procedures, vary, options, words):
    with pytest.raises(BevsimError) as info:
        plan_sweep("ms11-lfp", vary, procedures, options=options)
    assert words in str(info.value)


def test_cost_model_knows_every_procedure():
    cltc = estimate(1000, ("cltc",), 2, False).time_s
    for name in REGISTRY:
        plan = plan_sweep(
            "ms11-lfp",
            ["charging.standby_power_w=200,300"] if name == "charge" else MASS,
            [name],
            options={"cycle": "udds"} if name == "cycle" else None,
        )
        cost = estimate(1000, plan.procedures, 2, False).time_s
        assert cost > 0, name
        if name in ("perf", "charge", "winter", "autonomy"):
            assert cost > cltc, name  # slower per variant than a CLTC range


def test_cli_sweep_with_options_into_the_store(tmp_path):
    store = tmp_path / "c.duckdb"
    args = ["sweep", "ms11-lfp", "--vary", "charging.standby_power_w=200,400"]
    args += ["--procedure", "charge", "--option", "to_soc=0.6", "--store", str(store), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("[") :])[0]
    assert summary["procedures"] == "charge[to_soc=0.6]" and summary["computed_rows"] == 2
    with duckdb.connect(str(store), read_only=True) as con:
        rows = con.execute("select to_soc_pct, standby_kwh from results order by 2").fetchall()
    assert [r[0] for r in rows] == [60.0, 60.0] and rows[0][1] < rows[1][1]
    bad = runner.invoke(app, [*args[:-1], "--option", "to_soc"])
    assert bad.exit_code == 2 and "expected KEY=VALUE" in bad.output


def test_a_session_a_variant_cannot_complete_is_an_error_row():
    frame = run_sweep("ms11-lfp", ["battery.soc_max=0.7,0.95"], ["charge"])
    refused = frame[frame["battery_soc_max"] == 0.7].iloc[0]
    assert "above ms11-lfp's soc_max 70%" in refused["error"]
    assert refused[["time_min", "energy_kwh"]].isna().all()
    done = frame[frame["battery_soc_max"] == 0.95].iloc[0]
    assert done["error"] is None and done["time_min"] > 0
