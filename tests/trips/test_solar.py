"""Sunlight on a trip: sun position, clear-sky irradiance, cloud cover, the cabin's gain."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bevsim.procedures.five_cycle import SOLAR_APERTURE_M2
from bevsim.trips.replay import Location
from bevsim.trips.solar import (
    cabin_solar_gain_w,
    clear_sky_irradiance_w_per_m2,
    cloud_factor,
    solar_elevation_deg,
)


def test_noon_sun_at_the_solstice_stands_at_90_minus_latitude_plus_the_tilt():
    # Munich, 21 June, solar noon about 11:15 UTC: 90 - 48.14 + 23.44 = 65.3 deg
    noon = datetime(2019, 6, 21, 11, 15, tzinfo=UTC)
    assert solar_elevation_deg(48.14, 11.58, noon) == pytest.approx(65.3, abs=0.5)
    # and the winter solstice: 90 - 48.14 - 23.44 = 18.4 deg
    winter = datetime(2019, 12, 21, 11, 15, tzinfo=UTC)
    assert solar_elevation_deg(48.14, 11.58, winter) == pytest.approx(18.4, abs=0.5)


def test_midnight_sun_is_below_the_horizon_and_gives_no_light():
    midnight = datetime(2019, 6, 21, 23, 15, tzinfo=UTC)
    elevation = solar_elevation_deg(48.14, 11.58, midnight)
    assert elevation < 0
    assert clear_sky_irradiance_w_per_m2(elevation) == 0.0


@given(st.floats(0.0, 90.0))
def test_clear_sky_irradiance_is_bounded_and_rises_with_the_sun(elevation):
    g = clear_sky_irradiance_w_per_m2(elevation)
    assert 0.0 <= g <= 1098.0
    assert clear_sky_irradiance_w_per_m2(min(elevation + 1.0, 90.0)) >= g


def test_cloud_cover_scales_the_light_and_unknown_weather_is_none():
    assert cloud_factor("Sunny") == 1.0
    assert cloud_factor("rainy") == pytest.approx(0.25)
    assert 0.25 < cloud_factor("cloudy") < cloud_factor("slightly cloudy") < 1.0
    assert cloud_factor("foggy with a chance of meatballs") is None


def test_the_cabin_gain_is_the_aperture_times_the_mean_irradiance():
    start = Location(48.14, 11.58, "Europe/Berlin").utc(datetime(2019, 6, 21, 13, 15))
    gain = cabin_solar_gain_w(48.14, 11.58, start, 600.0, "sunny")
    assert gain == pytest.approx(SOLAR_APERTURE_M2 * 937.0, rel=0.02)
    assert cabin_solar_gain_w(48.14, 11.58, start, 600.0, "unknown") is None


def test_an_unknown_time_zone_is_one_clear_error():
    from bevsim.trips.model import TripError

    with pytest.raises(TripError, match="Mars/Olympus"):
        Location(0.0, 0.0, "Mars/Olympus").utc(datetime(2019, 6, 21, 12, 0))


def test_sun_on_a_sunny_summer_morning_adds_cooling_and_only_with_a_place():
    from trip_logs import SUMMER

    from bevsim.spec import load_vehicle
    from bevsim.trips import read_trip
    from bevsim.trips.replay import ReplayOptions, replay

    i3, trip = load_vehicle("bmw-i3-60ah-2014"), read_trip(SUMMER)
    munich = ReplayOptions(location=Location(48.14, 11.58, "Europe/Berlin"))
    dark = replay(i3, trip).summary
    sunny = replay(i3, trip, munich).summary
    assert dark["cabin_solar_gain_w"] == 0.0
    assert 100.0 < sunny["cabin_solar_gain_w"] < SOLAR_APERTURE_M2 * 1098.0
    assert sunny["predicted_battery_energy_kwh"] > dark["predicted_battery_energy_kwh"]
