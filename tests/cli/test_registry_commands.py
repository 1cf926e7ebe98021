"""Every command that runs a procedure gets it from the registry (``get_procedure``) and runs it
there, with the options it parsed: the registry's entries are wrapped to record each batch run."""

from __future__ import annotations

import dataclasses
import json

import pytest

from bevsim.cli.main import app
from bevsim.procedures.registry import REGISTRY

COMMANDS = {
    "range all": (
        ["range", "ms11-lfp", "--procedure", "all"],
        [("cltc", {}, False), ("wltp", {}, False), ("epa", {}, False)],
    ),
    "range epa five-cycle": (
        ["range", "ms11-lfp", "--procedure", "EPA", "--label-method", "five_cycle"],
        [("epa", {"label_method": "five-cycle"}, False)],
    ),
    "winter": (
        ["winter", "ms11-lfp", "--temps", "-7", "--procedure", "wltp", "--no-hvac"],
        [("winter", {"temps_c": (-7.0,), "procedure": "wltp", "hvac_on": False}, False)],
    ),
    "perf": (
        ["perf", "ms11-lfp", "--load-kg", "150"],
        [("perf", {"load_kg": 150.0}, True)],
    ),
    "charge": (
        ["charge", "ms11-lfp", "--from", "20", "--to", "70", "--charger", "150", "--temp", "5"],
        [
            (
                "charge",
                {"from_soc": 0.2, "to_soc": 0.7, "charger_kw": 150.0, "ambient_temp_c": 5.0},
                True,
            )
        ],
    ),
    "simulate": (
        ["simulate", "ms11-lfp", "--cycle", "udds", "--initial-soc", "60"],
        [("cycle", {"cycle": "udds", "initial_soc": 0.6}, True)],
    ),
    "compare": (
        ["compare", "ms11-lfp", "--cycles", "udds,hwfet", "--load-kg", "0"],
        [
            ("cycle", {"cycle": "udds", "load_kg": 0.0}, False),
            ("cycle", {"cycle": "hwfet", "load_kg": 0.0}, False),
        ],
    ),
    "autonomy-cost all": (
        ["autonomy-cost", "ms11-lfp", "--procedure", "all"],
        [
            ("autonomy", {}, False),
            ("autonomy", {"procedure": "wltp"}, False),
            ("autonomy", {"procedure": "epa"}, False),
        ],
    ),
}


@pytest.fixture
def batches(monkeypatch):
    """The batch runs of registered procedures, in call order: (name, the options that differ
    from their defaults, whether traces were asked for)."""
    calls = []
    for name, procedure in list(REGISTRY.items()):

        def recorded(specs, options, traces, procedure=procedure):
            given = {o.name: options[o.name] for o in procedure.options}
            changed = {k: v for k, v in given.items() if v != procedure.option(k).default}
            calls.append((procedure.name, changed, traces))
            return procedure.batch(specs, options, traces)

        monkeypatch.setitem(REGISTRY, name, dataclasses.replace(procedure, batch=recorded))
    return calls


@pytest.mark.parametrize("command", COMMANDS, ids=list(COMMANDS))
def test_procedure_commands_run_through_the_registry(runner, batches, command):
    args, expected = COMMANDS[command]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert batches == expected
    records = json.loads(result.output)
    assert {r["vehicle_id"] for r in records} == {"ms11-lfp"}
    assert len(records) == len(expected)  # one row per batch run of one car


def test_a_cycle_file_named_with_brackets_runs(runner, workdir, batches):
    """A cycle path may hold ``[ ] ; =`` (not writable in a results-store procedure text): the
    registry runs it all the same, as simulate did before it ran through the registry."""
    ramp = "\n".join(f"{t},{min(t, 60 - t) * 2.0}" for t in range(61))
    (workdir / "run[kW]=1.csv").write_text(f"time_s,speed_kmh\n{ramp}\n", encoding="utf-8")
    result = runner.invoke(app, ["simulate", "ms11-lfp", "--cycle", "run[kW]=1.csv", "--json"])
    assert result.exit_code == 0, result.output
    (record,) = json.loads(result.output)
    assert batches == [("cycle", {"cycle": "run[kW]=1.csv"}, True)]
    assert record["distance_km"] == pytest.approx(30 * 60 / 3.6 / 1000.0, rel=0.02)  # the ramp


def test_the_report_runs_every_procedure_through_the_registry(batches):
    """``bevsim report`` collects its tables through the registry too: each stage is a batch
    run of a registered procedure (range, cycles, winter, perf, charge, autonomy)."""
    from bevsim.report import collect

    collect.collect(["ms11-lfp"])
    names = [name for name, _, _ in batches]
    assert names == [
        *collect.procedure_names("all"),
        *["cycle"] * len(collect.REPORT_CYCLES),
        "winter",
        "perf",
        "charge",
        "autonomy",
    ]
    traced = {name for name, _, traces in batches if traces}
    assert traced == {"perf", "charge"}  # the launch and charging figures need their traces
    charge = next(options for name, options, _ in batches if name == "charge")
    assert charge == {}  # the report's session, 10-80 % on 250 kW, is the procedure's default
    assert (collect.CHARGE_FROM_SOC, collect.CHARGE_TO_SOC, collect.CHARGER_KW) == (0.1, 0.8, 250.0)
