"""The kernel's block of lanes: its layout and the moves of lane values in and out of it.

A block keeps LANES variants side by side in one flat float64 array ``m``: their parameters
(engine/params.py), state carried from step to step (S), the step's intermediate values (W)
and the totals (T). Quantity q of lane k is ``m[S.q + k]``: each quantity is contiguous over
the lanes and every offset is a constant, so the compiler sees that the kernel's lane loops'
reads and writes do not overlap and vectorizes them.
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from bevsim.engine.layout import PARAM_COLUMNS, TOTAL_COLUMNS, TR, P
from bevsim.engine.params import LANES
from bevsim.engine.physics import thermal
from bevsim.engine.physics.drive_unit import DriveConstants, drive_constants, loss_position
from bevsim.engine.physics.interp import grid_pos, mix
from bevsim.engine.physics.pack import PackState, cell_tables, open_circuit_v
from bevsim.engine.physics.regen import driving_limits
from bevsim.units import S_PER_H

NO_OPERATING_POINT = 1e30
"""Larger speeds or torques (inf, NaN in spare lanes) are read as 0 on the loss map."""

LANE_STATE = (
    "v1_mps",  # speed at the start of the step
    "soc",
    "pol_v",  # RC-pair voltage per cell
    "cell_c",  # cell temperature [degC]
    "cabin_c",  # cabin temperature [degC]
    "tire_c",  # tire temperature [degC]
    "limits_c",  # cell temperature at the last look-up of the cell limits [degC]
    "grid_cell",  # regen.DrivingLimits: the temperature grid's cell and fraction,
    "grid_frac",
    "soc_floor",  # the SOC floor,
    "i_dis_max_a",  # the discharge current limit
    "i_regen_max_a",  # and the regen pulse current limit
    "off_run_s",  # time off the trace without a break
    "active",  # 1 while the variant still drives
    *DriveConstants._fields,  # the driveline constants (drive_unit.DriveConstants)
    "soc_per_amp",  # SOC drawn by 1 A over one step [1/A]
    "cabin_k_per_w",  # step over cabin heat capacity
    "pack_k_per_w",  # step over pack heat capacity
    "chemistry",  # chemistry index
    "r_scale_per_ah",  # cell ohm Ah -> pack ohm
    "inv_cell_ah",  # 1 / cell Ah
    "pack_ah",  # pack capacity
    "v_min_v",  # cell voltage floor
    "v_max_v",  # cell voltage ceiling
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
    "ocv_lo_v",  # the cell OCV table at the two ends of that cell
    "ocv_hi_v",
    *(f"{table}_{corner}" for table in ("r0_ohm_ah", "r1_ohm_ah", "decay") for corner in CORNERS),
    "loss_cell",  # the motor's operating point on its loss map: quadrant, speed and torque
    "loss_quadrant",  # cells and fractions, and the map's per-unit values at the cell's corners
    "loss_fs",
    "loss_torque_cell",
    "loss_ft",
    *(f"loss_pu_{corner}" for corner in CORNERS),
    "fallback",  # 1 when the step needs the lane-by-lane fallback: a re-solve or pack-bound regen
    *PackState._fields,  # the pack's state this step (pack.PackState)
    "p_dis_w",  # what the pack can deliver this step
    "p_chg_w",  # what the pack accepts this step (regen)
    "tire_factor",  # the tires' temperature factor on the rolling force (physics/tires.py)
    "v2_mps",  # speed at the end of the step
    "aero_w",
    "rolling_w",
    "grade_w",
    "inertia_w",
    "v_mps",  # mean speed over the step
    "wheel_w",
    "cabin_heat_w",
    "hvac_w",
    "pack_recovered_w",  # heat the cabin takes from the pack this step
    "pack_heat_w",
    "pack_tm_w",  # pack heater or chiller electric power
    "aux_want_w",  # accessories, HVAC and pack thermal management asked for
    "aux_w",
    "motor_mech_w",
    "motor_elec_w",
    "motor_loss_w",
    "dl_loss_w",
    "friction_w",
    "speed_radps",
    "torque_nm",
    "ok",  # 1 when the motor and traction can deliver the step
    "battery_w",
    "current_a",
    "terminal_v",
    "battery_loss_w",
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

N_PARAMS = len(PARAM_COLUMNS)
N_ROWS = N_PARAMS + len(LANE_STATE) + len(LANE_WORK) + len(TOTAL_COLUMNS)
"""Rows of a block: parameters, state, work and totals, LANES values each."""
S = namedtuple("LaneState", LANE_STATE)(*(LANES * (N_PARAMS + i) for i in range(len(LANE_STATE))))
W = namedtuple("LaneWork", LANE_WORK)(
    *(LANES * (N_PARAMS + len(LANE_STATE) + i) for i in range(len(LANE_WORK)))
)
T = namedtuple("LaneTotals", TOTAL_COLUMNS)(
    *(LANES * (N_PARAMS + len(LANE_STATE) + len(LANE_WORK) + i) for i in range(len(TOTAL_COLUMNS)))
)
"""Offsets of the state (S), work (W) and totals (T) rows in a block."""


@njit(cache=True, error_model="numpy", inline="always")
def lane_params(m, k):
    """Lane k's parameters as a row (a strided view of the block), for scalar code."""
    return m[k : N_PARAMS * LANES : LANES]


