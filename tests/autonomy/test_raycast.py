"""Ray casting: exact hit distances against boxes, backend, frame contents."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bevsim.autonomy.raycast import BACKEND, cast, scene_mesh, simulate_frame
from bevsim.autonomy.scenes import Scene, load_scene


def test_embree_backend_in_use():
    assert BACKEND == "embree"


def _box_scene(x, y, length, width, height, heading_deg=0.0) -> Scene:
    return Scene.model_validate(
        {
            "id": "t",
            "duration_s": 0,
            "road": {"lanes": 1, "lane_width_m": 3.5, "start_x_m": -10, "end_x_m": 400},
            "ego": {"motion": {"start": {"x_m": 0, "y_m": 0}}},
            "objects": [
                {
                    "id": "box",
                    "kind": "box",
                    "size_m": [length, width, height],
                    "reflectivity": 0.5,
                    "motion": {"start": {"x_m": x, "y_m": y, "heading_deg": heading_deg}},
                }
            ],
        }
    )


@settings(max_examples=40, deadline=None)
@given(
    x=st.floats(5, 150),
    y=st.floats(-3, 3),
    length=st.floats(0.5, 5),
    width=st.floats(0.5, 3),
    height=st.floats(1.0, 3.0),
)
def test_ray_hits_box_face_at_known_distance(x, y, length, width, height):
    sm = scene_mesh(_box_scene(x, y, length, width, height), 0.0)
    origin = np.array([[0.0, 0.0, 0.5]])
    target = np.array([x - length / 2, y, 0.5])
    d = (target - origin[0]) / np.linalg.norm(target - origin[0])
    rng, face = cast(sm, origin, d[None, :])
    assert sm.face_object[face[0]] == 1  # the box, not the ground
    assert rng[0] == pytest.approx(np.linalg.norm(target - origin[0]), abs=1e-4)


def test_calibration_box_in_frame(at128):
    cloud = simulate_frame(at128, load_scene("calibration-box"), 0, seed=3)
    box = cloud.label == cloud.names.index("box")
    assert cloud.rays == 153_600 and box.sum() > 500
    front = cloud.xyz[box & (cloud.xyz[:, 0] < 20.5), 0]
    assert np.median(front) == pytest.approx(20.0, abs=0.01)  # 2 cm noise, many points
    assert np.std(front) < 0.05
    again = simulate_frame(at128, load_scene("calibration-box"), 0, seed=3)
    assert np.array_equal(cloud.xyz, again.xyz)


def test_far_dark_target_not_seen_bright_one_is(at128):
    far = _box_scene(230.0, 0.0, 4.0, 2.0, 3.0)
    dark = simulate_frame(
        at128,
        far.model_copy(
            update={"objects": [far.objects[0].model_copy(update={"reflectivity": 0.1})]}
        ),
        0,
    )
    bright = simulate_frame(
        at128,
        far.model_copy(
            update={"objects": [far.objects[0].model_copy(update={"reflectivity": 0.8})]}
        ),
        0,
    )
    assert (dark.label == 1).sum() == 0
    assert (bright.label == 1).sum() > 5
