"""Ray casting a lidar frame against a scene with trimesh (Embree via embreex when installed).

The scene at time t [s] becomes one triangle mesh (ground quad, guardrail boxes, object boxes)
with a per-face object index; rays from the roof sensor are cast with
:meth:`trimesh.ray.ray_pyembree.RayMeshIntersector.intersects_first` (first hit per ray), and
the hit range [m] is recovered exactly from the hit triangle's plane. Without ``embreex`` the
pure-NumPy :class:`trimesh.ray.ray_triangle.RayMeshIntersector` is used (far slower; see
:data:`BACKEND`). The scene is frozen during a frame (no motion distortion, as in CARLA).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import trimesh

from bevsim.autonomy.scenes import Scene, object_pose, sensor_origin
from bevsim.autonomy.sensors import SensorSpec, ray_table, sample_returns

try:  # Embree BVH: ~10 M rays/s on 2 cores
    from trimesh.ray.ray_pyembree import RayMeshIntersector as _Intersector

    BACKEND = "embree"
except ImportError:  # pragma: no cover - depends on the installed extras
    from trimesh.ray.ray_triangle import RayMeshIntersector as _Intersector

    BACKEND = "numpy"

GROUND = 0
"""Object index of the ground plane in :class:`SceneMesh` (guardrails 1 and 2 when present)."""


@dataclass(frozen=True)
class SceneMesh:
    """The scene at one instant: mesh, face -> object index, names and reflectivities [-]."""

    mesh: trimesh.Trimesh
    face_object: np.ndarray
    names: tuple[str, ...]
    reflectivity: np.ndarray


@dataclass(frozen=True)
class PointCloud:
    """One lidar frame in the ego frame (origin on the ground below the sensor, x forward).

    ``xyz`` [m], ``intensity`` [-] (rho cos(theta) (10 m / r)^2, clipped to 1), ``channel``
    (0-based), ``label`` (object index of the hit, for scoring only: perception ignores it).
    """

    xyz: np.ndarray
    intensity: np.ndarray
    channel: np.ndarray
    label: np.ndarray
    names: tuple[str, ...]
    time_s: float
    sensor_height_m: float
    rays: int

    def __len__(self) -> int:
        return len(self.xyz)


def scene_mesh(scene: Scene, t_s: float) -> SceneMesh:
    """Triangulate the scene at ``t_s`` [s]: ground, guardrails, then objects."""
    road = scene.road
    length = road.end_x_m - road.start_x_m
    centre_x = 0.5 * (road.start_x_m + road.end_x_m)
    half_y = road.half_width_m + road.verge_m
    parts = [_quad(road.start_x_m, road.end_x_m, -half_y, half_y)]
    names, refl = ["ground"], [road.surface_reflectivity]
    if road.guardrails:
        y_rail = road.half_width_m + road.guardrail_offset_m
        for side, y in (("left", y_rail), ("right", -y_rail)):
            size = (length, 0.2, road.guardrail_height_m)
            parts.append(_box(size, centre_x, y, 0.0))
            names.append(f"guardrail-{side}")
            refl.append(road.guardrail_reflectivity)
    for obj in scene.objects:
        x, y, heading, _, _ = object_pose(obj.motion, t_s)
        parts.append(_box(obj.size_m, x, y, heading))
        names.append(obj.id)
        refl.append(obj.reflectivity)
    face_object = np.concatenate([np.full(len(p.faces), k) for k, p in enumerate(parts)])
    mesh = trimesh.util.concatenate(parts)
    return SceneMesh(mesh, face_object, tuple(names), np.asarray(refl, dtype=float))


def cast(scene_mesh_: SceneMesh, origins: np.ndarray, directions: np.ndarray):
    """First hit per ray: ``(range [m] or inf, face index or -1)``; directions are unit vectors."""
    intersector = _Intersector(scene_mesh_.mesh)
    face = np.asarray(intersector.intersects_first(origins, directions), dtype=np.int64)
    hit = face >= 0
    rng = np.full(len(directions), np.inf)
    mesh = scene_mesh_.mesh
    normal = mesh.face_normals[face[hit]]
    vertex = mesh.triangles[face[hit], 0]
    o = origins[hit] if origins.ndim == 2 and len(origins) == len(directions) else origins
    rng[hit] = np.einsum("ij,ij->i", normal, vertex - o) / np.einsum(
        "ij,ij->i", normal, directions[hit]
    )
    return rng, face


def simulate_frame(
    sensor: SensorSpec,
    scene: Scene,
    frame: int,
    seed: int = 0,
    sensor_height_m: float | None = None,
) -> PointCloud:
    """Cast one lidar frame of ``scene`` at frame index ``frame`` and apply the return model.

    ``seed`` makes noise and dropout reproducible (the RNG is seeded by ``(seed, frame)``).
    Casting many frames of one sensor: keep a :class:`FrameCaster`.
    """
    return FrameCaster(sensor).frame(scene, frame, seed, sensor_height_m)


GROUND_EDGE_MARGIN_M = 1e-3
"""Ground hits this close to the edge of the road quad [m] are cast every frame (they are
decided by the ray caster, not by the ground cache)."""


class FrameCaster:
    """Lidar frames of one sensor, keeping what does not move between frames.

    The ray table is built once, and turned to the ego's heading once per heading. The ground
    is the plane z = 0, so a ray's ground hit depends only on the sensor's height and heading
    and on where the road quad lies relative to the sensor: those hits (range [m], incidence,
    label) are computed once per such pose and reused. Each frame casts only the rays that can
    reach a body or a guardrail (inside the cone of its bounding sphere, seen from the sensor)
    and the rays whose ground hit lies near the quad's edge; they go through the same mesh and
    ray caster as a full cast, so a frame is the same as casting every ray
    (tests/autonomy/test_frame_cache.py).
    """

    def __init__(self, sensor: SensorSpec) -> None:
        self.sensor = sensor
        self.dirs_sensor, self.channel = ray_table(sensor)
        self._ground_key: tuple | None = None
        self._ground: tuple[np.ndarray, ...] = ()
        self._heading_rad = float("nan")
        self._dirs = self.dirs_sensor

    def frame(
        self, scene: Scene, frame: int, seed: int = 0, sensor_height_m: float | None = None
    ) -> PointCloud:
        """One frame of ``scene`` at frame index ``frame`` (see :func:`simulate_frame`)."""
        sensor, dirs_sensor, channel = self.sensor, self.dirs_sensor, self.channel
        t_s = scene.frame_time_s(frame, sensor.frame_rate_hz)
        origin = sensor_origin(scene, t_s, sensor_height_m)
        dirs = self._rotated(float(origin[3]))
        sm = scene_mesh(scene, t_s)
        base_range, base_label, base_cos, uncertain = self._ground_hits(scene, origin, dirs)
        range_m, label, cos_inc = base_range.copy(), base_label.copy(), base_cos.copy()
        todo = np.flatnonzero(uncertain | _may_hit_bodies(sm, origin, dirs))
        if len(todo):
            ray_dirs = np.ascontiguousarray(dirs[todo])
            origins = np.ascontiguousarray(np.broadcast_to(origin[:3], ray_dirs.shape))
            range_m[todo], face = cast(sm, origins, ray_dirs)
            label[todo] = np.where(face >= 0, sm.face_object[np.maximum(face, 0)], -1)
            normals = sm.mesh.face_normals[np.maximum(face, 0)]
            cos_inc[todo] = np.abs(np.einsum("ij,ij->i", normals, ray_dirs))
        refl = sm.reflectivity[np.maximum(label, 0)]
        rng = np.random.default_rng([seed, frame])
        kept, noisy = sample_returns(sensor, range_m, channel, refl, cos_inc, rng)
        xyz = dirs_sensor[kept] * noisy[kept, None]
        xyz[:, 2] += origin[2]
        intensity = np.clip(refl[kept] * cos_inc[kept] * (10.0 / noisy[kept]) ** 2, 0.0, 1.0)
        return PointCloud(
            xyz=xyz,
            intensity=intensity,
            channel=channel[kept],
            label=label[kept],
            names=sm.names,
            time_s=t_s,
            sensor_height_m=float(origin[2]),
            rays=len(dirs),
        )

    def _rotated(self, heading_rad: float) -> np.ndarray:
        """The ray directions turned to the ego's heading [rad] (kept for the last heading)."""
        if heading_rad != self._heading_rad:
            c, s = np.cos(heading_rad), np.sin(heading_rad)
            rot = np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])
            self._dirs = self.dirs_sensor @ rot.T
            self._heading_rad = heading_rad
        return self._dirs

    def _ground_hits(self, scene: Scene, origin: np.ndarray, dirs: np.ndarray):
        """Every ray's hit of the road quad alone: range [m] (inf: none), label, |cos| of the
        incidence, and whether the hit is too near the quad's edge to be decided here."""
        road = scene.road
        half_y = road.half_width_m + road.verge_m
        bounds = (
            road.start_x_m - origin[0],
            road.end_x_m - origin[0],
            -half_y - origin[1],
            half_y - origin[1],
        )
        key = (float(origin[2]), float(origin[3]), *(round(b, 6) for b in bounds))
        if key != self._ground_key:
            self._ground = _ground_hits(origin[2], dirs, bounds)
            self._ground_key = key
        return self._ground


