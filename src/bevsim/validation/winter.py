"""Winter validation: bevsim against published cold-weather figures, and where the MS11's
sodium-ion pack gains on its LFP sibling in the cold.

Each published figure (``bevsim.validation.winter_reference``) is run on its library car with
the thermal fields the row sets:

- a range procedure (epa, cltc, wltp, ftp75) through the procedure registry's ``winter``
  procedure at the cold and the reference ambient [degC];
- a constant-speed drive to depletion (a ramp, an hour at the speed, a stop, back to back,
  broken off as the CLTC's 4 s rule) through the façade, at curb mass + the row's load [kg]
  with its occupants, on a public road: the row's surface, tyres and wind, else the public-road
  defaults (bevsim.engine.road_conditions: dry public asphalt, mean wind);
- an everyday drive: a day of short trips with the car parked and cooling between them
  (procedures.everyday) on a public road, the row's trips or the procedure's defaults; the
  season's tyres: the row's ``winter_tires`` at the cold ambient only, the car's own at the
  reference ambient (winter tyres are for winter roads: StVO section 2 (3a));
- parked heating: the car standing at the cold ambient with the cabin held at its setpoint,
  the mean battery power of the HVAC, the pack's heater and the base loads [kW].

Retention is the cold range over the baseline's range, or for a consumption retention the
baseline's battery energy per km over the cold one. Baseline ``same_drive``: the same drive at
the reference ambient with the same HVAC setting; ``official``: the rating procedure (cltc,
wltp) at 23 degC without HVAC, as bevsim simulates it.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from bevsim.cycles import Cycle, load_cycle
from bevsim.engine.facade import (
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    compile_vehicles,
    run_cycle,
)
from bevsim.procedures import cltc, everyday, wltp
from bevsim.procedures.depletion import drive_to_depletion
from bevsim.procedures.range_common import Environment, range_rows
from bevsim.procedures.registry import get_procedure
from bevsim.spec import VehicleSpec, load_vehicle, pack_of, vehicle_from_dict
from bevsim.units import J_PER_KWH
from bevsim.validation.winter_reference import WinterFigure

CONSTANT_SPEED_HOLD_S = 3600.0
"""Each repetition of a constant-speed drive holds the speed this long [s] between a ramp up
and a stop (a stop an hour, as a driver's break; the kernel's break-off needs a trace)."""
RAMP_MPS2 = 1.0
"""Acceleration and deceleration of the ramps [m/s^2], well within every library car's."""
BREAK_OFF_S = 4.0
"""The CLTC's and WLTP's break-off rule: 4 s more than 2 km/h below the trace [s]."""


def winter_spec(figure: WinterFigure) -> VehicleSpec:
    """The row's library car with the thermal fields the row sets (e.g. the PTC heater the
    tested car had)."""
    data = load_vehicle(figure.vehicle_id).model_dump(exclude_none=True)
    data["thermal"].update(dict(figure.thermal))
    return vehicle_from_dict(data)


def constant_speed_cycle(speed_kmh: float) -> Cycle:
    """Ramp up to ``speed_kmh`` [km/h], hold it CONSTANT_SPEED_HOLD_S, ramp down to a stop
    (1 s samples, level road)."""
    speed_mps = speed_kmh / 3.6
    ramp_s = int(np.ceil(speed_mps / RAMP_MPS2))
    ramp = np.minimum(RAMP_MPS2 * np.arange(ramp_s + 1), speed_mps)
    speed = np.concatenate(
        [ramp, np.full(int(CONSTANT_SPEED_HOLD_S), speed_mps), ramp[::-1], [0.0]]
    )
    time_s = np.arange(len(speed), dtype=float)
    return Cycle(f"constant {speed_kmh:g} km/h", time_s, speed, np.zeros(len(speed)))


def constant_speed_depletion(
    spec: VehicleSpec, figure: WinterFigure, ambient_c: float
) -> pd.Series:
    """Range row (range_rows' columns) of the row's constant-speed drive to depletion at
    ``ambient_c`` [degC]."""
    env = Environment(
        ambient_c,
        figure.hvac_on,
        figure.precondition,
        winter_tires=figure.winter_tires,
        **public_road(figure),
    )
    conditions = replace(
        env.conditions(spec, spec.mass.curb_kg + figure.load_kg), occupants=figure.occupants
    )
    cycle = constant_speed_cycle(figure.speed_kmh)
    result = drive_to_depletion([spec], cycle, [conditions], BREAK_OFF_S, cycle.name)
    return range_rows([spec], result, cycle.name, ambient_c).iloc[0]


def public_road(figure: WinterFigure) -> dict:
    """The road of a road drive: the row's surface and mean wind [m/s], else the public-road
    defaults (dry public asphalt, PUBLIC_ROAD_WIND_SPEED_MPS)."""
    wind = figure.wind_speed_mps
    return {
        "road_surface": figure.road_surface or PUBLIC_ASPHALT,
        "wind_speed_mps": PUBLIC_ROAD_WIND_SPEED_MPS if wind is None else wind,
    }


