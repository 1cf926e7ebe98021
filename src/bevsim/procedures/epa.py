"""US label: EPA range and consumption (40 CFR 600, SAE J1634), city (UDDS) and highway (HWFET).

What this module follows (docs/research/procedures.md has the sources and what is unconfirmed):
- test weight: loaded vehicle weight = curb + 300 lb (136.08 kg), not rounded to the ETW class;
- each cycle is driven back to back from full to break-off (the single-cycle test of SAE J1634
  section 7; the multi-cycle test of section 8, which 40 CFR 600.116-12 requires, measures the
  same per-cycle consumption and usable energy in one run, with constant-speed phases for the
  depletion), then recharged from the grid: raw ("unadjusted") consumption = AC energy /
  distance, raw range = distance;
- label values with the 2-cycle adjustment (``label_method="two-cycle"``, the default): range
  x 0.7, consumption / 0.7; or, with ``label_method="five-cycle"``, the vehicle-specific factor
  from bevsim's own runs of the five tests (procedures/five_cycle.py, 40 CFR 600.114), which a
  maker may use instead (Tesla does, so its labels sit above 0.7 x raw);
- combined: 55 % city, 45 % highway (consumption per mile and range alike);
- MPGe = 33.705 kWh per gallon / (kWh per mile).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bevsim.errors import BevsimError, did_you_mean
from bevsim.procedures import five_cycle
from bevsim.procedures.range_common import ENERGY_USE, Environment, cycle_range
from bevsim.spec import VehicleSpec
from bevsim.units import KM_PER_MILE

NAME = "epa"
CITY_CYCLE = "udds"
HIGHWAY_CYCLE = "hwfet"
LOADED_VEHICLE_EXTRA_KG = 300.0 * 0.45359237
ADJUSTMENT_FACTOR = 0.7
CITY_SHARE = 0.55
KWH_PER_GALLON_EQUIVALENT = 33.705
AMBIENT_TEMP_C = 23.0
STANDARD = Environment(ambient_temp_c=AMBIENT_TEMP_C)
BREAK_OFF_S = 4.0
LABEL_METHODS = ("two-cycle", "five-cycle")


def test_mass_kg(spec: VehicleSpec) -> float:
    """EPA test weight [kg]: curb + 300 lb."""
    return spec.mass.curb_kg + LOADED_VEHICLE_EXTRA_KG


def run(
    specs: Sequence[VehicleSpec],
    environment: Environment = STANDARD,
    label_method: str = "two-cycle",
) -> pd.DataFrame:
    """EPA raw city/highway results and the adjusted label (one row per vehicle); the label
    adjustment by ``label_method``: two-cycle (x 0.7) or five-cycle (vehicle-specific)."""
    method = check_label_method(label_method)
    city, hwy = (
        cycle_range(specs, cycle, test_mass_kg, NAME, BREAK_OFF_S, environment)
        for cycle in (CITY_CYCLE, HIGHWAY_CYCLE)
    )
    if method == "two-cycle":
        return label_rows(city, hwy, ADJUSTMENT_FACTOR, method)
    phases = five_cycle.phase_consumption(specs, test_mass_kg)
    factors = five_cycle.adjustment_factor(phases)
    rows = label_rows(city, hwy, factors["adjustment_factor"], method)
    for column in factors.columns.drop(["vehicle_id", "adjustment_factor"]):
        rows[column] = factors[column]
    return rows


def check_label_method(name: str) -> str:
    """The label method by name (two-cycle or five-cycle), or a BevsimError naming the known."""
    key = name.lower().replace("_", "-")
    if key not in LABEL_METHODS:
        raise BevsimError(
            f"unknown EPA label method '{name}';{did_you_mean(key, list(LABEL_METHODS))} "
            f"known: {', '.join(LABEL_METHODS)}"
        )
    return key


def label_rows(
    city: pd.DataFrame, hwy: pd.DataFrame, factor: float | pd.Series, method: str = "two-cycle"
) -> pd.DataFrame:
    """Combine raw city and highway rows into label rows (km, kWh/100 km, miles, MPGe) with
    the label adjustment ``factor`` (one for all, or one per row) from ``method``."""
    kwh_per_mi_city = city["consumption_kwh_per_100km"] / 100.0 * KM_PER_MILE
    kwh_per_mi_hwy = hwy["consumption_kwh_per_100km"] / 100.0 * KM_PER_MILE
    label_city = kwh_per_mi_city / factor
    label_hwy = kwh_per_mi_hwy / factor
    label_comb = CITY_SHARE * label_city + (1.0 - CITY_SHARE) * label_hwy
    range_city_mi = city["range_km"] / KM_PER_MILE * factor
    range_hwy_mi = hwy["range_km"] / KM_PER_MILE * factor
    range_mi = CITY_SHARE * range_city_mi + (1.0 - CITY_SHARE) * range_hwy_mi
    rows = city[["vehicle_id", "vehicle", "procedure", "test_mass_kg", "ambient_temp_c"]].copy()
    rows["range_km"] = range_mi * KM_PER_MILE
    rows["consumption_kwh_per_100km"] = label_comb / KM_PER_MILE * 100.0
    rows["battery_energy_kwh"] = (city["battery_energy_kwh"] + hwy["battery_energy_kwh"]) / 2.0
    rows["recharge_energy_kwh"] = (city["recharge_energy_kwh"] + hwy["recharge_energy_kwh"]) / 2.0
    for name in ENERGY_USE:  # the mean of the city and highway depletion drives
        rows[name] = (city[name] + hwy[name]) / 2.0
    rows["range_mi"] = range_mi
    rows["range_city_mi"] = range_city_mi
    rows["range_hwy_mi"] = range_hwy_mi
    rows["kwh_per_100mi"] = 100.0 * label_comb
    rows["kwh_per_100mi_city"] = 100.0 * label_city
    rows["kwh_per_100mi_hwy"] = 100.0 * label_hwy
    rows["mpge"] = KWH_PER_GALLON_EQUIVALENT / label_comb
    rows["mpge_city"] = KWH_PER_GALLON_EQUIVALENT / label_city
    rows["mpge_hwy"] = KWH_PER_GALLON_EQUIVALENT / label_hwy
    rows["raw_kwh_per_100mi_city"] = 100.0 * kwh_per_mi_city
    rows["raw_kwh_per_100mi_hwy"] = 100.0 * kwh_per_mi_hwy
    rows["raw_mpge_city"] = KWH_PER_GALLON_EQUIVALENT / kwh_per_mi_city
    rows["raw_mpge_hwy"] = KWH_PER_GALLON_EQUIVALENT / kwh_per_mi_hwy
    rows["raw_range_city_mi"] = city["range_km"] / KM_PER_MILE
    rows["raw_range_hwy_mi"] = hwy["range_km"] / KM_PER_MILE
    rows["raw_battery_wh_per_mi_city"] = (
        1000.0 * city["battery_energy_kwh"] / rows["raw_range_city_mi"]
    )
    rows["raw_battery_wh_per_mi_hwy"] = (
        1000.0 * hwy["battery_energy_kwh"] / rows["raw_range_hwy_mi"]
    )
    rows["recharge_ratio"] = rows["recharge_energy_kwh"] / rows["battery_energy_kwh"]
    rows["adjustment_factor"] = factor
    rows["label_method"] = method
    return rows
