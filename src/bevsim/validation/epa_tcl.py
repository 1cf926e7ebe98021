"""Validation on the US EPA 2022 Test Car List: cars built from their test data alone.

Each battery-electric configuration of ``epa_tcl_2022_public.csv`` (test weight, target road-load
coefficients, rated power, drive, N/V ratio; the ``.md`` beside it explains the columns) becomes
a bevsim vehicle: its published test inputs where the list gives them, the class-typical
defaults of :data:`TCL_CLASS_DEFAULTS` for what it does not, and, where a public source gives
more about one car (a motor's technology, say), that car's entry of a ``public_facts`` mapping.
It is then driven through bevsim's EPA procedure, and its raw (unadjusted, wall) UDDS and HWFET
consumption is compared with the dynamometer result.

Nothing here is tuned to a car's result. A global model parameter may be chosen from this data
(:func:`fit_global`) only over a physical, sourced range, and its in-sample error is reported
beside its leave-one-make-out error.
"""

from __future__ import annotations

import copy
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bevsim.errors import SpecError
from bevsim.procedures import epa
from bevsim.spec import VehicleSpec
from bevsim.units import KM_PER_MILE, MPH_MPS, RPM_PER_RADPS

LBF_N = 4.4482216
CYCLES = ("udds", "hwy")
LAYOUTS = {"FWD": "fwd", "RWD": "rwd", "AWD": "awd"}
POWER_CLASSES_KW = ((0.0, 150.0), (150.0, 250.0), (250.0, 400.0), (400.0, math.inf))

TCL_CLASS_DEFAULTS: dict[str, Any] = {
    "rolling_radius_m": 0.34,
    # Passenger-car EV tyres 215/55 R17 to 255/45 R20 roll at about 0.33-0.35 m (ETRTO
    # dimensions); the TCL gives no tyre sizes.
    "top_speed_mph": 112.0,
    # Median published top speed of the cars in the list (Leaf 90 mph, Bolt 93, Model 3 RWD 140,
    # e-tron GT 152); sets the motor's max speed through the N/V ratio.
    "constant_power_speed_ratio": 2.8,
    # Max speed over base speed of EV traction PMSMs, 2.5-4 (ORNL benchmarks of the Leaf, Bolt
    # and Model 3 drive units); gives the peak torque from rated power and max speed.
    "inverter": "igbt",
    # Silicon IGBT traction inverters were the norm in MY2022 cars; SiC only where a maker
    # says so (public facts: Tesla Model 3, the rear axle of Hyundai-Kia E-GMP cars).
    "driveline_efficiency": 0.97,
    "tire_road_friction": 0.9,
    "battery": {"chemistry": "nmc", "gross_energy_kwh": 75.0, "nominal_voltage_v": 360.0},
    # Median of the list's makes (Leaf 40-62, Bolt 65, Mach-E 70-91, e-tron 95 kWh gross);
    # 350-400 V class.
    "body": {"drag_coefficient": 0.28, "frontal_area_m2": 2.4},
    # Not used while road_load is given (the coast-down curve holds the drag); kept plausible.
    "rolling_resistance_coefficient": 0.008,
}
"""What a vehicle built from the TCL takes where the list says nothing (each value sourced)."""


@dataclass(frozen=True)
class TclRow:
    """One test configuration of the EPA Test Car List (units in the names)."""

    make: str
    model: str
    config: int
    test_vehicle_id: str
    drive: str
    rated_power_kw: float
    etw_kg: float
    f0_n: float
    f1_n_per_kmh: float
    f2_n_per_kmh2: float
    nv_ratio_rpm_per_mph: float
    raw_udds_kwh_per_100mi: float
    raw_hwy_kwh_per_100mi: float

    @property
    def vehicle_id(self) -> str:
        """A unique vehicle id: make, model, configuration and test vehicle, slugged."""
        text = f"{self.model}-{self.config}-{self.test_vehicle_id}"
        return re.sub(r"[^a-z0-9.]+", "-", text.lower()).strip("-")


