"""Summary rows shared by the range procedures (keys carry units)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import pandas as pd

from bevsim.cycles import load_cycle
from bevsim.engine.compile import Conditions
from bevsim.procedures.depletion import J_PER_KWH, DepletionResult, drive_to_depletion
from bevsim.spec import VehicleSpec


def cycle_range(
    specs: Sequence[VehicleSpec],
    cycle_name: str,
    test_mass_kg: Callable[[VehicleSpec], float],
    procedure: str,
    ambient_temp_c: float,
    break_off_s: float,
) -> pd.DataFrame:
    """Range and grid consumption on one cycle driven to depletion at the procedure's test
    mass [kg] and ambient temperature [degC] (one row per vehicle)."""
    conditions = [
        Conditions(added_mass_kg=test_mass_kg(s) - s.mass.curb_kg, ambient_temp_c=ambient_temp_c)
        for s in specs
    ]
    result = drive_to_depletion(specs, load_cycle(cycle_name), conditions, break_off_s, procedure)
    return range_rows(specs, result, procedure, ambient_temp_c)


def range_rows(
    specs: Sequence[VehicleSpec], result: DepletionResult, procedure: str, ambient_temp_c: float
) -> pd.DataFrame:
    """One row per vehicle: range, AC (grid) consumption, battery energy, test mass."""
    drive, charge = result.drive, result.charge
    range_km = drive["distance_m"] / 1000.0
    recharge_kwh = charge["wall_energy_j"] / J_PER_KWH
    return pd.DataFrame(
        {
            "vehicle_id": [s.id for s in specs],
            "vehicle": [s.name for s in specs],
            "procedure": procedure,
            "test_mass_kg": result.test_mass_kg,
            "ambient_temp_c": ambient_temp_c,
            "range_km": range_km,
            "cycles_driven": drive["distance_m"] / result.cycle_distance_m,
            "battery_energy_kwh": drive["terminal_energy_j"] / J_PER_KWH,
            "recharge_energy_kwh": recharge_kwh,
            "consumption_kwh_per_100km": recharge_kwh / range_km * 100.0,
            "battery_consumption_kwh_per_100km": drive["terminal_energy_j"]
            / J_PER_KWH
            / range_km
            * 100.0,
            "end_soc": drive["final_soc"],
            "recharge_time_h": charge["duration_s"] / 3600.0,
        }
    )
