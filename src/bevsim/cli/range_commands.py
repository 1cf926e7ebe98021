"""``bevsim range``: official range and grid consumption (CLTC, WLTP, EPA)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
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
from bevsim.cli.numbers import refuse_unused
from bevsim.procedures.cycle_run import records_for_json
from bevsim.procedures.epa import check_label_method
from bevsim.procedures.range_test import PROCEDURES, procedure_names
from bevsim.procedures.registry import get_procedure
from bevsim.spec import load_vehicles

RANGE_COLUMNS = {
    "vehicle_id": "Vehicle",
    "procedure": "Procedure",
    "test_mass_kg": "test mass kg",
    "range_km": "range km",
    "consumption_kwh_per_100km": "grid kWh/100 km",
    "battery_energy_kwh": "battery kWh",
}
EPA_COLUMNS = {
    "vehicle_id": "Vehicle",
    "range_mi": "range mi",
    "range_city_mi": "city mi",
    "range_hwy_mi": "hwy mi",
    "kwh_per_100mi": "kWh/100 mi",
    "mpge": "MPGe",
    "mpge_city": "MPGe city",
    "mpge_hwy": "MPGe hwy",
    "adjustment_factor": "label factor",
}


@app.command(name="range", rich_help_panel=PANEL_PROCEDURES)
@reports_input_errors
def range_command(
    vehicles: VehiclesArgument,
    procedure: Annotated[
        str, typer.Option(help="cltc (China), wltp (EU), epa (US label) or all.")
    ] = "cltc",
    label_method: Annotated[
        str | None,
        typer.Option(
            help="EPA label adjustment (with --procedure epa or all): two-cycle (x 0.7, the "
            "default) or five-cycle (vehicle-specific, from bevsim's FTP, cold FTP, US06, SC03 "
            "and HWFET runs).",
            show_default=False,
        ),
    ] = None,
    plot: Annotated[Path | None, typer.Option(help="Write a range chart (.png/.svg).")] = None,
    as_json: JsonOption = False,
) -> None:
    """Official range and consumption from the grid, driven to depletion and recharged."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    refuse_unused(
        "--label-method",
        label_method is not None,
        procedure.lower() not in set(PROCEDURES) - {"epa"},  # unknown: range_test says so
        f"it sets the EPA label adjustment, and --procedure {procedure} has no EPA label "
        "(use --procedure epa or all)",
    )
    label_method = label_method or "two-cycle"
    label = check_label_method(label_method)
    names = procedure_names(procedure)
    specs = load_vehicles(vehicles)
    frames = [
        get_procedure(name).run(specs, **({"label_method": label} if name == "epa" else {}))
        for name in names
    ]
    results = pd.concat(frames, ignore_index=True)
    if plot is not None:
        from bevsim.report.plots import plot_ranges

        plot_ranges(results, plot)
    if as_json:
        print_records(records_for_json(results))
        return
    print_table(results, RANGE_COLUMNS, "bevsim range (consumption from the grid)")
    epa = results[results["procedure"] == "epa"]
    if len(epa):
        title = (
            "EPA label (2-cycle adjustment x 0.7, 55 % city)"
            if label_method.lower().replace("_", "-") == "two-cycle"
            else "EPA label (vehicle-specific 5-cycle adjustment, 55 % city)"
        )
        print_table(epa, EPA_COLUMNS, title)
    if plot is not None:
        console.print(f"plot written to {plot}")
