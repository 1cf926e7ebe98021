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

import numpy as np
from numba import njit, prange

from bevsim.engine.lanes import (
    N_PARAMS,
    N_ROWS,
    Raveled,
    S,
    T,
    W,
    fetch_loss_corners,
    fetch_pack_corners,
    finish_lane,
    lane_drive,
    lane_params,
    mix_corners,
    record_step,
    soc_positions,
    start_lane,
    store_limits,
    store_loss_position,
    store_motor,
    store_road,
)
from bevsim.engine.layout import TOT, TR, P
from bevsim.engine.params import LANES, param
from bevsim.engine.physics import thermal, tires
from bevsim.engine.physics.drive_unit import loss_from_corners, propulsion, propulsion_demand
from bevsim.engine.physics.interp import mix
from bevsim.engine.physics.pack import discharge_power_w, pack_current_a, pack_values
from bevsim.engine.physics.regen import (
    driving_limits,
    pack_regen_floor_w,
    regen,
    regen_acceptance_w,
    regen_request,
    regen_result,
)
from bevsim.engine.physics.road_load import MIN_SPEED_MPS, road_powers_w, wheel_force_n
from bevsim.units import KMH_PER_MPS

TRACE_TOLERANCE_MPS = 2.0 / KMH_PER_MPS
"""+-2 km/h speed band of GB/T 18386 / GTR 15 cycle following [m/s]."""
BISECTION_STEPS = 24
LIMITS_RETUNE_K = 0.02
"""The temperature-dependent cell limits are looked up again once the cells have warmed or
cooled by this much since the last look-up (the tables change by well under 0.1 % per 0.02 K)."""

_N_TOTALS = len(TOT)
_N_TRACES = len(TR)


@njit(cache=True, error_model="numpy")
def _can_reach(p, drive, loss_map, v1, v2, cos_t, sin_t, inv_dt, aux_w, p_dis, tire_factor):
    """Whether the powertrain and pack can take the car from v1 to v2 [m/s] in one step."""
    aero, rolling, grade_w, inertia, v = road_powers_w(p, v1, v2, cos_t, sin_t, inv_dt, tire_factor)
    wheel = aero + rolling + grade_w + inertia
    if wheel <= 0.0:
        return True
    force = wheel_force_n(p, wheel, v, v1, v2, inv_dt)
    _, elec, _, _, ok = propulsion(p, drive, loss_map, wheel, v, force)
    return ok and elec + aux_w <= p_dis


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
            limits = driving_limits(lane_params(m, k), tables, int(m[S.chemistry + k]), cell_c)
            store_limits(m, k, limits)


@njit(cache=True, error_model="numpy", inline="always")
def _pack_lane(m, k, inv_dt):
    """Lane k's pack voltages and resistances at its SOC and temperature (interpolated between
    the corners) and the power it can deliver this step."""
    p = (m, k)
    f = m[W.soc_frac + k]
    ft = m[S.grid_frac + k]
    soc = m[S.soc + k]
    ocv, source_v, r0, inv_r0, r1, decay = pack_values(
        param(p, P.cells_in_series),
        m[S.r_scale_per_ah + k],
        m[S.inv_cell_ah + k],
        m[S.pol_v + k],
        mix(m[W.ocv_lo_v + k], m[W.ocv_hi_v + k], f),
        mix_corners(m, W.r0_ohm_ah_00, k, f, ft),
        mix_corners(m, W.r1_ohm_ah_00, k, f, ft),
        mix_corners(m, W.decay_00, k, f, ft),
    )
    m[W.ocv_v + k] = ocv
    m[W.source_v + k] = source_v
    m[W.r0_ohm + k] = r0
    m[W.inv_r0_s + k] = inv_r0
    m[W.r1_ohm + k] = r1
    m[W.decay + k] = decay
    m[W.p_dis_w + k] = discharge_power_w(
        p,
        m[S.pack_ah + k],
        m[S.v_min_v + k],
        m[S.soc_floor + k],
        m[S.i_dis_max_a + k],
        soc,
        source_v,
        r0,
        inv_r0,
        inv_dt,
    )


