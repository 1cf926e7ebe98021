"""Multi-motor cost: the 2022 Model 3 Long Range AWD (two drive units, least-loss torque split)
against the 2022 Model 3 RWD (one), through the one kernel, in one process.

    python benchmarks/bench_multi_motor.py [--variants 5000] [--repeats 3]

Both cars run as batches of N variants (mass and drag spread +-10 %) over UDDS with numba
pinned to one thread, interleaved so that machine noise hits both alike. Also timed: the
compile of N AWD variants whose front motor power differs (each a new combined map, the one
step multi-motor cars add). The result is the ratio of AWD to RWD cost per vehicle-cycle
(target of issue 13: at most 1.5).
"""

from __future__ import annotations

import argparse
import time

import numba
import numpy as np
from rich.console import Console
from rich.table import Table

from bevsim.cycles import load_cycle
from bevsim.engine.compile import compile_vehicles
from bevsim.engine.layout import P
from bevsim.engine.run import run_cycle
from bevsim.spec import load_vehicle

RWD, AWD = "tesla-model3-rwd-2022", "tesla-model3-lr-awd-2022"


def _batch(vehicle_id: str, n: int):
    batch = compile_vehicles([load_vehicle(vehicle_id)])
    params = np.repeat(batch.params, n, axis=0)
    rng = np.random.default_rng(1)
    for column in (P.mass_kg, P.drag_area_m2):
        params[:, column] *= rng.uniform(0.9, 1.1, n)
    return batch.__class__(params, batch.tables, batch.vehicle_ids * n)


def kernel_seconds(vehicle_id: str, n: int, repeats: int) -> float:
    """Best wall time [s] of one UDDS run of ``n`` variants of a car."""
    batch, cycle = _batch(vehicle_id, n), load_cycle("udds")
    run_cycle(batch, cycle)  # compile
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        run_cycle(batch, cycle)
        best = min(best, time.perf_counter() - start)
    return best


def compile_seconds_per_new_map(n: int) -> float:
    """Compile time [s] per AWD variant whose motor ratings make a new combined map."""
    spec = load_vehicle(AWD)
    variants = []
    for k in range(n):
        data = spec.model_dump()
        data["drive"]["motors"][0]["peak_power_kw"] = 100.0 + 2.0 * k
        variants.append(type(spec).model_validate(data))
    start = time.perf_counter()
    compile_vehicles(variants)
    return (time.perf_counter() - start) / n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    numba.set_num_threads(1)
    rwd = kernel_seconds(RWD, args.variants, args.repeats)
    awd = kernel_seconds(AWD, args.variants, args.repeats)
    per_map = compile_seconds_per_new_map(20)
    table = Table(title=f"UDDS, {args.variants} variants, one thread")
    for column in ("car", "vehicle-cycles/s", "cost vs RWD"):
        table.add_column(column)
    table.add_row("Model 3 RWD (one drive unit)", f"{args.variants / rwd:,.0f}", "1.00")
    table.add_row("Model 3 LR AWD (two, split)", f"{args.variants / awd:,.0f}", f"{awd / rwd:.2f}")
    console = Console()
    console.print(table)
    console.print(f"compile of a new combined AWD map: {per_map:.3f} s per distinct motor pair")


if __name__ == "__main__":
    main()
