"""``bevsim sweep`` and ``bevsim results``: JSON, plot, and bad input as one error line (exit 2)
with nothing written to the store."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from bevsim.cli import sweep_commands  # noqa: F401  (registers the commands)
from bevsim.cli.app import app

runner = CliRunner()
VARY = ["--vary", "battery.cell_capacity_ah=120,160", "--vary", "battery.chemistry=lfp,nmc"]


def test_sweep_then_query_the_store(tmp_path):
    store, plot = tmp_path / "sweep.duckdb", tmp_path / "pareto.png"
    result = runner.invoke(
        app, ["sweep", "ms11-lfp", *VARY, "--store", str(store), "--plot", str(plot), "--json"]
    )
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout[result.stdout.index("[") :])[0]
    assert summary["variants"] == 4 and summary["computed_rows"] == 4
    assert plot.read_bytes().startswith(b"\x89PNG")
    query = runner.invoke(
        app,
        [
            "results",
            str(store),
            "--sql",
            "select chemistry, count(*) as n from results group by 1 order by 1",
            "--json",
        ],
    )
    assert query.exit_code == 0, query.output
    assert json.loads(query.stdout) == [{"chemistry": "lfp", "n": 2}, {"chemistry": "nmc", "n": 2}]
    again = runner.invoke(app, ["sweep", "ms11-lfp", *VARY, "--store", str(store), "--json"])
    assert json.loads(again.stdout[again.stdout.index("[") :])[0]["already_stored_rows"] == 4


@pytest.mark.parametrize(
    "args",
    [
        ["--vary", "battery.cels_in_parallel=1:3"],
        ["--vary", "body.drag_coefficient=0.05,0.2"],
        ["--vary", "battery.chemistry=lfp,unobtainium"],
        ["--vary", "body.drag_coefficient=0.2", "--procedure", "cltcc"],
        ["--vary", "body.drag_coefficient=0.2", "--sample", "lhs"],
        ["--vary", "body.drag_coefficient=0.2", "--executor", "dask"],
        [],
    ],
)
def test_bad_input_is_one_error_line_and_no_store(tmp_path, args):
    store = tmp_path / "sweep.duckdb"
    result = runner.invoke(app, ["sweep", "ms11-lfp", *args, "--store", str(store)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert not store.exists()


def test_results_of_a_missing_store_is_an_error(tmp_path):
    result = runner.invoke(app, ["results", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2 and "not found" in result.output
