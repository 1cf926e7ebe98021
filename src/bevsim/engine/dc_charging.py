"""DC fast charging through the same cell model as the driving kernel and AC charging.

The off-board charger feeds the pack directly (no on-board converter). Each 1-s step the pack
takes the highest current that every limit allows:

- the charger: its power [W] and current [A] at the inlet;
- the car: its DC inlet power [W] and current [A] (vehicle file ``charging.dc_*``), and the
  pack's charge power limit (``battery.max_charge_power_kw``);
- the cells: the chemistry's DC charge map (allowed C-rate at this SOC and cell temperature,
  ``charge_c_rate_map``) and the cell voltage ceiling (the constant-voltage phase: terminal
  voltage held at the ceiling, so the current tapers as the OCV rises);
- the car's DC power curve against SOC at REFERENCE_CURVE_C, derated at other cell temperatures
  by the map: a measured one (vehicle file) replaces the map, the class default (chemistry/
  dc_taper.py) caps it;
- the target: the last step is sized to land on the target SOC.

The car's systems that stay awake (BMS, pumps, 12 V) and the pack heater or chiller (thermal.py,
run by the thresholds in the parameter row, which the procedure sets for DC charging) draw from
the same inlet, before the cells get their share. Cell heat (ohmic + polarization), heater or
chiller heat and the loss to ambient step the lumped pack temperature. Energy balance per step:
inlet = standby + heater/chiller + terminal; terminal = chemical (OCV x I) + battery loss.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.physics import thermal
from bevsim.engine.physics.interp import bilerp, grid_pos
from bevsim.engine.physics.pack import (
    CUTOFF_C_RATE,
    cell_limits,
    cell_tables,
    charge_current_a,
    pack_state,
)
from bevsim.units import S_PER_H

LIMITERS = (
    "charger power",
    "charger current",
    "vehicle DC power",
    "vehicle DC current",
    "pack power",
    "cell charge map",  # allowed C-rate at this SOC and cell temperature
    "cell voltage",  # constant-voltage phase at the voltage ceiling
    "target",  # the last step lands on the target SOC
    "heating",  # no charge current yet: the cells are too cold, the heater warms them
    "DC power curve",  # the car's measured or class-default power against SOC
)
(
    _L_CHG_W,
    _L_CHG_A,
    _L_VEH_W,
    _L_VEH_A,
    _L_PACK_W,
    _L_MAP,
    _L_CV,
    _L_TARGET,
    _L_HEAT,
    _L_CURVE,
) = range(len(LIMITERS))

DC_TOTALS = (
    "inlet_energy_j",  # DC energy the charger delivered to the car
    "standby_energy_j",  # car systems awake while charging
    "thermal_energy_j",  # electric energy of the pack heater and chiller
    "terminal_energy_j",  # into the pack terminals
    "battery_loss_j",  # ohmic + polarization
    "chemical_energy_j",  # OCV x current: stored in the cells
    "heater_heat_j",  # heat put into the pack by the heater (- chiller)
    "cells_heat_j",  # heat generated in the cells (= battery_loss_j)
    "pack_heat_to_ambient_j",
    "duration_s",
    "final_soc",
    "final_cell_temp_c",
    "reached_target",  # 1.0 when the target SOC was reached
    "peak_inlet_power_w",
    "steps",
    "max_cell_temp_c",
)
DC_TRACE = (
    "time_s",  # end of the step
    "inlet_power_w",  # delivered by the charger
    "inlet_current_a",
    "battery_power_w",  # into the pack terminals
    "current_a",  # into the pack
    "voltage_v",  # pack terminal voltage
    "ocv_v",
    "soc",  # end of the step
    "cell_temp_c",  # end of the step
    "thermal_power_w",  # heater or chiller electric power
    "map_current_a",  # what the charge map allowed
    "limiter",  # index into LIMITERS
)
_T = {name: i for i, name in enumerate(DC_TOTALS)}
_R = {name: i for i, name in enumerate(DC_TRACE)}
(
    _INLET,
    _STANDBY,
    _THERMAL,
    _TERM,
    _LOSS,
    _CHEM,
    _HEATER,
    _CELLS,
    _AMBIENT,
    _DUR,
    _SOC_END,
    _TEMP_END,
    _REACHED,
    _PEAK,
    _STEPS,
    _TMAX,
) = range(len(DC_TOTALS))
_TEMP = P.cell_temp_c


REFERENCE_CURVE_C = 25.0
"""Cell temperature [degC] a vehicle file's measured DC power curve stands for (tests of
charging curves are run on a warm, preconditioned pack)."""


@njit(cache=True, inline="always")
def map_c_rate(tables, c, it, ft, soc):
    """Allowed DC charge C-rate [A/Ah] of chemistry c at SOC [-] and the temperature's grid
    place (it, ft) (from pack.cell_limits)."""
    table = tables.charge_c_rate_map[c]
    n_soc = table.shape[1] - 1
    i, f = grid_pos(soc, 0.0, float(n_soc), n_soc)
    return bilerp(table, it, ft, i, f)


@njit(cache=True)
def dc_charge_session(
    p,
    tables,
    decay_table,
    soc0,
    soc_target,
    charger_w,
    charger_a,
    vehicle_w,
    vehicle_a,
    ceiling_v,
    standby_w,
    dt,
    totals,
    trace,
    curve_soc,
    curve_w,
    curve_replaces_map,
):
    """Charge one variant from soc0 to soc_target [-] on a DC charger; returns the steps run.

    ``charger_w``/``charger_a``: the charger's power [W] and current [A]; ``vehicle_w``/
    ``vehicle_a``: the car's DC inlet limits; ``ceiling_v``: the highest pack terminal voltage
    [V] (cell ceiling x cells in series, or lower where the car or charger caps it);
    ``standby_w``: the car's systems awake while charging [W]; ``decay_table``: exp(-dt/tau1)
    per chemistry; ``curve_soc``/``curve_w``: the car's measured inlet power [W] against SOC [-]
    at REFERENCE_CURVE_C (empty: none), derated at other cell temperatures by the map's ratio to
    its value at REFERENCE_CURVE_C; with ``curve_replaces_map`` (a measured curve) it replaces
    the chemistry's C-rate map as the car's own limit, otherwise (a class default) it caps the
    map. ``totals`` (len(DC_TOTALS)) and ``trace`` (rows >= steps, len(DC_TRACE))
    are written; the session stops at the target, at the cut-off current, or when ``trace``
    is full.
    """
    cell = cell_tables(p, tables)
    c = cell.chemistry
    pack_ah = cell.pack_ah
    soc_per_amp = dt / (pack_ah * S_PER_H)
    cutoff_a = CUTOFF_C_RATE * pack_ah
    inlet_w = min(charger_w, vehicle_w)
    cell_c = p[_TEMP]
    pack_k_per_w = thermal.step_per_capacity(p, dt)[1]
    soc = soc0
    pol = 0.0
    for k in range(totals.shape[0]):
        totals[k] = 0.0
    totals[_TMAX] = cell_c
    n = 0
    reached = soc >= soc_target - 1e-9
    has_curve = curve_soc.shape[0] > 0
    ref = cell_limits(p, tables, c, REFERENCE_CURVE_C)
    while not reached and n < trace.shape[0]:
        limits = cell_limits(p, tables, c, cell_c)
        ocv, source_v, r0, inv_r0, r1, decay = pack_state(p, cell, limits, decay_table, soc, pol)
        heat_w, thermal_w = thermal.pack_thermal_management_plugged(p, cell_c)
        # The heater or chiller gets what the inlet has left after the standby loads.
        room_w = max(inlet_w - standby_w, 0.0)
        if thermal_w > room_w:
            scale = room_w / thermal_w
            heat_w *= scale
            thermal_w = room_w
        aux_w = standby_w + thermal_w
        # Each limit as a charging current [A]; the smallest one holds.
        i_map = map_c_rate(tables, c, limits.grid_cell, limits.grid_frac, soc) * pack_ah
        best = i_map
        limiter = _L_MAP
        if has_curve:
            ref_c = map_c_rate(tables, c, ref.grid_cell, ref.grid_frac, soc)
            derate = min(i_map / (ref_c * pack_ah), 1.0) if ref_c > 0.0 else 0.0
            curve_now_w = np.interp(soc, curve_soc, curve_w) * derate
            i_curve = charge_current_a(source_v, r0, inv_r0, curve_now_w - aux_w)
            if curve_replaces_map or i_curve < i_map:
                i_map = i_curve
                best = i_curve
                limiter = _L_CURVE
        i_cv = (ceiling_v - source_v) * inv_r0
        if i_cv < best:
            best, limiter = i_cv, _L_CV
        i_target = (soc_target - soc) / soc_per_amp
        if i_target < best:
            best, limiter = i_target, _L_TARGET
        # Inlet current = I + aux / V_terminal <= limit; V_terminal >= source_v, so this holds.
        i_chg_a = charger_a - aux_w / source_v
        if i_chg_a < best:
            best, limiter = i_chg_a, _L_CHG_A
        i_veh_a = vehicle_a - aux_w / source_v
        if i_veh_a < best:
            best, limiter = i_veh_a, _L_VEH_A
        i_chg_w = charge_current_a(source_v, r0, inv_r0, charger_w - aux_w)
        if i_chg_w < best:
            best, limiter = i_chg_w, _L_CHG_W
        i_veh_w = charge_current_a(source_v, r0, inv_r0, vehicle_w - aux_w)
        if i_veh_w < best:
            best, limiter = i_veh_w, _L_VEH_W
        i_pack = charge_current_a(source_v, r0, inv_r0, p[P.pack_max_charge_power_w])
        if i_pack < best:
            best, limiter = i_pack, _L_PACK_W
        current = max(best, 0.0)
        if current < cutoff_a and limiter != _L_TARGET:
            if heat_w <= 0.0:
                break  # nothing more goes in and nothing will warm the cells
            if i_map < cutoff_a:
                limiter = _L_HEAT
        voltage = source_v + r0 * current
        battery_w = voltage * current
        dc_w = battery_w + aux_w
        loss_w = r0 * current * current - p[P.cells_in_series] * pol * current
        ambient_w = thermal.pack_heat_to_ambient_w(p, cell_c)
        totals[_INLET] += dc_w * dt
        totals[_STANDBY] += standby_w * dt
        totals[_THERMAL] += thermal_w * dt
        totals[_TERM] += battery_w * dt
        totals[_LOSS] += loss_w * dt
        totals[_CHEM] += ocv * current * dt
        totals[_HEATER] += heat_w * dt
        totals[_CELLS] += loss_w * dt
        totals[_AMBIENT] += ambient_w * dt
        totals[_PEAK] = max(totals[_PEAK], dc_w)
        cell_c = thermal.pack_temp_next(p, cell_c, loss_w, heat_w, pack_k_per_w)
        totals[_TMAX] = max(totals[_TMAX], cell_c)
        pol = pol * decay - r1 * (current / p[P.cells_in_parallel]) * (1.0 - decay)
        if limiter == _L_TARGET:
            soc = soc_target
        else:
            soc += current * soc_per_amp
        row = trace[n]
        row[0] = (n + 1) * dt
        row[1] = dc_w
        row[2] = dc_w / voltage
        row[3] = battery_w
        row[4] = current
        row[5] = voltage
        row[6] = ocv
        row[7] = soc
        row[8] = cell_c
        row[9] = thermal_w
        row[10] = i_map
        row[11] = limiter
        n += 1
        reached = soc >= soc_target - 1e-9
    totals[_DUR] = n * dt
    totals[_SOC_END] = soc
    totals[_TEMP_END] = cell_c
    totals[_REACHED] = 1.0 if reached else 0.0
    totals[_STEPS] = n
    return n
