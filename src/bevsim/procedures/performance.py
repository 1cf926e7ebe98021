"""Full-throttle performance: 0-100 km/h, 0-60 mph, 80-120 km/h, quarter mile, top speed and
gradeability at 0, 30 and 80 km/h, each with what limited it (the procedure behind
``bevsim perf``).

Test conditions: curb mass + a 75 kg driver (the EU "mass in running order" driver allowance,
Regulation (EU) 1230/2012; press tests use one driver), level dry road, 23 degC, cell
temperature soaked at ambient, pack at its soc_max (full). Times from a standing start with no
roll-out (some US magazines subtract a 1-ft roll-out, about 0.2-0.3 s). A limiter is the one
that held the tractive force down for most of the time of that interval.

With an electronic speed limiter (``drive.speed_limiter_kmh``) the top speed is the smaller of
the limit and the physical top speed (then "limited by: speed limiter"); the physical top speed
of the motor, pack and road-load envelopes is reported beside it (``top_speed_physical_kmh``).
An interval ending above the limit (e.g. 80-120 km/h with a 100 km/h limiter) and a grade at a
speed above it have no value (NaN), limited by "speed limiter".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bevsim.engine.facade import (
    PERFORMANCE_LIMITERS,
    PERFORMANCE_TRACE_COLUMNS,
    PERFORMANCE_TRACE_LENGTH,
    PERFORMANCE_VEHICLE_COLUMNS,
    SPEED_LIMITER,
    Conditions,
    compile_performance,
    launch,
    max_grade,
    max_road_speed_mps,
    refuse_outside_window,
    rested_pack_available_w,
    top_speed,
)
from bevsim.errors import BevsimError
from bevsim.procedures.finite import finite_results
from bevsim.spec import VehicleSpec, load_vehicles
from bevsim.units import KMH_PER_MPS

MPS_PER_MPH = 0.44704
QUARTER_MILE_M = 402.336
DRIVER_KG = 75.0
"""Test load [kg]: one driver (EU mass in running order counts 75 kg)."""
DEFAULT_DT_S = 0.01
MAX_LAUNCH_S = 60.0
GRADE_SPEEDS_KMH = (0, 30, 80)
TOP_SPEED_SCAN_STEP_MPS = 0.25


@dataclass(frozen=True)
class PerformanceResult:
    """Summary (one row per vehicle, units in column names) and the launch traces by vehicle."""

    summary: pd.DataFrame
    traces: dict[str, pd.DataFrame] = field(default_factory=dict)


def performance_test(
    vehicles: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
    load_kg: float = DRIVER_KG,
    initial_soc: float | None = None,
    ambient_temp_c: float = 23.0,
    dt_s: float = DEFAULT_DT_S,
) -> pd.DataFrame:
    """Acceleration times [s], quarter mile [s, km/h], top speed [km/h] (and the physical top
    speed without the speed limiter [km/h]) and the steepest grade [%] at 0, 30 and 80 km/h,
    each with a ``*_limited_by`` column; one row per vehicle.

    ``load_kg`` [kg] is added to curb mass (default: a 75 kg driver); ``initial_soc`` [-]
    defaults to the pack's soc_max; ``ambient_temp_c`` [degC] sets air density and the soaked
    cell temperature; ``dt_s`` [s] is the launch's time step.
    """
    return performance_run(vehicles, load_kg, initial_soc, ambient_temp_c, dt_s).summary


def performance_run(
    vehicles: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
    load_kg: float = DRIVER_KG,
    initial_soc: float | None = None,
    ambient_temp_c: float = 23.0,
    dt_s: float = DEFAULT_DT_S,
) -> PerformanceResult:
    """As performance_test, with the launch traces (time, speed, distance, limiter, powers)."""
    _check_options(load_kg, initial_soc, ambient_temp_c, dt_s)
    specs = load_vehicles(vehicles)
    for spec in specs:
        refuse_outside_window(spec, initial_soc)
    conditions = Conditions(  # full-throttle runs follow a warm-up drive: warmed-up tires
        added_mass_kg=load_kg,
        ambient_temp_c=ambient_temp_c,
        initial_soc=initial_soc,
        warm_tires=True,
    )
    rows, traces = [], {}
    for spec in specs:
        row, trace = _one_vehicle(spec, conditions, dt_s)
        rows.append(row)
        traces[spec.id] = trace
    summary = finite_results(pd.DataFrame(rows), "performance", UNDEFINED_WHEN_NOT_REACHED)
    return PerformanceResult(summary, traces)


UNDEFINED_WHEN_NOT_REACHED = (
    "accel_0_100_kmh_s",
    "accel_0_60_mph_s",
    "accel_80_120_kmh_s",
    "quarter_mile_s",
    "quarter_mile_trap_speed_kmh",
    *(f"grade_{speed_kmh}kmh_pct" for speed_kmh in GRADE_SPEEDS_KMH),
    "speed_limiter_kmh",
)
"""Columns that are NaN where a speed, distance or grade is not reached (or, for the limiter,
where there is none): "no value", not a failed computation."""


def _check_options(load_kg, initial_soc, ambient_temp_c, dt_s) -> None:
    if not (math.isfinite(load_kg) and 0.0 <= load_kg <= 2000.0):
        raise BevsimError(f"load_kg: expected 0 to 2000 kg, got {load_kg}")
    if initial_soc is not None and not (0.0 < initial_soc <= 1.0):
        raise BevsimError(f"initial_soc: expected a fraction in (0, 1], got {initial_soc}")
    if not (math.isfinite(ambient_temp_c) and -40.0 <= ambient_temp_c <= 60.0):
        raise BevsimError(f"ambient_temp_c: expected -40 to 60 degC, got {ambient_temp_c}")
    if not (math.isfinite(dt_s) and 1e-4 <= dt_s <= 0.1):
        raise BevsimError(f"dt_s: expected 0.0001 to 0.1 s, got {dt_s}")


def _one_vehicle(spec: VehicleSpec, conditions: Conditions, dt_s: float):
    setup = compile_performance(spec, conditions)
    out = np.zeros((int(MAX_LAUNCH_S / dt_s) + 2, PERFORMANCE_TRACE_LENGTH))
    n = launch(
        setup.vehicle,
        setup.motors,
        setup.loss_maps,
        setup.pack_row,
        setup.tables,
        setup.initial_soc,
        dt_s,
        120.0 / KMH_PER_MPS,
        QUARTER_MILE_M,
        MAX_LAUNCH_S,
        out,
    )
    trace = pd.DataFrame(out[:n], columns=PERFORMANCE_TRACE_COLUMNS)
    col = {name: setup.vehicle[i] for i, name in enumerate(PERFORMANCE_VEHICLE_COLUMNS)}
    v_limit = col["speed_limit_mps"]
    row: dict[str, object] = {
        "vehicle_id": spec.id,
        "vehicle": spec.name,
        "test_mass_kg": float(setup.vehicle[PERFORMANCE_VEHICLE_COLUMNS.index("mass_kg")]),
        "start_soc": setup.initial_soc,
    }
    for name, v_from, v_to in (
        ("accel_0_100_kmh", 0.0, 100.0 / KMH_PER_MPS),
        ("accel_0_60_mph", 0.0, 60.0 * MPS_PER_MPH),
        ("accel_80_120_kmh", 80.0 / KMH_PER_MPS, 120.0 / KMH_PER_MPS),
    ):
        if v_to > v_limit:
            row[f"{name}_s"] = math.nan
            row[f"{name}_limited_by"] = PERFORMANCE_LIMITERS[SPEED_LIMITER]
            continue
        t0 = _time_at(trace, "speed_mps", v_from) if v_from > 0 else 0.0
        t1 = _time_at(trace, "speed_mps", v_to)
        row[f"{name}_s"] = t1 - t0
        row[f"{name}_limited_by"] = _main_limiter(trace, t0, t1)
    t_qm = _time_at(trace, "distance_m", QUARTER_MILE_M)
    row["quarter_mile_s"] = t_qm
    row["quarter_mile_trap_speed_kmh"] = (
        float(np.interp(t_qm, trace["time_s"], trace["speed_mps"])) * KMH_PER_MPS
        if math.isfinite(t_qm)
        else math.nan
    )
    row["quarter_mile_limited_by"] = _main_limiter(trace, 0.0, t_qm)
    p_avail = rested_pack_available_w(
        setup.vehicle, setup.pack_row, setup.tables, setup.initial_soc
    )
    v_cap = max_road_speed_mps(setup)
    v_top, limiter = top_speed(
        setup.vehicle, setup.motors, setup.loss_maps, p_avail, v_cap, TOP_SPEED_SCAN_STEP_MPS
    )
    row["top_speed_kmh"] = min(v_top, v_limit) * KMH_PER_MPS
    row["top_speed_limited_by"] = PERFORMANCE_LIMITERS[
        SPEED_LIMITER if v_limit < v_top else limiter
    ]
    row["top_speed_physical_kmh"] = v_top * KMH_PER_MPS
    row["top_speed_physical_limited_by"] = PERFORMANCE_LIMITERS[limiter]
    row["speed_limiter_kmh"] = spec.drive.speed_limiter_kmh
    for speed_kmh in GRADE_SPEEDS_KMH:
        angle, limiter = max_grade(
            setup.vehicle, setup.motors, setup.loss_maps, p_avail, speed_kmh / KMH_PER_MPS
        )
        row[f"grade_{speed_kmh}kmh_pct"] = 100.0 * math.tan(angle) if angle >= 0 else math.nan
        row[f"grade_{speed_kmh}kmh_limited_by"] = PERFORMANCE_LIMITERS[limiter]
    trace["speed_kmh"] = trace["speed_mps"] * KMH_PER_MPS
    trace["limiter"] = [PERFORMANCE_LIMITERS[int(code)] for code in trace["limiter"]]
    return row, trace


def _time_at(trace: pd.DataFrame, column: str, value: float) -> float:
    """First time [s] the (non-decreasing) column reaches value, interpolated; NaN if never."""
    series = trace[column].to_numpy()
    hit = np.flatnonzero(series >= value)
    if len(hit) == 0:
        return math.nan
    k = int(hit[0])
    if k == 0:
        return float(trace["time_s"].iloc[0])
    t = trace["time_s"].to_numpy()
    x0, x1 = series[k - 1], series[k]
    return float(t[k - 1] + (t[k] - t[k - 1]) * (value - x0) / (x1 - x0))


def _main_limiter(trace: pd.DataFrame, t0: float, t1: float) -> str | None:
    """The limiter that held for the most time steps between t0 and t1 [s]."""
    if not (math.isfinite(t0) and math.isfinite(t1)):
        return None
    t = trace["time_s"].to_numpy()
    codes = trace["limiter"].to_numpy().astype(int)[(t >= t0) & (t < t1)]
    if len(codes) == 0:
        return None
    return PERFORMANCE_LIMITERS[
        int(np.bincount(codes, minlength=len(PERFORMANCE_LIMITERS)).argmax())
    ]
