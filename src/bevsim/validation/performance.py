"""Validation of full-throttle performance against published figures: 0-100 km/h or 0-60 mph
within +-10 %, top speed within +-5 % (issue 5), from a reference set such as
``tests/data/reference/official/vehicles.yaml`` (keys accel_0_100_kmh_s, accel_0_60_mph_s,
top_speed_kmh of each vehicle). Each car is run from its own vehicle file, built from its
specification only.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bevsim.procedures.performance import performance_test
from bevsim.validation.reference import load_reference

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
    reference_path: str | Path, vehicle_dir: str | Path
) -> pd.DataFrame:
    """Official figure, bevsim's prediction, its limiter and the error, per published figure."""
    wanted = [
        (v["id"], key, v[key])
        for v in load_reference(reference_path)
        for key in FIGURES
        if v.get(key) is not None
    ]
    ids = sorted({vid for vid, _, _ in wanted})
    results = performance_test([str(Path(vehicle_dir) / f"{vid}.yaml") for vid in ids])
    results = results.set_index("vehicle_id")
    rows = []
    for vid, key, official in wanted:
        column, unit, tolerance = FIGURES[key]
        predicted = float(results.loc[vid, column])
        error = 100.0 * (predicted / official - 1.0)
        rows.append(
            {
                "vehicle_id": vid,
                "figure": key,
                "unit": unit,
                "official": float(official),
                "bevsim": predicted,
                "limited_by": results.loc[vid, LIMITER_COLUMNS[key]],
                "error_pct": error,
                "tolerance_pct": 100.0 * tolerance,
                "within_tolerance": abs(error) <= 100.0 * tolerance,
            }
        )
    return pd.DataFrame(rows)
