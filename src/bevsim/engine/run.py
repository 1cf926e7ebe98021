"""Run a compiled batch over a drive cycle through the kernel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bevsim.cycles import Cycle
from bevsim.engine.compile import CompiledBatch
from bevsim.engine.kernel import empty_outputs, run_batch

DEFAULT_DT_S = 1.0


@dataclass(frozen=True)
class BatchOutput:
    """Totals [n_variants, TOTAL_COLUMNS], traces [n_variants, steps, TRACE_COLUMNS] or None."""

    totals: np.ndarray
    traces: np.ndarray | None
    time_s: np.ndarray


def run_cycle(
    batch: CompiledBatch,
    cycle: Cycle,
    traces: bool = False,
    dt_s: float = DEFAULT_DT_S,
    break_off_s: float = 0.0,
) -> BatchOutput:
    """Drive every variant of ``batch`` over ``cycle`` at time step ``dt_s`` [s].

    A cycle with an ambient temperature trace [degC] (a logged trip) sets each step's ambient
    for the cabin and pack thermal models; air density and the tires' cold factor stay those
    of the batch's compiled conditions.

    ``break_off_s`` [s] > 0 stops a variant once it has been off the trace (more than the
    tolerance below the requested speed) for that long without a break; 0 drives to the end.
    """
    trace = cycle.resampled(dt_s)
    speed = np.ascontiguousarray(trace.speed_mps, dtype=float)
    grade = np.ascontiguousarray(trace.grade, dtype=float)
    ambient = trace.ambient_temp_c
    ambient_c = np.empty(0) if ambient is None else np.ascontiguousarray(ambient, dtype=float)
    totals, trace_out = empty_outputs(len(batch.params), len(speed), traces)
    run_batch(
        batch.params,
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
