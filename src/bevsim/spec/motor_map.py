"""Motor efficiency maps: CSV files over speed and torque, validated at the edge.

A map CSV has the header ``speed_fraction,torque_fraction,efficiency`` (normalised to the motor's
max speed and peak torque) or ``speed_rpm,torque_nm,efficiency`` (absolute), one row per point of
a complete rectangular grid; ``#`` lines are comments. Efficiency is that of the drive unit
(motor + inverter), in (0, 1]. Rows with negative torque give the generating quadrant
(electrical = mechanical x efficiency); a map with torque >= 0 only is mirrored for generating.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from bevsim.errors import SpecError
from bevsim.files import read_bounded_text

DEFAULT_MAP = "pmsm-sic"
BUILT_IN_MAPS = ("pmsm-sic", "pmsm-igbt", "induction-sic", "induction-igbt")
"""Built-in maps, named machine-inverter: a PMSM (tools/make_default_motor_map.py) or an
induction machine (tools/make_induction_motor_map.py), with a SiC MOSFET or a silicon IGBT
inverter (twice the inverter losses)."""
MAP_MACHINE = {"pmsm": "pmsm", "eesm": "pmsm", "induction": "induction"}
"""The built-in map of each machine technology: an EESM runs on the PMSM's map, scaled
(bevsim.spec.drive_unit.TECHNOLOGY_LOSS_FACTOR)."""
DEFAULT_MAP_CORNER_TO_PEAK_POWER = 3.3
"""The built-in map's losses are per unit of (peak torque x max speed) of a motor whose corner
product is 3.3 x its peak power (tools/make_default_motor_map.py). Applied to another motor,
they scale with its peak power: losses = per-unit loss x 3.3 x peak power, the usual way of
scaling one map to other ratings (ADVISOR, FASTSim: efficiency against fraction of rated
power). A map from a CSV is exact for its motor: its losses scale with its own corner."""
MAX_MAP_FILE_BYTES = 1_000_000
"""Largest map CSV read [bytes]: a 200 x 200 grid of three numbers per row is about 0.8 MB."""
MAP_AXIS_LIMITS = {False: (2.0, 2.0), True: (40_000.0, 10_000.0)}
"""Largest map axis values: fractions up to 2 (a map may extend past the rating), and absolute
speed and torque up to the vehicle file's own limits (max_speed_rpm 40000, torque 10000 N m)."""
_HEADERS_FRACTION = ("speed_fraction", "torque_fraction")
_HEADERS = {
    ("speed_fraction", "torque_fraction", "efficiency"): False,
    ("speed_rpm", "torque_nm", "efficiency"): True,
}


@dataclass(frozen=True)
class EfficiencyMap:
    """Drive-unit efficiency [-] on a grid of speed and torque (fractions, or rpm and N m)."""

    speed: np.ndarray
    torque: np.ndarray
    efficiency: np.ndarray  # shape (len(speed), len(torque)); torque < 0 is generating
    absolute: bool
    source: str

    def normalised(self, max_speed_rpm: float, peak_torque_nm: float) -> EfficiencyMap:
        """The map with axes as fractions of the given max speed [rpm] and peak torque [N m]."""
        if not self.absolute:
            return self
        return EfficiencyMap(
            self.speed / max_speed_rpm,
            self.torque / peak_torque_nm,
            self.efficiency,
            False,
            self.source,
        )


def loss_scale_w(map_path: str | None, peak_power_w: float, corner_w: float) -> float:
    """Watts per unit of the map's per-unit loss: see DEFAULT_MAP_CORNER_TO_PEAK_POWER."""
    return DEFAULT_MAP_CORNER_TO_PEAK_POWER * peak_power_w if map_path is None else corner_w


def built_in_map_name(machine: str = "pmsm", inverter: str = "sic") -> str:
    """The built-in map of a ``machine`` technology ('pmsm', 'induction', 'eesm') with an
    ``inverter`` semiconductor ('sic' or 'igbt'), e.g. 'induction-igbt'."""
    return f"{MAP_MACHINE[machine]}-{inverter}"


