"""Bird's-eye figure of a lidar frame: points by height, detection boxes, the lead (PNG/SVG).

Coordinates are the ego frame [m] (x forward, y left, z up, ground below the sensor at z = 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from matplotlib.patches import Polygon

from bevsim.report.figure_file import plt, save_figure


def plot_bird_eye(path: str | Path, result, title: str, truth_box=None) -> Path:
    """Top-down view: points coloured by height [m], detection boxes, the lead highlighted.

    ``result`` is an :class:`bevsim.autonomy.evaluate.FrameResult`; ``truth_box`` optional
    (4, 2) ground-truth footprint of the lead object in the ego frame [m], drawn dashed.
    """
    xyz = result.cloud.xyz
    fig, ax = plt.subplots(figsize=(11, 6))
    order = np.argsort(xyz[:, 2])
    sc = ax.scatter(
        xyz[order, 0], xyz[order, 1], c=xyz[order, 2], s=0.3, cmap="viridis", vmin=-0.2, vmax=3.0
    )
    fig.colorbar(sc, ax=ax, label="height above ground [m]")
    for det in result.detections:
        ax.add_patch(Polygon(_corners(det), fill=False, ec="tab:red", lw=0.8))
    if truth_box is not None:
        ax.add_patch(Polygon(truth_box, fill=False, ec="black", ls="--", lw=1.0))
    if result.lead_distance_m is not None:
        ax.axvline(result.lead_distance_m, color="tab:orange", lw=0.8, ls=":")
        ax.text(result.lead_distance_m, 0, f" lead {result.lead_distance_m:.2f} m", fontsize=8)
    ax.plot([0], [0], marker="^", color="black")
    x_far = max(
        [float(np.quantile(xyz[:, 0], 0.99)) if len(xyz) else 50.0]
        + [d.x_max_m for d in result.detections]
    )
    ax.set_xlim(-5, max(30.0, min(x_far + 5, 250.0)))
    ax.set_ylim(-25, 25)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xlabel("x forward [m]")
    ax.set_ylabel("y left [m]")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    return save_figure(fig, path, dpi=130)


def _corners(det) -> np.ndarray:
    c, s = np.cos(det.yaw_rad), np.sin(det.yaw_rad)
    hl, hw = 0.5 * det.length_m, 0.5 * det.width_m
    local = np.array([[hl, hw], [-hl, hw], [-hl, -hw], [hl, -hw]])
    return local @ np.array([[c, s], [-s, c]]) + np.array([det.center_x_m, det.center_y_m])