@njit(cache=True, error_model="numpy", inline="always")
def store_limits(m, k, limits):
    """Keep the cell limits while driving (regen.DrivingLimits) in lane k's state."""
    m[S.grid_cell + k] = limits.grid_cell
    m[S.grid_frac + k] = limits.grid_frac
    m[S.soc_floor + k] = limits.soc_floor
    m[S.i_dis_max_a + k] = limits.i_dis_max_a
    m[S.i_regen_max_a + k] = limits.i_regen_max_a


@njit(cache=True, error_model="numpy", inline="always")
def lane_drive(m, k):
    """The driveline constants of lane k (drive_unit.DriveConstants)."""
    return DriveConstants(
        m[S.motor_radps_per_mps + k],
        m[S.inv_driveline_efficiency + k],
        m[S.inv_max_speed_s_per_rad + k],
        m[S.inv_peak_torque_per_nm + k],
        m[S.loss_scale_w + k],
        m[S.wheel_radius_per_gear_m + k],
        m[S.inv_regen_fade_speed_s_per_m + k],
    )


@njit(cache=True, error_model="numpy")
def start_lane(p, tables, dt, speed0, m, k):
    """Lane k's state at the start of the trace and its running extremes."""
    drive = drive_constants(p)
    m[S.motor_radps_per_mps + k] = drive.motor_radps_per_mps
    m[S.inv_driveline_efficiency + k] = drive.inv_driveline_efficiency
    m[S.inv_max_speed_s_per_rad + k] = drive.inv_max_speed_s_per_rad
    m[S.inv_peak_torque_per_nm + k] = drive.inv_peak_torque_per_nm
    m[S.loss_scale_w + k] = drive.loss_scale_w
    m[S.wheel_radius_per_gear_m + k] = drive.wheel_radius_per_gear_m
    m[S.inv_regen_fade_speed_s_per_m + k] = drive.inv_regen_fade_speed_s_per_m
    cell = cell_tables(p, tables)
    m[S.soc_per_amp + k] = dt / (cell.pack_ah * S_PER_H)
    m[S.chemistry + k] = cell.chemistry
    m[S.pack_ah + k] = cell.pack_ah
    m[S.v_min_v + k] = cell.v_min_v
    m[S.v_max_v + k] = cell.v_max_v
    m[S.r_scale_per_ah + k] = cell.r_scale_per_ah
    m[S.inv_cell_ah + k] = cell.inv_cell_ah
    cabin_k, pack_k = thermal.step_per_capacity(p, dt)
    m[S.cabin_k_per_w + k] = cabin_k
    m[S.pack_k_per_w + k] = pack_k
    m[S.v1_mps + k] = speed0
    m[S.cell_c + k] = p[P.cell_temp_c]
    m[S.cabin_c + k] = p[P.cabin_initial_temp_c]
    m[S.tire_c + k] = p[P.tire_initial_temp_c]
    m[S.limits_c + k] = p[P.cell_temp_c]
    store_limits(m, k, driving_limits(p, tables, cell.chemistry, p[P.cell_temp_c]))
    m[S.soc + k] = p[P.initial_soc]
    m[S.pol_v + k] = 0.0
    m[S.off_run_s + k] = 0.0
    m[S.active + k] = 1.0
    m[S.corners_soc_cell + k] = -1.0
    m[T.min_soc + k] = p[P.initial_soc]
    m[T.min_terminal_voltage_v + k] = 1e12
    m[T.max_terminal_voltage_v + k] = 0.0


