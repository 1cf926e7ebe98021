"""The one time-stepping kernel, batched over vehicle variants (numba).

Backward-facing step: from the requested speed at the end of the step, the road-load powers,
then the wheel, driveline, motor and battery. When the powertrain cannot deliver (traction, motor
torque or speed, battery power), the step is re-solved for the highest end speed it can reach
(bisection), and the shortfall is recorded. One row of ``params`` per variant (see layout.py);
``tables`` are shared by index. With ``NUMBA_DISABLE_JIT=1`` the same code runs as Python.

Sign conventions: powers in W, + = propulsion / discharge; losses are >= 0.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit, prange

from bevsim.engine import thermal
from bevsim.engine.layout import TOT, TR, P

GRAVITY_MPS2 = 9.80665
TRACE_TOLERANCE_MPS = 2.0 / 3.6  # +-2 km/h speed band of GB/T 18386 / GTR 15 cycle following
BISECTION_STEPS = 24
MIN_SPEED_MPS = 1e-6
TEMP_GRID_LO_C = -40.0  # temperature grid of the chemistry tables (engine/tables.py)
TEMP_GRID_STEP_C = 5.0
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
def _lerp(table, i, f):
    """Linear interpolation in a 1-D table at cell i, fraction f."""
    return table[i] * (1.0 - f) + table[i + 1] * f


@njit(cache=True, error_model="numpy", inline="always")
def _bilerp(table, i, f, j, g):
    """Bilinear interpolation in a 2-D table at cells (i, j), fractions (f, g)."""
    lo = table[i, j] * (1.0 - g) + table[i, j + 1] * g
    hi = table[i + 1, j] * (1.0 - g) + table[i + 1, j + 1] * g
    return lo * (1.0 - f) + hi * f


@njit(cache=True, error_model="numpy", inline="always")
def _motor_loss_w(loss_maps, speed_radps, torque_nm, drive):
    """Drive-unit loss [W] at a shaft speed and torque (< 0: generating), from per-unit maps.

    ``drive``: the variant's driveline constants (see _drive_constants).
    """
    loss_map = loss_maps[1] if torque_nm < 0.0 else loss_maps[0]
    n = loss_map.shape[0] - 1
    s = min(max(speed_radps * drive[2], 0.0), 1.0) * n
    t = min(max(abs(torque_nm) * drive[3], 0.0), 1.0) * (loss_map.shape[1] - 1)
    i = min(int(s), n - 1)
    j = min(int(t), loss_map.shape[1] - 2)
    fs = s - i
    ft = t - j
    lo = loss_map[i, j] * (1.0 - ft) + loss_map[i, j + 1] * ft
    hi = loss_map[i + 1, j] * (1.0 - ft) + loss_map[i + 1, j + 1] * ft
    return (lo * (1.0 - fs) + hi * fs) * drive[4]


@njit(cache=True, error_model="numpy", inline="always")
def _road_powers(p, v1, v2, cos_t, sin_t, inv_dt):
    """Aero, rolling, grade and inertia powers [W] at the wheels for a step from v1 to v2.

    ``cos_t``, ``sin_t``: cosine and sine of the road's slope angle; ``inv_dt``: 1 / step [1/s].
    """
    v = 0.5 * (v1 + v2)
    accel = (v2 - v1) * inv_dt
    moving = 1.0 if v > MIN_SPEED_MPS else 0.0
    if p[_USE_RL] > 0.5:
        aero = p[_F2] * v * v * v
        rolling = moving * (p[_F0] + p[_F1] * v) * v
    else:
        aero = 0.5 * p[_RHO] * p[_DRAG_AREA] * v * v * v
        rolling = moving * p[_CRR] * p[_MASS] * GRAVITY_MPS2 * cos_t * v
    grade_w = p[_MASS] * GRAVITY_MPS2 * sin_t * v
    inertia = p[_INERTIAL_MASS] * accel * v
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
def _propulsion(p, drive, loss_map, wheel_w, v_avg, wheel_force_n):
    """Motor mech/elec power [W], loss [W], driveline loss [W] and feasibility for wheel_w > 0.

    Feasible when the torque is within the motor's peak torque and power, the motor within its
    speed, and the wheel force within the driven axle's traction.
    """
    motor_mech = wheel_w * drive[1]
    speed = v_avg * drive[0]
    torque = wheel_force_n * drive[1] * drive[5]
    ok = (
        torque <= p[_MOT_T] * (1.0 + 1e-9)
        and motor_mech <= p[_MOT_P] * (1.0 + 1e-9)
        and speed <= p[_MOT_W] * (1.0 + 1e-9)
        and wheel_force_n <= p[_TRACTION]
    )
    loss = _motor_loss_w(loss_map, speed, torque, drive)
    return motor_mech, motor_mech + loss, loss, motor_mech - wheel_w, ok


@njit(cache=True, error_model="numpy", inline="always")
def _pack_state(p, cell, limits, decay_table, soc, polarization_v):
    """Pack OCV and source voltage [V], resistance [ohm] and its inverse; the cell's RC-pair
    resistance [ohm] and its decay factor over one step; at this SOC, polarization [V] and
    the cell temperature's place on the grid (``limits``, from _cell_limits)."""
    ocv_tab, r0_tab, r1_tab, c, cap_ah, v_min, v_max, r_scale, inv_cap = cell
    it, ft = limits[0], limits[1]
    ns = p[_NS]
    n_soc = ocv_tab.shape[0] - 1
    i, f = _grid_pos(soc, 0.0, float(n_soc), n_soc)
    ocv = ns * _lerp(ocv_tab, i, f)
    r0 = r_scale * _bilerp(r0_tab, it, ft, i, f)
    inv_r0 = 1.0 / r0
    source_v = ocv - ns * polarization_v
    r1 = _bilerp(r1_tab, it, ft, i, f) * inv_cap
    decay = _bilerp(decay_table[c], it, ft, i, f)
    return ocv, source_v, r0, inv_r0, r1, decay


