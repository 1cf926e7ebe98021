"""The one time-stepping kernel, batched over vehicle variants (numba).

Backward-facing step: from the requested speed at the end of the step, the road-load powers,
then the wheel, driveline, motor and battery. When the powertrain cannot deliver (traction, motor
torque or speed, battery power), the step is re-solved for the highest end speed it can reach
(bisection), and the shortfall is recorded. One row of ``params`` per variant (see layout.py);
``tables`` are shared by index. With ``NUMBA_DISABLE_JIT=1`` the same code runs as Python.

Variants run in blocks of LANES, side by side: every step goes through the block in a few loops
over the lanes. The loops of pure arithmetic (pack state, road loads, HVAC, motor demand and
regen, pack current, temperatures, totals) compile to SIMD instructions, eight lanes at a time;
table corners are fetched lane by lane (pack tables only when a lane moves to another SOC or
temperature cell), and the rare steps that need a re-solve (the car cannot follow, skids, or
the pack limits regen) run lane by lane with the same physics functions. Lanes are independent,
so a variant's result is bit for bit the same alone, in any lane or in any batch.

Sign conventions: powers in W, + = propulsion / discharge; losses are >= 0.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numpy as np
from numba import njit, prange

from bevsim.engine import thermal
from bevsim.engine.layout import PARAM_COLUMNS, TOT, TOTAL_COLUMNS, TR, P
from bevsim.engine.params import LANES, param
from bevsim.units import GRAVITY_MPS2

TRACE_TOLERANCE_MPS = 2.0 / 3.6  # +-2 km/h speed band of GB/T 18386 / GTR 15 cycle following
BISECTION_STEPS = 24
MIN_SPEED_MPS = 1e-6
TEMP_GRID_LO_C = -40.0  # temperature grid of the chemistry tables (engine/tables.py)
TEMP_GRID_STEP_C = 5.0
NO_OPERATING_POINT = 1e30
"""Larger speeds or torques (inf, NaN in spare lanes) are read as 0 on the loss map."""
LIMITS_RETUNE_K = 0.02
"""The temperature-dependent cell limits are looked up again once the cells have warmed or
cooled by this much since the last look-up (the tables change by well under 0.1 % per 0.02 K)."""

# Column indices as plain module constants, read by numba as compile-time values.
_MASS = P.mass_kg
_INERTIAL_MASS = P.inertial_mass_kg
_DRAG_AREA = P.drag_area_m2
_RHO = P.air_density_kg_per_m3
_CRR = P.rolling_resistance_coefficient
_USE_RL = P.use_road_load
_F0 = P.f0_n
_F1 = P.f1_n_per_mps
_F2 = P.f2_n_per_mps2
_RADIUS = P.wheel_radius_m
_GEAR = P.gear_ratio
_ETA_DL = P.driveline_efficiency
_TRACTION = P.traction_force_max_n
_BRAKE_MAX = P.braking_force_max_n
_MOT_P = P.motor_peak_power_w
_MOT_T = P.motor_peak_torque_nm
_MOT_W = P.motor_max_speed_radps
_MAP = P.motor_map_index
_LOSS_SCALE = P.motor_loss_scale_w
_REGEN_V = P.regen_min_speed_mps
_AUX = P.accessory_power_w
_CHEM = P.chemistry_index
_NS = P.cells_in_series
_NP = P.cells_in_parallel
_CAP = P.cell_capacity_ah
_SOC_MIN = P.soc_min
_SOC_MAX = P.soc_max
_PACK_DIS = P.pack_max_discharge_power_w
_PACK_CHG = P.pack_max_charge_power_w
_TEMP = P.cell_temp_c
_SOC0 = P.initial_soc
_CABIN0 = P.cabin_initial_temp_c

_N_TOTALS = len(TOT)
_N_TRACES = len(TR)


@njit(cache=True, error_model="numpy", inline="always")
def _grid_pos(x, lo, inv_step, n_cells):
    """Cell index and fraction of x on a uniform grid lo + k / inv_step, k = 0..n_cells
    (clamped to the grid)."""
    pos = (x - lo) * inv_step
    pos = min(max(pos, 0.0), float(n_cells))
    i = min(int(pos), n_cells - 1)
    return i, pos - i


@njit(cache=True, error_model="numpy", inline="always")
def _mix(a, b, f):
    """a and b mixed at fraction f (linear interpolation between two values)."""
    return a * (1.0 - f) + b * f


@njit(cache=True, error_model="numpy", inline="always")
def _lerp(table, i, f):
    """Linear interpolation in a 1-D table at cell i, fraction f."""
    return _mix(table[i], table[i + 1], f)


@njit(cache=True, error_model="numpy", inline="always")
def _bilerp(table, i, f, j, g):
    """Bilinear interpolation in a 2-D table at cells (i, j), fractions (f, g)."""
    return _mix(
        _mix(table[i, j], table[i, j + 1], g), _mix(table[i + 1, j], table[i + 1, j + 1], g), f
    )


@njit(cache=True, error_model="numpy", inline="always")
def _motor_loss_w(loss_maps, speed_radps, torque_nm, drive):
    """Drive-unit loss [W] at a shaft speed and torque (< 0: generating), from per-unit maps.

    ``drive``: the variant's driveline constants (see _drive_constants).
    """
    loss_map = loss_maps[1] if torque_nm < 0.0 else loss_maps[0]
    i, fs, j, ft = _loss_position(
        speed_radps, torque_nm, drive, loss_map.shape[0] - 1, loss_map.shape[1] - 1
    )
    return _loss_from_corners(
        loss_map[i, j],
        loss_map[i, j + 1],
        loss_map[i + 1, j],
        loss_map[i + 1, j + 1],
        fs,
        ft,
        drive,
    )


@njit(cache=True, error_model="numpy", inline="always")
def _loss_position(speed_radps, torque_nm, drive, n_speed, n_torque):
    """Cell and fraction of a shaft speed and |torque| on a loss map of n_speed x n_torque
    cells (clamped to the map)."""
    s = min(max(speed_radps * drive[2], 0.0), 1.0) * n_speed
    t = min(max(abs(torque_nm) * drive[3], 0.0), 1.0) * n_torque
    i = min(int(s), n_speed - 1)
    j = min(int(t), n_torque - 1)
    return i, s - i, j, t - j


@njit(cache=True, error_model="numpy", inline="always")
def _loss_from_corners(loss_00, loss_01, loss_10, loss_11, fs, ft, drive):
    """Drive-unit loss [W] between a loss-map cell's corners (speed, torque), at fractions fs
    and ft."""
    return _mix(_mix(loss_00, loss_01, ft), _mix(loss_10, loss_11, ft), fs) * drive[4]


@njit(cache=True, error_model="numpy", inline="always")
def _road_powers(p, v1, v2, cos_t, sin_t, inv_dt):
    """Aero, rolling, grade and inertia powers [W] at the wheels for a step from v1 to v2.

    ``cos_t``, ``sin_t``: cosine and sine of the road's slope angle; ``inv_dt``: 1 / step [1/s].
    """
    v = 0.5 * (v1 + v2)
    accel = (v2 - v1) * inv_dt
    moving = 1.0 if v > MIN_SPEED_MPS else 0.0
    if param(p, _USE_RL) > 0.5:
        aero = param(p, _F2) * v * v * v
        rolling = moving * (param(p, _F0) + param(p, _F1) * v) * v
    else:
        aero = 0.5 * param(p, _RHO) * param(p, _DRAG_AREA) * v * v * v
        rolling = moving * param(p, _CRR) * param(p, _MASS) * GRAVITY_MPS2 * cos_t * v
    grade_w = param(p, _MASS) * GRAVITY_MPS2 * sin_t * v
    inertia = param(p, _INERTIAL_MASS) * accel * v
    return aero, rolling, grade_w, inertia, v


@njit(cache=True, error_model="numpy", inline="always")
def _drive_constants(p):
    """Driveline constants of variant p: motor rad/s per m/s of road speed, 1 / driveline
    efficiency, 1 / motor max speed [s/rad], 1 / peak torque [1/N m], loss scale [W],
    wheel radius / gear ratio [m], 1 / regen fade-out speed [s/m] (0: no fade)."""
    return (
        p[_GEAR] / p[_RADIUS],
        1.0 / p[_ETA_DL],
        1.0 / p[_MOT_W],
        1.0 / p[_MOT_T],
        p[_LOSS_SCALE],
        p[_RADIUS] / p[_GEAR],
        1.0 / p[_REGEN_V] if p[_REGEN_V] > 0.0 else 0.0,
    )


@njit(cache=True, error_model="numpy", inline="always")
def _propulsion_demand(p, drive, wheel_w, v_avg, wheel_force_n):
    """Motor mech power [W], speed [rad/s], torque [N m] and whether they are within the
    motor's peak torque, power and speed and the wheel force within the driven axle's traction
    (wheel_w > 0)."""
    motor_mech = wheel_w * drive[1]
    speed = v_avg * drive[0]
    torque = wheel_force_n * drive[1] * drive[5]
    ok = (
        (torque <= param(p, _MOT_T) * (1.0 + 1e-9))
        & (motor_mech <= param(p, _MOT_P) * (1.0 + 1e-9))
        & (speed <= param(p, _MOT_W) * (1.0 + 1e-9))
        & (wheel_force_n <= param(p, _TRACTION))
    )
    return motor_mech, speed, torque, ok


@njit(cache=True, error_model="numpy", inline="always")
def _propulsion(p, drive, loss_map, wheel_w, v_avg, wheel_force_n):
    """Motor mech/elec power [W], loss [W], driveline loss [W] and feasibility for wheel_w > 0
    (see _propulsion_demand)."""
    motor_mech, speed, torque, ok = _propulsion_demand(p, drive, wheel_w, v_avg, wheel_force_n)
    loss = _motor_loss_w(loss_map, speed, torque, drive)
    return motor_mech, motor_mech + loss, loss, motor_mech - wheel_w, ok


@njit(cache=True, error_model="numpy", inline="always")
def _pack_state(p, cell, limits, decay_table, soc, polarization_v):
    """Pack OCV and source voltage [V], resistance [ohm] and its inverse; the cell's RC-pair
    resistance [ohm] and its decay factor over one step; at this SOC, polarization [V] and
    the cell temperature's place on the grid (``limits``, from _cell_limits)."""
    ocv_tab, r0_tab, r1_tab, c, cap_ah, v_min, v_max, r_scale, inv_cap = cell
    it, ft = limits[0], limits[1]
    n_soc = ocv_tab.shape[0] - 1
    i, f = _grid_pos(soc, 0.0, float(n_soc), n_soc)
    return _pack_values(
        param(p, _NS),
        r_scale,
        inv_cap,
        polarization_v,
        _lerp(ocv_tab, i, f),
        _bilerp(r0_tab, it, ft, i, f),
        _bilerp(r1_tab, it, ft, i, f),
        _bilerp(decay_table[c], it, ft, i, f),
    )


