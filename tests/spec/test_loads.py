"""Vehicle-level loads (bevsim.spec.loads): the HV-side power is the 12 V load through the DC-DC
converter plus the pumps, an explicit total overrides it, and what the engine draws over a drive
and a recharge is that power times the time."""

import numpy as np
import pytest

import bevsim
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import TOTAL_COLUMNS
from bevsim.engine.run import run_cycle
from bevsim.errors import SpecError
from bevsim.procedures.depletion import drive_to_depletion
from bevsim.spec import vehicle_from_dict
from bevsim.spec.loads import (
    DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W,
    DEFAULT_CHARGING_THERMAL_PUMPS_W,
    DEFAULT_DCDC_EFFICIENCY,
    DEFAULT_LOW_VOLTAGE_LOAD_W,
    DEFAULT_THERMAL_PUMPS_W,
)

CAR = "vw-id3-pro-58kwh-2020"  # no autonomy hardware: its accessory load is the loads alone


def _car(accessories=None, charging=None):
    data = bevsim.load_vehicle(CAR).model_dump(exclude_unset=True)
    if accessories is not None:
        data["accessories"] = accessories
    if charging is not None:
        data["charging"] = {**data.get("charging", {}), **charging}
    return vehicle_from_dict(data)


def test_defaults_compose_the_12v_load_through_the_dcdc_plus_the_pumps():
    spec = _car()
    lv, eta, pumps = DEFAULT_LOW_VOLTAGE_LOAD_W, DEFAULT_DCDC_EFFICIENCY, DEFAULT_THERMAL_PUMPS_W
    assert spec.accessories.driving_power_w == pytest.approx(lv / eta + pumps)
    # the DC-DC loss is a real part of it: 250 W at 12 V cost 34 W more on the HV bus
    assert spec.accessories.driving_power_w - lv - pumps == pytest.approx(lv * (1 / eta - 1))
    charging = DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W / eta + DEFAULT_CHARGING_THERMAL_PUMPS_W
    assert spec.charging_standby_w == pytest.approx(charging)


def test_each_component_moves_the_total_and_a_given_total_wins():
    spec = _car({"low_voltage_load_w": 300.0, "dcdc_efficiency": 0.75, "thermal_pumps_w": 0.0})
    assert spec.accessories.driving_power_w == pytest.approx(400.0)
    assert spec.charging_standby_w == pytest.approx(
        DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W / 0.75 + DEFAULT_CHARGING_THERMAL_PUMPS_W
    )
    given = _car({"base_power_w": 123.0, "low_voltage_load_w": 900.0}, {"standby_power_w": 77.0})
    assert given.accessories.driving_power_w == 123.0
    assert given.charging_standby_w == 77.0
    batch = compile_vehicles([spec, given], Conditions())
    assert list(batch.column("accessory_power_w")) == pytest.approx([400.0, 123.0])


def test_the_autonomy_stack_draws_through_the_dcdc_converter():
    ms11 = bevsim.load_vehicle("ms11-lfp")
    stack_w = ms11.autonomy.compute_power_w + ms11.autonomy.sensor_power
    assert stack_w > 0
    bare = ms11.model_copy(update={"autonomy": None})
    slow_dcdc = vehicle_from_dict(
        {**ms11.model_dump(exclude_unset=True), "accessories": {"dcdc_efficiency": 0.8}}
    )
    batch = compile_vehicles([ms11, bare, slow_dcdc], Conditions())
    with_stack, without, slow = batch.column("accessory_power_w")
    eta = ms11.accessories.dcdc_efficiency
    assert with_stack - without == pytest.approx(stack_w / eta)
    # the converter's loss on the stack is real: more than the stack's own power
    assert with_stack - without > stack_w
    assert slow - slow_dcdc.accessories.driving_power_w == pytest.approx(stack_w / 0.8)


def test_accessory_energy_of_a_drive_is_the_power_times_the_cycle_time():
    specs = [_car(), _car({"thermal_pumps_w": 150.0}), _car({"base_power_w": 1000.0})]
    cycle = bevsim.load_cycle("udds")
    out = run_cycle(compile_vehicles(specs, Conditions()), cycle)
    energy_j = out.totals[:, TOTAL_COLUMNS.index("accessory_energy_j")]
    expected = [s.accessories.driving_power_w * cycle.duration_s for s in specs]
    assert energy_j == pytest.approx(expected, rel=1e-9)
    assert energy_j[1] - energy_j[0] == pytest.approx(100.0 * cycle.duration_s, rel=1e-9)


def test_standby_energy_of_a_recharge_is_the_standby_power_times_its_duration():
    specs = [_car(), _car(charging={"standby_power_w": 600.0})]
    result = drive_to_depletion(
        specs, bevsim.load_cycle("hwfet"), [Conditions(added_mass_kg=136.0)] * 2, 4.0, "test"
    )
    charge = result.charge
    # 23 degC: the pack heater and chiller stay off, the standby is the loads alone
    standby_w = np.array([s.charging_standby_w for s in specs])
    assert charge["standby_energy_j"].to_numpy() == pytest.approx(
        standby_w * charge["duration_s"].to_numpy(), rel=1e-6
    )
    assert (charge["wall_energy_j"].to_numpy()[1]) > charge["wall_energy_j"].to_numpy()[0]


@pytest.mark.parametrize(
    ("section", "field", "value"),
    [
        ("accessories", "dcdc_efficiency", 1.2),
        ("accessories", "dcdc_efficiency", 0.3),
        ("accessories", "low_voltage_load_w", -5.0),
        ("accessories", "thermal_pumps_w", 2500.0),
        ("accessories", "charging_low_voltage_load_w", 4000.0),
        ("accessories", "charging_thermal_pumps_w", -1.0),
        ("accessories", "base_power_w", 6000.0),
        ("charging", "standby_power_w", -10.0),
    ],
)
def test_loader_refuses_out_of_range_loads_naming_the_field(section, field, value):
    data = bevsim.load_vehicle(CAR).model_dump(exclude_unset=True)
    data.setdefault(section, {})[field] = value
    with pytest.raises(SpecError, match=rf"{section}\.{field}"):
        vehicle_from_dict(data, "car.yaml")