def _ground_hits(height_m: float, dirs: np.ndarray, bounds: tuple[float, ...]):
    """Hits of rays from ``height_m`` [m] above the plane z = 0 inside the x/y ``bounds`` [m]
    relative to the sensor: as :func:`cast` computes them for the ground quad (range from the
    plane, |cos| of the incidence = |d_z|; a miss keeps the ground's incidence too)."""
    dz = dirs[:, 2]
    with np.errstate(divide="ignore", invalid="ignore"):
        plane_range = np.where(dz < 0, -height_m / dz, np.inf)
        x, y = plane_range * dirs[:, 0], plane_range * dirs[:, 1]
    finite = np.isfinite(plane_range)
    x0, x1, y0, y1 = bounds
    inside = finite & (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    edge = np.minimum.reduce([np.abs(x - x0), np.abs(x - x1), np.abs(y - y0), np.abs(y - y1)])
    uncertain = finite & (edge < GROUND_EDGE_MARGIN_M)
    range_m = np.where(inside, plane_range, np.inf)
    label = np.where(inside, GROUND, -1)
    return range_m, label, np.abs(dz), uncertain


def _may_hit_bodies(sm: SceneMesh, origin: np.ndarray, dirs: np.ndarray) -> np.ndarray:
    """Rays that can reach any part but the ground: inside the cone, seen from the sensor, of
    the part's bounding sphere (padded by GROUND_EDGE_MARGIN_M); all rays when the sensor is
    inside a sphere."""
    out = np.zeros(len(dirs), dtype=bool)
    corners = sm.mesh.triangles.reshape(-1, 3)
    owner = np.repeat(sm.face_object, 3)
    for part in range(GROUND + 1, len(sm.names)):
        points = corners[owner == part]
        centre = 0.5 * (points.min(axis=0) + points.max(axis=0))
        radius = np.linalg.norm(points - centre, axis=1).max() + GROUND_EDGE_MARGIN_M
        to_centre = centre - origin[:3]
        distance = float(np.linalg.norm(to_centre))
        if distance <= radius:
            return np.ones(len(dirs), dtype=bool)
        cos_cone = np.sqrt(1.0 - (radius / distance) ** 2)
        along = dirs[:, 0] * to_centre[0] + dirs[:, 1] * to_centre[1] + dirs[:, 2] * to_centre[2]
        out |= along >= distance * cos_cone * (1.0 - 1e-9)
    return out


def _quad(x0: float, x1: float, y0: float, y1: float) -> trimesh.Trimesh:
    vertices = np.array([[x0, y0, 0.0], [x1, y0, 0.0], [x1, y1, 0.0], [x0, y1, 0.0]])
    return trimesh.Trimesh(vertices, np.array([[0, 1, 2], [0, 2, 3]]), process=False)


def _box(size_m, x: float, y: float, heading: float) -> trimesh.Trimesh:
    transform = trimesh.transformations.rotation_matrix(heading, [0, 0, 1])
    transform[:3, 3] = [x, y, 0.5 * size_m[2]]
    return trimesh.creation.box(extents=size_m, transform=transform)
