"""China range test: GB/T 18386.1-2021 on the CLTC-P cycle (GB/T 38146.1-2019).

What this module follows (docs/research/procedures.md has the sources and what is unconfirmed):
- test mass: curb mass + 100 kg (driver and instruments);
- soak and test at 23 degC (the standard's 23 +- 5 degC test room, 23 +- 3 degC soak);
- from a full charge, CLTC-P cycles back to back until the car can no longer follow the trace:
  more than 2 km/h below it for 4 consecutive seconds (the break-off rule of UN GTR 15, used
  here because the GB/T text on this point could not be read);
- range = distance driven to break-off; energy consumption = AC energy to recharge the pack
  from that state to full / range (kWh/100 km, "from the grid").
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from bevsim.procedures.range_common import Environment, cycle_range
from bevsim.spec import VehicleSpec

NAME = "cltc"
CYCLE = "cltc-p"
TEST_LOAD_KG = 100.0
AMBIENT_TEMP_C = 23.0
STANDARD = Environment(ambient_temp_c=AMBIENT_TEMP_C)
BREAK_OFF_S = 4.0


def test_mass_kg(spec: VehicleSpec) -> float:
    """CLTC test mass [kg]: curb mass + 100 kg."""
    return spec.mass.curb_kg + TEST_LOAD_KG


def run(specs: Sequence[VehicleSpec], environment: Environment = STANDARD) -> pd.DataFrame:
    """Range and grid consumption of each vehicle (one row per vehicle)."""
    return cycle_range(specs, CYCLE, test_mass_kg, NAME, BREAK_OFF_S, environment)
