"""Drive units: each motor's losses by technology, and the loss map of a car's motors together.

Every entry of ``drive.motors`` is its own drive unit (motor + inverter + its reduction). A car
with several motors is handed to the kernel as one equivalent drive unit at the wheels, whose
per-unit loss map is built here: at each wheel speed and wheel torque, the torque is shared
between the axles so that the sum of the drive units' losses is least, within each axle's
torque rating. An axle left unpowered costs only its motors' drag, which depends on the
technology (:data:`UNPOWERED_DRAG_SHARE`) and on a disconnect clutch. This is the torque split
a production AWD controller makes (one axle at light load, both when it pays), precomputed once
per car instead of solved at every step, so multi-motor cars run as fast as single-motor ones.
A multi-speed drive unit (``gear_ratios``) is in the gear of least loss at each point, the
same way: its rating at the wheels is its first gear's torque and its top gear's speed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from scipy.interpolate import RegularGridInterpolator

from bevsim.spec.loss_map import loss_map
from bevsim.spec.motor_map import (
    BUILT_IN_MAPS,
    built_in_map_name,
    load_built_in_map,
    load_efficiency_map,
    loss_scale_w,
)
from bevsim.spec.powertrain import Motor
from bevsim.units import RPM_PER_RADPS

SPLIT_STEPS = 41
"""Front-axle shares tried at each point (0, 2.5 %, ..., 100 % of the wheel torque)."""
KEY_DIGITS = 4
"""Ratios that define a combined map are rounded to this many decimals, so that a sweep over
motor ratings shares maps and a variant's result never depends on the other variants."""

TECHNOLOGY_LOSS_FACTOR: dict[str, float] = {"pmsm": 1.0, "induction": 1.0, "eesm": 1.2}
"""The built-in map's losses times this, by machine (the map of the machine and inverter of the
motor: bevsim.spec.motor_map.built_in_map_name).

- induction 1.0: an induction machine has a built-in map of its own shape (magnetising
  current at every load, rotor cage loss, flux lowered at light load and weakened at speed;
  tools/make_induction_motor_map.py), so it is not scaled;
- eesm 1.2 (plausible 1.0-1.5): BMW's sixth-generation eDrive (EESM + SiC) loses 40 % less
  energy than the fifth (EESM + silicon IGBT) (BMW release, assemblymag.com 2024); the SiC
  inverter alone halves the inverter's share (about half of the light-load loss, Bosch 2019),
  which leaves about 1.2 for the rotor's excitation loss against a PMSM's magnets.
A sourced value, not fitted: the EPA test-car list has one make with EESMs
(docs/validation_epa_tcl.md shows how far it is from what its cars measured)."""

UNPOWERED_DRAG_SHARE: dict[str, float] = {"pmsm": 1.0, "induction": 0.1, "eesm": 0.1}
"""Drag of an unpowered, coupled motor as a share of its zero-torque loss on the map. A PMSM's
magnets keep inducing iron losses while it turns (all of its zero-torque loss); an induction
or EESM rotor carries no field without current, which leaves bearings and windage, about a
tenth (Munro & Associates teardown notes: "when powered off, induction motors exhibit minimal
resistance"; the reason Tesla and Audi put induction machines on the secondary axle)."""


@dataclass(frozen=True)
class UnitRatio:
    """One drive unit relative to the car's equivalent unit (every field dimensionless)."""

    front: bool
    loss_share: float  # this unit's loss scale over the equivalent's
    torque_share: float  # its wheel-torque rating over the car's
    speed_ratio: float  # its top wheel speed over the car's (>= 1)
    unpowered_drag: float  # share of its zero-torque loss it drags when unpowered
    map_source: str  # a map CSV, or the name of a built-in map ('pmsm-sic', ...)
    map_rating: tuple[float, float] = (1.0, 1.0)  # a map CSV's motor: max speed [rpm], torque
    gear_steps: tuple[float, ...] = (1.0,)  # each gear's ratio over the first gear's


