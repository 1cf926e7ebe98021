"""Invariants every registered procedure keeps on library cars, whatever it computes: finite
numbers (NaN only where the procedure declares "no value"), a unit in every column name (or a
declared unitless column), SOCs inside the car's window, pack voltages inside the cells' limits
times the series count, and energy that closes as far as the procedure's columns allow.

The suite iterates the registry: a procedure registered later without an energy check here, or
whose rows break an invariant, fails."""

from __future__ import annotations

import re
from functools import cache

import numpy as np
import pandas as pd
import pytest

from bevsim.chemistry import load_chemistry
from bevsim.procedures.registry import REGISTRY
from bevsim.spec import load_vehicle, pack_of

CARS = ("ms11-lfp", "bmw-i3-60ah-2014", "hyundai-ioniq6-lr-rwd")
SHORT_OPTIONS = {"cycle": {"cycle": "udds"}, "winter": {"temps_c": (-7.0, 0.0)}}
UNIT = (
    r"km|kwh|wh|kw|w|s|min|h|pct|c|kmh|a|v|kg|mi|m2|mpge|usd|"
    r"kwh_per_100km|kwh_per_100mi|wh_per_mi"
)
UNIT_IN_NAME = re.compile(rf"(^|_)({UNIT})(_(city|hwy))?$")
"""A column name ending in a unit (EPA's city/highway split may follow the unit)."""
SOC_TOLERANCE = 1e-9


@cache
def rows(name: str) -> tuple[pd.DataFrame, tuple[str, ...]]:
    """The procedure's rows on the cars it applies to, run once per session."""
    procedure = REGISTRY[name]
    cars = tuple(c for c in CARS if procedure.applies_to(load_vehicle(c)))
    return procedure.run(list(cars), **SHORT_OPTIONS.get(name, {})), cars


def spec_of(row: pd.Series):
    return load_vehicle(row["vehicle_id"])


@pytest.mark.parametrize("name", list(REGISTRY))
def test_rows_cover_every_car_and_condition(name):
    table, cars = rows(name)
    assert cars, f"{name} applies to none of {CARS}"
    conditions = REGISTRY[name].conditions(**SHORT_OPTIONS.get(name, {}))
    assert len(table) == len(cars) * len(conditions)
    assert sorted(set(table["vehicle_id"])) == sorted(cars)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_numbers_are_finite_where_defined(name):
    table, _ = rows(name)
    numeric = table.select_dtypes("number")
    assert len(numeric.columns) > 0
    for column in numeric.columns:
        if column in REGISTRY[name].undefined:
            continue
        values = numeric[column].to_numpy(dtype=float)
        assert np.isfinite(values).all(), (name, column)


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_column_names_its_unit(name):
    table, _ = rows(name)
    unitless = REGISTRY[name].unitless
    bad = [c for c in table.columns if c not in unitless and not UNIT_IN_NAME.search(c)]
    assert not bad, f"{name}: columns without a unit suffix or a declared unitless name: {bad}"
    hidden = sorted(c for c in unitless if UNIT_IN_NAME.search(c))
    assert not hidden, f"{name}: declared unitless but named with a unit: {hidden}"


@pytest.mark.parametrize("name", list(REGISTRY))
def test_soc_stays_in_the_window(name):
    table, _ = rows(name)
    columns = [c for c in table.columns if c.endswith("soc") or c.endswith("soc_pct")]
    for _, row in table.iterrows():
        battery = spec_of(row).battery
        for column in columns:
            soc = row[column] / (100.0 if column.endswith("_pct") else 1.0)
            assert battery.soc_min - SOC_TOLERANCE <= soc <= battery.soc_max + SOC_TOLERANCE, (
                name,
                row["vehicle_id"],
                column,
                soc,
            )


@pytest.mark.parametrize("name", list(REGISTRY))
def test_pack_voltage_within_cell_limits_times_series(name):
    table, _ = rows(name)
    for _, row in table.iterrows():
        spec = spec_of(row)
        series = pack_of(spec).cells_in_series
        chem = load_chemistry(spec.battery.chemistry)
        for column in (c for c in table.columns if c.endswith("_v")):
            assert series * chem.min_voltage_v <= row[column] <= series * chem.max_voltage_v, (
                name,
                row["vehicle_id"],
                column,
            )


def _cycle_balance(table: pd.DataFrame) -> None:
    """Cells' chemical energy = terminal energy + battery losses = every sink (wheel work by
    road-load term, kinetic change and each loss)."""
    battery_losses = table["battery_ohmic_loss_kwh"] + table["battery_polarization_loss_kwh"]
    np.testing.assert_allclose(
        table["battery_energy_kwh"] + battery_losses, table["chemical_energy_kwh"], rtol=1e-9
    )
    from bevsim.procedures.cycle_run import LOSS_COLUMNS

    sinks = sum(table[c] for c in LOSS_COLUMNS)
    np.testing.assert_allclose(sinks, table["chemical_energy_kwh"], rtol=1e-3)
    np.testing.assert_allclose(
        table["consumption_kwh_per_100km"],
        table["battery_energy_kwh"] / table["distance_km"] * 100.0,
        rtol=1e-12,
    )


