"""Closed-loop ADAS scenarios: Euro NCAP AEB car-to-car rear (CCRs/CCRm/CCRb) and ACC following.

A scenario file (``data/scenarios/<id>.yaml``) is either a ``ccr`` test matrix (ego speeds x
target speed/deceleration/headway x lateral offsets, with the protocol's scoring bands) or an
``acc`` drive (road, ego, ACC settings, actors with timed events: speed changes and lane
changes). Each case runs closed loop at 20 Hz:

1. every lidar frame (10 Hz for the AT128) the scene is ray cast at the current poses
   (:func:`bevsim.autonomy.raycast.simulate_frame`) and the perception pipeline
   (:mod:`bevsim.autonomy.perception`) measures and tracks the lead's distance and closing
   speed from the points alone (``perception="ideal"`` samples the truth at the same rate);
2. between frames the estimate is carried forward at its closing speed;
3. the controllers (:mod:`bevsim.autonomy.controllers`) turn it into an acceleration request,
   lagged by the brake actuator, and :class:`bevsim.autonomy.vehicle.LongitudinalVehicle`
   drives the kernel one interval;
4. the actors move on their scripted motion; contact is a closing bumper gap <= 0 with the
   bodies overlapping laterally.

Scoring (``ccr``): Euro NCAP AEB C2C v3.0.2 section 6.1.3 as implemented in
BeamNG/BeamNG_NCAP_Tests (``scenarios.py``, classes CCRS/CCRM/CCRB; autonomy.md D.2): the
relative impact speed earns the points of the highest band it is below (e.g. CCRs at 50 km/h:
< 40 km/h 0.25, < 30 0.5, < 15 0.75, < 5 1.0); avoidance earns full points. A case **passes**
when it earns full points (avoided, or an impact below the lowest band).

Units: lengths [m], speeds [m/s] inside (km/h in files and reports where the name says so),
times [s], accelerations [m/s^2].
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from bevsim.autonomy._io import library_ids, load_mapping, validate
from bevsim.autonomy.controllers import (
    AccController,
    AccSettings,
    AebController,
    BrakeActuator,
    LeadEstimate,
    extrapolate,
)
from bevsim.autonomy.perception import LeadTracker, detect, fit_ground, lead_measurement
from bevsim.autonomy.raycast import FrameCaster
from bevsim.autonomy.scenes import (
    DEFAULT_SENSOR_HEIGHT_M,
    Ego,
    Motion,
    Road,
    Scene,
    SceneError,
    SceneObject,
    Start,
    check_scene,
)
from bevsim.autonomy.sensors import SensorSpec, load_sensor
from bevsim.autonomy.vehicle import DEFAULT_DT_S, LongitudinalVehicle
from bevsim.errors import BevsimError, did_you_mean
from bevsim.spec import VehicleSpec, load_vehicle
from bevsim.units import KMH_PER_MPS

PERCEPTION_MODES = ("lidar", "ideal")
CRUISE_GAIN_PER_S = 0.5
"""The CCR driver model: holds the test speed with this speed gain [1/s] (no driver braking,
as the protocol requires); only AEB brakes."""
CCR_MAX_DURATION_S = 20.0


class ScenarioError(BevsimError):
    """A scenario id, scenario file or scenario option is invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreBand(_Strict):
    """Points by relative impact speed at one ego speed: below thresholds_kmh[i] -> scores[i]."""

    ego_kmh: float = Field(gt=0, le=250)
    thresholds_kmh: list[PositiveFloat] = Field(min_length=1)
    scores: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _paired(self) -> Self:
        if len(self.thresholds_kmh) != len(self.scores):
            raise ValueError("thresholds_kmh and scores must have the same length")
        return self

    def points(self, impact_kmh: float) -> float:
        """Points [0..1] for a relative impact speed [km/h] (0 = avoided)."""
        score = 0.0
        for threshold, value in zip(self.thresholds_kmh, self.scores, strict=True):
            if impact_kmh < threshold:
                score = max(score, value)
        return score


class TargetBox(_Strict):
    """The target vehicle: a box [m] with a lidar reflectivity [-]."""

    kind: Literal["car", "truck", "box"] = "car"
    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.5, 1.8, 1.45)
    reflectivity: float = Field(default=0.3, gt=0, le=1)


class EgoGeometry(_Strict):
    """The ego's box [m] and its roof sensor mount: height [m], forward of the centre [m]."""

    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.7, 1.9, 1.45)
    sensor_height_m: float = Field(default=DEFAULT_SENSOR_HEIGHT_M, gt=0.3, le=5)
    sensor_forward_m: float = Field(default=0.3, ge=-3, le=3)


