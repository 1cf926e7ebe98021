"""Bounded work (issue 17, item 6): a sweep's variants, time, memory and store are estimated
before it starts and refused above the limits unless --yes / --max-variants; progress is
printed as plain lines when stderr is not a terminal."""

from __future__ import annotations

import json
import re
import time

import pytest
from typer.testing import CliRunner

from bevsim.cli import progress, sweep_commands  # noqa: F401  (registers the commands)
from bevsim.cli.app import app
from bevsim.errors import BevsimError
from bevsim.sweep.budget import (
    DEFAULT_MAX_VARIANTS,
    STORE_BYTES_PER_ROW,
    check_limits,
    duration,
    estimate,
)

runner = CliRunner()


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


def test_issue_example_billion_point_lhs_is_refused_at_once(tmp_path):
    """`--sample lhs:1000000000` used 23.7 GB in 59 s and was killed by the kernel."""
    start = time.perf_counter()
    store = tmp_path / "s.duckdb"
    args = ["sweep", "ms11-lfp", "--vary", "body.drag_coefficient=0.19:0.25", "--sample"]
    line = one_error_line(runner.invoke(app, [*args, "lhs:1000000000", "--store", str(store)]))
    assert "1,000,000,000 variants is above the limit" in line
    line = one_error_line(runner.invoke(app, [*args, "lhs:1000000000", "--yes"]))
    assert "1,000,000,000 rows in memory" in line and "--store" in line
    assert not store.exists()
    assert time.perf_counter() - start < 30


def test_issue_example_700_million_variant_grid_is_refused(tmp_path):
    vary = [
        "battery.cell_capacity_ah=100:1000",
        "body.drag_coefficient=0.19:0.25:0.0001",
        "accessories.base_power_w=0:1300",
    ]
    args = ["sweep", "ms11-lfp", *[a for v in vary for a in ("--vary", v)], "--store"]
    store = tmp_path / "s.duckdb"
    line = one_error_line(runner.invoke(app, [*args, str(store)]))
    assert "704,492,801 variants is above the limit of 1,000,000" in line
    assert "--max-variants 704492801 or --yes" in line
    assert not store.exists()


def test_limits_move_with_max_variants_and_yes(tmp_path):
    cost = estimate(2 * DEFAULT_MAX_VARIANTS, ("cltc",), cores=64, collect=False)
    store = tmp_path / "s.duckdb"
    with pytest.raises(BevsimError, match=f"--max-variants {2 * DEFAULT_MAX_VARIANTS}"):
        check_limits(cost, store, collect=False)
    check_limits(cost, store, collect=False, max_variants=2 * DEFAULT_MAX_VARIANTS)
    check_limits(cost, store, collect=False, yes=True)
    with pytest.raises(BevsimError, match="above the limit of 10"):
        check_limits(estimate(11, ("cltc",), 2, False), store, collect=False, max_variants=10)
    slow = estimate(DEFAULT_MAX_VARIANTS, ("epa", "wltp", "cltc", "cycle:udds"), 1, False)
    with pytest.raises(BevsimError, match="would take about"):
        check_limits(slow, store, collect=False)
    huge = estimate(10**12, ("cltc",), cores=2, collect=True)
    with pytest.raises(BevsimError, match="in memory"):
        check_limits(huge, None, collect=True, yes=True)  # hard limits hold with --yes
    with pytest.raises(BevsimError, match="free on its disk"):
        check_limits(estimate(10**12, ("cltc",), 2, False), store, collect=False, yes=True)


def test_estimate_grows_with_work():
    one = estimate(1000, ("cltc",), cores=2, collect=False)
    assert one.rows == 1000 and one.store_bytes == pytest.approx(1000 * STORE_BYTES_PER_ROW)
    assert estimate(1000, ("cltc", "epa"), 2, False).time_s > one.time_s
    assert estimate(1000, ("cltc",), 4, False).time_s == pytest.approx(one.time_s / 2)
    assert estimate(1000, ("cltc",), 2, True).memory_bytes > one.memory_bytes
    assert duration(30) == "30 s" and duration(600) == "10 min" and duration(7200) == "2.0 h"


def test_max_variants_below_the_sweep_is_refused():
    args = ["sweep", "ms11-lfp", "--vary", "battery.cell_capacity_ah=100:120", "--max-variants"]
    line = one_error_line(runner.invoke(app, [*args, "5"]))
    assert "21 variants is above the limit of 5" in line


def test_issue_example_progress_lines_when_not_a_terminal(tmp_path, monkeypatch):
    """Nothing was printed for 300 s when output was not a terminal."""
    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    store = tmp_path / "s.duckdb"
    args = ["sweep", "ms11-lfp", "--vary", "battery.cell_capacity_ah=100:139", "--chunk-size"]
    result = runner.invoke(app, [*args, "10", "--store", str(store), "--json"])
    assert result.exit_code == 0, result.output
    assert re.search(
        r"^estimate: 40 variants x 1 procedure = 40 rows, about .* on \d+ core", result.stderr, re.M
    )
    done = [int(m) for m in re.findall(r"^sweep: (\d+)/40 rows", result.stderr, re.M)]
    assert done[:4] == [10, 20, 30, 40] and done[-1] == 40
    assert "\x1b[" not in result.stderr  # plain text, no terminal control codes
    assert json.loads(result.stdout[result.stdout.index("[") :])[0]["computed_rows"] == 40
