"""``bevsim lidar``: one simulated lidar frame of a scene, its perception, and the files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.text import Text

from bevsim.cli.app import (
    PANEL_AUTONOMY,
    PLOT_SUFFIXES,
    JsonOption,
    app,
    check_output_path,
    console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.numbers import FRAME, SEED, SENSOR_HEIGHT_M, TRACK_FRAMES

DETECTION_COLUMNS = {
    "n_points": "points",
    "near_x_m": "near x m",
    "center_x_m": "centre x m",
    "center_y_m": "centre y m",
    "length_m": "length m",
    "width_m": "width m",
    "z_max_m": "top z m",
}


@app.command(name="lidar", rich_help_panel=PANEL_AUTONOMY)
@reports_input_errors
def lidar_command(
    sensor: Annotated[str, typer.Argument(help="Sensor id (e.g. hesai-at128) or sensor YAML.")],
    scene: Annotated[str, typer.Option(help="Scene id or scene YAML.")] = "highway-cut-in",
    frame: Annotated[int, typer.Option(help="Frame index (0 = t 0 s, at the sensor rate).")] = 0,
    out: Annotated[Path | None, typer.Option(help="Write the point cloud (.ply).")] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a bird's-eye plot (.png/.svg).")] = None,
    seed: Annotated[int, typer.Option(help="Seed of range noise and dropout.")] = 0,
    sensor_height: Annotated[
        float | None, typer.Option("--sensor-height", help="Roof mount height [m] (default 1.6).")
    ] = None,
    track_frames: Annotated[
        int, typer.Option(help="Frames tracked before FRAME to estimate closing speed.")
    ] = 10,
    as_json: JsonOption = False,
) -> None:
    """Cast one lidar frame of a scene; detect objects and the lead vehicle from the points."""
    from bevsim.autonomy.evaluate import run_frames
    from bevsim.autonomy.output import CLOUD_SUFFIXES, write_cloud
    from bevsim.autonomy.raycast import BACKEND
    from bevsim.autonomy.scenes import footprint, load_scene, sensor_origin, to_ego_frame
    from bevsim.autonomy.sensors import load_sensor

    check_output_path(out, CLOUD_SUFFIXES, "point cloud")
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    SENSOR_HEIGHT_M.check(sensor_height)
    TRACK_FRAMES.check(track_frames)
    FRAME.check(frame)
    SEED.check(seed)
    spec = load_sensor(sensor)
    scn = load_scene(scene)
    scn.frame_time_s(frame, spec.frame_rate_hz)  # refuse a bad frame before any work
    frames = range(max(0, frame - track_frames), frame + 1)
    result = run_frames(spec, scn, frames, seed=seed, sensor_height_m=sensor_height)[-1]
    cloud = result.cloud
    truth_box = None
    if result.truth is not None:
        obj = next(o for o in scn.objects if o.id == result.truth["object_id"])
        origin = sensor_origin(scn, cloud.time_s, sensor_height)
        truth_box = to_ego_frame(footprint(obj.size_m, obj.motion, cloud.time_s), origin)
    if out is not None:
        write_cloud(out, cloud.xyz, cloud.intensity, cloud.channel)
    if plot is not None:
        from bevsim.report.lidar_plots import plot_bird_eye

        title = f"{spec.name} - {scn.id}, frame {frame} (t = {cloud.time_s:.1f} s)"
        plot_bird_eye(plot, result, title, truth_box)
    record = {
        "sensor": spec.id,
        "scene": scn.id,
        "backend": BACKEND,
        "rays": cloud.rays,
        **result.to_record(),
        "sensor_height_m": round(cloud.sensor_height_m, 3),
        "cloud_file": None if out is None else str(out),
        "plot_file": None if plot is None else str(plot),
        "boxes": [d.to_record() for d in result.detections],
    }
    if as_json:
        print_records([record])
        return
    _print_summary(record, spec.name)
    if result.detections:
        frame_df = pd.DataFrame(record["boxes"]).sort_values("near_x_m")
        frame_df = frame_df.astype({"n_points": object})  # keep counts as integers
        print_table(frame_df, DETECTION_COLUMNS, "detections (ego frame; x forward, y left)")
    for path in (out, plot):
        if path is not None:
            console.print(f"written: {path}")


def _print_summary(rec: dict, sensor_name: str) -> None:
    def fmt(value, unit: str) -> str:
        return "-" if value is None else f"{value:.3f} {unit}"

    console.print(
        Text.assemble(
            (sensor_name, "bold"),
            " on ",
            (rec["scene"], "bold"),
            f", frame {rec['frame']} (t = {rec['time_s']:g} s): {rec['points']:,} points from "
            f"{rec['rays']:,} rays ({rec['backend']} ray casting), {rec['detections']} detections",
        )
    )
    console.print(
        f"lead object: distance {fmt(rec['lead_distance_m'], 'm')} "
        f"(truth {fmt(rec['truth_distance_m'], 'm')} of {rec['truth_object'] or 'none'}, "
        f"error {fmt(rec['distance_error_m'], 'm')}); closing speed "
        f"{fmt(rec['closing_speed_mps'], 'm/s')} "
        f"(truth {fmt(rec['truth_closing_speed_mps'], 'm/s')}, "
        f"tracked over {rec['track_age']} frames)"
    )
