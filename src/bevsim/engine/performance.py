"""Full-throttle performance: launch, top speed and gradeability (numba, forward in time).

Unlike the drive-cycle kernel (backward-facing: the cycle asks for a speed), a launch is
forward-facing: at each instant the car accelerates with the most force the powertrain, the
pack and the tyres allow. The tractive force of each driven axle is the smallest of

- the motors' torque envelope: peak torque up to base speed, then peak power / speed, zero at
  and above max speed; times gear ratio / wheel radius x driveline efficiency [N];
- the axle's traction: tyre-road friction x its normal load, which moves rearwards with
  acceleration and grade (load transfer, c.g. height over wheelbase) [N];

and together the axles may draw no more electric power than the pack can deliver at its SOC and
cell temperature (engine.physics.pack: ``cell_tables``, ``pack_state``, ``discharge_limit_w``)
minus accessories; electric power = shaft power + drive-unit loss from the same per-unit loss
map the kernel uses (engine.physics.drive_unit ``motor_loss_w``), each motor on its own map
scaled to its own rating. When the pack binds, all motors are scaled back by the same factor.
Net force = tractive force - road load (aero with air density, rolling, grade, or coast-down
coefficients); acceleration = net force / (mass + equivalent mass of rotating parts).

An electronic speed limiter (``drive.speed_limiter_kmh``) cuts the torque back at its speed:
the launch reaches the limit speed and holds it there (part throttle: the force that balances
the road load), no steady-state figure is given above it, and the top speed is the smaller of
the limit and the physical top speed of the envelopes above (which ``top_speed`` returns).

Driveline efficiency is applied even when coast-down coefficients are given: at full torque the
gear-mesh loss grows with torque, which a coast-down (no torque) does not measure.
Aerodynamic lift and the drag's pitching moment are neglected in the load transfer.
"""

from __future__ import annotations

import math
from collections import namedtuple
from dataclasses import dataclass

import numpy as np
from numba import njit

from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import P
from bevsim.engine.physics.drive_unit import MapScale, motor_loss_w
from bevsim.engine.physics.pack import (
    cell_limits,
    cell_tables,
    discharge_limit_w,
    pack_current_a,
    pack_state,
)
from bevsim.engine.physics.road_load import RoadLoadColumns, road_load_columns, road_load_force_n
from bevsim.engine.tables import Tables
from bevsim.spec.drive_unit import motor_efficiency_map, motor_loss_scale_w
from bevsim.spec.loss_map import loss_map
from bevsim.spec.models import VehicleSpec
from bevsim.units import GRAVITY_MPS2, KMH_PER_MPS, RPM_PER_RADPS, S_PER_H

LIMITERS = (
    "traction",
    "motor torque",
    "motor power",
    "battery power",
    "motor speed",
    "speed limiter",
)
"""What limited the tractive force (or the speed), by the code the functions here return."""
TRACTION, MOTOR_TORQUE, MOTOR_POWER, BATTERY_POWER, MOTOR_SPEED, SPEED_LIMITER = range(6)
SOLVE_STEPS = 40
"""Bisection steps for the acceleration (load transfer makes traction depend on it) and for
the pack's power scale: 40 halvings of the bracket are below 1e-10 of it."""

# Vehicle constants: one row per vehicle, columns by these indices.
VEHICLE_COLUMNS = (
    *RoadLoadColumns._fields,
    "wheel_radius_m",
    "driveline_efficiency",
    "tire_road_friction",
    "cg_height_m",
    "wheelbase_m",
    "front_axle_load_share",
    "accessory_power_w",
    "speed_limit_mps",  # electronic speed limiter; inf without one
)
_V = namedtuple("VehicleIndex", VEHICLE_COLUMNS)(*range(len(VEHICLE_COLUMNS)))
_M, _MI = _V.mass_kg, _V.inertial_mass_kg
_R, _ETA = _V.wheel_radius_m, _V.driveline_efficiency
_MU, _H, _L, _FS = _V.tire_road_friction, _V.cg_height_m, _V.wheelbase_m, _V.front_axle_load_share
_AUX, _VLIM = _V.accessory_power_w, _V.speed_limit_mps

_ROAD_LOAD = road_load_columns(VEHICLE_COLUMNS)

# Motors: one row per motor.
MOTOR_COLUMNS = (
    "axle",  # 0 front, 1 rear
    "peak_power_w",
    "peak_torque_nm",
    "max_speed_radps",
    "loss_scale_w",
    "map_index",  # into the stacked per-unit loss maps
    "gear_ratio",  # the motor's own reduction (the drive's unless the motor gives one)
)
_AXLE, _PPK, _TPK, _WMAX, _LSCALE, _MAPI, _MGEAR = range(len(MOTOR_COLUMNS))

