"""Physics of the full-throttle launch, top speed and gradeability (engine/performance.py)."""

import math

import numpy as np
import pandas as pd
import pytest

import bevsim
from bevsim.engine.compile import Conditions
from bevsim.engine.performance import VEHICLE_COLUMNS, compile_performance, max_road_speed_mps
from bevsim.procedures.performance import performance_run
from bevsim.spec import vehicle_from_dict

G = 9.80665


def _variant(base_id: str, **changes) -> bevsim.VehicleSpec:
    data = bevsim.load_vehicle(base_id).model_dump(exclude_none=True)
    for path, value in changes.items():
        node = data
        *parents, leaf = path.split("__")
        for key in parents:
            node = node[key]
        node[leaf] = value
    data["id"] = f"{base_id}-variant"
    return vehicle_from_dict(data)


def _constants(spec):
    setup = compile_performance(spec, Conditions(added_mass_kg=75.0))
    return dict(zip(VEHICLE_COLUMNS, setup.vehicle, strict=True))


@pytest.fixture(scope="module")
def model3():
    return performance_run("tesla-model3-rwd-2022")


@pytest.fixture(scope="module")
def low_mu():
    spec = _variant("ms11-lfp", drive__tire_road_friction=0.3)
    return spec, performance_run(spec)


def test_distance_is_the_time_integral_of_speed(model3):
    trace = model3.traces["tesla-model3-rwd-2022"]
    distance = np.trapezoid(trace["speed_mps"], trace["time_s"])
    assert distance == pytest.approx(trace["distance_m"].iloc[-1], rel=1e-9)
    assert trace["distance_m"].iloc[-1] >= 402.336
    assert trace["speed_kmh"].iloc[-1] >= 120.0
    assert np.all(np.diff(trace["speed_mps"]) >= 0)


def test_battery_energy_covers_kinetic_energy_and_road_losses(model3):
    spec = bevsim.load_vehicle("tesla-model3-rwd-2022")
    c = _constants(spec)
    trace = model3.traces[spec.id]
    t = trace["time_s"].to_numpy()
    dt = np.diff(t)
    battery_j = np.sum(trace["battery_power_w"].to_numpy()[:-1] * dt)
    road_j = np.sum((trace["road_load_force_n"] * trace["speed_mps"]).to_numpy()[:-1] * dt)
    kinetic_j = 0.5 * c["inertial_mass_kg"] * trace["speed_mps"].iloc[-1] ** 2
    assert battery_j >= kinetic_j + road_j
    # ... and not wildly more: drive unit + driveline losses stay below 20 %
    assert battery_j <= 1.2 * (kinetic_j + road_j)
    # the chemistry gives at least what the terminals deliver
    assert np.all(trace["chemical_power_w"] >= trace["battery_power_w"] - 1e-6)


def test_traction_limited_launch_follows_load_transfer(low_mu):
    spec, result = low_mu
    c = _constants(spec)
    trace = result.traces[spec.id]
    assert trace["limiter"].iloc[0] == "traction"
    m, mi, mu = c["mass_kg"], c["inertial_mass_kg"], c["tire_road_friction"]
    rear_share = 1.0 - c["front_axle_load_share"]
    h_over_l = c["cg_height_m"] / c["wheelbase_m"]
    rolling = c["rolling_resistance_coefficient"] * m * G
    # F = mu (m g rear + m a h/L), a = (F - rolling) / mi  =>  closed form
    expected = (mu * m * G * rear_share - rolling) / (mi - mu * m * h_over_l)
    assert trace["acceleration_mps2"].iloc[0] == pytest.approx(expected, rel=1e-6)
    # load transfer helps a rear-driven car: more than the static share alone gives
    assert expected > (mu * m * G * rear_share - rolling) / mi * 1.05
    assert result.summary.loc[0, "accel_0_100_kmh_limited_by"] == "traction"


def test_front_drive_loses_grip_under_load_transfer():
    spec = _variant("byd-dolphin-60kwh", drive__tire_road_friction=0.3)
    c = _constants(spec)
    trace = performance_run(spec).traces[spec.id]
    m, mi, mu = c["mass_kg"], c["inertial_mass_kg"], c["tire_road_friction"]
    h_over_l = c["cg_height_m"] / c["wheelbase_m"]
    rolling = c["rolling_resistance_coefficient"] * m * G
    expected = (mu * m * G * c["front_axle_load_share"] - rolling) / (mi + mu * m * h_over_l)
    assert trace["acceleration_mps2"].iloc[0] == pytest.approx(expected, rel=1e-6)


