"""Road grade from a logged elevation signal, by distance, robust to GPS noise and stops.

Per-sample grades of logged elevation are useless: GPS altitude jitters by metres, barometric or
fused signals lag, and the elevation keeps moving while the car stands (distance does not), so
rise over run explodes. Here the elevation is taken as a function of distance instead of time:

1. samples at the same travelled distance (the car standing) are merged into their mean;
2. the elevation is resampled on a uniform distance grid (GRID_M);
3. a running median over MEDIAN_WINDOW_M removes spikes and steps;
4. the grade is the mean slope over SLOPE_WINDOW_M (the rise across the window over its
   length), clipped to the physical range of roads (MAX_GRADE);
5. each time sample takes the grade at its distance.

The mean slope over a window keeps the net climb of the trip (the integral of the grade over
distance is the smoothed elevation change), so the grade's energy m g dh is kept.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import median_filter, uniform_filter1d

GRID_M = 10.0
"""Distance step of the resampled elevation profile [m]."""
MEDIAN_WINDOW_M = 50.0
"""Running-median window [m] against spikes and steps of the elevation signal."""
SLOPE_WINDOW_M = 200.0
"""Length over which the slope is averaged [m]: longer than GPS altitude noise and the lag of a
smoothed altitude signal at urban speeds, shorter than most hills."""
MAX_GRADE = 0.35
"""Steepest grade taken as real [rise/run]: Baldwin Street, Dunedin, at 34.8 % is recorded as
the steepest residential street (Guinness World Records, 2020); more is a signal error."""


def grade_from_elevation(distance_m: np.ndarray, elevation_m: np.ndarray) -> np.ndarray:
    """Grade [rise/run] at each sample from elevation [m] over travelled distance [m]
    (non-decreasing); see the module docstring for the method."""
    distance_m = np.asarray(distance_m, dtype=float)
    elevation_m = np.asarray(elevation_m, dtype=float)
    stations, inverse = np.unique(distance_m, return_inverse=True)
    if stations.size < 2 or stations[-1] - stations[0] < GRID_M:
        return np.zeros_like(distance_m)
    mean_elevation = np.bincount(inverse, weights=elevation_m) / np.bincount(inverse)
    n = int(np.floor((stations[-1] - stations[0]) / GRID_M)) + 1
    grid = stations[0] + GRID_M * np.arange(n)
    profile = np.interp(grid, stations, mean_elevation)
    profile = median_filter(profile, size=_points(MEDIAN_WINDOW_M), mode="nearest")
    slope = np.diff(profile) / GRID_M
    slope = uniform_filter1d(slope, size=_points(SLOPE_WINDOW_M), mode="constant")
    slope = np.clip(slope, -MAX_GRADE, MAX_GRADE)
    middles = grid[:-1] + 0.5 * GRID_M
    if slope.size == 1:
        return np.full_like(distance_m, slope[0])
    return np.interp(distance_m, middles, slope)


def _points(window_m: float) -> int:
    """Odd number of grid points that spans ``window_m`` [m]."""
    points = max(int(round(window_m / GRID_M)), 1)
    return points if points % 2 == 1 else points + 1
