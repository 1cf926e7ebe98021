"""Batch invariance, SOC window, trace misses and regen limits."""

import numpy as np
import pytest

import bevsim
from bevsim.cycles import Cycle
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import TOTAL_COLUMNS, TRACE_COLUMNS
from bevsim.engine.run import run_cycle
from bevsim.spec import vehicle_from_dict

COL = {name: i for i, name in enumerate(TOTAL_COLUMNS)}
TRC = {name: i for i, name in enumerate(TRACE_COLUMNS)}


def _variant(base: dict, rng: np.random.Generator, k: int):
    data = {key: (dict(val) if isinstance(val, dict) else val) for key, val in base.items()}
    data["id"] = f"variant-{k}"
    data["mass"] = {"curb_kg": float(rng.uniform(1300, 2600))}
    data["body"] = {
        "drag_coefficient": float(rng.uniform(0.19, 0.35)),
        "frontal_area_m2": float(rng.uniform(2.0, 2.8)),
    }
    battery = {
        "chemistry": str(rng.choice(["lfp", "sodium-ion", "nmc"])),
        "gross_energy_kwh": float(rng.uniform(40, 110)),
        "nominal_voltage_v": float(rng.choice([350.0, 400.0, 750.0])),
    }
    data["battery"] = battery
    return vehicle_from_dict(data)


def test_a_vehicle_gives_identical_results_alone_and_inside_a_batch_of_1000():
    base_spec = bevsim.load_vehicle("ms11-lfp")
    base = base_spec.model_dump(exclude_none=True)
    rng = np.random.default_rng(7)
    specs = [_variant(base, rng, k) for k in range(1000)]
    specs[537] = base_spec
    cycle = bevsim.load_cycle("cltc-p")
    alone = run_cycle(compile_vehicles([base_spec]), cycle).totals[0]
    batch = run_cycle(compile_vehicles(specs), cycle).totals
    np.testing.assert_array_equal(batch[537], alone)
    # the variants really differ
    energy = batch[:, COL["terminal_energy_j"]]
    assert np.ptp(energy) > 0.3 * energy.mean()


def test_traces_do_not_change_totals():
    spec = bevsim.load_vehicle("ms11-naion")
    batch = compile_vehicles([spec])
    cycle = bevsim.load_cycle("us06")
    plain = run_cycle(batch, cycle)
    traced = run_cycle(batch, cycle, traces=True)
    np.testing.assert_array_equal(plain.totals, traced.totals)
    trace = traced.traces[0]
    dt = 1.0
    assert np.sum(trace[:, TRC["battery_power_w"]]) * dt == pytest.approx(
        traced.totals[0, COL["terminal_energy_j"]], rel=1e-12
    )


def test_soc_never_leaves_its_window_when_driven_to_empty():
    spec = bevsim.load_vehicle("byd-dolphin-60kwh")
    cycle = bevsim.load_cycle("cltc-p").repeated(60)
    out = run_cycle(compile_vehicles([spec]), cycle, traces=True)
    t = out.totals[0]
    soc = out.traces[0][:, TRC["soc"]]
    assert soc.max() <= spec.battery.soc_max + 1e-12
    assert soc.min() >= spec.battery.soc_min - 1e-9
    assert t[COL["final_soc"]] == pytest.approx(spec.battery.soc_min, abs=2e-3)
    # once empty, the car cannot follow the trace, and the result says so
    assert t[COL["max_speed_shortfall_mps"]] > 10.0
    one_cycle_m = bevsim.load_cycle("cltc-p").distance_m
    assert t[COL["distance_m"]] < t[COL["trace_distance_m"]] - one_cycle_m


def test_regen_stops_at_soc_max_and_friction_brakes_take_over():
    """Downhill from full: the pack cannot take charge, so every joule goes to the brakes."""
    time_s = np.arange(0.0, 300.0)
    speed = np.minimum(time_s, 20.0)
    cycle = Cycle("descent", time_s, np.where(time_s < 280, speed, 0.0), np.full(300, -0.06))
    spec = bevsim.load_vehicle("ms11-lfp")
    out = run_cycle(compile_vehicles([spec]), cycle, traces=True)
    soc = out.traces[0][:, TRC["soc"]]
    assert soc.max() <= spec.battery.soc_max + 1e-12
    assert out.totals[0, COL["friction_brake_energy_j"]] > 1e6
    # from half charge the same descent recharges the pack
    half = run_cycle(compile_vehicles([spec], Conditions(initial_soc=0.5)), cycle)
    assert half.totals[0, COL["final_soc"]] > 0.5
    assert half.totals[0, COL["terminal_energy_j"]] < 0.0


def test_an_underpowered_car_misses_the_trace_and_reports_by_how_much():
    base = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    base["id"] = "weak"
    base["drive"]["motors"][0]["peak_power_kw"] = 25.0
    weak = vehicle_from_dict(base)
    cycle = bevsim.load_cycle("us06")
    result = bevsim.simulate(weak, cycle, traces=True)
    row = result.summary.iloc[0]
    assert not row["followed_trace"]
    assert row["max_speed_shortfall_kmh"] > 20.0
    assert row["distance_km"] < row["trace_distance_km"]
    trace = result.traces["weak"]
    assert (trace["speed_achieved_kmh"] <= trace["speed_requested_kmh"] + 1e-9).all()
    assert trace["motor_mech_power_w"].max() <= 25_000.0 * (1 + 1e-6)
    losses = [
        c
        for c in result.summary.columns
        if c.endswith("_kwh")
        and c not in {"battery_energy_kwh", "chemical_energy_kwh", "regen_energy_kwh"}
    ]
    assert result.summary[losses].sum(axis=1).iloc[0] == pytest.approx(
        row["chemical_energy_kwh"], rel=1e-3
    )


def test_cold_air_is_denser_and_costs_energy_on_the_highway():
    spec = bevsim.load_vehicle("ms11-lfp")
    cycle = bevsim.load_cycle("hwfet")
    warm = run_cycle(compile_vehicles([spec], Conditions(ambient_temp_c=23.0)), cycle)
    cold = run_cycle(compile_vehicles([spec], Conditions(ambient_temp_c=-7.0)), cycle)
    ratio = cold.totals[0, COL["aero_energy_j"]] / warm.totals[0, COL["aero_energy_j"]]
    assert ratio == pytest.approx((23.0 + 273.15) / (-7.0 + 273.15), rel=1e-9)
