"""Tire size strings (ISO metric, e.g. ``245/45 R19``) parsed to a rolling radius."""

import math
import re

INCH_M = 0.0254
# ETRTO gives the dynamic rolling circumference of passenger radial tires as about 3.05 x the
# unloaded diameter, i.e. a rolling radius of 3.05 / pi = 0.971 x the unloaded radius.
ETRTO_ROLLING_CIRCUMFERENCE_PER_DIAMETER = 3.05
_ISO_METRIC = re.compile(
    r"^\s*(?:P|LT)?(?P<width>\d{3})\s*/\s*(?P<aspect>\d{2,3})\s*Z?R(?:F)?\s*(?P<rim>\d{2}(?:\.\d)?)\s*"
    r"(?:\d{2,3}\s*[A-Z]{1,2})?\s*$",
    re.IGNORECASE,
)


def parse_tire_size(size: str) -> float:
    """Dynamic rolling radius [m] from an ISO metric size such as ``245/45 R19`` or ``235/45ZR18``.

    Unloaded radius = rim diameter / 2 + section width * aspect ratio, times the ETRTO rolling
    factor. Raises ValueError naming the expected format when the string does not parse.
    """
    match = _ISO_METRIC.match(size)
    if match is None:
        raise ValueError(f"expected an ISO metric tire size like '245/45 R19', got {size!r}")
    width_m = int(match["width"]) / 1000.0
    aspect = int(match["aspect"]) / 100.0
    rim_m = float(match["rim"]) * INCH_M
    unloaded_diameter_m = rim_m + 2.0 * width_m * aspect
    return ETRTO_ROLLING_CIRCUMFERENCE_PER_DIAMETER * unloaded_diameter_m / (2.0 * math.pi)
