"""Shared fixtures: the shipped sensors and scenes, and the cut-in run (computed once)."""

from __future__ import annotations

import pytest

from bevsim.autonomy.evaluate import run_frames
from bevsim.autonomy.scenes import load_scene
from bevsim.autonomy.sensors import load_sensor


@pytest.fixture(scope="session")
def at128():
    return load_sensor("hesai-at128")


@pytest.fixture(scope="session")
def cut_in_run(at128):
    scene = load_scene("highway-cut-in")
    return run_frames(at128, scene, range(scene.frame_count(at128.frame_rate_hz)))
