"""Shared lookup tables on uniform grids: motor loss maps and cell chemistries.

Variants refer to them by index (``motor_map_index``, ``chemistry_index``), so a million variants
share a handful of tables. Uniform grids make each lookup two multiplies and a gather.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

import numpy as np

from bevsim.chemistry import Chemistry
from bevsim.spec.motor_map import EfficiencyMap

SOC_GRID = np.linspace(0.0, 1.0, 101)
TEMP_GRID_LO_C = -40.0
TEMP_GRID_HI_C = 60.0
TEMP_GRID_STEP_C = 5.0
TEMP_GRID_C = np.arange(TEMP_GRID_LO_C, TEMP_GRID_HI_C + 1e-9, TEMP_GRID_STEP_C)
"""The chemistry tables' cell-temperature grid [degC] (uniform: the kernel finds a temperature's
cell from TEMP_GRID_LO_C and TEMP_GRID_STEP_C)."""
MAP_GRID = np.linspace(0.0, 1.0, 101)


@dataclass(frozen=True)
class LossMap:
    """A per-unit loss map already on the kernel grid: [motoring|generating, speed, |torque|]."""

    loss_pu: np.ndarray


class Tables(NamedTuple):
    """Stacked tables: motor loss maps [n_maps, speed, torque], chemistry tables [n_chem, ...]."""

    motor_loss_pu: np.ndarray  # [n_maps, motoring|generating, speed, |torque|], per-unit loss
    ocv_v: np.ndarray  # [n_chem, soc]
    r0_ohm_ah: np.ndarray  # [n_chem, temp, soc]
    r1_ohm_ah: np.ndarray
    tau1_s: np.ndarray
    max_charge_c_rate: np.ndarray  # [n_chem, temp]
    max_discharge_c_rate: np.ndarray
    max_regen_c_rate: np.ndarray
    min_voltage_v: np.ndarray  # [n_chem]
    max_voltage_v: np.ndarray
    charge_c_rate_map: np.ndarray  # [n_chem, temp, soc], allowed DC charge C-rate


def build_tables(maps: list[EfficiencyMap | LossMap], chemistries: list[Chemistry]) -> Tables:
    """Resample the given (normalised) efficiency maps, or take the given loss maps, and the
    chemistries onto the kernel grids."""
    chem = [c.resampled(SOC_GRID, TEMP_GRID_C) for c in chemistries]
    return Tables(
        motor_loss_pu=np.stack(
            [m.loss_pu if isinstance(m, LossMap) else loss_map(m) for m in maps]
        ),
        ocv_v=np.stack([c["ocv_v"] for c in chem]),
        r0_ohm_ah=np.stack([c["r0_ohm_ah"] for c in chem]),
        r1_ohm_ah=np.stack([c["r1_ohm_ah"] for c in chem]),
        tau1_s=np.stack([c["tau1_s"] for c in chem]),
        max_charge_c_rate=np.stack([c["max_charge_c_rate"] for c in chem]),
        max_discharge_c_rate=np.stack([c["max_discharge_c_rate"] for c in chem]),
        max_regen_c_rate=np.stack([c["max_regen_c_rate"] for c in chem]),
        min_voltage_v=np.array([c.min_voltage_v for c in chemistries]),
        max_voltage_v=np.array([c.max_voltage_v for c in chemistries]),
        charge_c_rate_map=np.stack([c["charge_c_rate_map"] for c in chem]),
    )


def _per_unit_loss(source: EfficiencyMap | LossMap) -> np.ndarray:
    return source.loss_pu if isinstance(source, LossMap) else loss_map(source)


def loss_map(eff_map: EfficiencyMap) -> np.ndarray:
    """Per-unit loss [2, MAP_GRID, MAP_GRID] (motoring, generating) from a normalised map.

    Per-unit power P = s |t| (of peak torque x max speed). Motoring loss = P (1/eta - 1);
    generating loss = P (1 - eta), from the map's negative-torque rows or, without them, from
    the motoring efficiencies mirrored. Losses are smooth (copper ~ t^2, iron ~ s, s^2), so they
    interpolate well where efficiency does not (it falls to zero with power). Beyond the map's
    points the loss is extended linearly along each axis and floored at zero.
    """
    if eff_map.absolute:
        raise ValueError("loss_map needs a normalised map; call EfficiencyMap.normalised first")
    motoring = eff_map.torque >= 0
    generating = eff_map.torque <= 0 if (eff_map.torque < 0).any() else motoring
    quadrants = []
    for cols, factor in ((motoring, _motoring_loss_factor), (generating, _generating_loss_factor)):
        t = np.abs(eff_map.torque[cols])
        order = np.argsort(t)
        quadrants.append(
            _loss_quadrant(eff_map.speed, t[order], eff_map.efficiency[:, cols][:, order], factor)
        )
    return np.stack(quadrants)


def _motoring_loss_factor(eff: np.ndarray) -> np.ndarray:
    return 1.0 / eff - 1.0


def _generating_loss_factor(eff: np.ndarray) -> np.ndarray:
    return 1.0 - eff


def _loss_quadrant(s: np.ndarray, t: np.ndarray, eff: np.ndarray, factor) -> np.ndarray:
    power = np.outer(s, t)
    loss = np.where(power > 0, power * factor(eff), np.nan)
    loss = _fill_zero_power(loss, s, t)
    along_t = np.array([_interp_linear_extrap(MAP_GRID, t, row) for row in loss])
    grid = np.array([_interp_linear_extrap(MAP_GRID, s, col) for col in along_t.T]).T
    return np.maximum(grid, 0.0)


def _fill_zero_power(loss: np.ndarray, s: np.ndarray, t: np.ndarray) -> np.ndarray:
    """Replace NaN (zero-power points on the s=0 or t=0 lines) by linear extrapolation."""
    out = loss.copy()
    for i in range(out.shape[0]):
        ok = ~np.isnan(out[i])
        if ok.sum() >= 2 and not ok.all():
            out[i, ~ok] = _interp_linear_extrap(t[~ok], t[ok], out[i, ok])
    for j in range(out.shape[1]):
        ok = ~np.isnan(out[:, j])
        if ok.sum() >= 2 and not ok.all():
            out[~ok, j] = _interp_linear_extrap(s[~ok], s[ok], out[ok, j])
    return np.nan_to_num(out, nan=0.0)


def _interp_linear_extrap(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """np.interp, but extended linearly beyond the end points instead of held flat."""
    y = np.interp(x, xp, fp)
    lo, hi = x < xp[0], x > xp[-1]
    if lo.any():
        y[lo] = fp[0] + (x[lo] - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0])
    if hi.any():
        y[hi] = fp[-1] + (x[hi] - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    return y
