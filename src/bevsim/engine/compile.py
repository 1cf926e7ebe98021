"""Compile validated vehicle specs into the kernel's struct of arrays (one row per variant)."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from bevsim.chemistry import Chemistry, load_chemistry
from bevsim.engine.cabin_air import recirculated_ventilation_w_per_k
from bevsim.engine.layout import PARAM_COLUMNS, P
from bevsim.engine.road_conditions import (
    MAX_WIND_SPEED_MPS,
    SURFACE_ROLLING_FACTOR,
    TEST_TRACK,
    mean_wind_drag_force_n,
    tire_rolling_factor,
)
from bevsim.engine.state import VehicleState
from bevsim.engine.tables import Tables, build_tables
from bevsim.engine.tire_temperature import (
    coast_down_f0_factor,
    coast_down_tire_share,
    equilibrium_rise_k,
    rolling_resistance_factor,
    tire_temperature_c,
)
from bevsim.errors import BevsimError
from bevsim.spec.drive_unit import (
    EquivalentDriveUnit,
    combined_loss_map,
    equivalent_drive_unit,
    motor_efficiency_map,
)
from bevsim.spec.loss_map import MAP_GRID, LossMap
from bevsim.spec.models import VehicleSpec
from bevsim.spec.motor_map import EfficiencyMap
from bevsim.spec.pack import PackDesign, derive_pack
from bevsim.units import GRAVITY_MPS2, KELVIN_OFFSET, KMH_PER_MPS

CELL_SPECIFIC_HEAT_J_PER_KG_K = 1000.0
"""Specific heat of Li-ion and Na-ion cells, about 0.9-1.1 kJ/(kg K) (docs/research/winter.md)."""
PACK_STRUCTURE_HEAT_SHARE = 0.3
"""Heat capacity of the pack's housing, cooling plates and coolant as a share of the cells'."""
NO_LIMIT_W = 1e30
"""Stands for "no pack power limit" [W] (a finite number keeps the kernel's min() simple)."""


STANDARD_PRESSURE_PA = 101325.0
DRY_AIR_GAS_CONSTANT_J_PER_KG_K = 287.05
ISA_LAPSE_RATE_K_PER_M = 0.0065
ISA_SEA_LEVEL_K = 288.15
ISA_PRESSURE_EXPONENT = 5.25588
"""The ICAO / ISO 2533 standard atmosphere below 11 km: temperature falls by 6.5 K per km from
288.15 K at sea level, and pressure p = 101.325 kPa (1 - 0.0065 h / 288.15)^5.25588 (the
exponent is g M / (R L)); about 95.3 kPa at 520 m, Munich's altitude."""
MAX_ALTITUDE_M = 6000.0
"""Highest altitude taken as real [m]: above the highest roads (under 6 km [unverified: general
knowledge]); more is a signal error."""


def standard_pressure_pa(altitude_m: float) -> float:
    """Air pressure [Pa] of the standard atmosphere at ``altitude_m`` above sea level [m]
    (ISA_PRESSURE_EXPONENT); 101.325 kPa at 0 m."""
    if not (math.isfinite(altitude_m) and -500.0 <= altitude_m <= MAX_ALTITUDE_M):
        raise ConditionsError(
            f"altitude_m: expected -500 to {MAX_ALTITUDE_M:g} m above sea level, got {altitude_m!r}"
        )
    ratio = 1.0 - ISA_LAPSE_RATE_K_PER_M * altitude_m / ISA_SEA_LEVEL_K
    return STANDARD_PRESSURE_PA * ratio**ISA_PRESSURE_EXPONENT


def dry_air_density_kg_per_m3(temp_c: float, altitude_m: float = 0.0) -> float:
    """Density [kg/m^3] of dry air (ideal gas) at ``temp_c`` [degC] and the standard
    atmosphere's pressure at ``altitude_m`` [m] (standard_pressure_pa)."""
    return standard_pressure_pa(altitude_m) / (
        DRY_AIR_GAS_CONSTANT_J_PER_KG_K * (temp_c + KELVIN_OFFSET)
    )


@dataclass(frozen=True)
class Conditions:
    """Test conditions: added load [kg], ambient and cell temperature [degC], start SOC, air,
    HVAC, start cabin temperature [degC], solar heat gain into the cabin [W], occupants, and
    the tires' start: soaked at ambient (every official procedure soaks the car at the test
    temperature), a given temperature [degC], or warmed up (a procedure that warms the car
    up first, the coast-down, full-throttle runs); the road: its surface (a key of
    road_conditions.SURFACE_ROLLING_FACTOR), winter tyres, and a mean wind of random direction
    [m/s] at the car's height (defaults: the coast-down's smooth dry track in still air, as
    every official procedure has it)."""

    added_mass_kg: float = 0.0
    ambient_temp_c: float = 23.0
    cell_temp_c: float | None = None  # None: soaked at ambient
    initial_soc: float | None = None  # None: start at the pack's soc_max (full)
    air_density_kg_per_m3: float | None = None  # None: dry air at ambient, standard pressure
    hvac_on: bool = False  # hold the cabin at the vehicle's setpoint
    cabin_temp_c: float | None = None  # None: soaked at ambient
    cabin_solar_gain_w: float = 0.0  # sunlight through the glazing, a heat gain into the cabin
    occupants: int = 1  # people in the cabin (a test driver), for the fresh air they need
    tire_temp_c: float | None = None  # None: soaked at ambient
    warm_tires: bool = False  # start at the warmed-up tires' equilibrium (tire_temp_c unused)
    road_surface: str = TEST_TRACK
    winter_tires: bool = False  # winter tyres instead of the car's own (summer) tyres
    wind_speed_mps: float = 0.0

    def __post_init__(self) -> None:
        if self.road_surface not in SURFACE_ROLLING_FACTOR:
            raise ConditionsError(
                f"road_surface: expected one of {', '.join(SURFACE_ROLLING_FACTOR)}, "
                f"got {self.road_surface!r}"
            )
        wind = self.wind_speed_mps
        if not (math.isfinite(wind) and 0.0 <= wind <= MAX_WIND_SPEED_MPS):
            raise ConditionsError(
                f"wind_speed_mps: expected a mean wind of 0 to {MAX_WIND_SPEED_MPS:g} m/s, "
                f"got {wind!r}"
            )
        if not isinstance(self.winter_tires, bool):
            raise ConditionsError(
                f"winter_tires: expected true or false, got {self.winter_tires!r}"
            )

    @property
    def air_density(self) -> float:
        """Air density [kg/m^3]: given, or ideal-gas dry air at ambient and 101.325 kPa."""
        if self.air_density_kg_per_m3 is not None:
            return self.air_density_kg_per_m3
        return dry_air_density_kg_per_m3(self.ambient_temp_c)

    @property
    def cell_temperature_c(self) -> float:
        """Cell temperature at the start [degC]: given, or the ambient temperature."""
        return self.ambient_temp_c if self.cell_temp_c is None else self.cell_temp_c

    @property
    def tire_temperature_c(self) -> float:
        """Tire temperature at the start [degC]: warmed up (the equilibrium at ambient),
        given, or the ambient temperature."""
        if self.warm_tires:
            return tire_temperature_c(self.ambient_temp_c)
        return self.ambient_temp_c if self.tire_temp_c is None else self.tire_temp_c

    @property
    def cabin_temperature_c(self) -> float:
        """Cabin temperature at the start [degC]: given, or the ambient temperature."""
        return self.ambient_temp_c if self.cabin_temp_c is None else self.cabin_temp_c


@dataclass(frozen=True)
class CompiledBatch:
    """Parameter matrix [n_variants, len(PARAM_COLUMNS)] and the shared tables."""

    params: np.ndarray
    tables: Tables
    vehicle_ids: tuple[str, ...]

    def column(self, name: str) -> np.ndarray:
        """One parameter column, by name (a copy: the batch is not changed through it)."""
        return self.params[:, getattr(P, name)].copy()

    @property
    def start_state(self) -> VehicleState:
        """Each variant's compiled start: SOC [-], cell, cabin and tire temperature [degC]."""
        return VehicleState.from_params(self.params)

    def subset(self, rows: Sequence[int] | np.ndarray) -> CompiledBatch:
        """The variants at ``rows`` (indices, in that order) as a batch of their own."""
        index = np.asarray(rows, dtype=int)
        ids = tuple(self.vehicle_ids[i] for i in index)
        return CompiledBatch(self.params[index], self.tables, ids)


def compile_vehicles(
    specs: Sequence[VehicleSpec], conditions: Conditions | Sequence[Conditions] = Conditions()
) -> CompiledBatch:
    """Compile specs (with per-variant or shared conditions) into a CompiledBatch."""
    if isinstance(conditions, Conditions):
        conditions = [conditions] * len(specs)
    if len(conditions) != len(specs):
        raise ValueError(f"got {len(conditions)} conditions for {len(specs)} vehicles")
    chem_ids: dict[str, int] = {}
    chems: list[Chemistry] = []
    map_ids: dict[tuple, int] = {}
    maps: list[EfficiencyMap | LossMap] = []
    rows = np.empty((len(specs), len(PARAM_COLUMNS)))
    for i, (spec, cond) in enumerate(zip(specs, conditions, strict=True)):
        chem = load_chemistry(spec.battery.chemistry)
        if chem.id not in chem_ids:
            chem_ids[chem.id] = len(chems)
            chems.append(chem)
        unit = equivalent_drive_unit(spec.drive.motors, spec.drive.gear_ratio)
        key, unit_map = _unit_map(spec, unit)
        if key not in map_ids:
            map_ids[key] = len(maps)
            maps.append(unit_map())
        refuse_outside_tables(chem, cond.ambient_temp_c, f"{spec.id}: ambient temperature")
        rows[i] = _param_row(spec, cond, chem, chem_ids[chem.id], map_ids[key], unit)
    return CompiledBatch(rows, build_tables(maps, chems), tuple(s.id for s in specs))


class ConditionsError(BevsimError):
    """Test conditions the model cannot run (e.g. a temperature outside the cell tables)."""


def refuse_outside_tables(chemistry: Chemistry, temp_c: float, what: str) -> None:
    """Refuse a test temperature [degC] outside the chemistry's tables, the same way in every
    procedure: the tables are clamped at their ends, so a colder or hotter test would silently
    run at the edge value. Every batch's ambient temperature (the cells soak at it) is checked
    when it is compiled; cell temperatures a procedure carries from one leg to the next may
    drift past an end, and are clamped like any temperature during a run."""
    low, high = chemistry.temperature_c[0], chemistry.temperature_c[-1]
    if not (math.isfinite(temp_c) and low <= temp_c <= high):
        raise ConditionsError(
            f"{what} {temp_c:g} degC is outside the '{chemistry.id}' chemistry's tables "
            f"({low:g} to {high:g} degC), which are not extrapolated"
        )


def refuse_outside_window(spec: VehicleSpec, soc: float | None) -> None:
    """Refuse a start SOC [-] a user asked for outside the pack's usable window
    (battery.soc_min..soc_max); None (start full) passes."""
    low, high = spec.battery.soc_min, spec.battery.soc_max
    if soc is not None and not (math.isfinite(soc) and low <= soc <= high):
        raise ConditionsError(
            f"{spec.id}: start SOC {100 * soc:g} % is outside its usable window, "
            f"battery.soc_min {100 * low:g} % to soc_max {100 * high:g} %"
        )


def _unit_map(
    spec: VehicleSpec, unit: EquivalentDriveUnit
) -> tuple[tuple, Callable[[], EfficiencyMap | LossMap]]:
    """The key of the car's per-unit loss map and how to make it (made only for a new key):
    one motor's own map, normalised to its rating, or the least-loss combination of several
    (bevsim.spec.drive_unit)."""
    if unit.units is not None:
        return ("combined", unit.units), lambda: LossMap(combined_loss_map(unit.units, MAP_GRID))
    motor = spec.drive.motors[0]
    eff_map = motor_efficiency_map(motor)
    normalised = eff_map.normalised(motor.max_speed_rpm, motor.peak_torque_nm)
    key = (eff_map.source, float(normalised.speed[-1]), float(normalised.torque[-1]))
    return key, lambda: normalised


def _param_row(
    spec: VehicleSpec,
    cond: Conditions,
    chem: Chemistry,
    chem_index: int,
    map_index: int,
    unit: EquivalentDriveUnit,
) -> np.ndarray:
    pack = derive_pack(spec.battery, chem)
    mass_kg = spec.mass.curb_kg + cond.added_mass_kg
    road_load = spec.road_load
    battery = spec.battery
    initial_soc = battery.soc_max if cond.initial_soc is None else cond.initial_soc
    cold_tires = rolling_resistance_factor(cond.ambient_temp_c)
    road = tire_rolling_factor(cond.road_surface, cond.winter_tires)
    tire_n = spec.tires.rolling_resistance_coefficient * mass_kg * GRAVITY_MPS2
    tire_rise_k = equilibrium_rise_k(cond.ambient_temp_c)
    coast_tire_share = tire_share_of_rolling(spec, tire_n, cond.ambient_temp_c)
    coast_road_factor = 1.0 + coast_tire_share * (road - 1.0)  # the road moves the tires' share
    values = {
        "mass_kg": mass_kg,
        "inertial_mass_kg": mass_kg + spec.mass.rotating_kg,
        "drag_area_m2": spec.body.drag_coefficient * spec.body.frontal_area_m2
        + (spec.autonomy.roof_drag_area_m2 if spec.autonomy else 0.0),
        "air_density_kg_per_m3": cond.air_density,
        "rolling_resistance_coefficient": spec.tires.rolling_resistance_coefficient
        * cold_tires
        * road,
        "use_road_load": 1.0 if road_load is not None else 0.0,
        # coast-down: only the tires' share of f0 follows their temperature; f1 (speed terms of
        # tires, bearings and air) is taken as measured
        # the road's factor moves the tires' share of f0 too (road_conditions)
        "f0_n": road_load.f0_n
        * coast_down_f0_factor(cond.ambient_temp_c, tire_n / road_load.f0_n)
        * coast_road_factor
        if road_load and road_load.f0_n > 0.0
        else 0.0,
        "f1_n_per_mps": road_load.f1_n_per_kmh * KMH_PER_MPS if road_load else 0.0,
        # a roof sensor pod adds its drag to the coast-down curve, which was measured without it
        "f2_n_per_mps2": road_load.f2_n_per_kmh2 * KMH_PER_MPS**2
        + 0.5 * cond.air_density * (spec.autonomy.roof_drag_area_m2 if spec.autonomy else 0.0)
        if road_load
        else 0.0,
        "wheel_radius_m": spec.tires.rolling_radius_m,
        "gear_ratio": spec.drive.gear_ratio,
        # Coast-down coefficients already hold the driveline's spin losses (DESIGN.md).
        "driveline_efficiency": 1.0 if road_load is not None else spec.drive.driveline_efficiency,
        "braking_force_max_n": spec.drive.tire_road_friction * mass_kg * GRAVITY_MPS2,
        "traction_force_max_n": spec.drive.tire_road_friction
        * mass_kg
        * GRAVITY_MPS2
        * driven_axle_load_share(spec),
        "motor_peak_power_w": unit.peak_power_w,
        "motor_peak_torque_nm": unit.peak_torque_nm,
        "motor_max_speed_radps": unit.max_speed_radps,
        "motor_map_index": map_index,
        "motor_loss_scale_w": unit.loss_scale_w,
        "regen_min_speed_mps": spec.drive.regen_min_speed_kmh / KMH_PER_MPS,
        "accessory_power_w": spec.accessories.driving_power_w + spec.autonomy_hv_power_w,
        "chemistry_index": chem_index,
        "cells_in_series": pack.cells_in_series,
        "cells_in_parallel": pack.cells_in_parallel,
        "cell_capacity_ah": pack.cell_capacity_ah,
        "soc_min": battery.soc_min,
        "soc_max": battery.soc_max,
        "pack_max_discharge_power_w": _kw_or_inf(battery.max_discharge_power_kw),
        "pack_max_charge_power_w": _kw_or_inf(battery.max_charge_power_kw),
        "cell_temp_c": cond.cell_temperature_c,
        "tire_initial_temp_c": cond.tire_temperature_c,
        "tire_warm_temp_c": cond.ambient_temp_c + tire_rise_k,
        "tire_rise_k": tire_rise_k,
        "tire_share_of_rolling": coast_tire_share * road / coast_road_factor,
        "initial_soc": initial_soc,
        **_thermal_values(spec, cond, pack, chem),
    }
    still_air_n_per_mps2 = (
        values["f2_n_per_mps2"]
        if road_load is not None
        else 0.5 * cond.air_density * values["drag_area_m2"]
    )
    values["wind_drag_force_n"] = mean_wind_drag_force_n(still_air_n_per_mps2, cond.wind_speed_mps)
    return np.array([values[name] for name in PARAM_COLUMNS], dtype=float)


def tire_share_of_rolling(spec: VehicleSpec, tire_n: float, ambient_temp_c: float) -> float:
    """The tires' share [-] of the compiled rolling force that their temperature moves: all
    of the rolling coefficient's, or their share of coast-down f0 corrected to this ambient
    [degC] (tire_temperature.coast_down_tire_share; ``tire_n``: their rolling force at the
    ISO reference [N]; the rest of f0 is bearing and driveline drag)."""
    road_load = spec.road_load
    if road_load is None:
        return 1.0
    if road_load.f0_n <= 0.0:
        return 0.0
    return coast_down_tire_share(ambient_temp_c, tire_n / road_load.f0_n)


def driven_axle_load_share(spec: VehicleSpec) -> float:
    """Static share of the weight on the driven axle(s) [-]: the chassis' front share for FWD,
    the rest for RWD, all of it for AWD (the full-throttle solver adds load transfer)."""
    layout = spec.drive.layout
    if layout == "awd":
        return 1.0
    front = spec.chassis.front_share(layout)
    return front if layout == "fwd" else 1.0 - front


def pack_heat_capacity_j_per_k(pack: PackDesign, chemistry: Chemistry) -> float:
    """Pack heat capacity [J/K]: cell mass (gross energy over the cells' specific energy) times
    the cells' specific heat, plus the housing, cooling plates and coolant."""
    cell_mass_kg = pack.gross_energy_wh / chemistry.specific_energy_wh_per_kg
    return cell_mass_kg * CELL_SPECIFIC_HEAT_J_PER_KG_K * (1.0 + PACK_STRUCTURE_HEAT_SHARE)


def _thermal_values(
    spec: VehicleSpec, cond: Conditions, pack: PackDesign, chem: Chemistry
) -> dict[str, float]:
    thermal = spec.thermal
    return {
        "ambient_temp_c": cond.ambient_temp_c,
        "hvac_on": 1.0 if cond.hvac_on else 0.0,
        "cabin_setpoint_c": thermal.cabin_setpoint_c,
        "cabin_initial_temp_c": cond.cabin_temperature_c,
        "cabin_heat_capacity_j_per_k": 1000.0 * thermal.cabin_heat_capacity_kj_per_k,
        "cabin_conductance_w_per_k": thermal.cabin_conductance_w_per_k,
        "cabin_conductance_per_speed_w_per_k_per_mps": (
            thermal.cabin_conductance_per_speed_w_per_k_per_mps
        ),
        "cabin_ventilation_w_per_k": cabin_ventilation_w_per_k(spec, cond),
        "cabin_internal_gain_w": thermal.cabin_internal_gain_w + cond.cabin_solar_gain_w,
        "hvac_max_heating_w": 1000.0 * thermal.hvac_max_heating_kw,
        "hvac_max_cooling_w": 1000.0 * thermal.hvac_max_cooling_kw,
        "heat_pump": 1.0 if thermal.cabin_heating == "heat_pump" else 0.0,
        "heat_pump_min_ambient_c": thermal.heat_pump_min_ambient_c,
        "heat_pump_capacity_at_0c_w": 1000.0 * thermal.heat_pump_capacity_at_0c_kw,
        "drive_unit_heat_recovery": thermal.heat_recovery_share,
        "pack_heat_recovery": thermal.pack_heat_recovery_share,
        "pack_heat_recovery_above_c": thermal.pack_heat_recovery_from_c,
        "pack_heat_capacity_j_per_k": pack_heat_capacity_j_per_k(pack, chem),
        "pack_conductance_w_per_k": thermal.pack_conductance_w_per_k,
        "battery_heater_w": 1000.0 * thermal.battery_heater_kw,
        "battery_heating_below_c": thermal.battery_heating_below_c,
        "battery_heating_below_driving_c": thermal.driving_heating_below_c,
        "battery_cooling_above_c": thermal.battery_cooling_above_c,
        "battery_chiller_w": 1000.0 * thermal.battery_chiller_kw,
    }


def cabin_ventilation_w_per_k(spec: VehicleSpec, cond: Conditions) -> float:
    """Fresh-air conductance of the cabin [W/K]: all fresh air (the vehicle file's
    ``cabin_ventilation_w_per_k``), or with recirculation the share that fog and CO2 limit
    at the setpoint and the conditions' ambient (engine.cabin_air)."""
    thermal = spec.thermal
    if thermal.cabin_recirculation == "fresh_air":
        return thermal.cabin_ventilation_w_per_k
    return recirculated_ventilation_w_per_k(
        thermal.cabin_setpoint_c,
        cond.ambient_temp_c,
        cond.occupants,
        thermal.cabin_ventilation_w_per_k,
    )


def _kw_or_inf(kw: float | None) -> float:
    return NO_LIMIT_W if kw is None else 1000.0 * kw
