"""physics.regen on hand-made rows: each limit on regenerative braking in turn."""

import numpy as np
import pytest
from physics_rows import flat_tables, row

from bevsim.engine.physics.drive_unit import drive_constants, motor_loss_w
from bevsim.engine.physics.regen import (
    driving_limits,
    regen,
    regen_request,
)

CAR = dict(
    gear_ratio=9.0,
    wheel_radius_m=0.3,
    driveline_efficiency=0.95,
    motor_max_speed_radps=1500.0,
    motor_peak_torque_nm=400.0,
    motor_peak_power_w=150_000.0,
    motor_loss_scale_w=150_000.0,
    traction_force_max_n=6000.0,
    regen_min_speed_mps=3.0,
    cells_in_series=96.0,
    cells_in_parallel=2.0,
    cell_capacity_ah=50.0,
    soc_min=0.05,
)
LOSSLESS = np.zeros((2, 3, 3))
LOSSY = np.full((2, 3, 3), 0.02)  # 2 % of 150 kW = 3 kW anywhere on the map


def _request(wheel_w, v, **changes):
    p = row(**{**CAR, **changes})
    return regen_request(p, drive_constants(p), wheel_w, v)[1]


def test_regen_asked_for_is_the_wheel_power_through_the_driveline():
    assert _request(-20_000.0, 20.0) == pytest.approx(-20_000.0 * 0.95)


def test_traction_limits_regen():
    # 6000 N x 10 m/s = 60 kW at most through the driven axle's tires
    assert _request(-100_000.0, 10.0) == pytest.approx(-60_000.0 * 0.95)


def test_regen_fades_out_below_its_speed():
    assert _request(-3000.0, 1.5) == pytest.approx(-3000.0 * 0.5 * 0.95)
    assert _request(-3000.0, 1.5, regen_min_speed_mps=0.0) == pytest.approx(-3000.0 * 0.95)


def test_the_motor_envelope_limits_regen():
    # torque: 400 N m x (5 m/s x 30 rad/m) = 60 kW
    assert _request(-100_000.0, 5.0, traction_force_max_n=1e9) == pytest.approx(-60_000.0)
    # power: 150 kW
    assert _request(-300_000.0, 30.0, traction_force_max_n=1e9) == pytest.approx(-150_000.0)


def test_pack_acceptance_limits_regen_and_friction_takes_the_rest():
    p = row(**CAR)
    drive = drive_constants(p)
    wheel, aux, accept = -40_000.0, 1_000.0, 20_000.0
    mech, elec, loss, dl_loss, friction = regen(p, drive, LOSSY, wheel, 20.0, aux, accept)
    assert loss == pytest.approx(3000.0)
    assert elec == pytest.approx(-accept - aux)  # what goes in: the acceptance plus the loads
    assert mech == pytest.approx(elec - loss)
    assert mech / 0.95 - friction == pytest.approx(wheel)  # the wheel's braking is all covered
    assert friction > 0.0 and dl_loss == pytest.approx(mech - mech / 0.95)


def test_regen_within_acceptance_settles_on_the_loss_at_that_regen():
    """With a loss that depends on torque, the passes settle on regen + its own loss = floor."""
    p = row(**CAR)
    drive = drive_constants(p)
    maps = np.zeros((2, 3, 3))
    maps[1] = [[0.0, 0.01, 0.04], [0.0, 0.01, 0.04], [0.0, 0.01, 0.04]]
    for regen_fn in (regen, regen.py_func):
        mech, elec, loss, _, _ = regen_fn(p, drive, maps, -80_000.0, 20.0, 0.0, 30_000.0)
        speed = 20.0 * drive.motor_radps_per_mps
        assert loss == pytest.approx(motor_loss_w(maps, speed, mech / speed, drive), rel=1e-4)
        assert 300.0 < loss < 400.0
        assert elec == pytest.approx(-30_000.0, rel=1e-4)
        assert elec >= -30_000.0 * (1 + 1e-12)


def test_no_regen_when_it_would_cost_more_than_it_gives():
    p = row(**CAR)
    mech, elec, loss, _, friction = regen(p, drive_constants(p), LOSSY, -500.0, 10.0, 0.0, 1e6)
    assert (mech, elec, loss) == (0.0, 0.0, 0.0)
    assert friction == 500.0


def test_at_rest_the_friction_brakes_hold_the_car():
    p = row(**CAR)
    assert regen(p, drive_constants(p), LOSSLESS, -10.0, 0.0, 0.0, 1e6) == (0, 0, 0, 0, 10.0)


def test_driving_limits_carry_the_regen_pulse_limit():
    p = row(**CAR, chemistry_index=0.0)
    tables = flat_tables(charge_c=1.0, regen_c=2.0)
    warm = driving_limits(p, tables, 0, 25.0)
    assert warm.i_regen_max_a == pytest.approx(2.0 * 100.0)  # 2 C of the 100 Ah pack
    assert warm.i_dis_max_a == pytest.approx(3.0 * 100.0)
    assert driving_limits(p, tables, 0, -10.0).i_regen_max_a == 0.0