class CcrScenario(_Strict):
    """A Euro NCAP car-to-car rear test matrix (see the module docstring)."""

    id: str = Field(min_length=1)
    kind: Literal["ccr"]
    description: str = ""
    protocol: str = ""
    ego_speeds_kmh: list[PositiveFloat] = Field(min_length=1)
    target_speed_kmh: float = Field(ge=0, le=200)
    target_decels_mps2: list[float] = [0.0]
    headways_m: list[PositiveFloat] | None = None
    offsets_pct: list[float] = [0.0]
    start_ttc_s: PositiveFloat = 4.0
    lead_in_s: float = Field(default=1.0, ge=0, le=10)
    target: TargetBox = TargetBox()
    ego: EgoGeometry = EgoGeometry()
    lane_width_m: float = Field(default=3.5, ge=2.5, le=5)
    scoring: list[ScoreBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for off in self.offsets_pct:
            if not -100 < off < 100:
                raise ValueError(f"offsets_pct: {off} outside -100..100 (no overlap)")
        for d in self.target_decels_mps2:
            if not 0 <= d <= 12:
                raise ValueError(f"target_decels_mps2: {d} outside 0..12 m/s^2")
        return self

    def band(self, ego_kmh: float) -> ScoreBand:
        """The scoring band for an ego speed [km/h]: the listed speed at or below it."""
        bands = sorted(self.scoring, key=lambda b: b.ego_kmh)
        below = [b for b in bands if b.ego_kmh <= ego_kmh + 1e-9]
        return below[-1] if below else bands[0]


class Event(_Strict):
    """At ``at_s`` [s]: accelerate at ``accel_mps2`` until ``until_kmh``, or change lane."""

    at_s: float = Field(ge=0)
    accel_mps2: float | None = Field(default=None, ge=-10, le=5)
    until_kmh: float | None = Field(default=None, ge=0, le=250)
    lane_change_to: PositiveInt | None = None
    duration_s: PositiveFloat = 3.0

    @model_validator(mode="after")
    def _one(self) -> Self:
        speed = self.accel_mps2 is not None
        if speed == (self.lane_change_to is not None):
            raise ValueError("give either accel_mps2 (+ until_kmh) or lane_change_to")
        if speed and (self.until_kmh is None or self.accel_mps2 == 0):
            raise ValueError("accel_mps2 needs a non-zero value and until_kmh")
        return self


class Actor(_Strict):
    """A scripted road user: box, lane, start centre x [m], speed [km/h] and events."""

    id: str = Field(min_length=1)
    kind: Literal["car", "truck", "box"] = "car"
    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.5, 1.8, 1.45)
    reflectivity: float = Field(default=0.3, gt=0, le=1)
    lane: PositiveInt = 1
    x_m: float
    speed_kmh: float = Field(ge=0, le=250)
    events: list[Event] = []


class AccRoad(_Strict):
    """Road of an ACC drive: lanes, lane width [m], guardrails."""

    lanes: PositiveInt = Field(default=2, le=6)
    lane_width_m: float = Field(default=3.5, ge=2.5, le=5)
    guardrails: bool = True


class AccEgo(EgoGeometry):
    """The ACC ego: start speed [km/h] and lane."""

    speed_kmh: float = Field(ge=0, le=250)
    lane: PositiveInt = 1


class AccOptions(_Strict):
    """ACC settings: set speed [km/h], time gap [s], standstill distance [m]."""

    set_speed_kmh: float = Field(gt=0, le=250)
    time_gap_s: float = Field(default=1.8, ge=0.8, le=3.0)
    standstill_m: float = Field(default=4.0, ge=1, le=10)


class AccScenario(_Strict):
    """An ACC drive with scripted actors (see the module docstring)."""

    id: str = Field(min_length=1)
    kind: Literal["acc"]
    description: str = ""
    duration_s: float = Field(gt=0, le=600)
    road: AccRoad = AccRoad()
    ego: AccEgo
    acc: AccOptions
    objects: list[Actor] = []

    @model_validator(mode="after")
    def _lanes(self) -> Self:
        lanes = [self.ego.lane] + [a.lane for a in self.objects]
        lanes += [e.lane_change_to for a in self.objects for e in a.events if e.lane_change_to]
        if max(lanes) > self.road.lanes:
            raise ValueError(f"a lane number exceeds the road's {self.road.lanes} lanes")
        ids = [a.id for a in self.objects]
        if len(set(ids)) != len(ids) or "ego" in ids:
            raise ValueError("object ids must be unique and not 'ego'")
        return self


