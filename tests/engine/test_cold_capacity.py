"""Cold cells: what they deliver is decided by the voltage cut-off with their cold
resistances, not by a raised SOC floor on top of it (issue 14 item 4)."""

import numpy as np
import pytest

import bevsim
from bevsim.chemistry import load_chemistry
from bevsim.engine.tables import SOC_GRID, TEMP_GRID_C
from bevsim.procedures.winter import winter_test

RATE_TEST_C = 1.0
"""Discharge rate of the published low-temperature capacities [C]: GB/T 31486-2015's
low-temperature discharge test for traction cells runs at 1 I1 (the one-hour current)."""


def reachable(chemistry_id, temp_c, c_rate):
    """Share of the cell's capacity [-] a constant ``c_rate`` [C] discharge from full reaches
    before the terminal voltage (OCV less R0 and the settled RC pair) falls to the cut-off,
    at ``temp_c`` [degC] (a point of the kernel's temperature grid)."""
    chem = load_chemistry(chemistry_id)
    tables = chem.resampled(SOC_GRID, TEMP_GRID_C)
    i = list(TEMP_GRID_C).index(temp_c)
    r = tables["r0_ohm_ah"][i] + tables["r1_ohm_ah"][i]
    below = np.nonzero(tables["ocv_v"] - c_rate * r < chem.min_voltage_v)[0]
    return 1.0 - (SOC_GRID[below.max()] if below.size else 0.0)


def reachable_share(chemistry_id, temp_c, c_rate):
    """``reachable`` at ``temp_c`` [degC] relative to the same discharge at 25 degC [-]."""
    return reachable(chemistry_id, temp_c, c_rate) / reachable(chemistry_id, 25.0, c_rate)


@pytest.mark.parametrize("chemistry_id", ["lfp", "sodium-ion", "nmc"])
def test_the_cut_off_at_the_rate_test_reproduces_the_published_cold_capacity(chemistry_id):
    """The published -20 degC capacities are rate tests: the cut-off with the tables' cold
    resistances already gives them (within 5 pp), so a floor on top counted the cold twice."""
    published = float(load_chemistry(chemistry_id).capacity_fraction_at(-20.0))
    assert reachable_share(chemistry_id, -20.0, RATE_TEST_C) == pytest.approx(published, abs=0.05)


@pytest.mark.parametrize("chemistry_id", ["lfp", "sodium-ion", "nmc"])
def test_cold_capacity_releases_at_lower_current_and_higher_temperature(chemistry_id):
    temps = [t for t in TEMP_GRID_C if -20.0 <= t <= 25.0]
    at_1c = [reachable(chemistry_id, t, 1.0) for t in temps]
    at_03c = [reachable(chemistry_id, t, 0.3) for t in temps]
    assert np.all(np.diff(at_1c) >= -1e-12) and np.all(np.diff(at_03c) >= -1e-12)
    assert np.all(np.array(at_03c) >= np.array(at_1c) - 1e-12)
    assert at_03c[0] > at_1c[0]  # at -20 degC the driving-like 0.3C reaches more


def test_cold_cltc_packs_reach_the_bottom_of_their_window():
    """At CLTC's currents (well below 1C) the cold cut-off does not bite: both packs, not
    heated while driving beyond their -5 degC threshold, end at their usable window's bottom
    at -20 degC, where the old floor had kept 22 % (LFP) and 9 % (sodium-ion) of it back."""
    out = winter_test(["ms11-lfp", "ms11-naion"], [-20.0], "cltc", hvac_on=False)
    for _, row in out.iterrows():
        soc_min = bevsim.load_vehicle(row.vehicle_id).battery.soc_min
        assert row.end_soc == pytest.approx(soc_min, abs=0.01)
        assert 0.6 < row.range_retained < 0.95