def everyday_day(figure: WinterFigure) -> dict:
    """The row's day: trips_per_day, trip_km [km] and parked_h [h], the procedure's defaults
    where the row gives none."""
    defaults = {
        "trips_per_day": everyday.DEFAULT_TRIPS_PER_DAY,
        "trip_km": everyday.DEFAULT_TRIP_KM,
        "parked_h": everyday.DEFAULT_PARKED_H,
    }
    return {k: d if getattr(figure, k) is None else getattr(figure, k) for k, d in defaults.items()}


def everyday_consumption(
    spec: VehicleSpec, figure: WinterFigure, ambient_c: float, winter_tires: bool
) -> pd.Series:
    """The everyday procedure's row (battery and wall kWh/100 km) for the row's day of trips at
    ``ambient_c`` [degC], on winter tyres or the car's own."""
    rows = everyday.everyday_test(
        [spec],
        ambient_c,
        hvac_on=figure.hvac_on,
        precondition=figure.precondition,
        winter_tires=winter_tires,
        load_kg=figure.load_kg,
        **public_road(figure),
        **everyday_day(figure),
    )
    return rows.iloc[0]


def parked_heating_kw(spec: VehicleSpec, figure: WinterFigure) -> float:
    """Mean battery power [kW] of the HVAC, the pack's heater and the base loads, parked at the
    row's ambient for its duration with the cabin held at its setpoint."""
    steps = int(3600.0 * figure.duration_h) + 1
    parked = Cycle("parked", np.arange(steps, dtype=float), np.zeros(steps), np.zeros(steps))
    env = Environment(figure.ambient_c, figure.hvac_on, figure.precondition)
    conditions = replace(
        env.conditions(spec, spec.mass.curb_kg + figure.load_kg), occupants=figure.occupants
    )
    out = run_cycle(compile_vehicles([spec], [conditions]), parked)
    sinks = ("cabin_hvac_energy_j", "battery_thermal_energy_j", "accessory_energy_j")
    energy_j = sum(float(out.total(name)[0]) for name in sinks)
    return energy_j / (3600.0 * figure.duration_h) / 1000.0


def _procedure_runs(spec: VehicleSpec, figure: WinterFigure) -> tuple[pd.Series, pd.Series]:
    """The winter procedure's rows (range, consumption) for the row's procedure at its
    ambient and at the reference ambient."""
    temps = (figure.ambient_c, figure.reference_ambient_c)
    rows = get_procedure("winter").run(
        [spec],
        temps_c=temps,
        procedure=figure.drive,
        precondition=figure.precondition,
        hvac_on=figure.hvac_on,
    )
    by_temp = rows.set_index("ambient_temp_c")
    return by_temp.loc[temps[0]], by_temp.loc[temps[1]]


def _rating_range_km(spec: VehicleSpec, procedure: str) -> float:
    """The car's range [km] on its rating procedure at 23 degC without HVAC (registry)."""
    return float(get_procedure(procedure).run([spec])["range_km"].iloc[0])


def predict(figure: WinterFigure) -> float:
    """bevsim's value of the row's figure: a retention [-] or a heating power [kW]."""
    spec = winter_spec(figure)
    if figure.kind == "parked_heating_power":
        return parked_heating_kw(spec, figure)
    if figure.drive == "everyday":
        cold = everyday_consumption(spec, figure, figure.ambient_c, figure.winter_tires)
        warm = everyday_consumption(spec, figure, figure.reference_ambient_c, False)
    elif figure.drive == "constant_speed":
        cold = constant_speed_depletion(spec, figure, figure.ambient_c)
        if figure.baseline == "same_drive":
            warm = constant_speed_depletion(spec, figure, figure.reference_ambient_c)
    elif figure.baseline == "same_drive":
        cold, warm = _procedure_runs(spec, figure)
    else:
        cold = _procedure_runs(spec, figure)[0]
    if figure.baseline == "official":
        return float(cold["range_km"]) / _rating_range_km(spec, figure.baseline_procedure)
    if figure.kind == "consumption_retention":
        column = "battery_consumption_kwh_per_100km"
        return float(warm[column] / cold[column])
    return float(cold["range_km"] / warm["range_km"])


def winter_validation_table(figures: list[WinterFigure]) -> pd.DataFrame:
    """One row per published figure: published, bevsim, the error (retention: percentage
    points; power: percent), the tolerance in the same unit and whether it is within."""
    rows = []
    for figure in figures:
        predicted = predict(figure)
        if figure.is_retention:
            error, unit = 100.0 * (predicted - figure.published), "pp"
        else:
            error, unit = 100.0 * (predicted / figure.published - 1.0), "%"
        rows.append(
            {
                "id": figure.id,
                "vehicle_id": figure.vehicle_id,
                "kind": figure.kind,
                "published": figure.published,
                "bevsim": predicted,
                "error": error,
                "error_unit": unit,
                "tolerance": 100.0 * figure.tolerance,
                "within_tolerance": abs(error) <= 100.0 * figure.tolerance,
                "why_missed": figure.why_missed,
            }
        )
    return pd.DataFrame(rows)