@njit(cache=True, error_model="numpy", inline="always")
def _pack_values(ns, r_scale, inv_cap, polarization_v, ocv_cell, r0_cell_ah, r1_cell_ah, decay):
    """_pack_state from the cell's OCV [V], R0 and R1 [ohm Ah] and RC decay at this SOC and
    temperature: ``ns`` cells in series, ``r_scale`` cell ohm Ah to pack ohm, ``inv_cap`` 1 /
    cell Ah."""
    ocv = ns * ocv_cell
    r0 = r_scale * r0_cell_ah
    inv_r0 = 1.0 / r0
    source_v = ocv - ns * polarization_v
    r1 = r1_cell_ah * inv_cap
    return ocv, source_v, r0, inv_r0, r1, decay


@njit(cache=True, error_model="numpy", inline="always")
def _pack_current_a(source_v, r0, inv_r0, power_w):
    """Pack current [A] that delivers terminal power ``power_w`` [W] (< 0: charging) from a
    source of ``source_v`` [V] behind ``r0`` [ohm]: the smaller root of P = (E - R I) I."""
    disc = source_v * source_v - 4.0 * r0 * power_w
    return (source_v - math.sqrt(max(disc, 0.0))) * 0.5 * inv_r0


@njit(cache=True, error_model="numpy", inline="always")
def _discharge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can deliver this step [W] (see _discharge_power_w),
    with _cell_tables' and _cell_limits' tuples."""
    return _discharge_power_w(
        p, cell[4], cell[5], limits[2], limits[3], soc, source_v, r0, inv_r0, inv_dt
    )


@njit(cache=True, error_model="numpy", inline="always")
def _discharge_power_w(p, pack_ah, v_min, soc_floor, i_dis_max, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can deliver this step [W]: cell voltage floor [V],
    C-rate limit [A], charge [Ah] left above the SOC floor at this temperature, and the pack
    (BMS) limit."""
    ns = param(p, _NS)
    i_dis = min((source_v - ns * v_min) * inv_r0, i_dis_max)
    i_dis = min(i_dis, max(soc - soc_floor, 0.0) * pack_ah * 3600.0 * inv_dt)
    i_dis = min(max(i_dis, 0.0), 0.5 * source_v * inv_r0)
    return max(min((source_v - r0 * i_dis) * i_dis, param(p, _PACK_DIS)), 0.0)


@njit(cache=True, error_model="numpy", inline="always")
def _charge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can accept this step [W] (see _charge_power_w), with
    _cell_tables' and _cell_limits' tuples."""
    return _charge_power_w(p, cell[4], cell[6], limits[4], soc, source_v, r0, inv_r0, inv_dt)


@njit(cache=True, error_model="numpy", inline="always")
def _charge_power_w(p, pack_ah, v_max, i_chg_max, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can accept this step [W]: cell voltage ceiling [V],
    C-rate limit at this temperature [A], room below soc_max, and the pack limit."""
    i_chg = min((param(p, _NS) * v_max - source_v) * inv_r0, i_chg_max)
    i_chg = min(max(i_chg, 0.0), max(param(p, _SOC_MAX) - soc, 0.0) * pack_ah * 3600.0 * inv_dt)
    return max(min((source_v + r0 * i_chg) * i_chg, param(p, _PACK_CHG)), 0.0)


@njit(cache=True, error_model="numpy", inline="always")
def _cell_tables(p, tables):
    """Variant p's chemistry tables and pack constants: OCV, R0 and R1 tables, chemistry
    index, pack capacity [Ah], cell voltage window [V], ohm*Ah -> pack ohm, 1 / cell Ah."""
    c = int(p[_CHEM])
    return (
        tables.ocv_v[c],
        tables.r0_ohm_ah[c],
        tables.r1_ohm_ah[c],
        c,
        p[_CAP] * p[_NP],
        tables.min_voltage_v[c],
        tables.max_voltage_v[c],
        p[_NS] / (p[_CAP] * p[_NP]),
        1.0 / p[_CAP],
    )


