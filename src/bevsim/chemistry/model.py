"""The validated cell-chemistry model: OCV, R0 + one RC pair, capacity and C-rate limits.

Units: voltages [V], SOC [-] in 0..1, temperatures [degC], specific resistances [ohm*Ah]
(cell resistance = value / cell capacity [Ah]), time constants [s], C-rates [A/Ah].

Interpolation is linear and **clamped at the grid ends**: a temperature below the first
`temperature_c` point uses the first row, one above the last uses the last row; the same for
SOC. Nothing is extrapolated, so every interpolated value stays inside its table's min/max.
"""

from __future__ import annotations

from typing import Annotated

import numpy as np
from numpy.typing import ArrayLike, NDArray
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

__all__ = ["ChargeMap", "Chemistry", "OcvTable", "ResistanceTable"]

_CONFIG = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

Number = Annotated[float, Field(strict=True)]
"""A YAML number (a boolean or a string is refused; NaN and inf by the config)."""
Floats = tuple[Number, ...]
Table = tuple[tuple[Number, ...], ...]
PositiveFloat = Annotated[float, Field(gt=0, strict=True)]
CellVoltage = Annotated[float, Field(ge=0.5, le=5.0, strict=True)]
"""A cell voltage [V]: every Li-ion and Na-ion cell works between about 1.5 V (sodium-ion's
lower cut-off) and 4.4 V (high-voltage NMC/LCO), inside 0.5 to 5 V."""


def _check_soc_grid(values: Floats) -> Floats:
    """An SOC grid: strictly increasing, within [0, 1]."""
    _check_increasing(values, "soc values")
    if values[0] < 0.0 or values[-1] > 1.0:
        raise ValueError(f"expected soc within [0, 1], got {values[0]}..{values[-1]}")
    return values


def _check_increasing(values: Floats, what: str = "values") -> Floats:
    if len(values) < 2:
        raise ValueError(f"expected at least 2 {what}, got {len(values)}")
    if np.any(np.diff(values) <= 0):
        i = int(np.argmax(np.diff(values) <= 0))
        raise ValueError(
            f"expected strictly increasing {what}, but item {i + 1} ({values[i + 1]}) "
            f"does not exceed item {i} ({values[i]})"
        )
    return values


def _check_positive_table(rows: Table) -> Table:
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if v <= 0:
                raise ValueError(f"expected every value > 0, got {v} at row {i}, column {j}")
    return rows


class OcvTable(BaseModel):
    """Open-circuit voltage vs SOC at 25 degC: `soc` [-] from 0 to 1, `ocv_v` [V]."""

    model_config = _CONFIG
    soc: Floats
    ocv_v: Floats

    @field_validator("soc")
    @classmethod
    def _soc(cls, v: Floats) -> Floats:
        _check_increasing(v, "soc values")
        if v[0] != 0.0 or v[-1] != 1.0:
            raise ValueError(f"expected soc to start at 0 and end at 1, got {v[0]}..{v[-1]}")
        return v

    @field_validator("ocv_v")
    @classmethod
    def _ocv(cls, v: Floats) -> Floats:
        return _check_increasing(v, "ocv_v values")


class ResistanceTable(BaseModel):
    """R0, R1 [ohm*Ah] and tau1 [s] on (temperature_c rows) x (soc columns)."""

    model_config = _CONFIG
    soc: Floats
    r0_ohm_ah: Table
    r1_ohm_ah: Table
    tau1_s: Table

    @field_validator("soc")
    @classmethod
    def _soc(cls, v: Floats) -> Floats:
        return _check_soc_grid(v)

    @field_validator("r0_ohm_ah", "r1_ohm_ah", "tau1_s")
    @classmethod
    def _positive(cls, v: Table) -> Table:
        return _check_positive_table(v)


class ChargeMap(BaseModel):
    """Allowed DC charge current [C = A/Ah] on (temperature_c rows) x (soc columns): the
    fast-charge map a BMS follows. Values >= 0; 0 where charging is barred (e.g. plating)."""

    model_config = _CONFIG
    soc: Floats
    c_rate: Table

    @field_validator("soc")
    @classmethod
    def _soc(cls, v: Floats) -> Floats:
        return _check_soc_grid(v)

    @field_validator("c_rate")
    @classmethod
    def _non_negative(cls, rows: Table) -> Table:
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if v < 0:
                    raise ValueError(f"expected every value >= 0, got {v} at row {i}, column {j}")
        return rows


