"""Everyday use: a day of short trips, the car parked and cooling between them.

A day is ``trips_per_day`` trips of ``trip_km`` [km] each, on a public road, with the car
parked ``parked_h`` [h] between two trips of the day and overnight for the rest of the 24 h.
Each trip is the WLTC class 3b driven from its start to the standstill nearest ``trip_km``
(repeated when longer): short trips are its low and medium phases, urban driving; longer ones
add the high and extra-high phases. While parked the cabin, pack and tyres relax toward ambient
(engine.soak.key_off_soak: car off, no heating); each trip heats the cabin and pack again from
where the park left them. The car starts every day full (charged overnight); a first day is
driven only to reach the day-to-day state (the pack's time constant is hours, so an overnight
park does not cool it to ambient), and the day reported is the second: its battery energy per
km, and from the wall the AC recharge to full after it through the charging model.

Sources of the defaults (docs/research/winter.md, section 10 "Everyday use"):
- trip length 15 km: the mean car trip of Mobilität in Deutschland (MiD 2002 Ergebnistelegramm,
  BMVBW, via bpb.de "Daten zum motorisierten Individualverkehr": about 15 km, half shorter than
  6 km, door to door 33 km/h). The WLTC to its stop nearest 15 km is its low, medium and high
  phases: 15.0 km at a mean 36.6 km/h while moving and standing, near MiD's 33 km/h door to door.
- 3 trips a day: a German car's mean 39 km a day (DAT, 14,300 km in 2012, via
  autoservicepraxis.de) over 15 km a trip, 2.6, rounded up.
- 2 h parked between two trips of the day [unverified]: a judgement, a few trips spread over a
  day's waking hours; no published parking-time figure was found.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from bevsim.cycles import Cycle, load_cycle
from bevsim.engine.facade import (
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    TOTAL_COLUMNS,
    CompiledBatch,
    VehicleState,
    compile_vehicles,
    key_off_soak,
    run_cycle,
)
from bevsim.errors import BevsimError
from bevsim.procedures.depletion import ProcedureError, recharge_to_full
from bevsim.procedures.finite import finite_results
from bevsim.procedures.range_common import ENERGY_USE, PRECONDITION_CELL_TEMP_C, Environment
from bevsim.spec import VehicleSpec, load_vehicles
from bevsim.units import J_PER_KWH

NAME = "everyday"
TRIP_CYCLE = "wltc-3b"
DEFAULT_TRIP_KM = 15.0
"""Mean car trip in Germany [km] (MiD 2002 via bpb.de; module docstring)."""
DEFAULT_TRIPS_PER_DAY = 3
"""Trips a day [-]: 39 km a day (DAT 2012) over DEFAULT_TRIP_KM, rounded up."""
DEFAULT_PARKED_H = 2.0
"""Parked between two trips of the day [h] [unverified]: a judgement (module docstring)."""
DEFAULT_LOAD_KG = 100.0
"""Driver and luggage [kg], as the cycle run's load (GB/T 18386.1's test load)."""
MAX_TRIPS_PER_DAY = 24
MAX_TRIP_KM = 500.0
DAY_S = 86_400.0
WARM_UP_DAYS = 1
"""Days driven before the day reported, to reach the day-to-day start temperatures [-]."""
BREAK_OFF_S = 4.0
"""A trip the car cannot follow (4 s more than 2 km/h below the trace) is refused [s]."""
SUMMED = tuple(c for c in TOTAL_COLUMNS if c.endswith("_j") or c == "distance_m")
"""Kernel totals that add up over the trips of a day (energies [J], distance [m])."""


def trip_cycle(trip_km: float) -> Cycle:
    """One trip: the WLTC class 3b from its start to its standstill nearest ``trip_km`` [km]
    (repeated back to back when the trip is longer than one WLTC)."""
    _check_range("trip_km", trip_km, 0.0, MAX_TRIP_KM, "km", strict=True)
    base = load_cycle(TRIP_CYCLE)
    repeats = max(1, math.ceil(1000.0 * trip_km / base.distance_m))
    wltc = base.repeated(repeats)
    distance_m = wltc.cumulative_distance_m()
    stops = np.flatnonzero((wltc.speed_mps == 0.0) & (distance_m > 0.0))
    end = stops[np.argmin(np.abs(distance_m[stops] - 1000.0 * trip_km))]
    return Cycle(
        f"{TRIP_CYCLE} trip of {distance_m[end] / 1000.0:.1f} km",
        wltc.time_s[: end + 1],
        wltc.speed_mps[: end + 1],
        wltc.grade[: end + 1],
        source=base.source,
    )


def everyday_day(
    specs: Sequence[VehicleSpec],
    trips: Sequence[Cycle],
    parked_s: float,
    environment: Environment,
    load_kg: float = DEFAULT_LOAD_KG,
) -> pd.DataFrame:
    """The day of ``trips`` (in order, ``parked_s`` [s] parked between two of them, overnight
    for the rest of 24 h) in ``environment``, at curb mass + ``load_kg`` [kg], after
    WARM_UP_DAYS of the same: one row per vehicle (everyday_rows' columns)."""
    if not trips:
        raise BevsimError("trips_per_day: expected at least 1 trip")
    _check_range("parked_h", parked_s / 3600.0, 0.0, 24.0, "h")
    _check_range("load_kg", load_kg, 0.0, 1000.0, "kg")
    driving_s = sum(float(t.time_s[-1] - t.time_s[0]) for t in trips)
    overnight_s = DAY_S - driving_s - parked_s * (len(trips) - 1)
    if overnight_s < 0.0:
        raise BevsimError(
            f"trips_per_day, parked_h: {len(trips)} trips of {driving_s / len(trips) / 60:.0f} "
            f"min with {parked_s / 3600:g} h parked between them take more than 24 h"
        )
    specs = load_vehicles(specs)
    conditions = [environment.conditions(s, s.mass.curb_kg + load_kg) for s in specs]
    batch = compile_vehicles(specs, conditions)
    start = None  # the first day: the compiled conditions (soaked at ambient, or preconditioned)
    for _ in range(WARM_UP_DAYS):
        _, end = _drive_day(specs, batch, trips, parked_s, start, environment)
        start = _next_morning(batch, end, overnight_s, environment, specs)
    totals, end = _drive_day(specs, batch, trips, parked_s, start, environment)
    charge = recharge_to_full(specs, batch, end)
    return everyday_rows(specs, batch, totals, charge, environment, start.cell_temp_c)


def _drive_day(specs, batch: CompiledBatch, trips, parked_s, start, environment):
    """Kernel totals summed over the day's trips (SUMMED) and the state at its end."""
    totals = pd.DataFrame(0.0, index=range(len(specs)), columns=list(SUMMED))
    state = start
    for number, trip in enumerate(trips, start=1):
        if number > 1:
            state = key_off_soak(batch, state, parked_s)
        out = run_cycle(batch, trip, break_off_s=BREAK_OFF_S, state=state)
        broke = np.flatnonzero(out.total("broke_off") > 0.5)
        if broke.size:
            ids = ", ".join(specs[i].id for i in broke)
            raise ProcedureError(
                f"{NAME}: {ids} could not finish trip {number} of the day ({trip.name}): "
                "pack empty or too weak for the trace; try fewer or shorter trips"
            )
        frame = pd.DataFrame(out.totals, columns=TOTAL_COLUMNS)
        totals += frame[list(SUMMED)]
        state = out.state
    return totals, state


def _next_morning(batch, end: VehicleState, overnight_s: float, environment, specs):
    """The next day's start: parked overnight, charged to full, preconditioned if asked."""
    parked = key_off_soak(batch, end, overnight_s)
    soc = np.array([s.battery.soc_max for s in specs])
    if not environment.precondition:
        return replace(parked, soc=soc)
    cabin = np.array([s.thermal.cabin_setpoint_c for s in specs])
    cells = np.maximum(parked.cell_temp_c, PRECONDITION_CELL_TEMP_C)
    return VehicleState(soc, cells, cabin, parked.tire_temp_c)


def everyday_rows(
    specs: Sequence[VehicleSpec],
    batch: CompiledBatch,
    totals: pd.DataFrame,
    charge: pd.DataFrame,
    environment: Environment,
    start_cell_c: np.ndarray,
) -> pd.DataFrame:
    """One row per vehicle: the day's distance [km], battery and wall energy [kWh] and per
    100 km [kWh/100 km], where the battery energy went (ENERGY_USE, kWh) and the cell
    temperature at the day's start [degC]."""
    distance_km = totals["distance_m"].to_numpy() / 1000.0
    battery_kwh = totals["terminal_energy_j"].to_numpy() / J_PER_KWH
    wall_kwh = charge["wall_energy_j"].to_numpy() / J_PER_KWH
    rows = pd.DataFrame(
        {
            "vehicle_id": [s.id for s in specs],
            "vehicle": [s.name for s in specs],
            "procedure": NAME,
            "test_mass_kg": batch.column("mass_kg"),
            "ambient_temp_c": environment.ambient_temp_c,
            "day_distance_km": distance_km,
            "battery_energy_kwh": battery_kwh,
            "battery_consumption_kwh_per_100km": battery_kwh / distance_km * 100.0,
            "recharge_energy_kwh": wall_kwh,
            "consumption_kwh_per_100km": wall_kwh / distance_km * 100.0,
            "start_cell_temp_c": start_cell_c,
            **{
                name: sum(totals[col] for col in columns).to_numpy() / J_PER_KWH
                for name, columns in ENERGY_USE.items()
            },
        }
    )
    return finite_results(rows, NAME)


def everyday_test(
    vehicles: str | VehicleSpec | Sequence[str | VehicleSpec],
    ambient_temp_c: float = 23.0,
    trips_per_day: int = DEFAULT_TRIPS_PER_DAY,
    trip_km: float = DEFAULT_TRIP_KM,
    parked_h: float = DEFAULT_PARKED_H,
    hvac_on: bool = True,
    precondition: bool = False,
    road_surface: str = PUBLIC_ASPHALT,
    winter_tires: bool = False,
    wind_speed_mps: float = PUBLIC_ROAD_WIND_SPEED_MPS,
    load_kg: float = DEFAULT_LOAD_KG,
) -> pd.DataFrame:
    """A day of ``trips_per_day`` trips of ``trip_km`` [km], ``parked_h`` [h] parked between
    them, at ``ambient_temp_c`` [degC] on a public road (surface, winter tyres, mean wind
    [m/s]): one row per vehicle with battery and wall energy per 100 km [kWh/100 km]."""
    if isinstance(trips_per_day, bool) or not isinstance(trips_per_day, int | np.integer):
        raise BevsimError(f"trips_per_day: expected a whole number, got {trips_per_day!r}")
    if not 1 <= trips_per_day <= MAX_TRIPS_PER_DAY:
        raise BevsimError(
            f"trips_per_day: expected 1 to {MAX_TRIPS_PER_DAY} trips, got {trips_per_day}"
        )
    _check_range("parked_h", parked_h, 0.0, 24.0, "h")
    trips = [trip_cycle(trip_km)] * trips_per_day
    env = Environment(
        float(ambient_temp_c),
        hvac_on,
        precondition,
        road_surface=road_surface,
        winter_tires=winter_tires,
        wind_speed_mps=float(wind_speed_mps),
    )
    rows = everyday_day(vehicles, trips, 3600.0 * parked_h, env, load_kg)
    rows.insert(5, "trips_per_day", trips_per_day)
    rows.insert(6, "trip_km", rows["day_distance_km"] / trips_per_day)
    rows.insert(7, "parked_h", float(parked_h))
    return rows


def _check_range(
    name: str, value: float, low: float, high: float, unit: str, strict: bool = False
) -> None:
    """Refuse ``value`` outside [low, high] (``strict``: (low, high]) naming the field."""
    ok = math.isfinite(value) and (value > low if strict else value >= low) and value <= high
    if not ok:
        above = "above" if strict else "at least"
        raise BevsimError(
            f"{name}: expected a number {above} {low:g} and at most {high:g} {unit}, got {value:g}"
        )


def everyday_across_temperatures(
    vehicles: str | VehicleSpec | Sequence[str | VehicleSpec],
    temps_c: Sequence[float],
    **options,
) -> pd.DataFrame:
    """everyday_test at each of ``temps_c`` [degC] with the same ``options``, and
    ``consumption_retained`` [-]: battery energy per km of the same day at 23 degC over its own
    (the cold's share of the warm day's distance per kWh)."""
    specs = load_vehicles(vehicles)
    requested = [float(t) for t in temps_c]
    frames = {t: everyday_test(specs, t, **options) for t in sorted({*requested, 23.0})}
    per_km = "battery_consumption_kwh_per_100km"
    reference = frames[23.0][per_km].to_numpy()
    rows = []
    for temp in dict.fromkeys(requested):
        frame = frames[temp].copy()
        frame["consumption_retained"] = reference / frame[per_km].to_numpy()
        rows.append(frame)
    return pd.concat(rows, ignore_index=True)
