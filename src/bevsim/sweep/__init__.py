"""Design sweeps: many variants x procedures, through an executor (local or Ray) into a DuckDB
results store keyed by content hash (see docs/sweeps.md)."""

from bevsim.sweep.run import SweepPlan, SweepProgress, execute_plan, plan_sweep, run_sweep
from bevsim.sweep.store import ResultStore, model_version
from bevsim.sweep.variants import SweepError

__all__ = [
    "ResultStore",
    "SweepError",
    "SweepPlan",
    "SweepProgress",
    "execute_plan",
    "model_version",
    "plan_sweep",
    "run_sweep",
]
