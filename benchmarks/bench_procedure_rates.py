"""Rows per second per core of a sweep, by procedure: the rates behind the sweep's ``estimate:``
line (``bevsim.sweep.budget.ROWS_PER_S_PER_CORE``).

    python benchmarks/bench_procedure_rates.py                     # every registered procedure
    python benchmarks/bench_procedure_rates.py --variants 400 cltc perf

Each procedure runs once on a few variants first (numba's compile and caches), then the timed
sweep of ms11-lfp over its curb mass (charge: standby load; ``--variants`` of them, no store) at the
procedure's default options (winter: one temperature, -7 degC; cycle: UDDS), one process on all
numba threads. Rows/s/core = variants / wall time / threads.
"""

from __future__ import annotations

import argparse
import time

import numba

from bevsim.procedures.registry import REGISTRY
from bevsim.sweep import run_sweep

OPTIONS = {"winter": {"temps_c": "-7"}}
CYCLES = {"cycle": ["udds"]}
FIELD = {"charge": ("charging.standby_power_w", 200)}
"""The varied field: curb mass [kg] from 1,800, or for the charge procedure (which no mass
changes) the standby load [W] from 200."""


def rate(name: str, variants: int) -> float:
    """Rows per second per core of a ``variants``-variant sweep of procedure ``name``."""
    path, low = FIELD.get(name, ("mass.curb_kg", 1800))
    vary = [f"{path}={low}:{low + variants - 1}"]
    procedures = [] if name in CYCLES else [name]
    kwargs = {"options": OPTIONS.get(name), "cycles": CYCLES.get(name, [])}
    run_sweep("ms11-lfp", [f"{path}={low},{low + 1}"], procedures, **kwargs)  # warm up
    start = time.perf_counter()
    frame = run_sweep("ms11-lfp", vary, procedures, **kwargs)
    wall_s = time.perf_counter() - start
    return len(frame) / wall_s / numba.config.NUMBA_NUM_THREADS


def main() -> None:
    """Print each procedure's measured rate."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("procedures", nargs="*", default=list(REGISTRY))
    parser.add_argument("--variants", type=int, default=100)
    args = parser.parse_args()
    for name in args.procedures:
        print(f"{name}: {rate(name, args.variants):,.1f} rows/s/core", flush=True)


if __name__ == "__main__":
    main()
