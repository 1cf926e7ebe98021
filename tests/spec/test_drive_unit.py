"""Drive units: technology loss levels, unpowered drag, and the least-loss torque split of
several motors precomputed into one equivalent map."""

from __future__ import annotations

import numpy as np
import pytest

from bevsim.spec.drive_unit import (
    TECHNOLOGY_LOSS_FACTOR,
    UNPOWERED_DRAG_SHARE,
    combined_loss_map,
    equivalent_drive_unit,
    motor_loss_scale_w,
)
from bevsim.spec.loss_map import MAP_GRID, loss_map
from bevsim.spec.motor_map import load_efficiency_map
from bevsim.spec.powertrain import Motor


def _motor(axle="rear", power_kw=150.0, torque_nm=300.0, rpm=15000.0, **extra) -> Motor:
    return Motor(
        axle=axle, peak_power_kw=power_kw, peak_torque_nm=torque_nm, max_speed_rpm=rpm, **extra
    )


BUILT_IN = loss_map(load_efficiency_map(None))


def test_a_single_motor_on_the_drive_ratio_is_its_own_equivalent():
    motor = _motor()
    unit = equivalent_drive_unit([motor], 9.0)
    assert unit.units is None
    assert unit.peak_torque_nm == motor.peak_torque_nm
    assert unit.loss_scale_w == motor_loss_scale_w(motor)


def test_technology_scales_the_built_in_losses_but_not_a_measured_map(tmp_path):
    pmsm, eesm = _motor(), _motor(type="eesm")
    ratio = motor_loss_scale_w(eesm) / motor_loss_scale_w(pmsm)
    assert ratio == pytest.approx(TECHNOLOGY_LOSS_FACTOR["eesm"])
    # an induction machine has its own built-in map instead of a factor
    assert motor_loss_scale_w(_motor(type="induction")) == motor_loss_scale_w(pmsm)
    csv = tmp_path / "map.csv"
    csv.write_text(
        "speed_fraction,torque_fraction,efficiency\n0,0,0.8\n0,1,0.9\n1,0,0.8\n1,1,0.95\n"
    )
    measured = _motor(type="eesm", efficiency_map=str(csv))
    assert motor_loss_scale_w(measured) == pytest.approx(300.0 * 15000.0 / (60 / (2 * np.pi)))


def _combined(front: Motor, rear: Motor, gear=9.0) -> np.ndarray:
    unit = equivalent_drive_unit([front, rear], gear)
    return combined_loss_map(unit.units, MAP_GRID)


def test_two_equal_coupled_pmsms_lose_no_more_than_one_motor_of_their_summed_rating():
    """An even split of two equal motors is the old summed-rating map; the least-loss split can
    only be better."""
    combined = _combined(_motor("front"), _motor("rear"))
    assert np.all(np.isfinite(combined))
    assert np.all(combined <= BUILT_IN + 1e-12)
    np.testing.assert_allclose(combined[:, :, 0], BUILT_IN[:, :, 0], rtol=1e-9)


def test_a_disconnected_front_motor_leaves_only_the_rear_losses_at_light_load():
    coupled = _combined(_motor("front"), _motor("rear"))
    decoupled = _combined(_motor("front", disconnect=True), _motor("rear"))
    light = (slice(10, 90), slice(1, 10))  # 10-90 % speed, 1-9 % torque
    assert np.all(decoupled[0][light] < coupled[0][light])
    # the rear unit alone, at twice the torque fraction of its own rating, half the loss share
    s, t = np.meshgrid(MAP_GRID, MAP_GRID, indexing="ij")
    rear_alone = 0.5 * _bilinear(BUILT_IN[0], s[light], 2.0 * t[light])
    np.testing.assert_allclose(decoupled[0][light], rear_alone, rtol=1e-6)


def test_at_full_torque_only_the_rated_split_is_feasible():
    combined = _combined(_motor("front", type="induction"), _motor("rear"))
    induction = loss_map(load_efficiency_map(None, "sic", "induction"))
    expected = 0.5 * induction[:, :, -1] + 0.5 * BUILT_IN[:, :, -1]  # equal loss scales
    np.testing.assert_allclose(combined[:, :, -1], expected, rtol=1e-6)


def test_an_unpowered_induction_motor_drags_a_tenth_of_its_spin_loss():
    combined = _combined(_motor("front", type="induction"), _motor("rear"))
    induction = loss_map(load_efficiency_map(None, "sic", "induction"))
    zero_torque = 0.5 * (UNPOWERED_DRAG_SHARE["induction"] * induction + BUILT_IN)[0, :, 0]
    # at zero torque the rear motor is the one kept energised or both idle: no more than this
    assert np.all(combined[0, :, 0] <= zero_torque * (1.0 + 1e-3))  # shares kept to 4 digits


