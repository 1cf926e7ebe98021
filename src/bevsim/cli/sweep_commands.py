"""``bevsim sweep``: design variants x procedures into a DuckDB store; ``bevsim results``."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from bevsim.cli.app import (
    PANEL_SWEEPS,
    PLOT_SUFFIXES,
    JsonOption,
    app,
    check_output_path,
    console,
    err_console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.progress import progress
from bevsim.errors import BevsimError
from bevsim.procedures.cycle_run import records_for_json
from bevsim.sweep.budget import check_limits, estimate
from bevsim.sweep.pareto import pareto_front
from bevsim.sweep.sandbox import DEFAULT_MAX_ROWS, DEFAULT_TIMEOUT_S

STORE_SUFFIXES = {".duckdb", ".db"}
MAX_TIMEOUT_S = 3600.0
FRONT_COLUMNS = {
    "procedure": "Procedure",
    "chemistry": "chemistry",
    "pack_energy_kwh": "pack kWh",
    "pack_cost_usd": "pack cost USD",
    "range_km": "range km",
    "consumption_kwh_per_100km": "grid kWh/100 km",
}


@app.command(name="sweep", rich_help_panel=PANEL_SWEEPS)
@reports_input_errors
def sweep_command(
    vehicle: Annotated[str, typer.Argument(help="Base vehicle: library id or YAML path.")],
    vary: Annotated[
        list[str] | None,
        typer.Option(
            "--vary",
            help="PATH=SPEC, e.g. battery.cell_capacity_ah=100:250:10 (a:b integers, "
            "a:b:step, or v1,v2,...). Repeat for more fields.",
        ),
    ] = None,
    procedure: Annotated[
        list[str] | None,
        typer.Option(
            "--procedure",
            help="cltc, wltp, epa, all (the three), cycle, winter, perf, charge or autonomy "
            "(repeatable; bevsim procedures lists them and their options).",
        ),
    ] = None,
    option: Annotated[
        list[str] | None,
        typer.Option(
            "--option",
            help="Procedure option KEY=VALUE, e.g. temps_c=-7,-20 or charger_kw=150; passed to "
            "every procedure that takes it (repeatable).",
        ),
    ] = None,
    cycle: Annotated[
        list[str] | None,
        typer.Option("--cycle", help="Also (or instead) a cycle run (repeatable)."),
    ] = None,
    sample: Annotated[
        str | None, typer.Option(help="lhs:N for a Latin hypercube of N variants (default: grid).")
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the LHS sample.")] = 0,
    store: Annotated[
        Path | None, typer.Option(help="DuckDB results file (.duckdb); a rerun resumes.")
    ] = None,
    chunk_size: Annotated[int, typer.Option(help="Variants per chunk.")] = 5_000,
    executor: Annotated[str, typer.Option(help="local (this machine) or ray.")] = "local",
    address: Annotated[
        str | None, typer.Option(help="Ray cluster HOST:PORT (with --executor ray).")
    ] = None,
    plot: Annotated[
        Path | None,
        typer.Option(help="Write range vs pack energy and the range/cost Pareto front (.png)."),
    ] = None,
    fixed_mass: Annotated[
        bool,
        typer.Option(
            "--fixed-mass",
            help="Keep the file's curb mass for every pack (default: the mass follows the pack).",
        ),
    ] = False,
    max_variants: Annotated[
        int | None,
        typer.Option(help="Run up to this many variants (default limit: 1,000,000)."),
    ] = None,
    yes: Annotated[
        bool, typer.Option("--yes", help="Run whatever the estimated variants and time.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Run many design variants through any procedure (range tests, cycle runs, winter,
    performance, DC charging, autonomy cost), keeping every row."""
    from bevsim.sweep.executors import make_executor
    from bevsim.sweep.run import plan_sweep
    from bevsim.sweep.store import ResultStore

    check_output_path(plot, PLOT_SUFFIXES, "plot")
    check_output_path(store, STORE_SUFFIXES, "results store")
    procedures = procedure if procedure else ([] if cycle else ["cltc"])
    plan = plan_sweep(
        vehicle,
        vary or [],
        procedures,
        cycle or [],
        sample,
        seed,
        fixed_mass=fixed_mass,
        options=parse_option_texts(option or []),
    )
    for note in plan.notes:
        err_console.print(f"note: {note}", highlight=False, markup=False, soft_wrap=True)
    if chunk_size < 1:
        raise BevsimError(f"--chunk-size must be at least 1 (got {chunk_size})")
    if store is not None and store.is_file():
        with ResultStore(store) as stored:
            stored.verify()  # a damaged store is refused before the progress bar starts
    if max_variants is not None and max_variants < 1:
        raise BevsimError(f"--max-variants must be at least 1 (got {max_variants})")
    collect = plot is not None or store is None
    runner = make_executor(executor, address)  # connects to Ray now: errors before any run
    try:
        cost = estimate(len(plan.space), plan.procedures, runner.cores, collect)
        check_limits(cost, store, collect, yes, max_variants)
    except BevsimError:
        runner.close()
        raise
    err_console.print(cost.line(runner.cores, store is not None), highlight=False, markup=False)
    start = time.perf_counter()
    results, counts = _run_with_progress(plan, store, chunk_size, runner, collect)
    wall_s = time.perf_counter() - start
    if plot is not None:
        from bevsim.report.sweep_plots import plot_sweep

        plot_sweep(results, plot)
    summary = {
        "base_vehicle": plan.base_vehicle,
        "variants": len(plan.space),
        "mass_source": plan.mass_source,
        "procedures": ",".join(plan.procedures),
        "rows": plan.rows,
        "computed_rows": counts.computed,
        "already_stored_rows": counts.skipped,
        "failed_rows": counts.failed,
        "wall_time_s": round(wall_s, 3),
        "computed_rows_per_s": round(counts.computed / wall_s, 1) if wall_s > 0 else None,
        "store": str(store) if store is not None else None,
        "model_version": plan.version,
    }
    if as_json:
        print_records([summary])
        return
    for name, value in summary.items():
        console.print(f"{name}: {value}", highlight=False)
    if collect and len(results):
        front = pareto_front(results)
        if len(front):
            print_table(front.head(20), FRONT_COLUMNS, "Pareto front: most range per pack cost")
    if store is not None:
        console.print(f'query it: bevsim results {store} --sql "select ... from results"')
    if plot is not None:
        console.print(f"plot written to {plot}")


