"""Charging a compiled batch on the plug: AC from the grid to a target SOC, and one DC
fast-charging session, through the engine's charging models (engine/charging.py,
engine/dc_charging.py) with their options named here. Power [W], current [A], voltage [V],
time [s], temperature [degC], SOC [-]."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from bevsim.engine.charging import CHARGE_COLUMNS, charge_batch
from bevsim.engine.compile import NO_LIMIT_W, CompiledBatch, ConditionsError
from bevsim.engine.dc_charging import DC_TOTALS, DC_TRACE, dc_charge_session
from bevsim.engine.dc_charging import LIMITERS as DC_LIMITERS
from bevsim.engine.layout import P
from bevsim.engine.state import VehicleState

__all__ = ["CHARGE_COLUMNS", "DC_LIMITERS", "DC_TOTALS", "DC_TRACE"]


def ac_charge(
    batch: CompiledBatch,
    state: VehicleState,
    soc_target: np.ndarray,
    ac_power_w: np.ndarray,
    efficiency: np.ndarray,
    standby_power_w: np.ndarray,
    dt_s: float,
) -> np.ndarray:
    """AC-charge every variant from ``state`` (its SOC and cell temperature) to ``soc_target``
    [-] at up to ``ac_power_w`` [W] from the grid, through an on-board charger of
    ``efficiency`` [-], with ``standby_power_w`` [W] awake, in steps of ``dt_s`` [s] (all
    per variant). Returns [n_variants, CHARGE_COLUMNS]."""
    params = state.written_into(batch.params)
    per_variant = [
        np.ascontiguousarray(values, dtype=float)
        for values in (state.soc, soc_target, ac_power_w, efficiency, standby_power_w)
    ]
    for name, values in zip(
        ("soc_target", "ac_power_w", "efficiency", "standby_power_w"), per_variant[1:], strict=True
    ):
        if values.shape != (len(params),):
            raise ConditionsError(f"{name}: expected {len(params)} values, got {values.shape}")
    out = np.zeros((len(params), len(CHARGE_COLUMNS)))
    charge_batch(params, batch.tables, *per_variant, float(dt_s), out)
    return out


@dataclass(frozen=True)
class DcSession:
    """One DC fast-charging session: from and to SOC [-]; the charger's power [W] and current
    [A]; the car's DC inlet power [W] (None: no limit of its own beyond the pack's and the
    cells') and current [A]; the highest pack terminal voltage [V]; the car's systems awake
    [W]; the cell temperature below which the BMS heats the pack from the inlet [degC]; the
    car's inlet power curve (SOC [-] against power [W], empty: none) and whether it replaces
    the chemistry's DC map (a measured curve) or caps it (a class default); the step [s] and
    the longest session [s]."""

    from_soc: float
    to_soc: float
    charger_power_w: float
    charger_max_current_a: float
    vehicle_max_power_w: float | None
    vehicle_max_current_a: float
    voltage_ceiling_v: float
    standby_power_w: float
    heating_below_c: float
    dt_s: float
    max_duration_s: float
    curve_soc: np.ndarray = field(default_factory=lambda: np.zeros(0))
    curve_power_w: np.ndarray = field(default_factory=lambda: np.zeros(0))
    curve_replaces_map: bool = True

    def __post_init__(self) -> None:
        for name in ("from_soc", "to_soc"):
            _refuse(name, getattr(self, name), 0.0, 1.0)
        for name in (
            "charger_power_w",
            "charger_max_current_a",
            "vehicle_max_current_a",
            "voltage_ceiling_v",
            "dt_s",
            "max_duration_s",
        ):
            _refuse(name, getattr(self, name), 0.0, math.inf, open_low=True)
        if self.vehicle_max_power_w is not None:
            _refuse("vehicle_max_power_w", self.vehicle_max_power_w, 0.0, math.inf, open_low=True)
        _refuse("standby_power_w", self.standby_power_w, 0.0, math.inf)
        _refuse("heating_below_c", self.heating_below_c, -100.0, 100.0)
        if np.shape(self.curve_soc) != np.shape(self.curve_power_w):
            raise ConditionsError(
                f"curve_soc, curve_power_w: expected one length, got "
                f"{np.shape(self.curve_soc)} and {np.shape(self.curve_power_w)}"
            )


@dataclass(frozen=True)
class DcSessionOutput:
    """A DC session's totals by name (DC_TOTALS) and its trace [steps, DC_TRACE], one row per
    step after the start."""

    totals: dict[str, float]
    trace: np.ndarray


def dc_charge(batch: CompiledBatch, session: DcSession) -> DcSessionOutput:
    """Run ``session`` on the one variant of ``batch`` (start SOC ``session.from_soc``, cell
    temperature as compiled), its BMS heating below ``session.heating_below_c`` [degC]."""
    if len(batch.params) != 1:
        raise ConditionsError(f"batch: a DC session charges one variant, got {len(batch.params)}")
    p = batch.params[0].copy()
    p[P.battery_heating_below_c] = session.heating_below_c
    vehicle_w = NO_LIMIT_W if session.vehicle_max_power_w is None else session.vehicle_max_power_w
    totals = np.zeros(len(DC_TOTALS))
    trace = np.zeros((int(session.max_duration_s / session.dt_s), len(DC_TRACE)))
    n = dc_charge_session(
        p,
        batch.tables,
        np.exp(-session.dt_s / batch.tables.tau1_s),
        float(session.from_soc),
        float(session.to_soc),
        float(session.charger_power_w),
        float(session.charger_max_current_a),
        float(vehicle_w),
        float(session.vehicle_max_current_a),
        float(session.voltage_ceiling_v),
        float(session.standby_power_w),
        float(session.dt_s),
        totals,
        trace,
        np.ascontiguousarray(session.curve_soc, dtype=float),
        np.ascontiguousarray(session.curve_power_w, dtype=float),
        bool(session.curve_replaces_map),
    )
    return DcSessionOutput(dict(zip(DC_TOTALS, totals.tolist(), strict=True)), trace[:n])


def _refuse(name: str, value: float, low: float, high: float, open_low: bool = False) -> None:
    """Refuse a session option that is not a finite number within low..high."""
    ok = isinstance(value, int | float) and math.isfinite(value) and value <= high
    ok = ok and (value > low if open_low else value >= low)
    if not ok:
        bound = f"more than {low:g}" if open_low else f"{low:g} or more"
        limit = "" if math.isinf(high) else f" and at most {high:g}"
        raise ConditionsError(f"{name}: expected a number {bound}{limit}, got {value!r}")
