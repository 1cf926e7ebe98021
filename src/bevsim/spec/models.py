"""Pydantic v2 models of the vehicle file (the public contract in DESIGN.md).

Field names are a public contract: extend, never rename. Unknown fields are an error. Units are
the ones in each field name; the compile step converts to SI.

Every number has a physical range and must be finite (NaN and inf are refused as "not a finite
number"). Validation is strict: a number must be a YAML number (not a string or a boolean) and a
count must be an integer. Ranges admit every road car from a quadricycle to a heavy pickup; the
lower bounds quoted per field are the smallest figures of production vehicles, with a margin.
"""

from __future__ import annotations

from typing import ClassVar, Literal, Self

from pydantic import (
    Field,
    field_validator,
    model_validator,
)

from bevsim.errors import did_you_mean
from bevsim.spec.loads import (
    DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W,
    DEFAULT_CHARGING_THERMAL_PUMPS_W,
    DEFAULT_DCDC_EFFICIENCY,
    DEFAULT_LOW_VOLTAGE_LOAD_W,
    DEFAULT_THERMAL_PUMPS_W,
    hv_side_power_w,
)
from bevsim.spec.powertrain import (
    Battery,
    Charging,
    Drive,
)
from bevsim.spec.sensors import list_sensors, load_sensor
from bevsim.spec.strict import StrictModel
from bevsim.spec.tires import parse_tire_size

DEFAULT_ROTATING_MASS_FRACTION = 0.03
"""Equivalent mass of rotating parts (wheels, tires, rotor, gears) as a share of curb mass.

Wheels and tires of a 1.8 t sedan (4 x ~0.8 kg m^2 at 0.33 m rolling radius) give ~30 kg and a
PMSM rotor (~0.03-0.05 kg m^2 through a 9:1 reduction) ~20-35 kg, about 3 % of curb mass; cf.
Gillespie, Fundamentals of Vehicle Dynamics (1992), eq. 2-7, mass factor for high gears 1.03-1.05.
"""


class Mass(StrictModel):
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


class Body(StrictModel):
    """Aerodynamics: drag coefficient [-] and frontal area [m^2]."""

    drag_coefficient: float = Field(ge=0.1, le=1.0)
    frontal_area_m2: float = Field(gt=0.5, le=10.0)


class RoadLoad(StrictModel):
    """Coast-down coefficients: F [N] = f0 + f1 v + f2 v^2 with v in km/h.

    They already contain tire rolling loss and driveline spin loss (DESIGN.md).
    """

    f0_n: float = Field(ge=0, le=2000)
    f1_n_per_kmh: float = Field(ge=-20, le=20)
    f2_n_per_kmh2: float = Field(gt=0, le=1.0)


class Tires(StrictModel):
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


class Thermal(StrictModel):
    """Cabin and pack thermal system; defaults are class-typical (docs/research/winter.md).

    Cabin: heating by PTC or heat pump (topped up by the PTC beyond its capacity, and replaced
    by it below its lowest ambient), recovered drive-unit waste heat and, once the cells are
    above ``pack_heat_recovery_above_c``, a share of their loss heat (taken from the pack),
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
    pack_heat_recovery: float | None = Field(default=None, ge=0, le=1)
    """Share of the cells' loss heat that heats the cabin while the pack is above
    ``pack_heat_recovery_above_c`` [-] (the heat leaves the pack); None: the class default
    (DEFAULT_PACK_HEAT_RECOVERY by cabin_heating). 0 for a pack without a coolant loop to the
    heat pump (an air-cooled or passive pack)."""
    pack_heat_recovery_above_c: float = Field(default=15.0, ge=-20, le=40)
    """Cell temperature above which the pack gives its loss heat to the cabin [degC] (never
    below the driving heater threshold; a value given below it is refused); below it the
    cells keep their heat. 15 degC: the lower end of the cells' preferred 15-30 degC
    window (docs/research/winter.md section 3 and section 9) [unverified: secondary sources;
    no maker publishes its switch-over]."""
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

    CLASS_DEFAULTS: ClassVar[dict[str, str]] = {
        "drive_unit_heat_recovery": "heat_recovery_share",
        "pack_heat_recovery": "pack_heat_recovery_share",
        "battery_heating_below_driving_c": "driving_heating_below_c",
    }
    """Optional fields whose None means a class default, and the property that gives it
    (listed by ``bevsim vehicles --explain``, spec.defaults)."""

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

    @model_validator(mode="after")
    def _recovery_above_driving_heating(self) -> Self:
        given = "pack_heat_recovery_above_c" in self.model_fields_set
        if given and self.pack_heat_recovery_above_c < self.driving_heating_below_c:
            raise ValueError(
                f"pack_heat_recovery_above_c ({self.pack_heat_recovery_above_c}) must not be "
                f"below the driving heater threshold ({self.driving_heating_below_c}): the "
                "heater would warm the pack while the cabin takes its heat"
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
    def pack_heat_recovery_share(self) -> float:
        """Share of the cells' loss heat that heats the cabin when the pack is warm [-], given
        or the class default for the car's cabin heating."""
        if self.pack_heat_recovery is not None:
            return self.pack_heat_recovery
        return DEFAULT_PACK_HEAT_RECOVERY[self.cabin_heating]

    @property
    def pack_heat_recovery_from_c(self) -> float:
        """Cell temperature above which the pack gives its heat to the cabin [degC]:
        ``pack_heat_recovery_above_c``, never below the driving heater threshold (a file that
        raises that threshold above the default 15 degC without giving this one keeps the
        heater and the recovery apart)."""
        return max(self.pack_heat_recovery_above_c, self.driving_heating_below_c)

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

