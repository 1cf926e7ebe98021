"""Charging a pack from the grid, through the same cell model as the driving kernel.

The charger delivers DC power = efficiency x AC power; the car's systems that stay awake while
charging (BMS, coolant pumps, 12 V DC/DC) draw a standby power from that DC bus; the rest goes
into the pack, whose charge acceptance (cell voltage ceiling, C-rate, pack limit, room below
the target SOC) tapers the power near full, which makes the constant-voltage phase. The
session ends at the target SOC or when the pack accepts less than the cut-off current.
"""

from __future__ import annotations

import numpy as np
from numba import njit, prange

from bevsim.engine.layout import P
from bevsim.engine.physics import thermal
from bevsim.engine.physics.pack import (
    CUTOFF_C_RATE,
    cell_limits,
    cell_tables,
    charge_current_a,
    charge_limit_w,
    pack_state,
)
from bevsim.units import S_PER_H

MAX_SESSION_S = 3.0 * 86400.0
TARGET_BAND = 0.002
"""Within this SOC of the target the last steps are sized to land on it, not cut off."""

CHARGE_COLUMNS = (
    "wall_energy_j",  # AC energy drawn from the grid
    "charger_loss_j",
    "standby_energy_j",  # car systems awake while charging, pack heater or chiller included
    "terminal_energy_j",  # into the pack terminals
    "battery_loss_j",
    "chemical_energy_j",  # stored in the cells
    "duration_s",
    "final_soc",
    "reached_target",  # 1.0 when the target SOC was reached (not the cut-off current)
)
_C = {name: i for i, name in enumerate(CHARGE_COLUMNS)}
_WALL, _CHG_LOSS, _STANDBY, _TERM, _BATT_LOSS, _CHEM, _DUR, _SOC_END, _REACHED = range(9)


@njit(cache=True, error_model="numpy")
def charge_vehicle(
    p, tables, decay_table, soc0, soc_target, ac_power_w, efficiency, standby_w, dt, out
):
    """Charge one variant from soc0 to soc_target at up to ac_power_w [W] from the grid."""
    cell = cell_tables(p, tables)
    inv_dt = 1.0 / dt
    soc_per_amp = dt / (cell.pack_ah * S_PER_H)
    cutoff_a = CUTOFF_C_RATE * cell.pack_ah
    cell_c = p[P.cell_temp_c]
    pack_k_per_w = thermal.step_per_capacity(p, dt)[1]
    target = min(soc_target, p[P.soc_max])
    soc = soc0
    pol = 0.0
    for k in range(out.shape[0]):
        out[k] = 0.0
    t = 0.0
    while soc < target - 1e-9 and t < MAX_SESSION_S:
        limits = cell_limits(p, tables, cell.chemistry, cell_c)
        ocv, source_v, r0, inv_r0, r1, decay = pack_state(p, cell, limits, decay_table, soc, pol)
        accept_w = charge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt)
        # The pack heater (or chiller) runs from the charger, before the cells get their share.
        heat_w, management_w = thermal.pack_thermal_management_plugged(p, cell_c)
        available_w = ac_power_w * efficiency - standby_w - management_w
        battery_w = min(available_w, accept_w)
        if battery_w <= 0.0 and management_w <= 0.0:
            break
        battery_w = max(battery_w, 0.0)
        current = charge_current_a(source_v, r0, inv_r0, battery_w)
        tapering = accept_w < ac_power_w * efficiency - standby_w
        if current < cutoff_a and tapering and soc < target - TARGET_BAND and heat_w <= 0.0:
            break
        wall_w = (battery_w + standby_w + management_w) / efficiency
        out[_WALL] += wall_w * dt
        out[_CHG_LOSS] += (wall_w - battery_w - standby_w - management_w) * dt
        out[_STANDBY] += (standby_w + management_w) * dt
        out[_TERM] += battery_w * dt
        out[_BATT_LOSS] += (r0 * current * current - p[P.cells_in_series] * pol * current) * dt
        out[_CHEM] += ocv * current * dt
        cells_heat_w = r0 * current * current - p[P.cells_in_series] * pol * current
        cell_c = thermal.pack_temp_next(p, cell_c, cells_heat_w, heat_w, pack_k_per_w)
        pol = pol * decay - r1 * (current / p[P.cells_in_parallel]) * (1.0 - decay)
        soc += current * soc_per_amp
        t += dt
    out[_DUR] = t
    out[_SOC_END] = soc
    out[_REACHED] = 1.0 if soc >= target - 1e-6 else 0.0


@njit(cache=True, error_model="numpy", parallel=True)
def charge_batch(params, tables, soc0, soc_target, ac_power_w, efficiency, standby_w, dt, out):
    """Charge every variant (per-variant start SOC, target SOC, AC power, efficiency, standby)."""
    decay_table = np.exp(-dt / tables.tau1_s)
    for i in prange(params.shape[0]):
        charge_vehicle(
            params[i],
            tables,
            decay_table,
            soc0[i],
            soc_target[i],
            ac_power_w[i],
            efficiency[i],
            standby_w[i],
            dt,
            out[i],
        )