def load_tcl(path: str | Path) -> list[TclRow]:
    """The rows of an EPA TCL file in the ``epa_tcl_2022_public.csv`` layout."""
    frame = pd.read_csv(path)
    fields = TclRow.__dataclass_fields__
    missing = [name for name in fields if name not in frame.columns]
    if missing:
        raise SpecError(f"{path}: missing columns {', '.join(missing)}")
    rows = []
    for record in frame[list(fields)].to_dict("records"):
        if record["drive"] not in LAYOUTS:
            raise SpecError(
                f"{path}: drive: expected one of {sorted(LAYOUTS)}, got {record['drive']}"
            )
        rows.append(TclRow(**record))
    return rows


def gear_ratio_from_nv(nv_rpm_per_mph: float, rolling_radius_m: float) -> float:
    """Reduction ratio [-] from the N/V ratio [rpm/mph] and the rolling radius [m]."""
    wheel_rpm_per_mph = MPH_MPS / rolling_radius_m * RPM_PER_RADPS
    return nv_rpm_per_mph / wheel_rpm_per_mph


def tcl_vehicle_dict(row: TclRow, facts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """A bevsim vehicle file (as a dict) from one TCL row, class defaults and public facts.

    Curb mass = ETW - 300 lb, so that the EPA procedure's test mass (curb + 300 lb) is the ETW
    the dynamometer simulated. AWD cars get a motor on each axle (or ``motors_per_axle`` of
    the facts, e.g. ``{front: 1, rear: 2}``), the rated system power shared equally (the list
    gives no split); a published ``top_speed_kmh`` replaces the class default, which sets the
    motors' max speed through the N/V ratio; ``facts`` (dotted paths, ``*`` for every list
    item) override any of it.
    """
    d = TCL_CLASS_DEFAULTS
    facts = dict(facts or {})
    radius = d["rolling_radius_m"]
    top_speed_mph = facts.pop("top_speed_kmh", d["top_speed_mph"] * KM_PER_MILE) / KM_PER_MILE
    max_rpm = row.nv_ratio_rpm_per_mph * top_speed_mph
    layout = LAYOUTS[row.drive]
    default_axles = (
        ("front", "rear") if layout == "awd" else ("front" if layout == "fwd" else "rear",)
    )
    per_axle = facts.pop("motors_per_axle", {axle: 1 for axle in default_axles})
    axles = tuple(axle for axle in ("front", "rear") for _ in range(per_axle.get(axle, 0)))
    power_kw = row.rated_power_kw / len(axles)
    base_radps = max_rpm / RPM_PER_RADPS / d["constant_power_speed_ratio"]
    torque_nm = 1000.0 * power_kw / base_radps
    vehicle = {
        "id": row.vehicle_id,
        "name": f"{row.model} (EPA TCL 2022 config {row.config}, {row.test_vehicle_id})",
        "year": 2022,
        "mass": {"curb_kg": row.etw_kg - epa.LOADED_VEHICLE_EXTRA_KG},
        "body": dict(d["body"]),
        "road_load": {
            "f0_n": row.f0_n,
            "f1_n_per_kmh": row.f1_n_per_kmh,
            "f2_n_per_kmh2": row.f2_n_per_kmh2,
        },
        "tires": {
            "rolling_resistance_coefficient": d["rolling_resistance_coefficient"],
            "radius_m": radius,
        },
        "drive": {
            "layout": layout,
            "motors": [
                {
                    "axle": axle,
                    "peak_power_kw": power_kw,
                    "peak_torque_nm": torque_nm,
                    "max_speed_rpm": max_rpm,
                    "inverter": d["inverter"],
                }
                for axle in axles
            ],
            "gear_ratio": gear_ratio_from_nv(row.nv_ratio_rpm_per_mph, radius),
            "driveline_efficiency": d["driveline_efficiency"],
            "tire_road_friction": d["tire_road_friction"],
        },
        "battery": dict(d["battery"]),
    }
    for path, value in facts.items():
        set_path(vehicle, path, value)
    return vehicle


def set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` of nested dicts and lists (``*``: every list item)."""
    head, _, rest = path.partition(".")
    if head == "*":
        if not isinstance(tree, list):
            raise SpecError(f"{path}: '*' needs a list")
        for item in tree:
            _set_child(item, rest, value, path)
        return
    key: Any = int(head) if isinstance(tree, list) else head
    if not rest:
        tree[key] = copy.deepcopy(value)
        return
    if isinstance(tree, dict):
        tree.setdefault(key, {})
    _set_child(tree[key], rest, value, path)


def _set_child(child: Any, rest: str, value: Any, path: str) -> None:
    if not isinstance(child, dict | list):
        raise SpecError(f"{path}: cannot descend into a {type(child).__name__}")
    set_path(child, rest, value)


def tcl_specs(
    rows: Sequence[TclRow],
    facts: Mapping[str, Mapping[str, Any]] | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[VehicleSpec]:
    """Validated specs of ``rows``: per-car ``facts`` (see :func:`facts_for`), then global
    ``overrides`` (dotted paths, the same for every car)."""
    specs = []
    for row in rows:
        vehicle = tcl_vehicle_dict(row, facts_for(row, facts or {}))
        for path, value in (overrides or {}).items():
            set_path(vehicle, path, value)
        specs.append(VehicleSpec.model_validate(vehicle))
    return specs


def facts_for(row: TclRow, facts: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """The public facts of one row: those of its model (``"MX-30"``), then those of its model
    and drive (``"Ioniq 5|AWD"``), then those of its vehicle id, each over the one before.
    An entry's ``source`` key cites it and is not a fact."""
    merged: dict[str, Any] = {}
    for key in (row.model, f"{row.model}|{row.drive}", row.vehicle_id):
        merged.update({k: v for k, v in facts.get(key, {}).items() if k != "source"})
    return merged


def bevsim_results(specs: Sequence[VehicleSpec]) -> pd.DataFrame:
    """bevsim's raw EPA city/highway wall consumption [kWh/100 mi], one row per vehicle."""
    rows = epa.run(specs)
    return pd.DataFrame(
        {
            "vehicle_id": rows["vehicle_id"].to_numpy(),
            "udds": rows["raw_kwh_per_100mi_city"].to_numpy(),
            "hwy": rows["raw_kwh_per_100mi_hwy"].to_numpy(),
        }
    )


def measured(rows: Sequence[TclRow]) -> pd.DataFrame:
    """The dynamometer's raw wall consumption [kWh/100 mi], one row per configuration."""
    return pd.DataFrame(
        {
            "vehicle_id": [r.vehicle_id for r in rows],
            "udds": [r.raw_udds_kwh_per_100mi for r in rows],
            "hwy": [r.raw_hwy_kwh_per_100mi for r in rows],
        }
    )


def drive_unit_kind(spec: VehicleSpec) -> str:
    """A car's drive units in words, for grouping: the motors' technologies (``induction``,
    ``pmsm + induction``, ...), with ``two-speed`` where a motor has several gears."""
    kinds = sorted({motor.type for motor in spec.drive.motors}, key=lambda t: (t != "pmsm", t))
    label = " + ".join(kinds)
    if any(motor.gear_ratios for motor in spec.drive.motors):
        label += ", two-speed"
    return label


def long_errors(rows: Sequence[TclRow], predicted: pd.DataFrame) -> pd.DataFrame:
    """One row per (configuration, cycle): measured, predicted [kWh/100 mi] and error [%]."""
    meta = pd.DataFrame(
        {
            "vehicle_id": [r.vehicle_id for r in rows],
            "make": [r.make for r in rows],
            "model": [r.model for r in rows],
            "config": [r.config for r in rows],
            "drive": [r.drive for r in rows],
            "rated_power_kw": [r.rated_power_kw for r in rows],
            "power_class": [power_class(r.rated_power_kw) for r in rows],
        }
    )
    truth = measured(rows).melt("vehicle_id", var_name="cycle", value_name="measured")
    pred = predicted.melt("vehicle_id", var_name="cycle", value_name="predicted")
    table = meta.merge(truth, on="vehicle_id").merge(pred, on=["vehicle_id", "cycle"])
    table["error_pct"] = 100.0 * (table["predicted"] / table["measured"] - 1.0)
    order = {name: i for i, name in enumerate(r.vehicle_id for r in rows)}
    table["_order"] = table["vehicle_id"].map(order)
    table = table.sort_values(["_order", "cycle"], key=_cycle_first_key).drop(columns="_order")
    return table.reset_index(drop=True)


def _cycle_first_key(column: pd.Series) -> pd.Series:
    if column.name == "cycle":
        return column.map({name: i for i, name in enumerate(CYCLES)})
    return column


def power_class(rated_power_kw: float) -> str:
    """The rated-power class label of a car, e.g. '150-250 kW'."""
    for low, high in POWER_CLASSES_KW:
        if low <= rated_power_kw < high:
            return (
                f"< {high:.0f} kW"
                if low == 0
                else (f">= {low:.0f} kW" if math.isinf(high) else f"{low:.0f}-{high:.0f} kW")
            )
    raise ValueError(f"rated power {rated_power_kw} kW is negative")


def error_summary(table: pd.DataFrame, column: str = "error_pct") -> dict[str, float]:
    """n, MAE, max |error|, mean signed error [%] and the correlation of error with rated power."""
    errors = table[column].to_numpy(dtype=float)
    power = table["rated_power_kw"].to_numpy(dtype=float)
    spread = len(errors) > 2 and np.std(errors) > 0 and np.std(power) > 0
    corr = float(np.corrcoef(errors, power)[0, 1]) if spread else float("nan")
    return {
        "n": len(errors),
        "mae_pct": float(np.mean(np.abs(errors))),
        "max_pct": float(np.max(np.abs(errors))),
        "mean_pct": float(np.mean(errors)),
        "corr_power": corr,
    }


def grouped_summary(table: pd.DataFrame, by: str, column: str = "error_pct") -> pd.DataFrame:
    """:func:`error_summary` per value of column ``by`` (cycle, drive, power class, make)."""
    groups = [{by: key, **error_summary(part, column)} for key, part in table.groupby(by)]
    return pd.DataFrame(groups)


@dataclass(frozen=True)
class GlobalParameter:
    """A global model parameter chosen from the data: dotted spec path, candidate values,
    sourced plausible range and what it stands for."""

    path: str
    grid: tuple[float, ...]
    plausible_range: tuple[float, float]
    source: str
    what: str

    def __post_init__(self) -> None:
        low, high = self.plausible_range
        if not all(low <= value <= high for value in self.grid):
            raise SpecError(f"{self.path}: grid leaves its plausible range [{low}, {high}]")


@dataclass(frozen=True)
class GlobalFit:
    """The chosen value, its in-sample MAE and the leave-one-make-out errors [%]."""

    parameter: GlobalParameter
    value: float
    in_sample_mae_pct: float
    lomo_mae_pct: float
    lomo_table: pd.DataFrame  # error_pct of each row predicted with its make left out
    mae_by_value: dict[float, float]


def fit_global(
    rows: Sequence[TclRow],
    parameter: GlobalParameter,
    simulate: Callable[[float], pd.DataFrame],
) -> GlobalFit:
    """Choose ``parameter`` from its grid by MAE over all rows, and by leave-one-make-out.

    ``simulate(value)`` returns :func:`long_errors` with the parameter at ``value``; each value is
    simulated once. For each make, the value is chosen on the other makes and the make's rows
    are scored with it: that error is what a car of a new make should expect.
    """
    if len({r.make for r in rows}) < 2:
        raise ValueError("leave-one-make-out needs rows of at least two makes")
    tables = {value: simulate(value) for value in parameter.grid}
    mae = {v: float(t["error_pct"].abs().mean()) for v, t in tables.items()}
    best = min(mae, key=mae.get)
    held_out = []
    for make in sorted({r.make for r in rows}):
        others = {
            v: float(t.loc[t["make"] != make, "error_pct"].abs().mean()) for v, t in tables.items()
        }
        chosen = min(others, key=others.get)
        part = tables[chosen].loc[tables[chosen]["make"] == make].copy()
        part["chosen_value"] = chosen
        held_out.append(part)
    lomo = pd.concat(held_out).sort_index()
    return GlobalFit(parameter, best, mae[best], float(lomo["error_pct"].abs().mean()), lomo, mae)
