"""A damaged or foreign results store is refused in one line before the sweep runs (issue 17,
item 7): it was reported as "already stored 6795" with exit 0, and ``--plot`` on it gave a
traceback."""

from __future__ import annotations

import json
import os
import random
import shutil

import duckdb
import pytest
from typer.testing import CliRunner

from bevsim.cli import sweep_commands  # noqa: F401  (registers the commands)
from bevsim.cli.app import app

runner = CliRunner()
VARY = ["--vary", "battery.cell_capacity_ah=100:160"]


@pytest.fixture(scope="module")
def good_store(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "s.duckdb"
    result = runner.invoke(app, ["sweep", "ms11-lfp", *VARY, "--store", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return path


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


def total_range(path) -> float:
    with duckdb.connect(str(path), read_only=True) as con:
        return con.execute("select sum(range_km) from results").fetchone()[0]


@pytest.mark.parametrize("seed", range(10))
def test_issue_example_damaged_store_is_refused_or_intact(good_store, tmp_path, seed):
    """Overwrite 512 bytes at a random place: either the sweep refuses the store in one line
    (no plot written) or every stored value still reads back as before."""
    damaged = tmp_path / "d.duckdb"
    shutil.copy(good_store, damaged)
    size = damaged.stat().st_size
    offset = random.Random(seed).randrange(0, size - 512)
    with damaged.open("r+b") as f:
        f.seek(offset)
        f.write(random.Random(seed).randbytes(512))
    plot = tmp_path / "p.png"
    args = ["sweep", "ms11-lfp", *VARY, "--store", str(damaged), "--plot", str(plot), "--json"]
    result = runner.invoke(app, args)
    if result.exit_code == 2:
        assert str(damaged) in one_error_line(result)
        assert not plot.exists()
        query = runner.invoke(app, ["results", str(damaged), "--sql", "select * from results"])
        assert query.exit_code == 2 and "Traceback" not in query.output
    else:
        assert result.exit_code == 0, result.output
        summary = json.loads(result.stdout[result.stdout.index("[") :])[0]
        assert summary["already_stored_rows"] == 61
        assert total_range(damaged) == total_range(good_store)


@pytest.mark.parametrize(
    ("setup", "expected"),
    [
        ("text", "cannot open results store"),
        ("foreign", "not a bevsim results store"),
        ("duplicated", "damaged"),
    ],
)
def test_foreign_or_inconsistent_store_is_refused(good_store, tmp_path, setup, expected):
    path = tmp_path / "x.duckdb"
    if setup == "text":
        path.write_text("not a database\n" * 100, encoding="utf-8")
    elif setup == "foreign":
        with duckdb.connect(str(path)) as con:
            con.execute("create table results as select 1 as key, 2 as range_km")
    else:
        shutil.copy(good_store, path)
        with duckdb.connect(str(path)) as con:
            con.execute("insert into results select * from results limit 1")
    before = path.read_bytes()
    result = runner.invoke(app, ["sweep", "ms11-lfp", *VARY, "--store", str(path)])
    assert expected in one_error_line(result)
    assert path.read_bytes() == before
    assert not os.path.exists(f"{path}.wal")
