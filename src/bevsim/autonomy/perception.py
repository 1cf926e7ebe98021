"""Perception from the point cloud alone: ground plane, BEV clusters, boxes, lead-object track.

Pipeline (all lengths in metres, in the ego frame: x forward, y left, z up):

1. :func:`fit_ground` - RANSAC plane fit (near-horizontal planes only) refined by least squares;
   a point's height is its distance above that plane.
2. :func:`detect` - points 0.25..4 m above the ground go into a top-down occupancy grid
   (0.2 m cells) dilated by 2 cells; 8-connected components (:func:`scipy.ndimage.label`)
   are clusters; each gets an axis-aligned box and an oriented box (minimum-area rectangle
   over yaw in 2 deg steps).
3. :func:`lead_measurement` - the nearest cluster with points inside the ego corridor
   (|y| <= half lane width); its distance is the robust near edge of the cluster.
4. :class:`LeadTracker` - constant-velocity Kalman filter on distance; closing speed [m/s] is
   ``-d(distance)/dt``. A jump beyond the gate (a new lead, e.g. a cut-in) restarts the track.

Nothing here reads the scene: :func:`bevsim.autonomy.scenes.lead_ground_truth` only scores it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from scipy import ndimage

CELL_M = 0.2
"""Occupancy-grid cell size [m]."""
MIN_HEIGHT_M = 0.25
"""Points lower than this above the fitted ground are ground (or kerb) [m]."""
MAX_HEIGHT_M = 4.0
"""Points higher than this above the ground are overhead structure, not obstacles [m]."""
MERGE_CELLS = 2
"""Grid dilation before connected components [cells]: objects closer than ~0.8 m merge."""
GRID_X_M = (0.0, 250.0)
GRID_Y_M = (-50.0, 50.0)


@dataclass(frozen=True)
class Detection:
    """A cluster: point count, axis-aligned bounds [m], oriented box centre/size [m], yaw [rad]."""

    n_points: int
    x_min_m: float
    x_max_m: float
    y_min_m: float
    y_max_m: float
    z_max_m: float
    center_x_m: float
    center_y_m: float
    length_m: float
    width_m: float
    yaw_rad: float
    near_x_m: float

    def to_record(self) -> dict:
        """A flat dict with units in the keys."""
        return {k: (round(v, 4) if isinstance(v, float) else v) for k, v in self.__dict__.items()}


def fit_ground(
    xyz: np.ndarray,
    threshold_m: float = 0.15,
    iterations: int = 80,
    sample: int = 4000,
    seed: int = 0,
) -> np.ndarray:
    """Ground plane ``z = a x + b y + c`` as ``[a, b, c]`` by RANSAC, refined by least squares."""
    rng = np.random.default_rng(seed)
    pts = xyz if len(xyz) <= sample else xyz[rng.choice(len(xyz), sample, replace=False)]
    if len(pts) < 3:
        return np.array([0.0, 0.0, 0.0])
    tri = pts[rng.integers(0, len(pts), size=(iterations, 3))]
    normal = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])
    norm = np.linalg.norm(normal, axis=1)
    ok = norm > 1e-9
    normal[ok] /= norm[ok, None]
    ok &= np.abs(normal[:, 2]) > 0.95  # ground is near horizontal
    if not ok.any():
        return np.array([0.0, 0.0, float(np.quantile(xyz[:, 2], 0.1))])
    dist = np.abs(
        np.einsum("kj,nj->kn", normal[ok], pts)
        - np.einsum("kj,kj->k", normal[ok], tri[ok, 0])[:, None]
    )
    best = int(np.argmax((dist < threshold_m).sum(axis=1)))
    n, p0 = normal[ok][best], tri[ok][best, 0]
    inliers = np.abs((xyz - p0) @ n) < threshold_m
    a = np.column_stack([xyz[inliers, 0], xyz[inliers, 1], np.ones(inliers.sum())])
    coef, *_ = np.linalg.lstsq(a, xyz[inliers, 2], rcond=None)
    return coef


def height_above_ground(xyz: np.ndarray, plane: np.ndarray) -> np.ndarray:
    """Height of each point above the fitted ground plane [m]."""
    return xyz[:, 2] - (plane[0] * xyz[:, 0] + plane[1] * xyz[:, 1] + plane[2])


def detect(
    xyz: np.ndarray, plane: np.ndarray, min_points: int = 4
) -> tuple[list[Detection], np.ndarray]:
    """Cluster obstacle points on the BEV grid; returns detections and a per-point cluster id.

    The cluster id is -1 for ground/ignored points, else the index into the detections.
    """
    h = height_above_ground(xyz, plane)
    x, y = xyz[:, 0], xyz[:, 1]
    keep = (h > MIN_HEIGHT_M) & (h < MAX_HEIGHT_M)
    keep &= (x >= GRID_X_M[0]) & (x < GRID_X_M[1]) & (y >= GRID_Y_M[0]) & (y < GRID_Y_M[1])
    ix = ((x[keep] - GRID_X_M[0]) / CELL_M).astype(np.int64)
    iy = ((y[keep] - GRID_Y_M[0]) / CELL_M).astype(np.int64)
    shape = (int((GRID_X_M[1] - GRID_X_M[0]) / CELL_M), int((GRID_Y_M[1] - GRID_Y_M[0]) / CELL_M))
    grid = np.zeros(shape, dtype=bool)
    grid[ix, iy] = True
    # close gaps between scan lines (a roof or a side seen at a grazing angle comes in stripes
    # up to ~1 m apart) before labelling; clusters keep only their occupied cells
    merged = ndimage.binary_dilation(grid, iterations=MERGE_CELLS)
    labels, count = ndimage.label(merged, structure=np.ones((3, 3), dtype=bool))
    point_label = labels[ix, iy] - 1
    sizes = np.bincount(point_label, minlength=count)
    cluster = np.full(len(xyz), -1)
    detections: list[Detection] = []
    kept_idx = np.flatnonzero(keep)
    order = np.argsort(point_label, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    for k in range(count):
        if sizes[k] < min_points:
            continue
        members = kept_idx[order[bounds[k] : bounds[k + 1]]]
        cluster[members] = len(detections)
        detections.append(_box(xyz[members]))
    return detections, cluster


def near_edge_m(x: np.ndarray) -> float:
    """Robust nearest x of a surface seen with range noise [m]: median of the front 0.2 m."""
    front = np.quantile(x, 0.05)
    return float(np.median(x[x <= front + 0.2]))


def lead_measurement(
    xyz: np.ndarray,
    cluster: np.ndarray,
    corridor_half_width_m: float,
    min_points: int = 3,
) -> float | None:
    """Distance [m] to the nearest cluster with points ahead inside |y| <= corridor half width.

    The distance is the robust near edge of the whole cluster (a car cutting in is measured
    at its rear, not where it crosses the lane line).
    """
    inside = (cluster >= 0) & (np.abs(xyz[:, 1]) <= corridor_half_width_m) & (xyz[:, 0] > 0)
    counts = np.bincount(cluster[inside], minlength=1)
    best = None
    for k in np.flatnonzero(counts >= min_points):
        d = near_edge_m(xyz[cluster == k, 0])
        if d > 0 and (best is None or d < best):
            best = d
    return best


@dataclass
class LeadTracker:
    """Constant-velocity Kalman filter on lead distance [m] and its rate [m/s].

    ``sigma_m``: measurement noise [m]; ``accel_sigma_mps2``: process noise [m/s^2];
    ``gate_m``: a measurement further than this from the prediction starts a new track.
    """

    sigma_m: float = 0.05
    accel_sigma_mps2: float = 1.5
    gate_m: float = 3.0
    max_coast: int = 5
    state: np.ndarray | None = None
    cov: np.ndarray = field(default_factory=lambda: np.eye(2))
    age: int = 0
    missed: int = 0

    def update(self, distance_m: float | None, dt_s: float) -> tuple[float, float] | None:
        """Advance by ``dt_s`` [s] with a measurement (or None); returns (distance, closing)."""
        if self.state is not None:
            f = np.array([[1.0, dt_s], [0.0, 1.0]])
            g = np.array([0.5 * dt_s**2, dt_s])
            self.state = f @ self.state
            self.cov = f @ self.cov @ f.T + np.outer(g, g) * self.accel_sigma_mps2**2
        if distance_m is None:
            self.missed += 1
            if self.state is None or self.missed > self.max_coast or self.state[0] <= 0:
                self.state, self.age = None, 0
                return None
            return float(self.state[0]), float(-self.state[1])
        if self.state is None or abs(distance_m - self.state[0]) > self.gate_m:
            self.state = np.array([distance_m, 0.0])
            self.cov = np.diag([self.sigma_m**2, 10.0**2])
            self.age, self.missed = 1, 0
            return float(distance_m), 0.0
        innovation = distance_m - self.state[0]
        s = self.cov[0, 0] + self.sigma_m**2
        gain = self.cov[:, 0] / s
        self.state = self.state + gain * innovation
        self.cov = self.cov - np.outer(gain, self.cov[0, :])
        self.age += 1
        self.missed = 0
        return float(self.state[0]), float(-self.state[1])


def _box(points: np.ndarray) -> Detection:
    xy = points[:, :2]
    centre = xy.mean(axis=0)
    yaws = np.radians(np.arange(0.0, 90.0, 2.0))
    u = (xy - centre) @ np.stack([np.cos(yaws), np.sin(yaws)])
    v = (xy - centre) @ np.stack([-np.sin(yaws), np.cos(yaws)])
    area = np.ptp(u, axis=0) * np.ptp(v, axis=0)
    yaw = float(yaws[int(np.argmin(area))])
    if np.ptp(v[:, int(np.argmin(area))]) > np.ptp(u[:, int(np.argmin(area))]):
        yaw -= np.pi / 2  # length along the box's longer side
    c, s = np.cos(yaw), np.sin(yaw)
    local = (xy - centre) @ np.array([[c, -s], [s, c]])
    lo, hi = local.min(axis=0), local.max(axis=0)
    mid = centre + np.array([[c, -s], [s, c]]) @ (0.5 * (lo + hi))
    return Detection(
        n_points=len(points),
        x_min_m=float(xy[:, 0].min()),
        x_max_m=float(xy[:, 0].max()),
        y_min_m=float(xy[:, 1].min()),
        y_max_m=float(xy[:, 1].max()),
        z_max_m=float(points[:, 2].max()),
        center_x_m=float(mid[0]),
        center_y_m=float(mid[1]),
        length_m=float(hi[0] - lo[0]),
        width_m=float(hi[1] - lo[1]),
        yaw_rad=yaw,
        near_x_m=near_edge_m(xy[:, 0]),
    )
