"""Winter: a range procedure repeated at cold ambient temperatures, with the cabin heated.

Car and pack are soaked at each ambient temperature (cells and cabin start there), or, with
``precondition``, warmed on the plug first (cabin at its setpoint, cells at room temperature;
that energy comes from the grid and is reported, not drawn from the pack). The procedure then
runs as at 23 degC but with the HVAC holding the cabin setpoint (heat pump topped up by a
PTC, or a PTC, as the vehicle file says, with the drive unit's recovered waste heat, the
cells' loss heat once the pack is warm, and fog-limited recirculation), the pack heater
warming cold cells, cold chemistry (resistance, so what the voltage cut-off leaves reachable,
and charge acceptance and so regen) from the cell tables, warmed-up tires at the cold
ambient, and denser air. The AC recharge after the test also starts from the cold pack.
Retention is range at each temperature over range at 23 degC with the same settings.

What it answers: the -7 degC low-temperature test of GB/T 18386.1 (procedure cltc), the EPA's
20 degF (-6.7 degC) cold FTP with the heater on (procedure ftp75; epa runs the UDDS and HWFET
label tests), or any procedure at any temperature.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from bevsim.chemistry import load_chemistry
from bevsim.engine.facade import TEST_TRACK, pack_heat_capacity_j_per_k, refuse_outside_tables
from bevsim.errors import BevsimError, lookup_known
from bevsim.procedures import cltc, epa, wltp
from bevsim.procedures.finite import finite_results
from bevsim.procedures.range_common import PRECONDITION_CELL_TEMP_C, Environment, cycle_range
from bevsim.spec import VehicleSpec, load_vehicles, pack_of
from bevsim.units import J_PER_KWH

REFERENCE_TEMP_C = 23.0


def cold_ftp(specs: Sequence[VehicleSpec], environment: Environment) -> pd.DataFrame:
    """FTP-75 driven to depletion at the EPA test weight: the cycle of the EPA's cold test
    (40 CFR 1066.710: -7 degC, heater on), here to depletion so it gives a range."""
    return cycle_range(specs, "ftp75", epa.test_mass_kg, "ftp75", epa.BREAK_OFF_S, environment)


PROCEDURES = {"cltc": cltc.run, "wltp": wltp.run, "epa": epa.run, "ftp75": cold_ftp}
CHARGER_EFFICIENCY_FOR_PRECONDITIONING = 0.94
MIN_TEMP_C = -40.0
MAX_TEMP_C = 50.0


def winter_test(
    vehicles: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
    temps_c: Sequence[float] = (-20.0, -7.0, 0.0, 23.0),
    procedure: str = "cltc",
    precondition: bool = False,
    hvac_on: bool = True,
    road_surface: str = TEST_TRACK,
    winter_tires: bool = False,
    wind_speed_mps: float = 0.0,
) -> pd.DataFrame:
    """Range, consumption, retention vs 23 degC and energy use per vehicle and temperature;
    the road's surface, winter tyres and a mean wind [m/s] (engine.road_conditions) apply at
    every temperature, 23 degC too (default: the dyno's coast-down track in still air)."""
    specs = load_vehicles(vehicles)
    run = _procedure(procedure)
    for t in temps_c:
        if not MIN_TEMP_C <= t <= MAX_TEMP_C:
            raise BevsimError(f"--temps: {t:g} degC is outside {MIN_TEMP_C:g}..{MAX_TEMP_C:g}")
    temps = sorted({float(t) for t in temps_c} | {REFERENCE_TEMP_C})
    for spec in specs:  # before any run: the same refusal the engine gives, up front
        for temp in temps:
            chemistry = load_chemistry(spec.battery.chemistry)
            refuse_outside_tables(chemistry, temp, f"{spec.id}: ambient temperature")
    frames = []
    for temp in temps:
        env = Environment(
            ambient_temp_c=temp,
            hvac_on=hvac_on,
            precondition=precondition,
            road_surface=road_surface,
            winter_tires=winter_tires,
            wind_speed_mps=float(wind_speed_mps),
        )
        rows = run(specs, env)
        rows["precondition"] = precondition
        rows["hvac_on"] = hvac_on
        rows["precondition_grid_energy_kwh"] = [
            _precondition_energy_kwh(s, temp) if precondition else 0.0 for s in specs
        ]
        frames.append(rows)
    table = pd.concat(frames, ignore_index=True)
    reference = table[table["ambient_temp_c"] == REFERENCE_TEMP_C].set_index("vehicle_id")
    table["range_retained"] = table["range_km"] / table["vehicle_id"].map(reference["range_km"])
    requested = {float(t) for t in temps_c}
    table = table[table["ambient_temp_c"].isin(requested)].reset_index(drop=True)
    return finite_results(table, f"winter {procedure}")


def _procedure(name: str):
    return lookup_known(PROCEDURES, name, "procedure", BevsimError)


def _precondition_energy_kwh(spec: VehicleSpec, ambient_c: float) -> float:
    """Grid energy to warm the cells and the cabin on the plug [kWh]: their heat capacity times
    the temperature rise, through a PTC (COP 1) behind the on-board charger. A lower bound: the
    heat lost while warming is not counted."""
    chem = load_chemistry(spec.battery.chemistry)
    pack_j_per_k = pack_heat_capacity_j_per_k(pack_of(spec), chem)
    cabin_j_per_k = 1000.0 * spec.thermal.cabin_heat_capacity_kj_per_k
    heat_j = pack_j_per_k * max(PRECONDITION_CELL_TEMP_C - ambient_c, 0.0) + cabin_j_per_k * max(
        spec.thermal.cabin_setpoint_c - ambient_c, 0.0
    )
    return heat_j / CHARGER_EFFICIENCY_FOR_PRECONDITIONING / J_PER_KWH
