"""Where chunks of variants run: in this process (local) or as Ray tasks on a cluster.

A chunk is a list of variant dicts and one procedure; ``run_chunk`` validates them, runs the
procedure through the procedure registry (``bevsim.procedures.registry``: the public procedure
functions, on the one numba kernel, parallel over all cores of the machine it runs on) and
returns one row per variant, in order. The local executor runs chunks one
after another (the kernel already uses every core); the Ray executor keeps a few chunks in flight
per node and yields them as they finish.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from bevsim.errors import BevsimError
from bevsim.spec import VehicleSpec, vehicle_from_dict
from bevsim.sweep.costs import pack_cost_usd_per_kwh

CYCLE_PREFIX = "cycle:"
DROPPED_COLUMNS = ("vehicle_id", "vehicle", "procedure", "cycle")
"""Result columns that repeat what the store keeps elsewhere (base vehicle, procedure)."""
INPUT_COLUMNS = (
    "pack_energy_kwh",
    "pack_mass_kg",
    "chemistry",
    "curb_mass_kg",
    "drag_coefficient",
    "pack_cost_usd_per_kwh",
    "pack_cost_usd",
)
"""Columns of a chunk's rows that describe the variant rather than its results."""


@dataclass
class ChunkTask:
    """One chunk: the variants to run for one procedure, and driver-side bookkeeping."""

    variants: list[dict[str, Any]]
    procedure: str
    pack_costs: dict[str, float] | None = None
    meta: dict[str, Any] = field(default_factory=dict)  # stays on the driver


def run_procedure(specs: Sequence[VehicleSpec], procedure: str) -> pd.DataFrame:
    """Result rows (one per spec, in order) of a procedure as the store names it: ``cltc``,
    ``cycle:NAME``, ``winter[temps_c=-7.0]`` (``bevsim.procedures.registry``). Columns that
    repeat the store's (vehicle, procedure) or the variant's inputs (chemistry) are dropped."""
    from bevsim.procedures.registry import run_named

    frame = run_named(list(specs), procedure)
    repeated = (*DROPPED_COLUMNS, *INPUT_COLUMNS)
    return frame.drop(columns=[c for c in repeated if c in frame.columns])


def run_chunk(
    variants: Sequence[dict[str, Any]],
    procedure: str,
    pack_costs: dict[str, float] | None = None,
    source: str = "variant",
) -> pd.DataFrame:
    """Validate and run one chunk; a variant that fails gets its message in ``error``."""
    from bevsim.chemistry import load_chemistry
    from bevsim.spec import pack_of
    from bevsim.spec.pack_mass import pack_mass_kg

    n = len(variants)
    errors: list[str | None] = [None] * n
    specs: list[VehicleSpec | None] = [None] * n
    for i, data in enumerate(variants):
        try:
            specs[i] = vehicle_from_dict(data, source=source)
        except BevsimError as exc:
            errors[i] = str(exc)
    inputs: dict[str, Any] = {name: np.full(n, np.nan) for name in INPUT_COLUMNS}
    inputs["chemistry"] = [None] * n
    for i, spec in enumerate(specs):
        if spec is None:
            continue
        energy_kwh = pack_of(spec).gross_energy_wh / 1000.0
        price = pack_cost_usd_per_kwh(spec.battery.chemistry, pack_costs)
        chemistry = load_chemistry(spec.battery.chemistry)
        inputs["pack_energy_kwh"][i] = energy_kwh
        inputs["pack_mass_kg"][i] = pack_mass_kg(
            1000.0 * energy_kwh, chemistry, spec.battery.pack_type
        )
        inputs["chemistry"][i] = spec.battery.chemistry
        inputs["curb_mass_kg"][i] = spec.mass.curb_kg
        inputs["drag_coefficient"][i] = spec.body.drag_coefficient
        inputs["pack_cost_usd_per_kwh"][i] = price
        inputs["pack_cost_usd"][i] = price * energy_kwh
    valid = [i for i, s in enumerate(specs) if s is not None]
    results = _run_bisecting([specs[i] for i in valid], procedure, [errors, valid])
    frame = pd.DataFrame(inputs)
    if results is not None:
        results.index = valid
        frame = frame.join(results)
    frame["error"] = pd.Series(errors, dtype=object)
    return frame


