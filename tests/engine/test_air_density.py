"""Air density of the standard atmosphere: ISA pressure by altitude, ideal-gas dry air."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bevsim.engine.compile import (
    Conditions,
    ConditionsError,
    dry_air_density_kg_per_m3,
    standard_pressure_pa,
)


def test_isa_pressure_matches_the_standard_table():
    """ICAO / ISO 2533 standard atmosphere: 101.325 kPa at 0 m, 89.875 kPa at 1000 m,
    79.495 kPa at 2000 m (the standard's tabulated values)."""
    assert standard_pressure_pa(0.0) == 101325.0
    assert standard_pressure_pa(1000.0) == pytest.approx(89875.0, abs=5.0)
    assert standard_pressure_pa(2000.0) == pytest.approx(79495.0, abs=5.0)


def test_sea_level_density_is_the_conditions_default_bit_for_bit():
    for temp_c in (-20.0, 0.0, 23.0, 35.0):
        assert Conditions(ambient_temp_c=temp_c).air_density == dry_air_density_kg_per_m3(temp_c)
    assert dry_air_density_kg_per_m3(15.0) == pytest.approx(1.225, abs=0.001)  # ISA sea level


@given(st.floats(-500.0, 5900.0), st.floats(0.0, 100.0))
def test_pressure_falls_with_altitude(altitude_m, rise_m):
    assert standard_pressure_pa(altitude_m + rise_m) <= standard_pressure_pa(altitude_m)


@pytest.mark.parametrize("altitude_m", [float("nan"), -1000.0, 9000.0])
def test_an_impossible_altitude_is_refused(altitude_m):
    with pytest.raises(ConditionsError, match="altitude_m"):
        standard_pressure_pa(altitude_m)