@njit(cache=True, error_model="numpy", inline="always")
def _cell_limits(p, tables, c, cell_temp_c):
    """What the cell temperature [degC] sets: its place on the temperature grid (cell, fraction),
    the SOC floor, and the pack's discharge and charge current limits [A]. The floor is the
    usable window's bottom at every temperature: what cold cells cannot deliver is decided by
    the voltage cut-off with their cold resistances (_discharge_power_w), which reproduces the
    chemistries' rate-test capacities (chemistry ``capacity_fraction``); raising the floor as
    well counted the cold twice."""
    n_temp = tables.max_discharge_c_rate.shape[1] - 1
    it, ft = _grid_pos(cell_temp_c, TEMP_GRID_LO_C, 1.0 / TEMP_GRID_STEP_C, n_temp)
    soc_floor = p[_SOC_MIN]
    pack_ah = p[_CAP] * p[_NP]
    i_dis_c = _lerp(tables.max_discharge_c_rate[c], it, ft) * pack_ah
    i_chg_c = _lerp(tables.max_charge_c_rate[c], it, ft) * pack_ah
    return it, ft, soc_floor, i_dis_c, i_chg_c


@njit(cache=True, error_model="numpy", inline="always")
def _driving_limits(p, tables, c, cell_temp_c):
    """_cell_limits while driving: the charge limit [A] is the regenerative-braking pulse
    limit (``max_regen_c_rate``; brake pulses last seconds), not the sustained charge limit."""
    it, ft, soc_floor, i_dis_c, _ = _cell_limits(p, tables, c, cell_temp_c)
    i_regen_c = _lerp(tables.max_regen_c_rate[c], it, ft) * p[_CAP] * p[_NP]
    return it, ft, soc_floor, i_dis_c, i_regen_c


@njit(cache=True, error_model="numpy", inline="always")
def _wheel_force_n(p, wheel_w, v_avg, v1, v2, inv_dt):
    """Tractive force [N]: wheel power over speed, or the inertial force when (nearly) at rest."""
    at_rest = param(p, _INERTIAL_MASS) * (v2 - v1) * inv_dt
    return wheel_w / v_avg if v_avg > MIN_SPEED_MPS else at_rest


@njit(cache=True, error_model="numpy")
def _can_reach(p, drive, loss_map, v1, v2, cos_t, sin_t, inv_dt, aux_w, p_dis):
    """Whether the powertrain and pack can take the car from v1 to v2 [m/s] in one step."""
    aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, cos_t, sin_t, inv_dt)
    wheel = aero + rolling + grade_w + inertia
    if wheel <= 0.0:
        return True
    force = _wheel_force_n(p, wheel, v, v1, v2, inv_dt)
    _, elec, _, _, ok = _propulsion(p, drive, loss_map, wheel, v, force)
    return ok and elec + aux_w <= p_dis


@njit(cache=True, error_model="numpy", inline="always")
def _regen(p, drive, loss_map, wheel, v, aux, p_chg):
    """Braking step: motor mech/elec power, motor, driveline and friction-brake losses [W].

    Regen is limited by the motor envelope, driven-axle traction, a fade below
    regen_min_speed and the pack's charge acceptance; friction brakes take the rest.
    """
    speed, motor_mech = _regen_request(p, drive, wheel, v)
    if speed <= MIN_SPEED_MPS:
        return 0.0, 0.0, 0.0, 0.0, -wheel
    inv_speed = 1.0 / speed
    motor_loss = _motor_loss_w(loss_map, speed, motor_mech * inv_speed, drive)
    floor = -p_chg - aux - motor_loss
    if motor_mech < floor:  # the pack's charge acceptance binds: regen less
        for _ in range(3):
            motor_mech = min(floor, 0.0)
            motor_loss = _motor_loss_w(loss_map, speed, motor_mech * inv_speed, drive)
            floor = -p_chg - aux - motor_loss
        motor_mech = max(motor_mech, min(floor, 0.0))  # the last loss update stays inside
    return _regen_result(drive, wheel, motor_mech, motor_loss)


@njit(cache=True, error_model="numpy", inline="always")
def _regen_request(p, drive, wheel, v):
    """Motor speed [rad/s] and the regen it is asked for [W, < 0] when braking with wheel
    power ``wheel`` [W, <= 0] at mean speed v [m/s], before the pack's acceptance."""
    speed = v * drive[0]
    fade = min(v * drive[6], 1.0) if drive[6] > 0.0 else 1.0
    motor_mech = -min(-wheel, param(p, _TRACTION) * v) * fade * param(p, _ETA_DL)
    motor_mech = max(motor_mech, -min(param(p, _MOT_T) * speed, param(p, _MOT_P)))
    return speed, motor_mech


@njit(cache=True, error_model="numpy", inline="always")
def _regen_result(drive, wheel, motor_mech, motor_loss):
    """_regen's powers [W] once the regen and its loss are settled; no regen when it would
    cost more than it gives (freewheel)."""
    freewheel = motor_mech + motor_loss >= 0.0
    motor_mech = 0.0 if freewheel else motor_mech
    motor_loss = 0.0 if freewheel else motor_loss
    regen_wheel = motor_mech * drive[1]
    return (
        motor_mech,
        motor_mech + motor_loss,
        motor_loss,
        motor_mech - regen_wheel,
        regen_wheel - wheel,
    )


LANE_STATE = (
    "v1",  # speed at the start of the step [m/s]
    "soc",
    "pol",  # RC-pair voltage per cell [V]
    "cell_c",  # cell temperature [degC]
    "cabin_c",  # cabin temperature [degC]
    "limits_c",  # cell temperature at the last look-up of the cell limits [degC]
    "grid_cell",  # the five values of _cell_limits: temperature grid cell and fraction,
    "grid_frac",
    "soc_floor",  # SOC floor,
    "i_dis_max",  # discharge and charge current limits [A]
    "i_chg_max",
    "off_run",  # time off the trace without a break [s]
    "active",  # 1 while the variant still drives
    "drive0",  # the seven constants of _drive_constants
    "drive1",
    "drive2",
    "drive3",
    "drive4",
    "drive5",
    "drive6",
    "soc_per_amp",  # SOC drawn by 1 A over one step
    "cabin_k_per_w",  # step over cabin heat capacity [K/W]
    "pack_k_per_w",  # step over pack heat capacity [K/W]
    "chem",  # chemistry index
    "r_scale",  # cell ohm Ah -> pack ohm
    "inv_cap",  # 1 / cell Ah
    "pack_ah",  # pack capacity [Ah]
    "v_min",  # cell voltage floor [V]
    "v_max",  # cell voltage ceiling [V]
    "corners_soc_cell",  # the (SOC, temperature) cell whose table corners W holds
    "corners_grid_cell",
)
CORNERS = ("00", "01", "10", "11")  # (temperature, SOC) cell corners of a 2-D table
LANE_WORK = (
    "skid",  # 1 when the lane brakes at its tires' limit this step
    "retune",  # 1 when the lane's cell limits are looked up again this step
    "stale",  # 1 when the lane's table corners are fetched again this step
    "soc_cell",  # the SOC's place on the chemistry tables' grid: cell and fraction
    "soc_frac",
    "ocv_lo",  # the OCV table at the two ends of that cell
    "ocv_hi",
    *(f"{table}_{corner}" for table in ("r0", "r1", "decay") for corner in CORNERS),
    "loss_cell",  # the motor's operating point on its loss map: quadrant, speed and torque
    "loss_quadrant",  # cells and fractions, and the map's values at the cell's corners
    "loss_fs",
    "loss_torque_cell",
    "loss_ft",
    *(f"loss_{corner}" for corner in CORNERS),
    "fallback",  # 1 when the step needs _motor_fallback: a re-solve or regen the pack limits
    "ocv",
    "source_v",
    "r0",
    "inv_r0",
    "r1",
    "decay",
    "p_dis",
    "p_chg",
    "v2",
    "aero",
    "rolling",
    "grade_w",
    "inertia",
    "v",
    "wheel",
    "cabin_heat",
    "hvac_w",
    "pack_heat",
    "pack_tm_w",
    "aux_want",
    "aux",
    "motor_mech",
    "motor_elec",
    "motor_loss",
    "dl_loss",
    "friction",
    "speed",
    "torque",
    "ok",
    "battery_w",
    "current",
    "terminal_v",
    "battery_loss",
    "was_active",
)


