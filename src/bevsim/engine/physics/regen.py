"""Regenerative braking: every limit on the power the motor takes back, in one place.

Asked to brake with wheel power ``wheel`` [W, <= 0], the motor regenerates at most

- what the driven axle's traction can brake: traction force x speed;
- a share that fades out linearly below ``regen_min_speed_mps`` (low-speed fade);
- through the driveline (its efficiency);
- within the motor's envelope: peak torque x speed, peak power;
- what the pack accepts: the cell voltage ceiling, the regen pulse current limit
  (``max_regen_c_rate``; brake pulses last seconds, not the sustained charge limit), room
  below soc_max and the pack's charge power limit, less the accessories it feeds first and
  the motor's own loss.

Friction brakes take the rest. Powers in W (< 0: into the pack), speeds in m/s and rad/s.
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.params import param
from bevsim.engine.physics.drive_unit import motor_loss_w
from bevsim.engine.physics.interp import lerp
from bevsim.engine.physics.pack import cell_limits, charge_power_w
from bevsim.engine.physics.road_load import MIN_SPEED_MPS

REGEN_PASSES = 3
"""Most fixed-point passes on regen within the pack's acceptance: the motor's loss at the
regen sets the acceptance left for the regen (the loss map is smooth, so the regen settles
within a watt in these)."""

DrivingLimits = namedtuple(
    "DrivingLimits", ("grid_cell", "grid_frac", "soc_floor", "i_dis_max_a", "i_regen_max_a")
)
"""The cell limits while driving (pack.CellLimits with the regen pulse current limit [A] in
place of the sustained charge limit)."""


@njit(cache=True, error_model="numpy", inline="always")
def driving_limits(p, tables, c, cell_temp_c):
    """pack.cell_limits while driving (DrivingLimits): the charge limit [A] is the regen pulse
    limit, ``max_regen_c_rate`` of chemistry c at the cell temperature [degC]."""
    it, ft, soc_floor, i_dis_c, _ = cell_limits(p, tables, c, cell_temp_c)
    i_regen_c = lerp(tables.max_regen_c_rate[c], it, ft) * p[P.cell_capacity_ah]
    i_regen_c = i_regen_c * p[P.cells_in_parallel]
    return DrivingLimits(it, ft, soc_floor, i_dis_c, i_regen_c)


@njit(cache=True, error_model="numpy", inline="always")
def regen_acceptance_w(p, pack_ah, v_max, i_regen_max, soc, source_v, r0, inv_r0, inv_dt):
    """Highest regen power the pack accepts this step [W, >= 0]: pack.charge_power_w at the
    regen pulse current limit ``i_regen_max`` [A] (DrivingLimits.i_regen_max_a)."""
    return charge_power_w(p, pack_ah, v_max, i_regen_max, soc, source_v, r0, inv_r0, inv_dt)


@njit(cache=True, error_model="numpy", inline="always")
def pack_regen_floor_w(p_chg, aux, motor_loss):
    """Strongest regen [W, motor mech power] the pack's acceptance ``p_chg`` [W] allows while
    it also feeds the accessories' ``aux`` [W] and covers the motor's loss ``motor_loss`` [W]:
    regen below it is limited by the pack."""
    return -p_chg - aux - motor_loss


@njit(cache=True, error_model="numpy", inline="always")
def regen_request(p, drive, wheel, v):
    """Motor speed [rad/s] and the regen it is asked for [W, < 0] when braking with wheel
    power ``wheel`` [W, <= 0] at mean speed v [m/s]: traction, low-speed fade, driveline and
    motor envelope, before the pack's acceptance; ``drive``: drive_unit.DriveConstants."""
    speed = v * drive.motor_radps_per_mps
    inv_fade = drive.inv_regen_fade_speed_s_per_m
    fade = min(v * inv_fade, 1.0) if inv_fade > 0.0 else 1.0
    traction_w = param(p, P.traction_force_max_n) * v
    motor_mech = -min(-wheel, traction_w) * fade * param(p, P.driveline_efficiency)
    envelope_w = min(param(p, P.motor_peak_torque_nm) * speed, param(p, P.motor_peak_power_w))
    motor_mech = max(motor_mech, -envelope_w)
    return speed, motor_mech


@njit(cache=True, error_model="numpy", inline="always")
def regen_result(drive, wheel, motor_mech, motor_loss):
    """Motor mech and elec power, motor, driveline and friction-brake losses [W] once the
    regen ``motor_mech`` [W] and its loss [W] are settled; no regen when it would cost more
    than it gives (freewheel)."""
    freewheel = motor_mech + motor_loss >= 0.0
    motor_mech = 0.0 if freewheel else motor_mech
    motor_loss = 0.0 if freewheel else motor_loss
    regen_wheel = motor_mech * drive.inv_driveline_efficiency
    return (
        motor_mech,
        motor_mech + motor_loss,
        motor_loss,
        motor_mech - regen_wheel,
        regen_wheel - wheel,
    )


@njit(cache=True, error_model="numpy", inline="always")
def regen(p, drive, loss_maps, wheel, v, aux, p_chg):
    """Braking step (regen_result's powers [W]) with wheel power ``wheel`` [W, <= 0] at mean
    speed v [m/s]: regen_request within the pack's acceptance ``p_chg`` [W] (regen_acceptance_w)
    less the accessories' ``aux`` [W] and the motor's loss at that regen."""
    speed, motor_mech = regen_request(p, drive, wheel, v)
    if speed <= MIN_SPEED_MPS:
        return 0.0, 0.0, 0.0, 0.0, -wheel
    inv_speed = 1.0 / speed
    motor_loss = motor_loss_w(loss_maps, speed, motor_mech * inv_speed, drive)
    floor = pack_regen_floor_w(p_chg, aux, motor_loss)
    if motor_mech < floor:  # the pack's charge acceptance binds: regen less
        for _ in range(REGEN_PASSES):
            settled = min(floor, 0.0)
            if settled == motor_mech:  # a fixed point: further passes change nothing
                break
            motor_mech = settled
            motor_loss = motor_loss_w(loss_maps, speed, motor_mech * inv_speed, drive)
            floor = pack_regen_floor_w(p_chg, aux, motor_loss)
        motor_mech = max(motor_mech, min(floor, 0.0))  # the last loss update stays inside
    return regen_result(drive, wheel, motor_mech, motor_loss)
