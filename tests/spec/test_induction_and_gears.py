"""The built-in induction-machine map's physics, and multi-speed drive units (least-loss gear)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError
from scipy.interpolate import RegularGridInterpolator

from bevsim.spec.drive_unit import combined_loss_map, equivalent_drive_unit
from bevsim.spec.loss_map import MAP_GRID, loss_map
from bevsim.spec.motor_map import load_efficiency_map
from bevsim.spec.powertrain import Motor

PMSM = load_efficiency_map(None, "sic", "pmsm")
INDUCTION = load_efficiency_map(None, "sic", "induction")


def _motor(**extra) -> Motor:
    return Motor(
        axle="rear", peak_power_kw=150.0, peak_torque_nm=300.0, max_speed_rpm=15000.0, **extra
    )


def _eff(eff_map, s: float, t: float) -> float:
    """Motoring efficiency as the kernel sees it: from the per-unit loss on its grid."""
    loss = RegularGridInterpolator((MAP_GRID, MAP_GRID), loss_map(eff_map)[0])((s, t))
    return float(s * t / (s * t + loss))


@pytest.mark.parametrize("inverter", ["sic", "igbt"])
def test_the_induction_map_is_bounded_and_its_loss_rises_with_torque(inverter):
    eff_map = load_efficiency_map(None, inverter, "induction")
    assert np.all((eff_map.efficiency > 0.0) & (eff_map.efficiency < 1.0))
    loss = loss_map(eff_map)[0]
    assert np.all(loss[1:, :] > 0.0)  # turning: magnetising, electronics and iron losses
    assert np.all(np.diff(loss[1:, :], axis=1) > 0.0)  # more torque, more current, more loss


def test_induction_peak_and_light_load_efficiency_are_the_sourced_ones():
    """Peak 93-95 % (PMSM 96-97 %); at highway cruise 4 points below the PMSM map (Tesla's 2019
    Model S front unit, PM for induction: tools/make_induction_motor_map.py)."""
    assert 0.93 <= INDUCTION.efficiency.max() <= 0.95 < PMSM.efficiency.max()
    gap = _eff(PMSM, 0.30, 0.033) - _eff(INDUCTION, 0.30, 0.033)
    assert gap == pytest.approx(0.04, abs=0.01)  # the maps' grids start at t 0.05
    # the magnetising loss weighs most where power is least: the city point loses more
    assert _eff(PMSM, 0.10, 0.04) - _eff(INDUCTION, 0.10, 0.04) > 2.0 * gap


def test_induction_field_weakens_by_itself_at_speed():
    """Above base speed an IM's flux falls with speed (less iron loss), where a PMSM's magnets
    keep theirs: at high speed and light torque the IM is not the worse machine."""
    assert _eff(INDUCTION, 0.80, 0.05) >= _eff(PMSM, 0.80, 0.05)


def _interp(table: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
    return RegularGridInterpolator((MAP_GRID, MAP_GRID), table, fill_value=None)((s, t))


def test_the_least_loss_gear_never_loses_more_than_either_gear_alone():
    """A 2:1 two-speed unit behind a drive ratio equal to its top gear: the equivalent's axes
    are the top gear's speed and the first gear's torque (twice the motor's)."""
    unit = equivalent_drive_unit([_motor(gear_ratios=[16.0, 8.0])], 8.0)
    assert unit.units is not None and unit.peak_torque_nm == pytest.approx(600.0)
    combined = combined_loss_map(unit.units, MAP_GRID)
    motor = loss_map(PMSM)
    s, t = np.meshgrid(MAP_GRID, MAP_GRID, indexing="ij")
    top_ok, first_ok = 2.0 * t <= 1.0, 2.0 * s <= 1.0
    for q in (0, 1):
        top = _interp(motor[q], s, np.minimum(2.0 * t, 1.0))
        first = _interp(motor[q], np.minimum(2.0 * s, 1.0), t)
        assert np.all(combined[q][top_ok] <= top[top_ok] + 1e-12)
        assert np.all(combined[q][first_ok] <= first[first_ok] + 1e-12)
        both = top_ok & first_ok
        np.testing.assert_allclose(combined[q][both], np.minimum(top, first)[both], rtol=1e-9)
    assert np.all(np.isfinite(combined))


def test_first_gear_is_chosen_at_low_speed_and_high_torque_top_gear_when_cruising():
    unit = equivalent_drive_unit([_motor(gear_ratios=[16.0, 8.0])], 8.0)
    combined = combined_loss_map(unit.units, MAP_GRID)[0]
    motor = loss_map(PMSM)[0]
    # s 0.1, t 0.45 of the equivalent: top gear would need 90 % of the motor's torque
    i, j = 10, 45
    assert combined[i, j] < _interp(motor, MAP_GRID[i], 2.0 * MAP_GRID[j])
    # s 0.6: first gear would overspeed the motor; the top gear is the only one
    i, j = 60, 5
    assert combined[i, j] == pytest.approx(_interp(motor, MAP_GRID[i], 2.0 * MAP_GRID[j]))


def test_full_throttle_gets_the_first_gears_torque_and_the_top_gears_reach():
    from bevsim.engine.compile import Conditions
    from bevsim.engine.performance import MOTOR_COLUMNS, compile_performance
    from bevsim.spec import load_vehicle

    spec = load_vehicle("tesla-model3-rwd-2022")
    data = spec.model_dump()
    data["drive"]["motors"][0]["gear_ratios"] = [2 * spec.drive.gear_ratio, spec.drive.gear_ratio]
    row = compile_performance(type(spec).model_validate(data), Conditions()).motors[0]
    base = compile_performance(spec, Conditions()).motors[0]
    torque, gear = MOTOR_COLUMNS.index("peak_torque_nm"), MOTOR_COLUMNS.index("gear_ratio")
    assert row[torque] == pytest.approx(2.0 * base[torque])
    assert row[gear] == base[gear]


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ({"gear_ratios": [8.0, 16.0]}, "gear_ratios: expected the first"),
        ({"gear_ratios": [8.0]}, "gear_ratios"),
        ({"gear_ratios": [16.0, 0.5]}, "gear_ratios"),
        ({"gear_ratios": [16.0, 8.0], "gear_ratio": 9.0}, "gear_ratio .* gear_ratios"),
    ],
)
def test_gear_ratios_errors_name_the_field(extra, message):
    with pytest.raises(ValidationError, match=message):
        _motor(**extra)