Raveled = namedtuple(
    "Raveled",
    "ocv_v r0_ohm_ah r1_ohm_ah decay temp_points soc_points motor_loss_pu speed_points "
    "torque_points",
)
"""The tables the lanes fetch corners from, raveled to 1-D (one index per corner): OCV
[chem, soc], R0, R1 and the RC pair's decay over one step [chem, temp, soc], the motor loss
maps [map, quadrant, speed, torque], and the grid sizes (points) of those axes."""

_N_PARAMS = len(PARAM_COLUMNS)
_N_ROWS = _N_PARAMS + len(LANE_STATE) + len(LANE_WORK) + len(TOTAL_COLUMNS)
S = namedtuple("LaneState", LANE_STATE)(*(LANES * (_N_PARAMS + i) for i in range(len(LANE_STATE))))
W = namedtuple("LaneWork", LANE_WORK)(
    *(LANES * (_N_PARAMS + len(LANE_STATE) + i) for i in range(len(LANE_WORK)))
)
T = namedtuple("LaneTotals", TOTAL_COLUMNS)(
    *(LANES * (_N_PARAMS + len(LANE_STATE) + len(LANE_WORK) + i) for i in range(len(TOTAL_COLUMNS)))
)
"""A block keeps its lanes' parameters (see engine.params), state (S), the step's
intermediate values (W) and the totals (T) in one flat array ``m``: quantity q of lane k is
``m[S.q + k]``. Each quantity is contiguous over the lanes and every offset is a constant, so
the compiler sees that the lane loops' reads and writes do not overlap and vectorizes them."""


@njit(cache=True, error_model="numpy", inline="always")
def _lane_params(m, k):
    """Lane k's parameters as a row (a strided view of the block), for scalar code."""
    return m[k : _N_PARAMS * LANES : LANES]


@njit(cache=True, error_model="numpy", inline="always")
def _lane_limits(m, k):
    """The cell limits of lane k (see _cell_limits)."""
    return (
        int(m[S.grid_cell + k]),
        m[S.grid_frac + k],
        m[S.soc_floor + k],
        m[S.i_dis_max + k],
        m[S.i_chg_max + k],
    )


@njit(cache=True, error_model="numpy", inline="always")
def _store_limits(m, k, limits):
    """Keep the cell limits (see _cell_limits) in lane k's state."""
    it, ft, soc_floor, i_dis_max, i_chg_max = limits
    m[S.grid_cell + k] = it
    m[S.grid_frac + k] = ft
    m[S.soc_floor + k] = soc_floor
    m[S.i_dis_max + k] = i_dis_max
    m[S.i_chg_max + k] = i_chg_max


@njit(cache=True, error_model="numpy", inline="always")
def _lane_drive(m, k):
    """The driveline constants of lane k (see _drive_constants)."""
    return (
        m[S.drive0 + k],
        m[S.drive1 + k],
        m[S.drive2 + k],
        m[S.drive3 + k],
        m[S.drive4 + k],
        m[S.drive5 + k],
        m[S.drive6 + k],
    )


@njit(cache=True, error_model="numpy")
def _start_lane(p, tables, dt, speed0, m, k):
    """Lane k's state at the start of the trace and its running extremes."""
    d0, d1, d2, d3, d4, d5, d6 = _drive_constants(p)
    m[S.drive0 + k] = d0
    m[S.drive1 + k] = d1
    m[S.drive2 + k] = d2
    m[S.drive3 + k] = d3
    m[S.drive4 + k] = d4
    m[S.drive5 + k] = d5
    m[S.drive6 + k] = d6
    cell = _cell_tables(p, tables)
    m[S.soc_per_amp + k] = dt / (cell[4] * 3600.0)
    m[S.chem + k] = cell[3]
    m[S.pack_ah + k] = cell[4]
    m[S.v_min + k] = cell[5]
    m[S.v_max + k] = cell[6]
    m[S.r_scale + k] = cell[7]
    m[S.inv_cap + k] = cell[8]
    cabin_k, pack_k = thermal.step_per_capacity(p, dt)
    m[S.cabin_k_per_w + k] = cabin_k
    m[S.pack_k_per_w + k] = pack_k
    m[S.v1 + k] = speed0
    m[S.cell_c + k] = p[_TEMP]
    m[S.cabin_c + k] = p[_CABIN0]
    m[S.limits_c + k] = p[_TEMP]
    _store_limits(m, k, _driving_limits(p, tables, cell[3], p[_TEMP]))
    m[S.soc + k] = p[_SOC0]
    m[S.pol + k] = 0.0
    m[S.off_run + k] = 0.0
    m[S.active + k] = 1.0
    m[S.corners_soc_cell + k] = -1.0
    m[T.min_soc + k] = p[_SOC0]
    m[T.min_terminal_voltage_v + k] = 1e12
    m[T.max_terminal_voltage_v + k] = 0.0


@njit(cache=True, error_model="numpy", inline="always")
def _retune_limits(tables, m):
    """The cell limits again for the lanes whose cells' temperature has moved (SIMD check,
    then a rare look-up lane by lane)."""
    moved = 0
    for k in range(LANES):
        due = (m[S.active + k] > 0.5) & (abs(m[S.cell_c + k] - m[S.limits_c + k]) > LIMITS_RETUNE_K)
        m[W.retune + k] = 1.0 if due else 0.0
        moved += 1 if due else 0
    if moved == 0:
        return
    for k in range(LANES):
        if m[W.retune + k] > 0.5:
            cell_c = m[S.cell_c + k]
            m[S.limits_c + k] = cell_c
            limits = _driving_limits(_lane_params(m, k), tables, int(m[S.chem + k]), cell_c)
            _store_limits(m, k, limits)


@njit(cache=True, error_model="numpy", inline="always")
def _soc_positions(m, n_soc):
    """Per lane (SIMD): the SOC's cell and fraction on the tables' SOC grid (n_soc cells), and
    whether the lane has moved to another (temperature, SOC) cell of the tables (spare and
    stopped lanes too: their state is frozen, they fetch once). Returns how many have."""
    stale = 0
    for k in range(LANES):
        i, f = _grid_pos(m[S.soc + k], 0.0, float(n_soc), n_soc)
        m[W.soc_cell + k] = i
        m[W.soc_frac + k] = f
        moved = (i != m[S.corners_soc_cell + k]) | (
            m[S.grid_cell + k] != m[S.corners_grid_cell + k]
        )
        m[W.stale + k] = 1.0 if moved else 0.0
        stale += 1 if moved else 0
    return stale