ScenarioSpec = CcrScenario | AccScenario


# ---------------------------------------------------------------------------- loading


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
        _check_start(scenario)
    return scenario


def parse_speeds(text: str) -> list[float]:
    """``"10:50:5"`` (start:stop:step, stop included) or ``"20,30,45"`` -> speeds [km/h]."""
    usage = "expected start:stop:step (e.g. 10:50:5) or a list (20,30,40) in km/h"
    try:
        parts = [float(p) for p in text.split(":" if ":" in text else ",") if p.strip()]
    except ValueError:
        raise ScenarioError(f"--speeds '{text}': {usage}") from None
    if ":" in text:
        if len(parts) != 3:
            raise ScenarioError(f"--speeds '{text}': {usage}")
        start, stop, step = parts
        if step <= 0 or stop < start:
            raise ScenarioError(
                f"--speeds '{text}': need start <= stop and a step > 0 (start:stop:step)"
            )
        count = int(math.floor((stop - start) / step + 1e-9)) + 1
        speeds = [round(start + k * step, 6) for k in range(count)]
    else:
        speeds = parts
    if not speeds or any(not math.isfinite(s) or s <= 0 for s in speeds):
        raise ScenarioError(f"--speeds '{text}': speeds must be positive numbers in km/h")
    return speeds


# ---------------------------------------------------------------------------- the world


@dataclass
class Body:
    """A box moving along the road: centre x, y [m], speed [m/s], scripted events."""

    id: str
    size_m: tuple[float, float, float]
    reflectivity: float
    kind: str
    x_m: float
    y_m: float
    speed_mps: float
    events: list[tuple] = field(default_factory=list)  # (at_s, kind, value, until/duration)
    accel_mps2: float = 0.0
    until_mps: float | None = None
    lane_change: tuple[float, float, float, float] | None = None  # t0, y0, y1, duration
    vy_mps: float = 0.0

    def advance(self, t_s: float, dt_s: float) -> None:
        """Move from ``t_s`` to ``t_s + dt_s`` [s], starting events due by ``t_s``."""
        while self.events and self.events[0][0] <= t_s + 1e-9:
            _, kind, a, b = self.events.pop(0)
            if kind == "speed":
                self.accel_mps2, self.until_mps = a, b
            else:
                self.lane_change = (t_s, self.y_m, a, b)
        v0, a = self.speed_mps, self.accel_mps2
        if a != 0.0 and self.until_mps is not None:
            t_hit = (self.until_mps - v0) / a
            if t_hit <= dt_s:
                t_hit = max(t_hit, 0.0)
                self.x_m += v0 * t_hit + 0.5 * a * t_hit**2 + self.until_mps * (dt_s - t_hit)
                self.speed_mps, self.accel_mps2, self.until_mps = self.until_mps, 0.0, None
            else:
                self.x_m += v0 * dt_s + 0.5 * a * dt_s**2
                self.speed_mps = v0 + a * dt_s
        else:
            self.x_m += v0 * dt_s
        self.vy_mps = 0.0
        if self.lane_change is not None:
            t0, y0, y1, duration = self.lane_change
            u = min((t_s + dt_s - t0) / duration, 1.0)
            y_new = y0 + (y1 - y0) * 0.5 * (1.0 - math.cos(math.pi * u))
            self.vy_mps = (y_new - self.y_m) / dt_s
            self.y_m = y_new
            if u >= 1.0:
                self.lane_change = None

    @property
    def heading_rad(self) -> float:
        """Heading of the velocity [rad]."""
        return math.atan2(self.vy_mps, self.speed_mps) if self.speed_mps > 0.1 else 0.0