# Columns of the kernel's parameter row read here (cell temperature: held over a launch).
_TEMP = P.cell_temp_c
_NP = P.cells_in_parallel


@njit(cache=True)
def road_load_n(veh, v, sin_t, cos_t):
    """Aero + rolling + grade force [N] at speed v [m/s] on a slope (sine, cosine), as the
    drive-cycle kernel has it (physics.road_load)."""
    return road_load_force_n(veh, _ROAD_LOAD, v, cos_t, sin_t)


@njit(cache=True)
def _envelope_torque(motor, w):
    """Peak torque [N m] of one motor at shaft speed w [rad/s]: torque, then power, 0 at max."""
    if w >= motor[_WMAX]:
        return 0.0
    if w * motor[_TPK] <= motor[_PPK]:
        return motor[_TPK]
    return motor[_PPK] / w


@njit(cache=True)
def _shaft_speed_radps(veh, motor, v):
    """Shaft speed [rad/s] of a motor at road speed v [m/s], through its own reduction."""
    return v * motor[_MGEAR] / veh[_R]


@njit(cache=True)
def _force_per_torque_per_m(veh, motor):
    """Tractive force per N m of a motor's torque [N/(N m)]: its reduction, the wheel radius
    and the driveline efficiency."""
    return motor[_MGEAR] / veh[_R] * veh[_ETA]


@njit(cache=True)
def _electric_power_w(veh, motors, loss_maps, v, torques, scale):
    """Electric power [W] of all motors at road speed v [m/s] with torques x scale."""
    total = 0.0
    for i in range(motors.shape[0]):
        m = motors[i]
        w = _shaft_speed_radps(veh, m, v)
        t = torques[i] * scale
        map_scale = MapScale(1.0 / m[_WMAX], 1.0 / m[_TPK], m[_LSCALE])
        total += t * w + motor_loss_w(loss_maps[int(m[_MAPI])], w, t, map_scale)
    return total


@njit(cache=True)
def _forces_at(veh, motors, loss_maps, v, sin_t, cos_t, accel, p_avail_w, torques):
    """Tractive force [N] and its limiter at speed v, slope and acceleration ``accel``.

    Fills ``torques`` with each motor's torque [N m] (before the pack's scale) and returns
    (force [N], electric power [W], scale, limiter code).
    """
    weight = veh[_M] * GRAVITY_MPS2
    transfer = veh[_M] * (GRAVITY_MPS2 * sin_t + accel) * veh[_H] / veh[_L]
    normal_front = max(weight * cos_t * veh[_FS] - transfer, 0.0)
    normal_rear = max(weight * cos_t * (1.0 - veh[_FS]) + transfer, 0.0)
    env_axle = np.zeros(2)
    for i in range(motors.shape[0]):
        m = motors[i]
        k_force = _force_per_torque_per_m(veh, m)
        env_axle[int(m[_AXLE])] += _envelope_torque(m, _shaft_speed_radps(veh, m, v)) * k_force
    grip = (veh[_MU] * normal_front, veh[_MU] * normal_rear)
    axle_force = np.zeros(2)
    slipping = False
    for a in range(2):
        if env_axle[a] > 0.0 and grip[a] < env_axle[a]:
            axle_force[a] = grip[a]
            slipping = True
        else:
            axle_force[a] = env_axle[a]
    for i in range(motors.shape[0]):
        m = motors[i]
        a = int(m[_AXLE])
        k_force = _force_per_torque_per_m(veh, m)
        env = _envelope_torque(m, _shaft_speed_radps(veh, m, v))
        share = env * k_force / env_axle[a] if env_axle[a] > 0.0 else 0.0
        torques[i] = axle_force[a] * share / k_force
    force = axle_force[0] + axle_force[1]
    elec = _electric_power_w(veh, motors, loss_maps, v, torques, 1.0)
    scale = 1.0
    if elec > p_avail_w:
        lo, hi = 0.0, 1.0
        for _ in range(SOLVE_STEPS):
            mid = 0.5 * (lo + hi)
            if _electric_power_w(veh, motors, loss_maps, v, torques, mid) <= p_avail_w:
                lo = mid
            else:
                hi = mid
        scale = lo
        elec = _electric_power_w(veh, motors, loss_maps, v, torques, scale)
        return force * scale, elec, scale, BATTERY_POWER
    if slipping:
        return force, elec, scale, TRACTION
    # the motor regime of the motor giving the most force
    best = 0
    for i in range(motors.shape[0]):
        if torques[i] * motors[i, _MGEAR] > torques[best] * motors[best, _MGEAR]:
            best = i
    m = motors[best]
    w = _shaft_speed_radps(veh, m, v)
    if w >= m[_WMAX] or force <= 0.0:
        return force, elec, scale, MOTOR_SPEED
    if w * m[_TPK] > m[_PPK]:
        return force, elec, scale, MOTOR_POWER
    return force, elec, scale, MOTOR_TORQUE


