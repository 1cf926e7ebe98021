"""Tires: rolling resistance from the warmed-up tire's own temperature, and coast-down f0
corrected only by its tire share (issue 14 item 3)."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.engine import tire_temperature as tt
from bevsim.engine.compile import GRAVITY_MPS2, KMH_PER_MPS, Conditions, compile_vehicles


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
