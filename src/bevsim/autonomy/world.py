"""The world of a closed-loop scenario: the road, the ego's box and the scripted bodies.

Lengths [m], speeds [m/s], times [s]; the ego pose is its box centre.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from bevsim.autonomy.scenario_specs import EgoGeometry
from bevsim.autonomy.scenes import Ego, Motion, Road, Scene, SceneObject, Start


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
