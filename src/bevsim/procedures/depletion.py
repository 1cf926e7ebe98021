"""Drive to depletion and recharge: the shared core of the CLTC, WLTP and EPA range tests.

A cycle is driven back to back from a full pack until the car breaks off (it stays more than the
speed tolerance below the trace for ``break_off_s`` seconds: its pack can no longer deliver),
then the pack is recharged from that state to full through the vehicle's AC charging model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bevsim.cycles import Cycle
from bevsim.engine.facade import (
    CHARGE_COLUMNS,
    TOTAL_COLUMNS,
    CompiledBatch,
    Conditions,
    VehicleState,
    ac_charge,
    compile_vehicles,
    run_cycle,
)
from bevsim.errors import BevsimError
from bevsim.spec import VehicleSpec, pack_of

CHARGE_STEP_S = 10.0
"""Charging changes slowly (minutes); a 10 s step keeps the session exact to well below 0.1 %."""
REPEAT_MARGIN = 1.3
MAX_DOUBLINGS = 4


class ProcedureError(BevsimError):
    """A procedure that cannot complete for a vehicle: which vehicle, which test and why."""


@dataclass(frozen=True)
class DepletionResult:
    """Per-vehicle totals of the depletion drive and of the recharge (rows = vehicles)."""

    drive: pd.DataFrame  # TOTAL_COLUMNS
    charge: pd.DataFrame  # CHARGE_COLUMNS
    test_mass_kg: np.ndarray
    cycle_distance_m: float


def drive_to_depletion(
    specs: Sequence[VehicleSpec],
    cycle: Cycle,
    conditions: Sequence[Conditions],
    break_off_s: float,
    procedure: str,
) -> DepletionResult:
    """Drive ``cycle`` back to back from full until break-off, then recharge to full."""
    batch = compile_vehicles(specs, conditions)
    cycles_each = _cycles_estimate(specs, batch, cycle)
    repeats = max(2, math.ceil(float(np.max(cycles_each)) * REPEAT_MARGIN) + 1)
    # The kernel steps variants side by side in blocks; neighbours that deplete together
    # waste no steps on lanes that have already broken off.
    order = np.argsort(cycles_each, kind="stable")
    by_range = batch.subset(order)
    totals = None
    for _ in range(MAX_DOUBLINGS + 1):
        out = run_cycle(by_range, cycle.repeated(repeats), break_off_s=break_off_s)
        unsorted = np.empty_like(out.totals)
        unsorted[order] = out.totals
        totals = pd.DataFrame(unsorted, columns=TOTAL_COLUMNS)
        if (totals["broke_off"] > 0.5).all():
            break
        repeats *= 2
    else:
        unfinished = [s.id for s, b in zip(specs, totals["broke_off"], strict=True) if b < 0.5]
        raise ProcedureError(
            f"{procedure}: {', '.join(unfinished)} did not deplete within {repeats} cycles "
            f"of {cycle.name}; is its pack or consumption valid?"
        )
    _check_completed(specs, totals, cycle, procedure)
    charge = _recharge(specs, batch, totals)
    return DepletionResult(totals, charge, batch.column("mass_kg"), cycle.distance_m)


def _cycles_estimate(
    specs: Sequence[VehicleSpec], batch: CompiledBatch, cycle: Cycle
) -> np.ndarray:
    """Cycles each variant will drive before it breaks off, estimated from one cycle's energy
    (drive_to_depletion chains REPEAT_MARGIN times the most, and doubles that if short)."""
    one = pd.DataFrame(run_cycle(batch, cycle).totals, columns=TOTAL_COLUMNS)
    usable_wh = np.array(
        [pack_of(s).gross_energy_wh * (s.battery.soc_max - s.battery.soc_min) for s in specs]
    )
    per_cycle_wh = np.maximum(one["terminal_energy_j"].to_numpy() / 3600.0, 1e-3)
    return usable_wh / per_cycle_wh


def _check_completed(
    specs: Sequence[VehicleSpec], totals: pd.DataFrame, cycle: Cycle, procedure: str
) -> None:
    """Refuse results that are not a range: a car that cannot drive the cycle at all."""
    short = np.flatnonzero(totals["distance_m"].to_numpy() < cycle.distance_m)
    for index in short:
        spec, row = specs[index], totals.iloc[index]
        soc_left = row["final_soc"] - spec.battery.soc_min
        if soc_left > 0.05:
            raise ProcedureError(
                f"{procedure}: {spec.id} cannot follow {cycle.name}: it fell more than 2 km/h "
                f"behind the trace after {row['distance_m'] / 1000:.2f} km with "
                f"{soc_left * 100:.0f} % SOC still usable (motor, traction or pack power "
                "too low for this cycle)"
            )
        raise ProcedureError(
            f"{procedure}: {spec.id}'s battery is too small to finish one {cycle.name} cycle "
            f"({row['distance_m'] / 1000:.2f} of {cycle.distance_m / 1000:.2f} km)"
        )


def _recharge(specs: Sequence[VehicleSpec], batch: CompiledBatch, drive: pd.DataFrame):
    """AC recharge of every variant from its end state (SOC, cell temperature) to full,
    through its charging model, parked at the test's ambient temperature."""
    end = VehicleState(
        drive["final_soc"].to_numpy(),
        drive["final_cell_temp_c"].to_numpy(),
        drive["final_cabin_temp_c"].to_numpy(),
    )
    return recharge_to_full(specs, batch, end)


def recharge_to_full(
    specs: Sequence[VehicleSpec], batch: CompiledBatch, state: VehicleState
) -> pd.DataFrame:
    """AC recharge of every variant of ``batch`` from ``state`` to its soc_max through its
    on-board charger, parked at the compiled ambient: CHARGE_COLUMNS (energies [J], time [s])."""
    out = ac_charge(
        batch,
        state,
        batch.column("soc_max"),
        np.array([1000.0 * s.charging.onboard_charger_kw for s in specs]),
        np.array([s.charging.onboard_charger_efficiency for s in specs]),
        np.array([s.charging_standby_w for s in specs]),
        CHARGE_STEP_S,
    )
    return pd.DataFrame(out, columns=CHARGE_COLUMNS)