DEFAULT_PACK_HEAT_RECOVERY = {"heat_pump": 0.5, "ptc": 0.0}
"""Class default share of the cells' loss heat that heats the cabin while the pack is warm
[-]. Production heat pumps take heat from the battery's coolant loop: Tesla's octovalve
(Model Y 2020, Model 3 2021), Hyundai/Kia (battery pack among the sources since 2020), the
VW group's MEB (Skoda: the pump also uses the drive battery's waste heat), Mercedes EQE, BYD
e-Platform 3.0 (docs/research/winter.md section 9). Half of the heat is taken as reaching the
cabin, as for the drive unit (DEFAULT_DRIVE_UNIT_HEAT_RECOVERY) [class-typical judgement, no
measured split found; a bench bus pump gained 1.6 % capacity from 2 kW of waste heat at +5 degC,
Han et al. 2020, a vapour-injection pump 72.5 % at -20 degC, Lee et al. 2022]. A PTC air
heater has no path from the pack's loop to the cabin."""

DEFAULT_DRIVING_HEATING_BELOW_C = -5.0
"""Cell temperature below which the pack heater runs while driving, when the vehicle file gives
none [degC]: class-typical, the median of the switch-on temperatures production cars publish
(Nissan Leaf -17 degC, maker's manual; Hyundai Ioniq -5 degC, owner log; Hyundai Kona about
0 degC, forum), docs/research/winter.md section 6.3."""


class Accessories(StrictModel):
    """Vehicle-level loads without HVAC, while driving and while charging (bevsim.spec.loads):
    the 12 V net's load [W] through the DC-DC converter's efficiency [-], plus the pumps and
    fans [W]; HV-side power = low-voltage load / DC-DC efficiency + pumps. Defaults and their
    sources: DEFAULT_* in bevsim.spec.loads.

    ``base_power_w``, when given, is the HV-side total while driving [W] and replaces the
    driving composition (low_voltage_load_w, dcdc_efficiency, thermal_pumps_w); the DC-DC
    efficiency still converts the charging load. ``charging.standby_power_w`` likewise replaces
    the charging composition.
    """

    base_power_w: float | None = Field(
        default=None,
        ge=0,
        le=5000,
        description="HV-side load while driving, no HVAC [W], overriding its components; "
        "default None: low_voltage_load_w / dcdc_efficiency + thermal_pumps_w",
    )
    low_voltage_load_w: float = Field(
        default=DEFAULT_LOW_VOLTAGE_LOAD_W,
        ge=0,
        le=3000,
        description="12 V-side load while driving at 23 degC without HVAC [W] "
        "(ECUs, infotainment, ADAS, steering and brake assist; source: "
        "bevsim.spec.loads.DEFAULT_LOW_VOLTAGE_LOAD_W)",
    )
    dcdc_efficiency: float = Field(
        default=DEFAULT_DCDC_EFFICIENCY,
        gt=0.5,
        le=1.0,
        description="HV to 12 V DC-DC converter efficiency at its light load [-] "
        "(source: bevsim.spec.loads.DEFAULT_DCDC_EFFICIENCY)",
    )
    thermal_pumps_w: float = Field(
        default=DEFAULT_THERMAL_PUMPS_W,
        ge=0,
        le=2000,
        description="coolant pumps and radiator fan while driving at 23 degC, HV-side [W] "
        "(source: bevsim.spec.loads.DEFAULT_THERMAL_PUMPS_W)",
    )
    charging_low_voltage_load_w: float = Field(
        default=DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W,
        ge=0,
        le=3000,
        description="12 V-side load awake while charging [W] (BMS, charger control, gateway; "
        "source: bevsim.spec.loads.DEFAULT_CHARGING_LOW_VOLTAGE_LOAD_W)",
    )
    charging_thermal_pumps_w: float = Field(
        default=DEFAULT_CHARGING_THERMAL_PUMPS_W,
        ge=0,
        le=2000,
        description="coolant pumps while charging, heater and chiller off, HV-side [W] "
        "(source: bevsim.spec.loads.DEFAULT_CHARGING_THERMAL_PUMPS_W)",
    )

    @property
    def driving_power_w(self) -> float:
        """HV-side load while driving, no HVAC [W]: base_power_w, or its components."""
        if self.base_power_w is not None:
            return self.base_power_w
        return hv_side_power_w(self.low_voltage_load_w, self.dcdc_efficiency, self.thermal_pumps_w)

    @property
    def charging_power_w(self) -> float:
        """HV-side load of the car's systems awake while charging [W], from its components."""
        return hv_side_power_w(
            self.charging_low_voltage_load_w, self.dcdc_efficiency, self.charging_thermal_pumps_w
        )


class Autonomy(StrictModel):
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


class Chassis(StrictModel):
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


class VehicleSpec(StrictModel):
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

    @property
    def autonomy_hv_power_w(self) -> float:
        """HV-side power of the autonomy stack while driving [W]: its compute and sensors draw
        from the 12 V net, so through the DC-DC converter (accessories.dcdc_efficiency); 0
        without a stack. Automotive domain controllers and lidars are low-voltage loads (the
        AT128 takes a 12/24 V vehicle supply [unverified: its manual's section 1.5 was not
        readable in the stored copy])."""
        if self.autonomy is None:
            return 0.0
        stack_w = self.autonomy.compute_power_w + self.autonomy.sensor_power
        return stack_w / self.accessories.dcdc_efficiency

    @property
    def charging_standby_w(self) -> float:
        """Power the car's systems draw from the DC bus while it charges [W]:
        charging.standby_power_w, or the accessories' charging components."""
        if self.charging.standby_power_w is not None:
            return self.charging.standby_power_w
        return self.accessories.charging_power_w
