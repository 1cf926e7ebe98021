"""The DuckDB store: content-hash keys, one row per (variant, procedure), idempotent reruns."""

from __future__ import annotations

import re

import duckdb
import pandas as pd
import pytest

import bevsim
from bevsim.sweep import ResultStore, model_version, run_sweep
from bevsim.sweep.costs import pack_cost_table
from bevsim.sweep.store import content_key

VARY = ["battery.cell_capacity_ah=120:200:40", "battery.chemistry=lfp,sodium-ion"]


def test_model_version_is_the_package_version_and_a_source_digest():
    assert re.fullmatch(re.escape(bevsim.__version__) + r"\+[0-9a-f]{12}", model_version())


def test_key_depends_on_variant_procedure_and_model_version():
    keys = {
        content_key('{"a":1}', "cltc", "1"),
        content_key('{"a":2}', "cltc", "1"),
        content_key('{"a":1}', "wltp", "1"),
        content_key('{"a":1}', "cltc", "2"),
    }
    assert len(keys) == 4
    assert content_key('{"a":1}', "cltc", "1") == content_key('{"a":1}', "cltc", "1")


def test_every_chemistry_has_a_sourced_pack_cost():
    table = pack_cost_table()
    assert set(table) == {"lfp", "nmc", "sodium-ion"}
    for entry in table.values():
        assert entry["usd_per_kwh"] > 0 and len(entry["source"]) > 40


def test_store_rows_keys_and_rerun_is_idempotent(tmp_path):
    store = tmp_path / "sweep.duckdb"
    first = run_sweep("ms11-lfp", VARY, procedures=["cltc", "wltp"], store=store, chunk_size=4)
    assert len(first) == 3 * 2 * 2
    assert first["error"].isna().all()
    assert (
        first["pack_cost_usd"] == first["pack_energy_kwh"] * first["pack_cost_usd_per_kwh"]
    ).all()
    seen = []
    again = run_sweep(
        "ms11-lfp",
        VARY,
        procedures=["cltc", "wltp"],
        store=store,
        chunk_size=5,
        progress=lambda s: seen.append((s.computed, s.skipped)),
    )
    assert seen[-1] == (0, 12)  # nothing recomputed
    pd.testing.assert_frame_equal(first, again[first.columns], check_dtype=False)
    con = duckdb.connect(str(store), read_only=True)
    try:
        count, distinct = con.execute(
            "select count(*), count(distinct key) from results"
        ).fetchone()
        cols = {r[0] for r in con.execute("describe results").fetchall()}
    finally:
        con.close()
    assert count == distinct == 12
    assert {
        "battery_cell_capacity_ah",
        "battery_chemistry",
        "pack_energy_kwh",
        "chemistry",
        "curb_mass_kg",
        "drag_coefficient",
        "pack_cost_usd",
        "range_km",
        "model_version",
        "procedure",
        "key",
    } <= cols


def test_a_larger_sweep_adds_only_the_new_variants(tmp_path):
    store = tmp_path / "sweep.duckdb"
    run_sweep("ms11-lfp", ["battery.cell_capacity_ah=120,160"], store=store)
    states = []
    out = run_sweep(
        "ms11-lfp",
        ["battery.cell_capacity_ah=120,160,200"],
        store=store,
        progress=lambda s: states.append((s.computed, s.skipped)),
    )
    assert states[-1] == (1, 2)
    assert list(out["battery_cell_capacity_ah"]) == [120, 160, 200]
    assert out["range_km"].is_monotonic_increasing


def test_a_variant_the_procedure_refuses_is_a_row_with_its_error(tmp_path):
    # 3 Ah cells make a valid 1.2 kWh pack that cannot power the car through the CLTC
    out = run_sweep("ms11-lfp", ["battery.cell_capacity_ah=3,150"], store=tmp_path / "s.duckdb")
    assert out.loc[0, "error"] and "cltc" in out.loc[0, "error"]
    assert pd.isna(out.loc[0, "range_km"])
    assert out.loc[1, "range_km"] > 500 and out.loc[1, "error"] is None


def test_cycle_runs_go_to_the_same_store(tmp_path):
    store = tmp_path / "s.duckdb"
    out = run_sweep(
        "ms11-lfp", ["body.drag_coefficient=0.2,0.25"], procedures=[], cycles=["udds"], store=store
    )
    assert list(out["procedure"]) == ["cycle:udds", "cycle:udds"]
    assert out["consumption_kwh_per_100km"].is_monotonic_increasing
    with ResultStore(store, read_only=True) as results:
        assert results.query("select count(*) n from results")["n"][0] == 2


def test_bad_sql_is_a_clear_error(tmp_path):
    store = tmp_path / "s.duckdb"
    run_sweep("ms11-lfp", ["body.drag_coefficient=0.2"], store=store)
    with (
        ResultStore(store, read_only=True) as results,
        pytest.raises(bevsim.BevsimError, match="s.duckdb"),
    ):
        results.query("select nope from results")
