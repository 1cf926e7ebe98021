"""A motor's losses on the kernel's per-unit grid: the table every drive unit is run from.

Per-unit speed and torque are fractions of the unit's max speed and peak torque; per-unit loss
is a fraction of peak torque x max speed. The engine stacks these maps (engine/tables.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bevsim.spec.motor_map import EfficiencyMap

MAP_GRID = np.linspace(0.0, 1.0, 101)
"""The per-unit speed and |torque| grid of every loss map [-]."""


@dataclass(frozen=True)
class LossMap:
    """A per-unit loss map already on the kernel grid: [motoring|generating, speed, |torque|]."""

    loss_pu: np.ndarray


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