@njit(cache=True, error_model="numpy", inline="always")
def _pack_corners(flat, m):
    """Per lane that has moved to another cell of the tables (rare: a SOC cell is 1 %): the
    chemistry tables' values at the corners of its (temperature, SOC) cell. ``flat``: see
    Raveled."""
    ocv, r0, r1, decay = flat.ocv_v, flat.r0_ohm_ah, flat.r1_ohm_ah, flat.decay
    n_temp, n_soc = flat.temp_points, flat.soc_points
    for k in range(LANES):
        if m[W.stale + k] < 0.5:
            continue
        c = int(m[S.chem + k])
        i = int(m[W.soc_cell + k])
        it = int(m[S.grid_cell + k])
        m[S.corners_soc_cell + k] = i
        m[S.corners_grid_cell + k] = it
        at = (c * n_temp + it) * n_soc + i
        up = at + n_soc
        m[W.ocv_lo + k] = ocv[c * n_soc + i]
        m[W.ocv_hi + k] = ocv[c * n_soc + i + 1]
        _store_corners(m, W.r0_00, k, r0, at, up)
        _store_corners(m, W.r1_00, k, r1, at, up)
        _store_corners(m, W.decay_00, k, decay, at, up)


@njit(cache=True, error_model="numpy", inline="always")
def _store_corners(m, row, k, table, at, up):
    """Keep a raveled table's four cell corners for lane k in the corner rows of m starting at
    ``row`` (see CORNERS): ``at`` the lower corner's index, ``up`` the index one step up the
    first axis."""
    m[row + k] = table[at]
    m[row + LANES + k] = table[at + 1]
    m[row + 2 * LANES + k] = table[up]
    m[row + 3 * LANES + k] = table[up + 1]


@njit(cache=True, error_model="numpy", inline="always")
def _mix_corners(m, row, k, f, ft):
    """Bilinear interpolation of lane k between four corner rows of m starting at ``row`` (see
    CORNERS), at SOC fraction f and temperature fraction ft (as _bilerp)."""
    lo = _mix(m[row + k], m[row + LANES + k], f)
    hi = _mix(m[row + 2 * LANES + k], m[row + 3 * LANES + k], f)
    return _mix(lo, hi, ft)


@njit(cache=True, error_model="numpy", inline="always")
def _pack_lane(m, k, inv_dt):
    """Lane k's pack voltages and resistances at its SOC and temperature (interpolated between
    the corners) and the power it can deliver this step."""
    p = (m, k)
    f = m[W.soc_frac + k]
    ft = m[S.grid_frac + k]
    soc = m[S.soc + k]
    ocv, source_v, r0, inv_r0, r1, decay = _pack_values(
        param(p, _NS),
        m[S.r_scale + k],
        m[S.inv_cap + k],
        m[S.pol + k],
        _mix(m[W.ocv_lo + k], m[W.ocv_hi + k], f),
        _mix_corners(m, W.r0_00, k, f, ft),
        _mix_corners(m, W.r1_00, k, f, ft),
        _mix_corners(m, W.decay_00, k, f, ft),
    )
    m[W.ocv + k] = ocv
    m[W.source_v + k] = source_v
    m[W.r0 + k] = r0
    m[W.inv_r0 + k] = inv_r0
    m[W.r1 + k] = r1
    m[W.decay + k] = decay
    m[W.p_dis + k] = _discharge_power_w(
        p,
        m[S.pack_ah + k],
        m[S.v_min + k],
        m[S.soc_floor + k],
        m[S.i_dis_max + k],
        soc,
        source_v,
        r0,
        inv_r0,
        inv_dt,
    )


@njit(cache=True, error_model="numpy", inline="always")
def _store_road(m, k, v2, aero, rolling, grade_w, inertia, v):
    """Keep lane k's end speed, mean speed [m/s] and road-load powers [W] (and their sum, the
    wheel power) in W."""
    m[W.v2 + k] = v2
    m[W.aero + k] = aero
    m[W.rolling + k] = rolling
    m[W.grade_w + k] = grade_w
    m[W.inertia + k] = inertia
    m[W.v + k] = v
    m[W.wheel + k] = aero + rolling + grade_w + inertia


@njit(cache=True, error_model="numpy", inline="always")
def _store_motor(m, k, motor_mech, motor_elec, motor_loss, dl_loss, friction):
    """Keep lane k's motor mech/elec power, motor and driveline losses and friction-brake
    power [W] (as _regen returns them) in W."""
    m[W.motor_mech + k] = motor_mech
    m[W.motor_elec + k] = motor_elec
    m[W.motor_loss + k] = motor_loss
    m[W.dl_loss + k] = dl_loss
    m[W.friction + k] = friction


@njit(cache=True, error_model="numpy", inline="always")
def _lane_charge_power_w(p, m, k, inv_dt):
    """Highest terminal power lane k's pack can accept this step [W] (_charge_power_w at its
    state)."""
    return _charge_power_w(
        p,
        m[S.pack_ah + k],
        m[S.v_max + k],
        m[S.i_chg_max + k],
        m[S.soc + k],
        m[W.source_v + k],
        m[W.r0 + k],
        m[W.inv_r0 + k],
        inv_dt,
    )


@njit(cache=True, error_model="numpy", inline="always")
def _road_loads(m, target, cos_t, sin_t, inv_dt):
    """Per lane (SIMD): the pack's state (see _pack_lane) and the road-load powers to reach
    the requested speed. Returns how many driving lanes would brake harder than their tires
    can (see _skid_lanes)."""
    skids = 0
    for k in range(LANES):
        _pack_lane(m, k, inv_dt)
        p = (m, k)
        aero, rolling, grade_w, inertia, v = _road_powers(
            p, m[S.v1 + k], target, cos_t, sin_t, inv_dt
        )
        wheel = aero + rolling + grade_w + inertia
        skid = (wheel < 0.0) & (v > MIN_SPEED_MPS) & (-wheel > param(p, _BRAKE_MAX) * v)
        skid = skid & (m[S.active + k] > 0.5)
        m[W.skid + k] = 1.0 if skid else 0.0
        skids += 1 if skid else 0
        _store_road(m, k, target, aero, rolling, grade_w, inertia, v)
    return skids


@njit(cache=True, error_model="numpy", inline="always")
def _skid_lanes(m, target, cos_t, sin_t, dt, inv_dt):
    """Per lane whose tires cannot brake as hard as the trace asks: decelerate at the
    friction limit instead."""
    for k in range(LANES):
        if m[W.skid + k] < 0.5:
            continue
        p = _lane_params(m, k)
        v1 = m[S.v1 + k]
        resist = (m[W.aero + k] + m[W.rolling + k] + m[W.grade_w + k]) / m[W.v + k]
        v2 = max(v1 - (p[_BRAKE_MAX] + resist) * dt / p[_INERTIAL_MASS], target)
        aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, cos_t, sin_t, inv_dt)
        _store_road(m, k, v2, aero, rolling, grade_w, inertia, v)


@njit(cache=True, error_model="numpy", inline="always")
def _hvac_lanes(m):
    """Per lane (SIMD): the cabin HVAC's heat and electric power (blocks with HVAC on); the
    drive unit's waste heat is that of the step before (W.motor_loss still holds it)."""
    for k in range(LANES):
        waste_w = max(m[W.motor_loss + k], 0.0)
        cabin_heat, hvac_w = thermal.cabin_hvac((m, k), m[S.cabin_c + k], m[S.v1 + k], waste_w)
        m[W.cabin_heat + k] = cabin_heat
        m[W.hvac_w + k] = hvac_w


