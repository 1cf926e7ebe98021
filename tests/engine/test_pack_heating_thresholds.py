"""Pack heater: one threshold while driving (thermal.battery_heating_below_driving_c), another
on the plug (thermal.battery_heating_below_c); guards the bug where the heater ran at full
power whenever the cells were below the charging threshold, also while driving."""

import numpy as np
import pytest

import bevsim
from bevsim.engine.charging import CHARGE_COLUMNS, charge_batch
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import ENERGY_SINKS, TOTAL_COLUMNS
from bevsim.engine.physics import thermal
from bevsim.engine.run import run_cycle
from bevsim.errors import SpecError
from bevsim.spec import vehicle_from_dict
from bevsim.spec.models import DEFAULT_DRIVING_HEATING_BELOW_C


def _drive(spec, temp_c, cycle="udds"):
    batch = compile_vehicles([spec], Conditions(ambient_temp_c=temp_c, hvac_on=False))
    out = run_cycle(batch, bevsim.load_cycle(cycle))
    return dict(zip(TOTAL_COLUMNS, out.totals[0], strict=True))


def _spec(**thermal_fields):
    """MS11 sodium-ion with a driving threshold of -5 degC (plug threshold 5 degC) unless
    changed."""
    data = bevsim.load_vehicle("ms11-naion").model_dump(exclude_none=True)
    data["thermal"].update({"battery_heating_below_driving_c": -5.0, **thermal_fields})
    return vehicle_from_dict(data)


def test_driving_threshold_defaults_to_the_class_typical_minus_5_c():
    t = bevsim.load_vehicle("ms11-lfp").thermal
    assert t.battery_heating_below_driving_c is None
    assert t.driving_heating_below_c == DEFAULT_DRIVING_HEATING_BELOW_C == -5.0
    assert t.battery_heating_below_c == 5.0
    p = compile_vehicles([bevsim.load_vehicle("ms11-lfp")]).params[0]
    assert thermal.pack_thermal_management(p, 0.0) == (0.0, 0.0)
    assert thermal.pack_thermal_management(p, -6.0) == (5000.0, 5000.0)


def test_heater_thresholds_driving_and_plugged_at_the_same_cell_temperature():
    p = compile_vehicles([_spec()], Conditions(ambient_temp_c=0.0)).params[0]
    # 0 degC: below the plug threshold (5), above the driving one (-5)
    assert thermal.pack_thermal_management(p, 0.0) == (0.0, 0.0)
    assert thermal.pack_thermal_management_plugged(p, 0.0) == (5000.0, 5000.0)
    # -6 degC: below both
    assert thermal.pack_thermal_management(p, -6.0) == (5000.0, 5000.0)
    assert thermal.pack_thermal_management_plugged(p, -6.0) == (5000.0, 5000.0)


def test_heater_does_not_run_while_driving_above_the_driving_threshold():
    """Cold-soaked at 0 degC (below the 5 degC charging threshold): no pack heating."""
    t = _drive(_spec(), 0.0)
    assert t["battery_thermal_energy_j"] == 0.0
    assert t["battery_heater_heat_j"] == 0.0


def test_heater_runs_while_driving_below_the_driving_threshold():
    """Cold-soaked at -15 degC: the heater warms the pack to -5 degC and holds it there."""
    t = _drive(_spec(), -15.0)
    assert t["battery_thermal_energy_j"] > 1e6
    assert t["final_cell_temp_c"] == pytest.approx(-5.0, abs=0.5)
    # a per-car driving threshold below the soak temperature turns it off again
    assert _drive(_spec(battery_heating_below_driving_c=-17.0), -15.0)[
        "battery_thermal_energy_j"
    ] == pytest.approx(0.0, abs=1.0)


def test_energy_and_pack_heat_balances_close_with_driving_heating():
    spec = _spec()
    batch = compile_vehicles([spec], Conditions(ambient_temp_c=-15.0, hvac_on=True))
    out = run_cycle(batch, bevsim.load_cycle("wltc-3b"))
    t = dict(zip(TOTAL_COLUMNS, out.totals[0], strict=True))
    assert t["battery_thermal_energy_j"] > 1e6
    assert sum(t[k] for k in ENERGY_SINKS) == pytest.approx(t["chemical_energy_j"], rel=1e-3)
    stored = batch.column("pack_heat_capacity_j_per_k")[0] * (t["final_cell_temp_c"] + 15.0)
    net_in = t["battery_heat_generated_j"] + t["battery_heater_heat_j"]
    out = t["pack_heat_to_ambient_j"] + t["pack_heat_recovered_j"]
    assert stored == pytest.approx(net_in - out, rel=1e-9)


def _ac_charge(spec, temp_c):
    batch = compile_vehicles([spec], Conditions(ambient_temp_c=temp_c))
    out = np.zeros((1, len(CHARGE_COLUMNS)))
    args = [np.array([x]) for x in (0.2, 0.8, 7400.0, 0.94, 250.0)]
    charge_batch(batch.params, batch.tables, *args, 10.0, out)
    return dict(zip(CHARGE_COLUMNS, out[0], strict=True))


def test_ac_charging_heats_below_the_plug_threshold_whatever_the_driving_one():
    """Charging at 0 degC heats the pack (plug threshold 5 degC) from the charger; the driving
    threshold plays no part."""
    cold = _ac_charge(_spec(), 0.0)
    same = _ac_charge(_spec(battery_heating_below_driving_c=-30.0), 0.0)
    assert cold == same
    unheated = _ac_charge(_spec(battery_heating_below_c=-30.0), 0.0)
    assert cold["standby_energy_j"] > unheated["standby_energy_j"] + 1e6


def test_driving_threshold_must_be_below_the_cooling_threshold():
    with pytest.raises(SpecError, match="battery_heating_below_driving_c"):
        _spec(battery_heating_below_driving_c=40.0)