def _bilinear(table: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
    from scipy.interpolate import RegularGridInterpolator

    interp = RegularGridInterpolator((MAP_GRID, MAP_GRID), table, fill_value=None)
    return interp((s, t))


def test_defaults_used_lists_exactly_the_fields_a_file_left_out():
    from bevsim.spec import load_vehicle
    from bevsim.spec.defaults import defaults_used
    from bevsim.spec.loads import DEFAULT_DCDC_EFFICIENCY, DEFAULT_LOW_VOLTAGE_LOAD_W

    spec = load_vehicle("tesla-model3-rwd-2022")
    used = {d.path: d.value for d in defaults_used(spec)}
    assert used["drive.motors.0.type"] == "pmsm"
    assert used["charging.onboard_charger_efficiency"] == spec.charging.onboard_charger_efficiency
    assert "mass.curb_kg" not in used and "drive.gear_ratio" not in used  # set by the file
    assert "accessories.base_power_w" not in used  # an override, not given: no default
    # a section the file leaves out is listed field by field
    assert used["accessories.low_voltage_load_w"] == DEFAULT_LOW_VOLTAGE_LOAD_W
    assert used["accessories.dcdc_efficiency"] == DEFAULT_DCDC_EFFICIENCY


def test_a_motor_with_its_own_reduction_changes_the_cycle_map_and_the_full_throttle_model():
    from bevsim.engine.compile import Conditions
    from bevsim.engine.performance import MOTOR_COLUMNS, compile_performance
    from bevsim.spec import load_vehicle

    spec = load_vehicle("tesla-model3-lr-awd-2022")
    data = spec.model_dump()
    data["drive"]["motors"][0]["gear_ratio"] = 10.5
    own = type(spec).model_validate(data)
    base_unit = equivalent_drive_unit(spec.drive.motors, spec.drive.gear_ratio)
    own_unit = equivalent_drive_unit(own.drive.motors, own.drive.gear_ratio)
    # more wheel torque from the front unit's higher reduction, a lower top wheel speed
    assert own_unit.peak_torque_nm > base_unit.peak_torque_nm
    assert own_unit.max_speed_radps < base_unit.max_speed_radps
    # the full-throttle model drives each motor through its own reduction
    ratios = compile_performance(own, Conditions()).motors[:, MOTOR_COLUMNS.index("gear_ratio")]
    assert list(ratios) == [10.5, spec.drive.gear_ratio]


def test_fields_without_effect_are_refused(tmp_path):
    from pydantic import ValidationError

    from bevsim.spec import load_vehicle

    csv = tmp_path / "map.csv"
    csv.write_text(
        "speed_fraction,torque_fraction,efficiency\n0,0,0.8\n0,1,0.9\n1,0,0.8\n1,1,0.95\n"
    )
    with pytest.raises(ValidationError, match="inverter"):
        _motor(inverter="igbt", efficiency_map=str(csv))
    data = load_vehicle("tesla-model3-rwd-2022").model_dump()
    data["drive"]["motors"][0]["disconnect"] = True
    with pytest.raises(ValidationError, match="disconnect"):
        type(load_vehicle("tesla-model3-rwd-2022")).model_validate(data)


def test_unequal_axles_have_a_finite_loss_up_to_the_peak_torque():
    """The rated split must be tried: with a 125/140 kW pair no grid split is feasible at full
    torque (found on the Audi e-tron of the EPA test-car list)."""
    combined = _combined(
        _motor("front", power_kw=125.0, torque_nm=247.0, type="induction"),
        _motor("rear", power_kw=140.0, torque_nm=314.0, type="induction"),
    )
    assert np.all(np.isfinite(combined))


def test_three_equal_motors_whose_rounded_shares_do_not_sum_to_one_stay_finite():
    """Three equal units have torque shares of 0.3333 each (the key's 4 digits), 0.9999 in all:
    the full-torque point must stay feasible (the Audi e-tron S)."""
    spec_motors = [_motor("front", type="induction")] + [
        _motor("rear", type="induction") for _ in range(2)
    ]
    unit = equivalent_drive_unit(spec_motors, 9.0)
    assert sum(u.torque_share for u in unit.units) < 1.0
    assert np.all(np.isfinite(combined_loss_map(unit.units, MAP_GRID)))