@njit(cache=True, error_model="numpy", inline="always")
def _discharge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can deliver this step [W]: cell voltage floor, C-rate,
    charge left above the SOC floor at this temperature, and the pack (BMS) limit."""
    cap_ah, v_min = cell[4], cell[5]
    soc_floor, i_dis_c = limits[2], limits[3]
    i_dis = min((source_v - p[_NS] * v_min) * inv_r0, i_dis_c)
    i_dis = min(i_dis, max(soc - soc_floor, 0.0) * cap_ah * 3600.0 * inv_dt)
    i_dis = min(max(i_dis, 0.0), 0.5 * source_v * inv_r0)
    return max(min((source_v - r0 * i_dis) * i_dis, p[_PACK_DIS]), 0.0)


@njit(cache=True, error_model="numpy", inline="always")
def _charge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt):
    """Highest terminal power the pack can accept this step [W]: cell voltage ceiling, C-rate
    at this temperature, room below soc_max, and the pack limit."""
    cap_ah, v_max = cell[4], cell[6]
    i_chg = min((p[_NS] * v_max - source_v) * inv_r0, limits[4])
    i_chg = min(max(i_chg, 0.0), max(p[_SOC_MAX] - soc, 0.0) * cap_ah * 3600.0 * inv_dt)
    return max(min((source_v + r0 * i_chg) * i_chg, p[_PACK_CHG]), 0.0)


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
    the SOC floor (cold hides the bottom of the usable window: the capacity the chemistry loses
    at this temperature), and the pack's discharge and charge current limits [A]."""
    n_temp = tables.capacity_fraction.shape[1] - 1
    it, ft = _grid_pos(cell_temp_c, TEMP_GRID_LO_C, 1.0 / TEMP_GRID_STEP_C, n_temp)
    lost = max(1.0 - _lerp(tables.capacity_fraction[c], it, ft), 0.0)
    soc_floor = p[_SOC_MIN] + lost * (p[_SOC_MAX] - p[_SOC_MIN])
    pack_ah = p[_CAP] * p[_NP]
    i_dis_c = _lerp(tables.max_discharge_c_rate[c], it, ft) * pack_ah
    i_chg_c = _lerp(tables.max_charge_c_rate[c], it, ft) * pack_ah
    return it, ft, soc_floor, i_dis_c, i_chg_c


