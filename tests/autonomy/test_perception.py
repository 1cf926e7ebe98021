"""Perception against ground truth: the calibration box and tracking on the cut-in scene.

Stated errors (AT128, seed 0): calibration box distance within 0.05 m; cut-in lead distance
within 0.10 m on 95 % of frames; settled closing speed (track >= 1 s old) RMS within 0.3 m/s.
"""

from __future__ import annotations

import numpy as np
import pytest

from bevsim.autonomy.evaluate import error_summary, run_frames
from bevsim.autonomy.perception import LeadTracker, fit_ground
from bevsim.autonomy.scenes import load_scene


def test_calibration_box_found_at_known_distance(at128):
    results = run_frames(at128, load_scene("calibration-box"), range(3))
    for r in results:
        assert r.lead_distance_m == pytest.approx(20.0, abs=0.05)
        box = min(r.detections, key=lambda d: abs(d.near_x_m - 20.0))
        assert box.y_max_m - box.y_min_m == pytest.approx(1.8, abs=0.1)
        assert abs(r.plane[2]) < 0.02  # ground plane fitted at z = 0


def test_ground_fit_on_tilted_plane():
    rng = np.random.default_rng(0)
    xy = rng.uniform(-20, 20, (5000, 2))
    z = 0.02 * xy[:, 0] - 0.01 * xy[:, 1] + 0.3 + rng.normal(0, 0.02, 5000)
    wall = np.column_stack(
        [rng.uniform(5, 6, 800), rng.uniform(-2, 2, 800), rng.uniform(0, 2, 800)]
    )
    plane = fit_ground(np.vstack([np.column_stack([xy, z]), wall]))
    assert plane == pytest.approx([0.02, -0.01, 0.3], abs=0.01)


def test_tracker_constant_closing_speed():
    tracker = LeadTracker()
    rng = np.random.default_rng(0)
    for k in range(30):
        out = tracker.update(50.0 - 4.0 * 0.1 * k + rng.normal(0, 0.05), 0.1)
    assert out[1] == pytest.approx(4.0, abs=0.3)


@pytest.mark.slow
def test_cut_in_tracking_error(cut_in_run):
    summary = error_summary(cut_in_run)
    assert summary["frames_with_lead"] >= 78
    assert summary["distance_error_p95_abs_m"] < 0.10
    assert summary["closing_speed_error_rms_mps"] < 0.3
    switched = [r for r in cut_in_run if (r.truth or {}).get("object_id") == "cut-in-car"]
    assert switched and switched[-1].closing_speed_mps == pytest.approx(3.0, abs=0.2)


def test_perception_never_reads_the_scene():
    from pathlib import Path

    import bevsim.autonomy.perception as perception

    source = Path(perception.__file__).read_text(encoding="utf-8")
    assert "scenes" not in source.split('"""', 2)[2]