@njit(cache=True, error_model="numpy", inline="always")
def _demand(m, inv_dt, n_speed, n_torque):
    """Per lane (SIMD): the pack's thermal management, what the motor must deliver or may
    regen for the step's road loads (and that operating point on the loss map: n_speed x
    n_torque cells), and what the pack can take back."""
    for k in range(LANES):
        p = (m, k)
        v1 = m[S.v1 + k]
        v2 = m[W.v2 + k]
        v = m[W.v + k]
        wheel = m[W.wheel + k]
        hvac_w = m[W.hvac_w + k]
        pack_heat, pack_tm_w = thermal.pack_thermal_management(p, m[S.cell_c + k])
        force = _wheel_force_n(p, wheel, v, v1, v2, inv_dt)
        drive = _lane_drive(m, k)
        motor_mech, speed, torque, ok = _propulsion_demand(p, drive, wheel, v, force)
        # Braking: the regen asked of the motor, and what the pack can take (see _regen).
        propel = wheel > 0.0
        regen_speed, regen_mech = _regen_request(p, drive, wheel, v)
        moving = regen_speed > MIN_SPEED_MPS
        regen_torque = regen_mech * (1.0 / regen_speed) if moving else 0.0
        p_chg = _lane_charge_power_w(p, m, k, inv_dt)
        motor_mech = motor_mech if propel else regen_mech
        torque = torque if propel else regen_torque
        m[W.p_chg + k] = 0.0 if propel else p_chg
        m[W.pack_heat + k] = pack_heat
        m[W.pack_tm_w + k] = pack_tm_w
        m[W.aux_want + k] = param(p, _AUX) + hvac_w + pack_tm_w
        m[W.motor_mech + k] = motor_mech
        m[W.speed + k] = speed
        m[W.torque + k] = torque
        m[W.ok + k] = 1.0 if ok else 0.0
        _store_loss_position(m, k, speed, torque, drive, n_speed, n_torque)


@njit(cache=True, error_model="numpy", inline="always")
def _store_loss_position(m, k, speed, torque, drive, n_speed, n_torque):
    """Keep lane k's operating point on its loss map (n_speed x n_torque cells) in W."""
    torque = torque if abs(torque) < NO_OPERATING_POINT else 0.0  # spare or stopped lanes
    speed = speed if abs(speed) < NO_OPERATING_POINT else 0.0
    i, fs, j, ft = _loss_position(speed, torque, drive, n_speed, n_torque)
    m[W.loss_quadrant + k] = 1.0 if torque < 0.0 else 0.0
    m[W.loss_cell + k] = i
    m[W.loss_fs + k] = fs
    m[W.loss_torque_cell + k] = j
    m[W.loss_ft + k] = ft


@njit(cache=True, error_model="numpy", inline="always")
def _loss_corners(flat, m):
    """Per lane (gathers): the loss map's values at the corners of the operating point's cell.
    ``flat``: see Raveled."""
    loss = flat.motor_loss_pu
    n_s, n_t = flat.speed_points, flat.torque_points
    for k in range(LANES):
        quadrant = int(m[_MAP * LANES + k]) * 2 + int(m[W.loss_quadrant + k])
        at = (quadrant * n_s + int(m[W.loss_cell + k])) * n_t + int(m[W.loss_torque_cell + k])
        _store_corners(m, W.loss_00, k, loss, at, at + n_t)


@njit(cache=True, error_model="numpy", inline="always")
def _motor_lanes(m):
    """Per lane (SIMD): the drive unit's loss and electric power; when braking, regen as
    _regen gives it. Flags the lanes _motor_fallback must solve: a car that cannot follow the
    trace, or regen the pack's acceptance limits; returns how many driving lanes it flagged."""
    flagged = 0
    for k in range(LANES):
        drive = _lane_drive(m, k)
        loss = _loss_from_corners(
            m[W.loss_00 + k],
            m[W.loss_01 + k],
            m[W.loss_10 + k],
            m[W.loss_11 + k],
            m[W.loss_fs + k],
            m[W.loss_ft + k],
            drive,
        )
        wheel = m[W.wheel + k]
        mech = m[W.motor_mech + k]
        aux_want = m[W.aux_want + k]
        propel = wheel > 0.0
        elec = mech + loss
        fits = elec + aux_want <= m[W.p_dis + k]
        cannot_follow = (m[W.ok + k] < 0.5) | (not fits)
        moving = m[W.speed + k] > MIN_SPEED_MPS
        pack_limits_regen = moving & (mech < -m[W.p_chg + k] - aux_want - loss)
        r_mech, r_elec, r_loss, r_dl, r_friction = _regen_result(drive, wheel, mech, loss)
        _store_motor(
            m,
            k,
            mech if propel else (r_mech if moving else 0.0),
            elec if propel else (r_elec if moving else 0.0),
            loss if propel else (r_loss if moving else 0.0),
            mech - wheel if propel else (r_dl if moving else 0.0),
            0.0 if propel else (r_friction if moving else -wheel),
        )
        fallback = (propel & cannot_follow) | ((not propel) & pack_limits_regen)
        fallback = fallback & (m[S.active + k] > 0.5)
        m[W.fallback + k] = 1.0 if fallback else 0.0
        flagged += 1 if fallback else 0
    return flagged


@njit(cache=True, error_model="numpy", inline="always")
def _motor_fallback(tables, m, target, cos_t, sin_t, inv_dt):
    """Per flagged lane: when the car cannot follow, the highest end speed it can reach
    (bisection) and its powers there; when braking, regen within the pack's acceptance."""
    for k in range(LANES):
        if m[W.fallback + k] < 0.5:
            continue
        p = _lane_params(m, k)
        drive = _lane_drive(m, k)
        loss_map = tables.motor_loss_pu[int(p[_MAP])]
        wheel = m[W.wheel + k]
        if wheel > 0.0:
            aux_want = m[W.aux_want + k]
            p_dis = m[W.p_dis + k]
            v1 = m[S.v1 + k]
            lo, hi = 0.0, target
            for _ in range(BISECTION_STEPS):
                mid = 0.5 * (lo + hi)
                if _can_reach(p, drive, loss_map, v1, mid, cos_t, sin_t, inv_dt, aux_want, p_dis):
                    lo = mid
                else:
                    hi = mid
            v2 = lo
            aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, cos_t, sin_t, inv_dt)
            wheel = aero + rolling + grade_w + inertia
            if v2 == 0.0 and wheel > 0.0:
                # Unpowered, the car stops before the step ends: the kinetic energy goes
                # into the road loads over the fraction of the step it still moves.
                moving_share = -inertia / (aero + rolling + grade_w)
                aero *= moving_share
                rolling *= moving_share
                grade_w *= moving_share
                v *= moving_share
                wheel = 0.0
            force = _wheel_force_n(p, wheel, v, v1, v2, inv_dt)
            motor_mech, motor_elec, motor_loss, dl_loss, _ = _propulsion(
                p, drive, loss_map, max(wheel, 0.0), v, force
            )
            _store_road(m, k, v2, aero, rolling, grade_w, inertia, v)
            m[W.wheel + k] = wheel  # 0 when the car stops within the step
            _store_motor(m, k, motor_mech, motor_elec, motor_loss, dl_loss, 0.0)
        if wheel <= 0.0:
            p_chg = _lane_charge_power_w(p, m, k, inv_dt)
            m[W.p_chg + k] = p_chg
            motor_mech, motor_elec, motor_loss, dl_loss, friction = _regen(
                p, drive, loss_map, wheel, m[W.v + k], m[W.aux_want + k], p_chg
            )
            _store_motor(m, k, motor_mech, motor_elec, motor_loss, dl_loss, friction)


