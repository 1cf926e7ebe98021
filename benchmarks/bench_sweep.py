"""Sweep throughput: FASTSim 3.1 against bevsim per core on the 2022 Tesla Model 3 RWD over UDDS,
and a CLTC range sweep through the DuckDB store (wall time, variants/s, peak RSS), one process.

    python benchmarks/bench_sweep.py                      # 100,000-variant batch + 20,000 sweep
    python benchmarks/bench_sweep.py --sweep-variants 50000
    python benchmarks/bench_sweep.py --million            # the 1,000,000-variant CLTC sweep

Part 1 (ratios): FASTSim runs its resource Model 3 one simulation per call on one thread, with
per-step history (its default) and without (``save_interval=None``); bevsim runs the same car
(FASTSim's parameters, bevsim's full model) as one batch of N variants (mass and drag +-10 %)
through the one kernel with numba pinned to one thread (benchmarks/bench_kernel.py builds it).
Part 2: ``run_sweep`` over a grid of curb mass x drag coefficient of ms11-lfp, CLTC driven to
depletion and recharged (full procedure, not one cycle extrapolated), chunks of 5,000, every row
written to a fresh DuckDB file; peak RSS from getrusage (memory must not grow with variants).
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from pathlib import Path

import numba
from rich.console import Console
from rich.table import Table

sys.path.insert(0, str(Path(__file__).parent))
from bench_kernel import bevsim_rate  # noqa: E402  (the FASTSim-equivalent batch)

from bevsim.peers import fastsim_peer  # noqa: E402
from bevsim.sweep import run_sweep  # noqa: E402


def peak_rss_mib() -> float:
    """Peak resident set size of this process [MiB] (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def sweep_vary(n_variants: int) -> list[str]:
    """A curb mass x drag grid of ms11-lfp with n_variants points (a multiple of 1,000)."""
    masses = max(1, n_variants // 1000)
    return [f"mass.curb_kg=1800:{1800 + masses - 1}", "body.drag_coefficient=0.19:0.2899:0.0001"]


def sweep_figures(n_variants: int, chunk_size: int) -> dict[str, float]:
    """Wall time, variants/s and peak RSS of a CLTC range sweep into a fresh store."""
    vary = sweep_vary(n_variants)
    run_sweep("ms11-lfp", ["body.drag_coefficient=0.2"])  # load the compiled kernel first
    with tempfile.TemporaryDirectory() as tmp:
        store = Path(tmp) / "sweep.duckdb"
        start = time.perf_counter()
        run_sweep("ms11-lfp", vary, store=store, chunk_size=chunk_size, collect=False)
        wall_s = time.perf_counter() - start
        store_mib = store.stat().st_size / 2**20
    variants = (n_variants // 1000) * 1000
    return {
        "variants": variants,
        "wall_s": wall_s,
        "per_s": variants / wall_s,
        "rss_mib": peak_rss_mib(),
        "store_mib": store_mib,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=int, default=100_000, help="batch size, part 1")
    parser.add_argument("--fastsim-repeats", type=int, default=30)
    parser.add_argument("--sweep-variants", type=int, default=20_000, help="part 2 size")
    parser.add_argument("--million", action="store_true", help="part 2 with 1,000,000 variants")
    parser.add_argument("--chunk-size", type=int, default=5_000)
    parser.add_argument("--skip-kernel", action="store_true", help="part 2 only")
    args = parser.parse_args()
    console = Console(width=120)
    cores = numba.config.NUMBA_NUM_THREADS

    if not args.skip_kernel:
        fastsim_history = fastsim_peer.time_model3("udds", repeats=args.fastsim_repeats)
        fastsim_bare = fastsim_peer.time_model3(
            "udds", repeats=args.fastsim_repeats, save_interval=None
        )
        ours = bevsim_rate(args.variants, threads=1, repeats=2)
        numba.set_num_threads(cores)
        table = Table(title="Model 3 RWD over UDDS: vehicle-cycles per second per core")
        for header in ("simulator", "setting", "veh-cycles/s/core", "bevsim / this"):
            table.add_column(header, justify="left" if header == "simulator" else "right")
        for name, setting, rate in (
            ("FASTSim 3.1", "1 run, history every step (default)", fastsim_history),
            ("FASTSim 3.1", "1 run, no history", fastsim_bare),
            ("bevsim", f"batch of {args.variants:,}, 1 thread", ours),
        ):
            table.add_row(name, setting, f"{rate:,.0f}", f"{ours / rate:,.0f}x")
        console.print(table)
        console.print(
            f"bevsim per core / FASTSim without history: {ours / fastsim_bare:,.0f}x "
            "(target: 1,000x)"
        )

    n = 1_000_000 if args.million else args.sweep_variants
    fig = sweep_figures(n, args.chunk_size)
    table = Table(title=f"CLTC range sweep into DuckDB, {cores} cores")
    for header in (
        "variants",
        "wall s",
        "variants/s",
        "ms/variant",
        "peak RSS MiB",
        "store MiB",
        "1M variants, extrapolated",
    ):
        table.add_column(header, justify="right")
    table.add_row(
        f"{fig['variants']:,}",
        f"{fig['wall_s']:,.1f}",
        f"{fig['per_s']:,.0f}",
        f"{1000 / fig['per_s']:.2f}",
        f"{fig['rss_mib']:,.0f}",
        f"{fig['store_mib']:,.1f}",
        f"{1e6 / fig['per_s'] / 60:,.1f} min",
    )
    console.print(table)


if __name__ == "__main__":
    main()