@njit(cache=True, error_model="numpy", inline="always")
def _wheel_force_n(p, wheel_w, v_avg, v1, v2, inv_dt):
    """Tractive force [N]: wheel power over speed, or the inertial force when (nearly) at rest."""
    if v_avg > MIN_SPEED_MPS:
        return wheel_w / v_avg
    return p[_INERTIAL_MASS] * (v2 - v1) * inv_dt


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
    speed = v * drive[0]
    if speed <= MIN_SPEED_MPS:
        return 0.0, 0.0, 0.0, 0.0, -wheel
    fade = min(v * drive[6], 1.0) if drive[6] > 0.0 else 1.0
    motor_mech = -min(-wheel, p[_TRACTION] * v) * fade * p[_ETA_DL]
    motor_mech = max(motor_mech, -min(p[_MOT_T] * speed, p[_MOT_P]))
    inv_speed = 1.0 / speed
    motor_loss = _motor_loss_w(loss_map, speed, motor_mech * inv_speed, drive)
    floor = -p_chg - aux - motor_loss
    if motor_mech < floor:  # the pack's charge acceptance binds: regen less
        for _ in range(3):
            motor_mech = min(floor, 0.0)
            motor_loss = _motor_loss_w(loss_map, speed, motor_mech * inv_speed, drive)
            floor = -p_chg - aux - motor_loss
        motor_mech = max(motor_mech, min(floor, 0.0))  # the last loss update stays inside
    if motor_mech + motor_loss >= 0.0:  # regen would cost more than it gives: freewheel
        motor_mech = 0.0
        motor_loss = 0.0
    regen_wheel = motor_mech * drive[1]
    return (
        motor_mech,
        motor_mech + motor_loss,
        motor_loss,
        motor_mech - regen_wheel,
        regen_wheel - wheel,
    )


