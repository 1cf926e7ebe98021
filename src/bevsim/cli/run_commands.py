"""``bevsim compare`` and ``bevsim simulate``: cycle runs of one or more vehicles."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from bevsim.cli.app import (
    PANEL_CYCLES,
    PLOT_SUFFIXES,
    JsonOption,
    LoadOption,
    VehicleArgument,
    VehiclesArgument,
    app,
    check_output_path,
    console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.numbers import INITIAL_SOC, LOAD_KG, soc_fraction
from bevsim.errors import BevsimError
from bevsim.procedures.cycle_run import DEFAULT_LOAD_KG, records_for_json
from bevsim.procedures.registry import get_procedure

SUMMARY_COLUMNS = {
    "vehicle_id": "Vehicle",
    "cycle": "Cycle",
    "distance_km": "distance km",
    "battery_energy_kwh": "battery kWh",
    "consumption_kwh_per_100km": "kWh/100 km",
    "end_soc_pct": "end SOC %",
    "followed_trace": "followed trace",
    "max_speed_shortfall_kmh": "max miss km/h",
}
TRACE_SUFFIXES = {".parquet", ".csv"}


@app.command(rich_help_panel=PANEL_CYCLES)
@reports_input_errors
def compare(
    vehicles: VehiclesArgument,
    cycles: Annotated[
        str, typer.Option("--cycles", help="Comma-separated cycle names or CSV paths.")
    ] = "cltc-p,wltc-3b,udds,hwfet",
    plot: Annotated[Path | None, typer.Option(help="Write a bar chart (.png/.svg).")] = None,
    load_kg: LoadOption = DEFAULT_LOAD_KG,
    as_json: JsonOption = False,
) -> None:
    """Compare vehicles on drive cycles: distance, battery energy, consumption, end SOC."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    LOAD_KG.check(load_kg)
    names = [c.strip() for c in cycles.split(",") if c.strip()]
    if not names:
        raise BevsimError("--cycles: expected at least one cycle name or CSV path")
    cycle_run = get_procedure("cycle")
    frames = [cycle_run.run(vehicles, cycle=name, load_kg=load_kg) for name in names]
    summary = pd.concat(frames, ignore_index=True)
    if plot is not None:
        from bevsim.report.plots import plot_comparison

        plot_comparison(summary, plot)
    if as_json:
        print_records(records_for_json(summary))
        return
    print_table(
        with_soc_pct(summary),
        SUMMARY_COLUMNS,
        "bevsim compare (consumption at the battery terminals)",
    )
    if plot is not None:
        console.print(f"plot written to {plot}")


@app.command(name="simulate", rich_help_panel=PANEL_CYCLES)
@reports_input_errors
def simulate_command(
    vehicle: VehicleArgument,
    cycle: Annotated[str, typer.Option(help="Cycle name or CSV path.")] = "cltc-p",
    traces: Annotated[
        Path | None, typer.Option(help="Write per-second traces (.parquet or .csv).")
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Plot speed, power, SOC (.png/.svg).")] = None,
    initial_soc_pct: Annotated[
        float | None,
        typer.Option(
            "--initial-soc",
            help="Start SOC [%], 0 to 100, as in charge --from/--to (default: full, the "
            "pack's soc_max).",
        ),
    ] = None,
    load_kg: LoadOption = DEFAULT_LOAD_KG,
    as_json: JsonOption = False,
) -> None:
    """Run one vehicle over one cycle; optionally write traces and a plot."""
    check_output_path(traces, TRACE_SUFFIXES, "traces")
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    LOAD_KG.check(load_kg)
    initial_soc = soc_fraction(INITIAL_SOC, initial_soc_pct)
    result = get_procedure("cycle").run_detailed(
        vehicle, cycle=cycle, load_kg=load_kg, initial_soc=initial_soc
    )
    summary = result.table
    trace = result.traces[summary["vehicle_id"].iloc[0]]
    if traces is not None:
        from bevsim.report.traces import write_traces

        write_traces(trace, traces)
    if plot is not None:
        from bevsim.report.plots import plot_run

        title = f"{summary['vehicle'].iloc[0]} on {summary['cycle'].iloc[0]}"
        plot_run(trace, title, plot)
    if as_json:
        print_records(records_for_json(summary))
        return
    print_table(with_soc_pct(summary), SUMMARY_COLUMNS, "bevsim simulate")
    for path in (traces, plot):
        if path is not None:
            console.print(f"written: {path}")


def with_soc_pct(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with the end SOC in percent, the command line's SOC unit."""
    return summary.assign(end_soc_pct=100.0 * summary["end_soc"])
