"""The pack: cells in an equivalent circuit (OCV source, series resistance R0, one RC pair),
the current that delivers a terminal power, and what the pack can deliver or accept.

Cell tables come from the chemistry (engine/tables.py): OCV against SOC, R0 and R1 [ohm Ah]
and the RC time constant against temperature and SOC, and C-rate limits against temperature.
A pack of ``cells_in_series`` x ``cells_in_parallel`` cells: pack ohm = ns / (np Ah) x cell
ohm Ah. Powers in W (+ = discharge), currents in A (+ = discharge), voltages in V.
"""

from __future__ import annotations

import math
from collections import namedtuple

from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.params import param
from bevsim.engine.physics.interp import bilerp, grid_pos, lerp
from bevsim.engine.tables import TEMP_GRID_LO_C, TEMP_GRID_STEP_C
from bevsim.units import S_PER_H

CUTOFF_C_RATE = 0.05
"""A charging session ends when the pack accepts less than C/20 (and nothing will raise it):
the usual CV-phase termination current of Li-ion chargers (Battery University BU-409: 'full
charge is reached when the current decreases to between 3 and 5 percent of the Ah rating')."""

CellTables = namedtuple(
    "CellTables",
    (
        "ocv_v",  # cell OCV table [soc]
        "r0_ohm_ah",  # [temp, soc]
        "r1_ohm_ah",  # [temp, soc]
        "chemistry",  # index into the stacked tables
        "pack_ah",  # pack capacity
        "v_min_v",  # cell voltage floor
        "v_max_v",  # cell voltage ceiling
        "r_scale_per_ah",  # cell ohm Ah -> pack ohm: ns / (np cell Ah) [1/Ah]
        "inv_cell_ah",  # 1 / cell Ah
    ),
)
"""A variant's chemistry tables and pack constants."""

CellLimits = namedtuple(
    "CellLimits", ("grid_cell", "grid_frac", "soc_floor", "i_dis_max_a", "i_chg_max_a")
)
"""What the cell temperature sets: its place on the temperature grid (cell, fraction), the
SOC floor, and the sustained discharge and charge current limits [A]."""

PackState = namedtuple("PackState", ("ocv_v", "source_v", "r0_ohm", "inv_r0_s", "r1_ohm", "decay"))
"""Pack OCV and source voltage (OCV less the RC pairs' polarization) [V], series resistance
[ohm] and its inverse [S], one cell's RC-pair resistance [ohm], and the RC pair's decay factor
over one step [-]."""


@njit(cache=True, error_model="numpy", inline="always")
def cell_tables(p, tables):
    """Variant p's chemistry tables and pack constants (CellTables)."""
    c = int(p[P.chemistry_index])
    cell_ah = p[P.cell_capacity_ah]
    return CellTables(
        tables.ocv_v[c],
        tables.r0_ohm_ah[c],
        tables.r1_ohm_ah[c],
        c,
        cell_ah * p[P.cells_in_parallel],
        tables.min_voltage_v[c],
        tables.max_voltage_v[c],
        p[P.cells_in_series] / (cell_ah * p[P.cells_in_parallel]),
        1.0 / cell_ah,
    )


@njit(cache=True, error_model="numpy", inline="always")
def temperature_position(tables, cell_temp_c):
    """Cell and fraction of a cell temperature [degC] on the chemistry tables' grid."""
    n_temp = tables.max_discharge_c_rate.shape[1] - 1
    return grid_pos(cell_temp_c, TEMP_GRID_LO_C, 1.0 / TEMP_GRID_STEP_C, n_temp)


@njit(cache=True, error_model="numpy", inline="always")
def cell_limits(p, tables, c, cell_temp_c):
    """What the cell temperature [degC] sets for chemistry c (CellLimits). The floor is the
    usable window's bottom at every temperature: what cold cells cannot deliver is decided by
    the voltage cut-off with their cold resistances (discharge_power_w), which reproduces the
    chemistries' rate-test capacities (chemistry ``capacity_fraction``); raising the floor as
    well counted the cold twice."""
    it, ft = temperature_position(tables, cell_temp_c)
    pack_ah = p[P.cell_capacity_ah] * p[P.cells_in_parallel]
    i_dis_c = lerp(tables.max_discharge_c_rate[c], it, ft) * pack_ah
    i_chg_c = lerp(tables.max_charge_c_rate[c], it, ft) * pack_ah
    return CellLimits(it, ft, p[P.soc_min], i_dis_c, i_chg_c)


@njit(cache=True, error_model="numpy", inline="always")
def pack_state(p, cell, limits, decay_table, soc, polarization_v):
    """The pack's state (PackState) at this SOC [-], polarization [V per cell] and the cell
    temperature's place on the grid (``limits``: CellLimits or regen.DrivingLimits);
    ``decay_table``: exp(-dt / tau1) per chemistry [chem, temp, soc]."""
    it, ft = limits.grid_cell, limits.grid_frac
    n_soc = cell.ocv_v.shape[0] - 1
    i, f = grid_pos(soc, 0.0, float(n_soc), n_soc)
    return pack_values(
        param(p, P.cells_in_series),
        cell.r_scale_per_ah,
        cell.inv_cell_ah,
        polarization_v,
        lerp(cell.ocv_v, i, f),
        bilerp(cell.r0_ohm_ah, it, ft, i, f),
        bilerp(cell.r1_ohm_ah, it, ft, i, f),
        bilerp(decay_table[cell.chemistry], it, ft, i, f),
    )


