"""Unit conversions used across bevsim: one definition each (SI inside, units in names)."""

from __future__ import annotations

import math

J_PER_KWH = 3.6e6
"""Joules per kilowatt-hour."""
S_PER_H = 3600.0
"""Seconds per hour (A h -> A s, W h -> J)."""
KMH_PER_MPS = 3.6
"""km/h per m/s."""
KM_PER_MILE = 1.609344
"""Kilometres per international mile."""
MPH_MPS = 0.44704
"""m/s per mile per hour."""
RPM_PER_RADPS = 60.0 / (2.0 * math.pi)
"""Revolutions per minute per radian per second."""
GRAVITY_MPS2 = 9.80665
"""Standard gravity [m/s^2] (ISO 80000-3)."""
KELVIN_OFFSET = 273.15
"""Kelvin at 0 degC."""