@njit(cache=True, error_model="numpy", inline="always")
def store_corners(m, row, k, table, at, up):
    """Keep a raveled table's four cell corners for lane k in the corner rows of m starting at
    ``row`` (see CORNERS): ``at`` the lower corner's index, ``up`` the index one step up the
    first axis."""
    m[row + k] = table[at]
    m[row + LANES + k] = table[at + 1]
    m[row + 2 * LANES + k] = table[up]
    m[row + 3 * LANES + k] = table[up + 1]


@njit(cache=True, error_model="numpy", inline="always")
def mix_corners(m, row, k, f, ft):
    """Bilinear interpolation of lane k between four corner rows of m starting at ``row`` (see
    CORNERS), at SOC fraction f and temperature fraction ft (as bilerp)."""
    lo = mix(m[row + k], m[row + LANES + k], f)
    hi = mix(m[row + 2 * LANES + k], m[row + 3 * LANES + k], f)
    return mix(lo, hi, ft)


@njit(cache=True, error_model="numpy", inline="always")
def store_road(m, k, v2, aero, rolling, grade_w, inertia, v):
    """Keep lane k's end speed, mean speed [m/s] and road-load powers [W] (and their sum, the
    wheel power) in W."""
    m[W.v2_mps + k] = v2
    m[W.aero_w + k] = aero
    m[W.rolling_w + k] = rolling
    m[W.grade_w + k] = grade_w
    m[W.inertia_w + k] = inertia
    m[W.v_mps + k] = v
    m[W.wheel_w + k] = aero + rolling + grade_w + inertia


@njit(cache=True, error_model="numpy", inline="always")
def store_motor(m, k, motor_mech, motor_elec, motor_loss, dl_loss, friction):
    """Keep lane k's motor mech/elec power, motor and driveline losses and friction-brake
    power [W] (as regen.regen returns them) in W."""
    m[W.motor_mech_w + k] = motor_mech
    m[W.motor_elec_w + k] = motor_elec
    m[W.motor_loss_w + k] = motor_loss
    m[W.dl_loss_w + k] = dl_loss
    m[W.friction_w + k] = friction


@njit(cache=True, error_model="numpy", inline="always")
def store_loss_position(m, k, speed, torque, drive, n_speed, n_torque):
    """Keep lane k's operating point on its loss map (n_speed x n_torque cells) in W."""
    torque = torque if abs(torque) < NO_OPERATING_POINT else 0.0  # spare or stopped lanes
    speed = speed if abs(speed) < NO_OPERATING_POINT else 0.0
    i, fs, j, ft = loss_position(speed, torque, drive, n_speed, n_torque)
    m[W.loss_quadrant + k] = 1.0 if torque < 0.0 else 0.0
    m[W.loss_cell + k] = i
    m[W.loss_fs + k] = fs
    m[W.loss_torque_cell + k] = j
    m[W.loss_ft + k] = ft


@njit(cache=True, error_model="numpy", inline="always")
def record_step(m, traces, step, target):
    """Write this step's trace row of every lane that drove it."""
    for k in range(traces.shape[0]):
        if m[W.was_active + k] < 0.5:
            continue
        row = traces[k, step]
        row[TR.speed_requested_mps] = target
        row[TR.speed_achieved_mps] = m[W.v2_mps + k]
        row[TR.wheel_power_w] = m[W.wheel_w + k]
        row[TR.motor_mech_power_w] = m[W.motor_mech_w + k]
        row[TR.motor_elec_power_w] = m[W.motor_elec_w + k]
        row[TR.battery_power_w] = m[W.battery_w + k]
        row[TR.battery_current_a] = m[W.current_a + k]
        row[TR.terminal_voltage_v] = m[W.terminal_v + k]
        row[TR.open_circuit_voltage_v] = m[W.ocv_v + k]
        row[TR.soc] = m[S.soc + k]
        row[TR.cell_temp_c] = m[S.cell_c + k]
        row[TR.cabin_temp_c] = m[S.cabin_c + k]
        row[TR.cabin_hvac_power_w] = m[W.hvac_w + k]
        row[TR.battery_thermal_power_w] = m[W.pack_tm_w + k]
        row[TR.aero_power_w] = m[W.aero_w + k]
        row[TR.rolling_power_w] = m[W.rolling_w + k]
        row[TR.grade_power_w] = m[W.grade_w + k]
        row[TR.inertia_power_w] = m[W.inertia_w + k]
        row[TR.driveline_loss_w] = m[W.dl_loss_w + k]
        row[TR.motor_loss_w] = m[W.motor_loss_w + k]
        row[TR.battery_loss_w] = m[W.battery_loss_w + k]
        row[TR.friction_brake_power_w] = m[W.friction_w + k]
        row[TR.accessory_power_w] = m[W.aux_w + k]
        row[TR.max_discharge_power_w] = m[W.p_dis_w + k]
        row[TR.max_charge_power_w] = m[W.p_chg_w + k]


