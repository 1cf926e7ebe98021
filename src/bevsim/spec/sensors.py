"""Lidar sensors as vehicle hardware: the sensor file's model and the shipped library.

A sensor file (``data/sensors/<id>.yaml`` in this package) gives the beam elevations and azimuth
offsets per channel, the horizontal scan, the range at 10 % reflectivity per channel, the noise
figures, the frame rate and the electrical power; ``data/sensors/SOURCES.md`` cites every
number. Angles in the files are degrees; everything returned here is SI (m, rad, s, W). The
vehicle file's ``autonomy.lidar`` names one of them; the return model that uses them (ray
casting, range law, noise) is :mod:`bevsim.autonomy.sensors`.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from bevsim.datafiles import library_ids, load_model
from bevsim.errors import BevsimError

PACKAGE = "bevsim.spec"


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
    return library_ids(PACKAGE, "sensors")


def load_sensor(ref: str | Path | SensorSpec) -> SensorSpec:
    """A shipped sensor by id, or a sensor YAML file; :class:`SensorError` when invalid."""
    if isinstance(ref, SensorSpec):
        return ref
    if isinstance(ref, str) and ref in list_sensors():
        return _load_library(ref)
    return load_model(ref, PACKAGE, "sensors", SensorSpec, SensorError)


@lru_cache(maxsize=16)
def _load_library(sensor_id: str) -> SensorSpec:
    return load_model(sensor_id, PACKAGE, "sensors", SensorSpec, SensorError)
