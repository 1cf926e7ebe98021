"""bevsim's trip format: a CSV of a logged drive, and its optional metadata file.

Header (any order; the first two are required)::

    time_s,speed_kmh,elevation_m,ambient_temp_c[,measured_battery_voltage_v,
    measured_battery_current_a,measured_battery_power_w,measured_soc_pct,
    measured_heating_power_w,measured_aircon_power_w]

| column | unit | meaning |
|---|---|---|
| ``time_s`` | s | time of the sample, strictly increasing |
| ``speed_kmh`` | km/h | vehicle speed, 0..400 |
| ``elevation_m`` | m | altitude (optional; without it the road is flat) |
| ``ambient_temp_c`` | degC | outside temperature (optional; else ``--ambient-c``) |
| ``measured_battery_voltage_v`` | V | pack terminal voltage |
| ``measured_battery_current_a`` | A | pack current, **positive while discharging** |
| ``measured_battery_power_w`` | W | pack power, positive while discharging (if no V and I) |
| ``measured_soc_pct`` | % | state of charge |
| ``measured_heating_power_w`` | W | cabin heater's electric power |
| ``measured_aircon_power_w`` | W | A/C compressor's electric power |

Every cell of the first four columns holds a finite number; a ``measured_*`` cell may be empty
(not measured at that sample). A bad cell is reported with the file, its line and its column.

Metadata: a ``trips.yaml`` beside the log (the layout of bevsim's real-trip data set) with a
``trips:`` list whose entry has ``file: <log name>`` gives ``payload_kg`` (beyond the driver),
``cabin_setpoint_c``, ``soc_start_pct``, ``battery_temp_start_c``, ``season`` and ``weather``.
"""

from __future__ import annotations

import csv
import math
from datetime import datetime
from pathlib import Path

import numpy as np
import yaml

from bevsim.errors import did_you_mean
from bevsim.trips.model import KMH_PER_MPS, MEASURED_CHANNELS, Trip, TripError, TripMetadata

REQUIRED = ("time_s", "speed_kmh")
OPTIONAL = ("elevation_m", "ambient_temp_c")
RANGES = {
    "time_s": (0.0, 1e9),
    "speed_kmh": (0.0, 400.0),
    "elevation_m": (-500.0, 9000.0),
    "ambient_temp_c": (-60.0, 60.0),
    "measured_battery_voltage_v": (0.0, 2000.0),
    "measured_battery_current_a": (-3000.0, 3000.0),
    "measured_battery_power_w": (-2e6, 2e6),
    "measured_soc_pct": (0.0, 100.0),
    "measured_heating_power_w": (0.0, 30000.0),
    "measured_aircon_power_w": (0.0, 30000.0),
}
"""Accepted range of each column (a value outside is a logging or unit error)."""
METADATA_FILE = "trips.yaml"


def read_csv_rows(path: Path, what: str, empty_hint: str = "") -> tuple[list, list[str]]:
    """The non-blank rows of a CSV log as (line number, cells) and its stripped header; one
    TripError naming the file when it cannot be read or is empty."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            rows = list(csv.reader(handle))
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TripError(f"{path}: cannot read {what}: {exc}") from None
    numbered = [(n, row) for n, row in enumerate(rows, start=1) if any(c.strip() for c in row)]
    if not numbered:
        raise TripError(f"{path}: empty file{empty_hint}")
    return numbered, [cell.strip() for cell in numbered[0][1]]


def read_trip_csv(path: Path) -> Trip:
    """Read and validate a trip CSV in bevsim's trip format (see the module docstring)."""
    numbered, header = read_csv_rows(path, "trip log", "; expected a header 'time_s,speed_kmh,...'")
    _check_header(path, header)
    body = numbered[1:]
    if len(body) < 2:
        raise TripError(f"{path}: expected at least 2 samples, got {len(body)}")
    values = {name: np.full(len(body), np.nan) for name in header}
    for i, (line, row) in enumerate(body):
        if len(row) != len(header):
            raise TripError(
                f"{path}: line {line}: expected {len(header)} values ({','.join(header)}), "
                f"got {len(row)}"
            )
        for col, (name, text) in enumerate(zip(header, row, strict=True), start=1):
            values[name][i] = _cell(path, line, col, name, text)
    lines = [line for line, _ in body]
    check_time(path, values["time_s"], [f"line {n}" for n in lines])
    return Trip(
        name=path.stem,
        source=str(path),
        time_s=values["time_s"],
        speed_mps=values["speed_kmh"] / KMH_PER_MPS,
        elevation_m=values.get("elevation_m"),
        ambient_temp_c=values.get("ambient_temp_c"),
        measured={k: values[k] for k in MEASURED_CHANNELS if k in values},
        metadata=read_metadata(path),
        places=tuple(f"line {n}" for n in lines),
    )


