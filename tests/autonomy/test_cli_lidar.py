"""``bevsim lidar``: files written, JSON, and bad input as one error line with exit code 2."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import bevsim.cli.lidar_commands  # noqa: F401  (registers the command until main.py imports it)
from bevsim.cli.main import app

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_lidar_writes_ply_and_png(workdir):
    from plyfile import PlyData

    res = invoke(
        "lidar",
        "hesai-at128",
        "--scene",
        "calibration-box",
        "--frame",
        "2",
        "--out",
        "frame.ply",
        "--plot",
        "frame.png",
        "--json",
    )
    assert res.exit_code == 0, res.output
    (record,) = json.loads(res.stdout)
    assert record["points"] > 10_000 and record["rays"] == 153_600
    assert record["lead_distance_m"] == pytest.approx(20.0, abs=0.05)
    assert record["truth_distance_m"] == 20.0
    ply = PlyData.read(str(workdir / "frame.ply"))
    assert ply["vertex"].count == record["points"]
    assert (workdir / "frame.png").read_bytes().startswith(PNG_SIGNATURE)
    assert sorted(p.name for p in workdir.iterdir()) == ["frame.ply", "frame.png"]


def test_lidar_table_output(workdir):
    res = invoke("lidar", "generic-spin-64", "--scene", "urban-pedestrian", "--frame", "20")
    assert res.exit_code == 0, res.output
    assert "lead object" in res.stdout and "pedestrian" in res.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["hesai-at12"], "did you mean 'hesai-at128'"),
        (["hesai-at128", "--scene", "highway-cutin"], "did you mean 'highway-cut-in'"),
        (["hesai-at128", "--frame", "81"], "frame 81 out of range"),
        (["hesai-at128", "--out", "frame.las"], "must end in .ply"),
        (["hesai-at128", "--out", "nofolder/frame.ply"], "does not exist"),
    ],
)
def test_lidar_bad_input(workdir, args, message):
    res = (
        invoke("lidar", *args, "--out", "f.ply", "--plot", "f.png")
        if "--out" not in args
        else invoke("lidar", *args)
    )
    assert res.exit_code == 2
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert list(workdir.iterdir()) == []


def test_lidar_overlapping_scene_file(workdir):
    (workdir / "s.yaml").write_text(
        "duration_s: 1\nroad: {lanes: 1, lane_width_m: 3.5}\n"
        "ego: {motion: {start: {x_m: 0, y_m: 0}}}\n"
        "objects:\n"
        "  - {id: a, kind: car, size_m: [4, 2, 1.5], reflectivity: 0.3,"
        " motion: {start: {x_m: 10, y_m: 0}}}\n"
        "  - {id: b, kind: car, size_m: [4, 2, 1.5], reflectivity: 0.3,"
        " motion: {start: {x_m: 12, y_m: 1}}}\n"
    )
    res = invoke("lidar", "hesai-at128", "--scene", "s.yaml", "--out", "f.ply")
    assert res.exit_code == 2 and "'a' and 'b' overlap" in res.stderr
    assert sorted(p.name for p in workdir.iterdir()) == ["s.yaml"]
