"""Scenes: a road with lanes and guardrails, and boxes (vehicles, pedestrians) moving over time.

A scene file (``data/scenes/<id>.yaml``) is a scenario description that ADAS scenarios can reuse:
the ego vehicle and every object carry a :class:`Motion` (start pose + constant speed and
acceleration, or waypoints over time), so :func:`object_pose` answers "where is it at t [s]".

World frame: x along the road [m], y to the left [m], z up [m], ground at z = 0; the road's
centre line is y = 0 and its lanes are numbered from the right. Headings are counter-clockwise
from +x (files in degrees, code in radians). Objects are boxes standing on the ground:
``size_m = [length, width, height]`` centred on their pose.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import combinations
from pathlib import Path
from typing import Literal, Self

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from bevsim.autonomy._io import library_ids, load_model
from bevsim.errors import BevsimError

DEFAULT_SENSOR_HEIGHT_M = 1.6
"""Roof lidar height above the ground when neither scene nor vehicle gives one [m]."""


class SceneError(BevsimError):
    """A scene id, scene file or frame index is invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Start(_Strict):
    """Initial pose: position [m] and heading [deg, counter-clockwise from +x]."""

    x_m: float
    y_m: float
    heading_deg: float = 0.0


class Waypoint(_Strict):
    """A position [m] the object passes at time ``t_s`` [s]."""

    t_s: float = Field(ge=0)
    x_m: float
    y_m: float


class Motion(_Strict):
    """Either ``start`` + ``speed_mps`` (+ ``acceleration_mps2``, stops at 0) or ``waypoints``.

    Along waypoints the position is linear in time between points, the heading follows the
    segment, and the object holds its last position after the last waypoint.
    """

    start: Start | None = None
    speed_mps: float = Field(default=0.0, ge=0, le=100)
    acceleration_mps2: float = Field(default=0.0, ge=-15, le=10)
    waypoints: list[Waypoint] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Self:
        if (self.start is None) == (self.waypoints is None):
            raise ValueError("give either start (with speed_mps) or waypoints")
        if self.waypoints is not None:
            if self.speed_mps or self.acceleration_mps2:
                raise ValueError("waypoints set the speed: drop speed_mps/acceleration_mps2")
            times = [w.t_s for w in self.waypoints]
            if (
                len(times) < 2
                or times[0] != 0
                or any(b <= a for a, b in zip(times, times[1:], strict=False))
            ):
                raise ValueError("waypoints: need >= 2, the first at t_s 0, times increasing")
        return self


class SceneObject(_Strict):
    """A box on the ground: size [m], reflectivity [-] and motion."""

    id: str = Field(min_length=1)
    kind: Literal["car", "truck", "pedestrian", "cyclist", "box"]
    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat]
    reflectivity: float = Field(gt=0, le=1)
    motion: Motion


class Road(_Strict):
    """Straight road along +x: lanes [-], lane width [m], extent [m], surface and guardrails."""

    lanes: PositiveInt = Field(le=8)
    lane_width_m: PositiveFloat = Field(ge=2.0, le=5.0)
    start_x_m: float = -50.0
    end_x_m: float = 400.0
    verge_m: float = Field(default=10.0, ge=0, le=200)
    surface_reflectivity: float = Field(default=0.1, gt=0, le=1)
    guardrails: bool = False
    guardrail_offset_m: float = Field(default=1.0, ge=0, le=10)
    guardrail_height_m: float = Field(default=0.75, gt=0, le=3)
    guardrail_reflectivity: float = Field(default=0.5, gt=0, le=1)

    @model_validator(mode="after")
    def _extent(self) -> Self:
        if self.end_x_m <= self.start_x_m:
            raise ValueError("end_x_m must exceed start_x_m")
        return self

    @property
    def half_width_m(self) -> float:
        """Half the paved width [m]."""
        return 0.5 * self.lanes * self.lane_width_m

    def lane_center_y_m(self, lane: int) -> float:
        """Centre line of lane ``lane`` (1 = rightmost) [m]."""
        return -self.half_width_m + (lane - 0.5) * self.lane_width_m


