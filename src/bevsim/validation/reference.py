"""Validation against published official figures: which figure of a reference set maps to which
bevsim result, and the comparison table (official, bevsim, error).

The reference set is a YAML file with ``vehicles: [{id, official: {...},
epa_test_car_list: {...}}]`` as in ``tests/data/reference/official/vehicles.yaml``; each vehicle
is simulated from its own vehicle file in the shipped library (``src/bevsim/vehicles/<id>.yaml``,
built from its specification only), or from ``<vehicle_dir>/<id>.yaml`` where a folder is
given. Which EPA label method each maker used (two-cycle or five-cycle) comes from a separate
sourced file such as ``tests/data/reference/label_methods.yaml`` (``{id: {epa_label_method:
...}}``), and EPA certificate figures (battery energy per mile, recharge over usable battery
energy) from another (``{id: {usable_battery_energy_kwh, ac_recharge_energy_kwh,
battery_wh_per_mi_city, ...}}``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from bevsim.errors import BevsimError
from bevsim.procedures import epa
from bevsim.procedures.range_test import range_test
from bevsim.yamlfile import read_yaml_file

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


CERTIFICATE_FIGURES = {  # key in a certificate entry -> (figure name, bevsim column, unit)
    "battery_wh_per_mi_city": (
        "EPA certificate battery city",
        "raw_battery_wh_per_mi_city",
        "Wh/mi",
    ),
    "battery_wh_per_mi_hwy": (
        "EPA certificate battery highway",
        "raw_battery_wh_per_mi_hwy",
        "Wh/mi",
    ),
}


def certificate_figures(vehicle_id: str, certificate: dict) -> Iterator[Figure]:
    """The figures of one EPA certificate entry: battery DC energy per mile on the UDDS and
    HWFET, and the recharge ratio (AC recharge energy over usable battery energy)."""
    for key, (name, column, unit) in CERTIFICATE_FIGURES.items():
        if certificate.get(key) is not None:
            yield Figure(vehicle_id, "epa", name, certificate[key], column, unit)
    ac, ube = (
        certificate.get("ac_recharge_energy_kwh"),
        certificate.get("usable_battery_energy_kwh"),
    )
    if ac and ube:
        yield Figure(
            vehicle_id, "epa", "EPA certificate recharge/UBE", ac / ube, "recharge_ratio", "-"
        )


def load_label_methods(path: str | Path | None) -> dict[str, str]:
    """EPA label method per vehicle id from a label-methods YAML file (none: empty)."""
    if path is None:
        return {}
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    return {vid: epa.check_label_method(entry["epa_label_method"]) for vid, entry in data.items()}


def load_known_misses(path: str | Path) -> dict[tuple[str, str], str]:
    """Why each missed published figure is missed, by (vehicle id, figure name), from a YAML
    file of ``vehicle_id: {figure: why}``; a BevsimError naming the file and entry otherwise."""
    data = read_yaml_file(Path(path), "known-misses file") or {}
    misses = {}
    for vehicle_id, figures in data.items():
        if not isinstance(figures, dict):
            raise BevsimError(f"{path}: {vehicle_id}: expected a mapping of figure: why")
        for figure, why in figures.items():
            if not isinstance(why, str) or not why.strip():
                raise BevsimError(f"{path}: {vehicle_id}.{figure}: expected the reason as text")
            misses[(str(vehicle_id), str(figure))] = why.strip()
    return misses


def vehicle_refs(ids: list[str], vehicle_dir: str | Path | None = None) -> list[str]:
    """The library ids themselves, or the files ``<vehicle_dir>/<id>.yaml`` when a folder is
    given (a test's modified copies)."""
    if vehicle_dir is None:
        return list(ids)
    return [str(Path(vehicle_dir) / f"{vid}.yaml") for vid in ids]


def reference_figures(
    reference_path: str | Path, certificates_path: str | Path | None = None
) -> list[Figure]:
    """Every published figure of a reference set and, when given, of an EPA certificate file,
    read without running a simulation: the rows validation_table will have."""
    figures = [f for v in load_reference(reference_path) for f in published_figures(v)]
    if certificates_path is not None:
        certificates = yaml.safe_load(Path(certificates_path).read_text(encoding="utf-8")) or {}
        figures += [f for vid, c in certificates.items() for f in certificate_figures(vid, c)]
    return figures


def validation_table(
    reference_path: str | Path,
    label_methods_path: str | Path | None = None,
    certificates_path: str | Path | None = None,
    vehicle_dir: str | Path | None = None,
) -> pd.DataFrame:
    """Official figure, bevsim's prediction and the error, for every published figure; EPA
    labels with the method each maker used (label_methods_path; default two-cycle); EPA
    certificate figures from certificates_path when given. Cars from the library unless
    vehicle_dir is given (see vehicle_refs)."""
    methods = load_label_methods(label_methods_path)
    figures = reference_figures(reference_path, certificates_path)
    rows = []
    for procedure in ("cltc", "wltp", "epa"):
        ids = sorted({f.vehicle_id for f in figures if f.procedure == procedure})
        if not ids:
            continue
        results = _results(ids, procedure, vehicle_dir, methods)
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
                    "label_method": results.loc[figure.vehicle_id].get("label_method", ""),
                    "adjustment_factor": results.loc[figure.vehicle_id].get(
                        "adjustment_factor", float("nan")
                    ),
                }
            )
    table = pd.DataFrame(rows)
    table["within_tolerance"] = table["error_pct"].abs() <= 100.0 * TOLERANCE
    return table


def _results(
    ids: list[str], procedure: str, vehicle_dir: str | Path | None, methods: dict[str, str]
) -> pd.DataFrame:
    """range_test rows of the vehicles, indexed by id; EPA runs grouped by label method."""
    groups: dict[str, list[str]] = {}
    for vid in ids:
        method = methods.get(vid, "two-cycle") if procedure == "epa" else "two-cycle"
        groups.setdefault(method, []).append(vid)
    frames = [
        range_test(vehicle_refs(group, vehicle_dir), procedure, method)
        for method, group in groups.items()
    ]
    return pd.concat(frames, ignore_index=True).set_index("vehicle_id")
