"""Pydantic v2 models of the vehicle file (the public contract in DESIGN.md).

Field names are a public contract: extend, never rename. Unknown fields are an error. Units are
the ones in each field name; the compile step converts to SI.

Every number has a physical range and must be finite (NaN and inf are refused as "not a finite
number"). Validation is strict: a number must be a YAML number (not a string or a boolean) and a
count must be an integer. Ranges admit every road car from a quadricycle to a heavy pickup; the
lower bounds quoted per field are the smallest figures of production vehicles, with a margin.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PositiveInt,
    field_validator,
    model_validator,
)

from bevsim.errors import did_you_mean
from bevsim.spec.sensors import list_sensors, load_sensor
from bevsim.spec.tires import parse_tire_size

DEFAULT_ROTATING_MASS_FRACTION = 0.03
"""Equivalent mass of rotating parts (wheels, tires, rotor, gears) as a share of curb mass.

Wheels and tires of a 1.8 t sedan (4 x ~0.8 kg m^2 at 0.33 m rolling radius) give ~30 kg and a
PMSM rotor (~0.03-0.05 kg m^2 through a 9:1 reduction) ~20-35 kg, about 3 % of curb mass; cf.
Gillespie, Fundamentals of Vehicle Dynamics (1992), eq. 2-7, mass factor for high gears 1.03-1.05.
"""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True, allow_inf_nan=False)


class Mass(_Strict):
    """Vehicle mass [kg]; procedures add their own test load."""

    curb_kg: float = Field(ge=200, le=10000)
    """200 kg: below the lightest road EVs (Renault Twizy 474 kg, Citroen Ami 485 kg, makers'
    data); 10 t: above the heaviest electric pickups (GMC Hummer EV about 4.1 t)."""
    rotating_equivalent_kg: float | None = Field(default=None, ge=0, le=1000)

    @property
    def rotating_kg(self) -> float:
        """Equivalent mass of rotating parts [kg], defaulting to 3 % of curb mass."""
        if self.rotating_equivalent_kg is not None:
            return self.rotating_equivalent_kg
        return DEFAULT_ROTATING_MASS_FRACTION * self.curb_kg


class Body(_Strict):
    """Aerodynamics: drag coefficient [-] and frontal area [m^2]."""

    drag_coefficient: float = Field(ge=0.1, le=1.0)
    frontal_area_m2: float = Field(gt=0.5, le=10.0)


class RoadLoad(_Strict):
    """Coast-down coefficients: F [N] = f0 + f1 v + f2 v^2 with v in km/h.

    They already contain tire rolling loss and driveline spin loss (DESIGN.md).
    """

    f0_n: float = Field(ge=0, le=2000)
    f1_n_per_kmh: float = Field(ge=-20, le=20)
    f2_n_per_kmh2: float = Field(gt=0, le=1.0)


class Tires(_Strict):
    """Rolling resistance coefficient [-] and either a size string or the rolling radius [m]."""

    rolling_resistance_coefficient: float = Field(ge=0.002, le=0.05)
    size: str | None = Field(default=None, max_length=40)
    radius_m: float | None = Field(default=None, gt=0.15, lt=0.6)

    @model_validator(mode="after")
    def _size_or_radius(self) -> Self:
        if (self.size is None) == (self.radius_m is None):
            raise ValueError("give exactly one of 'size' (e.g. '245/45 R19') or 'radius_m'")
        if self.size is not None:
            parse_tire_size(self.size)
        return self

    @property
    def rolling_radius_m(self) -> float:
        """Dynamic rolling radius [m]."""
        if self.radius_m is not None:
            return self.radius_m
        assert self.size is not None
        return parse_tire_size(self.size)


class Motor(_Strict):
    """One traction motor: its peak envelope and, optionally, an efficiency map CSV."""

    axle: Literal["front", "rear"]
    peak_power_kw: float = Field(ge=1, le=2000)
    """1 kW: below the smallest traction motors (Citroen Ami 6 kW, Renault Twizy 80 13 kW, makers'
    data); 2 MW: above the strongest cars (Rimac Nevera 1.4 MW over four motors)."""
    peak_torque_nm: float = Field(ge=5, le=10000)
    """5 N m: below the smallest traction motors (Twizy 45: 33 N m, maker's data)."""
    max_speed_rpm: float = Field(gt=1000, le=40000)
    efficiency_map: str | None = Field(
        default=None,
        min_length=1,
        max_length=1000,
        description="CSV of efficiency over (speed_rpm, torque_nm) relative to the vehicle file; "
        "default: the built-in PMSM + SiC inverter map scaled to this motor's rating and type",
    )
    type: Literal["pmsm", "induction", "eesm"] = Field(
        default="pmsm",
        description="machine technology: pmsm (permanent-magnet synchronous, incl. hybrid "
        "synchronous), induction (asynchronous) or eesm (electrically excited synchronous); "
        "sets the built-in map's loss level and the drag of the motor when it is unpowered",
    )
    inverter: Literal["sic", "igbt"] = Field(
        default="sic",
        description="inverter semiconductor of the built-in map: sic (SiC MOSFET) or igbt "
        "(silicon IGBT, twice the inverter losses); not with an efficiency_map",
    )
    gear_ratio: float | None = Field(
        default=None,
        gt=1.0,
        le=30.0,
        description="this drive unit's single-speed reduction [-]; default: the drive's",
    )
    disconnect: bool = Field(
        default=False,
        strict=True,
        description="a clutch that decouples this motor from its wheels while it is unpowered "
        "(e.g. the front axle disconnector of Hyundai-Kia E-GMP AWD cars): no drag then",
    )

    @field_validator("efficiency_map")
    @classmethod
    def _map_is_readable(cls, value: str | None) -> str | None:
        if value is not None:
            from bevsim.spec.motor_map import load_efficiency_map

            load_efficiency_map(value)
        return value

    @model_validator(mode="after")
    def _inverter_has_an_effect(self) -> Self:
        # "sic" is the default a dumped spec carries; another inverter with a map is a mistake
        if self.efficiency_map is not None and self.inverter != "sic":
            raise ValueError(
                "inverter selects the built-in map and has no effect with an efficiency_map "
                "(the map CSV holds the inverter's losses): give one of the two"
            )
        return self


class Drive(_Strict):
    """Driveline: motors, single-speed reduction, efficiency, the tire-road friction limit and an
    optional electronic speed limiter."""

    layout: Literal["fwd", "rwd", "awd"]
    motors: list[Motor] = Field(min_length=1, max_length=4)
    gear_ratio: float = Field(gt=1.0, le=30.0)
    driveline_efficiency: float = Field(gt=0.5, le=1.0)
    tire_road_friction: float = Field(gt=0.1, le=1.5)
    regen_min_speed_kmh: float = Field(
        default=5.0,
        ge=0,
        le=30,
        description="below this speed friction brakes take over (regen fades to zero)",
    )
    speed_limiter_kmh: float | None = Field(
        default=None,
        gt=0,
        le=500,
        strict=True,
        allow_inf_nan=False,
        description="electronic top-speed limit [km/h] (the drive unit cuts torque at this "
        "speed); default None: no limiter, the car runs to its physical top speed. Read by the "
        "full-throttle performance procedures only: on a drive cycle the trace sets the speed",
    )

    @model_validator(mode="after")
    def _axles_match_layout(self) -> Self:
        axles = {m.axle for m in self.motors}
        expected = {"fwd": {"front"}, "rwd": {"rear"}, "awd": {"front", "rear"}}[self.layout]
        if axles != expected:
            raise ValueError(
                f"layout '{self.layout}' needs motors on {sorted(expected)}, got {sorted(axles)}"
            )
        if len(axles) == 1 and any(m.disconnect for m in self.motors):
            raise ValueError(
                "disconnect decouples a motor while the other axle drives; it has no effect on "
                "a car with motors on one axle only"
            )
        return self


MIN_PACK_ENERGY_KWH = 1.0
MAX_PACK_ENERGY_KWH = 500.0
"""Gross pack energy of a traction pack [kWh]: 1 kWh is below the smallest (Citroen Ami
5.5 kWh, Renault Twizy 6.1 kWh, makers' data); 500 kWh above the largest passenger-car packs
(GMC Hummer EV about 212 kWh)."""
MIN_PACK_VOLTAGE_V = 48.0
MAX_PACK_VOLTAGE_V = 1500.0
"""Pack nominal voltage [V]: 48 V, the low-voltage packs of light quadricycles [class-typical,
unverified per model], to 1500 V, the top of the low-voltage DC band (IEC 60038) that traction
packs are built under."""


class Battery(_Strict):
    """Traction pack: chemistry and cell arrangement, or gross energy and nominal voltage."""

    chemistry: str = Field(min_length=1, max_length=500)
    cells_in_series: PositiveInt | None = Field(default=None, le=1000)
    cells_in_parallel: PositiveInt | None = Field(default=None, le=100)
    cell_capacity_ah: float | None = Field(default=None, ge=1, le=2000)
    """1 Ah: below the smallest cells used in traction packs (18650 cells, 2.2-3.5 Ah, of the
    Tesla Roadster and Model S); 2000 Ah: above the largest prismatic cells (about 300-600 Ah)."""
    gross_energy_kwh: float | None = Field(
        default=None, ge=MIN_PACK_ENERGY_KWH, le=MAX_PACK_ENERGY_KWH
    )
    nominal_voltage_v: float | None = Field(
        default=None, ge=MIN_PACK_VOLTAGE_V, le=MAX_PACK_VOLTAGE_V
    )
    soc_min: float = Field(default=0.03, ge=0.0, le=1.0)
    soc_max: float = Field(default=0.98, ge=0.0, le=1.0)
    max_discharge_power_kw: float | None = Field(default=None, ge=1, le=3000)
    max_charge_power_kw: float | None = Field(default=None, ge=1, le=3000)
    pack_type: Literal["cell_to_pack", "module"] = Field(
        default="cell_to_pack",
        description="how the cells are integrated; sets the pack mass a sweep derives from the "
        "cells when it changes the pack (bevsim.spec.pack_mass)",
    )

    @field_validator("chemistry")
    @classmethod
    def _known_chemistry(cls, value: str) -> str:
        from bevsim.chemistry import load_chemistry

        load_chemistry(value)
        return value

    @model_validator(mode="after")
    def _cells_or_energy(self) -> Self:
        cells = (self.cells_in_series, self.cell_capacity_ah)
        energy = (self.gross_energy_kwh, self.nominal_voltage_v)
        has_cells = all(v is not None for v in cells)
        has_energy = all(v is not None for v in energy)
        if has_cells == has_energy or (not has_cells and any(v is not None for v in cells)):
            raise ValueError(
                "give either cells_in_series + cell_capacity_ah (+ cells_in_parallel) "
                "or gross_energy_kwh + nominal_voltage_v"
            )
        if has_energy and self.cells_in_parallel is not None:
            raise ValueError("cells_in_parallel goes with cells_in_series, not gross_energy_kwh")
        if has_cells and any(v is not None for v in energy):
            raise ValueError(
                "the pack is given by its cells: gross_energy_kwh and nominal_voltage_v follow "
                "from them and must not be given too"
            )
        if not self.soc_min < self.soc_max:
            raise ValueError(f"soc_min ({self.soc_min}) must be below soc_max ({self.soc_max})")
        if has_cells:
            self._check_pack_energy()
        return self

    def _check_pack_energy(self) -> None:
        """The pack the cells make must be a traction pack (MIN/MAX_PACK_ENERGY_KWH, 48-1500 V)."""
        from bevsim.chemistry import load_chemistry

        assert self.cells_in_series is not None and self.cell_capacity_ah is not None
        cell_v = load_chemistry(self.chemistry).nominal_voltage_v
        volts = self.cells_in_series * cell_v
        kwh = volts * (self.cells_in_parallel or 1) * self.cell_capacity_ah / 1000.0
        if not MIN_PACK_ENERGY_KWH <= kwh <= MAX_PACK_ENERGY_KWH:
            raise ValueError(
                f"the cells make a {kwh:.3g} kWh pack; expected {MIN_PACK_ENERGY_KWH:g} to "
                f"{MAX_PACK_ENERGY_KWH:g} kWh"
            )
        if not MIN_PACK_VOLTAGE_V <= volts <= MAX_PACK_VOLTAGE_V:
            raise ValueError(
                f"{self.cells_in_series} cells in series make a {volts:.3g} V pack; expected "
                f"{MIN_PACK_VOLTAGE_V:g} to {MAX_PACK_VOLTAGE_V:g} V"
            )


CurveNumber = Annotated[float, Field(ge=0.0, le=1500.0, allow_inf_nan=False)]
"""One number of a measured curve: a SoC [%] or a power [kW], finite and not negative."""


class Charging(_Strict):
    """AC charging from the grid: on-board charger power [kW] and efficiency, and the power the
    car's systems draw while it charges [W]. Defaults: see DEFAULT_* in this module.

    DC fast charging (the car's side of the inlet): peak power [kW], current [A] and voltage [V]
    the car accepts. Defaults when not given: dc_max_power_kw = battery.max_charge_power_kw (no
    extra limit beyond the pack's); dc_max_current_a = DEFAULT_DC_MAX_CURRENT_A; dc_max_voltage_v
    = the pack's upper voltage (cells in series x the chemistry's max cell voltage).
    """

    onboard_charger_kw: float = Field(default=11.0, gt=0.5, le=50.0)
    onboard_charger_efficiency: float = Field(default=0.94, gt=0.5, le=1.0)
    standby_power_w: float = Field(default=250.0, ge=0.0, le=3000.0)
    dc_max_power_kw: float | None = Field(default=None, gt=0.0, le=1500.0)
    dc_max_current_a: float | None = Field(default=None, gt=0.0, le=3000.0)
    dc_max_voltage_v: float | None = Field(default=None, ge=100.0, le=1500.0)
    dc_power_curve: list[list[CurveNumber]] | None = Field(
        default=None,
        min_length=2,
        max_length=200,
        description="measured DC inlet power against SoC on an unlimiting charger with a warm "
        "pack (25 degC): [[soc_pct, power_kw], ...], SoC rising; replaces the chemistry's "
        "C-rate map as the car's limit, derated by the map at other cell temperatures",
    )

    @field_validator("dc_power_curve")
    @classmethod
    def _curve_is_physical(
        cls, value: list[list[CurveNumber]] | None
    ) -> list[list[CurveNumber]] | None:
        if value is None:
            return value
        if any(len(point) != 2 for point in value):
            raise ValueError("each point is [soc_pct, power_kw]")
        socs = [soc for soc, _ in value]
        for k, soc in enumerate(socs):
            if soc > 100.0:
                raise ValueError(f"point {k}: soc_pct {soc}: expected 0 to 100")
        if any(b <= a for a, b in zip(socs, socs[1:], strict=False)):
            raise ValueError("soc_pct must rise from point to point")
        return value

    @property
    def dc_max_current(self) -> float:
        """Highest DC current the car's inlet takes [A]: given, or DEFAULT_DC_MAX_CURRENT_A."""
        return DEFAULT_DC_MAX_CURRENT_A if self.dc_max_current_a is None else self.dc_max_current_a


DEFAULT_DC_MAX_CURRENT_A = 500.0
"""DC inlet current when the vehicle file gives none [A]: the CCS (IEC 62196-3 Combo) rating of
500 A that high-power chargers and inlets are built to (CharIN's CCS specification: up to 500 A
with a cooled cable) [class-typical; individual cars may take less or, on other connectors,
more]."""


class Thermal(_Strict):
    """Cabin and pack thermal system; defaults are class-typical (docs/research/winter.md).

    Cabin: heating by PTC or heat pump (topped up by the PTC beyond its capacity, and replaced
    by it below its lowest ambient), recovered drive-unit waste heat,
    setpoint [degC], heat capacity, conductance to ambient at rest and its rise with speed,
    ventilation (fresh-air) conductance, heat from occupants and electronics. Pack: electric
    heater [kW] that warms the cells toward a threshold in the cold, and a chiller that cools
    them above another. The heater has one threshold on the plug, ``battery_heating_below_c``
    [degC] (AC and DC charging, preconditioning: grid heat for charge acceptance), and one while
    driving, ``battery_heating_below_driving_c`` [degC] (heat from the pack itself); production
    cars heat far less while driving (docs/research/winter.md section 6: the Nissan Leaf's
    warmer switches on near -17 degC). When the driving threshold is not given it is
    DEFAULT_DRIVING_HEATING_BELOW_C; below 0 degC the cold cells then take regen up to their
    chemistry's short-pulse limit (``max_regen_c_rate``, section 6.7).
    """

    cabin_heating: Literal["heat_pump", "ptc"] = "heat_pump"
    cabin_setpoint_c: float = Field(default=22.0, ge=10, le=30)
    hvac_max_heating_kw: float = Field(default=7.0, gt=0, le=30)
    hvac_max_cooling_kw: float = Field(default=5.0, gt=0, le=30)
    heat_pump_min_ambient_c: float = Field(default=-30.0, ge=-40, le=10)
    """Lowest ambient the heat pump runs at [degC]; below it the PTC heats alone. -30 degC:
    the COP law (engine.physics.thermal) is checked against measurements down to -20 degC (Zhang et
    al. 2016, Qin et al. 2014) and R744 pumps are sold for -25 degC (Volkswagen ID.3,
    docs/research/winter.md 2.2); the falling capacity leaves the PTC most of the load there."""
    heat_pump_capacity_at_0c_kw: float = Field(default=4.3, gt=0, le=30)
    """Heat the pump delivers at most at 0 degC ambient [kW]: 4.3 kW, the line through the
    measured 4.2 kW at -1 degC, 3.1 kW at -10 degC and 2.1 kW at -20 degC
    (engine.physics.thermal)."""
    drive_unit_heat_recovery: float | None = Field(default=None, ge=0, le=1)
    """Share of the drive unit's losses that heats the cabin [-]; None: the class default
    (DEFAULT_DRIVE_UNIT_HEAT_RECOVERY by cabin_heating)."""
    cabin_heat_capacity_kj_per_k: float = Field(default=80.0, gt=5, le=1000)
    cabin_conductance_w_per_k: float = Field(default=50.0, gt=0, le=1000)
    cabin_conductance_per_speed_w_per_k_per_mps: float = Field(default=1.5, ge=0, le=50)
    cabin_ventilation_w_per_k: float = Field(default=60.0, ge=0, le=1000)
    """Ventilation conductance with all fresh air [W/K] (60: MAHLE's 2.5 kW at 37 K for a
    compact car, docs/research/winter.md section 1)."""
    cabin_recirculation: Literal["fog_limited", "fresh_air"] = "fog_limited"
    """Air the HVAC draws: "fog_limited" recirculates all but the fresh air that keeps the
    glass clear and CO2 low (engine.cabin_air; automatic climate control, SAE 2013-01-1494),
    "fresh_air" takes all of ``cabin_ventilation_w_per_k``."""
    cabin_internal_gain_w: float = Field(default=150.0, ge=0, le=2000)
    battery_heater_kw: float = Field(default=5.0, ge=0, le=30)
    battery_heating_below_c: float = Field(default=5.0, ge=-40, le=40)
    battery_heating_below_driving_c: float | None = Field(default=None, ge=-40, le=40)
    battery_cooling_above_c: float = Field(default=35.0, ge=10, le=60)
    battery_chiller_kw: float = Field(default=5.0, ge=0, le=30)
    pack_conductance_w_per_k: float = Field(default=8.0, gt=0, le=500)

    @model_validator(mode="after")
    def _heating_below_cooling(self) -> Self:
        for name in ("battery_heating_below_c", "battery_heating_below_driving_c"):
            below_c = getattr(self, name)
            if below_c is not None and below_c >= self.battery_cooling_above_c:
                raise ValueError(
                    f"{name} ({below_c}) must be below "
                    f"battery_cooling_above_c ({self.battery_cooling_above_c})"
                )
        return self

    @property
    def heat_recovery_share(self) -> float:
        """Share of the drive unit's losses that heats the cabin [-], given or the class
        default for the car's cabin heating."""
        if self.drive_unit_heat_recovery is not None:
            return self.drive_unit_heat_recovery
        return DEFAULT_DRIVE_UNIT_HEAT_RECOVERY[self.cabin_heating]

    @property
    def driving_heating_below_c(self) -> float:
        """Cell temperature below which the pack heater runs while driving [degC]."""
        if self.battery_heating_below_driving_c is None:
            return DEFAULT_DRIVING_HEATING_BELOW_C
        return self.battery_heating_below_driving_c


DEFAULT_DRIVE_UNIT_HEAT_RECOVERY = {"heat_pump": 0.5, "ptc": 0.0}
"""Class default share of the drive unit's losses that heats the cabin [-]. Heat-pump cars
route the drive-unit coolant loop to the pump's chiller (Tesla octovalve, MDPI Energies
15(17):6118; MAHLE: a compact EV's drive unit puts ~0.4 kW into the coolant in town,
docs/research/winter.md section 1); half of it is taken as reaching the cabin, the rest lost
from the loop and motor housing [class-typical judgement, no measured split found]. A PTC air
heater has no path from the drive-unit loop to the cabin."""

DEFAULT_DRIVING_HEATING_BELOW_C = -5.0
"""Cell temperature below which the pack heater runs while driving, when the vehicle file gives
none [degC]: class-typical, the median of the switch-on temperatures production cars publish
(Nissan Leaf -17 degC, maker's manual; Hyundai Ioniq -5 degC, owner log; Hyundai Kona about
0 degC, forum), docs/research/winter.md section 6.3."""


class Accessories(_Strict):
    """Low-voltage loads while driving, without HVAC [W]."""

    base_power_w: float = Field(default=300.0, ge=0, le=5000)


class Autonomy(_Strict):
    """Assisted-driving hardware: a lidar id, the compute power [W], the sensors' electrical
    power [W] and the roof sensor pod's added drag area Cd*A [m^2].

    ``sensor_power_w``: None takes the lidar's ``power_w`` from its sensor file
    (``bevsim.autonomy.sensors``; AT128 13.5 W), 0 W without a lidar.
    ``roof_sensor_drag_area_m2``: None takes DEFAULT_ROOF_SENSOR_DRAG_AREA_M2 when a lidar is
    fitted, 0 without one. Both are added by the compile step to every procedure
    (accessory load and drag area).
    """

    lidar: str | None = Field(default=None, max_length=100)
    compute_power_w: float = Field(default=0.0, ge=0, le=5000)
    sensor_power_w: float | None = Field(default=None, ge=0, le=2000)
    roof_sensor_drag_area_m2: float | None = Field(default=None, ge=0, le=0.5)

    @field_validator("lidar")
    @classmethod
    def _known_lidar(cls, value: str | None) -> str | None:
        if value is not None:
            known = list_sensors()
            if value not in known:
                hint = did_you_mean(value, known)
                raise ValueError(f"unknown lidar '{value}';{hint} known: {', '.join(known)}")
        return value

    @property
    def sensor_power(self) -> float:
        """Electrical power of the autonomy sensors [W]: given, or the lidar's datasheet power."""
        if self.sensor_power_w is not None:
            return self.sensor_power_w
        if self.lidar is None:
            return 0.0
        return load_sensor(self.lidar).power_w

    @property
    def roof_drag_area_m2(self) -> float:
        """Drag area the roof sensor pod adds [m^2]: given, or the default with a lidar."""
        if self.roof_sensor_drag_area_m2 is not None:
            return self.roof_sensor_drag_area_m2
        return DEFAULT_ROOF_SENSOR_DRAG_AREA_M2 if self.lidar is not None else 0.0


DEFAULT_ROOF_SENSOR_DRAG_AREA_M2 = 0.009
"""Added Cd*A of an integrated roof lidar housing [m^2]: Xiaomi quotes 4 drag counts
(Delta Cd = 0.004) for the SU7's integrated lidar "watchtower" housing [S, autonomy.md A.1 and
E.3, ylptlb.cn/nnzcw.cn quoting Xiaomi], times a ~2.2-2.3 m^2 sedan frontal area -> 0.009 m^2.
A bolt-on pod is worth about Delta Cd 0.01-0.02 (0.02-0.05 m^2) [U, autonomy.md E.3]."""


class Chassis(_Strict):
    """Geometry for longitudinal load transfer in full-throttle launches and hill starts.

    Centre-of-gravity height above the road [m], wheelbase [m] and the static share of the
    weight on the front axle [-] (default by layout: see DEFAULT_FRONT_AXLE_LOAD_SHARE).
    Defaults are class-typical for a mid-size sedan with its pack in the floor:
    cg_height_m 0.50: ICE passenger cars sit at about 0.50-0.60 m and a floor pack lowers it, to
    about 0.45-0.55 m for floor-pack sedans [class-typical, unverified for any one car];
    wheelbase_m 2.85: Model 3 2.875 m (S10), Ioniq 6 2.95 m, ID.3 2.765 m (S73), Dolphin 2.70 m
    (S39): mid-size sedans 2.85-2.95 m.
    """

    cg_height_m: float = Field(default=0.50, gt=0.2, le=1.5)
    wheelbase_m: float = Field(default=2.85, gt=1.5, le=5.0)
    front_axle_load_share: float | None = Field(default=None, gt=0.2, lt=0.8)

    def front_share(self, layout: str) -> float:
        """Static share of the weight on the front axle [-]: given, or the layout's default."""
        if self.front_axle_load_share is not None:
            return self.front_axle_load_share
        return DEFAULT_FRONT_AXLE_LOAD_SHARE[layout]


DEFAULT_FRONT_AXLE_LOAD_SHARE = {"fwd": 0.60, "rwd": 0.48, "awd": 0.48}
"""Static front-axle share by layout [-], class-typical: floor-pack RWD/AWD sedans carry
47-50 % on the front axle (motor(s) and pack between the axles; Model 3 figures of 47-48 %
front are widely reported [unverified]); FWD compact EVs (Leaf, Bolt, ID.3-class e-axle in the
front) carry 57-62 % on the front [class-typical, unverified]."""


class VehicleSpec(_Strict):
    """A whole vehicle file."""

    id: str = Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$")
    name: str = Field(min_length=1, max_length=200)
    year: int | None = Field(default=None, ge=1990, le=2100)
    mass: Mass
    body: Body
    road_load: RoadLoad | None = None
    tires: Tires
    drive: Drive
    battery: Battery
    thermal: Thermal = Thermal()
    accessories: Accessories = Accessories()
    charging: Charging = Charging()
    autonomy: Autonomy | None = None
    chassis: Chassis = Chassis()