@njit(cache=True)
def solve_acceleration(veh, motors, loss_maps, v, sin_t, cos_t, p_avail_w, torques):
    """Acceleration [m/s^2] at full throttle at speed v on a slope, with load transfer.

    Returns (acceleration, tractive force [N], electric power [W], limiter code). The
    acceleration solves a = (F(a) - road load) / inertial mass by bisection: F grows with a
    by at most mu m h / L < inertial mass, so the residual falls monotonically.
    """
    resist = road_load_n(veh, v, sin_t, cos_t)
    lo, hi = -50.0, 50.0
    for _ in range(SOLVE_STEPS):
        mid = 0.5 * (lo + hi)
        force, _, _, _ = _forces_at(
            veh, motors, loss_maps, v, sin_t, cos_t, mid, p_avail_w, torques
        )
        if (force - resist) / veh[_MI] >= mid:
            lo = mid
        else:
            hi = mid
    force, elec, _, limiter = _forces_at(
        veh, motors, loss_maps, v, sin_t, cos_t, lo, p_avail_w, torques
    )
    return lo, force, elec, limiter


@njit(cache=True)
def limited_forces(veh, motors, loss_maps, v, accel, p_avail_w, torques):
    """Tractive force [N] and electric power [W] on a level road at speed v [m/s] when the speed
    limiter holds the acceleration to ``accel`` [m/s^2], below what full throttle gives: every
    motor's torque is scaled back by the same factor until the force covers road load +
    inertial mass x accel."""
    needed = road_load_n(veh, v, 0.0, 1.0) + veh[_MI] * accel
    full, _, pack_scale, _ = _forces_at(
        veh, motors, loss_maps, v, 0.0, 1.0, accel, p_avail_w, torques
    )
    scale = pack_scale * min(max(needed / full, 0.0), 1.0) if full > 0.0 else 0.0
    return min(needed, full), _electric_power_w(veh, motors, loss_maps, v, torques, scale)


@njit(cache=True)
def pack_available_w(veh, pack_row, tables, cell, decay_table, soc, polarization_v, inv_dt):
    """Electric power [W] the motors may draw (the pack's discharge limit minus accessories),
    with the pack's OCV and source voltage [V], resistance [ohm], RC-pair resistance [ohm] and
    its decay over one step, at this SOC and polarization [V] and the row's cell temperature.

    The one place that calls the pack's physics: ``cell`` is pack.CellTables.
    """
    limits = cell_limits(pack_row, tables, cell.chemistry, pack_row[_TEMP])
    ocv, source_v, r0, inv_r0, r1, decay = pack_state(
        pack_row, cell, limits, decay_table, soc, polarization_v
    )
    p_dis = discharge_limit_w(pack_row, cell, limits, soc, source_v, r0, inv_r0, inv_dt)
    return max(p_dis - veh[_AUX], 0.0), ocv, source_v, r0, r1, decay


@njit(cache=True)
def rested_pack_available_w(veh, pack_row, tables, soc):
    """Electric power [W] the motors may draw from a rested pack (no polarization) at soc,
    sustained for a second: for steady driving (top speed, gradeability)."""
    cell = cell_tables(pack_row, tables)
    decay_table = np.exp(-1.0 / tables.tau1_s)
    return pack_available_w(veh, pack_row, tables, cell, decay_table, soc, 0.0, 1.0)[0]


TRACE_COLUMNS = (
    "time_s",
    "speed_mps",
    "distance_m",
    "acceleration_mps2",
    "limiter",
    "tractive_force_n",
    "road_load_force_n",
    "motor_elec_power_w",
    "battery_power_w",  # at the terminals, incl. accessories
    "chemical_power_w",  # OCV x current
    "soc",
)
N_TRACE = len(TRACE_COLUMNS)


