"""Run a compiled batch over a drive cycle through the kernel."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numba import get_num_threads, set_num_threads

from bevsim.cycles import Cycle
from bevsim.engine.compile import CompiledBatch
from bevsim.engine.kernel import empty_outputs, run_batch
from bevsim.engine.layout import TOT, TR
from bevsim.engine.params import LANES
from bevsim.engine.state import VehicleState

DEFAULT_DT_S = 1.0


@dataclass(frozen=True)
class BatchOutput:
    """Totals [n_variants, TOTAL_COLUMNS], traces [n_variants, steps, TRACE_COLUMNS] or None,
    the trace's time stamps [s]."""

    totals: np.ndarray
    traces: np.ndarray | None
    time_s: np.ndarray

    @property
    def state(self) -> VehicleState:
        """The state each variant ended in (SOC, cell, cabin and tire temperature), for the
        next run."""
        return VehicleState.from_totals(self.totals)

    def total(self, name: str) -> np.ndarray:
        """One total of every variant, by name (TOTAL_COLUMNS) [n_variants]."""
        return self.totals[:, getattr(TOT, name)]

    def trace(self, name: str) -> np.ndarray:
        """One trace channel of every variant, by name (TRACE_COLUMNS) [n_variants, steps]."""
        if self.traces is None:
            raise ValueError("this run recorded no traces (run_cycle(..., traces=True))")
        return self.traces[:, :, getattr(TR, name)]


def run_cycle(
    batch: CompiledBatch,
    cycle: Cycle,
    traces: bool = False,
    dt_s: float = DEFAULT_DT_S,
    break_off_s: float = 0.0,
    state: VehicleState | None = None,
) -> BatchOutput:
    """Drive every variant of ``batch`` over ``cycle`` at time step ``dt_s`` [s].

    A cycle with an ambient temperature trace [degC] (a logged trip) sets each step's ambient
    for the cabin, pack and tire temperatures; air density and the warmed-up tires'
    equilibrium rise stay those of the batch's compiled conditions.

    ``break_off_s`` [s] > 0 stops a variant once it has been off the trace (more than the
    tolerance below the requested speed) for that long without a break; 0 drives to the end.

    ``state``: start from this state (SOC, cell, cabin and tire temperature per variant, e.g. the
    ``state`` of the run before) instead of the compiled conditions'; the batch is not changed.
    """
    params = batch.params if state is None else state.written_into(batch.params)
    trace = cycle.resampled(dt_s)
    speed = np.ascontiguousarray(trace.speed_mps, dtype=float)
    grade = np.ascontiguousarray(trace.grade, dtype=float)
    ambient = trace.ambient_temp_c
    ambient_c = np.empty(0) if ambient is None else np.ascontiguousarray(ambient, dtype=float)
    totals, trace_out = empty_outputs(len(params), len(speed), traces)
    with _threads_at_most(-(-len(params) // LANES)):
        run_batch(
            params,
            batch.tables,
            speed,
            grade,
            ambient_c,
            float(dt_s),
            float(break_off_s),
            totals,
            trace_out,
        )
    return BatchOutput(totals, trace_out if traces else None, trace.time_s)


@contextmanager
def _threads_at_most(blocks: int) -> Iterator[None]:
    """numba's threads for this thread's parallel loops cut to ``blocks`` (the kernel's blocks
    of LANES variants) while inside: a batch of one block runs on the calling thread, without
    waking the pool (on a busy machine that wait cost more than the run: 7-12 ms against
    0.5 ms for a 50 ms ADAS step, 2 cores)."""
    threads = get_num_threads()
    set_num_threads(max(1, min(blocks, threads)))
    try:
        yield
    finally:
        set_num_threads(threads)
