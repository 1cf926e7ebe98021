"""Lidar sensor models as data: beam table, scan pattern, range law, noise and dropout.

A sensor file (``data/sensors/<id>.yaml``) gives the beam elevations and azimuth offsets per
channel, the horizontal scan, the range at 10 % reflectivity per channel and the noise figures;
``data/sensors/SOURCES.md`` cites every number. Angles in the files are degrees; everything
returned here is SI (m, rad, s, W).

Return model (per ray that hits a surface at true range ``r`` [m] with reflectivity ``rho`` [-]
and incidence angle ``theta`` to the surface normal):

* lidar equation for an extended Lambertian target: received power ~ rho cos(theta) / r^2, so
  the range at which a target is still detected scales as
  ``r_max = r_10 * sqrt(rho cos(theta) / 0.10)``, capped at the instrument's ``max_range_m``;
* detection probability is ``1 - dropout`` up to ``(1 - taper) * r_max`` and falls to 0 at
  ``r_max`` with a half-cosine; beyond ``r_max`` nothing is returned;
* a returned range gets Gaussian noise ``N(0, sigma_m)`` along the ray (RGL/CARLA convention).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from bevsim.autonomy._io import library_ids, load_model
from bevsim.errors import BevsimError

REFERENCE_REFLECTIVITY = 0.10
"""Reflectivity at which lidar datasheets quote range [-] (10 % Lambertian target)."""


class SensorError(BevsimError):
    """A sensor id or sensor file is invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Horizontal(_Strict):
    """Horizontal scan from ``min_deg`` to ``max_deg`` in ``resolution_deg`` steps [deg]."""

    min_deg: float = Field(ge=-180, le=180)
    max_deg: float = Field(ge=-180, le=180)
    resolution_deg: PositiveFloat = Field(le=5)

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.max_deg <= self.min_deg:
            raise ValueError(f"max_deg ({self.max_deg}) must exceed min_deg ({self.min_deg})")
        return self

    @property
    def steps(self) -> int:
        """Number of azimuth columns per frame [-]."""
        return int(round((self.max_deg - self.min_deg) / self.resolution_deg))


class RangeBand(_Strict):
    """Range at 10 % reflectivity [m] for channels ``first``..``last`` (1-based, inclusive)."""

    first: PositiveInt
    last: PositiveInt
    range_at_10pct_m: PositiveFloat = Field(le=2000)


class Noise(_Strict):
    """Return noise: range sigma [m] and random dropout probability [-]."""

    range_sigma_m: float = Field(ge=0, le=1)
    dropout: float = Field(ge=0, lt=1)
    taper: float = Field(default=0.1, gt=0, le=1)


class SensorSpec(_Strict):
    """One lidar: beam table, scan, range and noise figures, frame rate and power."""

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    kind: Literal["hybrid-solid-state", "spinning"]
    channels: PositiveInt = Field(le=1024)
    elevations_deg: list[float] | None = None
    vertical_top_deg: float | None = Field(default=None, ge=-90, le=90)
    vertical_bottom_deg: float | None = Field(default=None, ge=-90, le=90)
    azimuth_offsets_deg: list[float] | None = None
    horizontal: Horizontal
    frame_rate_hz: PositiveFloat = Field(le=100)
    points_per_frame: PositiveInt
    range_at_10pct_m: PositiveFloat = Field(le=2000)
    channel_ranges: list[RangeBand] = []
    min_range_m: float = Field(ge=0, le=50)
    max_range_m: PositiveFloat = Field(le=2000)
    noise: Noise
    power_w: PositiveFloat = Field(le=500)
    mass_kg: PositiveFloat | None = Field(default=None, le=50)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.elevations_deg is None and None in (
            self.vertical_top_deg,
            self.vertical_bottom_deg,
        ):
            raise ValueError("give elevations_deg or both vertical_top_deg and vertical_bottom_deg")
        for name in ("elevations_deg", "azimuth_offsets_deg"):
            values = getattr(self, name)
            if values is not None and len(values) != self.channels:
                raise ValueError(f"{name}: {len(values)} values for {self.channels} channels")
        steps = self.horizontal.steps
        if self.points_per_frame != self.channels * steps:
            raise ValueError(
                f"points_per_frame {self.points_per_frame} != channels x horizontal steps "
                f"({self.channels} x {steps} = {self.channels * steps})"
            )
        for band in self.channel_ranges:
            if not band.first <= band.last <= self.channels:
                raise ValueError(f"channel_ranges: band {band.first}..{band.last} out of range")
        return self

    def elevations_rad(self) -> np.ndarray:
        """Beam elevation per channel [rad], channel 1 first."""
        if self.elevations_deg is not None:
            return np.radians(np.asarray(self.elevations_deg, dtype=float))
        top, bottom = self.vertical_top_deg, self.vertical_bottom_deg
        return np.radians(np.linspace(top, bottom, self.channels))

    def azimuth_offsets_rad(self) -> np.ndarray:
        """Azimuth offset per channel [rad] (zero when the file gives none)."""
        if self.azimuth_offsets_deg is None:
            return np.zeros(self.channels)
        return np.radians(np.asarray(self.azimuth_offsets_deg, dtype=float))

    def azimuths_rad(self) -> np.ndarray:
        """Azimuth of each scan column [rad], left-handed sweep from min to max (x forward)."""
        h = self.horizontal
        return np.radians(h.min_deg + h.resolution_deg * np.arange(h.steps))

    def channel_range_at_10pct_m(self) -> np.ndarray:
        """Range at 10 % reflectivity per channel [m]."""
        ranges = np.full(self.channels, self.range_at_10pct_m)
        for band in self.channel_ranges:
            ranges[band.first - 1 : band.last] = band.range_at_10pct_m
        return ranges

    @property
    def frame_period_s(self) -> float:
        """Time between frames [s]."""
        return 1.0 / self.frame_rate_hz

    @property
    def points_per_second(self) -> float:
        """Single-return points per second [1/s]."""
        return self.points_per_frame * self.frame_rate_hz


