"""Kernel throughput against the peer: FASTSim 3.1 and bevsim on the 2022 Tesla Model 3 RWD over
UDDS, in one process, in vehicle-cycles per second per core.

    python benchmarks/bench_kernel.py [--variants 10000]

FASTSim runs its resource "2022 Tesla Model 3 RWD" (one simulation per call, one thread),
timed on fresh SimDrive copies, with its default per-step history and without. bevsim runs the
same vehicle (FASTSim's parameters, bevsim's full model: motor loss map, pack equivalent
circuit with RC pair) as a batch of N variants (mass and drag spread +-10 %) through the one
kernel, with numba pinned to one thread for the per-core figure, then on all cores. Ratios,
not seconds, are the result: the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numba
import numpy as np
from rich.console import Console
from rich.table import Table

from bevsim.cycles import load_cycle
from bevsim.engine.compile import compile_vehicles
from bevsim.engine.layout import P
from bevsim.engine.run import run_cycle
from bevsim.peers import fastsim_peer
from bevsim.peers.fastsim_equivalent import bevsim_model3_equivalent


def bevsim_rate(n_variants: int, threads: int, repeats: int = 3) -> float:
    """bevsim vehicle-cycles per second over UDDS for a batch of Model 3 variants."""
    with tempfile.TemporaryDirectory() as tmp:
        spec, conditions = bevsim_model3_equivalent(Path(tmp) / "map.csv")
        batch = compile_vehicles([spec], conditions)
    params = np.repeat(batch.params, n_variants, axis=0)
    rng = np.random.default_rng(1)
    for column in (P.mass_kg, P.drag_area_m2):
        params[:, column] *= rng.uniform(0.9, 1.1, n_variants)
    params[:, P.inertial_mass_kg] = params[:, P.mass_kg] + (
        batch.params[0, P.inertial_mass_kg] - batch.params[0, P.mass_kg]
    )
    batch = type(batch)(params, batch.tables, batch.vehicle_ids * n_variants)
    cycle = load_cycle("udds")
    numba.set_num_threads(threads)
    run_cycle(batch, cycle)  # compile or load the cached kernel
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        run_cycle(batch, cycle)
        best = min(best, time.perf_counter() - start)
    return n_variants / best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=10_000)
    parser.add_argument("--fastsim-repeats", type=int, default=30)
    args = parser.parse_args()
    cores = numba.config.NUMBA_NUM_THREADS

    fastsim_history = fastsim_peer.time_model3("udds", repeats=args.fastsim_repeats)
    fastsim_no_history = fastsim_peer.time_model3(
        "udds", repeats=args.fastsim_repeats, save_interval=None
    )
    ours_one = bevsim_rate(args.variants, threads=1)
    ours_all = bevsim_rate(args.variants, threads=cores)

    table = Table(title="Model 3 RWD over UDDS: vehicle-cycles per second")
    for header in ("simulator", "setting", "veh-cycles/s", "per core", "bevsim per core / this"):
        table.add_column(header, justify="right" if header != "simulator" else "left")
    rows = [
        ("FASTSim 3.1", "1 run, history every step (default)", fastsim_history, 1),
        ("FASTSim 3.1", "1 run, no history", fastsim_no_history, 1),
        ("bevsim", f"batch of {args.variants:,}, 1 thread", ours_one, 1),
        ("bevsim", f"batch of {args.variants:,}, {cores} threads", ours_all, cores),
    ]
    for name, setting, rate, used in rows:
        per_core = rate / used
        table.add_row(
            name, setting, f"{rate:,.0f}", f"{per_core:,.0f}", f"{ours_one / per_core:,.0f}x"
        )
    console = Console(width=120)
    console.print(table)
    console.print(
        "bevsim per core vs FASTSim without history (its fastest): "
        f"{ours_one / fastsim_no_history:,.0f}x; vs FASTSim default: "
        f"{ours_one / fastsim_history:,.0f}x (target of the core issue: 300x)"
    )


if __name__ == "__main__":
    main()