class Ego(_Strict):
    """The car carrying the lidar: its box size [m], motion and sensor mount [m]."""

    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.7, 1.9, 1.45)
    sensor_height_m: float | None = Field(default=None, gt=0, le=5)
    sensor_forward_m: float = Field(default=0.0, ge=-5, le=5)
    motion: Motion


class Scene(_Strict):
    """A whole scene file."""

    id: str = Field(min_length=1)
    description: str = ""
    duration_s: float = Field(ge=0, le=600)
    road: Road
    ego: Ego
    objects: list[SceneObject] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> Self:
        ids = [o.id for o in self.objects]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup or "ego" in ids:
            raise ValueError(
                f"object ids must be unique and not 'ego' (repeated: {dup or ['ego']})"
            )
        return self

    def frame_count(self, frame_rate_hz: float) -> int:
        """Frames in the scene at ``frame_rate_hz`` [Hz] (frame 0 at t = 0)."""
        return int(np.floor(self.duration_s * frame_rate_hz + 1e-9)) + 1

    def frame_time_s(self, frame: int, frame_rate_hz: float) -> float:
        """Time of frame ``frame`` [s]; :class:`SceneError` when it is out of range."""
        count = self.frame_count(frame_rate_hz)
        if not 0 <= frame < count:
            raise SceneError(
                f"frame {frame} out of range: scene '{self.id}' has frames 0..{count - 1} "
                f"({self.duration_s:g} s at {frame_rate_hz:g} Hz)"
            )
        return frame / frame_rate_hz


def list_scenes() -> list[str]:
    """Ids of the scenes shipped with bevsim."""
    return library_ids("scenes")


def load_scene(ref: str | Path | Scene) -> Scene:
    """A shipped scene by id or a scene YAML file, validated (including overlaps at start)."""
    if isinstance(ref, Scene):
        return ref
    if isinstance(ref, str) and ref in list_scenes():
        return _load_library(ref)
    return check_scene(load_model(ref, "scenes", Scene, SceneError))


@lru_cache(maxsize=16)
def _load_library(scene_id: str) -> Scene:
    return check_scene(load_model(scene_id, "scenes", Scene, SceneError))


def check_scene(scene: Scene) -> Scene:
    """Refuse a scene whose boxes (ego included) overlap at t = 0, naming both."""
    boxes = [("ego", footprint(scene.ego.size_m, scene.ego.motion, 0.0))]
    boxes += [(o.id, footprint(o.size_m, o.motion, 0.0)) for o in scene.objects]
    for (name_a, a), (name_b, b) in combinations(boxes, 2):
        if _rectangles_overlap(a, b):
            raise SceneError(
                f"scene '{scene.id}': objects '{name_a}' and '{name_b}' overlap at t=0"
            )
    return scene


def object_pose(motion: Motion, t_s: float) -> tuple[float, float, float, float, float]:
    """``(x [m], y [m], heading [rad], vx [m/s], vy [m/s])`` of a motion at time ``t_s`` [s]."""
    if motion.waypoints is None:
        start = motion.start
        heading = np.radians(start.heading_deg)
        v0, a = motion.speed_mps, motion.acceleration_mps2
        t_stop = -v0 / a if a < 0 else np.inf
        t = min(t_s, t_stop)
        s = v0 * t + 0.5 * a * t * t
        v = v0 + a * t if t_s < t_stop else 0.0
        c, n = np.cos(heading), np.sin(heading)
        return start.x_m + s * c, start.y_m + s * n, heading, v * c, v * n
    pts = motion.waypoints
    times = np.array([w.t_s for w in pts])
    k = int(np.clip(np.searchsorted(times, t_s, side="right") - 1, 0, len(pts) - 2))
    p0, p1 = pts[k], pts[k + 1]
    dt = p1.t_s - p0.t_s
    vx, vy = (p1.x_m - p0.x_m) / dt, (p1.y_m - p0.y_m) / dt
    heading = float(np.arctan2(vy, vx)) if (vx or vy) else 0.0
    if t_s > times[-1]:
        return pts[-1].x_m, pts[-1].y_m, heading, 0.0, 0.0
    u = t_s - p0.t_s
    return p0.x_m + vx * u, p0.y_m + vy * u, heading, vx, vy


