"""Summary rows shared by the range procedures (keys carry units)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import pandas as pd

from bevsim.cycles import load_cycle
from bevsim.engine.facade import TEST_TRACK, Conditions
from bevsim.procedures.depletion import DepletionResult, drive_to_depletion
from bevsim.procedures.finite import finite_results
from bevsim.spec import VehicleSpec
from bevsim.units import J_PER_KWH


@dataclass(frozen=True)
class Environment:
    """The test's ambient temperature [degC], whether the cabin is heated or cooled to its
    setpoint, and whether car and pack were preconditioned on the plug before the start
    (cabin at its setpoint, cells at least PRECONDITION_CELL_TEMP_C), else soaked at ambient;
    the road (engine.road_conditions): its surface, winter tyres and a mean wind [m/s], by
    default the coast-down's track in still air, as the official procedures have it."""

    ambient_temp_c: float = 23.0
    hvac_on: bool = False
    precondition: bool = False
    road_surface: str = TEST_TRACK
    winter_tires: bool = False
    wind_speed_mps: float = 0.0

    def conditions(self, spec: VehicleSpec, test_mass_kg: float) -> Conditions:
        """Kernel conditions for one vehicle at this environment and test mass [kg]."""
        cabin = spec.thermal.cabin_setpoint_c if self.precondition else None
        cells = max(self.ambient_temp_c, PRECONDITION_CELL_TEMP_C) if self.precondition else None
        return Conditions(
            added_mass_kg=test_mass_kg - spec.mass.curb_kg,
            ambient_temp_c=self.ambient_temp_c,
            hvac_on=self.hvac_on,
            cabin_temp_c=cabin,
            cell_temp_c=cells,
            road_surface=self.road_surface,
            winter_tires=self.winter_tires,
            wind_speed_mps=self.wind_speed_mps,
        )


ENERGY_USE = {
    "traction_kwh": ("aero_energy_j", "rolling_energy_j", "grade_energy_j"),
    "drivetrain_losses_kwh": ("motor_loss_j", "driveline_loss_j", "friction_brake_energy_j"),
    "battery_losses_kwh": ("battery_ohmic_loss_j", "battery_polarization_loss_j"),
    "cabin_hvac_kwh": ("cabin_hvac_energy_j",),
    "battery_heating_kwh": ("battery_thermal_energy_j",),
    "accessories_kwh": ("accessory_energy_j",),
}
"""Where the energy drawn from the cells went over the depletion drive [kWh]: road loads at
the wheels, drivetrain and brake losses, battery losses, cabin HVAC, pack heating/cooling,
low-voltage accessories."""

PRECONDITION_CELL_TEMP_C = 20.0
"""Cell temperature a preconditioned pack starts from (warmed on the plug toward room
temperature; docs/research/winter.md)."""


def cycle_range(
    specs: Sequence[VehicleSpec],
    cycle_name: str,
    test_mass_kg: Callable[[VehicleSpec], float],
    procedure: str,
    break_off_s: float,
    environment: Environment = Environment(),
) -> pd.DataFrame:
    """Range and grid consumption on one cycle driven to depletion at the procedure's test
    mass [kg], in the given environment (one row per vehicle)."""
    conditions = [environment.conditions(s, test_mass_kg(s)) for s in specs]
    result = drive_to_depletion(specs, load_cycle(cycle_name), conditions, break_off_s, procedure)
    return range_rows(specs, result, procedure, environment.ambient_temp_c)


def range_rows(
    specs: Sequence[VehicleSpec], result: DepletionResult, procedure: str, ambient_temp_c: float
) -> pd.DataFrame:
    """One row per vehicle: range, AC (grid) consumption, battery energy, test mass."""
    drive, charge = result.drive, result.charge
    range_km = drive["distance_m"] / 1000.0
    recharge_kwh = charge["wall_energy_j"] / J_PER_KWH
    rows = pd.DataFrame(
        {
            "vehicle_id": [s.id for s in specs],
            "vehicle": [s.name for s in specs],
            "procedure": procedure,
            "test_mass_kg": result.test_mass_kg,
            "ambient_temp_c": ambient_temp_c,
            "range_km": range_km,
            "cycles_driven": drive["distance_m"] / result.cycle_distance_m,
            "battery_energy_kwh": drive["terminal_energy_j"] / J_PER_KWH,
            "recharge_energy_kwh": recharge_kwh,
            "consumption_kwh_per_100km": recharge_kwh / range_km * 100.0,
            "battery_consumption_kwh_per_100km": drive["terminal_energy_j"]
            / J_PER_KWH
            / range_km
            * 100.0,
            "end_soc": drive["final_soc"],
            "recharge_time_h": charge["duration_s"] / 3600.0,
            "final_cell_temp_c": drive["final_cell_temp_c"],
            **{
                name: sum(drive[col] for col in columns) / J_PER_KWH
                for name, columns in ENERGY_USE.items()
            },
        }
    )
    return finite_results(rows, procedure)