@njit(cache=True, error_model="numpy", inline="always")
def _settle(m, step, target, prev_target, dt, break_off_s):
    """Per lane (SIMD): share the pack's power among the loads, the pack current, the RC pair,
    SOC and temperatures; add the step to the totals of the lanes that drove it; stop lanes
    that break off. Returns the number of lanes that broke off at this step."""
    stopped = 0
    for k in range(LANES):
        p = (m, k)
        act = m[S.active + k] > 0.5
        # Accessories and thermal loads run on regen first, then on what the pack can still
        # give; short of power, they all get the same share of what they asked for.
        aux_want = m[W.aux_want + k]
        motor_elec = m[W.motor_elec + k]
        supplied = min(aux_want, max(m[W.p_dis + k] - motor_elec, 0.0))
        short = supplied < aux_want
        share = supplied / aux_want
        aux = param(p, _AUX) * share if short else param(p, _AUX)
        hvac_w = m[W.hvac_w + k] * share if short else m[W.hvac_w + k]
        cabin_heat = m[W.cabin_heat + k] * share if short else m[W.cabin_heat + k]
        pack_tm_w = m[W.pack_tm_w + k] * share if short else m[W.pack_tm_w + k]
        pack_heat = m[W.pack_heat + k] * share if short else m[W.pack_heat + k]
        battery_w = motor_elec + supplied
        # Pack current from terminal power: P = (E - R I) I.
        source_v = m[W.source_v + k]
        r0 = m[W.r0 + k]
        current = _pack_current_a(source_v, r0, m[W.inv_r0 + k], battery_w)
        terminal_v = source_v - r0 * current
        chem_w = m[W.ocv + k] * current
        ohmic_w = r0 * current * current
        pol = m[S.pol + k]
        pol_w = param(p, _NS) * pol * current
        # RC pair, exact over the step for constant current.
        decay = m[W.decay + k]
        pol = pol * decay + m[W.r1 + k] * (current / param(p, _NP)) * (1.0 - decay)
        soc = m[S.soc + k] - current * m[S.soc_per_amp + k]
        # Heat: the cells' losses and the thermal management warm the pack, the air cools it.
        cells_heat = ohmic_w + pol_w
        cell_c = m[S.cell_c + k]
        v = m[W.v + k]
        pack_amb = thermal.pack_heat_to_ambient_w(p, cell_c)
        cabin_c = thermal.cabin_temp_next(
            p, m[S.cabin_c + k], v, cabin_heat, m[S.cabin_k_per_w + k]
        )
        cell_c = thermal.pack_temp_next(p, cell_c, cells_heat, pack_heat, m[S.pack_k_per_w + k])
        v2 = m[W.v2 + k]
        shortfall = target - v2
        off = shortfall > TRACE_TOLERANCE_MPS
        off_run = m[S.off_run + k] + dt if off else 0.0
        broke = act & (break_off_s > 0.0) & (off_run >= break_off_s - 1e-9)

        m[W.aux + k] = aux
        m[W.hvac_w + k] = hvac_w
        m[W.pack_tm_w + k] = pack_tm_w
        m[W.battery_w + k] = battery_w
        m[W.current + k] = current
        m[W.terminal_v + k] = terminal_v
        m[W.battery_loss + k] = cells_heat
        m[W.cabin_heat + k] = cabin_heat
        m[W.pack_heat + k] = pack_heat
        m[W.was_active + k] = 1.0 if act else 0.0
        m[S.v1 + k] = v2 if act else m[S.v1 + k]
        m[S.soc + k] = soc if act else m[S.soc + k]
        m[S.pol + k] = pol if act else m[S.pol + k]
        m[S.cell_c + k] = cell_c if act else m[S.cell_c + k]
        m[S.cabin_c + k] = cabin_c if act else m[S.cabin_c + k]
        m[S.off_run + k] = off_run if act else m[S.off_run + k]
        m[S.active + k] = 0.0 if broke else m[S.active + k]
        stopped += 1 if broke else 0

        wheel = m[W.wheel + k]
        gain = dt if act else 0.0
        m[T.distance_m + k] += v * gain
        m[T.trace_distance_m + k] += 0.5 * (prev_target + target) * gain
        m[T.chemical_energy_j + k] += chem_w * gain
        m[T.terminal_energy_j + k] += battery_w * gain
        m[T.terminal_discharge_energy_j + k] += battery_w * gain if battery_w > 0.0 else 0.0
        m[T.terminal_charge_energy_j + k] -= battery_w * gain if battery_w <= 0.0 else 0.0
        m[T.wheel_positive_energy_j + k] += wheel * gain if wheel > 0.0 else 0.0
        m[T.wheel_negative_energy_j + k] -= wheel * gain if wheel <= 0.0 else 0.0
        m[T.regen_energy_j + k] -= m[W.motor_mech + k] * gain if wheel <= 0.0 else 0.0
        m[T.aero_energy_j + k] += m[W.aero + k] * gain
        m[T.rolling_energy_j + k] += m[W.rolling + k] * gain
        m[T.grade_energy_j + k] += m[W.grade_w + k] * gain
        m[T.kinetic_energy_change_j + k] += m[W.inertia + k] * gain
        m[T.driveline_loss_j + k] += m[W.dl_loss + k] * gain
        m[T.motor_loss_j + k] += m[W.motor_loss + k] * gain
        m[T.battery_ohmic_loss_j + k] += ohmic_w * gain
        m[T.battery_polarization_loss_j + k] += pol_w * gain
        m[T.friction_brake_energy_j + k] += m[W.friction + k] * gain
        m[T.accessory_energy_j + k] += aux * gain
        m[T.cabin_hvac_energy_j + k] += hvac_w * gain
        m[T.battery_thermal_energy_j + k] += pack_tm_w * gain
        m[T.cabin_heat_j + k] += cabin_heat * gain
        m[T.battery_heater_heat_j + k] += pack_heat * gain
        m[T.battery_heat_generated_j + k] += cells_heat * gain
        m[T.pack_heat_to_ambient_j + k] += pack_amb * gain
        m[T.time_off_trace_s + k] += gain if off else 0.0
        shortest = m[T.max_speed_shortfall_mps + k]
        m[T.max_speed_shortfall_mps + k] = max(shortest, shortfall) if act else shortest
        m[T.steps + k] = step if act else m[T.steps + k]
        lowest_soc = m[T.min_soc + k]
        m[T.min_soc + k] = min(lowest_soc, soc) if act else lowest_soc
        lowest_v = m[T.min_terminal_voltage_v + k]
        m[T.min_terminal_voltage_v + k] = min(lowest_v, terminal_v) if act else lowest_v
        highest_v = m[T.max_terminal_voltage_v + k]
        m[T.max_terminal_voltage_v + k] = max(highest_v, terminal_v) if act else highest_v
        m[T.broke_off + k] = 1.0 if broke else m[T.broke_off + k]
    return stopped


