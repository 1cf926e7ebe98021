"""Heat pump: COP over ambient and supply temperature to -30 degC, PTC as top-up, and the
drive unit's recovered waste heat (issue 14 item 1)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import P
from bevsim.engine.physics import thermal
from bevsim.spec import vehicle_from_dict
from bevsim.units import KELVIN_OFFSET


def _row(ambient_c, **thermal_fields):
    data = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    data["thermal"].update(thermal_fields)
    spec = vehicle_from_dict(data)
    return compile_vehicles([spec], Conditions(ambient_temp_c=ambient_c, hvac_on=True)).params[0]


def _supply_heat_w(supply_c, cabin_c):
    """Heat [W] that raises the supply air from the cabin to ``supply_c`` [degC]."""
    flow = thermal.SUPPLY_AIR_FLOW_KG_PER_S * thermal.AIR_SPECIFIC_HEAT_J_PER_KG_K
    return (supply_c - cabin_c) * flow


MEASURED = [  # ambient [degC], supply air [degC], COP; docs/research/winter.md 2.1
    (-20.0, 40.0, 1.25),  # Zhang et al. 2016
    (-1.0, 41.5, 1.9),  # SAGE 2019
    (-20.0, 40.0, 1.7),  # Qin et al. 2014 (lower bound)
    (-5.0, 40.0, 3.2),  # Tang et al. 2020
    (-10.0, 40.0, 3.26),  # steady-state ASHP bench
]


def test_cop_lies_inside_the_measured_automotive_heat_pumps():
    errors = []
    for ambient_c, supply_c, measured in MEASURED:
        cop = thermal.heat_pump_cop(ambient_c, 22.0, _supply_heat_w(supply_c, 22.0))
        errors.append(cop / measured - 1.0)
    errors = np.array(errors)
    # the median point (Qin) within 2 %, two measurements above the law and two below
    assert abs(errors[2]) < 0.02
    assert (errors > 0.02).sum() == 2 and (errors < -0.02).sum() == 2
    assert np.all(np.abs(errors) < 0.4)
    # -30 degC, 40 degC supply: 0.33 x 313.15 / 70 = 1.48, still above the PTC's 1
    assert 1.4 < thermal.heat_pump_cop(-30.0, 22.0, _supply_heat_w(40.0, 22.0)) < 1.55


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-30.0, 20.0),
    st.floats(0.0, 4.0),
    st.floats(0.0, 6000.0),
    st.floats(1.0, 2000.0),
)
def test_cop_falls_with_colder_air_and_higher_load_and_never_below_ptc(amb, colder, heat, more):
    cop = thermal.heat_pump_cop(amb, 22.0, heat)
    assert np.isfinite(cop) and cop >= thermal.PTC_COP
    assert thermal.heat_pump_cop(amb - colder, 22.0, heat) <= cop + 1e-12
    assert thermal.heat_pump_cop(amb, 22.0, heat + more) <= cop + 1e-12


@settings(max_examples=100, deadline=None)
@given(st.floats(-30.0, 10.0), st.floats(0.0, 7000.0))
def test_heating_power_lies_between_the_carnot_bound_and_the_ptc(amb, heat):
    p = _row(amb)
    power = thermal.heating_power_w(p, amb, 22.0, heat, 0.0)
    carnot = (22.0 + KELVIN_OFFSET) / (22.0 - amb)
    assert heat / carnot - 1e-9 <= power <= heat + 1e-9
    ptc = _row(amb, cabin_heating="ptc")
    assert abs(thermal.heating_power_w(ptc, amb, 22.0, heat, 0.0) - heat) < 1e-9


def test_no_switch_to_cop_1_at_minus_15_c_and_ptc_tops_up_the_capacity():
    heat = 3000.0
    powers = [thermal.heating_power_w(_row(t), t, 22.0, heat, 0.0) for t in (-14.9, -15.1)]
    assert abs(powers[0] - powers[1]) < 0.01 * powers[0]  # continuous across the old switch
    # at -25 degC the pump delivers 4.3 kW x (1 - 0.026 x 25) = 1.5 kW; the PTC gives the rest
    p = _row(-25.0)
    pump_w = 4300.0 * (1.0 - thermal.HEAT_PUMP_CAPACITY_PER_K * 25.0)
    assert abs(thermal.heat_pump_capacity_w(p, -25.0) - pump_w) < 1e-6
    expected = pump_w / thermal.heat_pump_cop(-25.0, 22.0, pump_w) + (heat - pump_w)
    assert abs(thermal.heating_power_w(p, -25.0, 22.0, heat, 0.0) - expected) < 1e-6
    assert thermal.heating_power_w(p, -25.0, 22.0, heat, 0.0) < heat
    # below the pump's lowest ambient: the PTC alone
    p = _row(-30.0, heat_pump_min_ambient_c=-20.0)
    assert abs(thermal.heating_power_w(p, -30.0, 22.0, heat, 0.0) - heat) < 1e-9


def test_recovered_drive_unit_heat_replaces_electric_heating():
    p = _row(-10.0)
    share = p[P.drive_unit_heat_recovery]
    assert share == 0.5  # class default of a heat-pump car
    assert _row(-10.0, cabin_heating="ptc")[P.drive_unit_heat_recovery] == 0.0
    cold = thermal.heating_power_w(p, -10.0, 22.0, 3000.0, 0.0)
    warm = thermal.heating_power_w(p, -10.0, 22.0, 3000.0, 1000.0)
    assert warm < cold
    # 500 W recovered less to heat: the pump's power falls by about 500 W / COP
    less = thermal.heating_power_w(p, -10.0, 22.0, 2500.0, 0.0)
    assert abs(warm - less) < 1e-9
    assert thermal.heating_power_w(p, -10.0, 22.0, 300.0, 1000.0) == 0.0


def test_pack_offers_its_heat_only_above_the_recovery_threshold():
    p = _row(-10.0)
    assert p[P.pack_heat_recovery] == 0.5  # class default of a heat-pump car
    assert p[P.pack_heat_recovery_above_c] == 15.0
    assert thermal.pack_heat_offered_w(p, 14.9, 1000.0) == 0.0  # the pack keeps its heat
    assert thermal.pack_heat_offered_w(p, 15.1, 1000.0) == 500.0
    assert thermal.pack_heat_offered_w(p, 30.0, -50.0) == 0.0  # RC pair giving energy back
    assert _row(-10.0, cabin_heating="ptc")[P.pack_heat_recovery] == 0.0
    leaf = bevsim.load_vehicle("nissan-leaf-sl-plus-62kwh-2022")
    assert leaf.thermal.cabin_heating == "heat_pump"
    assert leaf.thermal.pack_heat_recovery_share == 0.0  # passive pack, no coolant loop


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-5.0, 30.0),  # cabin
    st.floats(-10.0, 40.0),  # cells
    st.floats(-200.0, 5000.0),  # cells' loss heat
    st.floats(0.0, 3000.0),  # drive unit's loss heat
)
def test_pack_heat_is_taken_after_the_drive_units_and_never_beyond_the_need(
    cabin_c, cell_c, cells_w, waste_w
):
    p = _row(-10.0)
    heat_w, power_w, pack_w = thermal.cabin_hvac(p, cabin_c, 10.0, waste_w, cell_c, cells_w)
    offered = thermal.pack_heat_offered_w(p, cell_c, cells_w)
    after_drive_unit = max(heat_w - p[P.drive_unit_heat_recovery] * waste_w, 0.0)
    assert 0.0 <= pack_w <= offered + 1e-12
    assert pack_w <= after_drive_unit + 1e-9
    # what the pack gives is heat the pump no longer delivers
    left = after_drive_unit - pack_w
    assert power_w == thermal.heating_power_w(p, -10.0, cabin_c, heat_w - pack_w, waste_w)
    assert (left > 1e-9) or power_w == 0.0
    # with the HVAC off the pack keeps its heat
    off = _row(-10.0)
    off[P.hvac_on] = 0.0
    assert thermal.cabin_hvac(off, cabin_c, 10.0, waste_w, cell_c, cells_w) == (0.0, 0.0, 0.0)


def test_recovery_threshold_never_lies_below_the_driving_heater():
    import pytest

    with pytest.raises(ValueError, match="pack_heat_recovery_above_c"):
        _row(-10.0, pack_heat_recovery_above_c=-10.0, battery_heating_below_driving_c=-5.0)
    # not given: a driving heater threshold above the default 15 degC raises the recovery's
    data = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_unset=True)
    data["thermal"]["battery_heating_below_driving_c"] = 20.0
    spec = vehicle_from_dict(data)
    row = compile_vehicles([spec], Conditions(ambient_temp_c=-10.0, hvac_on=True)).params[0]
    assert row[P.pack_heat_recovery_above_c] == 20.0
