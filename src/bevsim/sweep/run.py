"""The sweep orchestrator: variants x procedures, chunk by chunk, through an executor into the
store; a rerun skips the keys already stored.

    from bevsim.sweep import run_sweep
    frame = run_sweep("ms11-lfp", ["battery.cells_in_parallel=1:3",
                                   "body.drag_coefficient=0.19,0.21,0.23"],
                      procedures=["cltc"], store="sweep.duckdb")
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from bevsim.errors import BevsimError, did_you_mean
from bevsim.spec import VehicleSpec, load_vehicle
from bevsim.sweep.costs import pack_cost_usd_per_kwh
from bevsim.sweep.effects import check_effects
from bevsim.sweep.executors import ChunkTask, make_executor
from bevsim.sweep.pack_axes import MassFollowsPack, mass_source, restate_pack
from bevsim.sweep.store import ResultStore, content_key, model_version
from bevsim.sweep.variants import (
    SweepError,
    VariantSpace,
    canonical_json,
    field_paths,
    parse_sample,
    parse_vary,
)

DEFAULT_CHUNK = 5_000
RANGE_PROCEDURES = ("cltc", "wltp", "epa")


@dataclass(frozen=True)
class SweepPlan:
    """A checked sweep: the variant space, procedures and model version (nothing run yet)."""

    base_vehicle: str
    space: VariantSpace
    procedures: tuple[str, ...]
    version: str
    pack_costs: dict[str, float] | None
    mass_source: str = "file"
    notes: tuple[str, ...] = ()

    @property
    def rows(self) -> int:
        return len(self.space) * len(self.procedures)


@dataclass
class SweepProgress:
    """Counts handed to a progress callback after every chunk."""

    total: int
    done: int = 0
    computed: int = 0
    skipped: int = 0
    failed: int = 0


def plan_sweep(
    vehicle: str | Path | VehicleSpec,
    vary: Sequence[str],
    procedures: Sequence[str] = ("cltc",),
    cycles: Sequence[str] = (),
    sample: str | int | None = None,
    seed: int = 0,
    pack_costs: dict[str, float] | None = None,
    fixed_mass: bool = False,
    options: dict[str, str] | None = None,
) -> SweepPlan:
    """Parse and validate everything; raise a BevsimError before any variant runs.

    The pack's form follows the varied pack fields and the curb mass follows the pack unless
    ``fixed_mass`` (``bevsim.sweep.pack_axes``); a varied field that changes no result is
    refused (``bevsim.sweep.effects``). ``procedures``: any registered procedure
    (``bevsim.procedures.registry``) or ``all`` (the range tests); ``options``: procedure
    options as text (``{"temps_c": "-7,-20"}``), each passed to every procedure that takes it;
    a procedure with several conditions (winter's temperatures) becomes one procedure each.
    """
    spec = load_vehicle(vehicle)
    base = spec.model_dump(mode="json", exclude_none=True)
    known = field_paths(base)
    axes = tuple(parse_vary(text, known) for text in vary)
    paths = [a.path for a in axes]
    for path in paths:
        if paths.count(path) > 1:
            raise SweepError(f"--vary {path}: given more than once")
    count = sample if isinstance(sample, int) or sample is None else parse_sample(sample)
    source = mass_source(paths, fixed_mass)
    follow = MassFollowsPack.of(spec).apply if source == "cells" else None
    space = VariantSpace(restate_pack(spec, base, paths), axes, count, seed, follow)
    space.check(source=f"{spec.id} variant")
    names = _procedures(procedures, cycles, options or {})
    chem_axis = [a for a in axes if a.path == "battery.chemistry"]
    chemistries = chem_axis[0].values if chem_axis else (spec.battery.chemistry,)
    for chem in chemistries or ():
        pack_cost_usd_per_kwh(str(chem), pack_costs)
    if len(space) == 0:
        raise SweepError("the sweep has no variants")
    notes = check_effects(space, names)
    return SweepPlan(spec.id, space, names, model_version(), pack_costs, source, notes)


def _procedures(
    procedures: Sequence[str], cycles: Sequence[str], options: dict[str, str]
) -> tuple[str, ...]:
    """The store's procedure texts: one per procedure and condition (``bevsim.procedures.
    protocol``), with the options each procedure takes; an option none of them takes is refused."""
    from bevsim.cycles import load_cycle
    from bevsim.procedures.protocol import procedure_name
    from bevsim.procedures.registry import REGISTRY, parse_options

    chosen: list[tuple[str, dict[str, str]]] = []
    for name in procedures:
        lowered = name.lower()
        if lowered == "all":
            chosen.extend((n, {}) for n in RANGE_PROCEDURES)
        elif lowered in REGISTRY:
            chosen.append((lowered, {}))
        else:
            known = [*REGISTRY, "all"]
            raise SweepError(
                f"unknown procedure '{name}';{did_you_mean(lowered, known)} "
                f"known: {', '.join(known)} (or --cycle NAME for a cycle run)"
            )
    chosen.extend(("cycle", {"cycle": cycle}) for cycle in cycles)
    if not chosen:
        raise SweepError("give at least one --procedure or --cycle")
    taken = {o.name for n, _ in chosen for o in REGISTRY[n].options}
    unused = [key for key in options if key not in taken]
    if unused:
        raise SweepError(
            f"--option {unused[0]}: taken by none of the procedures "
            f"{', '.join(dict.fromkeys(n for n, _ in chosen))} (bevsim procedures lists them)"
        )
    names: list[str] = []
    for name, own in chosen:
        procedure = REGISTRY[name]
        texts = {o.name: options[o.name] for o in procedure.options if o.name in options}
        resolved = parse_options(procedure, texts | own)
        if name == "cycle":
            resolved["cycle"] = load_cycle(resolved["cycle"]).name
        names.extend(procedure_name(procedure, c) for c in procedure.conditions(**resolved))
    return tuple(dict.fromkeys(names))


def run_sweep(
    vehicle: str | Path | VehicleSpec,
    vary: Sequence[str],
    procedures: Sequence[str] = ("cltc",),
    cycles: Sequence[str] = (),
    sample: str | int | None = None,
    seed: int = 0,
    store: str | Path | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    executor: str = "local",
    address: str | None = None,
    pack_costs: dict[str, float] | None = None,
    progress: Callable[[SweepProgress], None] | None = None,
    collect: bool = True,
    fixed_mass: bool = False,
    options: dict[str, str] | None = None,
) -> pd.DataFrame:
    """Run a sweep and return its rows (one per variant and procedure, in variant order).

    ``vary``: ``PATH=SPEC`` strings (``a:b``, ``a:b:step``, ``v1,v2``); ``sample``: None for the
    grid or ``"lhs:N"``; ``store``: a DuckDB file that keeps every row (a rerun computes only
    the missing ones); ``collect=False`` returns an empty frame (a million rows stay in the
    store); ``fixed_mass``: keep the file's curb mass whatever the pack; ``options``: procedure
    options as text (see plan_sweep). Columns: key,
    model_version, procedure, base_vehicle, mass_source, the varied fields (dots as
    underscores), pack_energy_kwh, pack_mass_kg, chemistry, curb_mass_kg, drag_coefficient,
    pack_cost_usd_per_kwh, pack_cost_usd, the procedure's results, error.
    """
    if chunk_size < 1:
        raise SweepError(f"chunk size must be at least 1 (got {chunk_size})")
    plan = plan_sweep(
        vehicle, vary, procedures, cycles, sample, seed, pack_costs, fixed_mass, options
    )
    return execute_plan(plan, store, chunk_size, executor, address, progress, collect)


def execute_plan(
    plan: SweepPlan,
    store: str | Path | None = None,
    chunk_size: int = DEFAULT_CHUNK,
    executor: str | Any = "local",
    address: str | None = None,
    progress: Callable[[SweepProgress], None] | None = None,
    collect: bool = True,
) -> pd.DataFrame:
    """Run a checked plan (see run_sweep); ``executor`` a name or a made executor."""
    if store is not None and not Path(store).parent.resolve().is_dir():
        raise BevsimError(f"{store}: folder {Path(store).parent} does not exist")
    runner = make_executor(executor, address) if isinstance(executor, str) else executor
    results = ResultStore(store) if store is not None else None
    if results is not None:
        try:
            results.verify()
        except BevsimError:
            results.close()
            raise
    state = SweepProgress(total=plan.rows)
    frames: list[pd.DataFrame] = []
    try:
        tasks = _tasks(plan, chunk_size, results, state, frames if collect else None, progress)
        for task, rows in runner.map(tasks):
            frame = _rows(plan, task, rows)
            if results is not None:
                results.write(frame.drop(columns=["_order", "_procedure_order"]))
            if collect:
                frames.append(frame)
            state.done += len(frame)
            state.computed += len(frame)
            state.failed += int(frame["error"].notna().sum())
            if progress is not None:
                progress(state)
    finally:
        runner.close()
        if results is not None:
            results.close()
    if not collect or not frames:
        return pd.DataFrame()
    out = pd.concat(frames, ignore_index=True)
    order = ["_order", "_procedure_order"]
    out = out.sort_values(order, kind="stable").drop(columns=order).reset_index(drop=True)
    return out


def _tasks(
    plan: SweepPlan,
    chunk_size: int,
    store: ResultStore | None,
    state: SweepProgress,
    frames: list[pd.DataFrame] | None,
    progress: Callable[[SweepProgress], None] | None,
) -> Iterator[ChunkTask]:
    """Chunks of variants still missing from the store, one task per (chunk, procedure)."""
    space = plan.space
    start = 0
    for values in space.chunks(chunk_size):
        variants = [space.variant(v) for v in values]
        texts = [canonical_json(v) for v in variants]
        for p_index, procedure in enumerate(plan.procedures):
            keys = [content_key(t, procedure, plan.version) for t in texts]
            stored = store.known_keys(keys) if store is not None else set()
            todo = [i for i, k in enumerate(keys) if k not in stored]
            if stored:
                if frames is not None:
                    old = store.fetch([k for k in keys if k in stored])
                    position = {k: start + i for i, k in enumerate(keys)}
                    old["_order"] = old["key"].map(position)
                    old["_procedure_order"] = p_index
                    frames.append(old)
                state.done += len(stored)
                state.skipped += len(stored)
                if progress is not None:
                    progress(state)
            if todo:
                yield ChunkTask(
                    [variants[i] for i in todo],
                    procedure,
                    plan.pack_costs,
                    meta={
                        "keys": [keys[i] for i in todo],
                        "values": [values[i] for i in todo],
                        "order": [start + i for i in todo],
                        "procedure_order": p_index,
                    },
                )
        start += len(values)


def _rows(plan: SweepPlan, task: ChunkTask, rows: pd.DataFrame) -> pd.DataFrame:
    """The store rows of a finished chunk: key and inputs first, then the results."""
    meta = task.meta
    head: dict[str, Any] = {
        "key": meta["keys"],
        "model_version": plan.version,
        "procedure": task.procedure,
        "base_vehicle": plan.base_vehicle,
        "mass_source": plan.mass_source,
    }
    for j, axis in enumerate(plan.space.axes):
        column = pd.Series([v[j] for v in meta["values"]])
        if column.dtype == object and all(isinstance(v, int | float) for v in column):
            column = column.astype(float)  # a list mixing 1 and 2.5
        head[axis.column] = column
    frame = pd.concat([pd.DataFrame(head), rows.reset_index(drop=True)], axis=1)
    frame["_order"] = meta["order"]
    frame["_procedure_order"] = meta["procedure_order"]
    return frame
