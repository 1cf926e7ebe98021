"""Rolling resistance of warmed-up tires at the test's ambient, from the tires' own
temperature. Temperatures in degC, temperature differences in K.

A rolling tire runs above the air around it: its hysteresis loss heats it until convection
carries the heat away, so its equilibrium rise over ambient grows with the loss it makes
(Mars & Luchini, Tire Sci. Technol. 27(3):161-175, 1999: heat generated = rolling loss, heat
removed = h A (T_tire - T_ambient)). Rolling resistance falls with the tire's temperature at
ISO 28580's rate, F_25 = F_t [1 + 0.008 (t - 25)], a rate measured on warmed-up tires at
20-30 degC ambient, where the tire's temperature difference equals the ambient's. In the cold
the tire's higher loss heats it further above ambient, which takes back part of the rise:
the factor x solves x = 1 / (1 + a (T_tire - T_tire,ref)) with T_tire = T_amb + dT_ref x.

Tires warm up (docs/research/winter.md, section 8): a run starts with the tires at the
temperature the conditions give (soaked at ambient unless warmed up), and while rolling their
temperature approaches that equilibrium over a warm-up distance, at rest it relaxes toward
ambient with a cooling time constant (engine/physics/tires.py steps it in the kernel). The
rolling resistance follows the tire's temperature by the same law, 1 / (1 + a (T - T_ref)).

Measured support (docs/research/winter.md section 8.4): ISO's band, and cold-soaked against
warmed-up tires near room temperature (tire about 20-25 degC), which the law meets; below about
20 degC tire temperature it is [unverified]: no measured rolling resistance of cold passenger-car
tires was found in the stored sources, and the kept form is the steepest reading of ISO's.
"""

from __future__ import annotations

import math

ROLLING_RESISTANCE_REFERENCE_C = 25.0
"""Ambient of the ISO 28580 rolling-resistance test, the reference of tire data [degC]."""
COAST_DOWN_REFERENCE_C = 25.0
"""Ambient of coast-down tests [degC]: the middle of the 20-30 degC the procedures' reference
conditions correct to (SAE J2263 and 40 CFR 1066.310 correct to 20 degC; WLTP GTR 15 annex 4
to 20 degC from tests at 5-35 degC; published coefficients are for warmed-up tires)."""
ROLLING_RESISTANCE_TEMP_COEFFICIENT_PER_K = 0.008
"""ISO 28580:2018 clause 8 temperature correction for passenger-car (C1) tires [1/K]."""
TIRE_EQUILIBRIUM_RISE_K = 25.0
"""Equilibrium rise of a warmed-up tire over ambient at the reference [K] (*derived*): tire
makers give hot pressures up to 0.3 bar over the cold 2.5 bar (Continental and Michelin
tire-pressure guidance: check cold, expect about 0.2-0.3 bar more after driving), which at
3.5 bar absolute is a 17-26 K rise of the contained air by the gas law."""


TIRE_REFERENCE_TEMP_C = ROLLING_RESISTANCE_REFERENCE_C + TIRE_EQUILIBRIUM_RISE_K
"""Temperature of the warmed-up tire in the ISO 28580 test [degC]: the reference ambient plus
the equilibrium rise (the tire temperature at which the rolling-resistance factor is 1)."""
TIRE_WARM_UP_DISTANCE_M = 13_300.0
"""Distance over which a rolling tire's temperature closes 1 - 1/e of its gap to the
equilibrium [m] (*derived*): ISO 28580:2018 clause 7.4 warms passenger-car (C1) tires for
30 min at 80 km/h (40 km) before the rolling-resistance reading, the time they take to reach
a steady state; taken as three time constants (95 % of the rise), 10 min at 80 km/h.
Distance-based: the heat a tire makes is its loss per metre, so it warms with distance
(Mars & Luchini 1999: heat generated = rolling loss x speed); at urban speeds the time
constant is longer, 25 min at 32 km/h, within the 10-30 min tire-care guides give for
warm-up (docs/research/winter.md section 8)."""
TIRE_COOLING_TIME_S = 3600.0
"""Time constant of a parked (or standing) tire's cooling toward ambient [s] (*derived*):
Consumer Reports and Edmunds (via tire-care guides) give at least three hours parked before a
tire counts as cold for a pressure check, about three time constants (95 % of the rise gone)."""


def rolling_resistance_factor(ambient_temp_c: float) -> float:
    """Rolling resistance of warmed-up tires at this ambient [degC] relative to the ISO 28580
    reference (25 degC) [-]: the root of a dT x^2 + (1 + a (T - 25) - a dT) x - 1 = 0 of the
    self-heating balance above (a = 0.008 /K, dT = TIRE_EQUILIBRIUM_RISE_K)."""
    a_dt = ROLLING_RESISTANCE_TEMP_COEFFICIENT_PER_K * TIRE_EQUILIBRIUM_RISE_K
    linear = (
        1.0
        + ROLLING_RESISTANCE_TEMP_COEFFICIENT_PER_K
        * (ambient_temp_c - ROLLING_RESISTANCE_REFERENCE_C)
        - a_dt
    )
    return (-linear + math.sqrt(linear * linear + 4.0 * a_dt)) / (2.0 * a_dt)


def equilibrium_rise_k(ambient_temp_c: float) -> float:
    """Rise of the warmed-up tire over this ambient [degC], in K (the self-heating balance)."""
    return TIRE_EQUILIBRIUM_RISE_K * rolling_resistance_factor(ambient_temp_c)


def tire_temperature_c(ambient_temp_c: float) -> float:
    """Equilibrium temperature of the warmed-up tire at this ambient [degC]."""
    return ambient_temp_c + equilibrium_rise_k(ambient_temp_c)


def factor_at_tire_temp(tire_temp_c: float) -> float:
    """Rolling resistance of a tire at this temperature of its own [degC] relative to the ISO
    28580 reference [-]: 1 / (1 + a (T - T_ref)), T_ref the warmed-up test tire's
    temperature; at the equilibrium it equals rolling_resistance_factor of that ambient."""
    return 1.0 / (
        1.0 + ROLLING_RESISTANCE_TEMP_COEFFICIENT_PER_K * (tire_temp_c - TIRE_REFERENCE_TEMP_C)
    )


def coast_down_f0_factor(ambient_temp_c: float, tire_share_of_f0: float) -> float:
    """Correction of a coast-down f0 [-] to this ambient [degC]: only the tires' share of it
    (``tire_share_of_f0``, their rolling resistance over f0; the rest is bearing and driveline
    drag) changes, by the tire temperature's difference from the coast-down's."""
    share = min(max(tire_share_of_f0, 0.0), 1.0)
    relative = _relative_to_coast_down(ambient_temp_c)
    return 1.0 + share * (relative - 1.0)


def coast_down_tire_share(ambient_temp_c: float, tire_share_of_f0: float) -> float:
    """The tires' share [-] of the f0 corrected to this ambient [degC] (coast_down_f0_factor):
    their rolling force there over the corrected f0; ``tire_share_of_f0`` as there."""
    share = min(max(tire_share_of_f0, 0.0), 1.0)
    relative = _relative_to_coast_down(ambient_temp_c)
    return share * relative / coast_down_f0_factor(ambient_temp_c, share)


def _relative_to_coast_down(ambient_temp_c: float) -> float:
    """Warmed-up tires' rolling resistance at this ambient [degC] over the coast-down's [-]."""
    return rolling_resistance_factor(ambient_temp_c) / rolling_resistance_factor(
        COAST_DOWN_REFERENCE_C
    )
