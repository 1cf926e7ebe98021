"""Public-road conditions the coast-down does not see: the road's surface, winter tyres and wind.

Coast-down coefficients and tyre data are measured on smooth, dry test surfaces in still air
(or corrected to it). On a public road the tyres' rolling force rises with the surface's
texture, with water or snow on it and with winter tyres; a mean wind of random direction adds
drag, both through the higher mean square of the relative air speed and through the yaw it
gives the flow. Sources, tiers and ranges: docs/research/road_conditions.md.

Both effects are per-lane constants, compiled into the kernel's row (engine/compile.py): a
factor on the tyres' rolling force and a constant drag force while the car moves.
"""

from __future__ import annotations

import math

TEST_TRACK = "test_track"
PUBLIC_ASPHALT = "public_asphalt"
SURFACE_ROLLING_FACTOR = {
    TEST_TRACK: 1.0,
    PUBLIC_ASPHALT: 1.10,
    "wet": 1.30,
    "snow": 1.60,
}
"""Rolling force of the tyres on each surface over that on the coast-down track [-]
(docs/research/road_conditions.md, section 1, where each value's tier is given; the values
within the sources' ranges are judgements): ``test_track`` the smooth dry track of the
coast-down and of tyre data; ``public_asphalt`` dry public asphalt of larger mean profile
depth (MIRIAM, Sandberg et al. 2011, against NCHRP 720); ``wet`` a wet public road, water to
be displaced (VTI rapport 971, Carlson and Vieira 2018); ``snow`` a thin cover of packed snow
or slush on a cleared road (CRREL TR-01-16 for deep snow as the upper end)."""
SURFACE_ROLLING_FACTOR_RANGE = {
    TEST_TRACK: (1.0, 1.0),
    PUBLIC_ASPHALT: (1.03, 1.20),
    "wet": (1.10, 1.60),
    "snow": (1.30, 3.00),
}
"""The sourced plausible range of each surface's factor [-] (the research note's table)."""
WINTER_TIRE_ROLLING_FACTOR = 1.15
"""Rolling resistance of a winter tyre over the summer tyre of the same size [-] (*derived*,
docs/research/road_conditions.md section 2): the middle of EU label classes C (7.8-9.0 N/kN,
summer) and D (9.1-10.5 N/kN, winter) is 8.4 and 9.8 N/kN, a ratio of 1.17; Continental says
its own winter tyres match its summer ones (1.0). Range 1.0 to 1.3."""
WINTER_TIRE_ROLLING_FACTOR_RANGE = (1.0, 1.3)
"""The plausible range of WINTER_TIRE_ROLLING_FACTOR [-]."""
YAW_DRAG_SENSITIVITY_PER_RAD2 = 3.3
"""k of Cd(yaw) = Cd(0) (1 + k yaw^2) [1/rad^2] (*derived*, docs/research/road_conditions.md
section 3): a drag coefficient 10 % above its zero-yaw value at 10 degrees of yaw, as low-drag
saloons show (Windsor 2014: up to 10 % for small yaw angles). Range 1 to 13 (10 % at 18 to
5 degrees)."""
YAW_DRAG_SENSITIVITY_RANGE_PER_RAD2 = (1.0, 13.0)
"""The plausible range of YAW_DRAG_SENSITIVITY_PER_RAD2 [1/rad^2]."""
PUBLIC_ROAD_WIND_SPEED_MPS = 2.0
"""Mean wind speed at the height of a car on a public road [m/s] (*derived*, research note
section 3): about 4 m/s at the 10 m of weather stations over inland Europe, times 0.5 from
the logarithmic wind profile over open country (roughness length 0.1 m) down to 1 m."""
MAX_WIND_SPEED_MPS = 30.0
"""Above this mean wind [m/s] (a storm) the small-yaw drag model is not used."""


def tire_rolling_factor(road_surface: str, winter_tires: bool) -> float:
    """The tyres' rolling force on ``road_surface`` with winter or summer tyres over the
    coast-down track's with the car's own tyres [-]."""
    winter = WINTER_TIRE_ROLLING_FACTOR if winter_tires else 1.0
    return SURFACE_ROLLING_FACTOR[road_surface] * winter


def mean_wind_drag_force_n(aero_n_per_mps2: float, wind_speed_mps: float) -> float:
    """Extra drag [N] of a mean wind [m/s] of uniformly random direction on a car whose still-air
    drag is ``aero_n_per_mps2`` v^2 [N/(m/s)^2]: averaged over the wind's direction, the relative
    air speed's square is v^2 + w^2, and with Cd (1 + k yaw^2) the yaw adds k w^2 / 2 (small
    yaw, yaw ~ w sin(direction) / v): a constant force aero w^2 (1 + k / 2), the same at every
    speed."""
    return aero_n_per_mps2 * wind_speed_mps**2 * (1.0 + 0.5 * YAW_DRAG_SENSITIVITY_PER_RAD2)


def yawed_drag_force_n(
    aero_n_per_mps2: float, speed_mps: float, wind_speed_mps: float, wind_from_rad: float
) -> float:
    """Drag [N] along the car's path at ``speed_mps`` [m/s] in a wind [m/s] blowing from
    ``wind_from_rad`` [rad] off the heading (0: head wind): aero V^2 (1 + k yaw^2), V the relative
    air speed [m/s], yaw its angle to the heading [rad] (the exact form the mean above averages)."""
    along = speed_mps + wind_speed_mps * math.cos(wind_from_rad)
    across = wind_speed_mps * math.sin(wind_from_rad)
    yaw = math.atan2(abs(across), along)
    relative_sq = along * along + across * across
    return aero_n_per_mps2 * relative_sq * (1.0 + YAW_DRAG_SENSITIVITY_PER_RAD2 * yaw * yaw)