@dataclass
class World:
    """The road, the ego's box and sensor mount, and the other bodies."""

    lanes: int
    lane_width_m: float
    guardrails: bool
    ego: EgoGeometry
    ego_y_m: float
    bodies: list[Body]

    def ego_front_x(self, ego_x_m: float) -> float:
        """Front bumper x of the ego [m] (ego pose = box centre)."""
        return ego_x_m + 0.5 * self.ego.size_m[0]

    def lead_truth(self, ego_x_m: float, ego_speed_mps: float) -> tuple[Body, float] | None:
        """Nearest body ahead reaching into the ego's lane corridor, with its bumper gap [m]."""
        half_lane = 0.5 * self.lane_width_m
        best = None
        for body in self.bodies:
            if abs(body.y_m - self.ego_y_m) - 0.5 * body.size_m[1] > half_lane:
                continue
            gap = body.x_m - 0.5 * body.size_m[0] - self.ego_front_x(ego_x_m)
            if gap > -0.5 * body.size_m[0] and (best is None or gap < best[1]):
                best = (body, gap)
        return best

    def contact(self, ego_x_m: float) -> Body | None:
        """A body the ego touches (bumper gap <= 0 with the bodies overlapping sideways)."""
        for body in self.bodies:
            lateral = abs(body.y_m - self.ego_y_m) < 0.5 * (body.size_m[1] + self.ego.size_m[1])
            rear = body.x_m - 0.5 * body.size_m[0]
            front = body.x_m + 0.5 * body.size_m[0]
            if lateral and rear <= self.ego_front_x(ego_x_m) <= front:
                return body
        return None

    def scene(self, ego_x_m: float, ego_speed_mps: float, scene_id: str) -> Scene:
        """A frozen scene of the world now, for one lidar frame (ray cast at frame 0)."""
        road = Road(
            lanes=self.lanes,
            lane_width_m=self.lane_width_m,
            start_x_m=ego_x_m - 40.0,
            end_x_m=ego_x_m + 260.0,
            guardrails=self.guardrails,
        )
        ego = Ego(
            size_m=self.ego.size_m,
            sensor_height_m=self.ego.sensor_height_m,
            sensor_forward_m=self.ego.sensor_forward_m,
            motion=Motion(start=Start(x_m=ego_x_m, y_m=self.ego_y_m)),
        )
        objects = [
            SceneObject(
                id=b.id,
                kind=b.kind,
                size_m=b.size_m,
                reflectivity=b.reflectivity,
                motion=Motion(
                    start=Start(x_m=b.x_m, y_m=b.y_m, heading_deg=math.degrees(b.heading_rad))
                ),
            )
            for b in self.bodies
        ]
        return Scene(id=scene_id, duration_s=0.0, road=road, ego=ego, objects=objects)

    def sensor_to_bumper_m(self) -> float:
        """From the sensor to the front bumper along x [m]."""
        return 0.5 * self.ego.size_m[0] - self.ego.sensor_forward_m


# ---------------------------------------------------------------------------- perception


class LidarLead:
    """Lead estimate from simulated lidar frames: ray cast, ground fit, clusters, tracking."""

    def __init__(self, sensor: SensorSpec, world: World, seed: int = 0) -> None:
        self.sensor = sensor
        self.world = world
        self.seed = seed
        self.tracker = LeadTracker()
        self.caster = FrameCaster(sensor)
        self.frames = 0
        self.corridor_half_width_m = 0.5 * world.lane_width_m

    def observe(self, ego_x_m: float, ego_speed_mps: float) -> LeadEstimate | None:
        """Cast one frame at the current poses and update the lead track."""
        scene = self.world.scene(ego_x_m, ego_speed_mps, "adas-frame")
        cloud = self.caster.frame(scene, 0, seed=self.seed * 1_000_003 + self.frames)
        self.frames += 1
        plane = fit_ground(cloud.xyz, seed=self.seed)
        _, cluster = detect(cloud.xyz, plane)
        measured = lead_measurement(cloud.xyz, cluster, self.corridor_half_width_m)
        track = self.tracker.update(measured, self.sensor.frame_period_s)
        if track is None:
            return None
        return LeadEstimate(track[0] - self.world.sensor_to_bumper_m(), track[1])


class IdealLead:
    """Lead estimate sampled from the truth at the sensor's frame rate (no noise, no lag)."""

    def __init__(self, world: World) -> None:
        self.world = world

    def observe(self, ego_x_m: float, ego_speed_mps: float) -> LeadEstimate | None:
        """The true gap [m] and closing speed [m/s] of the lead in the corridor."""
        truth = self.world.lead_truth(ego_x_m, ego_speed_mps)
        if truth is None:
            return None
        body, gap = truth
        return LeadEstimate(gap, ego_speed_mps - body.speed_mps)


# ---------------------------------------------------------------------------- running


