"""What a sweep will cost before it starts: rows, wall time, memory and store size, and the
limits above which ``bevsim sweep`` refuses unless told otherwise.

Soft limits (``--yes`` accepts any, ``--max-variants N`` moves the variant limit): more than
DEFAULT_MAX_VARIANTS variants, or more than DEFAULT_MAX_TIME_S of estimated wall time.
Hard limits (always refused): rows kept in memory (no ``--store``) beyond half the memory
available, a store larger than the free disk space.

The rates are measured figures of this code on a 2-core machine (docs/sweeps.md, Performance):
they make an estimate, not a promise.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from bevsim.errors import BevsimError
from bevsim.procedures.protocol import parse_procedure_name
from bevsim.sweep.executors import CYCLE_PREFIX

ROWS_PER_S_PER_CORE = {
    "cltc": 925.0,
    "wltp": 1400.0,
    "epa": 560.0,
    CYCLE_PREFIX: 5000.0,
    "winter": 545.0,
    "everyday": 3630.0,
    "autonomy": 460.0,
    "charge": 165.0,
    "perf": 75.0,
}
"""Rows a core computes per second, by procedure (a cycle run: any ``cycle:NAME``; options do
not change the rate). CLTC: the 1,000,000-variant sweep into DuckDB ran at 1,852 variants/s on
2 cores (docs/sweeps.md, ``python benchmarks/bench_sweep.py --million --skip-kernel``). WLTP, EPA
and a UDDS cycle run: CLTC's rate times their measured ratio to CLTC in 2,000-variant sweeps of
ms11-lfp on the same machine (1.52, 0.60 and 5.5; 2026-12-02). Winter (one temperature, -7 degC,
which also runs the 23 degC reference), autonomy cost (CLTC with and without the stack), DC
charge and performance: CLTC's rate times their ratio to CLTC measured with
``python benchmarks/bench_procedure_rates.py`` (2,000 variants for winter and autonomy, 200 for
charge and perf, against CLTC's 2,000; 0.59, 0.50, 0.18 and 0.081; 2026-12-03, loaded machine).
A charge session and a launch run one vehicle at a time on one core. Everyday (its default day:
3 trips of 15 km, a warm-up day before the one reported, an AC recharge): CLTC's rate times
its ratio to CLTC, 3.93 (``python benchmarks/bench_procedure_rates.py --variants 400 cltc
everyday``: 354 and 1,389 rows/s/core, 2026-12-03, loaded machine)."""
STORE_BYTES_PER_ROW = 125.0
"""Store size per row [B]: 118.5 MiB for the 1,000,000-row CLTC sweep (docs/sweeps.md)."""
MEMORY_BYTES_PER_ROW = 1000.0
"""Memory per row kept for the summary or plot [B]: a collected row takes 370-500 B in pandas
(2,000-row sweeps, ``DataFrame.memory_usage(deep=True)``), doubled for the final concatenation."""
BASE_MEMORY_BYTES = 450 * 2**20
"""Memory of a sweep that keeps no rows [B]: peak RSS 401-447 MiB for 20k to 1M variants into a
store (docs/sweeps.md)."""
DEFAULT_MAX_VARIANTS = 1_000_000
DEFAULT_MAX_TIME_S = 3600.0
MEMORY_SHARE = 0.5
"""Share of the available memory a sweep may plan to use for rows it keeps [-]."""
DISK_MARGIN = 1.2
"""Free disk space needed, as a multiple of the estimated store size [-]."""


@dataclass(frozen=True)
class Estimate:
    """Estimated cost of a sweep: variants, rows, wall time [s], memory [B] and store [B]."""

    variants: int
    rows: int
    time_s: float
    memory_bytes: float
    store_bytes: float

    def line(self, cores: int, stored: bool) -> str:
        """One line for the user, e.g. ``estimate: 2,000 variants x 1 procedure ...``."""
        procedures = self.rows // max(self.variants, 1)
        parts = [
            f"estimate: {self.variants:,} variants x {procedures} procedure"
            f"{'s' if procedures != 1 else ''} = {self.rows:,} rows",
            f"about {duration(self.time_s)} on {cores} core{'s' if cores != 1 else ''}",
            f"{size(self.memory_bytes)} memory",
        ]
        if stored:
            parts.append(f"store {size(self.store_bytes)} (rows already stored are skipped)")
        return ", ".join(parts)


def estimate(variants: int, procedures: tuple[str, ...], cores: int, collect: bool) -> Estimate:
    """The cost of ``variants`` x ``procedures`` on ``cores`` cores; ``collect``: every row is
    also kept in memory."""
    rows = variants * len(procedures)
    seconds_per_variant = sum(1.0 / _rate(name) for name in procedures)
    time_s = variants * seconds_per_variant / max(cores, 1)
    memory = BASE_MEMORY_BYTES + (rows * MEMORY_BYTES_PER_ROW if collect else 0.0)
    return Estimate(variants, rows, time_s, memory, rows * STORE_BYTES_PER_ROW)


def check_limits(
    cost: Estimate,
    store: Path | None,
    collect: bool,
    yes: bool = False,
    max_variants: int | None = None,
) -> None:
    """Refuse a sweep above the limits (see the module docstring) with one line saying why
    and what would let it run: the soft limits first (unless ``yes``), then the hard ones."""
    limit = DEFAULT_MAX_VARIANTS if max_variants is None else max_variants
    if not yes and cost.variants > limit:
        raise BevsimError(
            f"{cost.variants:,} variants is above the limit of {limit:,}; give "
            f"--max-variants {cost.variants} or --yes to run it (about {duration(cost.time_s)})"
        )
    if not yes and max_variants is None and cost.time_s > DEFAULT_MAX_TIME_S:
        raise BevsimError(
            f"the sweep would take about {duration(cost.time_s)} "
            f"(limit {duration(DEFAULT_MAX_TIME_S)}); give --yes or --max-variants to run it"
        )
    if collect:
        available = available_memory_bytes()
        if available is not None and cost.memory_bytes > MEMORY_SHARE * available:
            hint = "give --store FILE.duckdb (and no --plot)" if store is None else "drop --plot"
            raise BevsimError(
                f"the sweep would keep {cost.rows:,} rows in memory, about "
                f"{size(cost.memory_bytes)} of {size(available)} available; {hint}"
            )
    if store is not None:
        free = shutil.disk_usage(store.resolve().parent).free
        if cost.store_bytes * DISK_MARGIN > free:
            raise BevsimError(
                f"{store}: the store would take about {size(cost.store_bytes)}, "
                f"{size(free)} free on its disk"
            )


def available_memory_bytes() -> float | None:
    """Memory available to a new process [B] (MemAvailable of /proc/meminfo), or None."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return float(line.split()[1]) * 1024.0
    except OSError:
        pass
    try:
        return float(os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return None


def duration(seconds: float) -> str:
    """``42 s``, ``12 min``, ``3.5 h`` or ``12 days`` for a duration [s]."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:,.0f} days"


def size(count: float) -> str:
    """``512 kB``, ``3.2 MB``, ``1.4 GB`` for a byte count (SI prefixes)."""
    for unit, scale in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6)):
        if count >= scale:
            return f"{count / scale:,.1f} {unit}"
    return f"{count / 1e3:,.0f} kB"


def _rate(procedure: str) -> float:
    """Rows/s per core of a procedure as the store names it (its options do not change it)."""
    if procedure.startswith(CYCLE_PREFIX):
        return ROWS_PER_S_PER_CORE[CYCLE_PREFIX]
    return ROWS_PER_S_PER_CORE[parse_procedure_name(procedure)[0]]