def parse_option_texts(texts: list[str]) -> dict[str, str]:
    """``--option KEY=VALUE`` texts as {key: value text}; a malformed or repeated key is refused."""
    options: dict[str, str] = {}
    for text in texts:
        key, sep, value = text.partition("=")
        key = key.strip()
        if not sep or not key or not value.strip():
            raise BevsimError(f"--option {text}: expected KEY=VALUE, e.g. temps_c=-7,-20")
        if key in options:
            raise BevsimError(f"--option {key}: given more than once")
        options[key] = value.strip()
    return options


def _run_with_progress(plan, store, chunk_size, executor, collect):
    """Run the plan with progress on stderr (``bevsim.cli.progress``)."""
    from bevsim.sweep.run import SweepProgress, execute_plan

    last = SweepProgress(total=plan.rows)
    with progress("sweep", plan.rows, "rows") as report:

        def update(state: SweepProgress) -> None:
            report(state.done, state.computed)
            last.__dict__.update(state.__dict__)

        frame = execute_plan(plan, store, chunk_size, executor, None, update, collect)
    return frame, last


@app.command(name="results", rich_help_panel=PANEL_SWEEPS)
@reports_input_errors
def results_command(
    store: Annotated[Path, typer.Argument(help="A DuckDB results file written by bevsim sweep.")],
    sql: Annotated[
        str, typer.Option(help="One SELECT over the table 'results' (read-only, no file access).")
    ] = "select * from results limit 20",
    limit: Annotated[int, typer.Option(help="Most rows shown.")] = DEFAULT_MAX_ROWS,
    timeout_s: Annotated[
        float, typer.Option("--timeout-s", help="Stop a query that runs longer [s].")
    ] = DEFAULT_TIMEOUT_S,
    as_json: JsonOption = False,
) -> None:
    """Query a sweep's results store with SQL (table ``results``)."""
    from bevsim.sweep.store import ResultStore

    if not 0 < timeout_s <= MAX_TIMEOUT_S:
        raise BevsimError(f"--timeout-s must be in (0, {MAX_TIMEOUT_S:g}] s (got {timeout_s:g})")
    with ResultStore(store, read_only=True) as results:
        frame = results.query(sql, max_rows=limit, timeout_s=timeout_s)
    if frame.attrs.get("truncated"):
        err_console.print(
            f"note: showing first {len(frame):,} rows; use --limit", highlight=False, markup=False
        )
    if as_json:
        print_records(records_for_json(frame))
        return
    print_table(frame, {c: c for c in frame.columns}, f"{store}: {len(frame)} rows")


if __name__ == "__main__":  # python -m bevsim.cli.sweep_commands (before main.py imports it)
    app()