@dataclass
class CaseRun:
    """One closed-loop run: per-step traces (time, speeds, gap, accelerations, AEB stage)."""

    label: str
    time_s: list[float] = field(default_factory=list)
    ego_speed_mps: list[float] = field(default_factory=list)
    lead_speed_mps: list[float] = field(default_factory=list)
    gap_m: list[float] = field(default_factory=list)
    perceived_gap_m: list[float] = field(default_factory=list)
    desired_gap_m: list[float] = field(default_factory=list)
    accel_mps2: list[float] = field(default_factory=list)
    stage: list[str] = field(default_factory=list)
    impact_speed_mps: float | None = None
    impact_time_s: float | None = None
    warning_time_s: float | None = None
    braking_time_s: float | None = None
    energy_j: float = 0.0

    def arrays(self) -> dict[str, np.ndarray]:
        """The numeric traces as arrays (NaN where there was no lead)."""
        names = ("time_s", "ego_speed_mps", "lead_speed_mps", "gap_m", "perceived_gap_m")
        names += ("desired_gap_m", "accel_mps2")
        return {n: np.asarray(getattr(self, n), dtype=float) for n in names}


def _ttc(gap: float, closing: float) -> float:
    return gap / closing if closing > 1e-6 and gap >= 0 else math.inf


def run_closed_loop(
    vehicle: LongitudinalVehicle,
    world: World,
    perception: LidarLead | IdealLead,
    frame_period_s: float,
    duration_s: float,
    acc: AccSettings | None,
    cruise_mps: float | None,
    label: str,
    end_when_slower_than_lead: bool = False,
) -> CaseRun:
    """Drive ``world`` closed loop for up to ``duration_s`` [s]; stops at contact or standstill.

    ``acc``: ACC settings (ACC drive) or ``cruise_mps`` (driver holding a test speed); AEB is
    always on. ``end_when_slower_than_lead``: the CCR end rule (ego slower than the target).
    """
    dt = vehicle.dt_s
    run = CaseRun(label)
    acc_ctl = AccController(acc) if acc is not None else None
    aeb = AebController()
    actuator = BrakeActuator()
    estimate, estimate_t = None, 0.0
    next_frame = 0.0
    t = 0.0
    x = 0.0
    steps = int(math.ceil(duration_s / dt - 1e-9))
    for _ in range(steps):
        v = vehicle.speed_mps
        if t >= next_frame - 1e-9:
            estimate, estimate_t = perception.observe(x, v), t
            next_frame += frame_period_s
        lead = extrapolate(estimate, t - estimate_t)
        if acc_ctl is not None:
            want = acc_ctl.command(v, lead, dt)
        else:
            want = float(np.clip(CRUISE_GAIN_PER_S * (cruise_mps - v), -1.0, 2.0))
        brake = aeb.command(v, lead, t)
        if brake is not None:
            want = min(want, brake)
            if acc_ctl is not None:
                acc_ctl.last_cmd_mps2 = want
        res = vehicle.step(actuator.apply(want, dt))
        gap_before = _gap(world, x)
        x += res.distance_m
        for body in world.bodies:
            body.advance(t, dt)
        t += dt
        truth = world.lead_truth(x, res.speed_mps)
        run.time_s.append(t)
        run.ego_speed_mps.append(res.speed_mps)
        run.lead_speed_mps.append(truth[0].speed_mps if truth else math.nan)
        run.gap_m.append(truth[1] if truth else math.nan)
        seen = extrapolate(estimate, t - estimate_t)  # the estimate at the same instant
        run.perceived_gap_m.append(seen.gap_m if seen is not None else math.nan)
        run.desired_gap_m.append(acc.desired_gap_m(res.speed_mps) if acc else math.nan)
        run.accel_mps2.append(res.accel_mps2)
        run.stage.append(aeb.stage)
        hit = world.contact(x)
        if hit is not None:
            # relative speed when the gap closed, interpolated within the step
            gap_after = hit.x_m - 0.5 * hit.size_m[0] - world.ego_front_x(x)
            share = gap_before / (gap_before - gap_after) if gap_before > gap_after else 1.0
            share = float(np.clip(share, 0.0, 1.0))
            v_ego = v + share * (res.speed_mps - v)
            run.impact_speed_mps = max(v_ego - hit.speed_mps, 0.0)
            run.impact_time_s = t - dt + share * dt
            break
        if res.speed_mps <= 0.01 and aeb.stage == "hold":
            break
        if end_when_slower_than_lead and truth is not None:
            lead_body = truth[0]
            if res.speed_mps < lead_body.speed_mps and lead_body.accel_mps2 >= 0:
                break
    run.warning_time_s = aeb.warning_time_s
    run.braking_time_s = aeb.braking_time_s
    run.energy_j = vehicle.energy_j
    return run