@njit(cache=True, error_model="numpy")
def finish_lane(p, tables, m, k, speed0, trace, record):
    """Lane k's end state into its totals; the trace's first row (the start)."""
    m[T.final_cell_temp_c + k] = m[S.cell_c + k]
    m[T.final_cabin_temp_c + k] = m[S.cabin_c + k]
    m[T.final_tire_temp_c + k] = m[S.tire_c + k]
    m[T.final_soc + k] = m[S.soc + k]
    m[T.final_speed_mps + k] = m[S.v1_mps + k]
    m[T.final_polarization_v + k] = m[S.pol_v + k]
    if record:
        ocv0 = open_circuit_v(p, tables, p[P.initial_soc])
        row = trace[0]
        row[TR.speed_requested_mps] = speed0
        row[TR.speed_achieved_mps] = speed0
        row[TR.soc] = p[P.initial_soc]
        row[TR.terminal_voltage_v] = ocv0
        row[TR.open_circuit_voltage_v] = ocv0
        row[TR.cell_temp_c] = p[P.cell_temp_c]
        row[TR.cabin_temp_c] = p[P.cabin_initial_temp_c]


@njit(cache=True, error_model="numpy", inline="always")
def soc_positions(m, n_soc):
    """Per lane (SIMD): the SOC's cell and fraction on the tables' SOC grid (n_soc cells), and
    whether the lane has moved to another (temperature, SOC) cell of the tables (spare and
    stopped lanes too: their state is frozen, they fetch once). Returns how many have."""
    stale = 0
    for k in range(LANES):
        i, f = grid_pos(m[S.soc + k], 0.0, float(n_soc), n_soc)
        m[W.soc_cell + k] = i
        m[W.soc_frac + k] = f
        moved = (i != m[S.corners_soc_cell + k]) | (
            m[S.grid_cell + k] != m[S.corners_grid_cell + k]
        )
        m[W.stale + k] = 1.0 if moved else 0.0
        stale += 1 if moved else 0
    return stale


@njit(cache=True, error_model="numpy", inline="always")
def fetch_pack_corners(flat, m):
    """Per lane that has moved to another cell of the tables (rare: a SOC cell is 1 %): the
    chemistry tables' values at the corners of its (temperature, SOC) cell. ``flat``: see
    Raveled."""
    ocv, r0, r1, decay = flat.ocv_v, flat.r0_ohm_ah, flat.r1_ohm_ah, flat.decay
    n_temp, n_soc = flat.temp_points, flat.soc_points
    for k in range(LANES):
        if m[W.stale + k] < 0.5:
            continue
        c = int(m[S.chemistry + k])
        i = int(m[W.soc_cell + k])
        it = int(m[S.grid_cell + k])
        m[S.corners_soc_cell + k] = i
        m[S.corners_grid_cell + k] = it
        at = (c * n_temp + it) * n_soc + i
        up = at + n_soc
        m[W.ocv_lo_v + k] = ocv[c * n_soc + i]
        m[W.ocv_hi_v + k] = ocv[c * n_soc + i + 1]
        store_corners(m, W.r0_ohm_ah_00, k, r0, at, up)
        store_corners(m, W.r1_ohm_ah_00, k, r1, at, up)
        store_corners(m, W.decay_00, k, decay, at, up)


@njit(cache=True, error_model="numpy", inline="always")
def fetch_loss_corners(flat, m):
    """Per lane (gathers): the loss map's values at the corners of the operating point's cell.
    ``flat``: see Raveled."""
    loss = flat.motor_loss_pu
    n_s, n_t = flat.speed_points, flat.torque_points
    for k in range(LANES):
        quadrant = int(m[P.motor_map_index * LANES + k]) * 2 + int(m[W.loss_quadrant + k])
        at = (quadrant * n_s + int(m[W.loss_cell + k])) * n_t + int(m[W.loss_torque_cell + k])
        store_corners(m, W.loss_pu_00, k, loss, at, at + n_t)
