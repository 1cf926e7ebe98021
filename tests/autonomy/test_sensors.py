"""Sensor files: datasheet figures, the range law, noise and dropout, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from bevsim.autonomy.sensors import (
    SensorError,
    detection_probability,
    list_sensors,
    load_sensor,
    max_range_m,
    ray_table,
    sample_returns,
)


def test_shipped_sensors():
    assert {"hesai-at128", "generic-spin-64"} <= set(list_sensors())


def test_at128_matches_datasheet(at128):
    assert at128.channels == 128
    assert at128.horizontal.steps == 1200
    assert at128.points_per_frame == 153_600 == at128.channels * at128.horizontal.steps
    assert at128.points_per_second == pytest.approx(1_536_000)
    assert at128.frame_rate_hz == 10
    elev = np.degrees(at128.elevations_rad())
    assert elev[0] == pytest.approx(12.93) and elev[-1] == pytest.approx(-12.47)
    assert np.allclose(np.diff(elev), -0.2)
    offsets = set(np.round(np.degrees(at128.azimuth_offsets_rad()), 2))
    assert offsets == {2.4, -0.65, -2.4, 0.65}
    r10 = at128.channel_range_at_10pct_m()
    assert r10[32:96].tolist() == [200.0] * 64 and r10[:32].max() == r10[96:].max() == 100.0
    assert at128.power_w == 13.5


def test_generic_64_points_per_frame():
    s = load_sensor("generic-spin-64")
    assert s.points_per_frame == 64 * 1800 == s.channels * s.horizontal.steps
    dirs, channel = ray_table(s)
    assert dirs.shape == (115_200, 3) and channel.max() == 63
    assert np.allclose(np.linalg.norm(dirs, axis=1), 1.0)


def test_max_range_scales_with_sqrt_reflectivity():
    assert max_range_m(200.0, 0.10) == pytest.approx(200.0)
    assert max_range_m(200.0, 0.40) == pytest.approx(400.0)
    assert max_range_m(200.0, 0.80, cap_m=300.0) == pytest.approx(300.0)


def test_detection_probability_falls_with_range_and_reflectivity(at128):
    r10 = 200.0  # central channels
    p = detection_probability(np.array([50, 150, 185, 195, 199.9, 210, 250]), r10)
    assert np.all(np.diff(p) <= 0) and p[0] == 1.0 and p[-1] == 0.0
    # a 10 % target beyond 200 m is never seen; an 80 % target at 250 m is (cap 300 m)
    assert detection_probability(205.0, max_range_m(r10, 0.10, 1.0, at128.max_range_m)) == 0.0
    r80 = max_range_m(r10, 0.80, 1.0, at128.max_range_m)
    assert detection_probability(250.0, r80) == 1.0
    # at a fixed range, darker targets are less likely seen
    refl = np.array([0.8, 0.3, 0.1, 0.05, 0.02])
    assert np.all(np.diff(detection_probability(60.0, max_range_m(r10, refl))) <= 0)


def test_returns_noise_and_dropout_are_seeded(at128):
    n = 20_000
    true = np.full(n, 50.0)
    args = (at128, true, np.full(n, 64), np.full(n, 0.5), np.ones(n))
    kept, noisy = sample_returns(*args, np.random.default_rng(1))
    kept2, noisy2 = sample_returns(*args, np.random.default_rng(1))
    assert np.array_equal(kept, kept2) and np.array_equal(noisy, noisy2)
    assert 1 - kept.mean() == pytest.approx(at128.noise.dropout, abs=0.003)
    assert np.std(noisy - true) == pytest.approx(at128.noise.range_sigma_m, rel=0.05)


def test_unknown_sensor_did_you_mean():
    with pytest.raises(SensorError, match="did you mean 'hesai-at128'"):
        load_sensor("hesai-at12")


def test_sensor_file_errors(tmp_path):
    text = load_sensor("generic-spin-64").model_dump_json()
    import json

    import yaml

    data = json.loads(text)
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({**data, "chanels": 64}))
    with pytest.raises(SensorError, match=r"chanels: unknown field; did you mean 'channels'"):
        load_sensor(bad)
    bad.write_text(yaml.safe_dump({**data, "points_per_frame": 1000}))
    with pytest.raises(SensorError, match="channels x horizontal steps"):
        load_sensor(bad)
