"""Tires: rolling resistance from the warmed-up tire's own temperature, and coast-down f0
corrected only by its tire share (issue 14 item 3); the tires' temperature state, warming
while rolling and cooling at rest (item 4)."""

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.cycles import Cycle, load_cycle
from bevsim.engine import tire_temperature as tt
from bevsim.engine.compile import GRAVITY_MPS2, KMH_PER_MPS, Conditions, compile_vehicles
from bevsim.engine.layout import P
from bevsim.engine.physics.tires import tire_scale
from bevsim.engine.run import run_cycle
from bevsim.engine.soak import key_off_soak
from bevsim.engine.state import VehicleState


@settings(max_examples=300, deadline=None)
@given(st.floats(-40.0, 45.0), st.floats(0.1, 10.0))
def test_self_heating_balance_holds_and_colder_air_rolls_harder(ambient_c, colder):
    x = tt.rolling_resistance_factor(ambient_c)
    # the root satisfies x = 1 / (1 + a (T_tire - T_tire,ref)) with the tire's own rise
    tire_diff = tt.tire_temperature_c(ambient_c) - (25.0 + tt.TIRE_EQUILIBRIUM_RISE_K)
    assert x == pytest.approx(1.0 / (1.0 + 0.008 * tire_diff), rel=1e-9)
    assert 0.0 < x < 2.0
    assert tt.rolling_resistance_factor(ambient_c - colder) > x
    # the tire's self-heating makes it milder than the standard's linear correction when cold
    if ambient_c < 25.0:
        assert x < 1.0 / (1.0 + 0.008 * (ambient_c - 25.0))
        # ... yet the tire itself is colder when the air is
        assert tt.tire_temperature_c(ambient_c - colder) < tt.tire_temperature_c(ambient_c)


def test_minus_20_c_tires_roll_39_percent_harder_not_56():
    assert tt.rolling_resistance_factor(-20.0) == pytest.approx(1.392, abs=0.002)


def test_coast_down_f0_changes_only_by_its_tire_share():
    spec = bevsim.load_vehicle("tesla-model3-rwd-2022")
    rl = spec.road_load
    mass = spec.mass.curb_kg + 100.0
    tire_n = spec.tires.rolling_resistance_coefficient * mass * GRAVITY_MPS2
    row = compile_vehicles([spec], Conditions(added_mass_kg=100.0, ambient_temp_c=-20.0))
    f0 = row.column("f0_n")[0]
    relative = tt.rolling_resistance_factor(-20.0) / tt.rolling_resistance_factor(25.0)
    expected = rl.f0_n + min(tire_n, rl.f0_n) * (relative - 1.0)
    assert f0 == pytest.approx(expected, rel=1e-12)
    assert rl.f0_n < f0 < rl.f0_n * relative
    assert row.column("f1_n_per_mps")[0] == pytest.approx(rl.f1_n_per_kmh * KMH_PER_MPS)
    # at the coast-down's own 25 degC the coefficients are taken as measured
    warm = compile_vehicles([spec], Conditions(added_mass_kg=100.0, ambient_temp_c=25.0))
    assert warm.column("f0_n")[0] == pytest.approx(rl.f0_n, rel=1e-12)


# --- tire warm-up (issue 14 item 4) -------------------------------------------------------

SPEC_ID = "tesla-model3-rwd-2022"
WARM_UP_SPEED_MPS = 80.0 / 3.6


def _steady(speed_mps: float, seconds: int) -> Cycle:
    time_s = np.arange(seconds + 1, dtype=float)
    return Cycle("steady", time_s, np.full(seconds + 1, speed_mps), np.zeros(seconds + 1))


def _run(cycle, state=None, **conditions):
    batch = compile_vehicles([bevsim.load_vehicle(SPEC_ID)], Conditions(**conditions))
    return batch, run_cycle(batch, cycle, state=state)


def test_rolling_tires_warm_toward_the_equilibrium_over_the_warm_up_distance():
    seconds = 1800  # ISO 28580's 30 min at 80 km/h: three warm-up distances
    batch, out = _run(_steady(WARM_UP_SPEED_MPS, seconds), ambient_temp_c=23.0)
    warm_c = 23.0 + tt.equilibrium_rise_k(23.0)
    share = WARM_UP_SPEED_MPS / tt.TIRE_WARM_UP_DISTANCE_M  # per 1 s step
    expected = warm_c + (23.0 - warm_c) * (1.0 - share) ** seconds
    tire_c = out.total("final_tire_temp_c")[0]
    assert tire_c == pytest.approx(expected, rel=1e-9)
    # 40 km = 3 warm-up distances: 95 % of the rise, as ISO 28580's warm-up reaches steady state
    rise_share = (tire_c - 23.0) / (warm_c - 23.0)
    assert rise_share == pytest.approx(1.0 - math.exp(-40_000.0 / 13_300.0), abs=2e-3)
    assert batch.column("tire_warm_temp_c")[0] == pytest.approx(warm_c)