def test_top_speed_is_the_motor_speed_limit_when_the_gear_caps_it():
    spec = _variant("ms11-lfp", drive__gear_ratio=16.0)
    summary = performance_run(spec).summary
    c = _constants(spec)
    cap_kmh = 21000 * 2 * math.pi / 60 / 16.0 * c["wheel_radius_m"] * 3.6
    assert summary.loc[0, "top_speed_kmh"] == pytest.approx(cap_kmh, rel=1e-3)
    assert summary.loc[0, "top_speed_limited_by"] == "motor speed"


def test_top_speed_is_power_limited_with_a_tall_gear():
    spec = _variant("ms11-lfp", drive__gear_ratio=4.0)
    row = performance_run(spec).summary.iloc[0]
    assert row["top_speed_limited_by"] in {"motor power", "battery power"}
    c = _constants(spec)
    cap_kmh = 21000 * 2 * math.pi / 60 / 4.0 * c["wheel_radius_m"] * 3.6
    assert row["top_speed_kmh"] < cap_kmh


def test_hill_start_with_low_grip_is_traction_limited(low_mu):
    spec, result = low_mu
    c = _constants(spec)
    row = result.summary.iloc[0]
    assert row["grade_0kmh_limited_by"] == "traction"
    mu, crr = c["tire_road_friction"], c["rolling_resistance_coefficient"]
    rear, h_over_l = 1.0 - c["front_axle_load_share"], c["cg_height_m"] / c["wheelbase_m"]
    # mu (cos rear + sin h/L) = sin + crr cos  =>  tan = (mu rear - crr) / (1 - mu h/L)
    expected_pct = 100.0 * (mu * rear - crr) / (1.0 - mu * h_over_l)
    assert row["grade_0kmh_pct"] == pytest.approx(expected_pct, rel=1e-6)
    assert row["grade_80kmh_pct"] <= row["grade_0kmh_pct"]


# ------------------------------------------------------------------- speed limiter
SUMMARY_BELOW_180_KMH = [
    "accel_0_100_kmh_s",
    "accel_0_60_mph_s",
    "accel_80_120_kmh_s",
    "quarter_mile_s",
    "quarter_mile_trap_speed_kmh",
    "grade_0kmh_pct",
    "grade_30kmh_pct",
    "grade_80kmh_pct",
]


@pytest.fixture(scope="module")
def unlimited():
    return performance_run("ms11-lfp").summary.iloc[0]


def test_speed_limiter_caps_the_top_speed_and_is_named(unlimited):
    assert unlimited["top_speed_kmh"] > 200.0  # ms11-lfp: about 270 km/h, motor speed
    row = performance_run(_variant("ms11-lfp", drive__speed_limiter_kmh=180.0)).summary.iloc[0]
    assert row["top_speed_kmh"] == pytest.approx(180.0)
    assert row["top_speed_limited_by"] == "speed limiter"
    assert row["speed_limiter_kmh"] == 180.0
    # the physical capability is still reported, unchanged
    assert row["top_speed_physical_kmh"] == pytest.approx(unlimited["top_speed_kmh"])
    assert row["top_speed_physical_limited_by"] == unlimited["top_speed_limited_by"]
    # a launch that never reaches 180 km/h (trap speed ~170) is not touched
    for column in SUMMARY_BELOW_180_KMH:
        assert row[column] == unlimited[column], column


def test_no_limiter_or_one_above_the_top_speed_changes_nothing(unlimited):
    assert unlimited["top_speed_physical_kmh"] == unlimited["top_speed_kmh"]
    assert math.isnan(unlimited["speed_limiter_kmh"] or math.nan)
    row = performance_run(_variant("ms11-lfp", drive__speed_limiter_kmh=300.0)).summary.iloc[0]
    assert row["top_speed_kmh"] == unlimited["top_speed_kmh"]
    assert row["top_speed_limited_by"] == unlimited["top_speed_limited_by"] == "motor speed"
    for column in SUMMARY_BELOW_180_KMH:
        assert row[column] == unlimited[column], column


