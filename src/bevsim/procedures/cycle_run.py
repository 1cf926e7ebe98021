"""Cycle run: drive one or many vehicles over one drive cycle and summarise (the basic procedure).

User-facing units: km, km/h, kWh, kWh/100 km; every column name carries its unit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from bevsim.cycles import Cycle, load_cycle
from bevsim.engine.facade import (
    DEFAULT_DT_S,
    TOTAL_COLUMNS,
    TRACE_COLUMNS,
    TRACE_TOLERANCE_MPS,
    Conditions,
    compile_vehicles,
    refuse_outside_window,
    run_cycle,
)
from bevsim.procedures.finite import finite_results
from bevsim.spec import VehicleSpec, load_vehicles
from bevsim.units import J_PER_KWH, KMH_PER_MPS

DEFAULT_LOAD_KG = 100.0
"""Load added to curb mass for a cycle run [kg]: driver and luggage, as GB/T 18386.1's test."""
UNDEFINED_WITHOUT_DISTANCE = ("consumption_kwh_per_100km",)
"""Per-distance results, undefined (NaN) on a cycle that covers no distance."""

LOSS_COLUMNS = {
    "aero_energy_kwh": "aero_energy_j",
    "rolling_energy_kwh": "rolling_energy_j",
    "grade_energy_kwh": "grade_energy_j",
    "kinetic_energy_change_kwh": "kinetic_energy_change_j",
    "driveline_loss_kwh": "driveline_loss_j",
    "motor_loss_kwh": "motor_loss_j",
    "battery_ohmic_loss_kwh": "battery_ohmic_loss_j",
    "battery_polarization_loss_kwh": "battery_polarization_loss_j",
    "friction_brake_energy_kwh": "friction_brake_energy_j",
    "accessory_energy_kwh": "accessory_energy_j",
    "cabin_hvac_energy_kwh": "cabin_hvac_energy_j",
    "battery_thermal_energy_kwh": "battery_thermal_energy_j",
}
"""Where the chemical energy went: wheel work by road-load term, and every loss [kWh]."""


@dataclass(frozen=True)
class SimulationResult:
    """Summary table (one row per vehicle) and, when asked for, per-step traces per vehicle."""

    summary: pd.DataFrame
    traces: dict[str, pd.DataFrame] = field(default_factory=dict)
    totals: np.ndarray | None = None

    def to_records(self) -> list[dict]:
        """The summary as a list of JSON-ready dicts (keys carry units)."""
        return records_for_json(self.summary)


def simulate(
    vehicles: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
    cycle: str | Path | Cycle,
    traces: bool = False,
    load_kg: float = DEFAULT_LOAD_KG,
    initial_soc: float | None = None,
    ambient_temp_c: float = 23.0,
    dt_s: float = DEFAULT_DT_S,
) -> SimulationResult:
    """Drive vehicles over a cycle from ``initial_soc`` (default: full, the pack's soc_max).

    ``load_kg`` [kg] is added to curb mass; ``ambient_temp_c`` [degC] sets air density and the
    (soaked) cell temperature;
    ``dt_s`` [s] the kernel's time step. A single run is a batch of one with traces on.
    """
    specs = load_vehicles(vehicles)
    for spec in specs:
        refuse_outside_window(spec, initial_soc)
    cyc = cycle if isinstance(cycle, Cycle) else load_cycle(cycle)
    conditions = Conditions(
        added_mass_kg=load_kg, ambient_temp_c=ambient_temp_c, initial_soc=initial_soc
    )
    batch = compile_vehicles(specs, conditions)
    out = run_cycle(batch, cyc, traces=traces, dt_s=dt_s)
    summary = summarise(
        specs, cyc.name, out.totals, batch.column("mass_kg"), batch.column("initial_soc")
    )
    finite_results(summary, f"cycle run on {cyc.name}", UNDEFINED_WITHOUT_DISTANCE)
    trace_frames = {}
    if out.traces is not None:
        trace_frames = {
            spec.id: trace_frame(out.time_s, out.traces[i]) for i, spec in enumerate(specs)
        }
    return SimulationResult(summary, trace_frames, out.totals)


def summarise(
    specs: Sequence[VehicleSpec],
    cycle_name: str,
    totals: np.ndarray,
    test_mass_kg: np.ndarray,
    initial_soc: np.ndarray,
) -> pd.DataFrame:
    """The summary table from the kernel's totals matrix."""
    t = pd.DataFrame(totals, columns=TOTAL_COLUMNS)
    distance_km = t["distance_m"] / 1000.0
    battery_kwh = t["terminal_energy_j"] / J_PER_KWH
    frame = pd.DataFrame(
        {
            "vehicle_id": [s.id for s in specs],
            "vehicle": [s.name for s in specs],
            "cycle": cycle_name,
            "test_mass_kg": test_mass_kg,
            "distance_km": distance_km,
            "trace_distance_km": t["trace_distance_m"] / 1000.0,
            "battery_energy_kwh": battery_kwh,
            "consumption_kwh_per_100km": battery_kwh / distance_km.where(distance_km > 0) * 100.0,
            "chemical_energy_kwh": t["chemical_energy_j"] / J_PER_KWH,
            "regen_energy_kwh": t["regen_energy_j"] / J_PER_KWH,
            "start_soc": initial_soc,
            "end_soc": t["final_soc"],
            "followed_trace": t["max_speed_shortfall_mps"] <= TRACE_TOLERANCE_MPS,
            "max_speed_shortfall_kmh": t["max_speed_shortfall_mps"] * KMH_PER_MPS,
            "time_off_trace_s": t["time_off_trace_s"],
        }
    )
    for column, source in LOSS_COLUMNS.items():
        frame[column] = t[source] / J_PER_KWH
    return frame


def trace_frame(time_s: np.ndarray, trace: np.ndarray) -> pd.DataFrame:
    """Per-step traces of one vehicle; speeds in km/h, powers in W, energies absent."""
    frame = pd.DataFrame(trace, columns=TRACE_COLUMNS)
    frame.insert(0, "time_s", time_s)
    for name in ("speed_requested_mps", "speed_achieved_mps"):
        frame[name.replace("_mps", "_kmh")] = frame.pop(name) * KMH_PER_MPS
    return frame


def records_for_json(frame: pd.DataFrame) -> list[dict]:
    """A table as JSON-ready records: numpy scalars to Python, NaN and inf to None."""
    records = frame.to_dict(orient="records")
    for record in records:
        for key, value in record.items():
            if isinstance(value, np.bool_ | bool):
                record[key] = bool(value)
            elif isinstance(value, float | np.floating) and not np.isfinite(value):
                record[key] = None
            elif isinstance(value, np.floating | np.integer):
                record[key] = value.item()
    return records
