"""EU range test: WLTP for battery-electric cars (UN GTR 15 Annex 8, EU 2017/1151 Sub-Annex 8),
consecutive-cycle procedure on WLTC class 3b.

What this module follows (docs/research/procedures.md has the sources and what is unconfirmed):
- test mass = mass in running order + 25 kg + 15 % of the maximum vehicle load (category M1).
  Simplifications: EU mass in running order includes a 75 kg driver, and vehicle files hold
  curb mass without one, so 75 kg is added; optional equipment is not modelled; the maximum
  vehicle load (technically permissible mass minus mass in running order) is taken as
  MAX_VEHICLE_LOAD_KG, class-typical for compact and mid-size cars, so the test mass is curb
  + 167.5 kg;
- soak and test at 23 degC;
- WLTC 3b back to back from full until break-off: the speed trace tolerance exceeded for 4
  consecutive seconds (GTR 15 Annex 8);
- range = distance to break-off; electric energy consumption = AC recharge energy / range.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bevsim.procedures.range_common import Environment, cycle_range
from bevsim.spec import VehicleSpec

NAME = "wltp"
CYCLE = "wltc-3b"
DRIVER_KG = 75.0
FIXED_ADDITION_KG = 25.0
VEHICLE_LOAD_SHARE = 0.15
MAX_VEHICLE_LOAD_KG = 450.0
AMBIENT_TEMP_C = 23.0
STANDARD = Environment(ambient_temp_c=AMBIENT_TEMP_C)
BREAK_OFF_S = 4.0


def test_mass_kg(spec: VehicleSpec) -> float:
    """WLTP test mass [kg]: curb + 75 kg driver + 25 kg + 15 % of the maximum vehicle load."""
    return (
        spec.mass.curb_kg + DRIVER_KG + FIXED_ADDITION_KG + VEHICLE_LOAD_SHARE * MAX_VEHICLE_LOAD_KG
    )


def run(specs: Sequence[VehicleSpec], environment: Environment = STANDARD) -> pd.DataFrame:
    """Range and grid consumption of each vehicle (one row per vehicle)."""
    return cycle_range(specs, CYCLE, test_mass_kg, NAME, BREAK_OFF_S, environment)
