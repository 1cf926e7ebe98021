"""Validation of full-throttle performance against published figures: 0-100 km/h or 0-60 mph
within +-10 %, top speed within +-5 % (issue 5), from a reference set such as
``tests/data/reference/official/vehicles.yaml`` (keys accel_0_100_kmh_s, accel_0_60_mph_s,
top_speed_kmh of each vehicle). Each car is run from its own vehicle file in the shipped library
(or ``<vehicle_dir>/<id>.yaml``), built from its specification only.

Top speed of a car with an electronic speed limiter (``drive.speed_limiter_kmh``, set only
where a source says the published top speed is such a limit): the limiter's value is the
published top speed, so comparing bevsim's reported top speed with it alone would be circular.
The check is therefore two-fold, and both parts must hold:

(a) the reported top speed, min(physical top speed, limiter), is within +-5 % of the published
    figure (it is, by construction, unless the car cannot reach its limit), and
(b) the physical top speed from the motor, gear, pack and road-load envelopes, without the
    limiter, is at least the limiter's speed: the car can actually reach its limit.

A car whose physical top speed falls short of its limiter is a real miss. Part (b) is only as
independent as the envelope inputs: a motor max speed or gear ratio that is a class-typical
guess makes it a plausibility check, not a measurement.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from bevsim.procedures.performance import performance_test
from bevsim.validation.reference import load_reference, vehicle_refs

FIGURES = {  # reference key -> (bevsim column, unit, tolerance)
    "accel_0_100_kmh_s": ("accel_0_100_kmh_s", "s", 0.10),
    "accel_0_60_mph_s": ("accel_0_60_mph_s", "s", 0.10),
    "top_speed_kmh": ("top_speed_kmh", "km/h", 0.05),
}

LIMITER_COLUMNS = {
    "accel_0_100_kmh_s": "accel_0_100_kmh_limited_by",
    "accel_0_60_mph_s": "accel_0_60_mph_limited_by",
    "top_speed_kmh": "top_speed_limited_by",
}


def performance_validation_table(
    reference_path: str | Path, vehicle_dir: str | Path | None = None
) -> pd.DataFrame:
    """Official figure, bevsim's prediction, its limiter and the error, per published figure.

    Top-speed rows also carry the physical top speed [km/h] and its limiter, the car's speed
    limiter [km/h] (NaN without one) and ``reaches_limiter`` (check (b) of the module notes;
    None without a limiter); ``within_tolerance`` is (a) and, with a limiter, (b). Cars from the
    library unless vehicle_dir is given (see reference.vehicle_refs).
    """
    wanted = [
        (v["id"], key, v[key])
        for v in load_reference(reference_path)
        for key in FIGURES
        if v.get(key) is not None
    ]
    ids = sorted({vid for vid, _, _ in wanted})
    results = performance_test(vehicle_refs(ids, vehicle_dir))
    results = results.set_index("vehicle_id")
    rows = []
    for vid, key, official in wanted:
        column, unit, tolerance = FIGURES[key]
        car = results.loc[vid]
        predicted = float(car[column])
        error = 100.0 * (predicted / official - 1.0)
        within = abs(error) <= 100.0 * tolerance
        row = {
            "vehicle_id": vid,
            "figure": key,
            "unit": unit,
            "official": float(official),
            "bevsim": predicted,
            "limited_by": car[LIMITER_COLUMNS[key]],
            "error_pct": error,
            "tolerance_pct": 100.0 * tolerance,
            "physical_kmh": math.nan,
            "physical_limited_by": None,
            "speed_limiter_kmh": math.nan,
            "reaches_limiter": None,
        }
        if key == "top_speed_kmh":
            row["physical_kmh"] = float(car["top_speed_physical_kmh"])
            row["physical_limited_by"] = car["top_speed_physical_limited_by"]
            limiter_kmh = car["speed_limiter_kmh"]
            if limiter_kmh is not None and math.isfinite(limiter_kmh):
                row["speed_limiter_kmh"] = float(limiter_kmh)
                row["reaches_limiter"] = row["physical_kmh"] >= float(limiter_kmh)
                within = within and row["reaches_limiter"]
        row["within_tolerance"] = within
        rows.append(row)
    return pd.DataFrame(rows)
