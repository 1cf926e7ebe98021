"""physics.pack on hand-made rows: current from power, and each discharge and charge limit."""

import math

import numpy as np
import pytest
from physics_rows import flat_tables, row

from bevsim.engine.physics.pack import (
    cell_limits,
    cell_tables,
    charge_current_a,
    charge_power_w,
    discharge_power_w,
    pack_current_a,
    pack_state,
    pack_values,
)

E, R = 400.0, 0.1  # source voltage [V], series resistance [ohm]
PACK = dict(
    cells_in_series=96.0,
    cells_in_parallel=2.0,
    cell_capacity_ah=50.0,
    soc_min=0.05,
    soc_max=0.95,
    pack_max_discharge_power_w=1e9,
    pack_max_charge_power_w=1e9,
)


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.parametrize("power_w", [-80_000.0, -1.0, 0.0, 1.0, 50_000.0, 300_000.0])
def test_current_delivers_the_terminal_power(jit, power_w):
    current = (pack_current_a if jit else pack_current_a.py_func)(E, R, 1 / R, power_w)
    assert current * (E - R * current) == pytest.approx(power_w, abs=1e-6)
    assert current <= E / (2 * R)  # the smaller root: the stable operating point


def test_charging_current_takes_the_power_into_the_pack():
    for power_w in (1.0, 11_000.0, 250_000.0):
        current = charge_current_a(E, R, 1 / R, power_w)
        assert current > 0.0
        assert current * (E + R * current) == pytest.approx(power_w)
        assert current == pytest.approx(-pack_current_a(E, R, 1 / R, -power_w))
    assert charge_current_a(E, R, 1 / R, -5.0) == 0.0


def test_pack_values_scale_the_cell_to_the_pack():
    ns, r_scale, inv_cell_ah = 96.0, 96.0 / 100.0, 1 / 50.0
    ocv, source, r0, inv_r0, r1, decay = pack_values(
        ns, r_scale, inv_cell_ah, 0.01, 3.7, 0.1, 0.05, 0.9
    )
    assert ocv == pytest.approx(96 * 3.7)
    assert source == pytest.approx(96 * (3.7 - 0.01))
    assert r0 == pytest.approx(0.1 * 96 / 100) and inv_r0 == pytest.approx(1 / r0)
    assert r1 == pytest.approx(0.05 / 50.0) and decay == 0.9


def _discharge(p, soc=0.5, i_dis_max=300.0, v_min=2.5, dt=1.0):
    return discharge_power_w(p, 100.0, v_min, 0.05, i_dis_max, soc, E, R, 1 / R, 1 / dt)


def test_each_discharge_limit_binds_in_turn():
    p = row(**PACK)
    # C-rate: 300 A
    assert _discharge(p) == pytest.approx((E - R * 300.0) * 300.0)
    # cell voltage floor: (400 - 96 x 3.9) / 0.1 = 256 A
    assert _discharge(p, v_min=3.9) == pytest.approx((E - R * 256.0) * 256.0)
    # charge left above the floor: 0.001 x 100 Ah x 3600 s / 1 s = 360 A -> 3600 s step: 0.1 A
    assert _discharge(p, soc=0.051, dt=3600.0) == pytest.approx((E - R * 0.1) * 0.1, rel=1e-6)
    # the pack's (BMS) limit
    assert _discharge(row(**{**PACK, "pack_max_discharge_power_w": 50_000.0})) == 50_000.0
    # never past the maximum-power point E / 2R
    assert _discharge(p, i_dis_max=1e6, v_min=0.0) == pytest.approx(E * E / (4 * R))
    assert _discharge(p, soc=0.01) == 0.0


def _charge(p, soc=0.5, i_chg_max=100.0, v_max=4.5, dt=1.0):
    return charge_power_w(p, 100.0, v_max, i_chg_max, soc, E, R, 1 / R, 1 / dt)


def test_each_charge_limit_binds_in_turn():
    p = row(**PACK)
    assert _charge(p) == pytest.approx((E + R * 100.0) * 100.0)  # current limit
    # cell voltage ceiling: (96 x 4.2 - 400) / 0.1 = 32 A
    assert _charge(p, v_max=4.2) == pytest.approx((E + R * 32.0) * 32.0)
    # room below soc_max: 0.0001 x 100 Ah x 3600 / 1 s = 36 A
    assert _charge(p, soc=0.9499) == pytest.approx((E + R * 36.0) * 36.0, rel=1e-6)
    assert _charge(row(**{**PACK, "pack_max_charge_power_w": 5_000.0})) == 5_000.0
    assert _charge(p, soc=0.96) == 0.0
    assert _charge(p, v_max=4.0) == 0.0  # already above the ceiling


def test_cell_limits_and_state_from_the_tables():
    p = row(**PACK, chemistry_index=0.0)
    tables = flat_tables(discharge_c=3.0, charge_c=1.0)
    cell = cell_tables(p, tables)
    assert cell.pack_ah == 100.0 and cell.v_max_v == 4.2
    limits = cell_limits(p, tables, cell.chemistry, 12.5)  # halfway between 10 and 15 degC
    assert (limits.grid_cell, limits.grid_frac) == (10, 0.5)
    assert (limits.i_dis_max_a, limits.i_chg_max_a, limits.soc_floor) == (300.0, 100.0, 0.05)
    decay = np.exp(-1.0 / tables.tau1_s)
    state = pack_state(p, cell, limits, decay, 0.25, 0.0)
    assert state.ocv_v == pytest.approx(96 * (3.3 + 0.8 * 0.25))
    assert state.r0_ohm == pytest.approx(0.1 * 96 / 100)
    assert state.decay == pytest.approx(math.exp(-1 / 20))