MS11 = ("ms11-lfp", "ms11-naion")
RANGE = "range [km]"
ENERGY_DRAWN = "chemical energy drawn from the cells [kWh]"
MS11_TEMPS_C = (-20.0, -7.0)


def ms11_retention(procedure: str, hvac_on: bool) -> pd.DataFrame:
    """Range retention of the two MS11 packs vs 23 degC, cold-soaked, on ``procedure``, at
    MS11_TEMPS_C: rows (ambient_temp_c, vehicle_id, range_km, range_retained)."""
    rows = get_procedure("winter").run(
        list(MS11), temps_c=MS11_TEMPS_C, procedure=procedure, hvac_on=hvac_on
    )
    return rows[["ambient_temp_c", "vehicle_id", "range_km", "range_retained"]]


PER_100KM = " [kWh/100 km]"
PACK_HEAT_RECOVERED = "cells' heat taken to the cabin (heat, not drawn)" + PER_100KM
"""A heat flow, not a sink of the energy drawn: the part of the cell losses the cabin took."""
BREAKDOWN = {  # row -> (kernel totals summed [J], per 100 km rather than over the drive)
    "traction at the wheels: aero, rolling" + PER_100KM: (
        ("aero_energy_j", "rolling_energy_j"),
        True,
    ),
    "drive-unit loss: motor, driveline" + PER_100KM: (("motor_loss_j", "driveline_loss_j"), True),
    "friction braking: regen not taken" + PER_100KM: (("friction_brake_energy_j",), True),
    "cell resistive loss" + PER_100KM: (
        ("battery_ohmic_loss_j", "battery_polarization_loss_j"),
        True,
    ),
    "cabin HVAC electricity" + PER_100KM: (("cabin_hvac_energy_j",), True),
    "pack heater electricity" + PER_100KM: (("battery_thermal_energy_j",), True),
    "base low-voltage loads" + PER_100KM: (("accessory_energy_j",), True),
    ENERGY_DRAWN: (("chemical_energy_j",), False),
}
"""The energy breakdown's rows from the kernel's totals (engine/layout.py TOTAL_COLUMNS):
per 100 km where True, over the whole depletion drive [kWh] otherwise."""


def ms11_energy_breakdown(procedure: str = "cltc", temps_c=(23.0, *MS11_TEMPS_C)) -> pd.DataFrame:
    """Where the energy went on a heated, cold-soaked depletion drive of ``procedure``: one row
    per BREAKDOWN entry and per car and temperature [kWh/100 km or kWh], with the range [km],
    the regenerated shaft energy [kWh/100 km], the window energy left unreachable at the
    cut-off [kWh] (gross energy times the SOC left above soc_min) and the end cell temperature
    [degC]. Columns: item, vehicle_id, ambient_temp_c, value."""
    module = {"cltc": cltc, "wltp": wltp}[procedure]
    specs = [load_vehicle(vid) for vid in MS11]
    cycle = load_cycle(module.CYCLE)
    rows = []
    for temp in temps_c:
        env = Environment(temp, hvac_on=True)
        conditions = [env.conditions(s, module.test_mass_kg(s)) for s in specs]
        drive = drive_to_depletion(specs, cycle, conditions, module.BREAK_OFF_S, procedure).drive
        for spec, (_, total) in zip(specs, drive.iterrows(), strict=True):
            per_100km = 100.0 / (total["distance_m"] / 1000.0)
            values = {RANGE: total["distance_m"] / 1000.0}
            for item, (columns, per_km) in BREAKDOWN.items():
                kwh = sum(total[c] for c in columns) / J_PER_KWH
                values[item] = kwh * per_100km if per_km else kwh
            values["regenerated at the motor shaft" + PER_100KM] = (
                total["regen_energy_j"] / J_PER_KWH * per_100km
            )
            values[PACK_HEAT_RECOVERED] = total["pack_heat_recovered_j"] / J_PER_KWH * per_100km
            left_soc = max(total["final_soc"] - spec.battery.soc_min, 0.0)
            values["window energy left at the cut-off [kWh]"] = (
                pack_of(spec).gross_energy_wh * left_soc / 1000.0
            )
            values["cell temperature at the end [degC]"] = total["final_cell_temp_c"]
            rows += [
                {"item": k, "vehicle_id": spec.id, "ambient_temp_c": temp, "value": v}
                for k, v in values.items()
            ]
    return pd.DataFrame(rows)
