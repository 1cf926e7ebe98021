"""Drive unit: the motor's torque, power and speed envelope, the driveline, and the motor's
loss from its per-unit loss map (engine/tables.py: [motoring|generating, speed, |torque|],
speed and torque over the motor's max speed and peak torque, loss over ``motor_loss_scale_w``).
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.params import param
from bevsim.engine.physics.interp import mix

ENVELOPE_TOLERANCE = 1e-9
"""Relative slack on the motor's peak torque, power and speed (rounding of a demand that sits
exactly on the envelope)."""

DriveConstants = namedtuple(
    "DriveConstants",
    (
        "motor_radps_per_mps",  # motor speed per road speed: gear ratio / wheel radius [rad/m]
        "inv_driveline_efficiency",  # [-]
        "inv_max_speed_s_per_rad",  # 1 / motor max speed
        "inv_peak_torque_per_nm",  # 1 / motor peak torque
        "loss_scale_w",  # the loss map's per-unit losses times this are watts
        "wheel_radius_per_gear_m",  # wheel radius / gear ratio
        "inv_regen_fade_speed_s_per_m",  # 1 / regen fade-out speed (0: no fade)
    ),
)
"""A variant's driveline constants, derived once from its parameter row."""

MapScale = namedtuple(
    "MapScale", ("inv_max_speed_s_per_rad", "inv_peak_torque_per_nm", "loss_scale_w")
)
"""What a motor's loss look-up needs of DriveConstants, for a motor of its own (performance)."""


@njit(cache=True, error_model="numpy", inline="always")
def drive_constants(p):
    """Driveline constants of the variant in kernel row p (DriveConstants)."""
    regen_v = p[P.regen_min_speed_mps]
    return DriveConstants(
        p[P.gear_ratio] / p[P.wheel_radius_m],
        1.0 / p[P.driveline_efficiency],
        1.0 / p[P.motor_max_speed_radps],
        1.0 / p[P.motor_peak_torque_nm],
        p[P.motor_loss_scale_w],
        p[P.wheel_radius_m] / p[P.gear_ratio],
        1.0 / regen_v if regen_v > 0.0 else 0.0,
    )


@njit(cache=True, error_model="numpy", inline="always")
def loss_position(speed_radps, torque_nm, scale, n_speed, n_torque):
    """Cell and fraction of a shaft speed [rad/s] and |torque| [N m] on a loss map of
    n_speed x n_torque cells (clamped to the map); ``scale``: DriveConstants or MapScale."""
    s = min(max(speed_radps * scale.inv_max_speed_s_per_rad, 0.0), 1.0) * n_speed
    t = min(max(abs(torque_nm) * scale.inv_peak_torque_per_nm, 0.0), 1.0) * n_torque
    i = min(int(s), n_speed - 1)
    j = min(int(t), n_torque - 1)
    return i, s - i, j, t - j


@njit(cache=True, error_model="numpy", inline="always")
def loss_from_corners(loss_00, loss_01, loss_10, loss_11, fs, ft, scale):
    """Drive-unit loss [W] between a loss-map cell's per-unit corners (speed, torque), at
    fractions fs and ft (bilinear); ``scale``: DriveConstants or MapScale."""
    return mix(mix(loss_00, loss_01, ft), mix(loss_10, loss_11, ft), fs) * scale.loss_scale_w


@njit(cache=True, error_model="numpy", inline="always")
def motor_loss_w(loss_maps, speed_radps, torque_nm, scale):
    """Drive-unit loss [W] at a shaft speed [rad/s] and torque [N m] (< 0: generating), from
    one motor's per-unit maps [quadrant, speed, torque]; ``scale``: DriveConstants or MapScale."""
    loss_map = loss_maps[1] if torque_nm < 0.0 else loss_maps[0]
    i, fs, j, ft = loss_position(
        speed_radps, torque_nm, scale, loss_map.shape[0] - 1, loss_map.shape[1] - 1
    )
    return loss_from_corners(
        loss_map[i, j],
        loss_map[i, j + 1],
        loss_map[i + 1, j],
        loss_map[i + 1, j + 1],
        fs,
        ft,
        scale,
    )


@njit(cache=True, error_model="numpy", inline="always")
def propulsion_demand(p, drive, wheel_w, v_avg, wheel_force_n):
    """Motor mech power [W], speed [rad/s], torque [N m] for wheel power ``wheel_w`` [W] > 0 at
    mean speed ``v_avg`` [m/s] and tractive force ``wheel_force_n`` [N], and whether they are
    within the motor's peak torque, power and speed and the force within the driven axle's
    traction."""
    motor_mech = wheel_w * drive.inv_driveline_efficiency
    speed = v_avg * drive.motor_radps_per_mps
    torque = wheel_force_n * drive.inv_driveline_efficiency * drive.wheel_radius_per_gear_m
    slack = 1.0 + ENVELOPE_TOLERANCE
    ok = (
        (torque <= param(p, P.motor_peak_torque_nm) * slack)
        & (motor_mech <= param(p, P.motor_peak_power_w) * slack)
        & (speed <= param(p, P.motor_max_speed_radps) * slack)
        & (wheel_force_n <= param(p, P.traction_force_max_n))
    )
    return motor_mech, speed, torque, ok


@njit(cache=True, error_model="numpy", inline="always")
def propulsion(p, drive, loss_maps, wheel_w, v_avg, wheel_force_n):
    """Motor mech and elec power [W], motor loss [W], driveline loss [W] and feasibility for
    wheel power ``wheel_w`` [W] > 0 (see propulsion_demand)."""
    motor_mech, speed, torque, ok = propulsion_demand(p, drive, wheel_w, v_avg, wheel_force_n)
    loss = motor_loss_w(loss_maps, speed, torque, drive)
    return motor_mech, motor_mech + loss, loss, motor_mech - wheel_w, ok