class Chemistry(BaseModel):
    """A cell chemistry as shipped in `bevsim/chemistry/data/*.yaml` (see SOURCES.md there)."""

    model_config = _CONFIG

    id: str = Field(min_length=1)
    name: str = Field(min_length=1)
    nominal_voltage_v: CellVoltage
    max_voltage_v: CellVoltage
    min_voltage_v: CellVoltage
    reference_capacity_ah: float = Field(ge=0.1, le=2000, strict=True)
    """Capacity of the reference cell [Ah]: 0.1 Ah is below any cell in the tables' sources
    (PyBaMM parameter sets, 5-300 Ah cells); 2000 Ah above the largest prismatic cells."""
    specific_energy_wh_per_kg: float = Field(ge=10, le=1000, strict=True)
    """Cell specific energy [Wh/kg]: 10 is below lead-acid (30-40), 1000 above any lithium cell
    (about 300 today)."""
    ocv: OcvTable
    temperature_c: Floats
    resistance: ResistanceTable
    capacity_fraction: Floats
    max_charge_c_rate: Floats
    max_discharge_c_rate: Floats
    max_regen_c_rate: Floats | None = None
    """Short (about 10 s) charge-pulse limit for regenerative braking; without one, regen
    follows max_charge_c_rate."""
    charge_c_rate_map: ChargeMap | None = None
    """DC fast-charge map; without one, DC charging follows max_charge_c_rate at every SOC."""

    @field_validator("temperature_c")
    @classmethod
    def _temps(cls, v: Floats) -> Floats:
        _check_increasing(v, "temperature_c values")
        if v[0] < -80.0 or v[-1] > 100.0:
            raise ValueError(f"expected temperatures within -80..100 degC, got {v[0]}..{v[-1]}")
        return v

    @field_validator("capacity_fraction")
    @classmethod
    def _capfrac(cls, v: Floats) -> Floats:
        bad = [x for x in v if not 0.0 < x <= 1.2]
        if bad:
            raise ValueError(f"expected every value in (0, 1.2], got {bad[0]}")
        return v

    @field_validator("max_charge_c_rate", "max_discharge_c_rate", "max_regen_c_rate")
    @classmethod
    def _crate(cls, v: Floats | None) -> Floats | None:
        bad = [x for x in v or () if x < 0.0]
        if bad:
            raise ValueError(f"expected every value >= 0, got {bad[0]}")
        return v

    @model_validator(mode="after")
    def _consistent(self) -> Chemistry:
        # Messages start with the field path; the loader turns them into 'file: path: msg'.
        if not self.min_voltage_v < self.nominal_voltage_v < self.max_voltage_v:
            raise ValueError(
                "nominal_voltage_v: expected min_voltage_v < nominal_voltage_v < max_voltage_v, "
                f"got {self.min_voltage_v} / {self.nominal_voltage_v} / {self.max_voltage_v}"
            )
        n_ocv, n_socp = len(self.ocv.ocv_v), len(self.ocv.soc)
        if n_ocv != n_socp:
            raise ValueError(f"ocv.ocv_v: expected {n_socp} values (one per ocv.soc), got {n_ocv}")
        lo, hi = self.min_voltage_v - 0.5, self.max_voltage_v + 0.05
        if self.ocv.ocv_v[0] < lo or self.ocv.ocv_v[-1] > hi:
            raise ValueError(
                f"ocv.ocv_v: expected values within [{lo:g}, {hi:g}] V "
                f"(min_voltage_v - 0.5 .. max_voltage_v + 0.05), "
                f"got {self.ocv.ocv_v[0]}..{self.ocv.ocv_v[-1]}"
            )
        n_t, n_s = len(self.temperature_c), len(self.resistance.soc)
        for name in ("r0_ohm_ah", "r1_ohm_ah", "tau1_s"):
            rows = getattr(self.resistance, name)
            if len(rows) != n_t or any(len(r) != n_s for r in rows):
                shape = f"{len(rows)} rows of lengths {sorted({len(r) for r in rows})}"
                raise ValueError(
                    f"resistance.{name}: expected {n_t} rows (one per temperature_c) of "
                    f"{n_s} values (one per resistance.soc), got {shape}"
                )
        for name in (
            "capacity_fraction",
            "max_charge_c_rate",
            "max_discharge_c_rate",
            "max_regen_c_rate",
        ):
            values = getattr(self, name)
            if values is not None and len(values) != n_t:
                raise ValueError(
                    f"{name}: expected {n_t} values (one per temperature_c), got {len(values)}"
                )
        if self.max_regen_c_rate is not None:
            for t, pulse, sustained in zip(
                self.temperature_c, self.max_regen_c_rate, self.max_charge_c_rate, strict=True
            ):
                if pulse < sustained - 1e-9:
                    raise ValueError(
                        f"max_regen_c_rate: expected at least max_charge_c_rate at {t:g} C "
                        f"(a pulse limit is never below the sustained one), got {pulse:g} < "
                        f"{sustained:g}"
                    )
        if self.charge_c_rate_map is not None:
            cmap = self.charge_c_rate_map
            n_cs = len(cmap.soc)
            if len(cmap.c_rate) != n_t or any(len(r) != n_cs for r in cmap.c_rate):
                shape = (
                    f"{len(cmap.c_rate)} rows of lengths {sorted({len(r) for r in cmap.c_rate})}"
                )
                raise ValueError(
                    f"charge_c_rate_map.c_rate: expected {n_t} rows (one per temperature_c) of "
                    f"{n_cs} values (one per charge_c_rate_map.soc), got {shape}"
                )
            for i, (row, peak) in enumerate(zip(cmap.c_rate, self.max_charge_c_rate, strict=True)):
                if max(row) > peak + 1e-9:
                    raise ValueError(
                        f"charge_c_rate_map.c_rate: row {i} ({self.temperature_c[i]:g} C) "
                        f"exceeds max_charge_c_rate there ({max(row):g} > {peak:g}); the "
                        "temperature envelope is the map's ceiling"
                    )
        if 25.0 in self.temperature_c:
            cf25 = self.capacity_fraction[self.temperature_c.index(25.0)]
            if abs(cf25 - 1.0) > 1e-9:
                raise ValueError(f"capacity_fraction: expected 1.0 at 25 C (reference), got {cf25}")
        return self

    # ----------------------------------------------------------------- interpolation
    def ocv_at(self, soc: ArrayLike) -> NDArray[np.float64]:
        """Open-circuit voltage [V] at `soc` [-] (25 degC table; clamped to 0..1)."""
        return np.interp(np.asarray(soc, float), self.ocv.soc, self.ocv.ocv_v)

    def r0_at(self, temp_c: ArrayLike, soc: ArrayLike, capacity_ah: ArrayLike) -> NDArray:
        """Ohmic resistance [ohm] of a cell of `capacity_ah` [Ah] at `temp_c` [degC], `soc`."""
        return self._table_at(self.resistance.r0_ohm_ah, temp_c, soc) / np.asarray(capacity_ah)

    def r1_at(self, temp_c: ArrayLike, soc: ArrayLike, capacity_ah: ArrayLike) -> NDArray:
        """RC-pair resistance [ohm] of a cell of `capacity_ah` [Ah] at `temp_c` [degC], `soc`."""
        return self._table_at(self.resistance.r1_ohm_ah, temp_c, soc) / np.asarray(capacity_ah)

    def tau1_at(self, temp_c: ArrayLike, soc: ArrayLike) -> NDArray[np.float64]:
        """RC-pair time constant [s] at `temp_c` [degC], `soc` [-] (C1 = tau1 / R1)."""
        return self._table_at(self.resistance.tau1_s, temp_c, soc)

    def capacity_fraction_at(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        """Usable capacity relative to 25 degC [-] at `temp_c` [degC]."""
        return np.interp(np.asarray(temp_c, float), self.temperature_c, self.capacity_fraction)

    def max_charge_c_rate_at(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        """Allowed charge current [C = A/Ah] at `temp_c` [degC]; 0 where charging is barred."""
        return np.interp(np.asarray(temp_c, float), self.temperature_c, self.max_charge_c_rate)

    def max_regen_c_rate_at(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        """Allowed regenerative-braking pulse current [C = A/Ah] at `temp_c` [degC]: the
        short-pulse table, or max_charge_c_rate without one."""
        pulse = self.max_charge_c_rate if self.max_regen_c_rate is None else self.max_regen_c_rate
        return np.interp(np.asarray(temp_c, float), self.temperature_c, pulse)

    def charge_c_rate_map_at(self, temp_c: ArrayLike, soc: ArrayLike) -> NDArray[np.float64]:
        """Allowed DC charge current [C = A/Ah] at `temp_c` [degC] and `soc` [-], from the
        charge map (clamped at the grid ends), or the temperature envelope without one."""
        if self.charge_c_rate_map is None:
            t, _ = np.broadcast_arrays(np.asarray(temp_c, float), np.asarray(soc, float))
            return self.max_charge_c_rate_at(t)
        cmap = self.charge_c_rate_map
        return _bilinear(self.temperature_c, cmap.soc, cmap.c_rate, temp_c, soc)

    def max_discharge_c_rate_at(self, temp_c: ArrayLike) -> NDArray[np.float64]:
        """Allowed discharge current [C = A/Ah] at `temp_c` [degC]."""
        return np.interp(np.asarray(temp_c, float), self.temperature_c, self.max_discharge_c_rate)

    def resampled(self, soc_grid: ArrayLike, temp_grid: ArrayLike) -> dict[str, NDArray]:
        """All tables on caller-given grids (the kernel passes uniform ones).

        Returns `ocv_v` (n_soc,) [V]; `r0_ohm_ah`, `r1_ohm_ah` [ohm*Ah] and `tau1_s` [s] as
        (n_temp, n_soc); `capacity_fraction`, `max_charge_c_rate`, `max_discharge_c_rate`,
        `max_regen_c_rate` (n_temp,); `charge_c_rate_map` [C] as (n_temp, n_soc). Values
        outside the source grids are clamped (see module docstring).
        """
        s = np.asarray(soc_grid, dtype=float)
        t = np.asarray(temp_grid, dtype=float)
        if s.ndim != 1 or t.ndim != 1 or s.size == 0 or t.size == 0:
            raise ValueError("resampled: expected non-empty 1-D soc_grid and temp_grid")
        tt, ss = np.meshgrid(t, s, indexing="ij")
        res = self.resistance
        return {
            "ocv_v": self.ocv_at(s),
            "r0_ohm_ah": self._table_at(res.r0_ohm_ah, tt, ss),
            "r1_ohm_ah": self._table_at(res.r1_ohm_ah, tt, ss),
            "tau1_s": self._table_at(res.tau1_s, tt, ss),
            "capacity_fraction": self.capacity_fraction_at(t),
            "max_charge_c_rate": self.max_charge_c_rate_at(t),
            "max_discharge_c_rate": self.max_discharge_c_rate_at(t),
            "max_regen_c_rate": self.max_regen_c_rate_at(t),
            "charge_c_rate_map": self.charge_c_rate_map_at(tt, ss),
        }

    def _table_at(self, table: Table, temp_c: ArrayLike, soc: ArrayLike) -> NDArray[np.float64]:
        """Bilinear interpolation on (temperature_c, resistance.soc), clamped at the ends."""
        return _bilinear(self.temperature_c, self.resistance.soc, table, temp_c, soc)


def _bilinear(
    temps: Floats, socs: Floats, table: Table, temp_c: ArrayLike, soc: ArrayLike
) -> NDArray[np.float64]:
    """Bilinear interpolation of table[temperature, soc], clamped at the grid ends."""
    z = np.asarray(table, dtype=float)
    t, s = np.broadcast_arrays(np.asarray(temp_c, float), np.asarray(soc, float))
    it, ft = _locate(np.asarray(temps), t)
    js, fs = _locate(np.asarray(socs), s)
    return (
        z[it, js] * (1 - ft) * (1 - fs)
        + z[it + 1, js] * ft * (1 - fs)
        + z[it, js + 1] * (1 - ft) * fs
        + z[it + 1, js + 1] * ft * fs
    )


def _locate(grid: NDArray, x: NDArray) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """Cell index i and fraction f in [0, 1] of each x on `grid`, clamped to the grid ends."""
    xc = np.clip(x, grid[0], grid[-1])
    i = np.clip(np.searchsorted(grid, xc, side="right") - 1, 0, len(grid) - 2)
    f = (xc - grid[i]) / (grid[i + 1] - grid[i])
    return i, f