def test_launch_holds_the_limit_speed_at_part_throttle(unlimited):
    spec = _variant("ms11-lfp", drive__speed_limiter_kmh=100.0)
    result = performance_run(spec)
    row, trace = result.summary.iloc[0], result.traces[spec.id]
    assert trace["speed_kmh"].max() == pytest.approx(100.0, abs=1e-9)
    held = trace[(trace["limiter"] == "speed limiter") & (trace["speed_kmh"] >= 100.0 - 1e-9)]
    assert len(held) > 100
    # holding the speed: the tractive force balances the road load, no acceleration
    assert np.allclose(held["acceleration_mps2"], 0.0)
    assert np.allclose(held["tractive_force_n"], held["road_load_force_n"], rtol=1e-9)
    full_power_w = trace["motor_elec_power_w"][trace["limiter"] == "motor power"]
    assert held["motor_elec_power_w"].max() < 0.5 * full_power_w.max()
    # the quarter mile is finished at the limit speed; 0-100 km/h is within a time step
    assert trace["distance_m"].iloc[-1] >= 402.336
    assert row["quarter_mile_trap_speed_kmh"] == pytest.approx(100.0)
    assert row["quarter_mile_s"] > unlimited["quarter_mile_s"]
    assert row["accel_0_100_kmh_s"] == pytest.approx(unlimited["accel_0_100_kmh_s"], abs=0.011)
    assert row["accel_0_60_mph_s"] == unlimited["accel_0_60_mph_s"]
    # nothing above the limit: 80-120 km/h is out of reach; grades below it are unchanged
    assert math.isnan(row["accel_80_120_kmh_s"])
    assert row["accel_80_120_kmh_limited_by"] == "speed limiter"
    assert row["grade_80kmh_pct"] == unlimited["grade_80kmh_pct"]
    assert row["top_speed_kmh"] == pytest.approx(100.0)


def test_no_grade_or_sprint_above_the_limit(unlimited):
    row = performance_run(_variant("ms11-lfp", drive__speed_limiter_kmh=60.0)).summary.iloc[0]
    for figure in ("accel_0_100_kmh", "accel_0_60_mph", "accel_80_120_kmh"):
        assert math.isnan(row[f"{figure}_s"]) and row[f"{figure}_limited_by"] == "speed limiter"
    assert math.isnan(row["grade_80kmh_pct"]) and row["grade_80kmh_limited_by"] == "speed limiter"
    assert row["grade_30kmh_pct"] == unlimited["grade_30kmh_pct"]
    assert row["quarter_mile_trap_speed_kmh"] == pytest.approx(60.0)


def test_a_motor_s_own_reduction_acts_as_the_drive_s_would():
    """On a one-motor car, the motor's gear_ratio is the reduction its torque and speed go
    through: the same figures as the whole drive given that ratio."""
    own = _variant("ms11-lfp", drive__motors=[{**_motor("ms11-lfp", 0), "gear_ratio": 12.0}])
    drive = _variant("ms11-lfp", drive__gear_ratio=12.0)
    a = performance_run(own).summary.drop(columns="vehicle_id")
    b = performance_run(drive).summary.drop(columns="vehicle_id")
    pd.testing.assert_frame_equal(a, b)


def test_a_short_front_reduction_leaves_the_rear_motor_to_drive_above_its_speed():
    """Model 3 LR AWD with a front reduction twice the rear's: the front motor reaches its max
    shaft speed at half the road speed, the rear drives on to the top speed; the extra front
    torque at low speed makes the launch no slower."""
    base = "tesla-model3-lr-awd-2022"
    spec = bevsim.load_vehicle(base)
    ratio = spec.drive.gear_ratio
    front = {**_motor(base, 0), "gear_ratio": 2.0 * ratio}
    short = _variant(base, drive__motors=[front, _motor(base, 1)])
    setup = compile_performance(short, Conditions(added_mass_kg=75.0))
    radius_m = _constants(short)["wheel_radius_m"]
    rear_cap_mps = spec.drive.motors[1].max_speed_rpm * 2 * math.pi / 60 / ratio * radius_m
    front_cap_kmh = 3.6 * rear_cap_mps / 2.0
    assert max_road_speed_mps(setup) == pytest.approx(rear_cap_mps, rel=1e-12)
    row = performance_run(short).summary.iloc[0]
    original = performance_run(base).summary.iloc[0]
    assert row["top_speed_physical_kmh"] > 1.2 * front_cap_kmh
    assert row["accel_0_100_kmh_s"] <= original["accel_0_100_kmh_s"] + 1e-9


def _motor(vehicle_id: str, index: int) -> dict:
    return bevsim.load_vehicle(vehicle_id).drive.motors[index].model_dump(exclude_none=True)