@njit(cache=True, error_model="numpy", inline="always")
def _lane_regen_acceptance_w(p, m, k, inv_dt):
    """Highest regen power lane k's pack can accept this step [W] (regen.regen_acceptance_w at
    its state)."""
    return regen_acceptance_w(
        p,
        m[S.pack_ah + k],
        m[S.v_max_v + k],
        m[S.i_regen_max_a + k],
        m[S.soc + k],
        m[W.source_v + k],
        m[W.r0_ohm + k],
        m[W.inv_r0_s + k],
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
        tire_factor = tires.tire_scale(p, m[S.tire_c + k])
        m[W.tire_factor + k] = tire_factor
        aero, rolling, grade_w, inertia, v = road_powers_w(
            p, m[S.v1_mps + k], target, cos_t, sin_t, inv_dt, tire_factor
        )
        wheel = aero + rolling + grade_w + inertia
        skid = (wheel < 0.0) & (v > MIN_SPEED_MPS) & (-wheel > param(p, P.braking_force_max_n) * v)
        skid = skid & (m[S.active + k] > 0.5)
        m[W.skid + k] = 1.0 if skid else 0.0
        skids += 1 if skid else 0
        store_road(m, k, target, aero, rolling, grade_w, inertia, v)
    return skids


@njit(cache=True, error_model="numpy", inline="always")
def _skid_lanes(m, target, cos_t, sin_t, dt, inv_dt):
    """Per lane whose tires cannot brake as hard as the trace asks: decelerate at the
    friction limit instead."""
    for k in range(LANES):
        if m[W.skid + k] < 0.5:
            continue
        p = lane_params(m, k)
        v1 = m[S.v1_mps + k]
        resist = (m[W.aero_w + k] + m[W.rolling_w + k] + m[W.grade_w + k]) / m[W.v_mps + k]
        v2 = max(v1 - (p[P.braking_force_max_n] + resist) * dt / p[P.inertial_mass_kg], target)
        aero, rolling, grade_w, inertia, v = road_powers_w(
            p, v1, v2, cos_t, sin_t, inv_dt, m[W.tire_factor + k]
        )
        store_road(m, k, v2, aero, rolling, grade_w, inertia, v)


@njit(cache=True, error_model="numpy", inline="always")
def _hvac_lanes(m):
    """Per lane (SIMD): the cabin HVAC's heat, its electric power and the heat it takes from
    the pack (blocks with HVAC on); the drive unit's and the cells' waste heat are those of the
    step before (W.motor_loss_w and W.battery_loss_w still hold them)."""
    for k in range(LANES):
        waste_w = max(m[W.motor_loss_w + k], 0.0)
        cabin_heat, hvac_w, pack_w = thermal.cabin_hvac(
            (m, k),
            m[S.cabin_c + k],
            m[S.v1_mps + k],
            waste_w,
            m[S.cell_c + k],
            m[W.battery_loss_w + k],
        )
        m[W.cabin_heat_w + k] = cabin_heat
        m[W.hvac_w + k] = hvac_w
        m[W.pack_recovered_w + k] = pack_w


@njit(cache=True, error_model="numpy", inline="always")
def _demand(m, inv_dt, n_speed, n_torque):
    """Per lane (SIMD): the pack's thermal management, what the motor must deliver or may
    regen for the step's road loads (and that operating point on the loss map: n_speed x
    n_torque cells), and what the pack can take back."""
    for k in range(LANES):
        p = (m, k)
        v1 = m[S.v1_mps + k]
        v2 = m[W.v2_mps + k]
        v = m[W.v_mps + k]
        wheel = m[W.wheel_w + k]
        hvac_w = m[W.hvac_w + k]
        pack_heat, pack_tm_w = thermal.pack_thermal_management(p, m[S.cell_c + k])
        force = wheel_force_n(p, wheel, v, v1, v2, inv_dt)
        drive = lane_drive(m, k)
        motor_mech, speed, torque, ok = propulsion_demand(p, drive, wheel, v, force)
        # Braking: the regen asked of the motor, and what the pack can take (see regen).
        propel = wheel > 0.0
        regen_speed, regen_mech = regen_request(p, drive, wheel, v)
        moving = regen_speed > MIN_SPEED_MPS
        regen_torque = regen_mech * (1.0 / regen_speed) if moving else 0.0
        p_chg = _lane_regen_acceptance_w(p, m, k, inv_dt)
        motor_mech = motor_mech if propel else regen_mech
        torque = torque if propel else regen_torque
        m[W.p_chg_w + k] = 0.0 if propel else p_chg
        m[W.pack_heat_w + k] = pack_heat
        m[W.pack_tm_w + k] = pack_tm_w
        m[W.aux_want_w + k] = param(p, P.accessory_power_w) + hvac_w + pack_tm_w
        m[W.motor_mech_w + k] = motor_mech
        m[W.speed_radps + k] = speed
        m[W.torque_nm + k] = torque
        m[W.ok + k] = 1.0 if ok else 0.0
        store_loss_position(m, k, speed, torque, drive, n_speed, n_torque)


@njit(cache=True, error_model="numpy", inline="always")
def _motor_lanes(m):
    """Per lane (SIMD): the drive unit's loss and electric power; when braking, regen as
    regen gives it. Flags the lanes _motor_fallback must solve: a car that cannot follow the
    trace, or regen the pack's acceptance limits; returns how many driving lanes it flagged."""
    flagged = 0
    for k in range(LANES):
        drive = lane_drive(m, k)
        loss = loss_from_corners(
            m[W.loss_pu_00 + k],
            m[W.loss_pu_01 + k],
            m[W.loss_pu_10 + k],
            m[W.loss_pu_11 + k],
            m[W.loss_fs + k],
            m[W.loss_ft + k],
            drive,
        )
        wheel = m[W.wheel_w + k]
        mech = m[W.motor_mech_w + k]
        aux_want = m[W.aux_want_w + k]
        propel = wheel > 0.0
        elec = mech + loss
        fits = elec + aux_want <= m[W.p_dis_w + k]
        cannot_follow = (m[W.ok + k] < 0.5) | (not fits)
        moving = m[W.speed_radps + k] > MIN_SPEED_MPS
        pack_limits_regen = moving & (mech < pack_regen_floor_w(m[W.p_chg_w + k], aux_want, loss))
        r_mech, r_elec, r_loss, r_dl, r_friction = regen_result(drive, wheel, mech, loss)
        store_motor(
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
        p = lane_params(m, k)
        drive = lane_drive(m, k)
        loss_map = tables.motor_loss_pu[int(p[P.motor_map_index])]
        wheel = m[W.wheel_w + k]
        tire_factor = m[W.tire_factor + k]
        if wheel > 0.0:
            aux_want = m[W.aux_want_w + k]
            p_dis = m[W.p_dis_w + k]
            v1 = m[S.v1_mps + k]
            lo, hi = 0.0, target
            for _ in range(BISECTION_STEPS):
                mid = 0.5 * (lo + hi)
                if _can_reach(
                    p, drive, loss_map, v1, mid, cos_t, sin_t, inv_dt, aux_want, p_dis, tire_factor
                ):
                    lo = mid
                else:
                    hi = mid
            v2 = lo
            aero, rolling, grade_w, inertia, v = road_powers_w(
                p, v1, v2, cos_t, sin_t, inv_dt, tire_factor
            )
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
            force = wheel_force_n(p, wheel, v, v1, v2, inv_dt)
            motor_mech, motor_elec, motor_loss, dl_loss, _ = propulsion(
                p, drive, loss_map, max(wheel, 0.0), v, force
            )
            store_road(m, k, v2, aero, rolling, grade_w, inertia, v)
            m[W.wheel_w + k] = wheel  # 0 when the car stops within the step
            store_motor(m, k, motor_mech, motor_elec, motor_loss, dl_loss, 0.0)
        if wheel <= 0.0:
            p_chg = _lane_regen_acceptance_w(p, m, k, inv_dt)
            m[W.p_chg_w + k] = p_chg
            motor_mech, motor_elec, motor_loss, dl_loss, friction = regen(
                p, drive, loss_map, wheel, m[W.v_mps + k], m[W.aux_want_w + k], p_chg
            )
            store_motor(m, k, motor_mech, motor_elec, motor_loss, dl_loss, friction)


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
        aux_want = m[W.aux_want_w + k]
        motor_elec = m[W.motor_elec_w + k]
        supplied = min(aux_want, max(m[W.p_dis_w + k] - motor_elec, 0.0))
        short = supplied < aux_want
        share = supplied / aux_want
        aux = param(p, P.accessory_power_w) * share if short else param(p, P.accessory_power_w)
        hvac_w = m[W.hvac_w + k] * share if short else m[W.hvac_w + k]
        cabin_heat = m[W.cabin_heat_w + k] * share if short else m[W.cabin_heat_w + k]
        pack_tm_w = m[W.pack_tm_w + k] * share if short else m[W.pack_tm_w + k]
        pack_heat = m[W.pack_heat_w + k] * share if short else m[W.pack_heat_w + k]
        recovered = m[W.pack_recovered_w + k] * share if short else m[W.pack_recovered_w + k]
        battery_w = motor_elec + supplied
        # Pack current from terminal power: P = (E - R I) I.
        source_v = m[W.source_v + k]
        r0 = m[W.r0_ohm + k]
        current = pack_current_a(source_v, r0, m[W.inv_r0_s + k], battery_w)
        terminal_v = source_v - r0 * current
        chem_w = m[W.ocv_v + k] * current
        ohmic_w = r0 * current * current
        pol = m[S.pol_v + k]
        pol_w = param(p, P.cells_in_series) * pol * current
        # RC pair, exact over the step for constant current.
        decay = m[W.decay + k]
        per_cell_a = current / param(p, P.cells_in_parallel)
        pol = pol * decay + m[W.r1_ohm + k] * per_cell_a * (1.0 - decay)
        soc = m[S.soc + k] - current * m[S.soc_per_amp + k]
        # Heat: the cells' losses and the thermal management warm the pack, the air and the
        # heat the cabin takes from it cool it.
        cells_heat = ohmic_w + pol_w
        cell_c = m[S.cell_c + k]
        v = m[W.v_mps + k]
        pack_amb = thermal.pack_heat_to_ambient_w(p, cell_c)
        cabin_c = thermal.cabin_temp_next(
            p, m[S.cabin_c + k], v, cabin_heat, m[S.cabin_k_per_w + k]
        )
        cell_c = thermal.pack_temp_next(
            p, cell_c, cells_heat, pack_heat - recovered, m[S.pack_k_per_w + k]
        )
        tire_c = tires.tire_temp_next(p, m[S.tire_c + k], v, dt, v > MIN_SPEED_MPS)
        v2 = m[W.v2_mps + k]
        shortfall = target - v2
        off = shortfall > TRACE_TOLERANCE_MPS
        off_run = m[S.off_run_s + k] + dt if off else 0.0
        broke = act & (break_off_s > 0.0) & (off_run >= break_off_s - 1e-9)

        m[W.aux_w + k] = aux
        m[W.hvac_w + k] = hvac_w
        m[W.pack_tm_w + k] = pack_tm_w
        m[W.battery_w + k] = battery_w
        m[W.current_a + k] = current
        m[W.terminal_v + k] = terminal_v
        m[W.battery_loss_w + k] = cells_heat
        m[W.cabin_heat_w + k] = cabin_heat
        m[W.pack_heat_w + k] = pack_heat
        m[W.was_active + k] = 1.0 if act else 0.0
        m[S.v1_mps + k] = v2 if act else m[S.v1_mps + k]
        m[S.soc + k] = soc if act else m[S.soc + k]
        m[S.pol_v + k] = pol if act else m[S.pol_v + k]
        m[S.cell_c + k] = cell_c if act else m[S.cell_c + k]
        m[S.cabin_c + k] = cabin_c if act else m[S.cabin_c + k]
        m[S.tire_c + k] = tire_c if act else m[S.tire_c + k]
        m[S.off_run_s + k] = off_run if act else m[S.off_run_s + k]
        m[S.active + k] = 0.0 if broke else m[S.active + k]
        stopped += 1 if broke else 0

        wheel = m[W.wheel_w + k]
        gain = dt if act else 0.0
        m[T.distance_m + k] += v * gain
        m[T.trace_distance_m + k] += 0.5 * (prev_target + target) * gain
        m[T.chemical_energy_j + k] += chem_w * gain
        m[T.terminal_energy_j + k] += battery_w * gain
        m[T.terminal_discharge_energy_j + k] += battery_w * gain if battery_w > 0.0 else 0.0
        m[T.terminal_charge_energy_j + k] -= battery_w * gain if battery_w <= 0.0 else 0.0
        m[T.wheel_positive_energy_j + k] += wheel * gain if wheel > 0.0 else 0.0
        m[T.wheel_negative_energy_j + k] -= wheel * gain if wheel <= 0.0 else 0.0
        m[T.regen_energy_j + k] -= m[W.motor_mech_w + k] * gain if wheel <= 0.0 else 0.0
        m[T.aero_energy_j + k] += m[W.aero_w + k] * gain
        m[T.rolling_energy_j + k] += m[W.rolling_w + k] * gain
        m[T.grade_energy_j + k] += m[W.grade_w + k] * gain
        m[T.kinetic_energy_change_j + k] += m[W.inertia_w + k] * gain
        m[T.driveline_loss_j + k] += m[W.dl_loss_w + k] * gain
        m[T.motor_loss_j + k] += m[W.motor_loss_w + k] * gain
        m[T.battery_ohmic_loss_j + k] += ohmic_w * gain
        m[T.battery_polarization_loss_j + k] += pol_w * gain
        m[T.friction_brake_energy_j + k] += m[W.friction_w + k] * gain
        m[T.accessory_energy_j + k] += aux * gain
        m[T.cabin_hvac_energy_j + k] += hvac_w * gain
        m[T.battery_thermal_energy_j + k] += pack_tm_w * gain
        m[T.cabin_heat_j + k] += cabin_heat * gain
        m[T.battery_heater_heat_j + k] += pack_heat * gain
        m[T.battery_heat_generated_j + k] += cells_heat * gain
        m[T.pack_heat_to_ambient_j + k] += pack_amb * gain
        m[T.pack_heat_recovered_j + k] += recovered * gain
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
        start_lane(lane_params(m, k), tables, dt, speed_req[0], m, k)
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
        if soc_positions(m, n_soc) > 0:
            fetch_pack_corners(flat, m)
        if _road_loads(m, target, cos_t, sin_t, inv_dt) > 0:
            _skid_lanes(m, target, cos_t, sin_t, dt, inv_dt)
        if hvac:
            _hvac_lanes(m)
        _demand(m, inv_dt, n_speed, n_torque)
        fetch_loss_corners(flat, m)
        if _motor_lanes(m) > 0:
            _motor_fallback(tables, m, target, cos_t, sin_t, inv_dt)
        driving -= _settle(m, step, target, speed_req[step - 1], dt, break_off_s)
        if record:
            record_step(m, traces, step, target)
        if driving == 0:
            break
    for k in range(real):
        finish_lane(lane_params(m, k), tables, m, k, speed_req[0], traces[k], record)


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
        m = np.zeros(N_ROWS * LANES)
        for k in range(LANES):
            m[k : N_PARAMS * LANES : LANES] = params[min(lo + k, hi - 1)]
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