@njit(cache=True, error_model="numpy", inline="always")
def _record(m, traces, step, target):
    """Write this step's trace row of every lane that drove it."""
    for k in range(traces.shape[0]):
        if m[W.was_active + k] < 0.5:
            continue
        row = traces[k, step]
        row[TR.speed_requested_mps] = target
        row[TR.speed_achieved_mps] = m[W.v2 + k]
        row[TR.wheel_power_w] = m[W.wheel + k]
        row[TR.motor_mech_power_w] = m[W.motor_mech + k]
        row[TR.motor_elec_power_w] = m[W.motor_elec + k]
        row[TR.battery_power_w] = m[W.battery_w + k]
        row[TR.battery_current_a] = m[W.current + k]
        row[TR.terminal_voltage_v] = m[W.terminal_v + k]
        row[TR.open_circuit_voltage_v] = m[W.ocv + k]
        row[TR.soc] = m[S.soc + k]
        row[TR.cell_temp_c] = m[S.cell_c + k]
        row[TR.cabin_temp_c] = m[S.cabin_c + k]
        row[TR.cabin_hvac_power_w] = m[W.hvac_w + k]
        row[TR.battery_thermal_power_w] = m[W.pack_tm_w + k]
        row[TR.aero_power_w] = m[W.aero + k]
        row[TR.rolling_power_w] = m[W.rolling + k]
        row[TR.grade_power_w] = m[W.grade_w + k]
        row[TR.inertia_power_w] = m[W.inertia + k]
        row[TR.driveline_loss_w] = m[W.dl_loss + k]
        row[TR.motor_loss_w] = m[W.motor_loss + k]
        row[TR.battery_loss_w] = m[W.battery_loss + k]
        row[TR.friction_brake_power_w] = m[W.friction + k]
        row[TR.accessory_power_w] = m[W.aux + k]
        row[TR.max_discharge_power_w] = m[W.p_dis + k]
        row[TR.max_charge_power_w] = m[W.p_chg + k]


@njit(cache=True, error_model="numpy")
def _finish_lane(p, tables, m, k, speed0, trace, record):
    """Lane k's end state into its totals; the trace's first row (the start)."""
    m[T.final_cell_temp_c + k] = m[S.cell_c + k]
    m[T.final_cabin_temp_c + k] = m[S.cabin_c + k]
    m[T.final_soc + k] = m[S.soc + k]
    m[T.final_speed_mps + k] = m[S.v1 + k]
    m[T.final_polarization_v + k] = m[S.pol + k]
    if record:
        n_soc = tables.ocv_v.shape[1] - 1
        i, f = _grid_pos(p[_SOC0], 0.0, float(n_soc), n_soc)
        ocv0 = p[_NS] * _lerp(tables.ocv_v[int(p[_CHEM])], i, f)
        row = trace[0]
        row[TR.speed_requested_mps] = speed0
        row[TR.speed_achieved_mps] = speed0
        row[TR.soc] = p[_SOC0]
        row[TR.terminal_voltage_v] = ocv0
        row[TR.open_circuit_voltage_v] = ocv0
        row[TR.cell_temp_c] = p[_TEMP]
        row[TR.cabin_temp_c] = p[_CABIN0]


@njit(cache=True, error_model="numpy", inline="always")
def _set_ambient(m, ambient_c):
    """Every lane's ambient temperature parameter [degC] to this step's value of the trace."""
    for k in range(LANES):
        m[P.ambient_temp_c * LANES + k] = ambient_c


@njit(cache=True, error_model="numpy", _nrt=False)
def run_block(tables, flat, speed_req, cos_slope, sin_slope, ambient_c, dt, break_off_s, m, traces):
    """Drive a block of LANES variants over the trace, side by side step by step.

    ``flat``: the look-up tables raveled (Raveled); ``m``: the
    block's parameters (a short block repeats a variant in the spare lanes), state, work and
    totals (see S, W, T), the rest zeroed; ``traces``: [variants, steps, TRACE_COLUMNS] to record
    every step, or [variants, 1, ...] for none, one row per real variant (the first
    ``traces.shape[0]`` lanes). ``ambient_c``: the ambient temperature per step [degC] (a
    logged trip), or empty: the variants' own constant ``ambient_temp_c``. With
    ``break_off_s`` > 0 a
    variant stops once it has been more than the trace tolerance below the requested speed for
    that many consecutive seconds (the range tests' end).
    """
    real = traces.shape[0]
    n = speed_req.shape[0]
    record = traces.shape[1] == n
    inv_dt = 1.0 / dt
    n_soc = flat.soc_points - 1
    hvac = False
    for k in range(LANES):
        hvac = hvac or m[P.hvac_on * LANES + k] > 0.5
    n_speed = flat.speed_points - 1
    n_torque = flat.torque_points - 1
    for k in range(LANES):
        _start_lane(_lane_params(m, k), tables, dt, speed_req[0], m, k)
        if k >= real:
            m[S.active + k] = 0.0
    driving = real
    timed_ambient = ambient_c.shape[0] == n
    for step in range(1, n):
        target = speed_req[step]
        cos_t = cos_slope[step]
        sin_t = sin_slope[step]
        if timed_ambient:
            _set_ambient(m, ambient_c[step])
        _retune_limits(tables, m)
        if _soc_positions(m, n_soc) > 0:
            _pack_corners(flat, m)
        if _road_loads(m, target, cos_t, sin_t, inv_dt) > 0:
            _skid_lanes(m, target, cos_t, sin_t, dt, inv_dt)
        if hvac:
            _hvac_lanes(m)
        _demand(m, inv_dt, n_speed, n_torque)
        _loss_corners(flat, m)
        if _motor_lanes(m) > 0:
            _motor_fallback(tables, m, target, cos_t, sin_t, inv_dt)
        driving -= _settle(m, step, target, speed_req[step - 1], dt, break_off_s)
        if record:
            _record(m, traces, step, target)
        if driving == 0:
            break
    for k in range(real):
        _finish_lane(_lane_params(m, k), tables, m, k, speed_req[0], traces[k], record)


@njit(cache=True, error_model="numpy", parallel=True)
def run_batch(params, tables, speed_req, grade, ambient_c, dt, break_off_s, totals, traces):
    """Run every variant (row of params) over the trace, in blocks of LANES variants, the
    blocks in parallel across cores.

    ``ambient_c``: ambient temperature per step [degC] (same length as ``speed_req``), or an
    empty array to keep each variant's constant ``ambient_temp_c``.

    ``grade`` is rise over run per step; the slope's cosine and sine and the RC pairs' decay
    over one step (from the tau table) are computed once for the whole batch. ``traces``:
    [variants, steps, TRACE_COLUMNS] to record every step, or [variants, 1, ...] for none.
    """
    cos_slope = 1.0 / np.sqrt(1.0 + grade * grade)
    sin_slope = grade * cos_slope
    decay_table = np.exp(-dt / tables.tau1_s)
    flat = Raveled(
        tables.ocv_v.ravel(),
        tables.r0_ohm_ah.ravel(),
        tables.r1_ohm_ah.ravel(),
        decay_table.ravel(),
        tables.r0_ohm_ah.shape[1],
        tables.r0_ohm_ah.shape[2],
        tables.motor_loss_pu.ravel(),
        tables.motor_loss_pu.shape[2],
        tables.motor_loss_pu.shape[3],
    )
    n = params.shape[0]
    n_totals = totals.shape[1]
    for b in prange((n + LANES - 1) // LANES):
        lo = b * LANES
        hi = min(lo + LANES, n)
        m = np.zeros(_N_ROWS * LANES)
        for k in range(LANES):
            m[k : _N_PARAMS * LANES : LANES] = params[min(lo + k, hi - 1)]
        run_block(
            tables,
            flat,
            speed_req,
            cos_slope,
            sin_slope,
            ambient_c,
            dt,
            break_off_s,
            m,
            traces[lo:hi],
        )
        for k in range(hi - lo):
            for j in range(n_totals):
                totals[lo + k, j] = m[T[0] + j * LANES + k]


def empty_outputs(n_variants: int, n_steps: int, record: bool):
    """Allocate the totals matrix and the trace array (empty unless record)."""
    totals = np.zeros((n_variants, _N_TOTALS))
    shape = (n_variants, n_steps, _N_TRACES) if record else (n_variants, 1, _N_TRACES)
    return totals, np.zeros(shape)
