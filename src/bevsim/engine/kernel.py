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

from bevsim.engine.layout import TOT, TR, P

GRAVITY_MPS2 = 9.80665
TRACE_TOLERANCE_MPS = 2.0 / 3.6  # +-2 km/h speed band of GB/T 18386 / GTR 15 cycle following
BISECTION_STEPS = 24
MIN_SPEED_MPS = 1e-6

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
_MOT_P = P.motor_peak_power_w
_MOT_T = P.motor_peak_torque_nm
_MOT_W = P.motor_max_speed_radps
_MAP = P.motor_map_index
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

_N_TOTALS = len(TOT)
_N_TRACES = len(TR)


@njit(cache=True, inline="always")
def _interp_uniform(table, x):
    """Linear interpolation in a 1-D table on the uniform grid [0, 1]; clamped at the ends."""
    n = table.shape[0] - 1
    pos = min(max(x, 0.0), 1.0) * n
    i = min(int(pos), n - 1)
    f = pos - i
    return table[i] * (1.0 - f) + table[i + 1] * f


@njit(cache=True, inline="always")
def _interp_soc_temp(table, temp_pos, soc):
    """Bilinear lookup in a [temp, soc] table; temp_pos is the fractional temperature index."""
    nt = table.shape[0] - 1
    it = min(int(temp_pos), nt - 1)
    ft = temp_pos - it
    return _interp_uniform(table[it], soc) * (1.0 - ft) + _interp_uniform(table[it + 1], soc) * ft


@njit(cache=True, inline="always")
def _interp_temp(table, temp_pos):
    nt = table.shape[0] - 1
    it = min(int(temp_pos), nt - 1)
    ft = temp_pos - it
    return table[it] * (1.0 - ft) + table[it + 1] * ft


@njit(cache=True, inline="always")
def _motor_loss_w(loss_maps, speed_radps, torque_nm, peak_torque_nm, max_speed_radps):
    """Drive-unit loss [W] at a shaft speed and torque (< 0: generating), from per-unit maps."""
    loss_map = loss_maps[1] if torque_nm < 0.0 else loss_maps[0]
    n = loss_map.shape[0] - 1
    s = min(max(speed_radps / max_speed_radps, 0.0), 1.0) * n
    t = min(max(abs(torque_nm) / peak_torque_nm, 0.0), 1.0) * (loss_map.shape[1] - 1)
    i = min(int(s), n - 1)
    j = min(int(t), loss_map.shape[1] - 2)
    fs = s - i
    ft = t - j
    lo = loss_map[i, j] * (1.0 - ft) + loss_map[i, j + 1] * ft
    hi = loss_map[i + 1, j] * (1.0 - ft) + loss_map[i + 1, j + 1] * ft
    return (lo * (1.0 - fs) + hi * fs) * peak_torque_nm * max_speed_radps


@njit(cache=True, inline="always")
def _road_powers(p, v1, v2, grade, dt):
    """Aero, rolling, grade and inertia powers [W] at the wheels for a step from v1 to v2."""
    v = 0.5 * (v1 + v2)
    accel = (v2 - v1) / dt
    cos_t = 1.0 / math.sqrt(1.0 + grade * grade)
    sin_t = grade * cos_t
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


@njit(cache=True, inline="always")
def _propulsion(p, loss_map, wheel_w, v_avg, wheel_force_n):
    """Motor mech/elec power [W], loss [W], driveline loss [W] and feasibility for wheel_w > 0."""
    motor_mech = wheel_w / p[_ETA_DL]
    speed = v_avg / p[_RADIUS] * p[_GEAR]
    if speed > MIN_SPEED_MPS:
        torque = motor_mech / speed
    else:
        torque = wheel_force_n * p[_RADIUS] / p[_GEAR] / p[_ETA_DL]
    torque_max = p[_MOT_T]
    if speed * torque_max > p[_MOT_P]:
        torque_max = p[_MOT_P] / speed
    ok = (
        torque <= torque_max * (1.0 + 1e-9)
        and speed <= p[_MOT_W] * (1.0 + 1e-9)
        and wheel_force_n <= p[_TRACTION]
    )
    loss = _motor_loss_w(loss_map, speed, torque, p[_MOT_T], p[_MOT_W])
    return motor_mech, motor_mech + loss, loss, motor_mech - wheel_w, ok