def test_standing_tires_cool_toward_ambient_with_the_cooling_time():
    seconds = 3600
    _, out = _run(_steady(0.0, seconds), ambient_temp_c=5.0, warm_tires=True)
    rise = tt.equilibrium_rise_k(5.0)
    expected = 5.0 + rise * (1.0 - 1.0 / tt.TIRE_COOLING_TIME_S) ** seconds
    assert out.total("final_tire_temp_c")[0] == pytest.approx(expected, rel=1e-9)
    assert out.total("final_tire_temp_c")[0] == pytest.approx(5.0 + rise / math.e, rel=1e-3)


def test_warm_tires_are_the_constant_factor_of_before():
    """Warmed-up tires on a run without stops roll exactly as the constant equilibrium
    factor did (the temperature factor switched off: tire share 0)."""
    cycle = _steady(25.0, 600)
    batch = compile_vehicles(
        [bevsim.load_vehicle(SPEC_ID)], Conditions(ambient_temp_c=-7.0, warm_tires=True)
    )
    constant = batch.params.copy()
    constant[:, P.tire_share_of_rolling] = 0.0
    out = run_cycle(batch, cycle)
    old = run_cycle(type(batch)(constant, batch.tables, batch.vehicle_ids), cycle)
    np.testing.assert_array_equal(out.totals[:, :-1], old.totals[:, :-1])


def test_coast_down_f0_follows_the_tire_temperature_by_its_tire_share():
    spec = bevsim.load_vehicle(SPEC_ID)
    batch = compile_vehicles([spec], Conditions(added_mass_kg=100.0, ambient_temp_c=-20.0))
    p = batch.params[0]
    tire_n = spec.tires.rolling_resistance_coefficient * (spec.mass.curb_kg + 100.0) * GRAVITY_MPS2
    share = min(tire_n / spec.road_load.f0_n, 1.0)
    for tire_c in (-20.0, 0.0, 30.0, p[P.tire_warm_temp_c]):
        relative = tt.factor_at_tire_temp(tire_c) / tt.rolling_resistance_factor(25.0)
        expected = spec.road_load.f0_n * (1.0 + share * (relative - 1.0))
        assert p[P.f0_n] * tire_scale.py_func(p, tire_c) == pytest.approx(expected, rel=1e-12)


def test_cold_start_costs_a_few_percent_on_udds_and_less_on_a_long_highway_run():
    """Cold tires roll up to 40 % harder than warm ones (Car and Driver; ISO 28580's law gives
    +26 % at 23 degC): over one UDDS (12 km, under one warm-up distance) a few percent of the
    energy, over four HWFETs (66 km) less."""
    excess = {}
    for name, cycle in (
        ("udds", load_cycle("udds")),
        ("hwfet x4", load_cycle("hwfet").repeated(4)),
    ):
        energy = {}
        for warm in (False, True):
            _, out = _run(cycle, ambient_temp_c=23.0, warm_tires=warm)
            energy[warm] = out.total("terminal_energy_j")[0]
        excess[name] = energy[False] / energy[True] - 1.0
    assert 0.02 < excess["udds"] < 0.08
    assert 0.0 < excess["hwfet x4"] < 0.5 * excess["udds"]


def test_a_run_split_in_two_hands_the_tire_temperature_over():
    udds = load_cycle("udds")
    half = len(udds.time_s) // 2
    first = Cycle("a", udds.time_s[: half + 1], udds.speed_mps[: half + 1], udds.grade[: half + 1])
    second = Cycle("b", udds.time_s[half:], udds.speed_mps[half:], udds.grade[half:])
    _, whole = _run(udds)
    _, one = _run(first)
    _, two = _run(second, state=one.state)
    assert one.state.tire_temp_c[0] > 23.0
    assert two.total("final_tire_temp_c")[0] == pytest.approx(
        whole.total("final_tire_temp_c")[0], rel=1e-12
    )


def test_the_key_off_soak_cools_the_tires():
    batch, out = _run(_steady(WARM_UP_SPEED_MPS, 600), ambient_temp_c=10.0)
    tire_c = out.state.tire_temp_c[0]
    soaked = key_off_soak(batch, out.state, 1800.0)
    expected = 10.0 + (tire_c - 10.0) * math.exp(-1800.0 / tt.TIRE_COOLING_TIME_S)
    assert soaked.tire_temp_c[0] == pytest.approx(expected, rel=1e-12)
    # a state made without tires leaves the compiled start in place
    params = VehicleState(out.state.soc, out.state.cell_temp_c, out.state.cabin_temp_c)
    assert params.written_into(batch.params)[0, P.tire_initial_temp_c] == 10.0


def test_conditions_choose_the_tires_start():
    assert Conditions(ambient_temp_c=-7.0).tire_temperature_c == -7.0
    assert Conditions(ambient_temp_c=-7.0, tire_temp_c=3.0).tire_temperature_c == 3.0
    warm = Conditions(ambient_temp_c=-7.0, warm_tires=True).tire_temperature_c
    assert warm == pytest.approx(tt.tire_temperature_c(-7.0))
