"""Tire temperature stepped by the kernel, and the rolling resistance that follows it.

While rolling, the tire's temperature closes its gap to the warmed-up equilibrium (ambient plus
``tire_rise_k``) over TIRE_WARM_UP_DISTANCE_M of travel; at rest it relaxes toward ambient with
TIRE_COOLING_TIME_S (engine/tire_temperature.py gives both with their sources). The compiled
rolling coefficient and coast-down f0 are those of the warmed-up tire at the compiled ambient;
the tire's own temperature scales the tires' share of them by the ISO 28580 law,
(1 + a (T_warm - T_ref)) / (1 + a (T - T_ref)). Temperatures in degC, speeds in m/s, times in s.
"""

from __future__ import annotations

from numba import njit

from bevsim.engine.layout import P
from bevsim.engine.params import param
from bevsim.engine.tire_temperature import (
    ROLLING_RESISTANCE_TEMP_COEFFICIENT_PER_K,
    TIRE_COOLING_TIME_S,
    TIRE_REFERENCE_TEMP_C,
    TIRE_WARM_UP_DISTANCE_M,
)

_A = ROLLING_RESISTANCE_TEMP_COEFFICIENT_PER_K
_INV_WARM_UP_M = 1.0 / TIRE_WARM_UP_DISTANCE_M
_INV_COOLING_S = 1.0 / TIRE_COOLING_TIME_S


@njit(cache=True, error_model="numpy", inline="always")
def tire_scale(p, tire_c):
    """Factor on the compiled (warmed-up) rolling force's tire share for tires at ``tire_c``
    [degC] [-]: 1 at the compiled equilibrium, above 1 for colder tires."""
    warm = 1.0 + _A * (param(p, P.tire_warm_temp_c) - TIRE_REFERENCE_TEMP_C)
    relative = warm / (1.0 + _A * (tire_c - TIRE_REFERENCE_TEMP_C))
    return 1.0 + param(p, P.tire_share_of_rolling) * (relative - 1.0)


@njit(cache=True, error_model="numpy", inline="always")
def tire_temp_next(p, tire_c, v, dt, moving):
    """The tire temperature [degC] after a step of ``dt`` [s] at mean speed ``v`` [m/s]
    (``moving``: whether the car rolls): toward ambient plus the equilibrium rise over the
    warm-up distance while rolling, toward ambient over the cooling time at rest."""
    ambient = param(p, P.ambient_temp_c)
    target = ambient + param(p, P.tire_rise_k) if moving else ambient
    share = v * dt * _INV_WARM_UP_M if moving else dt * _INV_COOLING_S
    return tire_c + min(share, 1.0) * (target - tire_c)
