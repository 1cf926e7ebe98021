"""Lidar ray-casting throughput: rays/s and ms per frame for each shipped sensor.

Scene: ``highway-cut-in`` frame 0 (ground, two guardrails, three vehicles). Times the BVH
build + first-hit cast alone (the 50 ms AT128 budget), then the full frame (rays, casting,
range law, noise) and the perception pipeline. Best of N after one warm-up.

    python benchmarks/bench_lidar.py [--repeats 7]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from rich.console import Console
from rich.table import Table

from bevsim.autonomy.perception import detect, fit_ground, lead_measurement
from bevsim.autonomy.raycast import BACKEND, cast, scene_mesh, simulate_frame
from bevsim.autonomy.scenes import load_scene, sensor_origin
from bevsim.autonomy.sensors import list_sensors, load_sensor, ray_table

BUDGET_MS = 50.0


def best_of(fn, repeats: int) -> float:
    fn()
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    scene = load_scene("highway-cut-in")
    table = Table(title=f"bevsim lidar ray casting ({BACKEND} backend), highway-cut-in frame 0")
    for col in ("sensor", "rays", "cast ms", "rays/s", "frame ms", "perception ms", "< 50 ms"):
        table.add_column(col, justify="left" if col == "sensor" else "right")
    for sensor_id in list_sensors():
        sensor = load_sensor(sensor_id)
        dirs, _ = ray_table(sensor)
        origins = np.ascontiguousarray(np.broadcast_to(sensor_origin(scene, 0.0)[:3], dirs.shape))
        sm = scene_mesh(scene, 0.0)
        t_cast = best_of(lambda sm=sm, o=origins, d=dirs: cast(sm, o, d), args.repeats)
        t_frame = best_of(lambda s=sensor: simulate_frame(s, scene, 0), args.repeats)
        cloud = simulate_frame(sensor, scene, 0)

        def perceive(xyz=cloud.xyz):
            _, cluster = detect(xyz, fit_ground(xyz))
            lead_measurement(xyz, cluster, 1.75)

        t_perc = best_of(perceive, args.repeats)
        ok = t_cast * 1e3 < BUDGET_MS
        table.add_row(
            sensor_id,
            f"{len(dirs):,}",
            f"{t_cast * 1e3:.1f}",
            f"{len(dirs) / t_cast / 1e6:.1f} M",
            f"{t_frame * 1e3:.1f}",
            f"{t_perc * 1e3:.1f}",
            "[green]yes[/]" if ok else "[red]no[/]",
        )
    Console(width=120).print(table)


if __name__ == "__main__":
    main()
