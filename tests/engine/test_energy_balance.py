"""Energy conservation: the chemical energy drawn from the cells equals the wheel work plus every
loss, on every built-in cycle for every library vehicle; and each term checks against an
independent calculation from the cycle or the chemistry."""

import numpy as np
import pytest

import bevsim
from bevsim.chemistry import load_chemistry
from bevsim.cycles import Cycle
from bevsim.engine.compile import (
    Conditions,
    compile_vehicles,
    rolling_resistance_factor,
)
from bevsim.engine.layout import ENERGY_SINKS, TOTAL_COLUMNS
from bevsim.engine.run import run_cycle
from bevsim.engine.tire_temperature import (
    TIRE_COOLING_TIME_S,
    TIRE_WARM_UP_DISTANCE_M,
    factor_at_tire_temp,
    tire_temperature_c,
)
from bevsim.spec import pack_of

SINKS = ENERGY_SINKS
LIBRARY = list(bevsim.list_vehicles())


TEST_LOAD = Conditions(added_mass_kg=100.0)


def totals_of(specs, cycle, conditions=TEST_LOAD):
    batch = compile_vehicles(specs, conditions)
    out = run_cycle(batch, cycle)
    return batch, [dict(zip(TOTAL_COLUMNS, row, strict=True)) for row in out.totals]


@pytest.mark.parametrize("cycle_name", list(bevsim.list_cycles()))
def test_chemical_energy_equals_wheel_work_plus_losses(cycle_name):
    specs = [bevsim.load_vehicle(v) for v in LIBRARY]
    _, rows = totals_of(specs, bevsim.load_cycle(cycle_name))
    for spec, t in zip(specs, rows, strict=True):
        sinks = sum(t[k] for k in SINKS)
        assert t["chemical_energy_j"] > 0
        assert sinks == pytest.approx(t["chemical_energy_j"], rel=1e-3), spec.id
        battery_losses = t["battery_ohmic_loss_j"] + t["battery_polarization_loss_j"]
        assert t["terminal_energy_j"] == pytest.approx(
            t["chemical_energy_j"] - battery_losses, rel=1e-9
        )
        wheel_net = t["wheel_positive_energy_j"] - t["wheel_negative_energy_j"]
        road = t["aero_energy_j"] + t["rolling_energy_j"] + t["grade_energy_j"]
        assert wheel_net == pytest.approx(road + t["kinetic_energy_change_j"], rel=1e-9)
        for loss in SINKS[4:]:  # after the road-load terms, every sink is a loss
            assert t[loss] >= -1e-6, (spec.id, loss)


@pytest.mark.parametrize("vehicle_id", LIBRARY)
def test_chemical_energy_matches_ocv_integral_over_soc_drawn(vehicle_id):
    """Energy from the cells = pack capacity x integral of OCV over the SOC used."""
    spec = bevsim.load_vehicle(vehicle_id)
    _, (t,) = totals_of([spec], bevsim.load_cycle("wltc-3b"))
    chem = load_chemistry(spec.battery.chemistry)
    pack = pack_of(spec)
    capacity_c = pack.capacity_ah * 3600.0  # SOC counts charge against the nominal capacity
    soc = np.linspace(t["final_soc"], spec.battery.soc_max, 2001)
    ocv_pack = pack.cells_in_series * chem.ocv_at(soc)
    expected_j = capacity_c * np.trapezoid(ocv_pack, soc)
    assert t["chemical_energy_j"] == pytest.approx(expected_j, rel=2e-3)


def test_road_load_terms_match_the_cycle_when_the_trace_is_followed():
    spec = bevsim.load_vehicle("ms11-lfp")
    cycle = bevsim.load_cycle("wltc-3b")
    batch, (t,) = totals_of([spec], cycle)
    assert t["max_speed_shortfall_mps"] == 0.0
    v = cycle.speed_mps
    v_avg = 0.5 * (v[1:] + v[:-1])
    rho = batch.column("air_density_kg_per_m3")[0]
    roof_pod = spec.autonomy.roof_drag_area_m2 if spec.autonomy else 0.0
    drag_area = spec.body.drag_coefficient * spec.body.frontal_area_m2 + roof_pod
    assert t["aero_energy_j"] == pytest.approx(0.5 * rho * drag_area * np.sum(v_avg**3), rel=1e-9)
    mass = spec.mass.curb_kg + 100.0
    # the tires start soaked at 23 degC and warm while rolling, cool while standing
    warm_c = tire_temperature_c(23.0)
    tire_c, factor = 23.0, np.empty(len(v_avg))
    for i, speed in enumerate(v_avg):
        factor[i] = factor_at_tire_temp(tire_c) / factor_at_tire_temp(warm_c)
        if speed > 1e-6:
            tire_c += min(speed / TIRE_WARM_UP_DISTANCE_M, 1.0) * (warm_c - tire_c)
        else:
            tire_c += (23.0 - tire_c) / TIRE_COOLING_TIME_S
    crr = spec.tires.rolling_resistance_coefficient * rolling_resistance_factor(23.0)
    rolling = crr * mass * 9.80665 * np.sum(factor * v_avg)
    assert t["rolling_energy_j"] == pytest.approx(rolling, rel=1e-6)
    assert t["final_tire_temp_c"] == pytest.approx(tire_c, rel=1e-9)
    assert t["kinetic_energy_change_j"] == pytest.approx(0.0, abs=1e-6)  # starts and ends at rest
    assert t["distance_m"] == pytest.approx(cycle.distance_m, rel=1e-12)


def test_climbing_stores_potential_energy_m_g_h():
    """A 2 km climb at 4 % and 50 km/h: grade work = m g h; balance still closes."""
    time_s = np.arange(0.0, 200.0)
    speed = np.minimum(time_s * 2.0, 50.0) / 3.6
    grade = np.full_like(time_s, 0.04)
    cycle = Cycle("climb", time_s, speed, grade)
    spec = bevsim.load_vehicle("ms11-naion")
    _, (t,) = totals_of([spec], cycle)
    mass = spec.mass.curb_kg + 100.0
    rise_m = 0.04 / np.sqrt(1.0 + 0.04**2) * t["distance_m"]
    assert t["grade_energy_j"] == pytest.approx(mass * 9.80665 * rise_m, rel=1e-6)
    assert sum(t[k] for k in SINKS) == pytest.approx(t["chemical_energy_j"], rel=1e-3)


def test_cold_tires_roll_harder_per_iso_28580():
    assert rolling_resistance_factor(25.0) == pytest.approx(1.0, abs=1e-12)
    # inside ISO 28580's 20-30 degC the self-heating law stays within 1 % of the standard's
    for t in (20.0, 22.5, 27.5, 30.0):
        iso = 1.0 / (1.0 + 0.008 * (t - 25.0))
        assert rolling_resistance_factor(t) == pytest.approx(iso, rel=0.01)


def test_road_load_coefficients_replace_drag_rolling_and_driveline_loss():
    """With coast-down coefficients the driveline's spin loss is already in f0/f1/f2."""
    spec = bevsim.load_vehicle("tesla-model3-rwd-2022")
    assert spec.road_load is not None
    _, (t,) = totals_of([spec], bevsim.load_cycle("hwfet"))
    assert t["driveline_loss_j"] == pytest.approx(0.0, abs=1e-9)
    cycle = bevsim.load_cycle("hwfet")
    v_avg = 0.5 * (cycle.speed_mps[1:] + cycle.speed_mps[:-1])
    f2_si = spec.road_load.f2_n_per_kmh2 * 3.6**2
    assert t["aero_energy_j"] == pytest.approx(f2_si * np.sum(v_avg**3), rel=1e-9)