def _range_balance(table: pd.DataFrame) -> None:
    """Terminal energy out of the pack = road-load work + drivetrain losses + HVAC + pack
    heating + accessories (the kinetic energy left at break-off is small); the grid gives more
    than the pack delivered (charging losses); consumption = recharge / range."""
    uses = (
        table["traction_kwh"]
        + table["drivetrain_losses_kwh"]
        + table["cabin_hvac_kwh"]
        + table["battery_heating_kwh"]
        + table["accessories_kwh"]
    )
    np.testing.assert_allclose(uses, table["battery_energy_kwh"], rtol=1e-2)
    assert (table["battery_losses_kwh"] > 0).all()
    assert (table["recharge_energy_kwh"] > table["battery_energy_kwh"]).all()
    if "cycles_driven" in table:  # EPA's consumption is the label's (adjusted)
        np.testing.assert_allclose(
            table["consumption_kwh_per_100km"],
            table["recharge_energy_kwh"] / table["range_km"] * 100.0,
            rtol=1e-12,
        )


def _winter_balance(table: pd.DataFrame) -> None:
    """As a range test; and in the cold the cabin HVAC draws energy and the range is below
    23 degC's."""
    _range_balance(table)
    assert (table["cabin_hvac_kwh"] > 0).all()
    assert (table["range_retained"] < 1.0).all()


def _everyday_balance(table: pd.DataFrame) -> None:
    """Over the day's trips (each from and to a standstill) the terminal energy went to the road,
    the drive unit and brakes, the cabin, the pack heater and the base loads; the wall pays more;
    per 100 km is the day's energy over its distance."""
    into = (
        table["traction_kwh"]
        + table["drivetrain_losses_kwh"]
        + table["cabin_hvac_kwh"]
        + table["battery_heating_kwh"]
        + table["accessories_kwh"]
    )
    np.testing.assert_allclose(into, table["battery_energy_kwh"], rtol=2e-3)
    assert (table["recharge_energy_kwh"] > table["battery_energy_kwh"]).all()
    np.testing.assert_allclose(
        table["battery_consumption_kwh_per_100km"],
        100.0 * table["battery_energy_kwh"] / table["day_distance_km"],
        rtol=1e-12,
    )


def _perf_balance(table: pd.DataFrame) -> None:
    """No energy columns: the times and speeds must be consistent with each other instead
    (0-60 mph, 96.6 km/h, comes before 0-100 km/h; the limited top speed is at most the
    physical one; the steepest grade falls with speed)."""
    assert (table["accel_0_60_mph_s"] < table["accel_0_100_kmh_s"]).all()
    assert (table["top_speed_kmh"] <= table["top_speed_physical_kmh"]).all()
    assert (table["grade_0kmh_pct"] >= table["grade_30kmh_pct"]).all()
    assert (table["grade_30kmh_pct"] >= table["grade_80kmh_pct"]).all()


def _charge_balance(table: pd.DataFrame) -> None:
    """Energy stored in the cells = terminal energy in - battery losses; the inlet gives at
    least what reached the terminals (standby and heating come from it too), the grid more."""
    np.testing.assert_allclose(
        table["stored_energy_kwh"],
        table["battery_energy_kwh"] - table["battery_loss_kwh"],
        rtol=1e-9,
    )
    assert (table["energy_kwh"] >= table["battery_energy_kwh"]).all()
    assert (table["grid_energy_kwh"] > table["energy_kwh"]).all()
    hours = table["time_min"] / 60.0
    np.testing.assert_allclose(table["avg_power_kw"], table["energy_kwh"] / hours, rtol=1e-9)
    assert (table["peak_power_kw"] >= table["avg_power_kw"]).all()


def _autonomy_balance(table: pd.DataFrame) -> None:
    """The stack costs range: cost = range without - range with, a positive share."""
    np.testing.assert_allclose(
        table["cost_km"], table["range_without_km"] - table["range_with_km"], rtol=1e-12
    )
    np.testing.assert_allclose(
        table["cost_pct"], 100.0 * table["cost_km"] / table["range_without_km"], rtol=1e-12
    )
    assert (table["cost_km"] > 0).all() and (table["stack_power_w"] > 0).all()


BALANCES = {
    "cycle": _cycle_balance,
    "cltc": _range_balance,
    "wltp": _range_balance,
    "epa": _range_balance,
    "winter": _winter_balance,
    "everyday": _everyday_balance,
    "perf": _perf_balance,
    "charge": _charge_balance,
    "autonomy": _autonomy_balance,
}


@pytest.mark.parametrize("name", list(REGISTRY))
def test_energy_closes(name):
    assert name in BALANCES, f"procedure {name} has no energy/consistency check in {__file__}"
    table, _ = rows(name)
    BALANCES[name](table)


def test_balance_checks_detect_a_broken_row():
    """The range check is not vacuous: 5 % more traction than the pack gave is caught."""
    table, _ = rows("cltc")
    broken = table.copy()
    broken.loc[0, "traction_kwh"] *= 1.05
    with pytest.raises(AssertionError):
        _range_balance(broken)