def load_efficiency_map(
    path: str | Path | None, inverter: str = "sic", machine: str = "pmsm"
) -> EfficiencyMap:
    """A map CSV by path, or (``None``) the built-in map of the ``machine`` technology with the
    ``inverter`` semiconductor (see :func:`built_in_map_name`)."""
    if path is None:
        return load_built_in_map(built_in_map_name(machine, inverter))
    return _read_map(str(path))


def load_built_in_map(name: str) -> EfficiencyMap:
    """A built-in map by its name (one of BUILT_IN_MAPS, e.g. 'induction-igbt')."""
    return _read_map(_builtin_map_path(name))


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=8)
def _builtin_map_path(name: str = DEFAULT_MAP) -> str:
    ref = resources.files("bevsim.spec") / "data" / "motor_maps" / f"{name}.csv"
    with resources.as_file(ref) as builtin:
        return str(builtin)


@lru_cache(maxsize=64)
def _read_map(path: str) -> EfficiencyMap:
    """Read and check one map CSV; messages name the file, line and rule, never its content."""
    text = read_bounded_text(Path(path), "efficiency map", SpecError, MAX_MAP_FILE_BYTES)
    try:
        lines = list(enumerate(csv.reader(io.StringIO(text, newline="")), start=1))
    except csv.Error:
        raise SpecError(f"{path}: cannot read efficiency map: not a CSV file") from None
    rows = [(n, r) for n, r in lines if r and not r[0].lstrip().startswith("#")]
    if not rows:
        raise SpecError(f"{path}: empty efficiency map")
    header = tuple(c.strip() for c in rows[0][1])
    if header not in _HEADERS:
        expected = " or ".join(",".join(h) for h in _HEADERS)
        raise SpecError(
            f"{path}: line {rows[0][0]}: header: expected {expected} (not an efficiency map)"
        )
    for line_no, row in rows[1:]:
        if len(row) != 3:
            raise SpecError(f"{path}: line {line_no}: expected 3 values per row, got {len(row)}")
    try:
        data = np.array([[float(c) for c in r] for _, r in rows[1:]], dtype=float)
    except ValueError:
        bad = next(n for n, r in rows[1:] if not all(_is_number(c) for c in r))
        raise SpecError(f"{path}: line {bad}: expected numbers in every row") from None
    if data.ndim != 2 or data.shape[1] != 3 or not np.all(np.isfinite(data)):
        raise SpecError(f"{path}: expected 3 finite numbers per row")
    speed, torque = np.unique(data[:, 0]), np.unique(data[:, 1])
    if len(speed) < 2 or len(torque) < 2 or len(data) != len(speed) * len(torque):
        raise SpecError(
            f"{path}: expected a complete grid (every speed with every torque), got "
            f"{len(data)} rows for {len(speed)} speeds x {len(torque)} torques"
        )
    if np.any(speed < 0):
        raise SpecError(f"{path}: speed must be >= 0")
    speed_max, torque_max = MAP_AXIS_LIMITS[_HEADERS[header]]
    if speed.max() > speed_max or np.abs(torque).max() > torque_max:
        names = ("speed_rpm", "torque_nm") if _HEADERS[header] else _HEADERS_FRACTION
        raise SpecError(
            f"{path}: expected {names[0]} within 0..{speed_max:g} and |{names[1]}| at most "
            f"{torque_max:g}"
        )
    if torque.max() <= 0:
        raise SpecError(f"{path}: expected motoring points (torque > 0)")
    eff = np.full((len(speed), len(torque)), np.nan)
    eff[np.searchsorted(speed, data[:, 0]), np.searchsorted(torque, data[:, 1])] = data[:, 2]
    if np.any(np.isnan(eff)):
        raise SpecError(f"{path}: duplicate grid points; expected each (speed, torque) once")
    if np.any((eff <= 0) | (eff > 1)):
        raise SpecError(f"{path}: efficiency: expected values in (0, 1]")
    return EfficiencyMap(speed, torque, eff, _HEADERS[header], path)
