"""Every result a shareable report shows, run through the procedure registry (no physics here).

A report answers the tool's questions side by side for the given cars: official range, cycle
consumption, where the energy goes, winter retention, performance, DC charging and, for cars
with an autonomy stack, what it costs in range.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from bevsim.procedures.cycle_run import LOSS_COLUMNS
from bevsim.procedures.range_test import procedure_names
from bevsim.procedures.registry import get_procedure
from bevsim.spec import VehicleSpec, load_vehicles

REPORT_CYCLES = ("cltc-p", "wltc-3b", "udds", "hwfet")
"""Cycles of the consumption chart: China, EU, US city and US highway."""
BREAKDOWN_CYCLE = "wltc-3b"
"""Cycle whose energy breakdown (where the chemical energy goes) is shown."""
BREAKDOWN_LABELS = {
    "aero_energy_kwh": "aerodynamic drag",
    "rolling_energy_kwh": "rolling resistance",
    "grade_energy_kwh": "grade",
    "kinetic_energy_change_kwh": "kinetic energy change",
    "driveline_loss_kwh": "driveline loss",
    "motor_loss_kwh": "motor + inverter loss",
    "battery_ohmic_loss_kwh": "battery ohmic loss",
    "battery_polarization_loss_kwh": "battery polarization loss",
    "friction_brake_energy_kwh": "friction brakes",
    "accessory_energy_kwh": "accessories",
    "cabin_hvac_energy_kwh": "cabin HVAC",
    "battery_thermal_energy_kwh": "pack heating/cooling",
}
"""Readable name of each term of the energy breakdown (the keys are LOSS_COLUMNS)."""
WINTER_TEMPS_C = (-20.0, -10.0, 0.0, 10.0, 23.0)
"""Ambient temperatures of the winter retention chart [degC] (CLTC, cabin heated)."""
WINTER_PROCEDURE = "cltc"
CHARGE_FROM_SOC = 0.10
CHARGE_TO_SOC = 0.80
CHARGER_KW = 250.0
"""DC charging session shown: 10 -> 80 % SOC on a 250 kW charger at 23 degC (CLI defaults)."""

Step = Callable[[str], None]


@dataclass
class ReportData:
    """Result tables of every section, one row per vehicle (and procedure, cycle, temperature).

    ``charge_traces`` maps vehicle id to the 1-s charging trace; ``autonomy`` is empty when no
    car has an autonomy stack.
    """

    specs: list[VehicleSpec]
    sources: list[str]
    ranges: pd.DataFrame
    cycles: pd.DataFrame
    breakdown: pd.DataFrame
    winter: pd.DataFrame
    performance: pd.DataFrame
    launches: dict[str, pd.DataFrame]
    charging: pd.DataFrame
    charge_traces: dict[str, pd.DataFrame]
    autonomy: pd.DataFrame = field(default_factory=pd.DataFrame)

    def chemistry_of(self, vehicle_id: str) -> str:
        """The chemistry id of a vehicle in the report."""
        return next(s.battery.chemistry for s in self.specs if s.id == vehicle_id)


STEPS = ("range", "cycles", "winter", "performance", "charging", "autonomy")
"""The stages of ``collect``, in order (a progress bar has one tick per stage)."""


def collect(
    vehicles: Sequence[str | Path | VehicleSpec],
    on_step: Step | None = None,
    sources: Sequence[str | Path | VehicleSpec] | None = None,
) -> ReportData:
    """Run every procedure of the report for ``vehicles``; ``on_step(name)`` after each stage.

    ``sources`` names where each vehicle came from (library id or file; default ``vehicles``).
    """
    tick = on_step or (lambda _name: None)
    specs = load_vehicles(vehicles)
    shown = vehicles if sources is None else sources
    sources = [ref.id if isinstance(ref, VehicleSpec) else str(ref) for ref in shown]
    ranges = pd.concat(
        [get_procedure(name).run(specs) for name in procedure_names("all")],
        ignore_index=True,
    )
    tick("range")
    cycle = get_procedure("cycle")
    cycles = pd.concat([cycle.run(specs, cycle=c) for c in REPORT_CYCLES], ignore_index=True)
    breakdown = cycles[cycles["cycle"] == BREAKDOWN_CYCLE][
        ["vehicle_id", "distance_km", "chemical_energy_kwh", *LOSS_COLUMNS]
    ].reset_index(drop=True)
    tick("cycles")
    winter = get_procedure("winter").run(specs, temps_c=WINTER_TEMPS_C, procedure=WINTER_PROCEDURE)
    tick("winter")
    perf = get_procedure("perf").run_detailed(specs)
    tick("performance")
    charge = get_procedure("charge").run_detailed(
        specs, from_soc=CHARGE_FROM_SOC, to_soc=CHARGE_TO_SOC, charger_kw=CHARGER_KW
    )
    tick("charging")
    autonomy = _autonomy(specs)
    tick("autonomy")
    return ReportData(
        specs,
        sources,
        ranges,
        cycles,
        breakdown,
        winter,
        perf.table,
        perf.traces,
        charge.table,
        charge.traces,
        autonomy,
    )


def _autonomy(specs: list[VehicleSpec]) -> pd.DataFrame:
    """Range cost of the autonomy stack on CLTC for the cars that carry one (else empty)."""
    equipped = [s for s in specs if s.autonomy is not None]
    autonomy = get_procedure("autonomy")
    return autonomy.run(equipped, procedure="cltc") if equipped else pd.DataFrame()
