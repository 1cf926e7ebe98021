"""--vary grammar, grid sizes, LHS stratification, and errors refused before anything runs."""

from __future__ import annotations

import contextlib
import tracemalloc
import types
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bevsim.spec import load_vehicle
from bevsim.sweep import SweepError, plan_sweep, run_sweep
from bevsim.sweep.lhs import lhs_block
from bevsim.sweep.variants import (
    VariantSpace,
    apply_overrides,
    field_paths,
    lhs_values,
    parse_sample,
    parse_vary,
)

BASE = load_vehicle("ms11-lfp").model_dump(mode="json", exclude_none=True)
KNOWN = field_paths(BASE)


def test_field_paths_cover_nested_and_list_fields():
    assert KNOWN["battery.cells_in_parallel"] == "int"
    assert KNOWN["body.drag_coefficient"] == "float"
    assert KNOWN["drive.motors.0.peak_power_kw"] == "float"
    assert KNOWN["battery.chemistry"] == "str"
    assert KNOWN["thermal.cabin_heating"] == "str"
    assert "road_load.f0_n" in KNOWN  # optional sections can be set too


@given(st.integers(-50, 500), st.integers(0, 200))
def test_integer_range_is_inclusive(low, extent):
    axis = parse_vary(f"battery.cells_in_series={low}:{low + extent}", KNOWN)
    assert axis.values == tuple(range(low, low + extent + 1))


@given(
    st.decimals(Decimal("0.1"), Decimal("5"), places=3),
    st.decimals(Decimal("0"), Decimal("3"), places=3),
    st.decimals(Decimal("0.001"), Decimal("1"), places=3),
)
def test_stepped_range_is_exact_and_inclusive(low, extent, step):
    high = low + extent
    axis = parse_vary(f"body.frontal_area_m2={low}:{high}:{step}", KNOWN)
    expected = [low + i * step for i in range(int(extent / step) + 1)]
    assert list(axis.values) == [float(v) for v in expected]
    assert axis.values[-1] <= float(high)
    assert float(high) - axis.values[-1] < float(step)


@given(
    st.lists(
        st.floats(0.1, 1.0, allow_nan=False).map(lambda x: round(x, 4)),
        min_size=1,
        max_size=6,
        unique=True,
    )
)
def test_list_round_trips(values):
    text = ",".join(repr(v) for v in values)
    assert parse_vary(f"body.drag_coefficient={text}", KNOWN).values == tuple(values)


@given(st.text(alphabet="abc:=,. ", max_size=20))
def test_garbage_is_a_sweep_error_never_a_crash(text):
    with contextlib.suppress(SweepError):
        parse_vary(text, KNOWN)


def test_categorical_list():
    axis = parse_vary("battery.chemistry=lfp,sodium-ion,nmc", KNOWN)
    assert axis.values == ("lfp", "sodium-ion", "nmc")
    assert axis.column == "battery_chemistry"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("battery.cels_in_parallel=1:3", "did you mean 'battery.cells_in_parallel'"),
        ("battery=1:3", "is a group of fields"),
        ("body.drag_coefficient=0.3:0.2:0.01", "below the start"),
        ("body.drag_coefficient=0.2:0.3:0", "step must be positive"),
        ("battery.chemistry=1:3", "not numeric"),
        ("body.drag_coefficient", "expected PATH=SPEC"),
        ("body.drag_coefficient=0.2,,0.3", "empty value"),
        ("body.drag_coefficient=0.2,0.2", "listed twice"),
        ("body.drag_coefficient=a:b", "not a number"),
    ],
)
def test_bad_vary_is_refused(text, message):
    with pytest.raises(SweepError, match=message):
        parse_vary(text, KNOWN)


def test_grid_size_is_the_product_and_chunks_are_lazy():
    axes = tuple(
        parse_vary(t, KNOWN)
        for t in (
            "battery.cells_in_parallel=1:3",
            "battery.cell_capacity_ah=100:250:10",
            "body.drag_coefficient=0.19,0.21,0.23",
            "battery.chemistry=lfp,sodium-ion,nmc",
        )
    )
    space = VariantSpace(BASE, axes)
    assert len(space) == 3 * 16 * 3 * 3
    chunks = space.chunks(100)
    assert isinstance(chunks, types.GeneratorType)
    sizes = [len(c) for c in chunks]
    assert sizes == [100, 100, 100, 100, 32]
    big = VariantSpace(
        BASE, tuple(parse_vary(f"mass.curb_kg=1000:{1000 + 999}", KNOWN) for _ in range(1)) * 1
    )
    assert len(big) == 1000


