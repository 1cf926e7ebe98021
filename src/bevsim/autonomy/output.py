"""Writing a lidar frame's PLY point cloud (plyfile), atomically (its bird's-eye figure:
:mod:`bevsim.report.lidar_plots`).

Coordinates in the file are the ego frame [m] (x forward, y left, z up, ground below the
sensor at z = 0).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from bevsim.files import write_atomically

CLOUD_SUFFIXES = {".ply"}


def write_cloud(path: str | Path, xyz: np.ndarray, intensity: np.ndarray, channel: np.ndarray):
    """Binary little-endian PLY with float32 x, y, z [m], intensity [-] and uint16 ring."""
    from plyfile import PlyData, PlyElement

    vertex = np.empty(
        len(xyz),
        dtype=[("x", "f4"), ("y", "f4"), ("z", "f4"), ("intensity", "f4"), ("ring", "u2")],
    )
    vertex["x"], vertex["y"], vertex["z"] = xyz[:, 0], xyz[:, 1], xyz[:, 2]
    vertex["intensity"] = intensity
    vertex["ring"] = channel
    data = PlyData([PlyElement.describe(vertex, "vertex")], text=False)
    return write_atomically(path, lambda tmp: data.write(str(tmp)))