def _run_bisecting(
    specs: list[Any], procedure: str, errors_and_rows: list[Any]
) -> pd.DataFrame | None:
    """Run all specs; when the procedure refuses the batch, split it to find the variants it
    refuses (their rows get NaN results and the message)."""
    errors, rows = errors_and_rows
    if not specs:
        return None
    try:
        return run_procedure(specs, procedure).reset_index(drop=True)
    except BevsimError as exc:
        if len(specs) == 1:
            errors[rows[0]] = str(exc)
            return pd.DataFrame(index=[0])
    half = len(specs) // 2
    parts = [
        _run_bisecting(specs[:half], procedure, [errors, rows[:half]]),
        _run_bisecting(specs[half:], procedure, [errors, rows[half:]]),
    ]
    return pd.concat(parts, ignore_index=True)


class LocalExecutor:
    """Chunks one after another in this process (the kernel is parallel over all cores)."""

    name = "local"

    def __init__(self) -> None:
        from numba import config

        self.cores = int(config.NUMBA_NUM_THREADS)

    def map(self, tasks: Iterable[ChunkTask]) -> Iterator[tuple[ChunkTask, pd.DataFrame]]:
        for task in tasks:
            yield task, run_chunk(task.variants, task.procedure, task.pack_costs)

    def close(self) -> None:
        pass


class RayExecutor:
    """Chunks as Ray tasks on a cluster (``address`` HOST:PORT, or ``auto``; None: a local
    one). bevsim must be installed on the workers. Results come back as chunks finish.

    A HOST:PORT is probed with a plain TCP connect first (``bevsim.sweep.ray_connect``), so a
    wrong address fails in seconds instead of Ray's minute of retries; a token the cluster
    refuses is reported in one line."""

    name = "ray"

    def __init__(self, address: str | None = None, in_flight_per_cpu: float = 1.0) -> None:
        try:
            import ray
        except ImportError:
            raise BevsimError("--executor ray needs Ray: pip install 'bevsim[ray]'") from None
        from bevsim.sweep.ray_connect import connect

        self._ray = ray
        self._owns = not ray.is_initialized()
        if self._owns:
            connect(ray, address)
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.cores = cpus
        self.max_in_flight = max(2, int(cpus * in_flight_per_cpu))
        self._remote = ray.remote(run_chunk)

    def map(self, tasks: Iterable[ChunkTask]) -> Iterator[tuple[ChunkTask, pd.DataFrame]]:
        ray = self._ray
        pending: dict[Any, ChunkTask] = {}
        source = iter(tasks)
        exhausted = False
        while True:
            while not exhausted and len(pending) < self.max_in_flight:
                task = next(source, None)
                if task is None:
                    exhausted = True
                    break
                ref = self._remote.remote(task.variants, task.procedure, task.pack_costs)
                pending[ref] = task
            if not pending:
                return
            done, _ = ray.wait(list(pending), num_returns=1)
            for ref in done:
                yield pending.pop(ref), ray.get(ref)

    def close(self) -> None:
        if self._owns and self._ray.is_initialized():
            self._ray.shutdown()


def make_executor(name: str, address: str | None = None) -> LocalExecutor | RayExecutor:
    """An executor by name: ``local`` (default) or ``ray``."""
    if name == "local":
        if address is not None:
            raise BevsimError("--address goes with --executor ray")
        return LocalExecutor()
    if name == "ray":
        return RayExecutor(address)
    from bevsim.errors import did_you_mean

    raise BevsimError(
        f"unknown executor '{name}';{did_you_mean(name, ['local', 'ray'])} known: local, ray"
    )