def test_million_variant_grid_is_not_materialised():
    axes = tuple(
        parse_vary(t, KNOWN)
        for t in ("mass.curb_kg=1000:1999", "battery.cell_capacity_ah=100:1099")
    )
    space = VariantSpace(BASE, axes)
    assert len(space) == 1_000_000
    first = next(space.chunks(10))  # immediate: nothing else is generated
    assert first[0] == (1000, 100) and first[1] == (1000, 101)


def test_variant_applies_overrides_without_touching_the_base():
    variant = apply_overrides(
        BASE, ["drive.motors.0.peak_power_kw", "battery.chemistry"], [150.0, "nmc"]
    )
    assert variant["drive"]["motors"][0]["peak_power_kw"] == 150.0
    assert variant["battery"]["chemistry"] == "nmc"
    assert BASE["drive"]["motors"][0]["peak_power_kw"] == 220.0
    assert BASE["battery"]["chemistry"] == "lfp"


def test_lhs_is_stratified_in_every_dimension():
    n = 200
    unit = lhs_block(3, n, 7, 0, n)
    for j in range(3):
        strata = np.sort(np.floor(unit[:, j] * n).astype(int))
        assert (strata == np.arange(n)).all()


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(1, 3000),
    dims=st.integers(1, 5),
    seed=st.integers(-(2**40), 2**40),
    block=st.integers(1, 500),
)
def test_lhs_in_blocks_is_one_latin_hypercube(n, dims, seed, block):
    """Blocks of any size give the same points as one block, each dimension a permutation of
    its n strata, values in [0, 1), reproducible from the seed."""
    whole = lhs_block(dims, n, seed, 0, n)
    parts = np.vstack([lhs_block(dims, n, seed, s, min(s + block, n)) for s in range(0, n, block)])
    assert (parts == whole).all()
    assert (whole >= 0).all() and (whole < 1).all()
    for j in range(dims):
        assert (np.sort(np.floor(whole[:, j] * n).astype(np.int64)) == np.arange(n)).all()
    assert (lhs_block(dims, n, seed, 0, n) == whole).all()


def test_issue_example_billion_point_lhs_block_uses_little_memory():
    """`--sample lhs:1000000000` used 23.7 GB: a block of the last 5,000 points needs < 5 MB."""
    tracemalloc.start()
    try:
        block = lhs_block(4, 10**9, 0, 10**9 - 5_000, 10**9)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert block.shape == (5_000, 4) and peak < 5e6
    strata = np.floor(block * 10**9)
    assert ((strata >= 0) & (strata < 10**9)).all()


def test_lhs_maps_ranges_lattices_and_categories():
    u = (np.arange(300) + 0.5) / 300
    cont = parse_vary("body.drag_coefficient=0.19:0.23", KNOWN)
    assert cont.values is None
    drawn = lhs_values(cont, u)
    assert min(drawn) >= 0.19 and max(drawn) <= 0.23
    lattice = lhs_values(parse_vary("battery.cell_capacity_ah=100:250:50", KNOWN), u)
    assert sorted(set(lattice)) == [100, 150, 200, 250]
    chem = lhs_values(parse_vary("battery.chemistry=lfp,sodium-ion,nmc", KNOWN), u)
    assert {chem.count(c) for c in ("lfp", "sodium-ion", "nmc")} == {100}
    ints = lhs_values(parse_vary("battery.cells_in_parallel=1:3", KNOWN), u)
    assert sorted(set(ints)) == [1, 2, 3]


def test_lhs_sample_size_and_grid_needs_a_step_for_decimal_ranges():
    plan = plan_sweep("ms11-lfp", ["body.drag_coefficient=0.19:0.23"], sample="lhs:50")
    assert len(plan.space) == 50
    with pytest.raises(SweepError, match="continuous range"):
        plan_sweep("ms11-lfp", ["body.drag_coefficient=0.19:0.23"])
    with pytest.raises(SweepError, match="lhs:N"):
        parse_sample("lhs:x")


@pytest.mark.parametrize(
    ("vary", "message"),
    [
        (["body.drag_coefficient=0.05,0.2"], "drag_coefficient"),
        (["battery.chemistry=lfp,lithium-sulfur"], "lithium-sulfur"),
        (["battery.cells_in_parallel=0:2"], "cells_in_parallel"),
        (["battery.cels_in_parallel=1:3"], "did you mean"),
        (["drive.layout=fwd"], "layout"),
        (["body.drag_coefficient=0.2", "body.drag_coefficient=0.3"], "more than once"),
    ],
)
def test_invalid_values_are_refused_before_anything_runs(tmp_path, vary, message):
    store = tmp_path / "s.duckdb"
    with pytest.raises(SweepError, match=message):
        run_sweep("ms11-lfp", vary, store=store)
    assert not store.exists()
