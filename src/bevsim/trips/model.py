"""The Trip type: a logged drive with its measured battery signals, resampling and splitting.

A trip is what a logger recorded while a car was driven: time [s], speed [m/s], optionally
elevation [m] and ambient temperature [degC], and optionally what the car measured at its pack
(``MEASURED_CHANNELS``; NaN where a sample has no value). Readers for the supported log formats
live beside this module; each builds a Trip and remembers where every sample came from (the
line of a CSV, the point of a GPX track) so that errors found later still name it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np

from bevsim.cycles.model import cumulative_distance_m
from bevsim.errors import BevsimError
from bevsim.units import J_PER_KWH, KMH_PER_MPS

MEASURED_CHANNELS = (
    "measured_battery_voltage_v",  # pack terminal voltage [V]
    "measured_battery_current_a",  # pack current [A], + = discharging
    "measured_battery_power_w",  # pack terminal power [W], + = discharging
    "measured_soc_pct",  # state of charge [%]
    "measured_heating_power_w",  # electric power of the cabin heater [W]
    "measured_aircon_power_w",  # electric power of the A/C compressor [W]
)
MAX_GAP_S = 30.0
"""Longest time between two samples that is bridged by interpolation [s]. A 1 Hz logger that
drops a few samples stays one trip; TeslaMate samples every few seconds while driving. Beyond
this the car's motion in between is unknown: the trip is split there (or refused)."""
STANDSTILL_MPS = 0.5 / KMH_PER_MPS
"""Below this speed [m/s] the car stands (for finding charging stops)."""
CHARGING_POWER_W = -1000.0
"""Pack power [W] below which a standing car is charging: regenerative braking needs motion, so
a kilowatt into the pack at standstill comes from a charger."""
MIN_CHARGING_S = 30.0
"""Charging power at standstill for at least this long [s] is a charging stop."""
SOC_RISE_PCT = 1.0
"""A rise of the measured SoC by at least this much [%] while the car stands is a charging stop
(for logs without pack power)."""
MIN_VALID_SHARE = 0.95
"""A measured channel with fewer valid samples than this share is not used for energy."""


class TripError(BevsimError):
    """A trip log is invalid: names the file, the line (or point) and the column."""


@dataclass(frozen=True)
class TripMetadata:
    """What a log's metadata says about the trip: payload beyond the driver [kg], cabin
    setpoint [degC], BMS SoC at the start [%], battery temperature at the start [degC], season,
    weather (free text such as ``sunny``) and the local start time."""

    payload_kg: float | None = None
    cabin_setpoint_c: float | None = None
    start_soc_pct: float | None = None
    battery_temp_c: float | None = None
    season: str | None = None
    weather: str | None = None
    start_local: datetime | None = None  # local clock time at the start (no zone)