def _gap(world: World, ego_x_m: float) -> float:
    gaps = [b.x_m - 0.5 * b.size_m[0] - world.ego_front_x(ego_x_m) for b in world.bodies]
    return min(gaps) if gaps else math.inf


def _case_metrics(run: CaseRun) -> dict:
    arr = run.arrays()
    closing = arr["ego_speed_mps"] - arr["lead_speed_mps"]
    ttc = [
        _ttc(float(g), float(c))
        for g, c in zip(arr["gap_m"], closing, strict=True)
        if math.isfinite(g)
    ]
    min_ttc = min(ttc) if ttc else math.inf
    if run.impact_speed_mps is not None:
        min_ttc = 0.0
    peak = float(max(0.0, -arr["accel_mps2"].min())) if len(arr["accel_mps2"]) else 0.0
    gaps = arr["gap_m"][np.isfinite(arr["gap_m"])]

    def ttc_at(time_s: float | None) -> float | None:
        if time_s is None:
            return None
        k = int(np.searchsorted(arr["time_s"], time_s))
        k = min(max(k, 0), len(arr["time_s"]) - 1)
        value = _ttc(float(arr["gap_m"][k]), float(closing[k]))
        return round(value, 3) if math.isfinite(value) else None

    return {
        "avoided": run.impact_speed_mps is None,
        "impact_speed_kmh": round((run.impact_speed_mps or 0.0) * KMH_PER_MPS, 2),
        "min_ttc_s": round(min_ttc, 3) if math.isfinite(min_ttc) else None,
        "peak_decel_mps2": round(peak, 3),
        "min_gap_m": (0.0 if run.impact_speed_mps is not None else round(float(gaps.min()), 3))
        if len(gaps)
        else None,
        "warning_ttc_s": ttc_at(run.warning_time_s),
        "braking_ttc_s": ttc_at(run.braking_time_s),
        "duration_s": round(run.time_s[-1], 2) if run.time_s else 0.0,
    }


# ---------------------------------------------------------------------------- scenarios


@dataclass
class ScenarioResult:
    """Per-case records (flat dicts, units in the keys) and the runs behind them."""

    scenario: ScenarioSpec
    vehicle_id: str
    perception: str
    records: list[dict]
    runs: list[CaseRun]


def ccr_cases(
    scenario: CcrScenario, speeds_kmh: list[float] | None = None
) -> list[dict[str, float]]:
    """The test matrix: one dict per case (ego/target speed, target decel, headway, offset)."""
    speeds = scenario.ego_speeds_kmh if speeds_kmh is None else speeds_kmh
    if speeds_kmh is not None:
        lo, hi = min(scenario.ego_speeds_kmh), max(scenario.ego_speeds_kmh)
        if len(scenario.ego_speeds_kmh) == 1:
            raise ScenarioError(
                f"--speeds: scenario '{scenario.id}' has one fixed ego speed "
                f"({lo:g} km/h); leave --speeds out"
            )
        bad = [s for s in speeds if not lo - 1e-9 <= s <= hi + 1e-9]
        if bad:
            raise ScenarioError(
                f"--speeds: {', '.join(f'{s:g}' for s in bad)} km/h outside the protocol's "
                f"{lo:g}..{hi:g} km/h for '{scenario.id}'"
            )
    cases = []
    for speed in speeds:
        for decel in scenario.target_decels_mps2:
            for headway in scenario.headways_m or [None]:
                for offset in scenario.offsets_pct:
                    cases.append(
                        {
                            "ego_speed_kmh": float(speed),
                            "target_speed_kmh": scenario.target_speed_kmh,
                            "target_decel_mps2": decel,
                            "headway_m": headway,
                            "offset_pct": offset,
                        }
                    )
    return cases


