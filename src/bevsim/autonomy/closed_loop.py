"""One closed-loop run at 20 Hz: lidar (or ideal) lead estimates, ACC/AEB, the vehicle model.

1. every lidar frame (10 Hz for the AT128) the scene is ray cast at the current poses
   (:func:`bevsim.autonomy.raycast.simulate_frame`) and the perception pipeline
   (:mod:`bevsim.autonomy.perception`) measures and tracks the lead's distance and closing
   speed from the points alone (``IdealLead`` samples the truth at the same rate);
2. between frames the estimate is carried forward at its closing speed;
3. the controllers (:mod:`bevsim.autonomy.controllers`) turn it into an acceleration request,
   lagged by the brake actuator, and :class:`bevsim.autonomy.vehicle.LongitudinalVehicle`
   drives the kernel one interval;
4. the actors move on their scripted motion; contact is a closing bumper gap <= 0 with the
   bodies overlapping laterally.

Lengths [m], speeds [m/s], times [s], accelerations [m/s^2].
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

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
from bevsim.autonomy.sensors import SensorSpec
from bevsim.autonomy.vehicle import LongitudinalVehicle
from bevsim.autonomy.world import World
from bevsim.units import KMH_PER_MPS

CRUISE_GAIN_PER_S = 0.5
"""The CCR driver model: holds the test speed with this speed gain [1/s] (no driver braking,
as the protocol requires); only AEB brakes."""


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


def case_metrics(run: CaseRun) -> dict:
    """Figures of a run: avoided, impact speed [km/h], min TTC [s], peak decel [m/s^2], min gap
    [m], TTC [s] at the warning and at braking, duration [s]."""
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
