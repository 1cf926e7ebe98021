"""Class-default DC taper: a car's DC inlet power as a fraction of its peak against SOC, per
chemistry, for cars whose file gives no measured ``charging.dc_power_curve``.

The table (data/dc_taper/class_default.yaml) is derived by tools/derive_dc_taper.py from measured
curves of production cars that are not validation cars (tests/data/reference/dc_taper/), as the
median over the chemistry's cars; it stands for a warm pack on an unlimiting charger, as a
measured curve does. SOC [-], power [W].
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import numpy as np

from bevsim.errors import BevsimError
from bevsim.yamlfile import read_yaml_file

_FILE = ("data", "dc_taper", "class_default.yaml")


@cache
def _table() -> dict:
    with resources.as_file(resources.files("bevsim.chemistry").joinpath(*_FILE)) as path:
        return read_yaml_file(path, "DC taper table", BevsimError)


def class_default_fraction(chemistry_id: str) -> tuple[np.ndarray, np.ndarray] | None:
    """The class default of ``chemistry_id`` as (SOC [-], power over the car's peak [-]); None
    for a chemistry without one (no measured car curve in the derivation set)."""
    entry = _table().get(chemistry_id)
    if entry is None:
        return None
    return np.array(entry["soc"], dtype=float), np.array(entry["power_fraction"], dtype=float)


def class_default_curve(chemistry_id: str, peak_power_w: float) -> tuple[np.ndarray, np.ndarray]:
    """The class-default DC inlet power curve of a car of ``chemistry_id`` with a DC peak of
    ``peak_power_w`` [W], as (SOC [-], power [W]); both empty for a chemistry without one."""
    default = class_default_fraction(chemistry_id)
    if default is None:
        return np.zeros(0), np.zeros(0)
    soc, fraction = default
    return soc, fraction * peak_power_w
