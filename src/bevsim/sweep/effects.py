"""Refuse a sweep that would not vary what it says: every varied field must change a result.

Before a sweep runs, each axis is probed at its two ends (or, for a single value, against the
base car) with the other fields at their base values, through the sweep's own procedures. A
field whose ends give identical results in every procedure is one the model does not read for
this car and these procedures (for example the drag coefficient of a car with coast-down
coefficients, or a charging field in a range test): the sweep is refused with the reason. A
field that changes the results of some procedures only is reported in a note.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd

from bevsim.sweep.executors import INPUT_COLUMNS, run_chunk
from bevsim.sweep.variants import Axis, SweepError, VariantSpace

_MISSING = object()
_UNUSED_WHY = (
    (
        r"^(charging\.|accessories\.charging_)",
        "charging fields are read by the charge procedures only",
    ),
    (
        r"^(chassis\.|drive\.speed_limiter_kmh$)",
        "read by the performance procedures (on a drive cycle only where traction limits)",
    ),
    (
        r"^thermal\.",
        "read when the HVAC, pack heater or chiller runs: winter and charge procedures",
    ),
)
_BASE_POWER_REPLACES = ("accessories.low_voltage_load_w", "accessories.thermal_pumps_w")
_ROAD_LOAD_REPLACES = (
    "body.drag_coefficient",
    "body.frontal_area_m2",
    "drive.driveline_efficiency",
)


def check_effects(space: VariantSpace, procedures: Sequence[str]) -> tuple[str, ...]:
    """Raise a SweepError for an axis that changes no result of any procedure; return notes
    for axes that change the results of some procedures only."""
    pairs = {axis.path: _probe_pair(space, axis) for axis in space.axes}
    pairs = {path: pair for path, pair in pairs.items() if pair is not None}
    if not pairs:
        return ()
    variants = [variant for pair in pairs.values() for variant in pair]
    frames = {name: run_chunk(variants, name) for name in procedures}
    notes = []
    for index, axis in enumerate(a for a in space.axes if a.path in pairs):
        still = [name for name, f in frames.items() if _same(f, 2 * index, 2 * index + 1)]
        if len(still) == len(procedures):
            raise SweepError(
                f"--vary {axis.path}={axis.text}: changes no result of {', '.join(still)}, so "
                f"the sweep would give identical rows ({_why(space.base, axis.path)})"
            )
        if still:
            moved = [name for name in procedures if name not in still]
            notes.append(
                f"--vary {axis.path}: changes no result of {', '.join(still)} "
                f"(only of {', '.join(moved)})"
            )
    return tuple(notes)


def _probe_pair(space: VariantSpace, axis: Axis) -> tuple[dict, dict] | None:
    """Two variants that differ in this axis only, or None when the axis holds one value equal
    to the base car's."""
    if axis.values is None:
        ends = [axis.low, axis.high]
        if axis.kind == "int":
            ends = [int(v) for v in ends]  # type: ignore[arg-type]
    else:
        ends = [axis.values[0], axis.values[-1]]
    if ends[0] != ends[-1]:
        return space.variant_one(axis.path, ends[0]), space.variant_one(axis.path, ends[-1])
    if _lookup(space.base, axis.path) == ends[0]:
        return None
    return space.variant_one(axis.path, ends[0]), space._followed(space.base)


def _same(frame: pd.DataFrame, i: int, j: int) -> bool:
    """True when rows i and j have equal results (and neither failed)."""
    if frame["error"].iloc[i] is not None or frame["error"].iloc[j] is not None:
        return False
    columns = [c for c in frame.columns if c not in INPUT_COLUMNS and c != "error"]
    a, b = frame[columns].iloc[i], frame[columns].iloc[j]
    return bool(((a == b) | (a.isna() & b.isna())).all())


def _why(base: dict[str, Any], path: str) -> str:
    if path in _ROAD_LOAD_REPLACES and base.get("road_load"):
        return "the car's road_load coast-down coefficients replace it"
    if path in _BASE_POWER_REPLACES and _lookup(base, "accessories.base_power_w") not in (
        None,
        _MISSING,
    ):
        return "the car's accessories.base_power_w replaces the driving load's components"
    for pattern, why in _UNUSED_WHY:
        if re.search(pattern, path):
            return why
    return "the model does not read this field for this car and these procedures"


def _lookup(data: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        elif isinstance(data, dict) and part in data:
            data = data[part]
        else:
            return _MISSING
    return data