def _ccr_world(scenario: CcrScenario, case: dict) -> tuple[World, float]:
    """The world of one CCR case and its duration [s]."""
    v_ego = case["ego_speed_kmh"] / KMH_PER_MPS
    v_tgt = case["target_speed_kmh"] / KMH_PER_MPS
    ego = scenario.ego
    if case["headway_m"] is not None:
        gap = case["headway_m"]
    else:
        closing = v_ego - v_tgt
        if closing <= 0:
            raise ScenarioError(
                f"{scenario.id}: ego {case['ego_speed_kmh']:g} km/h does not close on the "
                f"target at {case['target_speed_kmh']:g} km/h"
            )
        gap = (scenario.start_ttc_s + scenario.lead_in_s) * closing
    target = scenario.target
    lead_in = scenario.lead_in_s if case["headway_m"] is not None else 0.0
    # the target's centre line is offset by offset % of the ego's width (positive: left)
    y = case["offset_pct"] / 100.0 * ego.size_m[1]
    front = 0.5 * ego.size_m[0]
    body = Body(
        id="target",
        size_m=target.size_m,
        reflectivity=target.reflectivity,
        kind=target.kind,
        x_m=front + gap + 0.5 * target.size_m[0],
        y_m=y,
        speed_mps=v_tgt,
    )
    if case["target_decel_mps2"] > 0:
        body.events.append((lead_in, "speed", -case["target_decel_mps2"], 0.0))
    world = World(3, scenario.lane_width_m, False, ego, 0.0, [body])
    return world, CCR_MAX_DURATION_S


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
            done = _reported(pool.map(_run_ccr_case, args), len(cases), progress)
    else:
        done = _reported(map(_run_ccr_case, args), len(cases), progress)
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


def _run_ccr_case(args: tuple) -> tuple[dict, CaseRun]:
    """One CCR case (a top-level function, so process pools can run it)."""
    spec, scn, case, lidar, seed, dt_s, frame_period = args
    world, duration = _ccr_world(scn, case)
    car = LongitudinalVehicle(spec, case["ego_speed_kmh"] / KMH_PER_MPS, dt_s)
    sense = LidarLead(lidar, world, seed) if lidar is not None else IdealLead(world)
    label = _case_label(case)
    run = run_closed_loop(
        car,
        world,
        sense,
        frame_period,
        duration,
        None,
        case["ego_speed_kmh"] / KMH_PER_MPS,
        label,
        end_when_slower_than_lead=case["target_speed_kmh"] > 0,
    )
    metrics = _case_metrics(run)
    band = scn.band(case["ego_speed_kmh"])
    points = band.points(0.0 if metrics["avoided"] else metrics["impact_speed_kmh"])
    record = {
        "scenario": scn.id,
        "vehicle_id": spec.id,
        "case": label,
        **case,
        **metrics,
        "points": points,
        "passed": bool(points >= max(band.scores) - 1e-9),
    }
    return record, run


def _case_label(case: dict) -> str:
    label = f"{case['ego_speed_kmh']:g} km/h, offset {case['offset_pct']:+g} %"
    if case["target_decel_mps2"]:
        label = f"{case['target_decel_mps2']:g} m/s2, {case['headway_m']:g} m"
    return label


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


def acc_world(scn: AccScenario) -> World:
    """The world of an ACC drive at t = 0 (actors at their start poses)."""
    road = Road(lanes=scn.road.lanes, lane_width_m=scn.road.lane_width_m)
    bodies = []
    for actor in scn.objects:
        body = Body(
            id=actor.id,
            size_m=actor.size_m,
            reflectivity=actor.reflectivity,
            kind=actor.kind,
            x_m=actor.x_m,
            y_m=road.lane_center_y_m(actor.lane),
            speed_mps=actor.speed_kmh / KMH_PER_MPS,
        )
        for ev in sorted(actor.events, key=lambda e: e.at_s):
            if ev.accel_mps2 is not None:
                body.events.append((ev.at_s, "speed", ev.accel_mps2, ev.until_kmh / KMH_PER_MPS))
            else:
                y1 = road.lane_center_y_m(ev.lane_change_to)
                body.events.append((ev.at_s, "lane", y1, ev.duration_s))
        bodies.append(body)
    return World(
        scn.road.lanes,
        scn.road.lane_width_m,
        scn.road.guardrails,
        scn.ego,
        road.lane_center_y_m(scn.ego.lane),
        bodies,
    )


def _check_start(scn: AccScenario) -> None:
    """Refuse an ACC drive whose boxes overlap at t = 0 (the scene check names both)."""
    world = acc_world(scn)
    try:
        check_scene(world.scene(0.0, 0.0, scn.id))
    except SceneError as exc:
        raise ScenarioError(str(exc).replace("scene '", "scenario '", 1)) from None


