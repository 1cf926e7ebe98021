"""What a sweep does when it varies the pack: the pack's form follows the varied fields, and the
curb mass follows the pack.

A pack is given either by its cells (``cells_in_series``, ``cells_in_parallel``,
``cell_capacity_ah``) or by ``gross_energy_kwh`` + ``nominal_voltage_v``. Varying a field of the
other form restates the base pack in the varied form first, with the same energy and voltage:
``--vary battery.gross_energy_kwh=50,60`` on a cell-defined car gives packs of 50 and 60 kWh at
the base car's nominal voltage (one string of cells of the capacity that makes up the energy).
Varying fields of both forms at once is refused.

The curb mass of each variant is the base car's plus the change in pack mass
(``bevsim.spec.pack_mass``), unless the mass is fixed (``--fixed-mass`` or ``--vary
mass.curb_kg``). The results say which in ``mass_source``: ``file`` (the pack is not varied:
curb mass as in the file), ``cells`` (curb mass follows the pack) or ``fixed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bevsim.chemistry import load_chemistry
from bevsim.errors import BevsimError
from bevsim.spec import VehicleSpec, pack_of
from bevsim.spec.pack_mass import pack_mass_kg
from bevsim.sweep.variants import SweepError

CELL_FIELDS = ("cells_in_series", "cells_in_parallel", "cell_capacity_ah")
ENERGY_FIELDS = ("gross_energy_kwh", "nominal_voltage_v")
PACK_PATHS = {
    f"battery.{name}" for name in (*CELL_FIELDS, *ENERGY_FIELDS, "chemistry", "pack_type")
}
"""Varied fields that change the pack's energy or mass."""


def restate_pack(spec: VehicleSpec, base: dict[str, Any], paths: Sequence[str]) -> dict:
    """``base`` with its battery in the form of the varied pack fields (same energy, voltage)."""
    varied = {p.removeprefix("battery.") for p in paths if p.startswith("battery.")}
    cells, energy = varied & set(CELL_FIELDS), varied & set(ENERGY_FIELDS)
    if cells and energy:
        raise SweepError(
            f"--vary battery.{sorted(cells)[0]} and battery.{sorted(energy)[0]}: a pack is given "
            "by its cells or by gross_energy_kwh + nominal_voltage_v; vary fields of one form"
        )
    battery = dict(base["battery"])
    pack = pack_of(spec)
    if energy and "cells_in_series" in battery:
        for name in CELL_FIELDS:
            battery.pop(name, None)
        battery["gross_energy_kwh"] = pack.gross_energy_wh / 1000.0
        battery["nominal_voltage_v"] = pack.nominal_voltage_v
    elif cells and "gross_energy_kwh" in battery:
        for name in ENERGY_FIELDS:
            battery.pop(name, None)
        battery["cells_in_series"] = pack.cells_in_series
        battery["cells_in_parallel"] = pack.cells_in_parallel
        battery["cell_capacity_ah"] = pack.cell_capacity_ah
    return {**base, "battery": battery}


def mass_source(paths: Sequence[str], fixed_mass: bool) -> str:
    """``fixed``, ``cells`` or ``file``: where the variants' curb mass comes from."""
    if fixed_mass or "mass.curb_kg" in paths:
        return "fixed"
    return "cells" if PACK_PATHS & set(paths) else "file"


@dataclass(frozen=True)
class MassFollowsPack:
    """Sets a variant's curb mass [kg] to the base car's plus its change in pack mass."""

    base_curb_kg: float
    base_pack_mass_kg: float

    @classmethod
    def of(cls, spec: VehicleSpec) -> MassFollowsPack:
        """The rule for variants of ``spec`` (its curb mass holds its own pack)."""
        chemistry = load_chemistry(spec.battery.chemistry)
        mass = pack_mass_kg(pack_of(spec).gross_energy_wh, chemistry, spec.battery.pack_type)
        return cls(spec.mass.curb_kg, mass)

    def apply(self, variant: dict[str, Any]) -> dict[str, Any]:
        """``variant`` with its curb mass following its pack; unchanged when the pack cannot be
        read (the variant's validation then reports why)."""
        mass = variant_pack_mass_kg(variant.get("battery"))
        if mass is None:
            return variant
        curb_kg = self.base_curb_kg + mass - self.base_pack_mass_kg
        return {**variant, "mass": {**variant.get("mass", {}), "curb_kg": round(curb_kg, 6)}}


def variant_pack_mass_kg(battery: Any) -> float | None:
    """Pack mass [kg] of a raw battery section, or None when it is not a readable pack."""
    try:
        chemistry = load_chemistry(battery["chemistry"])
        if "cells_in_series" in battery:
            energy_wh = (
                battery["cells_in_series"]
                * battery.get("cells_in_parallel", 1)
                * battery["cell_capacity_ah"]
                * chemistry.nominal_voltage_v
            )
        else:
            energy_wh = 1000.0 * battery["gross_energy_kwh"]
        return pack_mass_kg(float(energy_wh), chemistry, battery.get("pack_type", "cell_to_pack"))
    except (BevsimError, KeyError, TypeError, ValueError):
        return None
