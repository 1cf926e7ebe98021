"""Pack arrangement derived from the battery section and the cell chemistry."""

from __future__ import annotations

from dataclasses import dataclass

from bevsim.chemistry import Chemistry, load_chemistry
from bevsim.spec.models import VehicleSpec
from bevsim.spec.powertrain import Battery


@dataclass(frozen=True)
class PackDesign:
    """Cells in series and parallel, cell capacity [Ah] and the resulting pack figures."""

    cells_in_series: int
    cells_in_parallel: int
    cell_capacity_ah: float
    cell_nominal_voltage_v: float

    @property
    def nominal_voltage_v(self) -> float:
        """Pack nominal voltage [V]."""
        return self.cells_in_series * self.cell_nominal_voltage_v

    @property
    def capacity_ah(self) -> float:
        """Pack capacity [Ah]."""
        return self.cells_in_parallel * self.cell_capacity_ah

    @property
    def gross_energy_wh(self) -> float:
        """Gross (nameplate) pack energy [Wh] at the chemistry's nominal cell voltage."""
        return self.nominal_voltage_v * self.capacity_ah


def derive_pack(battery: Battery, chemistry: Chemistry) -> PackDesign:
    """Cells from the battery section; from gross energy + nominal voltage when cells are not given.

    With energy and voltage, the series count is the nominal voltage over the chemistry's nominal
    cell voltage (rounded), one string, and the cell capacity makes up the gross energy.
    """
    cell_v = chemistry.nominal_voltage_v
    if battery.cells_in_series is not None and battery.cell_capacity_ah is not None:
        return PackDesign(
            cells_in_series=battery.cells_in_series,
            cells_in_parallel=battery.cells_in_parallel or 1,
            cell_capacity_ah=battery.cell_capacity_ah,
            cell_nominal_voltage_v=cell_v,
        )
    assert battery.gross_energy_kwh is not None and battery.nominal_voltage_v is not None
    series = max(1, round(battery.nominal_voltage_v / cell_v))
    return PackDesign(
        cells_in_series=series,
        cells_in_parallel=1,
        cell_capacity_ah=battery.gross_energy_kwh * 1000.0 / (series * cell_v),
        cell_nominal_voltage_v=cell_v,
    )


def pack_of(spec: VehicleSpec) -> PackDesign:
    """The pack arrangement of a vehicle (cells derived from its chemistry where needed)."""
    return derive_pack(spec.battery, load_chemistry(spec.battery.chemistry))
