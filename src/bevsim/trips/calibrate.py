"""Calibrate a vehicle to logged trips: a bounded least-squares fit of a few named physical
parameters to the measured pack energy, with a k-fold split over trips.

A parameter is named by its path in the vehicle file (``accessories.base_power_w``). Only the
paths of FIT_BOUNDS can be fitted: each has physical bounds with their source, and the fit never
leaves them. The residuals are, per trip, the predicted minus measured cumulative pack energy at
CHECKPOINTS of the trip's duration over the trip's measured energy: the end point is the trip's
energy error, the others carry the shape of the power trace (where the energy went in time).
scipy.optimize.least_squares (trust region reflective) fits the parameters scaled to 0..1 within
their bounds; the Jacobian's finite differences run as one batch of variants per trip.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from bevsim.errors import BevsimError, did_you_mean
from bevsim.spec import VehicleSpec, vehicle_from_dict
from bevsim.trips.model import J_PER_KWH, Trip
from bevsim.trips.replay import ReplayOptions, TripRun, prepare, run_trip

FIT_BOUNDS: dict[str, tuple[float, float, str]] = {
    "accessories.base_power_w": (
        100.0,
        1500.0,
        "12 V loads: 100 W (minimal electronics) to 1.5 kW (all consumers on) [bounds a "
        "judgement]; the TUM BMW i3 data set measures 0.27-0.70 kW at standstill (its README)",
    ),
    "tires.rolling_resistance_coefficient": (
        0.005,
        0.015,
        "EU tyre label (Regulation (EU) 2020/740) C1 classes A (<= 6.5 N/kN) to E (> 10.5 N/kN); "
        "the upper 15 N/kN for winter tyres, low pressure or wet roads [judgement]",
    ),
    "mass.rotating_equivalent_kg": (
        0.0,
        130.0,
        "equivalent mass of wheels, tires, rotor and gears: 0 to 10 % of a 1.3 t car "
        "(Gillespie, Fundamentals of Vehicle Dynamics (1992), eq. 2-7: mass factor 1.03-1.05 in "
        "high gear; the upper bound, for a high-ratio single-speed drive, a judgement)",
    ),
    "body.drag_coefficient": (
        0.20,
        0.40,
        "production passenger cars, Cd 0.20 (most streamlined) to 0.40 (boxy vans) [judgement]",
    ),
    "drive.driveline_efficiency": (
        0.85,
        0.99,
        "single-speed reduction gear and shafts, 0.85 (cold oil) to 0.99 [judgement; the "
        "library's class-typical value is 0.96-0.98, vehicles/SOURCES.md]",
    ),
    "thermal.cabin_conductance_w_per_k": (
        20.0,
        220.0,
        "cabin shell conductance: docs/research/winter.md, 50 W/K parked with the fan off "
        "(library default) to 200-213 W/K (FASTSim's stopped and moving limits); 20 W/K below "
        "any of them",
    ),
    "thermal.cabin_ventilation_w_per_k": (
        0.0,
        150.0,
        "fresh-air conductance: 0 (full recirculation) to about twice MAHLE's 68 W/K for a "
        "compact car (docs/research/winter.md; the library default is 60 W/K)",
    ),
    "thermal.cabin_internal_gain_w": (
        0.0,
        1000.0,
        "occupants (about 100 W each [unverified]), electronics and sun through the glazing "
        "(about 640 W at the SC03 test's 850 W/m^2, procedures.five_cycle SOLAR_APERTURE_M2)",
    ),
}
"""The parameters a calibration may fit: (lower, upper bound, the bounds' source)."""
CHECKPOINTS = (0.25, 0.5, 0.75, 1.0)
"""Shares of a trip's duration at which the cumulative pack energy is compared."""
FD_STEP = 1e-3
"""Forward-difference step on the 0..1 scale of each parameter."""
DEFAULT_FOLDS = 5


@dataclass(frozen=True)
class Fit:
    """A fitted parameter set: values by path, the residual cost, and the energy error [%] of
    each fitted trip."""

    values: dict[str, float]
    cost: float
    errors_pct: dict[str, float]


@dataclass(frozen=True)
class Calibration:
    """The fit on all trips, and per trip the held-out error [%] of the fold that left it out."""

    fit: Fit
    held_out_pct: dict[str, float]
    folds: list[list[str]]
    paths: tuple[str, ...]


def parse_paths(text: str) -> tuple[str, ...]:
    """``a.b,c.d`` as a tuple of known fit paths (refused with a did-you-mean otherwise)."""
    paths = tuple(p.strip() for p in text.split(",") if p.strip())
    if not paths:
        raise BevsimError("--fit: expected one or more comma-separated parameter paths")
    for path in paths:
        if path not in FIT_BOUNDS:
            raise BevsimError(
                f"--fit: unknown parameter '{path}';{did_you_mean(path, list(FIT_BOUNDS))} "
                f"known: {', '.join(FIT_BOUNDS)}"
            )
    if len(set(paths)) != len(paths):
        raise BevsimError("--fit: a parameter is named twice")
    return paths


def with_values(spec: VehicleSpec, values: dict[str, float]) -> VehicleSpec:
    """The vehicle with the fields at ``values``' paths set (validated as a vehicle file)."""
    data = spec.model_dump(exclude_none=True)
    for path, value in values.items():
        node = data
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = float(value)
    return vehicle_from_dict(data, source=f"{spec.id} (calibration)")


class _Problem:
    """The residuals of a parameter vector on the prepared trips, batched over variants."""

    def __init__(self, spec: VehicleSpec, runs: Sequence[TripRun], paths: tuple[str, ...]):
        self.spec, self.runs, self.paths = spec, list(runs), paths
        self.lo = np.array([FIT_BOUNDS[p][0] for p in paths])
        self.hi = np.array([FIT_BOUNDS[p][1] for p in paths])
        self.targets = [_checkpoints_measured(run) for run in self.runs]

    def values(self, z: np.ndarray) -> dict[str, float]:
        x = self.lo + np.clip(z, 0.0, 1.0) * (self.hi - self.lo)
        return dict(zip(self.paths, x.tolist(), strict=True))

    def residuals_many(self, zs: Sequence[np.ndarray]) -> np.ndarray:
        """[len(zs), trips x checkpoints] residuals, each trip run once for all variants."""
        specs = [with_values(self.spec, self.values(z)) for z in zs]
        out = np.empty((len(zs), len(self.runs) * len(CHECKPOINTS)))
        for j, (run, (times, measured, total)) in enumerate(
            zip(self.runs, self.targets, strict=True)
        ):
            batch = run_trip(specs, run, traces=True)
            dt = np.diff(run.cycle.time_s, prepend=run.cycle.time_s[0])
            power = batch.trace("battery_power_w")
            cumulative = np.cumsum(power * dt, axis=1) / J_PER_KWH
            predicted = np.stack([np.interp(times, run.cycle.time_s, c) for c in cumulative])
            cols = slice(j * len(CHECKPOINTS), (j + 1) * len(CHECKPOINTS))
            out[:, cols] = (predicted - measured) / total
        return out

    def errors_pct(self, z: np.ndarray) -> dict[str, float]:
        end = self.residuals_many([z])[0][len(CHECKPOINTS) - 1 :: len(CHECKPOINTS)]
        return {run.trip.name: 100.0 * float(e) for run, e in zip(self.runs, end, strict=True)}


def _checkpoints_measured(run: TripRun) -> tuple[np.ndarray, np.ndarray, float]:
    power = run.trip.measured_power_w()
    if power is None:
        raise BevsimError(f"{run.trip.source}: calibration needs measured pack power or V and I")
    time_s = run.cycle.time_s
    steps = 0.5 * (power[1:] + power[:-1]) * np.diff(time_s)
    cumulative = np.concatenate([[0.0], np.cumsum(steps)]) / J_PER_KWH
    times = np.array(CHECKPOINTS) * time_s[-1]
    total = float(cumulative[-1])
    if abs(total) < 0.05:
        raise BevsimError(f"{run.trip.source}: measured pack energy {total:.3f} kWh is too small")
    return times, np.interp(times, time_s, cumulative), abs(total)


def fit(spec: VehicleSpec, runs: Sequence[TripRun], paths: tuple[str, ...]) -> Fit:
    """Bounded least-squares fit of ``paths`` to the prepared trips, from the vehicle's own
    values (clipped into the bounds)."""
    problem = _Problem(spec, runs, paths)
    start = np.array([_current(spec, p) for p in paths])
    z0 = np.clip((start - problem.lo) / (problem.hi - problem.lo), 0.0, 1.0)

    def residuals(z):
        return problem.residuals_many([z])[0]

    def jacobian(z):
        # forward differences, backward where the step would leave the upper bound
        h = np.where(z + FD_STEP <= 1.0, FD_STEP, -FD_STEP)
        rows = problem.residuals_many([z, *(z + np.diag(h))])
        return ((rows[1:] - rows[0]) / h[:, None]).T

    result = least_squares(residuals, z0, jac=jacobian, bounds=(0.0, 1.0), x_scale=1.0, max_nfev=40)
    values = problem.values(result.x)
    return Fit(values, float(result.cost), problem.errors_pct(result.x))


def _current(spec: VehicleSpec, path: str) -> float:
    """The vehicle's value at ``path``; an optional field left out takes its default."""
    if path == "mass.rotating_equivalent_kg":
        return spec.mass.rotating_kg
    if path == "accessories.base_power_w":
        return spec.accessories.driving_power_w
    node = spec.model_dump()
    for key in path.split("."):
        node = node[key]
    return float(node)


def folds_of(trips: Sequence[Trip], k: int) -> list[list[int]]:
    """k folds of trip indices, each season dealt round-robin in name order so that every fold
    holds both seasons where it can."""
    order = sorted(range(len(trips)), key=lambda i: (trips[i].metadata.season or "", trips[i].name))
    folds: list[list[int]] = [[] for _ in range(k)]
    for n, i in enumerate(order):
        folds[n % k].append(i)
    return [f for f in folds if f]


def calibrate(
    spec: VehicleSpec,
    trips: Sequence[Trip],
    paths: tuple[str, ...],
    k: int = DEFAULT_FOLDS,
    options: ReplayOptions | None = None,
    progress: Callable[[], None] | None = None,
) -> Calibration:
    """Fit on all trips; for each of k folds, fit on the others and predict the fold's trips."""
    if len(trips) < 2:
        raise BevsimError("calibrate: need at least 2 trips (a k-fold split needs held-out trips)")
    k = max(2, min(k, len(trips)))
    runs = [prepare(t, options or ReplayOptions()) for t in trips]
    folds = folds_of(trips, k)
    held_out: dict[str, float] = {}
    for fold in folds:
        train = [runs[i] for i in range(len(runs)) if i not in fold]
        fold_fit = fit(spec, train, paths)
        tuned = with_values(spec, fold_fit.values)
        held_out.update(_Problem(tuned, [runs[i] for i in fold], ()).errors_pct(np.empty(0)))
        if progress:
            progress()
    full = fit(spec, runs, paths)
    if progress:
        progress()
    names = [[trips[i].name for i in fold] for fold in folds]
    return Calibration(full, held_out, names, paths)