@njit(cache=True, error_model="numpy")
def run_vehicle(
    p,
    tables,
    decay_table,
    speed_req,
    cos_slope,
    sin_slope,
    dt,
    break_off_s,
    totals,
    traces,
    record,
):
    """Drive one variant over the trace; write its totals row and, if record, its traces.

    With ``break_off_s`` > 0 the run stops once the car has been more than the trace tolerance
    below the requested speed for that many consecutive seconds (the range tests' end).
    """
    loss_map = tables.motor_loss_pu[int(p[_MAP])]
    drive = _drive_constants(p)
    cell = _cell_tables(p, tables)
    inv_dt = 1.0 / dt
    soc_per_amp = dt / (cell[4] * 3600.0)  # SOC drawn by 1 A over one step
    cell_c = p[_TEMP]
    cabin_c = p[_CABIN0]
    cabin_k_per_w, pack_k_per_w = thermal.step_per_capacity(p, dt)
    limits_c = cell_c
    limits = _cell_limits(p, tables, cell[3], cell_c)
    soc = p[_SOC0]
    pol = 0.0  # RC-pair voltage per cell [V]
    v1 = speed_req[0]
    distance = trace_distance = chem_e = term_e = term_dis = term_chg = 0.0
    wheel_pos = wheel_neg = regen_e = aero_e = rolling_e = grade_e = kinetic_e = 0.0
    dl_e = motor_e = ohmic_e = pol_e = friction_e = aux_e = 0.0
    hvac_e = pack_tm_e = cabin_heat_e = heater_heat_e = cells_heat_e = pack_amb_e = 0.0
    max_short = off_trace = off_run = 0.0
    broke_off = 0.0
    steps = 0
    min_soc = soc
    min_v = 1e12
    max_v = 0.0
    n = speed_req.shape[0]
    for step in range(1, n):
        if abs(cell_c - limits_c) > LIMITS_RETUNE_K:
            limits_c = cell_c
            limits = _cell_limits(p, tables, cell[3], cell_c)
        ocv, source_v, r0, inv_r0, r1, decay = _pack_state(p, cell, limits, decay_table, soc, pol)
        target = speed_req[step]
        cos_t = cos_slope[step]
        sin_t = sin_slope[step]
        v2 = target
        aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, cos_t, sin_t, inv_dt)
        wheel = aero + rolling + grade_w + inertia
        if wheel < 0.0 and v > MIN_SPEED_MPS and -wheel > p[_BRAKE_MAX] * v:
            # The tires cannot brake this hard: decelerate at the friction limit instead.
            resist = (aero + rolling + grade_w) / v
            v2 = max(v1 - (p[_BRAKE_MAX] + resist) * dt / p[_INERTIAL_MASS], target)
            aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, cos_t, sin_t, inv_dt)
            wheel = aero + rolling + grade_w + inertia
        p_dis = _discharge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt)
        p_chg = 0.0
        cabin_heat, hvac_w = thermal.cabin_hvac(p, cabin_c, v1)
        pack_heat, pack_tm_w = thermal.pack_thermal_management(p, cell_c)
        aux_want = p[_AUX] + hvac_w + pack_tm_w
        if wheel > 0.0:
            force = _wheel_force_n(p, wheel, v, v1, v2, inv_dt)
            motor_mech, motor_elec, motor_loss, dl_loss, ok = _propulsion(
                p, drive, loss_map, wheel, v, force
            )
            if not (ok and motor_elec + aux_want <= p_dis):
                lo, hi = 0.0, target
                for _ in range(BISECTION_STEPS):
                    mid = 0.5 * (lo + hi)
                    if _can_reach(
                        p, drive, loss_map, v1, mid, cos_t, sin_t, inv_dt, aux_want, p_dis
                    ):
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
                motor_mech, motor_elec, motor_loss, dl_loss, ok = _propulsion(
                    p, drive, loss_map, max(wheel, 0.0), v, force
                )
            friction = 0.0
        if wheel <= 0.0:
            p_chg = _charge_limit_w(p, cell, limits, soc, source_v, r0, inv_r0, inv_dt)
            motor_mech, motor_elec, motor_loss, dl_loss, friction = _regen(
                p, drive, loss_map, wheel, v, aux_want, p_chg
            )
        # Accessories and thermal loads run on regen first, then on what the pack can still
        # give; short of power, they all get the same share of what they asked for.
        supplied = min(aux_want, max(p_dis - motor_elec, 0.0))
        aux = p[_AUX]
        if supplied < aux_want:
            share = supplied / aux_want
            aux *= share
            hvac_w *= share
            cabin_heat *= share
            pack_tm_w *= share
            pack_heat *= share
        battery_w = motor_elec + supplied
        # Pack current from terminal power: P = (E - R I) I.
        disc = source_v * source_v - 4.0 * r0 * battery_w
        current = (source_v - math.sqrt(max(disc, 0.0))) * 0.5 * inv_r0
        terminal_v = source_v - r0 * current
        chem_w = ocv * current
        ohmic_w = r0 * current * current
        pol_w = p[_NS] * pol * current
        # RC pair, exact over the step for constant current.
        pol = pol * decay + r1 * (current / p[_NP]) * (1.0 - decay)
        soc -= current * soc_per_amp
        # Heat: the cells' losses and the thermal management warm the pack, the air cools it.
        cells_heat = ohmic_w + pol_w
        pack_amb = thermal.pack_heat_to_ambient_w(p, cell_c)
        cabin_c = thermal.cabin_temp_next(p, cabin_c, v, cabin_heat, cabin_k_per_w)
        cell_c = thermal.pack_temp_next(p, cell_c, cells_heat, pack_heat, pack_k_per_w)

        distance += v * dt
        trace_distance += 0.5 * (speed_req[step - 1] + target) * dt
        chem_e += chem_w * dt
        term_e += battery_w * dt
        if battery_w > 0.0:
            term_dis += battery_w * dt
        else:
            term_chg -= battery_w * dt
        if wheel > 0.0:
            wheel_pos += wheel * dt
        else:
            wheel_neg -= wheel * dt
            regen_e -= motor_mech * dt
        aero_e += aero * dt
        rolling_e += rolling * dt
        grade_e += grade_w * dt
        kinetic_e += inertia * dt
        dl_e += dl_loss * dt
        motor_e += motor_loss * dt
        ohmic_e += ohmic_w * dt
        pol_e += pol_w * dt
        friction_e += friction * dt
        aux_e += aux * dt
        hvac_e += hvac_w * dt
        pack_tm_e += pack_tm_w * dt
        cabin_heat_e += cabin_heat * dt
        heater_heat_e += pack_heat * dt
        cells_heat_e += cells_heat * dt
        pack_amb_e += pack_amb * dt
        shortfall = target - v2
        max_short = max(max_short, shortfall)
        if shortfall > TRACE_TOLERANCE_MPS:
            off_trace += dt
            off_run += dt
        else:
            off_run = 0.0
        steps = step
        min_soc = min(min_soc, soc)
        min_v = min(min_v, terminal_v)
        max_v = max(max_v, terminal_v)
        if record:
            row = traces[step]
            row[TR.speed_requested_mps] = target
            row[TR.speed_achieved_mps] = v2
            row[TR.wheel_power_w] = wheel
            row[TR.motor_mech_power_w] = motor_mech
            row[TR.motor_elec_power_w] = motor_elec
            row[TR.battery_power_w] = battery_w
            row[TR.battery_current_a] = current
            row[TR.terminal_voltage_v] = terminal_v
            row[TR.open_circuit_voltage_v] = ocv
            row[TR.soc] = soc
            row[TR.cell_temp_c] = cell_c
            row[TR.cabin_temp_c] = cabin_c
            row[TR.cabin_hvac_power_w] = hvac_w
            row[TR.battery_thermal_power_w] = pack_tm_w
            row[TR.aero_power_w] = aero
            row[TR.rolling_power_w] = rolling
            row[TR.grade_power_w] = grade_w
            row[TR.inertia_power_w] = inertia
            row[TR.driveline_loss_w] = dl_loss
            row[TR.motor_loss_w] = motor_loss
            row[TR.battery_loss_w] = ohmic_w + pol_w
            row[TR.friction_brake_power_w] = friction
            row[TR.accessory_power_w] = aux
            row[TR.max_discharge_power_w] = p_dis
            row[TR.max_charge_power_w] = p_chg
        v1 = v2
        if break_off_s > 0.0 and off_run >= break_off_s - 1e-9:
            broke_off = 1.0
            break
    totals[TOT.distance_m] = distance
    totals[TOT.trace_distance_m] = trace_distance
    totals[TOT.chemical_energy_j] = chem_e
    totals[TOT.terminal_energy_j] = term_e
    totals[TOT.terminal_discharge_energy_j] = term_dis
    totals[TOT.terminal_charge_energy_j] = term_chg
    totals[TOT.wheel_positive_energy_j] = wheel_pos
    totals[TOT.wheel_negative_energy_j] = wheel_neg
    totals[TOT.aero_energy_j] = aero_e
    totals[TOT.rolling_energy_j] = rolling_e
    totals[TOT.grade_energy_j] = grade_e
    totals[TOT.kinetic_energy_change_j] = kinetic_e
    totals[TOT.driveline_loss_j] = dl_e
    totals[TOT.motor_loss_j] = motor_e
    totals[TOT.battery_ohmic_loss_j] = ohmic_e
    totals[TOT.battery_polarization_loss_j] = pol_e
    totals[TOT.friction_brake_energy_j] = friction_e
    totals[TOT.accessory_energy_j] = aux_e
    totals[TOT.cabin_hvac_energy_j] = hvac_e
    totals[TOT.battery_thermal_energy_j] = pack_tm_e
    totals[TOT.cabin_heat_j] = cabin_heat_e
    totals[TOT.battery_heater_heat_j] = heater_heat_e
    totals[TOT.battery_heat_generated_j] = cells_heat_e
    totals[TOT.pack_heat_to_ambient_j] = pack_amb_e
    totals[TOT.final_cell_temp_c] = cell_c
    totals[TOT.final_cabin_temp_c] = cabin_c
    totals[TOT.regen_energy_j] = regen_e
    totals[TOT.final_soc] = soc
    totals[TOT.min_soc] = min_soc
    totals[TOT.max_speed_shortfall_mps] = max_short
    totals[TOT.time_off_trace_s] = off_trace
    totals[TOT.min_terminal_voltage_v] = min_v
    totals[TOT.max_terminal_voltage_v] = max_v
    totals[TOT.final_speed_mps] = v1
    totals[TOT.final_polarization_v] = pol
    totals[TOT.steps] = steps
    totals[TOT.broke_off] = broke_off
    if record:
        n_soc = tables.ocv_v.shape[1] - 1
        i, f = _grid_pos(p[_SOC0], 0.0, float(n_soc), n_soc)
        ocv0 = p[_NS] * _lerp(cell[0], i, f)
        row = traces[0]
        row[TR.speed_requested_mps] = speed_req[0]
        row[TR.speed_achieved_mps] = speed_req[0]
        row[TR.soc] = p[_SOC0]
        row[TR.terminal_voltage_v] = ocv0
        row[TR.open_circuit_voltage_v] = ocv0
        row[TR.cell_temp_c] = p[_TEMP]
        row[TR.cabin_temp_c] = p[_CABIN0]


@njit(cache=True, error_model="numpy", parallel=True)
def run_batch(params, tables, speed_req, grade, dt, break_off_s, totals, traces, record):
    """Run every variant (row of params) over the trace, in parallel across variants.

    ``grade`` is rise over run per step; the slope's cosine and sine and the RC pairs' decay
    over one step (from the tau table) are computed once for the whole batch.
    """
    cos_slope = 1.0 / np.sqrt(1.0 + grade * grade)
    sin_slope = grade * cos_slope
    decay_table = np.exp(-dt / tables.tau1_s)
    for i in prange(params.shape[0]):
        run_vehicle(
            params[i],
            tables,
            decay_table,
            speed_req,
            cos_slope,
            sin_slope,
            dt,
            break_off_s,
            totals[i],
            traces[i],
            record,
        )


def empty_outputs(n_variants: int, n_steps: int, record: bool):
    """Allocate the totals matrix and the trace array (empty unless record)."""
    totals = np.zeros((n_variants, _N_TOTALS))
    shape = (n_variants, n_steps, _N_TRACES) if record else (n_variants, 1, _N_TRACES)
    return totals, np.zeros(shape)