@njit(cache=True, inline="always")
def _pack_state(p, tables, soc, polarization_v, dt):
    """Pack open-circuit voltage and source voltage [V], resistance [ohm], power limits [W]."""
    c = int(p[_CHEM])
    temp_pos = (min(max(p[_TEMP], -40.0), 60.0) + 40.0) / 5.0
    ns = p[_NS]
    cap_ah = p[_CAP] * p[_NP] * _interp_temp(tables.capacity_fraction[c], temp_pos)
    ocv = ns * _interp_uniform(tables.ocv_v[c], soc)
    r0 = ns * _interp_soc_temp(tables.r0_ohm_ah[c], temp_pos, soc) / (p[_CAP] * p[_NP])
    source_v = ocv - ns * polarization_v
    # Discharge: cell voltage floor, C-rate, remaining charge above soc_min, pack (BMS) limit.
    i_dis = (source_v - ns * tables.min_voltage_v[c]) / r0
    i_dis = min(i_dis, _interp_temp(tables.max_discharge_c_rate[c], temp_pos) * p[_CAP] * p[_NP])
    i_dis = min(i_dis, max(soc - p[_SOC_MIN], 0.0) * cap_ah * 3600.0 / dt)
    i_dis = min(max(i_dis, 0.0), 0.5 * source_v / r0)
    p_dis = min((source_v - r0 * i_dis) * i_dis, p[_PACK_DIS])
    # Charge: cell voltage ceiling, C-rate, room below soc_max, pack limit.
    i_chg = (ns * tables.max_voltage_v[c] - source_v) / r0
    i_chg = min(i_chg, _interp_temp(tables.max_charge_c_rate[c], temp_pos) * p[_CAP] * p[_NP])
    i_chg = min(max(i_chg, 0.0), max(p[_SOC_MAX] - soc, 0.0) * cap_ah * 3600.0 / dt)
    p_chg = min((source_v + r0 * i_chg) * i_chg, p[_PACK_CHG])
    return ocv, source_v, r0, cap_ah, max(p_dis, 0.0), max(p_chg, 0.0), temp_pos


@njit(cache=True)
def _demand(p, tables, v1, v2, grade, dt, p_dis):
    """Battery terminal power [W] needed to go from v1 to v2, and whether the car can do it."""
    aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, grade, dt)
    wheel = aero + rolling + grade_w + inertia
    if wheel <= 0.0:
        return 0.0, True
    force = wheel / v if v > MIN_SPEED_MPS else p[_INERTIAL_MASS] * (v2 - v1) / dt
    _, elec, _, _, ok = _propulsion(p, tables.motor_loss_pu[int(p[_MAP])], wheel, v, force)
    battery = elec + p[_AUX]
    return battery, ok and battery <= p_dis


