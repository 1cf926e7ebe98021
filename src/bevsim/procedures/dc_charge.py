"""DC fast charging from one SOC to another (the procedure behind ``bevsim charge``).

Conditions: the car has stood at the ambient temperature (cells soaked at ambient) or, with
``precondition``, arrives with its cells warmed to PRECONDITION_TARGET_C by its own heater on
the way to the charger (the energy that took is reported, not charged to the session). The
charger offers ``charger_kw`` [kW] and up to ``charger_max_current_a`` [A] between
CHARGER_VOLTAGE_RANGE_V; the car takes what its inlet limits, the pack limit, the cells' DC
charge map at their SOC and temperature, the car's DC power curve (its file's measured one, or
its chemistry's class-default taper times its DC peak: chemistry/dc_taper.py) and the cell
voltage ceiling allow (engine/dc_charging.py). During the session the BMS heats the pack below
DC_HEATING_BELOW_C from the charger's power, and the chiller cools it above the vehicle's
battery_cooling_above_c.

Reported: time [min] and energy [kWh] from start to target SOC, average and peak power [kW] at
the inlet, energy stored, battery losses, heating, and the trace (1-s steps).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from bevsim.chemistry import load_chemistry
from bevsim.chemistry.dc_taper import class_default_curve
from bevsim.engine.facade import (
    DC_LIMITERS,
    DC_TRACE,
    Conditions,
    DcSession,
    compile_vehicles,
    dc_charge,
    refuse_outside_tables,
)
from bevsim.errors import BevsimError
from bevsim.procedures.finite import finite_results
from bevsim.spec import VehicleSpec, load_vehicle, pack_of
from bevsim.units import J_PER_KWH

DT_S = 1.0
UNDEFINED_WITHOUT_CURRENT = ("first_current_after_s", "avg_power_kw")
"""NaN when no current flowed (the pack accepted nothing) or the session took no time."""
MAX_SESSION_H = 6.0
DEFAULT_CHARGER_MAX_CURRENT_A = 500.0
CHARGER_VOLTAGE_RANGE_V = (150.0, 920.0)
"""Output window of a current high-power CCS charger: 500 A, 150-920 V (ABB Terra 360 class;
Alpitronic HYC300 150-1000 V) [class-typical, unverified per model]."""
CHARGER_EFFICIENCY = 0.95
"""Grid-to-DC efficiency of the off-board charger [class-typical: HPC cabinets are quoted at
95-96 % peak]; only used for the grid-energy column."""
PRECONDITION_TARGET_C = 30.0
DC_HEATING_BELOW_C = 20.0
"""Cell temperatures for fast charging: packs are brought to "typically 20-30 degC" before a DC
session (Midtronics, "Battery preconditioning", midtronics.com/blog/battery-preconditioning-ev-
performance-testing: "ideal operating temperature (68-86 degF)"; cars-data.com glossary
"Battery preconditioning": "target temperature, typically somewhere around 20 to 30 degrees
Celsius"). Preconditioning warms to the top of that window; during a session the BMS heats
below its bottom (the vehicle's own battery_heating_below_c when that is higher)."""
HEATING_BELOW_COOLING_K = 5.0
"""During a session the heating threshold stays this far below the vehicle's
battery_cooling_above_c [K], so that heater and chiller never take turns around one
temperature (a pack with a low cooling threshold heats less, never up to it)."""


class ChargeError(BevsimError):
    """A DC charging request that cannot be run (bad input, or a target the car cannot reach)."""


@dataclass(frozen=True)
class DcChargeResult:
    """One session: the summary row (units in keys) and the 1-s trace."""

    summary: dict
    trace: pd.DataFrame


def dc_charge_test(
    vehicle: str | Path | VehicleSpec,
    from_soc: float = 0.10,
    to_soc: float = 0.80,
    charger_kw: float = 250.0,
    ambient_temp_c: float = 23.0,
    precondition: bool = False,
    charger_max_current_a: float = DEFAULT_CHARGER_MAX_CURRENT_A,
) -> tuple[dict, pd.DataFrame]:
    """DC charge ``vehicle`` from ``from_soc`` to ``to_soc`` [-, fractions] on a charger of
    ``charger_kw`` [kW] and ``charger_max_current_a`` [A] at ``ambient_temp_c`` [degC].

    Returns (summary row, trace). The summary holds ``time_min``, ``energy_kwh`` (DC energy
    from the charger), ``avg_power_kw``, ``peak_power_kw`` and the energy breakdown; the trace
    holds time_s, power_kw, current_a, voltage_v, soc, cell_temp_c and what limited each step.
    Raises ChargeError for impossible input or a target the car cannot reach.
    """
    result = dc_charge_run(
        vehicle, from_soc, to_soc, charger_kw, ambient_temp_c, precondition, charger_max_current_a
    )
    return result.summary, result.trace


def dc_charge_run(
    vehicle: str | Path | VehicleSpec,
    from_soc: float = 0.10,
    to_soc: float = 0.80,
    charger_kw: float = 250.0,
    ambient_temp_c: float = 23.0,
    precondition: bool = False,
    charger_max_current_a: float = DEFAULT_CHARGER_MAX_CURRENT_A,
) -> DcChargeResult:
    """As dc_charge_test, as a DcChargeResult."""
    spec = load_vehicle(vehicle)
    chem = load_chemistry(spec.battery.chemistry)
    _check_inputs(spec, chem, from_soc, to_soc, charger_kw, ambient_temp_c, charger_max_current_a)
    pack = pack_of(spec)
    thermal = spec.thermal
    start_cell_c = ambient_temp_c
    if precondition:
        if thermal.battery_heater_kw <= 0.0:
            raise ChargeError(
                f"{spec.id}: cannot precondition: thermal.battery_heater_kw is 0 (no pack heater)"
            )
        start_cell_c = max(ambient_temp_c, PRECONDITION_TARGET_C)
    batch = compile_vehicles(
        [spec],
        Conditions(ambient_temp_c=ambient_temp_c, cell_temp_c=start_cell_c, initial_soc=from_soc),
    )
    heat_below = max(
        thermal.battery_heating_below_c,
        min(DC_HEATING_BELOW_C, thermal.battery_cooling_above_c - HEATING_BELOW_COOLING_K),
    )
    ceiling_v = pack.cells_in_series * chem.max_voltage_v
    ceiling_v = min(ceiling_v, CHARGER_VOLTAGE_RANGE_V[1])
    if spec.charging.dc_max_voltage_v is not None:
        ceiling_v = min(ceiling_v, spec.charging.dc_max_voltage_v)
    start_v = pack.cells_in_series * float(chem.ocv_at(from_soc))
    if start_v >= ceiling_v:
        raise ChargeError(
            f"{spec.id}: pack voltage {start_v:.0f} V at {from_soc:.0%} SOC is at or above the "
            f"highest charging voltage {ceiling_v:.0f} V (charger up to "
            f"{CHARGER_VOLTAGE_RANGE_V[1]:g} V, charging.dc_max_voltage_v)"
        )
    vehicle_kw = spec.charging.dc_max_power_kw
    curve_soc, curve_w, curve_replaces_map = _power_curve(spec, chem.id)
    session = DcSession(
        from_soc=float(from_soc),
        to_soc=float(to_soc),
        charger_power_w=1000.0 * charger_kw,
        charger_max_current_a=float(charger_max_current_a),
        vehicle_max_power_w=None if vehicle_kw is None else 1000.0 * vehicle_kw,
        vehicle_max_current_a=spec.charging.dc_max_current,
        voltage_ceiling_v=ceiling_v,
        standby_power_w=spec.charging_standby_w,
        heating_below_c=heat_below,
        dt_s=DT_S,
        max_duration_s=MAX_SESSION_H * 3600.0,
        curve_soc=curve_soc,
        curve_power_w=curve_w,
        curve_replaces_map=curve_replaces_map,
    )
    out = dc_charge(batch, session)
    tot = out.totals
    frame = _trace_frame(out.trace, from_soc, start_cell_c)
    if tot["reached_target"] < 0.5:
        raise ChargeError(_not_reached_message(spec, tot, frame, to_soc, heat_below))
    summary = _summary(spec, chem.id, tot, frame, from_soc, to_soc, charger_kw, ambient_temp_c)
    summary["precondition"] = bool(precondition)
    summary["start_cell_temp_c"] = start_cell_c
    # Heat the pack heater (COP 1, from the traction battery) put in on the way [kWh].
    summary["precondition_energy_kwh"] = float(
        batch.column("pack_heat_capacity_j_per_k")[0] * (start_cell_c - ambient_temp_c) / J_PER_KWH
    )
    finite_results(pd.DataFrame([summary]), "DC charge", UNDEFINED_WITHOUT_CURRENT)
    return DcChargeResult(summary, frame)


def _power_curve(spec, chemistry_id: str) -> tuple[np.ndarray, np.ndarray, bool]:
    """The car's DC power curve as (SOC [-], inlet power [W], whether it replaces the chemistry's
    DC map): the vehicle file's measured curve (replaces), else the class-default taper of
    ``chemistry_id`` times the car's DC peak (charging.dc_max_power_kw, else
    battery.max_charge_power_kw; caps the map); empty where the file gives neither peak or the
    chemistry has no default."""
    curve = spec.charging.dc_power_curve
    if curve is not None:
        points = np.array(curve, dtype=float)
        return points[:, 0] / 100.0, points[:, 1] * 1000.0, True
    peak_kw = spec.charging.dc_max_power_kw or spec.battery.max_charge_power_kw
    if peak_kw is None:
        return np.zeros(0), np.zeros(0), False
    soc, power_w = class_default_curve(chemistry_id, 1000.0 * peak_kw)
    return soc, power_w, False


def _check_inputs(spec, chem, from_soc, to_soc, charger_kw, ambient_temp_c, charger_a) -> None:
    for name, value in (("from_soc", from_soc), ("to_soc", to_soc)):
        if not (isinstance(value, int | float) and math.isfinite(value) and 0.0 <= value <= 1.0):
            raise ChargeError(f"{name}: expected a state of charge from 0 to 1, got {value}")
    if to_soc <= from_soc:
        raise ChargeError(
            f"target SOC {to_soc:.0%} is not above the start SOC {from_soc:.0%}: nothing to charge"
        )
    soc_min, soc_max = spec.battery.soc_min, spec.battery.soc_max
    if from_soc < soc_min:
        raise ChargeError(f"start SOC {from_soc:.0%} is below {spec.id}'s soc_min {soc_min:.0%}")
    if to_soc > soc_max + 1e-12:
        raise ChargeError(
            f"target SOC {to_soc:.0%} is above {spec.id}'s soc_max {soc_max:.0%} "
            "(the top of its usable window)"
        )
    if not (math.isfinite(charger_kw) and charger_kw > 0.0):
        raise ChargeError(f"charger power: expected more than 0 kW, got {charger_kw:g} kW")
    if charger_kw > 2000.0:
        raise ChargeError(f"charger power: expected at most 2000 kW, got {charger_kw:g} kW")
    if 1000.0 * charger_kw <= spec.charging_standby_w:
        raise ChargeError(
            f"charger power {charger_kw:g} kW does not cover {spec.id}'s standby load "
            f"({spec.charging_standby_w:g} W, charging.standby_power_w or accessories.charging_*)"
        )
    if not (math.isfinite(charger_a) and charger_a > 0.0):
        raise ChargeError(f"charger current: expected more than 0 A, got {charger_a:g} A")
    refuse_outside_tables(chem, ambient_temp_c, f"{spec.id}: ambient temperature")


def _trace_frame(rows: np.ndarray, soc0: float, cell0_c: float) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=DC_TRACE)
    start = pd.DataFrame([{name: 0.0 for name in DC_TRACE} | {"soc": soc0, "cell_temp_c": cell0_c}])
    if len(frame):
        start.loc[0, "voltage_v"] = frame["ocv_v"].iloc[0]
        start.loc[0, "ocv_v"] = frame["ocv_v"].iloc[0]
        start.loc[0, "limiter"] = frame["limiter"].iloc[0]
    frame = pd.concat([start, frame], ignore_index=True)
    frame["power_kw"] = frame["inlet_power_w"] / 1000.0
    frame["battery_power_kw"] = frame["battery_power_w"] / 1000.0
    frame["limiter"] = [DC_LIMITERS[int(code)] for code in frame["limiter"]]
    return frame


def _summary(spec, chem_id, tot, frame, from_soc, to_soc, charger_kw, ambient_temp_c) -> dict:
    hours = tot["duration_s"] / 3600.0
    energy_kwh = tot["inlet_energy_j"] / J_PER_KWH
    current = frame["current_a"].to_numpy()[1:]
    charging = np.flatnonzero(current > 1e-9)
    # The first step with current starts one step before its (end-of-step) time stamp.
    first_current_s = (
        float(frame["time_s"].iloc[1 + charging[0]]) - DT_S if len(charging) else math.nan
    )
    limiter_counts = frame["limiter"].iloc[1:].value_counts()
    return {
        "vehicle_id": spec.id,
        "vehicle": spec.name,
        "chemistry": chem_id,
        "from_soc_pct": 100.0 * from_soc,
        "to_soc_pct": 100.0 * to_soc,
        "charger_kw": float(charger_kw),
        "ambient_temp_c": float(ambient_temp_c),
        "time_min": tot["duration_s"] / 60.0,
        "energy_kwh": energy_kwh,
        "grid_energy_kwh": energy_kwh / CHARGER_EFFICIENCY,
        "battery_energy_kwh": tot["terminal_energy_j"] / J_PER_KWH,
        "stored_energy_kwh": tot["chemical_energy_j"] / J_PER_KWH,
        "battery_loss_kwh": tot["battery_loss_j"] / J_PER_KWH,
        "pack_thermal_kwh": tot["thermal_energy_j"] / J_PER_KWH,
        "standby_kwh": tot["standby_energy_j"] / J_PER_KWH,
        "avg_power_kw": energy_kwh / hours if hours > 0 else math.nan,
        "peak_power_kw": tot["peak_inlet_power_w"] / 1000.0,
        "first_current_after_s": first_current_s,
        "max_cell_temp_c": tot["max_cell_temp_c"],
        "final_cell_temp_c": tot["final_cell_temp_c"],
        "mostly_limited_by": str(limiter_counts.index[0]) if len(limiter_counts) else None,
    }


def _not_reached_message(spec, tot, frame, to_soc, heat_below) -> str:
    soc = tot["final_soc"]
    cell_c = tot["final_cell_temp_c"]
    if tot["duration_s"] >= MAX_SESSION_H * 3600.0 - DT_S:
        why = f"the session ran past {MAX_SESSION_H:g} h"
    else:
        why = (
            f"the pack accepts less than C/20 at {soc:.0%} SOC and {cell_c:.1f} C and its "
            f"heater (thermal.battery_heater_kw {spec.thermal.battery_heater_kw:g}, heats "
            f"below {heat_below:g} C) cannot warm it"
        )
    return f"{spec.id}: cannot charge to {to_soc:.0%}: {why}"
