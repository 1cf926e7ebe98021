"""TeslaMate's positions CSV export as trips.

TeslaMate (teslamate-org/teslamate) logs a Tesla into the ``positions`` table of its database;
its documented export is ``COPY (select ... from positions ...) TO STDOUT WITH CSV HEADER``.
Used columns (others are ignored): ``date`` (UTC timestamp, ISO 8601), ``speed`` [km/h],
``power`` [kW, + = discharging], ``elevation`` [m], ``battery_level`` [%, the car's displayed
SoC], ``outside_temp`` [degC]. ``date`` and ``speed`` are required columns. TeslaMate leaves
``speed`` empty while the car is parked: an empty speed is 0 km/h. Empty ``elevation`` and
``outside_temp`` cells are interpolated between their neighbours; empty ``power`` and
``battery_level`` cells are not measured at that sample.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from bevsim.trips.csv_log import check_time, read_csv_rows
from bevsim.trips.model import KMH_PER_MPS, Trip, TripError, TripMetadata

COLUMNS = {
    "speed": (0.0, 400.0),
    "power": (-1000.0, 1000.0),
    "elevation": (-500.0, 9000.0),
    "battery_level": (0.0, 100.0),
    "outside_temp": (-60.0, 60.0),
}
W_PER_KW = 1000.0


def looks_like_teslamate(header: list[str]) -> bool:
    """Whether a CSV header is a TeslaMate positions export."""
    return "date" in header and "speed" in header


def read_trip_teslamate(path: Path) -> Trip:
    """Read a TeslaMate positions CSV export as a trip (see the module docstring)."""
    numbered, header = read_csv_rows(path, "TeslaMate export")
    if not looks_like_teslamate(header):
        raise TripError(f"{path}: line 1: expected TeslaMate columns 'date' and 'speed'")
    body = numbered[1:]
    if len(body) < 2:
        raise TripError(f"{path}: expected at least 2 positions, got {len(body)}")
    index = {name: header.index(name) for name in ("date", *COLUMNS) if name in header}
    stamps = np.empty(len(body))
    values = {name: np.full(len(body), np.nan) for name in COLUMNS if name in index}
    for i, (line, row) in enumerate(body):
        if len(row) != len(header):
            raise TripError(f"{path}: line {line}: expected {len(header)} values, got {len(row)}")
        stamps[i] = _timestamp(path, line, index["date"] + 1, row[index["date"]])
        for name in values:
            values[name][i] = _cell(path, line, index[name] + 1, name, row[index[name]])
    places = [f"line {n}" for n, _ in body]
    time_s = stamps - stamps[0]
    check_time(path, time_s, places)
    speed = np.nan_to_num(values["speed"], nan=0.0)
    measured = {}
    if "power" in values:
        measured["measured_battery_power_w"] = values["power"] * W_PER_KW
    if "battery_level" in values:
        measured["measured_soc_pct"] = values["battery_level"]
    return Trip(
        name=path.stem,
        source=str(path),
        time_s=time_s,
        speed_mps=speed / KMH_PER_MPS,
        elevation_m=_filled(time_s, values.get("elevation")),
        ambient_temp_c=_filled(time_s, values.get("outside_temp")),
        measured=measured,
        metadata=TripMetadata(),
        places=tuple(places),
    )


def _timestamp(path: Path, line: int, col: int, text: str) -> float:
    """Seconds since the epoch of a TeslaMate date (UTC when no zone is given)."""
    try:
        stamp = datetime.fromisoformat(text.strip())
    except ValueError:
        raise TripError(
            f"{path}: line {line}, column {col} (date): expected an ISO 8601 time such as "
            f"2024-05-01 12:30:00.123, got {text!r}"
        ) from None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return stamp.timestamp()


def _cell(path: Path, line: int, col: int, name: str, text: str) -> float:
    text = text.strip()
    if not text:
        return math.nan
    where = f"{path}: line {line}, column {col} ({name})"
    try:
        value = float(text)
    except ValueError:
        raise TripError(f"{where}: expected a number, got {text!r}") from None
    lo, hi = COLUMNS[name]
    if not (math.isfinite(value) and lo <= value <= hi):
        raise TripError(f"{where}: expected {lo:g}..{hi:g}, got {text!r}")
    return value


def _filled(time_s: np.ndarray, values: np.ndarray | None) -> np.ndarray | None:
    """Empty cells interpolated from their neighbours; None when the column is all empty."""
    if values is None:
        return None
    valid = np.isfinite(values)
    if not valid.any():
        return None
    return np.interp(time_s, time_s[valid], values[valid])
