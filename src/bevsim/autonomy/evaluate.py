"""Run the lidar and perception over a scene's frames and score them against ground truth.

The perception side sees only each frame's point cloud (and the lane half width, which is map
knowledge); ground truth comes from :func:`bevsim.autonomy.scenes.lead_ground_truth`.
Distances [m], speeds [m/s], times [s].
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bevsim.autonomy.perception import (
    Detection,
    LeadTracker,
    detect,
    fit_ground,
    lead_measurement,
)
from bevsim.autonomy.raycast import FrameCaster, PointCloud
from bevsim.autonomy.scenes import Scene, lead_ground_truth
from bevsim.autonomy.sensors import SensorSpec


@dataclass(frozen=True)
class FrameResult:
    """One frame: the cloud, what perception found, and the ground truth it is scored against."""

    frame: int
    cloud: PointCloud
    plane: np.ndarray
    detections: list[Detection]
    cluster: np.ndarray
    lead_distance_m: float | None
    tracked_distance_m: float | None
    closing_speed_mps: float | None
    track_age: int
    truth: dict | None

    def to_record(self) -> dict:
        """Flat record with units in the keys (None where nothing was measured)."""
        truth = self.truth or {}
        return {
            "frame": self.frame,
            "time_s": round(self.cloud.time_s, 4),
            "points": len(self.cloud),
            "detections": len(self.detections),
            "lead_distance_m": _round(self.lead_distance_m),
            "tracked_distance_m": _round(self.tracked_distance_m),
            "closing_speed_mps": _round(self.closing_speed_mps),
            "track_age": self.track_age,
            "truth_object": truth.get("object_id"),
            "truth_distance_m": _round(truth.get("distance_m")),
            "truth_closing_speed_mps": _round(truth.get("closing_speed_mps")),
            "distance_error_m": _round(_diff(self.lead_distance_m, truth.get("distance_m"))),
            "closing_speed_error_mps": _round(
                _diff(self.closing_speed_mps, truth.get("closing_speed_mps"))
            ),
        }


def corridor_half_width_m(scene: Scene) -> float:
    """Half the lane width [m]: the ego corridor used for the lead object."""
    return 0.5 * scene.road.lane_width_m


def run_frames(
    sensor: SensorSpec,
    scene: Scene,
    frames: range,
    seed: int = 0,
    sensor_height_m: float | None = None,
) -> list[FrameResult]:
    """Simulate and perceive ``frames`` in order, tracking the lead across them."""
    tracker = LeadTracker()
    half_width = corridor_half_width_m(scene)
    results = []
    caster = FrameCaster(sensor)
    for frame in frames:
        cloud = caster.frame(scene, frame, seed=seed, sensor_height_m=sensor_height_m)
        plane = fit_ground(cloud.xyz, seed=seed)
        detections, cluster = detect(cloud.xyz, plane)
        measured = lead_measurement(cloud.xyz, cluster, half_width)
        track = tracker.update(measured, sensor.frame_period_s)
        truth = lead_ground_truth(scene, cloud.time_s, half_width)
        results.append(
            FrameResult(
                frame=frame,
                cloud=cloud,
                plane=plane,
                detections=detections,
                cluster=cluster,
                lead_distance_m=measured,
                tracked_distance_m=None if track is None else track[0],
                closing_speed_mps=None if track is None else track[1],
                track_age=tracker.age,
                truth=truth,
            )
        )
    return results


def error_summary(results: list[FrameResult], settled_age: int = 10) -> dict:
    """Distance error over frames with a measurement and a truth; closing-speed error over
    frames whose track is at least ``settled_age`` frames old (same object as the truth)."""
    records = [r.to_record() for r in results]
    dist = [r["distance_error_m"] for r in records if r["distance_error_m"] is not None]
    speed = [
        rec["closing_speed_error_mps"]
        for rec, res in zip(records, results, strict=True)
        if rec["closing_speed_error_mps"] is not None and res.track_age >= settled_age
    ]
    return {
        "frames": len(records),
        "frames_with_lead": len(dist),
        "distance_error_mean_m": _round(float(np.mean(dist))) if dist else None,
        "distance_error_p95_abs_m": _round(float(np.quantile(np.abs(dist), 0.95)))
        if dist
        else None,
        "distance_error_max_abs_m": _round(float(np.max(np.abs(dist)))) if dist else None,
        "closing_speed_frames": len(speed),
        "closing_speed_error_rms_mps": _round(float(np.sqrt(np.mean(np.square(speed)))))
        if speed
        else None,
        "closing_speed_error_max_abs_mps": _round(float(np.max(np.abs(speed)))) if speed else None,
    }


def _diff(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a - b


def _round(v: float | None, digits: int = 4) -> float | None:
    return None if v is None else round(float(v), digits)
