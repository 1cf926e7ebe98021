"""Cabin air: recirculation limited by fog and CO2, and parked heating against the measured
Model 3 at -17 degC (issue 14 item 2)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.cycles import Cycle
from bevsim.engine import cabin_air
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import TOTAL_COLUMNS, P
from bevsim.engine.run import run_cycle
from bevsim.spec import vehicle_from_dict

MODEL3_PARKED_KW = 2.4375
"""Tesla Model 3 parked 8 h at -17 degC with the climate on, one person inside: 19.5 kWh,
2.44 kWh per hour from the battery (Tesla Canuck, reported by InsideEVs, "Eight Hours
Overnight In A Tesla Model 3 In Freezing Temps", https://insideevs.com/
tesla-model-3-overnight-cold-energy-consumption/). The car predates the Model 3's heat pump
(model year 2021) [date from the article, heat-pump absence unverified], so it heats by PTC."""


def test_saturation_pressure_matches_the_tabulated_values():
    # WMO / CRC Handbook: 611.2 Pa at 0 degC, 2339 Pa at 20 degC (water), 103 Pa at -20 (ice)
    for temp_c, tabulated_pa in ((0.0, 611.2), (20.0, 2339.0), (-20.0, 103.3)):
        assert abs(cabin_air.saturation_pressure_pa(temp_c) / tabulated_pa - 1.0) < 0.004


@settings(max_examples=200, deadline=None)
@given(st.floats(-30.0, 10.0), st.floats(0.5, 8.0), st.integers(1, 5))
def test_fresh_air_rises_with_cold_and_occupants_and_stays_bounded(ambient_c, colder, n):
    """In winter air (up to 10 degC; nearer the setpoint the outside air's own humidity,
    which rises with its temperature, makes the fog need non-monotonic)."""
    ua = cabin_air.recirculated_ventilation_w_per_k(22.0, ambient_c, n, 60.0)
    colder_ua = cabin_air.recirculated_ventilation_w_per_k(22.0, ambient_c - colder, n, 60.0)
    more = cabin_air.recirculated_ventilation_w_per_k(22.0, ambient_c, n + 1, 60.0)
    co2 = cabin_air.co2_limited_fresh_air_kg_per_s(n) * 1006.0
    assert np.isfinite(ua) and min(co2, 60.0) - 1e-9 <= ua <= 60.0
    assert colder_ua >= ua - 1e-9 and more >= ua - 1e-9


def test_fresh_air_balances_the_moisture_at_the_glass_dew_point():
    """At the fog limit the cabin air's humidity ratio (outside air plus the breath over the
    fresh flow) equals saturation at the glass's inner-surface temperature."""
    flow = cabin_air.fog_limited_fresh_air_kg_per_s(22.0, -7.0, 2)
    outside = cabin_air.humidity_ratio(0.8 * cabin_air.saturation_pressure_pa(-7.0))
    cabin = outside + 2 * cabin_air.OCCUPANT_MOISTURE_KG_PER_S / flow
    glass_c = 22.0 - cabin_air.GLASS_INSIDE_RESISTANCE_SHARE * 29.0
    assert abs(cabin - cabin_air.humidity_ratio(cabin_air.saturation_pressure_pa(glass_c))) < 1e-12
    # with one occupant: about 30 kg/h, far below the ~215 kg/h of all fresh air (MAHLE)
    assert 20.0 < 3600.0 * cabin_air.fog_limited_fresh_air_kg_per_s(22.0, -7.0, 1) < 40.0


def _spec(**thermal_fields):
    data = bevsim.load_vehicle("tesla-model3-rwd-2022").model_dump(exclude_none=True)
    data["thermal"].update(thermal_fields)
    return vehicle_from_dict(data)


def _parked_power_kw(spec, hours=2.0):
    """Mean electric power [kW] of cabin heating and base loads, parked at -17 degC with the
    cabin already at its setpoint and the pack warm (the heater stays off), over ``hours``."""
    n = int(hours * 3600) + 1
    cycle = Cycle("parked", np.arange(n, dtype=float), np.zeros(n), np.zeros(n))
    cond = Conditions(ambient_temp_c=-17.0, cell_temp_c=20.0, hvac_on=True, cabin_temp_c=22.0)
    out = run_cycle(compile_vehicles([spec], cond), cycle)
    t = dict(zip(TOTAL_COLUMNS, out.totals[0], strict=True))
    assert t["battery_thermal_energy_j"] == 0.0
    assert abs(t["final_cabin_temp_c"] - 22.0) < 0.5
    return (t["cabin_hvac_energy_j"] + t["accessory_energy_j"]) / (hours * 3600.0) / 1000.0


def test_parked_heating_at_minus_17_c_matches_the_measured_model3():
    ptc = _parked_power_kw(_spec(cabin_heating="ptc"))
    assert abs(ptc / MODEL3_PARKED_KW - 1.0) < 0.15
    # all fresh air (the model before recirculation) overshoots by far more than 15 %
    fresh = _parked_power_kw(_spec(cabin_heating="ptc", cabin_recirculation="fresh_air"))
    assert fresh / MODEL3_PARKED_KW - 1.0 > 0.4
    # the heat pump the later Model 3 has needs less still
    assert _parked_power_kw(_spec()) < 0.8 * ptc


def test_compiled_ventilation_follows_the_recirculation_setting():
    cond = Conditions(ambient_temp_c=-7.0, hvac_on=True)
    recirc = compile_vehicles([_spec()], cond).params[0][P.cabin_ventilation_w_per_k]
    fresh = compile_vehicles([_spec(cabin_recirculation="fresh_air")], cond)
    assert fresh.params[0][P.cabin_ventilation_w_per_k] == 60.0
    expected = cabin_air.recirculated_ventilation_w_per_k(22.0, -7.0, 1, 60.0)
    assert recirc == expected and 5.0 < recirc < 15.0
