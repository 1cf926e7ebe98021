"""Physical ranges of the numbers typed on the command line, checked before any work.

Every number option of every command is checked here, so ``--load-kg -5000``, ``--load-kg 1e9``
or ``--temp nan`` are refused with one line naming the option and its range (exit code 2),
instead of running a car of negative mass. SOC is a percentage on the command line (0-100,
as in ``charge --from/--to`` and ``simulate --initial-soc``) and a fraction inside.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bevsim.errors import BevsimError


@dataclass(frozen=True)
class OptionRange:
    """A command-line option's allowed range [low, high] in ``unit``."""

    option: str
    low: float
    high: float
    unit: str

    def check(self, value: float | None) -> float | None:
        """``value`` when it is finite and in range (None passes); else a BevsimError."""
        if value is None:
            return None
        if isinstance(value, bool) or not math.isfinite(value):
            raise BevsimError(f"{self.option}: not a finite number (got {value})")
        if not self.low <= value <= self.high:
            unit = f" {self.unit}" if self.unit else ""
            raise BevsimError(
                f"{self.option}: expected {self.low:g} to {self.high:g}{unit}, got {value:g}"
            )
        return value


LOAD_KG = OptionRange("--load-kg", 0.0, 2000.0, "kg")
"""Load added to curb mass [kg]: 0 (an empty car) to 2000 kg, above the payload of any car or
large van (the Ford E-Transit carries about 1.6-1.8 t, maker's data)."""
SOC_PCT_MAX = 100.0
INITIAL_SOC = OptionRange("--initial-soc", 0.0, SOC_PCT_MAX, "%")
FROM_SOC = OptionRange("--from", 0.0, SOC_PCT_MAX, "%")
TO_SOC = OptionRange("--to", 0.0, SOC_PCT_MAX, "%")
CHARGER_KW = OptionRange("--charger", 1.0, 2000.0, "kW")
"""DC charger power [kW]: 1 kW (below any DC charger: small wallboxes give 7-11 kW) to 2000 kW
(above the 1.2-1.5 MW of megawatt charging, CharIN MCS)."""
CHARGER_CURRENT_A = OptionRange("--charger-current", 1.0, 3000.0, "A")
"""DC charger current [A]: up to 3000 A, the ceiling of the Megawatt Charging System (CharIN)."""
AMBIENT_TEMP_C = OptionRange("--temp", -40.0, 50.0, "degC")
TEMPS_C = OptionRange("--temps", -40.0, 50.0, "degC")
"""Ambient temperature [degC]: -40 to 50 degC, the range cars are tested for (cold-climate and
hot-climate homologation); each chemistry's cell tables may cover less, which the procedures
refuse in the same way everywhere (engine.compile.refuse_outside_tables)."""
SENSOR_HEIGHT_M = OptionRange("--sensor-height", 0.2, 5.0, "m")
"""Lidar mount height [m]: a bumper (0.2 m) to the roof of a bus or truck (5 m)."""
JOBS = OptionRange("--jobs", 1, 256, "")
"""Worker processes: at least one, at most 256 (more than the cores of any one machine)."""
SEED = OptionRange("--seed", 0, 2**32 - 1, "")
"""Random seeds: numpy's SeedSequence takes non-negative integers (32 bits here)."""
FRAME = OptionRange("--frame", 0, 1_000_000, "")
"""Frame index: a million frames is 28 h of a 10 Hz lidar, past the end of any scene."""
TRACK_FRAMES = OptionRange("--track-frames", 0, 1000, "")
"""Frames tracked before --frame: 1000 is 100 s at 10 Hz (tracking uses the last few)."""


def soc_fraction(option: OptionRange, percent: float | None) -> float | None:
    """The SOC option in percent checked and turned into a fraction [-] (None passes)."""
    checked = option.check(percent)
    return None if checked is None else checked / 100.0


def refuse_unused(option: str, given: bool, applies: bool, why: str) -> None:
    """Refuse an option that was given but does nothing in this run (``why`` says when it
    applies): a silently ignored option makes a user believe it took effect."""
    if given and not applies:
        raise BevsimError(f"{option}: does not apply here; {why}")
