"""Derive the class-default DC taper (power as a fraction of the car's peak against SOC) per
chemistry from measured curves of production cars, with its spread and leave-one-car-out error.

Run from the repository root:  python tools/derive_dc_taper.py

Input: tests/data/reference/dc_taper/measured_curves.yaml (EVKX tables of cars that are not
validation cars of the library, sources per car). For each chemistry with measured cars:

- each car's curve is put on the SOC grid GRID_PCT in two physical forms (FORMS): divided by
  its own peak [kW] (the car's BMS taper relative to its rating), or by its energy [kWh] (a
  C-rate envelope: the current the cells take per unit capacity, the car's peak capping it);
- the default in a form is the median over the cars at each grid SOC, made non-increasing
  above the knee (the grid SOC of the median's highest value): a BMS lowers the allowed current
  as the anode fills, it does not raise it again;
- its error: each car's 10-80 % time predicted from its own peak and energy with the default
  (in sample) and with the default derived from the other cars only (leave one car out, and
  leave one make out), against the time its table gives; the peak fraction is shipped, as it
  has the lower leave-one-car-out error in each chemistry (the tool stops if that changes);
- its spread is the lowest and highest car at each grid SOC.

Output: src/bevsim/chemistry/data/dc_taper/class_default.yaml (read by bevsim.chemistry.dc_taper).
Sodium-ion has no production car with a published measured curve in the set, so it has no
default: its cars follow the chemistry's DC map alone.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import yaml

SOURCE = Path("tests/data/reference/dc_taper/measured_curves.yaml")
OUT = Path("src/bevsim/chemistry/data/dc_taper/class_default.yaml")
GRID_PCT = np.arange(10.0, 80.1, 5.0)
"""SOC grid of the default [%]: the 10-80 % window the measured tables cover."""
WINDOW_PCT = (10, 80)
"""SOC window [%] of the time each car is checked on."""


def load_cars(source: Path = SOURCE) -> list[dict]:
    """The measured cars of ``source``, each with its curve as arrays (SOC [%], power [kW])."""
    cars = yaml.safe_load(Path(source).read_text(encoding="utf-8"))["cars"]
    for car in cars:
        car["soc_pct"] = np.asarray(car["soc_pct"], dtype=float)
        car["power_kw"] = np.asarray(car["power_kw"], dtype=float)
    return cars


FORMS = {
    "peak_fraction": "power over the car's peak power [-]",
    "c_rate_per_h": "power over the car's energy [kW/kWh = 1/h], the car's peak capping it",
}
"""The candidate physical forms of the default. bevsim applies the peak fraction (SHIPPED); the
tool refuses to write a table where the C-rate envelope has the lower leave-one-car-out error."""
SHIPPED = "peak_fraction"


def on_grid(car: dict, form: str) -> np.ndarray:
    """The car's curve at each GRID_PCT SOC in ``form`` (see FORMS)."""
    power = np.interp(GRID_PCT, car["soc_pct"], car["power_kw"])
    return power / (car["peak_kw"] if form == "peak_fraction" else car["energy_kwh"])


def class_default(cars: list[dict], form: str) -> np.ndarray:
    """Median over ``cars`` at each grid SOC in ``form``, non-increasing above its knee (a
    peak fraction scaled so that the knee is 1: the car reaches its rated peak there)."""
    median = np.median([on_grid(car, form) for car in cars], axis=0)
    knee = int(np.argmax(median))
    median[knee:] = np.minimum.accumulate(median[knee:])
    return median / median[knee] if form == "peak_fraction" else median


def power_kw(car: dict, default: np.ndarray, form: str, soc_pct) -> np.ndarray:
    """The car's power [kW] at ``soc_pct`` with ``default`` (on GRID_PCT) in ``form``."""
    value = np.interp(soc_pct, GRID_PCT, default)
    if form == "peak_fraction":
        return value * car["peak_kw"]
    return np.minimum(value * car["energy_kwh"], car["peak_kw"])


def window_time_s(car: dict, power_at_kw) -> float:
    """Time [s] to charge the car over WINDOW_PCT at ``power_at_kw(soc_pct)``, booked as its
    table does: each 1 % step takes energy_kwh/100 at the power of the SOC it reaches."""
    steps = np.arange(WINDOW_PCT[0] + 1.0, WINDOW_PCT[1] + 0.5, 1.0)
    kwh_per_step = car["energy_kwh"] / 100.0
    return float(np.sum(3600.0 * kwh_per_step / power_at_kw(steps)))


def _error_pct(car: dict, time_s: float) -> float:
    return round(100.0 * (time_s / (car["t80_s"] - car["t10_s"]) - 1.0), 1)


def _default_error_pct(car: dict, cars: list[dict], form: str) -> float | None:
    if not cars:
        return None
    default = class_default(cars, form)
    return _error_pct(car, window_time_s(car, lambda soc: power_kw(car, default, form, soc)))


