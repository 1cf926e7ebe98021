"""Closed-loop ADAS scenarios: Euro NCAP AEB car-to-car rear (CCRs/CCRm/CCRb) and ACC following.

:func:`run_scenario` runs every case of a scenario (:mod:`bevsim.autonomy.scenario_specs`)
with a vehicle: each case is a world (:mod:`bevsim.autonomy.world`) driven closed loop at
20 Hz (:mod:`bevsim.autonomy.closed_loop`), a CCR test matrix scored by the protocol
(:mod:`bevsim.autonomy.ccr`) or an ACC drive (:mod:`bevsim.autonomy.acc`).

Units: lengths [m], speeds [m/s] inside (km/h in files and reports where the name says so),
times [s], accelerations [m/s^2].
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from bevsim.autonomy._io import library_ids, load_mapping, validate
from bevsim.autonomy.acc import acc_metrics, acc_world, check_acc_start
from bevsim.autonomy.ccr import ccr_cases, run_ccr_case
from bevsim.autonomy.closed_loop import CaseRun, IdealLead, LidarLead, run_closed_loop
from bevsim.autonomy.controllers import AccSettings
from bevsim.autonomy.scenario_specs import AccScenario, CcrScenario, ScenarioError, ScenarioSpec
from bevsim.autonomy.sensors import SensorSpec, load_sensor
from bevsim.autonomy.vehicle import DEFAULT_DT_S, LongitudinalVehicle
from bevsim.errors import did_you_mean
from bevsim.spec import VehicleSpec, load_vehicle
from bevsim.units import KMH_PER_MPS

PERCEPTION_MODES = ("lidar", "ideal")


def list_scenarios() -> list[str]:
    """Ids of the scenarios shipped with bevsim."""
    return library_ids("scenarios")


def load_scenario(ref: str | Path | ScenarioSpec) -> ScenarioSpec:
    """A shipped scenario by id or a scenario YAML file; :class:`ScenarioError` when invalid."""
    if isinstance(ref, CcrScenario | AccScenario):
        return ref
    data, source = load_mapping(ref, "scenarios", ScenarioError)
    model = {"ccr": CcrScenario, "acc": AccScenario}.get(data.get("kind"))
    if model is None:
        raise ScenarioError(f"{source}: kind: expected 'ccr' or 'acc' (got {data.get('kind')!r})")
    scenario = validate(model, data, source, ScenarioError)
    if isinstance(scenario, AccScenario):
        check_acc_start(scenario)
    return scenario


@dataclass
class ScenarioResult:
    """Per-case records (flat dicts, units in the keys) and the runs behind them."""

    scenario: ScenarioSpec
    vehicle_id: str
    perception: str
    records: list[dict]
    runs: list[CaseRun]


def run_scenario(
    vehicle: str | Path | VehicleSpec,
    scenario: str | Path | ScenarioSpec,
    speeds_kmh: list[float] | None = None,
    perception: str = "lidar",
    sensor: str | SensorSpec | None = None,
    seed: int = 0,
    dt_s: float = DEFAULT_DT_S,
    jobs: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> ScenarioResult:
    """Run every case of a scenario with a vehicle; one record per case (see the docstring).

    ``perception``: ``"lidar"`` (ray-cast frames of the vehicle's lidar, or ``sensor``) or
    ``"ideal"``; ``jobs`` > 1 runs the cases of a matrix in that many processes;
    ``progress(done, total)`` is called as cases finish.
    """
    spec = load_vehicle(vehicle)
    scn = load_scenario(scenario)
    if perception not in PERCEPTION_MODES:
        raise ScenarioError(
            f"unknown perception '{perception}';{did_you_mean(perception, list(PERCEPTION_MODES))}"
            f" known: {', '.join(PERCEPTION_MODES)}"
        )
    lidar = _sensor_for(spec, sensor) if perception == "lidar" else None
    frame_period = lidar.frame_period_s if lidar is not None else 0.1
    if isinstance(scn, AccScenario):
        if speeds_kmh is not None:
            raise ScenarioError(f"--speeds: scenario '{scn.id}' is an ACC drive, not a matrix")
        world = acc_world(scn)
        car = LongitudinalVehicle(spec, scn.ego.speed_kmh / KMH_PER_MPS, dt_s)
        settings = AccSettings(
            set_speed_mps=scn.acc.set_speed_kmh / KMH_PER_MPS,
            time_gap_s=scn.acc.time_gap_s,
            standstill_m=scn.acc.standstill_m,
        )
        sense = LidarLead(lidar, world, seed) if lidar is not None else IdealLead(world)
        run = run_closed_loop(
            car, world, sense, frame_period, scn.duration_s, settings, None, scn.id
        )
        record = {
            "scenario": scn.id,
            "vehicle_id": spec.id,
            "case": scn.id,
            **acc_metrics(run, settings),
        }
        return ScenarioResult(scn, spec.id, perception, [record], [run])
    cases = ccr_cases(scn, speeds_kmh)
    args = [(spec, scn, case, lidar, seed, dt_s, frame_period) for case in cases]
    if jobs > 1 and len(cases) > 1:
        from concurrent.futures import ProcessPoolExecutor

        with ProcessPoolExecutor(max_workers=min(jobs, len(cases))) as pool:
            done = _reported(pool.map(run_ccr_case, args), len(cases), progress)
    else:
        done = _reported(map(run_ccr_case, args), len(cases), progress)
    records = [rec for rec, _ in done]
    runs = [run for _, run in done]
    return ScenarioResult(scn, spec.id, perception, records, runs)


def _reported(results: Iterable, total: int, progress: Callable[[int, int], None] | None):
    """The results as a list, calling ``progress(done, total)`` after each."""
    done = []
    for result in results:
        done.append(result)
        if progress is not None:
            progress(len(done), total)
    return done


def _sensor_for(spec: VehicleSpec, sensor: str | SensorSpec | None) -> SensorSpec:
    if sensor is not None:
        return load_sensor(sensor)
    lidar = spec.autonomy.lidar if spec.autonomy is not None else None
    if lidar is None:
        raise ScenarioError(
            f"vehicle '{spec.id}' has no lidar (autonomy.lidar); give a sensor or use "
            "perception 'ideal'"
        )
    return load_sensor(lidar)