@njit(cache=True, error_model="numpy", inline="always")
def pack_values(ns, r_scale, inv_cell_ah, polarization_v, ocv_cell, r0_cell_ah, r1_cell_ah, decay):
    """PackState from the cell's OCV [V], R0 and R1 [ohm Ah] and RC decay at this SOC and
    temperature: ``ns`` cells in series, ``r_scale`` cell ohm Ah to pack ohm [1/Ah],
    ``inv_cell_ah`` 1 / cell Ah, ``polarization_v`` the RC pair's voltage per cell [V]."""
    ocv = ns * ocv_cell
    r0 = r_scale * r0_cell_ah
    inv_r0 = 1.0 / r0
    source_v = ocv - ns * polarization_v
    r1 = r1_cell_ah * inv_cell_ah
    return PackState(ocv, source_v, r0, inv_r0, r1, decay)


@njit(cache=True, error_model="numpy", inline="always")
def pack_current_a(source_v, r0, inv_r0, power_w):
    """Pack current [A] that delivers terminal power ``power_w`` [W] (< 0: charging) from a
    source of ``source_v`` [V] behind ``r0`` [ohm]: the smaller root of P = (E - R I) I."""
    disc = source_v * source_v - 4.0 * r0 * power_w
    return (source_v - math.sqrt(max(disc, 0.0))) * 0.5 * inv_r0


@njit(cache=True, error_model="numpy", inline="always")
def charge_current_a(source_v, r0, inv_r0, power_w):
    """Charging current [A] (> 0 into the pack) at which the pack takes terminal power
    ``power_w`` [W]: the root of P = (E + R I) I; 0 when power_w <= 0."""
    if power_w <= 0.0:
        return 0.0
    return (-source_v + math.sqrt(source_v * source_v + 4.0 * r0 * power_w)) * (0.5 * inv_r0)


@njit(cache=True, error_model="numpy", inline="always")
def discharge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can deliver this step [W] (discharge_power_w) with
    CellTables and CellLimits (or regen.DrivingLimits)."""
    return discharge_power_w(
        p,
        cell.pack_ah,
        cell.v_min_v,
        limits.soc_floor,
        limits.i_dis_max_a,
        soc,
        source_v,
        r0,
        inv_r0,
        inv_dt,
    )


@njit(cache=True, error_model="numpy", inline="always")
def discharge_power_w(p, pack_ah, v_min, soc_floor, i_dis_max, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can deliver this step [W]: cell voltage floor ``v_min``
    [V], C-rate limit ``i_dis_max`` [A], charge [Ah] left above the SOC floor at this
    temperature, and the pack (BMS) limit; ``inv_dt``: 1 / step [1/s]."""
    ns = param(p, P.cells_in_series)
    i_dis = min((source_v - ns * v_min) * inv_r0, i_dis_max)
    i_dis = min(i_dis, max(soc - soc_floor, 0.0) * pack_ah * S_PER_H * inv_dt)
    i_dis = min(max(i_dis, 0.0), 0.5 * source_v * inv_r0)
    return max(min((source_v - r0 * i_dis) * i_dis, param(p, P.pack_max_discharge_power_w)), 0.0)


@njit(cache=True, error_model="numpy", inline="always")
def charge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can accept this step [W] on the plug (charge_power_w at
    the sustained charge limit), with CellTables and CellLimits."""
    return charge_power_w(
        p, cell.pack_ah, cell.v_max_v, limits.i_chg_max_a, soc, source_v, r0, inv_r0, inv_dt
    )


@njit(cache=True, error_model="numpy", inline="always")
def charge_power_w(p, pack_ah, v_max, i_chg_max, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can accept this step [W]: cell voltage ceiling ``v_max``
    [V], the charge current limit ``i_chg_max`` [A] (sustained on the plug, the pulse limit
    under regen), room below soc_max, and the pack limit; ``inv_dt``: 1 / step [1/s]."""
    i_chg = min((param(p, P.cells_in_series) * v_max - source_v) * inv_r0, i_chg_max)
    room_a = max(param(p, P.soc_max) - soc, 0.0) * pack_ah * S_PER_H * inv_dt
    i_chg = min(max(i_chg, 0.0), room_a)
    return max(min((source_v + r0 * i_chg) * i_chg, param(p, P.pack_max_charge_power_w)), 0.0)


@njit(cache=True, error_model="numpy", inline="always")
def open_circuit_v(p, tables, soc):
    """Pack open-circuit voltage [V] of variant p at SOC [-]."""
    ocv_cell = tables.ocv_v[int(p[P.chemistry_index])]
    n_soc = ocv_cell.shape[0] - 1
    i, f = grid_pos(soc, 0.0, float(n_soc), n_soc)
    return p[P.cells_in_series] * lerp(ocv_cell, i, f)