@dataclass(frozen=True)
class EquivalentDriveUnit:
    """The car's motors as one drive unit behind the drive's gear ratio: its peak power [W],
    peak torque [N m], max speed [rad/s], loss scale [W] and the key of its loss map."""

    peak_power_w: float
    peak_torque_nm: float
    max_speed_radps: float
    loss_scale_w: float
    units: tuple[UnitRatio, ...] | None  # None: a single motor on its own map


def motor_loss_scale_w(motor: Motor) -> float:
    """Watts per unit of a motor's per-unit map loss: the built-in map by its rating and
    technology, a map CSV by its own corner (the CSV is that machine's measurement)."""
    peak_w = 1000.0 * motor.peak_power_kw
    corner_w = motor.peak_torque_nm * motor.max_speed_rpm / RPM_PER_RADPS
    scale = loss_scale_w(motor.efficiency_map, peak_w, corner_w)
    if motor.efficiency_map is None:
        scale *= TECHNOLOGY_LOSS_FACTOR[motor.type]
    return scale


def motor_efficiency_map(motor: Motor):
    """A motor's efficiency map: its CSV, or the built-in map of its type and inverter."""
    return load_efficiency_map(motor.efficiency_map, motor.inverter, motor.type)


def unpowered_drag(motor: Motor) -> float:
    """Share of a motor's zero-torque loss that it drags while unpowered (0 if disconnected)."""
    return 0.0 if motor.disconnect else UNPOWERED_DRAG_SHARE[motor.type]


def equivalent_drive_unit(motors: Sequence[Motor], gear_ratio: float) -> EquivalentDriveUnit:
    """The equivalent drive unit of ``motors`` behind ``gear_ratio`` [-] (the drive's).

    A single motor on the drive's ratio is itself. Otherwise wheel torque adds up over the
    units (T_i G_i, in first gear) and the top wheel speed is the lowest of theirs (w_i / G_i,
    in top gear); the equivalent unit turns that into shaft torque and speed with the drive's
    ratio.
    """
    gears = [m.gears(gear_ratio) for m in motors]
    scales = [motor_loss_scale_w(m) for m in motors]
    power_w = 1000.0 * sum(m.peak_power_kw for m in motors)
    if len(motors) == 1 and gears[0] == (gear_ratio,):
        m = motors[0]
        return EquivalentDriveUnit(
            power_w, m.peak_torque_nm, m.max_speed_rpm / RPM_PER_RADPS, scales[0], None
        )
    wheel_torque, wheel_speed = zip(*(m.wheel_rating(gear_ratio) for m in motors), strict=True)
    total_torque, top_speed, total_scale = sum(wheel_torque), min(wheel_speed), sum(scales)
    units = tuple(
        UnitRatio(
            front=m.axle == "front",
            loss_share=round(scale / total_scale, KEY_DIGITS),
            torque_share=round(torque / total_torque, KEY_DIGITS),
            speed_ratio=round(speed / top_speed, KEY_DIGITS),
            unpowered_drag=unpowered_drag(m),
            map_source=m.efficiency_map or built_in_map_name(m.type, m.inverter),
            map_rating=(1.0, 1.0)
            if m.efficiency_map is None
            else (m.max_speed_rpm, m.peak_torque_nm),
            gear_steps=tuple(round(g / unit_gears[0], KEY_DIGITS) for g in unit_gears),
        )
        for m, scale, torque, speed, unit_gears in zip(
            motors, scales, wheel_torque, wheel_speed, gears, strict=True
        )
    )
    return EquivalentDriveUnit(
        power_w, total_torque / gear_ratio, top_speed * gear_ratio, total_scale, units
    )


def combined_loss_map(units: tuple[UnitRatio, ...], grid: np.ndarray) -> np.ndarray:
    """Per-unit loss [2 (motoring, generating), speed, |torque|] of the equivalent unit on
    ``grid`` x ``grid``: see :func:`_combined_loss_map` (cached: about 0.2 s per new map)."""
    return _combined_loss_map(units, tuple(float(x) for x in grid))


