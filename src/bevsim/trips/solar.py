"""Sunlight on a logged trip: the sun's elevation, clear-sky irradiance and cloud cover, as a
heat gain into the cabin.

- Sun position: NOAA Global Monitoring Division, "General Solar Position Calculations"
  (Spencer's 1971 Fourier series for the declination and the equation of time), accurate to
  about a degree, enough for a heat gain.
- Clear-sky global horizontal irradiance: Haurwitz (1945),
  G = 1098 cos z exp(-0.057 / cos z) W/m^2 for a solar zenith angle z; one of the clear-sky
  models Reno, Hansen and Stein compare for Sandia (SAND2012-2389), with a few per cent error
  at mid latitudes for a model with no atmospheric input.
- Cloud cover: Kasten and Czeplak (1980), G = G_clear (1 - 0.75 N^3.4) for the cloud cover N
  (0 clear, 1 overcast), from the log's weather word (:data:`CLOUD_COVER`).
- Into the cabin: the irradiance times the effective glazing aperture that EPA's SC03 test
  implies (bevsim.procedures.five_cycle.SOLAR_APERTURE_M2).
"""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta

import numpy as np

from bevsim.procedures.five_cycle import SOLAR_APERTURE_M2

CLOUD_COVER: dict[str, float] = {
    "sunny": 0.0,
    "clear": 0.0,
    "sunrise": 0.0,  # the low sun itself is in the elevation
    "sunset": 0.0,
    "dark": 0.0,
    "slightly cloudy": 0.25,
    "partly cloudy": 0.5,
    "cloudy": 0.75,
    "overcast": 1.0,
    "rainy": 1.0,
}
"""Cloud cover fraction N for the weather words of trip logs (the TUM BMW i3 set uses sunny,
slightly cloudy, cloudy, rainy, sunrise, sunset, dark): okta-style judgement, 'slightly' two
eighths, 'cloudy' six, rain overcast."""
SAMPLE_EVERY_S = 60.0


def solar_elevation_deg(latitude_deg: float, longitude_deg: float, when_utc: datetime) -> float:
    """The sun's elevation above the horizon [deg] at a place (east longitude > 0) and UTC time."""
    day = when_utc.timetuple().tm_yday
    hour = when_utc.hour + when_utc.minute / 60.0 + when_utc.second / 3600.0
    g = 2.0 * math.pi / 365.0 * (day - 1 + (hour - 12.0) / 24.0)
    eq_time_min = 229.18 * (
        0.000075
        + 0.001868 * math.cos(g)
        - 0.032077 * math.sin(g)
        - 0.014615 * math.cos(2 * g)
        - 0.040849 * math.sin(2 * g)
    )
    declination = (
        0.006918
        - 0.399912 * math.cos(g)
        + 0.070257 * math.sin(g)
        - 0.006758 * math.cos(2 * g)
        + 0.000907 * math.sin(2 * g)
        - 0.002697 * math.cos(3 * g)
        + 0.00148 * math.sin(3 * g)
    )
    solar_time_min = hour * 60.0 + eq_time_min + 4.0 * longitude_deg
    hour_angle = math.radians(solar_time_min / 4.0 - 180.0)
    lat = math.radians(latitude_deg)
    cos_zenith = math.sin(lat) * math.sin(declination) + math.cos(lat) * math.cos(
        declination
    ) * math.cos(hour_angle)
    return math.degrees(math.asin(max(-1.0, min(1.0, cos_zenith))))


def clear_sky_irradiance_w_per_m2(elevation_deg: float) -> float:
    """Haurwitz clear-sky global horizontal irradiance [W/m^2] at a solar elevation [deg]."""
    cos_zenith = math.sin(math.radians(elevation_deg))
    if cos_zenith <= 0.0:
        return 0.0
    return 1098.0 * cos_zenith * math.exp(-0.057 / cos_zenith)


def cloud_factor(weather: str) -> float | None:
    """Kasten-Czeplak share of clear-sky irradiance for a weather word; None if unknown."""
    cover = CLOUD_COVER.get(weather.strip().lower())
    return None if cover is None else 1.0 - 0.75 * cover**3.4


def cabin_solar_gain_w(
    latitude_deg: float,
    longitude_deg: float,
    start_utc: datetime,
    duration_s: float,
    weather: str,
) -> float | None:
    """Mean solar heat gain into the cabin [W] over a trip, or None if the weather is unknown."""
    factor = cloud_factor(weather)
    if factor is None:
        return None
    start = start_utc.astimezone(UTC)
    offsets = np.arange(0.0, max(duration_s, 0.0) + SAMPLE_EVERY_S, SAMPLE_EVERY_S)
    irradiance = [
        clear_sky_irradiance_w_per_m2(
            solar_elevation_deg(latitude_deg, longitude_deg, start + timedelta(seconds=float(t)))
        )
        for t in offsets
    ]
    return SOLAR_APERTURE_M2 * factor * float(np.mean(irradiance))