@dataclass(frozen=True)
class Trip:
    """A logged drive. ``places[i]`` names where sample i came from (e.g. ``line 12``)."""

    name: str
    source: str
    time_s: np.ndarray
    speed_mps: np.ndarray
    elevation_m: np.ndarray | None = None
    ambient_temp_c: np.ndarray | None = None
    measured: dict[str, np.ndarray] = field(default_factory=dict)
    metadata: TripMetadata = TripMetadata()
    places: tuple[str, ...] = ()

    @property
    def duration_s(self) -> float:
        """Duration [s]."""
        return float(self.time_s[-1] - self.time_s[0])

    @property
    def distance_m(self) -> float:
        """Distance driven [m], trapezoid rule over the speed."""
        return float(np.trapezoid(self.speed_mps, self.time_s))

    def cumulative_distance_m(self) -> np.ndarray:
        """Distance driven up to each sample [m] (trapezoid rule)."""
        return cumulative_distance_m(self.time_s, self.speed_mps)

    def place(self, i: int) -> str:
        """Where sample i came from, for messages."""
        return self.places[i] if self.places else f"sample {i + 1}"

    def channel(self, name: str) -> np.ndarray | None:
        """A measured channel with its gaps (NaN) interpolated, or None when it is absent or
        valid for fewer than MIN_VALID_SHARE of the samples."""
        values = self.measured.get(name)
        if values is None:
            return None
        valid = np.isfinite(values)
        if valid.sum() < max(2, MIN_VALID_SHARE * len(values)):
            return None
        if valid.all():
            return values
        return np.interp(self.time_s, self.time_s[valid], values[valid])

    def measured_power_w(self) -> np.ndarray | None:
        """Measured pack terminal power [W] (+ = discharge): voltage x current where both are
        logged, else the logged power; None when neither is."""
        voltage = self.channel("measured_battery_voltage_v")
        current = self.channel("measured_battery_current_a")
        if voltage is not None and current is not None:
            return voltage * current
        return self.channel("measured_battery_power_w")

    def measured_energy_kwh(self) -> float | None:
        """Measured net energy out of the pack [kWh]: trapezoid of the measured power."""
        power = self.measured_power_w()
        if power is None:
            return None
        return float(np.trapezoid(power, self.time_s)) / J_PER_KWH

    def resampled(self, dt_s: float) -> Trip:
        """The trip on a uniform time grid of step ``dt_s`` [s] from its first sample (linear
        interpolation; a measured channel's NaN samples are bridged from its valid ones)."""
        if dt_s <= 0 or not math.isfinite(dt_s):
            raise TripError(f"{self.source}: time step must be > 0 s, got {dt_s}")
        n = int(math.floor(self.duration_s / dt_s + 1e-9)) + 1
        grid = self.time_s[0] + dt_s * np.arange(n)
        if n == len(self.time_s) and np.allclose(grid, self.time_s):
            return self

        def on_grid(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else np.interp(grid, self.time_s, values)

        measured = {}
        for name, values in self.measured.items():
            valid = np.isfinite(values)
            if valid.sum() >= 2:
                measured[name] = np.interp(grid, self.time_s[valid], values[valid])
        nearest = np.clip(np.searchsorted(self.time_s, grid), 0, len(self.time_s) - 1)
        places = tuple(self.place(int(i)) for i in nearest) if self.places else ()
        return replace(
            self,
            time_s=grid,
            speed_mps=np.interp(grid, self.time_s, self.speed_mps),
            elevation_m=on_grid(self.elevation_m),
            ambient_temp_c=on_grid(self.ambient_temp_c),
            measured=measured,
            places=places,
        )

    def part(self, start: int, stop: int, name: str) -> Trip:
        """Samples start..stop-1 as a trip of their own, time still from the log."""

        def cut(values: np.ndarray | None) -> np.ndarray | None:
            return None if values is None else values[start:stop]

        return replace(
            self,
            name=name,
            time_s=self.time_s[start:stop],
            speed_mps=self.speed_mps[start:stop],
            elevation_m=cut(self.elevation_m),
            ambient_temp_c=cut(self.ambient_temp_c),
            measured={k: v[start:stop] for k, v in self.measured.items()},
            places=self.places[start:stop],
        )


@dataclass(frozen=True)
class Break:
    """Where a trip must be cut: between samples ``start`` and ``stop`` there is a gap, or
    the car stands charging from ``start`` to ``stop`` (``reason`` says which). The part before
    ends with sample ``start``, the part after begins with sample ``stop``."""

    start: int
    stop: int
    reason: str


def find_breaks(trip: Trip) -> list[Break]:
    """Gaps longer than MAX_GAP_S and charging stops (pack power below CHARGING_POWER_W for
    MIN_CHARGING_S at standstill, or SoC rising by SOC_RISE_PCT at standstill), in time order."""
    breaks = []
    steps = np.diff(trip.time_s)
    for i in np.flatnonzero(steps > MAX_GAP_S):
        reason = f"gap of {steps[i]:g} s without samples (more than {MAX_GAP_S:g} s)"
        breaks.append(Break(int(i), int(i) + 1, reason))
    breaks.extend(_charging_stops(trip))
    return sorted(breaks, key=lambda b: b.start)


def _charging_stops(trip: Trip) -> list[Break]:
    standing = trip.speed_mps < STANDSTILL_MPS
    voltage = trip.measured.get("measured_battery_voltage_v")
    current = trip.measured.get("measured_battery_current_a")
    power = trip.measured.get("measured_battery_power_w")
    if voltage is not None and current is not None:
        power = voltage * current
    soc = trip.measured.get("measured_soc_pct")
    stops = []
    for start, stop in _runs(standing):
        reason = _charging_reason(trip.time_s[start : stop + 1], power, soc, start, stop)
        if reason:
            stops.append(Break(start, stop, reason))
    return stops


def _charging_reason(time_s, power, soc, start, stop) -> str:
    """Why the standing run start..stop is a charging stop, or '' when it is not."""
    if power is not None:
        charging = np.nan_to_num(power[start : stop + 1], nan=0.0) < CHARGING_POWER_W
        for a, b in _runs(charging):
            if time_s[b] - time_s[a] >= MIN_CHARGING_S:
                return "charging stop (power into the pack at standstill)"
    if soc is not None:
        levels = soc[start : stop + 1]
        levels = levels[np.isfinite(levels)]
        if levels.size and levels.max() - levels[0] >= SOC_RISE_PCT:
            return f"charging stop (SoC rose {levels.max() - levels[0]:.1f} % at standstill)"
    return ""


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(first, last) index of every run of True in mask."""
    padded = np.concatenate([[False], mask, [False]]).astype(np.int8)
    edges = np.diff(padded)
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1, strict=True))


def split_trip(trip: Trip) -> list[Trip]:
    """The trip cut at its gaps and charging stops (see find_breaks): the driven parts, named
    ``name#1``, ``name#2``...; parts without motion or with fewer than 2 samples are dropped."""
    breaks = find_breaks(trip)
    if not breaks:
        return [trip]
    parts, start = [], 0
    for brk in breaks:
        parts.append((start, brk.start + 1))  # up to the break's first sample
        start = max(start, brk.stop)  # on from its last
    parts.append((start, len(trip.time_s)))
    kept = [(a, b) for a, b in parts if b - a >= 2 and trip.speed_mps[a:b].max() > 0.0]
    return [trip.part(a, b, f"{trip.name}#{k}") for k, (a, b) in enumerate(kept, start=1)]


def check_unbroken(trip: Trip) -> None:
    """Refuse a trip with a gap or a charging stop, naming the first one and the way out."""
    breaks = find_breaks(trip)
    if breaks:
        brk = breaks[0]
        raise TripError(
            f"{trip.source}: {trip.place(brk.start)}: {brk.reason}; "
            "replay the parts separately with --split"
        )