def footprint(size_m: tuple[float, float, float], motion: Motion, t_s: float) -> np.ndarray:
    """Corners of a box's footprint at ``t_s`` [s] in the world frame, shape (4, 2) [m]."""
    x, y, heading, _, _ = object_pose(motion, t_s)
    half_l, half_w = 0.5 * size_m[0], 0.5 * size_m[1]
    local = np.array([[half_l, half_w], [-half_l, half_w], [-half_l, -half_w], [half_l, -half_w]])
    c, s = np.cos(heading), np.sin(heading)
    return local @ np.array([[c, s], [-s, c]]) + np.array([x, y])


def sensor_origin(scene: Scene, t_s: float, sensor_height_m: float | None = None) -> np.ndarray:
    """Sensor position [m] and ego heading [rad] at ``t_s`` [s]: ``[x, y, z, heading]``.

    Height: the argument, else the scene's ``ego.sensor_height_m``, else 1.6 m.
    """
    x, y, heading, _, _ = object_pose(scene.ego.motion, t_s)
    height = sensor_height_m or scene.ego.sensor_height_m or DEFAULT_SENSOR_HEIGHT_M
    forward = scene.ego.sensor_forward_m
    return np.array([x + forward * np.cos(heading), y + forward * np.sin(heading), height, heading])


def to_ego_frame(points_xy: np.ndarray, origin: np.ndarray) -> np.ndarray:
    """World xy [m] to the ego frame: origin under the sensor, x forward, y left [m]."""
    c, s = np.cos(origin[3]), np.sin(origin[3])
    d = np.asarray(points_xy) - origin[:2]
    return np.stack([d[..., 0] * c + d[..., 1] * s, -d[..., 0] * s + d[..., 1] * c], axis=-1)


def lead_ground_truth(scene: Scene, t_s: float, corridor_half_width_m: float) -> dict | None:
    """The nearest object ahead whose footprint reaches into the ego corridor (|y| <= half width).

    Returns ``{"object_id", "distance_m", "closing_speed_mps"}``: distance from the sensor to
    the object's nearest point along the ego's x axis [m]; closing speed: the ego's velocity
    minus the object's, along the ego's heading [m/s]; ``None`` when no object is ahead.
    Used to score perception, never fed into it.
    """

    origin = sensor_origin(scene, t_s)
    best = None
    for obj in scene.objects:
        corners = to_ego_frame(footprint(obj.size_m, obj.motion, t_s), origin)
        if _in_corridor(corners, corridor_half_width_m) and corners[:, 0].min() > 0:
            gap = float(corners[:, 0].min())
            if best is None or gap < best[1]:
                best = (obj, gap)
    if best is None:
        return None
    obj, gap = best
    _, _, _, vx, vy = object_pose(obj.motion, t_s)
    _, _, heading, ego_vx, ego_vy = object_pose(scene.ego.motion, t_s)
    closing = (ego_vx - vx) * np.cos(heading) + (ego_vy - vy) * np.sin(heading)
    return {"object_id": obj.id, "distance_m": gap, "closing_speed_mps": float(closing)}


def _in_corridor(corners: np.ndarray, half_width_m: float) -> bool:
    """Whether a footprint (ego frame, [m]) reaches into the strip |y| <= half width ahead."""
    inside = corners[(np.abs(corners[:, 1]) <= half_width_m)]
    if len(inside):
        return True
    ys = corners[:, 1]
    return bool(ys.min() < -half_width_m and ys.max() > half_width_m)  # spans the corridor


def _rectangles_overlap(a: np.ndarray, b: np.ndarray) -> bool:
    """Separating-axis test for two convex quadrilaterals (touching is not overlap)."""
    for poly in (a, b):
        for i in range(4):
            edge = poly[(i + 1) % 4] - poly[i]
            axis = np.array([-edge[1], edge[0]])
            pa, pb = a @ axis, b @ axis
            if pa.max() <= pb.min() + 1e-9 or pb.max() <= pa.min() + 1e-9:
                return False
    return True