def acc_metrics(run: CaseRun, settings: AccSettings) -> dict:
    """ACC drive figures: collision, time gaps, decelerations, AEB interventions."""
    arr = run.arrays()
    t, v, gap = arr["time_s"], arr["ego_speed_mps"], arr["gap_m"]
    moving = (v > 5.0) & np.isfinite(gap)
    time_gap = np.where(moving, gap / np.maximum(v, 1e-6), np.nan)
    accel = arr["accel_mps2"]
    jerk = np.diff(accel) / np.diff(t) if len(t) > 1 else np.zeros(1)
    aeb_steps = sum(1 for s in run.stage if s in ("partial", "full"))
    base = _case_metrics(run)
    settled = _settled_time_gap(t, time_gap, v, arr["lead_speed_mps"])
    passed = (
        base["avoided"]
        and aeb_steps == 0
        and base["peak_decel_mps2"] <= -settings.envelope_high[1] + 0.5
    )
    return {
        **base,
        "set_time_gap_s": settings.time_gap_s,
        "settled_time_gap_s": None if settled is None else round(settled, 3),
        "min_time_gap_s": round(float(np.nanmin(time_gap)), 3) if moving.any() else None,
        "peak_accel_mps2": round(float(max(accel.max(), 0.0)), 3),
        "peak_jerk_mps3": round(float(np.abs(jerk).max()), 3),
        "aeb_braking_s": round(float(aeb_steps * (t[1] - t[0])) if len(t) > 1 else 0.0, 2),
        "energy_kwh": round(run.energy_j / 3.6e6, 4),
        "passed": bool(passed),
    }


def _settled_time_gap(t, time_gap, v, v_lead) -> float | None:
    """Mean time gap [s] over the last 5 s of the longest steady stretch (lead and ego within
    0.3 m/s of each other for >= 10 s), or None when there is none."""
    steady = np.isfinite(time_gap) & (np.abs(v - v_lead) < 0.3)
    best_end, best_len, start = None, 0, None
    for k, ok in enumerate(np.append(steady, False)):
        if ok and start is None:
            start = k
        elif not ok and start is not None:
            if k - start > best_len:
                best_len, best_end = k - start, k
            start = None
    if best_end is None or len(t) < 2 or best_len * (t[1] - t[0]) < 10.0:
        return None
    window = int(round(5.0 / (t[1] - t[0])))
    return float(np.nanmean(time_gap[best_end - window : best_end]))


# ---------------------------------------------------------------------------- plotting


def plot_scenario(path: str | Path, result: ScenarioResult) -> Path:
    """Speed and gap against time for every case (or the ACC drive), written atomically."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bevsim.files import save_figure

    acc = isinstance(result.scenario, AccScenario)
    fig, axes = plt.subplots(3 if acc else 2, 1, figsize=(10, 9 if acc else 7), sharex=True)
    if acc:
        run = result.runs[0]
        arr = run.arrays()
        axes[0].plot(arr["time_s"], arr["ego_speed_mps"] * KMH_PER_MPS, label="ego")
        axes[0].plot(arr["time_s"], arr["lead_speed_mps"] * KMH_PER_MPS, label="lead (truth)")
        axes[1].plot(arr["time_s"], arr["gap_m"], label="gap (truth)")
        axes[1].plot(arr["time_s"], arr["perceived_gap_m"], lw=0.8, ls=":", label="perceived")
        axes[1].plot(arr["time_s"], arr["desired_gap_m"], ls="--", label="ACC desired gap")
        axes[2].plot(arr["time_s"], arr["accel_mps2"], color="tab:red")
        axes[2].set_ylabel("ego acceleration [m/s²]")
        axes[2].set_xlabel("time [s]")
        for ax in axes[:2]:
            ax.legend(fontsize=8)
    else:
        cmap = plt.get_cmap("viridis")
        speeds = sorted({r["ego_speed_kmh"] for r in result.records})
        for rec, run in zip(result.records, result.runs, strict=True):
            arr = run.arrays()
            colour = cmap(speeds.index(rec["ego_speed_kmh"]) / max(len(speeds) - 1, 1))
            style = "-" if rec["avoided"] else "--"
            central = rec["offset_pct"] == 0 or len(result.records) <= 12
            kw = {"color": colour, "ls": style, "lw": 1.2 if central else 0.5}
            label = rec["case"] if central else None
            axes[0].plot(arr["time_s"], arr["ego_speed_mps"] * KMH_PER_MPS, label=label, **kw)
            axes[1].plot(arr["time_s"], arr["gap_m"], **kw)
        axes[1].axhline(0.0, color="black", lw=0.6)
        axes[1].set_xlabel("time [s] (dashed: contact)")
        axes[0].legend(fontsize=7, ncol=2)
    axes[0].set_ylabel("speed [km/h]")
    axes[1].set_ylabel("bumper gap [m]")
    title = f"{result.scenario.id} - {result.vehicle_id} ({result.perception} perception)"
    axes[0].set_title(title, fontsize=10)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, path, dpi=120)