def list_sensors() -> list[str]:
    """Ids of the sensors shipped with bevsim."""
    return library_ids("sensors")


def load_sensor(ref: str | Path | SensorSpec) -> SensorSpec:
    """A shipped sensor by id, or a sensor YAML file; :class:`SensorError` when invalid."""
    if isinstance(ref, SensorSpec):
        return ref
    if isinstance(ref, str) and ref in list_sensors():
        return _load_library(ref)
    return load_model(ref, "sensors", SensorSpec, SensorError)


@lru_cache(maxsize=16)
def _load_library(sensor_id: str) -> SensorSpec:
    return load_model(sensor_id, "sensors", SensorSpec, SensorError)


def ray_table(sensor: SensorSpec) -> tuple[np.ndarray, np.ndarray]:
    """Unit ray directions in the sensor frame (x forward, y left, z up) and their channel.

    Returns ``(directions[N, 3], channel[N])`` with N = channels x columns, column-major (all
    channels of the first column first), channel 0-based.
    """
    elev = sensor.elevations_rad()
    az = sensor.azimuths_rad()[:, None] + sensor.azimuth_offsets_rad()[None, :]
    el = np.broadcast_to(elev[None, :], az.shape)
    cos_el = np.cos(el)
    dirs = np.stack([cos_el * np.cos(az), cos_el * np.sin(az), np.sin(el)], axis=-1)
    channel = np.broadcast_to(np.arange(sensor.channels)[None, :], az.shape)
    return dirs.reshape(-1, 3), channel.reshape(-1).copy()


def max_range_m(
    range_at_10pct_m: np.ndarray | float,
    reflectivity: np.ndarray | float,
    cos_incidence: np.ndarray | float = 1.0,
    cap_m: float = np.inf,
) -> np.ndarray:
    """Largest range [m] at which a target is detected: ``r_10 sqrt(rho cos / 0.1)``, capped."""
    effective = np.clip(np.asarray(reflectivity) * np.asarray(cos_incidence), 0.0, None)
    return np.minimum(
        np.asarray(range_at_10pct_m) * np.sqrt(effective / REFERENCE_REFLECTIVITY), cap_m
    )


def detection_probability(
    range_m: np.ndarray | float,
    r_max_m: np.ndarray | float,
    dropout: float = 0.0,
    taper: float = 0.1,
) -> np.ndarray:
    """Probability [-] that a hit at ``range_m`` returns: flat, cosine taper, 0 past r_max."""
    r = np.asarray(range_m, dtype=float)
    r_max = np.asarray(r_max_m, dtype=float)
    start = (1.0 - taper) * r_max
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.clip((r - start) / (r_max - start), 0.0, 1.0)
    shape = 0.5 * (1.0 + np.cos(np.pi * u))
    shape = np.where(r > r_max, 0.0, np.where(r_max > 0, shape, 0.0))
    return (1.0 - dropout) * shape


def sample_returns(
    sensor: SensorSpec,
    range_m: np.ndarray,
    channel: np.ndarray,
    reflectivity: np.ndarray,
    cos_incidence: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the return model to true hit ranges [m]; returns ``(kept mask, noisy range [m])``.

    Misses are ``inf`` in ``range_m`` and never kept. Ranges below ``min_range_m`` are dropped.
    """
    r10 = sensor.channel_range_at_10pct_m()[channel]
    r_max = max_range_m(r10, reflectivity, cos_incidence, sensor.max_range_m)
    finite = np.isfinite(range_m)
    p = np.zeros(range_m.shape)
    p[finite] = detection_probability(
        range_m[finite], r_max[finite], sensor.noise.dropout, sensor.noise.taper
    )
    kept = (rng.random(range_m.shape) < p) & (range_m >= sensor.min_range_m)
    noisy = range_m + rng.normal(0.0, sensor.noise.range_sigma_m, range_m.shape)
    return kept, noisy
