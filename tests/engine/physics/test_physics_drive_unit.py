"""physics.drive_unit on a small hand-made loss map: bilinear interpolation and the envelope."""

import numpy as np
import pytest
from physics_rows import row

from bevsim.engine.physics.drive_unit import (
    MapScale,
    drive_constants,
    loss_position,
    motor_loss_w,
    propulsion,
    propulsion_demand,
)

# per-unit loss on a 3 x 3 grid of speed (0, 0.5, 1 of max) x |torque| (0, 0.5, 1 of peak)
MOTORING = np.array([[0.00, 0.01, 0.04], [0.01, 0.02, 0.05], [0.03, 0.05, 0.09]])
GENERATING = 0.5 * MOTORING
MAPS = np.stack([MOTORING, GENERATING])
SCALE = MapScale(1.0 / 1000.0, 1.0 / 400.0, 200_000.0)  # 1000 rad/s, 400 N m, 200 kW


def _bilinear(table, s, t):
    i, j = min(int(s * 2), 1), min(int(t * 2), 1)
    fs, ft = s * 2 - i, t * 2 - j
    lo = table[i, j] * (1 - ft) + table[i, j + 1] * ft
    hi = table[i + 1, j] * (1 - ft) + table[i + 1, j + 1] * ft
    return lo * (1 - fs) + hi * fs


@pytest.mark.parametrize("jit", [True, False])
@pytest.mark.parametrize(("speed", "torque"), [(250.0, 100.0), (730.0, 310.0), (500.0, 200.0)])
def test_loss_interpolates_the_map_bilinearly(jit, speed, torque):
    loss = motor_loss_w if jit else motor_loss_w.py_func
    expected = _bilinear(MOTORING, speed / 1000.0, torque / 400.0) * 200_000.0
    assert loss(MAPS, speed, torque, SCALE) == pytest.approx(expected, rel=1e-12)


def test_generating_torque_reads_the_generating_map():
    motoring = motor_loss_w(MAPS, 600.0, 150.0, SCALE)
    assert motor_loss_w(MAPS, 600.0, -150.0, SCALE) == pytest.approx(0.5 * motoring)


def test_operating_points_beyond_the_map_are_clamped_to_its_edge():
    assert loss_position(2000.0, 900.0, SCALE, 2, 2) == (1, 1.0, 1, 1.0)
    assert motor_loss_w(MAPS, 2000.0, 900.0, SCALE) == pytest.approx(0.09 * 200_000.0)


CAR = dict(
    gear_ratio=9.0,
    wheel_radius_m=0.3,
    driveline_efficiency=0.97,
    motor_max_speed_radps=1000.0,
    motor_peak_torque_nm=400.0,
    motor_peak_power_w=200_000.0,
    motor_loss_scale_w=200_000.0,
    traction_force_max_n=9000.0,
    regen_min_speed_mps=2.0,
)


def test_drive_constants_and_the_motor_demand():
    p = row(**CAR)
    drive = drive_constants(p)
    assert drive.motor_radps_per_mps == pytest.approx(30.0)
    assert drive.inv_regen_fade_speed_s_per_m == 0.5
    wheel_w, v, force = 40_000.0, 20.0, 2000.0
    mech, speed, torque, ok = propulsion_demand(p, drive, wheel_w, v, force)
    assert mech == pytest.approx(wheel_w / 0.97)
    assert speed == pytest.approx(600.0)
    assert torque == pytest.approx(force * 0.3 / 9.0 / 0.97)
    assert ok
    mech, elec, loss, dl_loss, _ = propulsion(p, drive, MAPS, wheel_w, v, force)
    assert loss == pytest.approx(motor_loss_w(MAPS, speed, torque, drive))
    assert elec == pytest.approx(mech + loss)
    assert dl_loss == pytest.approx(mech - wheel_w)


@pytest.mark.parametrize(
    ("wheel_w", "v", "force"),
    [
        (150_000.0, 10.0, 15_000.0),  # beyond the tires' traction (and the peak torque)
        (199_000.0, 20.0, 9000.0),  # power: 199 kW at the wheel is 205 kW at the motor
        (20_000.0, 35.0, 600.0),  # motor speed: 35 m/s is 1050 rad/s
    ],
)
def test_demands_beyond_the_envelope_are_flagged(wheel_w, v, force):
    p = row(**CAR)
    assert not propulsion_demand(p, drive_constants(p), wheel_w, v, force)[3]
