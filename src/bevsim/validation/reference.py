"""Validation against published official figures: which figure of a reference set maps to which
bevsim result, and the comparison table (official, bevsim, error).

The reference set is a YAML file with ``vehicles: [{id, official: {...},
epa_test_car_list: {...}}]`` as in ``tests/data/reference/official/vehicles.yaml``; each vehicle
is simulated from its own vehicle file (built from its specification only).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from bevsim.procedures.range_test import range_test

TOLERANCE = 0.05
KWH_PER_GALLON_EQUIVALENT = 33.705


@dataclass(frozen=True)
class Figure:
    """One published figure and the bevsim result column that predicts it."""

    vehicle_id: str
    procedure: str
    name: str
    official: float
    column: str
    unit: str


EPA_LABEL_FIGURES = {  # key in official.epa -> (bevsim column, unit)
    "range_mi": ("range_mi", "mi"),
    "range_city_mi": ("range_city_mi", "mi"),
    "range_hwy_mi": ("range_hwy_mi", "mi"),
    "range_city_mi_approx": ("range_city_mi", "mi"),
    "range_hwy_mi_approx": ("range_hwy_mi", "mi"),
    "mpge_combined": ("mpge", "MPGe"),
    "mpge_city": ("mpge_city", "MPGe"),
    "mpge_hwy": ("mpge_hwy", "MPGe"),
    "kwh_per_100mi_combined": ("kwh_per_100mi", "kWh/100 mi"),
}


def load_reference(path: str | Path) -> list[dict]:
    """The vehicles of a reference-set YAML file."""
    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))["vehicles"]


def published_figures(vehicle: dict) -> Iterator[Figure]:
    """Every official range or consumption figure of one reference vehicle."""
    vid, official = vehicle["id"], vehicle.get("official") or {}
    if official.get("cltc_range_km"):
        yield Figure(vid, "cltc", "CLTC range", official["cltc_range_km"], "range_km", "km")
    if official.get("wltp_range_km"):
        yield Figure(vid, "wltp", "WLTP range", official["wltp_range_km"], "range_km", "km")
    consumption = official.get("wltp_consumption_kwh_per_100km")
    spread = official.get("wltp_consumption_kwh_per_100km_range")
    if consumption is None and spread:
        consumption = sum(spread) / len(spread)
    if consumption:
        yield Figure(
            vid, "wltp", "WLTP consumption", consumption, "consumption_kwh_per_100km", "kWh/100 km"
        )
    for key, value in (official.get("epa") or {}).items():
        if key in EPA_LABEL_FIGURES and value is not None:
            column, unit = EPA_LABEL_FIGURES[key]
            yield Figure(vid, "epa", f"EPA label {key}", value, column, unit)
    for config in (vehicle.get("epa_test_car_list") or {}).get("configs", [])[:1]:
        for test in config.get("tests", []):
            city = "UDDS" in test["procedure"]
            yield Figure(
                vid,
                "epa",
                f"EPA raw {'city' if city else 'highway'} ({test['test_number']})",
                test["value"],
                "raw_mpge_city" if city else "raw_mpge_hwy",
                "MPGe",
            )


def validation_table(reference_path: str | Path, vehicle_dir: str | Path) -> pd.DataFrame:
    """Official figure, bevsim's prediction and the error, for every published figure."""
    vehicles = load_reference(reference_path)
    figures = [f for v in vehicles for f in published_figures(v)]
    rows = []
    for procedure in ("cltc", "wltp", "epa"):
        ids = sorted({f.vehicle_id for f in figures if f.procedure == procedure})
        if not ids:
            continue
        paths = [Path(vehicle_dir) / f"{vid}.yaml" for vid in ids]
        results = range_test([str(p) for p in paths], procedure).set_index("vehicle_id")
        for figure in (f for f in figures if f.procedure == procedure):
            predicted = float(results.loc[figure.vehicle_id, figure.column])
            rows.append(
                {
                    "vehicle_id": figure.vehicle_id,
                    "procedure": procedure,
                    "figure": figure.name,
                    "unit": figure.unit,
                    "official": figure.official,
                    "bevsim": predicted,
                    "error_pct": 100.0 * (predicted / figure.official - 1.0),
                }
            )
    table = pd.DataFrame(rows)
    table["within_tolerance"] = table["error_pct"].abs() <= 100.0 * TOLERANCE
    return table
