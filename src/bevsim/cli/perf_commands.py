"""``bevsim perf``: full-throttle launch, top speed and gradeability, with what limited each."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bevsim.cli.app import (
    PANEL_PROCEDURES,
    PLOT_SUFFIXES,
    JsonOption,
    VehiclesArgument,
    app,
    check_output_path,
    console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.numbers import LOAD_KG
from bevsim.procedures.cycle_run import records_for_json
from bevsim.procedures.performance import DRIVER_KG
from bevsim.procedures.registry import get_procedure

ACCEL_COLUMNS = {
    "vehicle_id": "Vehicle",
    "test_mass_kg": "test mass kg",
    "accel_0_100_kmh_s": "0-100 km/h s",
    "accel_0_100_kmh_limited_by": "limited by",
    "accel_0_60_mph_s": "0-60 mph s",
    "accel_80_120_kmh_s": "80-120 km/h s",
    "accel_80_120_kmh_limited_by": "limited by",
    "quarter_mile_s": "1/4 mile s",
    "quarter_mile_trap_speed_kmh": "trap km/h",
}
SPEED_GRADE_COLUMNS = {
    "vehicle_id": "Vehicle",
    "top_speed_kmh": "top speed km/h",
    "top_speed_limited_by": "limited by",
    "top_speed_physical_kmh": "without limiter km/h",
    "grade_0kmh_pct": "grade at 0 km/h %",
    "grade_0kmh_limited_by": "limited by",
    "grade_30kmh_pct": "at 30 km/h %",
    "grade_30kmh_limited_by": "limited by",
    "grade_80kmh_pct": "at 80 km/h %",
    "grade_80kmh_limited_by": "limited by",
}


@app.command(name="perf", rich_help_panel=PANEL_PROCEDURES)
@reports_input_errors
def perf_command(
    vehicles: VehiclesArgument,
    plot: Annotated[
        Path | None, typer.Option(help="Write a speed-time plot of the launches (.png/.svg).")
    ] = None,
    load_kg: Annotated[
        float,
        typer.Option(
            "--load-kg", help="Load added to curb mass [kg], 0 to 2000 (default: driver)."
        ),
    ] = DRIVER_KG,
    as_json: JsonOption = False,
) -> None:
    """Full-throttle 0-100 km/h, 0-60 mph, 80-120 km/h, quarter mile, top speed and the
    steepest grade at 0, 30 and 80 km/h, each with what limited it."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    LOAD_KG.check(load_kg)
    result = get_procedure("perf").run_detailed(vehicles, load_kg=load_kg)
    if plot is not None:
        from bevsim.report.perf_plots import plot_launches

        plot_launches(result.traces, result.table, plot)
    if as_json:
        print_records(records_for_json(result.table))
        return
    print_table(result.table, ACCEL_COLUMNS, f"bevsim perf (curb + {load_kg:g} kg, level, 23 C)")
    print_table(result.table, SPEED_GRADE_COLUMNS, "top speed and gradeability (steady speed)")
    if plot is not None:
        console.print(f"plot written to {plot}")