def _check_header(path: Path, header: list[str]) -> None:
    allowed = (*REQUIRED, *OPTIONAL, *MEASURED_CHANNELS)
    for col, name in enumerate(header, start=1):
        if name not in allowed:
            raise TripError(
                f"{path}: line 1, column {col}: unknown column '{name}';"
                f"{did_you_mean(name, list(allowed))} expected time_s,speed_kmh and optionally "
                f"{', '.join((*OPTIONAL, *MEASURED_CHANNELS))}"
            )
    for name in REQUIRED:
        if name not in header:
            raise TripError(f"{path}: line 1: missing column '{name}' (got {','.join(header)})")
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise TripError(f"{path}: line 1: column '{dup}' appears twice")


def _cell(path: Path, line: int, col: int, name: str, text: str) -> float:
    """One cell as a number in its column's range; empty is NaN in a measured_* column."""
    text = text.strip()
    where = f"{path}: line {line}, column {col} ({name})"
    if not text and name.startswith("measured_"):
        return math.nan
    try:
        value = float(text)
    except ValueError:
        raise TripError(f"{where}: expected a number, got {text!r}") from None
    if not math.isfinite(value):
        raise TripError(f"{where}: expected a finite number, got {text!r}")
    lo, hi = RANGES[name]
    if not lo <= value <= hi:
        raise TripError(f"{where}: expected {lo:g}..{hi:g}, got {value:g}")
    return value


def check_time(path: Path | str, time_s: np.ndarray, places: list[str]) -> None:
    """Time must increase strictly from sample to sample."""
    for i in np.flatnonzero(np.diff(time_s) <= 0)[:1]:
        raise TripError(
            f"{path}: {places[i + 1]}: time: expected strictly increasing time, "
            f"got {time_s[i + 1]:g} s after {time_s[i]:g} s"
        )


def read_metadata(path: Path) -> TripMetadata:
    """The log's entry in a ``trips.yaml`` beside it, or empty metadata when there is none."""
    meta_path = path.parent / METADATA_FILE
    if not meta_path.is_file():
        return TripMetadata()
    try:
        data = yaml.safe_load(meta_path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise TripError(f"{meta_path}: cannot read trip metadata: {exc}") from None
    entries = data.get("trips") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise TripError(f"{meta_path}: trips: expected a list of trip entries")
    for k, entry in enumerate(entries):
        if isinstance(entry, dict) and entry.get("file") == path.name:
            return _metadata(meta_path, k, entry)
    return TripMetadata()


def _metadata(meta_path: Path, k: int, entry: dict) -> TripMetadata:
    fields = {
        "payload_kg": ("payload_kg", 0.0, 2000.0),
        "cabin_setpoint_c": ("cabin_setpoint_c", 10.0, 35.0),
        "start_soc_pct": ("soc_start_pct", 0.0, 100.0),
        "battery_temp_c": ("battery_temp_start_c", -40.0, 60.0),
    }
    values = {}
    for attr, (key, lo, hi) in fields.items():
        value = entry.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
            raise TripError(
                f"{meta_path}: trips.{k}.{key}: expected a number in {lo:g}..{hi:g}, got {value!r}"
            )
        values[attr] = float(value)
    texts = {key: entry.get(key) for key in ("season", "weather")}
    return TripMetadata(
        **values,
        **{k: None if v is None else str(v) for k, v in texts.items()},
        start_local=_start_local(meta_path, k, entry),
    )


def _start_local(meta_path: Path, k: int, entry: dict) -> datetime | None:
    """The trip's local start time from ``date`` and ``start_time_local``, if both are given."""
    date, clock = entry.get("date"), entry.get("start_time_local")
    if date is None or clock is None:
        return None
    try:
        return datetime.fromisoformat(f"{date}T{clock}")
    except (TypeError, ValueError):
        raise TripError(
            f"{meta_path}: trips.{k}.date / start_time_local: expected YYYY-MM-DD and HH:MM:SS, "
            f"got {date!r} and {clock!r}"
        ) from None
