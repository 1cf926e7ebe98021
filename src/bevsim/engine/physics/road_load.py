"""Road load: aero drag, rolling resistance, grade and inertia, from the car's own drag and
rolling coefficients or from coast-down coefficients (f0 + f1 v + f2 v^2).

Rolling resistance scales with the normal load, m g cos(slope); so does coast-down f0 (the
rolling part of the coast-down force) while f1 v + f2 v^2 are speed terms. The kernel's
tires may be colder than the warmed-up tires the coefficients are compiled for: a tire factor
(physics/tires.py) scales the rolling coefficient's force, or f0. Forces in N, powers in W,
speeds in m/s; the slope as its cosine and sine.
"""

from __future__ import annotations

from collections import namedtuple

from numba import njit

from bevsim.engine.layout import PARAM_COLUMNS
from bevsim.engine.params import param
from bevsim.units import GRAVITY_MPS2

MIN_SPEED_MPS = 1e-6
"""Below this mean speed the car is at rest: no rolling resistance, force from inertia."""

RoadLoadColumns = namedtuple(
    "RoadLoadColumns",
    (
        "mass_kg",
        "inertial_mass_kg",
        "drag_area_m2",
        "air_density_kg_per_m3",
        "rolling_resistance_coefficient",
        "use_road_load",
        "f0_n",
        "f1_n_per_mps",
        "f2_n_per_mps2",
        "wind_drag_force_n",
    ),
)
"""Where a row keeps the road-load parameters: column indices by name."""


def road_load_columns(columns) -> RoadLoadColumns:
    """The road-load parameters' column indices in a row whose columns are named ``columns``."""
    return RoadLoadColumns(*(columns.index(name) for name in RoadLoadColumns._fields))


KERNEL_COLUMNS = road_load_columns(PARAM_COLUMNS)
"""The road-load columns of the kernel's parameter row (engine/layout.py)."""


@njit(cache=True, error_model="numpy", inline="always")
def road_forces_n(p, cols, v, cos_t, sin_t, rolling_share, tire_factor):
    """Aero, rolling and grade forces [N] at speed ``v`` [m/s] on a slope (cosine, sine);
    ``cols``: where p keeps the road-load parameters (RoadLoadColumns); ``rolling_share``: 1
    while rolling, 0 at rest (no rolling resistance, nor the wind's drag); ``tire_factor`` [-]
    on the rolling coefficient or f0 (1: the warmed-up tires they are compiled for). A mean
    wind's drag (a compiled constant, engine/road_conditions.py) is part of the aero force."""
    wind = rolling_share * param(p, cols.wind_drag_force_n)
    if param(p, cols.use_road_load) > 0.5:
        aero = param(p, cols.f2_n_per_mps2) * v * v + wind
        rolling = rolling_share * (
            param(p, cols.f0_n) * tire_factor * cos_t + param(p, cols.f1_n_per_mps) * v
        )
    else:
        aero = (
            0.5 * param(p, cols.air_density_kg_per_m3) * param(p, cols.drag_area_m2) * v * v + wind
        )
        rolling = (
            rolling_share
            * tire_factor
            * param(p, cols.rolling_resistance_coefficient)
            * param(p, cols.mass_kg)
            * GRAVITY_MPS2
            * cos_t
        )
    grade = param(p, cols.mass_kg) * GRAVITY_MPS2 * sin_t
    return aero, rolling, grade


@njit(cache=True, error_model="numpy", inline="always")
def road_load_force_n(p, cols, v, cos_t, sin_t):
    """Total road-load force [N] (aero + rolling + grade) of a rolling car at speed v [m/s],
    on warmed-up tires."""
    aero, rolling, grade = road_forces_n(p, cols, v, cos_t, sin_t, 1.0, 1.0)
    return aero + rolling + grade


@njit(cache=True, error_model="numpy", inline="always")
def road_powers_w(p, v1, v2, cos_t, sin_t, inv_dt, tire_factor):
    """Aero, rolling, grade and inertia powers [W] at the wheels for a step from v1 to v2
    [m/s], and the step's mean speed [m/s]; ``inv_dt``: 1 / step [1/s]; p: a kernel row;
    ``tire_factor``: the tires' temperature factor on the rolling force [-] (physics/tires)."""
    v = 0.5 * (v1 + v2)
    accel = (v2 - v1) * inv_dt
    moving = 1.0 if v > MIN_SPEED_MPS else 0.0
    aero, rolling, grade = road_forces_n(p, KERNEL_COLUMNS, v, cos_t, sin_t, moving, tire_factor)
    inertia = param(p, KERNEL_COLUMNS.inertial_mass_kg) * accel * v
    return aero * v, rolling * v, grade * v, inertia, v


@njit(cache=True, error_model="numpy", inline="always")
def wheel_force_n(p, wheel_w, v_avg, v1, v2, inv_dt):
    """Tractive force [N]: wheel power [W] over mean speed [m/s], or the inertial force when
    (nearly) at rest."""
    at_rest = param(p, KERNEL_COLUMNS.inertial_mass_kg) * (v2 - v1) * inv_dt
    return wheel_w / v_avg if v_avg > MIN_SPEED_MPS else at_rest