@njit(cache=True)
def launch(
    veh,
    motors,
    loss_maps,
    pack_row,
    tables,
    soc0,
    dt,
    stop_speed_mps,
    stop_distance_m,
    max_time_s,
    out,
):
    """Full-throttle launch from rest on a level road; fills ``out`` [rows, TRACE_COLUMNS].

    Runs until both ``stop_speed_mps`` (or the speed limiter's speed, if lower) and
    ``stop_distance_m`` are passed, the car stops gaining speed below its limiter (its top
    speed, 2 s below 1e-3 m/s^2) or ``max_time_s``. At the limiter's speed the car holds that
    speed at part throttle (limiter code SPEED_LIMITER). Speed by explicit Euler over ``dt``
    [s], distance by the trapezoid rule; the pack's SOC and polarization advance with the
    current drawn (the kernel's cell model). Returns the rows written.
    """
    inv_dt = 1.0 / dt
    v_lim = veh[_VLIM]
    stop_speed_mps = min(stop_speed_mps, v_lim)
    cell = cell_tables(pack_row, tables)
    decay_table = np.exp(-dt / tables.tau1_s)
    cap_ah = cell.pack_ah
    torques = np.zeros(motors.shape[0])
    v = 0.0
    x = 0.0
    t = 0.0
    soc = soc0
    pol = 0.0
    stalled = 0.0
    n = 0
    while n < out.shape[0]:
        p_avail, ocv, source_v, r0, r1, decay = pack_available_w(
            veh, pack_row, tables, cell, decay_table, soc, pol, inv_dt
        )
        accel, force, elec, limiter = solve_acceleration(
            veh, motors, loss_maps, v, 0.0, 1.0, p_avail, torques
        )
        limited = v + accel * dt >= v_lim
        if limited:  # reach the limit speed within this step, then hold it
            accel = max((v_lim - v) * inv_dt, 0.0)
            force, elec = limited_forces(veh, motors, loss_maps, v, accel, p_avail, torques)
            limiter = SPEED_LIMITER
        battery_w = elec + veh[_AUX]
        current = pack_current_a(source_v, r0, 1.0 / r0, battery_w)
        row = out[n]
        row[0] = t
        row[1] = v
        row[2] = x
        row[3] = accel
        row[4] = limiter
        row[5] = force
        row[6] = road_load_n(veh, v, 0.0, 1.0)
        row[7] = elec
        row[8] = battery_w
        row[9] = ocv * current
        row[10] = soc
        n += 1
        if (v >= stop_speed_mps and x >= stop_distance_m) or t >= max_time_s:
            break
        stalled = stalled + dt if accel < 1e-3 and not limited else 0.0
        if stalled >= 2.0:
            break
        v_next = v_lim if limited else max(v + accel * dt, 0.0)
        x += 0.5 * (v + v_next) * dt
        v = v_next
        t += dt
        soc -= current * dt / (cap_ah * S_PER_H)
        pol = pol * decay + r1 * (current / pack_row[_NP]) * (1.0 - decay)
    return n


@njit(cache=True)
def top_speed(veh, motors, loss_maps, p_avail_w, v_max_mps, step_mps):
    """Physical top speed [m/s] on a level road and its limiter: the first speed, scanning up
    by ``step_mps`` to ``v_max_mps``, where the tractive force no longer exceeds the road load,
    refined by bisection. The speed limiter is not applied here (see the module notes)."""
    torques = np.zeros(motors.shape[0])
    v = 0.0
    while v < v_max_mps:
        nxt = v + step_mps
        force, _, _, _ = _forces_at(veh, motors, loss_maps, nxt, 0.0, 1.0, 0.0, p_avail_w, torques)
        if force <= road_load_n(veh, nxt, 0.0, 1.0):
            lo, hi = v, nxt
            for _ in range(SOLVE_STEPS):
                mid = 0.5 * (lo + hi)
                force, _, _, _ = _forces_at(
                    veh, motors, loss_maps, mid, 0.0, 1.0, 0.0, p_avail_w, torques
                )
                if force > road_load_n(veh, mid, 0.0, 1.0):
                    lo = mid
                else:
                    hi = mid
            force, _, _, limiter = _forces_at(
                veh, motors, loss_maps, hi, 0.0, 1.0, 0.0, p_avail_w, torques
            )
            if limiter != MOTOR_SPEED:  # just below the top speed: what holds the force down
                force, _, _, limiter = _forces_at(
                    veh, motors, loss_maps, lo, 0.0, 1.0, 0.0, p_avail_w, torques
                )
            return lo, limiter
        v = nxt
    return v_max_mps, MOTOR_SPEED