def car_errors(cars: list[dict], form: str) -> list[dict]:
    """Each car's 10-80 % time error [%] with its own table's points, with the default of all
    cars (in sample), of the other cars and of the other makes."""
    rows = []
    for k, car in enumerate(cars):
        own = window_time_s(car, lambda soc, c=car: np.interp(soc, c["soc_pct"], c["power_kw"]))
        rows.append(
            {
                "car": car["id"],
                "make": car["make"],
                "published_10_80_min": round((car["t80_s"] - car["t10_s"]) / 60.0, 2),
                "own_points_error_pct": _error_pct(car, own),
                "in_sample_error_pct": _default_error_pct(car, cars, form),
                "leave_one_car_out_error_pct": _default_error_pct(
                    car, [c for j, c in enumerate(cars) if j != k], form
                ),
                "leave_one_make_out_error_pct": _default_error_pct(
                    car, [c for c in cars if c["make"] != car["make"]], form
                ),
            }
        )
    return rows


def _rms(rows: list[dict], key: str) -> float | None:
    values = [row[key] for row in rows if row[key] is not None]
    return round(float(np.sqrt(np.mean(np.square(values)))), 1) if values else None


def derive(cars: list[dict]) -> dict:
    """The class default of one chemistry's cars in the SHIPPED form: grid, values, spread
    (lowest and highest car), per-car errors and the leave-one-car-out error of each form."""
    errors = {form: car_errors(cars, form) for form in FORMS}
    loo = {form: _rms(errors[form], "leave_one_car_out_error_pct") for form in FORMS}
    if min(FORMS, key=lambda f: loo[f]) != SHIPPED:
        raise SystemExit(f"leave-one-car-out errors {loo}: {SHIPPED} is no longer the better form")
    values = np.array([on_grid(car, SHIPPED) for car in cars])
    rows = errors[SHIPPED]
    return {
        "soc": [round(float(s) / 100.0, 2) for s in GRID_PCT],
        "power_fraction": [round(float(v), 3) for v in class_default(cars, SHIPPED)],
        "spread_min": [round(float(v), 3) for v in values.min(axis=0)],
        "spread_max": [round(float(v), 3) for v in values.max(axis=0)],
        "rms_in_sample_error_pct": _rms(rows, "in_sample_error_pct"),
        "rms_leave_one_car_out_error_pct": _rms(rows, "leave_one_car_out_error_pct"),
        "rms_leave_one_make_out_error_pct": _rms(rows, "leave_one_make_out_error_pct"),
        "rms_leave_one_car_out_error_pct_by_form": loo,
        "cars": rows,
    }


HEADER = """\
# Class-default DC taper: the car's DC inlet power as a fraction of its peak against SOC [-], on
# an unlimiting charger with a warm pack (the reference temperature of a measured curve).
# Generated by tools/derive_dc_taper.py from tests/data/reference/dc_taper/measured_curves.yaml
# (EVKX tables of production cars that are not validation cars; sources there); do not edit.
# power_fraction: median over the chemistry's cars at each SOC, non-increasing above its knee
# and scaled to 1 there; spread_min/max: the lowest and highest car; errors: each car's 10-80 %
# time from its own peak and energy with the default (in sample), with the default of the
# other cars (leave one car out) and of the other makes (leave one make out), against its
# table's time; by form: the same leave-one-car-out error of a C-rate envelope (power over the
# car's energy, capped at its peak), the alternative form. Applied by bevsim charge to a car
# whose file has no charging.dc_power_curve, times its DC peak, capping the chemistry's DC map.
# No sodium-ion car has a measured curve in the set: sodium-ion has no default (its map alone).
"""


def derived_table(source: Path = SOURCE) -> dict:
    """The class default of every chemistry with measured cars in ``source``, by chemistry id."""
    cars = load_cars(source)
    chemistries = sorted({car["chemistry"] for car in cars})
    return {cid: derive([c for c in cars if c["chemistry"] == cid]) for cid in chemistries}


def main() -> int:
    derived = derived_table()
    OUT.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(derived, sort_keys=False, default_flow_style=None, width=100)
    OUT.write_text(HEADER + text, encoding="utf-8")
    for cid, d in derived.items():
        by_form = d["rms_leave_one_car_out_error_pct_by_form"]
        print(f"{cid}: power fraction {d['power_fraction']} (leave one car out by form {by_form})")
        for row in d["cars"]:
            print(f"  {row}")
        print(
            f"  rms error: in sample {d['rms_in_sample_error_pct']} %, leave one car out "
            f"{d['rms_leave_one_car_out_error_pct']} %, leave one make out "
            f"{d['rms_leave_one_make_out_error_pct']} %"
        )
    print(f"written to {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
