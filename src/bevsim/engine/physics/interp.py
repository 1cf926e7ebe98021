"""Interpolation on the uniform grids of the engine's look-up tables (engine/tables.py)."""

from __future__ import annotations

from numba import njit


@njit(cache=True, error_model="numpy", inline="always")
def grid_pos(x, lo, inv_step, n_cells):
    """Cell index and fraction of x on a uniform grid lo + k / inv_step, k = 0..n_cells
    (clamped to the grid); x and lo in the grid's unit, inv_step in 1 / that unit."""
    pos = (x - lo) * inv_step
    pos = min(max(pos, 0.0), float(n_cells))
    i = min(int(pos), n_cells - 1)
    return i, pos - i


@njit(cache=True, error_model="numpy", inline="always")
def mix(a, b, f):
    """a and b mixed at fraction f [-] (linear interpolation between two values)."""
    return a * (1.0 - f) + b * f


@njit(cache=True, error_model="numpy", inline="always")
def lerp(table, i, f):
    """Linear interpolation in a 1-D table at cell i, fraction f [-]."""
    return mix(table[i], table[i + 1], f)


@njit(cache=True, error_model="numpy", inline="always")
def bilerp(table, i, f, j, g):
    """Bilinear interpolation in a 2-D table at cells (i, j), fractions (f, g) [-]."""
    lo = mix(table[i, j], table[i, j + 1], g)
    return mix(lo, mix(table[i + 1, j], table[i + 1, j + 1], g), f)