@njit(cache=True)
def max_grade(veh, motors, loss_maps, p_avail_w, v):
    """Steepest slope angle [rad] the car climbs at steady speed v [m/s], and the limiter:
    the largest angle where the tractive force (with the grade's load transfer) covers the
    road load incl. the grade, by bisection up to 60 degrees. Returns (-1, limiter) when the
    car cannot hold v even on the level, or above its speed limiter."""
    if v > veh[_VLIM]:
        return -1.0, SPEED_LIMITER
    torques = np.zeros(motors.shape[0])
    lo, hi = 0.0, math.radians(60.0)
    force, _, _, limiter = _forces_at(veh, motors, loss_maps, v, 0.0, 1.0, 0.0, p_avail_w, torques)
    if force < road_load_n(veh, v, 0.0, 1.0):
        return -1.0, limiter
    for _ in range(SOLVE_STEPS):
        mid = 0.5 * (lo + hi)
        s, c = math.sin(mid), math.cos(mid)
        force, _, _, _ = _forces_at(veh, motors, loss_maps, v, s, c, 0.0, p_avail_w, torques)
        if force >= road_load_n(veh, v, s, c):
            lo = mid
        else:
            hi = mid
    s, c = math.sin(hi), math.cos(hi)
    force, _, _, limiter = _forces_at(veh, motors, loss_maps, v, s, c, 0.0, p_avail_w, torques)
    return lo, limiter


@dataclass(frozen=True)
class PerformanceSetup:
    """One vehicle compiled for the performance functions: vehicle row [VEHICLE_COLUMNS],
    motor rows [n, MOTOR_COLUMNS], stacked per-unit loss maps [n, 2, grid, grid], and the
    kernel's parameter row (pack columns filled) with its chemistry tables."""

    vehicle: np.ndarray
    motors: np.ndarray
    loss_maps: np.ndarray
    pack_row: np.ndarray
    tables: Tables
    initial_soc: float


def compile_performance(spec: VehicleSpec, conditions: Conditions) -> PerformanceSetup:
    """Compile a spec and test conditions (added mass, temperatures, start SOC, air)."""
    # Everything the drive-cycle kernel also uses comes from its compile step (test load, cold
    # tires, air density, autonomy pod drag and sensor power), so the two cannot drift apart.
    batch = compile_vehicles([spec], conditions)
    row = batch.params[0]
    shared = {name: row[getattr(P, name)] for name in VEHICLE_COLUMNS if hasattr(P, name)}
    drive = spec.drive
    chassis = spec.chassis
    values = {
        **shared,
        # At full torque the gear loss grows with torque, which a coast-down does not measure,
        # so the driveline efficiency applies even with road-load coefficients.
        "driveline_efficiency": drive.driveline_efficiency,
        "tire_road_friction": drive.tire_road_friction,
        "cg_height_m": chassis.cg_height_m,
        "wheelbase_m": chassis.wheelbase_m,
        "front_axle_load_share": chassis.front_share(drive.layout),
        "speed_limit_mps": (
            math.inf if drive.speed_limiter_kmh is None else drive.speed_limiter_kmh / KMH_PER_MPS
        ),
    }
    vehicle = np.array([values[name] for name in VEHICLE_COLUMNS], dtype=float)
    motors = np.empty((len(drive.motors), len(MOTOR_COLUMNS)))
    maps = []
    for i, motor in enumerate(drive.motors):
        peak_w = 1000.0 * motor.peak_power_kw
        w_max = motor.max_speed_rpm / RPM_PER_RADPS
        eff_map = motor_efficiency_map(motor).normalised(motor.max_speed_rpm, motor.peak_torque_nm)
        maps.append(loss_map(eff_map))
        # a multi-speed unit at full throttle: first gear's wheel torque up to the speed where
        # its power limit takes over, top gear's reach above it (the envelope of its gears);
        # its losses are looked up at the top gear's motor speed
        top_gear = motor.gears(drive.gear_ratio)[-1]
        motors[i] = (
            0.0 if motor.axle == "front" else 1.0,
            peak_w,
            motor.wheel_rating(drive.gear_ratio)[0] / top_gear,
            w_max,
            motor_loss_scale_w(motor),
            float(i),
            top_gear,
        )
    # the kernel's own parameter row and tables: the pack helpers read them
    pack_row = np.ascontiguousarray(row)
    soc0 = float(pack_row[P.initial_soc])
    return PerformanceSetup(vehicle, motors, np.stack(maps), pack_row, batch.tables, soc0)


def max_road_speed_mps(setup: PerformanceSetup) -> float:
    """Highest road speed [m/s] at which some motor is still below its max shaft speed."""
    radius_m = setup.vehicle[_R]
    return float(max(m[_WMAX] / (m[_MGEAR] / radius_m) for m in setup.motors))
