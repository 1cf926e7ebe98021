"""Lidar return model: ray directions of a sensor's scan, the range law, noise and dropout.

The sensor files and their model (:class:`SensorSpec`: beam table, scan pattern, range at 10 %
reflectivity, noise figures, power) are vehicle hardware and live in :mod:`bevsim.spec.sensors`
(``spec/data/sensors/<id>.yaml``, every number cited in ``SOURCES.md`` there); they are
re-exported here. Everything returned here is SI (m, rad, s, W).

Return model (per ray that hits a surface at true range ``r`` [m] with reflectivity ``rho`` [-]
and incidence angle ``theta`` to the surface normal):

* lidar equation for an extended Lambertian target: received power ~ rho cos(theta) / r^2, so
  the range at which a target is still detected scales as
  ``r_max = r_10 * sqrt(rho cos(theta) / 0.10)``, capped at the instrument's ``max_range_m``;
* detection probability is ``1 - dropout`` up to ``(1 - taper) * r_max`` and falls to 0 at
  ``r_max`` with a half-cosine; beyond ``r_max`` nothing is returned;
* a returned range gets Gaussian noise ``N(0, sigma_m)`` along the ray (RGL/CARLA convention).
"""

from __future__ import annotations

import numpy as np

from bevsim.spec.sensors import SensorError, SensorSpec, list_sensors, load_sensor

__all__ = [
    "REFERENCE_REFLECTIVITY",
    "SensorError",
    "SensorSpec",
    "detection_probability",
    "list_sensors",
    "load_sensor",
    "max_range_m",
    "ray_table",
    "sample_returns",
]

REFERENCE_REFLECTIVITY = 0.10
"""Reflectivity at which lidar datasheets quote range [-] (10 % Lambertian target)."""


def ray_table(sensor: SensorSpec) -> tuple[np.ndarray, np.ndarray]:
    """Unit ray directions in the sensor frame (x forward, y left, z up) and their channel.

    Returns ``(directions[N, 3], channel[N])`` with N = channels x columns, column-major (all
    channels of the first column first), channel 0-based.
    """
    elev = sensor.elevations_rad()
    az = sensor.azimuths_rad()[:, None] + sensor.azimuth_offsets_rad()[None, :]
    el = np.broadcast_to(elev[None, :], az.shape)
    cos_el = np.cos(el)
    dirs = np.stack([cos_el * np.cos(az), cos_el * np.sin(az), np.sin(el)], axis=-1)
    channel = np.broadcast_to(np.arange(sensor.channels)[None, :], az.shape)
    return dirs.reshape(-1, 3), channel.reshape(-1).copy()


def max_range_m(
    range_at_10pct_m: np.ndarray | float,
    reflectivity: np.ndarray | float,
    cos_incidence: np.ndarray | float = 1.0,
    cap_m: float = np.inf,
) -> np.ndarray:
    """Largest range [m] at which a target is detected: ``r_10 sqrt(rho cos / 0.1)``, capped."""
    effective = np.clip(np.asarray(reflectivity) * np.asarray(cos_incidence), 0.0, None)
    return np.minimum(
        np.asarray(range_at_10pct_m) * np.sqrt(effective / REFERENCE_REFLECTIVITY), cap_m
    )


def detection_probability(
    range_m: np.ndarray | float,
    r_max_m: np.ndarray | float,
    dropout: float = 0.0,
    taper: float = 0.1,
) -> np.ndarray:
    """Probability [-] that a hit at ``range_m`` returns: flat, cosine taper, 0 past r_max."""
    r = np.asarray(range_m, dtype=float)
    r_max = np.asarray(r_max_m, dtype=float)
    start = (1.0 - taper) * r_max
    with np.errstate(divide="ignore", invalid="ignore"):
        u = np.clip((r - start) / (r_max - start), 0.0, 1.0)
    shape = 0.5 * (1.0 + np.cos(np.pi * u))
    shape = np.where(r > r_max, 0.0, np.where(r_max > 0, shape, 0.0))
    return (1.0 - dropout) * shape


def sample_returns(
    sensor: SensorSpec,
    range_m: np.ndarray,
    channel: np.ndarray,
    reflectivity: np.ndarray,
    cos_incidence: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply the return model to true hit ranges [m]; returns ``(kept mask, noisy range [m])``.

    Misses are ``inf`` in ``range_m`` and never kept. Ranges below ``min_range_m`` are dropped.
    """
    r10 = sensor.channel_range_at_10pct_m()[channel]
    r_max = max_range_m(r10, reflectivity, cos_incidence, sensor.max_range_m)
    finite = np.isfinite(range_m)
    p = np.zeros(range_m.shape)
    p[finite] = detection_probability(
        range_m[finite], r_max[finite], sensor.noise.dropout, sensor.noise.taper
    )
    kept = (rng.random(range_m.shape) < p) & (range_m >= sensor.min_range_m)
    noisy = range_m + rng.normal(0.0, sensor.noise.range_sigma_m, range_m.shape)
    return kept, noisy
