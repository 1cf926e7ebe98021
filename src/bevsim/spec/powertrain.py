"""Pydantic v2 models of the powertrain sections of a vehicle file: drive (motors, reduction,
driveline), battery and charging. Part of the vehicle-file contract (spec/models.py); units are
the ones in each field name.
"""

from __future__ import annotations

from typing import Annotated, Literal, Self

from pydantic import Field, PositiveInt, field_validator, model_validator

from bevsim.spec.strict import StrictModel
from bevsim.units import RPM_PER_RADPS


class Motor(StrictModel):
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
        "default: the built-in map of this motor's type and inverter, scaled to its rating",
    )
    type: Literal["pmsm", "induction", "eesm"] = Field(
        default="pmsm",
        description="machine technology: pmsm (permanent-magnet synchronous, incl. hybrid "
        "synchronous), induction (asynchronous) or eesm (electrically excited synchronous); "
        "sets the built-in map (induction: its own; eesm: the PMSM's, scaled) and the drag of "
        "the motor when it is unpowered",
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
    gear_ratios: list[Annotated[float, Field(gt=1.0, le=30.0)]] | None = Field(
        default=None,
        min_length=2,
        max_length=4,
        description="a multi-speed drive unit's reductions [-], first (highest) gear first, "
        "e.g. [15.56, 8.05] for the Porsche J1 rear unit: on a drive cycle the gear of least "
        "loss is used at each point, at full throttle the first gear's torque; not with "
        "gear_ratio. Gearbox drag and shift losses are not modelled",
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

    @field_validator("gear_ratios")
    @classmethod
    def _gears_descend(cls, value: list[float] | None) -> list[float] | None:
        if value is not None and any(b >= a for a, b in zip(value, value[1:], strict=False)):
            raise ValueError("gear_ratios: expected the first (highest) gear first, falling")
        return value

    @model_validator(mode="after")
    def _inverter_has_an_effect(self) -> Self:
        # "sic" is the default a dumped spec carries; another inverter with a map is a mistake
        if self.efficiency_map is not None and self.inverter != "sic":
            raise ValueError(
                "inverter selects the built-in map and has no effect with an efficiency_map "
                "(the map CSV holds the inverter's losses): give one of the two"
            )
        if self.gear_ratio is not None and self.gear_ratios is not None:
            raise ValueError(
                "gear_ratio (single speed) and gear_ratios (multi-speed) both given: give one"
            )
        return self

    def gears(self, drive_ratio: float) -> tuple[float, ...]:
        """This drive unit's reductions [-], first gear first: its gear_ratios, its gear_ratio,
        or the drive's ``drive_ratio``."""
        if self.gear_ratios is not None:
            return tuple(self.gear_ratios)
        return (self.gear_ratio or drive_ratio,)

    def wheel_rating(self, drive_ratio: float) -> tuple[float, float]:
        """This drive unit's rating at the wheels: its peak torque in first gear [N m] and its
        top speed in top gear [rad/s] (``drive_ratio`` [-] as in :meth:`gears`)."""
        gears = self.gears(drive_ratio)
        return self.peak_torque_nm * gears[0], self.max_speed_rpm / RPM_PER_RADPS / gears[-1]


class Drive(StrictModel):
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


class Battery(StrictModel):
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


class Charging(StrictModel):
    """AC charging from the grid: on-board charger power [kW] and efficiency, and the power the
    car's systems draw while it charges [W]. Defaults: see DEFAULT_* in this module.

    DC fast charging (the car's side of the inlet): peak power [kW], current [A] and voltage [V]
    the car accepts. Defaults when not given: dc_max_power_kw = battery.max_charge_power_kw (no
    extra limit beyond the pack's); dc_max_current_a = DEFAULT_DC_MAX_CURRENT_A; dc_max_voltage_v
    = the pack's upper voltage (cells in series x the chemistry's max cell voltage).
    """

    onboard_charger_kw: float = Field(default=11.0, gt=0.5, le=50.0)
    onboard_charger_efficiency: float = Field(default=0.94, gt=0.5, le=1.0)
    standby_power_w: float | None = Field(
        default=None,
        ge=0.0,
        le=3000.0,
        description="HV-side power of the car's systems awake while charging [W], overriding "
        "its components; default None: accessories.charging_low_voltage_load_w / "
        "accessories.dcdc_efficiency + accessories.charging_thermal_pumps_w",
    )
    dc_max_power_kw: float | None = Field(default=None, gt=0.0, le=1500.0)
    dc_max_current_a: float | None = Field(default=None, gt=0.0, le=3000.0)
    dc_max_voltage_v: float | None = Field(default=None, ge=100.0, le=1500.0)
    dc_power_curve: list[list[CurveNumber]] | None = Field(
        default=None,
        min_length=2,
        max_length=200,
        description="measured DC inlet power against SoC on an unlimiting charger with a warm "
        "pack (25 degC): [[soc_pct, power_kw], ...], SoC rising; replaces the chemistry's "
        "C-rate map as the car's limit, derated by the map at other cell temperatures; "
        "without one, the chemistry's class-default taper times dc_max_power_kw caps the map",
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
