"""Casting only what moves gives the same lidar frames as casting every ray (issue 17, item
9: `bevsim adas ms11-naion --scenario euro-ncap-ccrs --speeds 10:50:5` took 7.3 minutes)."""

from __future__ import annotations

import numpy as np
import pytest

from bevsim.autonomy.ccr import ccr_world
from bevsim.autonomy.raycast import FrameCaster, PointCloud, cast, scene_mesh
from bevsim.autonomy.scenarios import load_scenario
from bevsim.autonomy.scenes import load_scene, sensor_origin
from bevsim.autonomy.sensors import load_sensor, ray_table, sample_returns


def full_cast_frame(sensor, scene, frame, seed=0) -> PointCloud:
    """The frame with every ray cast through the mesh (the implementation before the cache)."""
    t_s = scene.frame_time_s(frame, sensor.frame_rate_hz)
    origin = sensor_origin(scene, t_s)
    dirs_sensor, channel = ray_table(sensor)
    c, s = np.cos(origin[3]), np.sin(origin[3])
    dirs = dirs_sensor @ np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]]).T
    sm = scene_mesh(scene, t_s)
    origins = np.ascontiguousarray(np.broadcast_to(origin[:3], dirs.shape))
    range_m, face = cast(sm, origins, dirs)
    label = np.where(face >= 0, sm.face_object[np.maximum(face, 0)], -1)
    cos_inc = np.abs(np.einsum("ij,ij->i", sm.mesh.face_normals[np.maximum(face, 0)], dirs))
    refl = sm.reflectivity[np.maximum(label, 0)]
    kept, noisy = sample_returns(
        sensor, range_m, channel, refl, cos_inc, np.random.default_rng([seed, frame])
    )
    xyz = dirs_sensor[kept] * noisy[kept, None]
    xyz[:, 2] += origin[2]
    intensity = np.clip(refl[kept] * cos_inc[kept] * (10.0 / noisy[kept]) ** 2, 0.0, 1.0)
    return PointCloud(
        xyz, intensity, channel[kept], label[kept], sm.names, t_s, float(origin[2]), len(dirs)
    )


def assert_same_frame(a: PointCloud, b: PointCloud) -> None:
    assert len(a) == len(b) and a.names == b.names
    for name in ("xyz", "intensity", "channel", "label"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name


@pytest.mark.parametrize(
    ("scenario", "target_kmh", "decel", "headway"),
    [
        ("euro-ncap-ccrs", 0.0, 0.0, None),
        ("euro-ncap-ccrm", 20.0, 0.0, None),
        ("euro-ncap-ccrb", 50.0, 6.0, 12.0),
    ],
)
def test_cached_frames_equal_full_casts_along_a_run(scenario, target_kmh, decel, headway):
    """World scenes at ego positions along a run: far target, near target, at contact, far
    from the origin; one caster reused across them, as the ADAS loop does."""
    scn = load_scenario(scenario)
    sensor = load_sensor("hesai-at128")
    caster = FrameCaster(sensor)
    case = {
        "ego_speed_kmh": 50.0,
        "target_speed_kmh": target_kmh,
        "headway_m": headway,
        "offset_pct": -50.0,
        "target_decel_mps2": decel,
    }
    world, _ = ccr_world(scn, case)
    lead = world.bodies[0].x_m
    for k, ego_x in enumerate([0.0, 0.3, lead - 30.0, lead - 8.0, lead - 4.5, 1234.56789]):
        scene = world.scene(ego_x, 11.0, "adas-frame")
        assert_same_frame(caster.frame(scene, 0, seed=k), full_cast_frame(sensor, scene, 0, k))


@pytest.mark.parametrize("scene_id", ["calibration-box", "highway-cut-in", "urban-pedestrian"])
def test_cached_frames_equal_full_casts_on_library_scenes(scene_id):
    scene = load_scene(scene_id)
    sensor = load_sensor("hesai-at128")
    caster = FrameCaster(sensor)
    frames = scene.frame_count(sensor.frame_rate_hz)
    for frame in sorted({0, frames // 2, frames - 1}):
        cached = caster.frame(scene, frame, seed=5)
        assert_same_frame(cached, full_cast_frame(sensor, scene, frame, 5))


def test_issue_example_adas_shows_progress_when_not_a_terminal(monkeypatch):
    """`bevsim adas ... --speeds 10:50:5` ran for minutes with no output."""
    from typer.testing import CliRunner

    from bevsim.cli import adas_commands, progress  # noqa: F401  (registers the commands)
    from bevsim.cli.app import app

    monkeypatch.setattr(progress, "PLAIN_EVERY_S", 0.0)
    args = ["adas", "ms11-naion", "--speeds", "20,30", "--perception", "ideal", "--json"]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    lines = [x for x in result.stderr.splitlines() if x.startswith("adas euro-ncap-ccrs: ")]
    assert lines[0].startswith("adas euro-ncap-ccrs: 1/10 cases")
    assert lines[-1].startswith("adas euro-ncap-ccrs: 10/10 cases (100 %)")