@lru_cache(maxsize=256)
def _combined_loss_map(units: tuple[UnitRatio, ...], grid_values: tuple[float, ...]) -> np.ndarray:
    """Per-unit loss [2 (motoring, generating), speed, |torque|] of the equivalent unit on
    ``grid`` x ``grid`` (fractions of its max speed and peak torque), with the least-loss
    split of torque between the axles at every point."""
    grid = np.array(grid_values)
    s, t = np.meshgrid(grid, grid, indexing="ij")
    total_share = sum(u.torque_share for u in units)  # 1 but for the rounding of the key
    front_capacity = sum(u.torque_share for u in units if u.front) / total_share
    rear_capacity = sum(u.torque_share for u in units if not u.front) / total_share
    both_axles = front_capacity > 0 and rear_capacity > 0
    if both_axles:
        # the split in proportion to the axles' ratings is feasible at every torque to the peak
        rated = front_capacity
        shares = np.union1d(np.linspace(0.0, 1.0, SPLIT_STEPS), [rated])
    else:
        shares = np.array([float(front_capacity > 0)])
    out = np.empty((2, len(grid), len(grid)))
    unit_maps = [_interpolators(loss_map(_normalised_map(u)), grid) for u in units]
    for quadrant in (0, 1):
        best = np.full(s.shape, np.inf)
        for front_share in shares:
            total = np.zeros(s.shape)
            for unit, maps in zip(units, unit_maps, strict=True):
                axle_share = front_share if unit.front else 1.0 - front_share
                capacity = front_capacity if unit.front else rear_capacity
                load = t * axle_share / capacity  # the unit's torque fraction (axle-wide)
                speed = s / unit.speed_ratio
                loss = unit.loss_share * _unit_loss(unit, maps[quadrant], speed, load)
                if axle_share == 0.0:
                    loss = loss * unit.unpowered_drag
                total += np.where(load > 1.0 + 1e-9, np.inf, loss)
            best = np.minimum(best, total)
        out[quadrant] = best
    out.setflags(write=False)  # shared through the cache
    return out


def _unit_loss(
    unit: UnitRatio, loss_pu: RegularGridInterpolator, speed: np.ndarray, load: np.ndarray
) -> np.ndarray:
    """Per-unit loss of one drive unit at ``speed`` (fraction of its top-gear max speed) and
    ``load`` (fraction of its first-gear wheel torque): in the gear of least loss among those
    in which the motor is within its max speed and peak torque (the top gear where none is)."""
    if len(unit.gear_steps) == 1:
        return loss_pu((speed, np.minimum(load, 1.0)))
    top = unit.gear_steps[-1]
    fallback = loss_pu((speed, np.minimum(load / top, 1.0)))
    best = np.full(speed.shape, np.inf)
    for step in unit.gear_steps:
        motor_speed, motor_load = speed * step / top, load / step
        loss = loss_pu((np.minimum(motor_speed, 1.0), np.minimum(motor_load, 1.0)))
        feasible = (motor_speed <= 1.0 + 1e-9) & (motor_load <= 1.0 + 1e-9)
        best = np.minimum(best, np.where(feasible, loss, np.inf))
    return np.where(np.isfinite(best), best, fallback)


def _normalised_map(unit: UnitRatio):
    if unit.map_source in BUILT_IN_MAPS:
        return load_built_in_map(unit.map_source)
    return load_efficiency_map(unit.map_source).normalised(*unit.map_rating)


def _interpolators(loss_pu: np.ndarray, grid: np.ndarray) -> list[RegularGridInterpolator]:
    return [
        RegularGridInterpolator((grid, grid), loss_pu[q], bounds_error=False, fill_value=None)
        for q in (0, 1)
    ]
