"""The Cycle type, the built-in cycle library and CSV reading with validation.

A cycle CSV has a header ``time_s,speed_kmh`` and optionally ``grade_pct`` or ``elevation_m``.
Rules (each violation raises CycleError naming the file, the line and the column): at most
MAX_CYCLE_FILE_BYTES, numbers only, no NaN or inf, time strictly increasing from >= 0,
time at most MAX_TIME_S, speed >= 0 and <= 400 km/h, no gap between samples longer than
MAX_GAP_S, grade within +-40 %, elevation within ELEVATION_RANGE_M.
Messages never quote a file whose header is not a cycle header.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np

from bevsim.errors import CycleError, did_you_mean, shown_value
from bevsim.files import read_bounded_text
from bevsim.units import KMH_PER_MPS

MAX_GAP_S = 10.0
"""Longest allowed gap between samples [s]; regulatory cycles are 1 Hz, and a longer gap in a
user file is almost always a missing block rather than a constant-speed stretch."""
MAX_SPEED_KMH = 400.0
MAX_CYCLE_FILE_BYTES = 20_000_000
"""Largest cycle CSV read [bytes]: a 10 Hz log of a 24-hour drive (864 000 rows of about
20 bytes) is 17 MB."""
_COLUMN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,31}")
MAX_GRADE_PCT = 40.0
MAX_TIME_S = 86_400.0
"""Latest sample time [s]: 24 h, far beyond any test cycle (regulatory cycles run 10-40 min)
yet bounding the work and memory of a run (steps x trace columns)."""
ELEVATION_RANGE_M = (-500.0, 9000.0)
"""Road elevation [m]: the lowest road (Dead Sea shore, about -430 m) to above the highest
(about 5800 m in the Himalaya)."""

BUILTIN_FILES = {
    "cltc-p": ("cltc_p.csv", "China light-duty test cycle, passenger cars (GB/T 38146.1-2019)"),
    "wltc-3b": ("wltc_3b.csv", "WLTC class 3b (UN GTR 15)"),
    "wltc-3a": ("wltc_3a.csv", "WLTC class 3a (UN GTR 15)"),
    "udds": ("udds.csv", "EPA Urban Dynamometer Driving Schedule (FTP-72 / LA4)"),
    "hwfet": ("hwfet.csv", "EPA Highway Fuel Economy Test"),
    "us06": ("us06.csv", "EPA US06 supplemental FTP"),
    "sc03": ("sc03.csv", "EPA SC03 (air-conditioning) schedule"),
    "ftp75": ("ftp75.csv", "EPA FTP-75 (UDDS + hot-start bag 3)"),
    "nedc": ("nedc.csv", "NEDC (UN R83; 4 x ECE-15 + EUDC)"),
}
ALIASES = {"cltc": "cltc-p", "wltc": "wltc-3b", "wltp": "wltc-3b", "ftp-75": "ftp75", "la4": "udds"}


@dataclass(frozen=True)
class Cycle:
    """A speed trace [m/s] over time [s] with road grade [rise/run] per sample and, for a
    logged trip, the ambient temperature [degC] per sample (None: the run's constant one)."""

    name: str
    time_s: np.ndarray
    speed_mps: np.ndarray
    grade: np.ndarray
    source: str = ""
    description: str = field(default="", compare=False)
    ambient_temp_c: np.ndarray | None = field(default=None, compare=False)

    @property
    def duration_s(self) -> float:
        """Cycle duration [s]."""
        return float(self.time_s[-1] - self.time_s[0])

    @property
    def distance_m(self) -> float:
        """Distance of the trace [m], trapezoid rule."""
        return float(np.trapezoid(self.speed_mps, self.time_s))

    def cumulative_distance_m(self) -> np.ndarray:
        """Distance driven up to each sample [m] (trapezoid rule)."""
        return cumulative_distance_m(self.time_s, self.speed_mps)

    @property
    def max_speed_mps(self) -> float:
        """Highest speed of the trace [m/s]."""
        return float(self.speed_mps.max())

    def resampled(self, dt_s: float = 1.0) -> Cycle:
        """The cycle on a uniform time grid of step ``dt_s`` [s] (linear interpolation)."""
        if dt_s <= 0:
            raise CycleError(f"{self.name}: time step must be > 0 s, got {dt_s}")
        n = int(math.floor(self.duration_s / dt_s + 1e-9)) + 1
        time_s = self.time_s[0] + dt_s * np.arange(n)
        if n == len(self.time_s) and np.allclose(time_s, self.time_s):
            return self
        return Cycle(
            name=self.name,
            time_s=time_s,
            speed_mps=np.interp(time_s, self.time_s, self.speed_mps),
            grade=np.interp(time_s, self.time_s, self.grade),
            source=self.source,
            description=self.description,
            ambient_temp_c=None
            if self.ambient_temp_c is None
            else np.interp(time_s, self.time_s, self.ambient_temp_c),
        )

    def repeated(self, times: int) -> Cycle:
        """The cycle driven ``times`` times back to back (shared end/start sample merged)."""
        if times < 1:
            raise CycleError(f"{self.name}: repeat count must be >= 1, got {times}")
        step = self.time_s[1:] - self.time_s[0]
        time_s = [self.time_s]
        for k in range(1, times):
            time_s.append(self.time_s[-1] + (k - 1) * self.duration_s + step)
        speed = [self.speed_mps] + [self.speed_mps[1:]] * (times - 1)
        grade = [self.grade] + [self.grade[1:]] * (times - 1)
        ambient = self.ambient_temp_c
        return Cycle(
            name=f"{self.name} x{times}",
            time_s=np.concatenate(time_s),
            speed_mps=np.concatenate(speed),
            grade=np.concatenate(grade),
            source=self.source,
            description=self.description,
            ambient_temp_c=None
            if ambient is None
            else np.concatenate([ambient] + [ambient[1:]] * (times - 1)),
        )


def cumulative_distance_m(time_s: np.ndarray, speed_mps: np.ndarray) -> np.ndarray:
    """Distance driven up to each sample [m] of a speed trace [m/s] over time [s] (trapezoid
    rule), 0 at the first."""
    steps = 0.5 * (speed_mps[1:] + speed_mps[:-1]) * np.diff(time_s)
    return np.concatenate([[0.0], np.cumsum(steps)])


def list_cycles() -> dict[str, str]:
    """Built-in cycle names and their descriptions."""
    return {name: desc for name, (_, desc) in BUILTIN_FILES.items()}


def load_cycle(name_or_path: str | Path) -> Cycle:
    """A built-in cycle by name (e.g. ``cltc-p``) or a user CSV by path."""
    text = str(name_or_path)
    key = ALIASES.get(text.lower(), text.lower())
    if key in BUILTIN_FILES:
        return _load_builtin(key)
    path = Path(text)
    if path.suffix.lower() == ".csv" or path.exists():
        if not path.is_file():
            raise CycleError(f"{path}: cycle file not found")
        return read_cycle_csv(path)
    known = sorted(BUILTIN_FILES)
    raise CycleError(
        f"unknown cycle '{text}';{did_you_mean(key, known + sorted(ALIASES))} "
        f"known: {', '.join(known)} (or a path to a time_s,speed_kmh CSV)"
    )


@cache
def _load_builtin(key: str) -> Cycle:
    filename, description = BUILTIN_FILES[key]
    ref = resources.files("bevsim.cycles") / "data" / filename
    with resources.as_file(ref) as path:
        cycle = read_cycle_csv(path, name=key)
    return Cycle(cycle.name, cycle.time_s, cycle.speed_mps, cycle.grade, cycle.source, description)


def read_cycle_csv(path: Path, name: str | None = None) -> Cycle:
    """Read and validate a cycle CSV (see the module docstring for the rules)."""
    text = read_bounded_text(path, "cycle file", CycleError, MAX_CYCLE_FILE_BYTES, "utf-8-sig")
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error:
        raise CycleError(f"{path}: cannot read cycle file: not a CSV file") from None
    rows = [row for row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise CycleError(f"{path}: empty file; expected a header 'time_s,speed_kmh'")
    header = [cell.strip() for cell in rows[0]]
    columns = _check_header(path, header)
    values = {col: np.empty(len(rows) - 1) for col in columns}
    for line_no, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise CycleError(
                f"{path}: line {line_no}: expected {len(header)} values ({','.join(header)}), "
                f"got {len(row)}"
            )
        for col, index in columns.items():
            values[col][line_no - 2] = _number(path, line_no, col, row[index])
    time_s, speed_kmh = values["time_s"], values["speed_kmh"]
    _check_trace(path, time_s, speed_kmh)
    grade = _grade(path, values, time_s, speed_kmh / KMH_PER_MPS)
    return Cycle(
        name=name or path.stem,
        time_s=time_s,
        speed_mps=speed_kmh / KMH_PER_MPS,
        grade=grade,
        source=str(path),
    )


def _check_header(path: Path, header: list[str]) -> dict[str, int]:
    allowed = {"time_s", "speed_kmh", "grade_pct", "elevation_m"}
    unknown = [col for col in header if col not in allowed]
    if unknown:
        hint = did_you_mean(unknown[0], sorted(allowed))
        # A near-miss column name is quoted; anything else is content of a file that is not
        # a cycle CSV, and is never echoed.
        named = f"'{unknown[0]}'" if hint and _COLUMN_NAME.fullmatch(unknown[0]) else ""
        where = named or f"{header.index(unknown[0]) + 1} (not a cycle CSV header)"
        raise CycleError(
            f"{path}: header: unknown column {where};{hint} expected time_s,speed_kmh"
            " and optionally grade_pct or elevation_m"
        )
    for required in ("time_s", "speed_kmh"):
        if required not in header:
            raise CycleError(f"{path}: header: missing column '{required}'")
    if "grade_pct" in header and "elevation_m" in header:
        raise CycleError(f"{path}: header: give grade_pct or elevation_m, not both")
    if len(set(header)) != len(header):
        raise CycleError(f"{path}: header: duplicate column in {header}")
    return {col: header.index(col) for col in header}


def _number(path: Path, line_no: int, col: str, text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise CycleError(
            f"{path}: line {line_no}: {col}: expected a number, got {shown_value(text)}"
        ) from None
    if not math.isfinite(value):
        raise CycleError(
            f"{path}: line {line_no}: {col}: not a finite number, got {shown_value(text)}"
        )
    return value


def _check_trace(path: Path, time_s: np.ndarray, speed_kmh: np.ndarray) -> None:
    if len(time_s) < 2:
        raise CycleError(f"{path}: expected at least 2 samples, got {len(time_s)}")
    if time_s[0] < 0:
        raise CycleError(f"{path}: line 2: time_s: expected >= 0, got {time_s[0]}")
    for i in np.flatnonzero(time_s > MAX_TIME_S)[:1]:
        raise CycleError(
            f"{path}: line {int(i) + 2}: time_s: expected at most {MAX_TIME_S:g} s (24 h), "
            f"got {time_s[i]:g}"
        )
    steps = np.diff(time_s)
    bad = np.flatnonzero(steps <= 0)
    if bad.size:
        i = int(bad[0]) + 1
        raise CycleError(
            f"{path}: line {i + 2}: time_s: expected strictly increasing time, "
            f"got {time_s[i]} after {time_s[i - 1]}"
        )
    gap = np.flatnonzero(steps > MAX_GAP_S)
    if gap.size:
        i = int(gap[0]) + 1
        raise CycleError(
            f"{path}: line {i + 2}: time_s: gap of {steps[i - 1]:g} s after t={time_s[i - 1]:g} s; "
            f"expected samples at most {MAX_GAP_S:g} s apart"
        )
    for i in np.flatnonzero((speed_kmh < 0) | (speed_kmh > MAX_SPEED_KMH))[:1]:
        raise CycleError(
            f"{path}: line {int(i) + 2}: speed_kmh: expected 0..{MAX_SPEED_KMH:g} km/h, "
            f"got {speed_kmh[i]:g}"
        )


def _grade(path: Path, values: dict, time_s: np.ndarray, speed_mps: np.ndarray) -> np.ndarray:
    """Grade [rise/run] per sample from grade_pct, or from elevation over travelled distance."""
    if "grade_pct" in values:
        column, line_offset = "grade_pct", 2  # grade[i] is sample i, on line i + 2
        grade = values["grade_pct"] / 100.0
    elif "elevation_m" in values:
        column, line_offset = "elevation_m", 3  # grade[i] is the rise from line i + 2 to i + 3
        low, high = ELEVATION_RANGE_M
        for i in np.flatnonzero((values["elevation_m"] < low) | (values["elevation_m"] > high))[:1]:
            raise CycleError(
                f"{path}: line {int(i) + 2}: elevation_m: expected {low:g} to {high:g} m, "
                f"got {values['elevation_m'][i]:g}"
            )
        distance_m = cumulative_distance_m(time_s, speed_mps)
        rise = np.diff(values["elevation_m"])
        run = np.diff(distance_m)
        with np.errstate(divide="ignore", invalid="ignore"):
            seg = np.where(run > 1e-6, rise / np.where(run > 1e-6, run, 1.0), 0.0)
        stationary = (run <= 1e-6) & (np.abs(rise) > 1e-6)
        for i in np.flatnonzero(stationary)[:1]:
            raise CycleError(
                f"{path}: line {int(i) + 3}: elevation_m: elevation changes by {rise[i]:g} m "
                "while the car is stationary"
            )
        grade = np.concatenate([seg, seg[-1:]])
    else:
        return np.zeros_like(time_s)
    for i in np.flatnonzero(np.abs(grade) > MAX_GRADE_PCT / 100.0)[:1]:
        raise CycleError(
            f"{path}: line {int(i) + line_offset}: {column}: expected a grade within "
            f"+-{MAX_GRADE_PCT:g} %, got {grade[i] * 100:.1f} %"
        )
    return grade
