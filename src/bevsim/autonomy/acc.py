"""ACC following drives: the world of a drive, its start check and its figures (time gaps,
decelerations, jerk, AEB interventions). Lengths [m], speeds [m/s], times [s]."""

from __future__ import annotations

import numpy as np

from bevsim.autonomy.closed_loop import CaseRun, case_metrics
from bevsim.autonomy.controllers import AccSettings
from bevsim.autonomy.scenario_specs import AccScenario, ScenarioError
from bevsim.autonomy.scenes import Road, SceneError, check_scene
from bevsim.autonomy.world import Body, World
from bevsim.units import KMH_PER_MPS


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


def check_acc_start(scn: AccScenario) -> None:
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
    base = case_metrics(run)
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
