"""physics.road_load on hand-made rows: the formulas, at rest and on a slope."""

import math

import numpy as np
import pytest
from physics_rows import row

from bevsim.engine.performance import VEHICLE_COLUMNS
from bevsim.engine.physics.road_load import (
    KERNEL_COLUMNS,
    road_forces_n,
    road_load_columns,
    road_load_force_n,
    road_powers_w,
    wheel_force_n,
)
from bevsim.units import GRAVITY_MPS2

CAR = dict(
    mass_kg=1800.0,
    inertial_mass_kg=1850.0,
    drag_area_m2=0.55,
    air_density_kg_per_m3=1.2,
    rolling_resistance_coefficient=0.009,
    f0_n=150.0,
    f1_n_per_mps=1.5,
    f2_n_per_mps2=0.4,
)


@pytest.mark.parametrize("jit", [True, False])
def test_drag_and_rolling_powers_are_the_textbook_formulas(jit):
    p = row(**CAR)
    powers = road_powers_w if jit else road_powers_w.py_func
    slope = math.atan(0.05)
    v1, v2, dt = 18.0, 20.0, 1.0
    aero, rolling, grade, inertia, v = powers(
        p, v1, v2, math.cos(slope), math.sin(slope), 1 / dt, 1.0
    )
    assert v == 19.0
    assert aero == pytest.approx(0.5 * 1.2 * 0.55 * 19.0**3, rel=1e-14)
    assert rolling == pytest.approx(0.009 * 1800.0 * GRAVITY_MPS2 * math.cos(slope) * 19.0)
    assert grade == pytest.approx(1800.0 * GRAVITY_MPS2 * math.sin(slope) * 19.0)
    assert inertia == pytest.approx(1850.0 * (v2 - v1) / dt * 19.0)


def test_coast_down_coefficients_replace_drag_and_rolling():
    p = row(**CAR, use_road_load=1.0)
    aero, rolling, grade, _, v = road_powers_w(p, 10.0, 10.0, 1.0, 0.0, 1.0, 1.0)
    assert aero == pytest.approx(0.4 * 10.0**3)
    assert rolling == pytest.approx((150.0 + 1.5 * 10.0) * 10.0)
    assert grade == 0.0


def test_f0_and_rolling_resistance_scale_with_the_normal_load():
    slope = math.radians(20.0)
    for use_road_load, rolling_at_level in ((1.0, 150.0), (0.0, 0.009 * 1800.0 * GRAVITY_MPS2)):
        p = row(**CAR, use_road_load=use_road_load)
        _, rolling, grade = road_forces_n(
            p, KERNEL_COLUMNS, 0.0, math.cos(slope), math.sin(slope), 1.0, 1.0
        )
        assert rolling == pytest.approx(rolling_at_level * math.cos(slope))
        assert grade == pytest.approx(1800.0 * GRAVITY_MPS2 * math.sin(slope))


def test_no_rolling_resistance_at_rest():
    aero, rolling, grade, inertia, v = road_powers_w(row(**CAR), 0.0, 0.0, 1.0, 0.0, 1.0, 1.0)
    assert (aero, rolling, grade, inertia, v) == (0.0, 0.0, 0.0, 0.0, 0.0)
    assert road_forces_n(row(**CAR), KERNEL_COLUMNS, 0.0, 1.0, 0.0, 0.0, 1.0)[1] == 0.0


def test_the_performance_rows_columns_give_the_same_force():
    """The performance solver's vehicle row has its own layout; by its columns, the same force."""
    veh = np.zeros(len(VEHICLE_COLUMNS))
    for name, value in CAR.items():
        veh[VEHICLE_COLUMNS.index(name)] = value
    cols = road_load_columns(VEHICLE_COLUMNS)
    c, s = math.cos(0.1), math.sin(0.1)
    expected = road_load_force_n(row(**CAR), KERNEL_COLUMNS, 25.0, c, s)
    assert road_load_force_n(veh, cols, 25.0, c, s) == expected
    assert expected == pytest.approx(
        0.5 * 1.2 * 0.55 * 25.0**2 + 1800.0 * GRAVITY_MPS2 * (0.009 * c + s)
    )


def test_wheel_force_is_power_over_speed_or_inertia_at_rest():
    p = row(**CAR)
    assert wheel_force_n(p, 20_000.0, 10.0, 9.0, 11.0, 1.0) == pytest.approx(2000.0)
    assert wheel_force_n(p, 0.0, 0.0, 0.0, 0.0, 1.0) == 0.0
    assert wheel_force_n(p, 1e3, 1e-7, 0.0, 2e-7, 1.0) == pytest.approx(1850.0 * 2e-7)