@njit(cache=True)
def run_vehicle(p, tables, speed_req, grade, dt, totals, traces, record):
    """Drive one variant over the trace; write its totals row and, if record, its traces."""
    c = int(p[_CHEM])
    loss_map = tables.motor_loss_pu[int(p[_MAP])]
    soc = p[_SOC0]
    pol = 0.0  # RC-pair voltage per cell [V]
    v1 = speed_req[0]
    for k in range(_N_TOTALS):
        totals[k] = 0.0
    totals[TOT.min_soc] = soc
    totals[TOT.min_terminal_voltage_v] = 1e9
    n = speed_req.shape[0]
    for step in range(1, n):
        ocv, source_v, r0, cap_ah, p_dis, p_chg, temp_pos = _pack_state(p, tables, soc, pol, dt)
        target = speed_req[step]
        g = grade[step]
        battery_req, ok = _demand(p, tables, v1, target, g, dt, p_dis)
        v2 = target
        if not ok:
            lo, hi = 0.0, target
            for _ in range(BISECTION_STEPS):
                mid = 0.5 * (lo + hi)
                _, ok_mid = _demand(p, tables, v1, mid, g, dt, p_dis)
                if ok_mid:
                    lo = mid
                else:
                    hi = mid
            v2 = lo
        aero, rolling, grade_w, inertia, v = _road_powers(p, v1, v2, g, dt)
        wheel = aero + rolling + grade_w + inertia
        aux = min(p[_AUX], p_dis) if wheel >= 0.0 else p[_AUX]
        friction = 0.0
        if wheel > 0.0:
            force = wheel / v if v > MIN_SPEED_MPS else p[_INERTIAL_MASS] * (v2 - v1) / dt
            motor_mech, motor_elec, motor_loss, dl_loss, _ = _propulsion(
                p, loss_map, wheel, v, force
            )
        else:
            # Regenerative braking, limited by motor envelope, driven-axle traction, regen
            # fade at low speed and the pack's charge acceptance; friction brakes do the rest.
            speed = v / p[_RADIUS] * p[_GEAR]
            fade = min(v / p[_REGEN_V], 1.0) if p[_REGEN_V] > 0.0 else 1.0
            regen_wheel = -min(-wheel, p[_TRACTION] * v) * fade
            motor_mech = regen_wheel * p[_ETA_DL]
            if speed > MIN_SPEED_MPS:
                torque_cap = min(p[_MOT_T], p[_MOT_P] / speed)
                motor_mech = max(motor_mech, -torque_cap * speed)
            else:
                motor_mech = 0.0
            for _ in range(3):
                torque = motor_mech / speed if speed > MIN_SPEED_MPS else 0.0
                motor_loss = _motor_loss_w(loss_map, speed, torque, p[_MOT_T], p[_MOT_W])
                floor = -p_chg - aux - motor_loss
                if motor_mech < floor:
                    motor_mech = min(floor, 0.0)
            torque = motor_mech / speed if speed > MIN_SPEED_MPS else 0.0
            motor_loss = _motor_loss_w(loss_map, speed, torque, p[_MOT_T], p[_MOT_W])
            if motor_mech == 0.0:
                motor_loss = 0.0
            motor_elec = motor_mech + motor_loss
            regen_wheel = motor_mech / p[_ETA_DL]
            dl_loss = motor_mech - regen_wheel
            friction = regen_wheel - wheel
        battery_w = motor_elec + aux
        # Pack current from terminal power: P = (E - R I) I.
        disc = source_v * source_v - 4.0 * r0 * battery_w
        current = (source_v - math.sqrt(max(disc, 0.0))) / (2.0 * r0)
        terminal_v = source_v - r0 * current
        chem_w = ocv * current
        ohmic_w = r0 * current * current
        pol_w = p[_NS] * pol * current
        # RC pair, exact over the step for constant current.
        cell_i = current / p[_NP]
        soc_c = min(max(soc, 0.0), 1.0)
        r1 = _interp_soc_temp(tables.r1_ohm_ah[c], temp_pos, soc_c) / p[_CAP]
        tau = _interp_soc_temp(tables.tau1_s[c], temp_pos, soc_c)
        decay = math.exp(-dt / tau)
        pol = pol * decay + r1 * cell_i * (1.0 - decay)
        soc -= current * dt / (cap_ah * 3600.0)

        totals[TOT.distance_m] += v * dt
        totals[TOT.trace_distance_m] += 0.5 * (speed_req[step - 1] + target) * dt
        totals[TOT.chemical_energy_j] += chem_w * dt
        totals[TOT.terminal_energy_j] += battery_w * dt
        if battery_w > 0.0:
            totals[TOT.terminal_discharge_energy_j] += battery_w * dt
        else:
            totals[TOT.terminal_charge_energy_j] -= battery_w * dt
        if wheel > 0.0:
            totals[TOT.wheel_positive_energy_j] += wheel * dt
        else:
            totals[TOT.wheel_negative_energy_j] -= wheel * dt
            totals[TOT.regen_energy_j] -= motor_mech * dt
        totals[TOT.aero_energy_j] += aero * dt
        totals[TOT.rolling_energy_j] += rolling * dt
        totals[TOT.grade_energy_j] += grade_w * dt
        totals[TOT.kinetic_energy_change_j] += inertia * dt
        totals[TOT.driveline_loss_j] += dl_loss * dt
        totals[TOT.motor_loss_j] += motor_loss * dt
        totals[TOT.battery_ohmic_loss_j] += ohmic_w * dt
        totals[TOT.battery_polarization_loss_j] += pol_w * dt
        totals[TOT.friction_brake_energy_j] += friction * dt
        totals[TOT.accessory_energy_j] += aux * dt
        shortfall = target - v2
        if shortfall > totals[TOT.max_speed_shortfall_mps]:
            totals[TOT.max_speed_shortfall_mps] = shortfall
        if shortfall > TRACE_TOLERANCE_MPS:
            totals[TOT.time_off_trace_s] += dt
        if soc < totals[TOT.min_soc]:
            totals[TOT.min_soc] = soc
        if terminal_v < totals[TOT.min_terminal_voltage_v]:
            totals[TOT.min_terminal_voltage_v] = terminal_v
        if terminal_v > totals[TOT.max_terminal_voltage_v]:
            totals[TOT.max_terminal_voltage_v] = terminal_v
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
            row[TR.cell_temp_c] = p[_TEMP]
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
    totals[TOT.final_soc] = soc
    totals[TOT.final_speed_mps] = v1
    totals[TOT.final_polarization_v] = pol
    totals[TOT.steps] = n - 1
    if record:
        ocv0 = p[_NS] * _interp_uniform(tables.ocv_v[c], p[_SOC0])
        row = traces[0]
        row[TR.speed_requested_mps] = speed_req[0]
        row[TR.speed_achieved_mps] = speed_req[0]
        row[TR.soc] = p[_SOC0]
        row[TR.terminal_voltage_v] = ocv0
        row[TR.open_circuit_voltage_v] = ocv0
        row[TR.cell_temp_c] = p[_TEMP]


@njit(cache=True, parallel=True)
def run_batch(params, tables, speed_req, grade, dt, totals, traces, record):
    """Run every variant (row of params) over the trace, in parallel across variants."""
    for i in prange(params.shape[0]):
        run_vehicle(params[i], tables, speed_req, grade, dt, totals[i], traces[i], record)


def empty_outputs(n_variants: int, n_steps: int, record: bool):
    """Allocate the totals matrix and the trace array (empty unless record)."""
    totals = np.zeros((n_variants, _N_TOTALS))
    shape = (n_variants, n_steps, _N_TRACES) if record else (n_variants, 1, _N_TRACES)
    return totals, np.zeros(shape)
