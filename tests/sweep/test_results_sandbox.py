"""``bevsim results --sql`` is a sandbox (issue 17, item 4): one SELECT over the store, no file
read or written outside it, no extensions, a row cap with a note and a time bound."""

from __future__ import annotations

import hashlib
import json
import time

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bevsim.cli import sweep_commands  # noqa: F401  (registers the commands)
from bevsim.cli.app import app
from bevsim.errors import BevsimError
from bevsim.sweep import ResultStore, run_sweep

runner = CliRunner()
SECRET = "bevsim-secret-7f3a"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    path = tmp_path_factory.mktemp("store") / "s.duckdb"
    run_sweep("ms11-lfp", ["body.drag_coefficient=0.2,0.22"], store=path)
    return path


@pytest.fixture
def outside(tmp_path):
    """A folder outside the store with a secret file in it."""
    (tmp_path / "secret.csv").write_text(f"token\n{SECRET}\n", encoding="utf-8")
    return tmp_path


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(store, sql, *extra):
    return runner.invoke(app, ["results", str(store), "--sql", sql, *extra])


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    return lines[0]


WRITES = [
    "copy results to '{d}/out.csv'",
    "copy (select * from results) to '{d}/out.parquet' (format parquet)",
    "export database '{d}/exported'",
    "attach '{d}/new.duckdb' as other",
    "create table {d_ident} as select 1",
    "insert into results (key) values ('x')",
    "install httpfs",
    "load httpfs",
    "set enable_external_access = true",
    "pragma enable_profiling",
    "select 1; copy results to '{d}/out2.csv'",
]
READS = [
    "select * from read_csv('{d}/secret.csv')",
    "select * from read_csv_auto('{d}/secret.csv')",
    "select * from '{d}/secret.csv'",
    "select content from read_text('{d}/secret.csv')",
    "select content from read_blob('{d}/secret.csv')",
    "select * from glob('{d}/*')",
    "select * from read_json('{d}/secret.csv')",
    "select * from read_parquet('{d}/*.parquet')",
    "select * from read_csv('https://example.com/x.csv')",
]


@pytest.mark.parametrize("sql", WRITES)
def test_nothing_is_written_outside_the_store(store, outside, sql):
    before, files = digest(store), sorted(p.name for p in outside.iterdir())
    line = one_error_line(query(store, sql.format(d=outside, d_ident="t")))
    assert str(store) in line
    assert sorted(p.name for p in outside.iterdir()) == files
    assert digest(store) == before


@pytest.mark.parametrize("sql", READS)
def test_nothing_is_read_outside_the_store(store, outside, sql):
    result = query(store, sql.format(d=outside))
    one_error_line(result)
    assert SECRET not in result.output


@pytest.mark.parametrize(("sql", "expected"), [("", "no statement"), ("  ;  ", "no statement")])
def test_an_empty_query_is_one_line(store, sql, expected):
    assert expected in one_error_line(query(store, sql))


def test_the_store_tables_can_be_read(store):
    result = query(store, "select count(*) as n, min(range_km) > 0 as ok from results", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == [{"n": 2, "ok": True}]


def test_issue_example_rows_are_capped_with_a_note(store):
    start = time.perf_counter()
    result = query(store, "select * from range(5000000)", "--json")
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout[result.stdout.index("[") :])
    assert len(rows) == 10_000 and rows[-1] == {"range": 9_999}
    assert "showing first 10,000 rows; use --limit" in result.output
    assert time.perf_counter() - start < 20
    small = query(store, "select * from range(50)", "--limit", "7", "--json")
    assert len(json.loads(small.stdout[small.stdout.index("[") :])) == 7
    exact = query(store, "select * from range(7)", "--limit", "7", "--json")
    assert "use --limit" not in exact.output


def test_a_runaway_query_is_stopped(store):
    start = time.perf_counter()
    sql = "select sum(a.range * b.range) from range(1000000) a, range(1000000) b"
    line = one_error_line(query(store, sql, "--timeout-s", "1"))
    assert "stopped after 1 s" in line
    assert time.perf_counter() - start < 15


SQL_WORDS = st.sampled_from(
    [
        "select",
        "*",
        "from",
        "results",
        "copy",
        "to",
        "'{d}/x.csv'",
        "read_csv(",
        "read_text(",
        "'{d}/secret.csv'",
        ")",
        ";",
        "attach",
        "export",
        "database",
        "'{d}/e'",
        "install",
        "httpfs",
        "load",
        "glob(",
        "union",
        "all",
        "1",
        ",",
        "where",
        "range(3)",
        "pragma",
    ]
)


@pytest.mark.slow
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(words=st.lists(SQL_WORDS, max_size=10))
def test_any_query_returns_rows_or_refuses_and_touches_no_file(store, outside, words):
    sql = " ".join(words).format(d=outside)
    files = sorted(p.name for p in outside.iterdir())
    with ResultStore(store, read_only=True) as results:
        try:
            frame = results.query(sql, max_rows=100)
        except BevsimError as exc:
            assert "\n" not in str(exc) and SECRET not in str(exc)
        else:
            assert len(frame) <= 100
            assert SECRET not in frame.to_string()
    assert sorted(p.name for p in outside.iterdir()) == files
