"""Scenes: shipped files, motion, ground truth, and refused input."""

from __future__ import annotations

import pytest
import yaml

from bevsim.autonomy.scenes import (
    SceneError,
    lead_ground_truth,
    list_scenes,
    load_scene,
    object_pose,
)


def test_shipped_scenes_load():
    assert {"highway-cut-in", "urban-pedestrian", "calibration-box"} <= set(list_scenes())
    for scene_id in list_scenes():
        assert load_scene(scene_id).id == scene_id


def test_waypoints_and_constant_speed():
    scene = load_scene("highway-cut-in")
    cut_in = next(o for o in scene.objects if o.id == "cut-in-car")
    x, y, _, vx, vy = object_pose(cut_in.motion, 2.5)
    assert (x, y) == pytest.approx((95.0, 1.75)) and vx == pytest.approx(22.0)
    x, *_ = object_pose(scene.ego.motion, 2.0)
    assert x == pytest.approx(50.0)


def test_braking_object_stops():
    from bevsim.autonomy.scenes import Motion

    m = Motion.model_validate(
        {"start": {"x_m": 0, "y_m": 0}, "speed_mps": 10, "acceleration_mps2": -5}
    )
    assert object_pose(m, 5.0)[0] == pytest.approx(10.0) and object_pose(m, 5.0)[3] == 0.0


def test_ground_truth_lead_switches_to_cut_in():
    scene = load_scene("highway-cut-in")
    assert lead_ground_truth(scene, 0.0, 1.75)["object_id"] == "lead-car"
    truth = lead_ground_truth(scene, 3.0, 1.75)
    assert truth["object_id"] == "cut-in-car"
    assert truth["closing_speed_mps"] == pytest.approx(3.0)
    assert lead_ground_truth(load_scene("calibration-box"), 0.0, 1.75)["distance_m"] == 20.0


def test_frame_out_of_range():
    scene = load_scene("highway-cut-in")
    assert scene.frame_count(10) == 81
    with pytest.raises(SceneError, match=r"frame 81 out of range.*frames 0\.\.80"):
        scene.frame_time_s(81, 10)
    with pytest.raises(SceneError, match="out of range"):
        scene.frame_time_s(-1, 10)


def test_unknown_scene_did_you_mean():
    with pytest.raises(SceneError, match="did you mean 'highway-cut-in'"):
        load_scene("highway-cutin")


def _write(tmp_path, data):
    path = tmp_path / "scene.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


BASE = {
    "duration_s": 1.0,
    "road": {"lanes": 1, "lane_width_m": 3.5},
    "ego": {"motion": {"start": {"x_m": 0, "y_m": 0}}},
}


def test_overlapping_objects_named(tmp_path):
    car = {"kind": "car", "size_m": [4.7, 1.9, 1.5], "reflectivity": 0.3}
    objects = [
        {**car, "id": "a", "motion": {"start": {"x_m": 20, "y_m": 0}}},
        {**car, "id": "b", "motion": {"start": {"x_m": 22, "y_m": 0.5, "heading_deg": 30}}},
    ]
    with pytest.raises(SceneError, match="objects 'a' and 'b' overlap at t=0"):
        load_scene(_write(tmp_path, {**BASE, "objects": objects}))
    objects[1] = {**car, "id": "b", "motion": {"start": {"x_m": 2, "y_m": 0}}}
    with pytest.raises(SceneError, match="objects 'ego' and 'b' overlap"):
        load_scene(_write(tmp_path, {**BASE, "objects": objects}))


def test_unknown_field_did_you_mean(tmp_path):
    data = {**BASE, "road": {"lanes": 1, "lane_widht_m": 3.5}}
    with pytest.raises(SceneError, match=r"road\.lane_widht_m: unknown field; did you mean"):
        load_scene(_write(tmp_path, data))


def test_bad_motion(tmp_path):
    data = {**BASE, "ego": {"motion": {"waypoints": [{"t_s": 1, "x_m": 0, "y_m": 0}]}}}
    with pytest.raises(SceneError, match="waypoints"):
        load_scene(_write(tmp_path, data))
