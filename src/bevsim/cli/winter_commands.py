"""``bevsim winter``: range and consumption across ambient temperatures, with cabin heating."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bevsim.cli.app import (
    PANEL_PROCEDURES,
    PLOT_SUFFIXES,
    JsonOption,
    VehiclesArgument,
    WindOption,
    WinterTiresOption,
    app,
    check_output_path,
    console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.numbers import TEMPS_C
from bevsim.engine.facade import SURFACE_ROLLING_FACTOR, TEST_TRACK
from bevsim.errors import BevsimError
from bevsim.procedures.cycle_run import records_for_json
from bevsim.procedures.registry import get_procedure

WINTER_COLUMNS = {
    "vehicle_id": "Vehicle",
    "ambient_temp_c": "ambient °C",
    "range_km": "range km",
    "consumption_kwh_per_100km": "grid kWh/100 km",
    "range_retained": "retained vs 23 °C",
    "traction_kwh": "traction kWh",
    "drivetrain_losses_kwh": "drivetrain kWh",
    "battery_losses_kwh": "battery loss kWh",
    "cabin_hvac_kwh": "cabin HVAC kWh",
    "battery_heating_kwh": "pack heating kWh",
    "precondition_grid_energy_kwh": "precondition kWh",
}


def parse_temps(text: str) -> list[float]:
    """Comma-separated temperatures [degC] from the command line."""
    try:
        temps = [float(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise BevsimError(f"--temps: expected numbers separated by commas, got {text!r}") from None
    if not temps:
        raise BevsimError("--temps: expected at least one temperature")
    for temp in temps:
        TEMPS_C.check(temp)
    return temps


@app.command(name="winter", rich_help_panel=PANEL_PROCEDURES)
@reports_input_errors
def winter_command(
    vehicles: VehiclesArgument,
    temps: Annotated[
        str, typer.Option(help="Ambient temperatures [°C], comma-separated.")
    ] = "-20,-7,0,23",
    procedure: Annotated[str, typer.Option(help="cltc, wltp, epa or ftp75 (cold FTP).")] = "cltc",
    precondition: Annotated[
        bool, typer.Option("--precondition", help="Warm cabin and pack on the plug first.")
    ] = False,
    no_hvac: Annotated[
        bool, typer.Option("--no-hvac", help="Leave the cabin unheated (battery effects only).")
    ] = False,
    road_surface: Annotated[
        str,
        typer.Option(
            "--road-surface",
            help="The road's surface, for the tyres' rolling resistance: "
            + ", ".join(SURFACE_ROLLING_FACTOR)
            + " (default: the dyno's coast-down track).",
        ),
    ] = TEST_TRACK,
    winter_tires: WinterTiresOption = False,
    wind_mps: WindOption = 0.0,
    plot: Annotated[Path | None, typer.Option(help="Plot retention vs temperature.")] = None,
    as_json: JsonOption = False,
) -> None:
    """What cold takes: range, consumption and where the energy went at each temperature."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    results = get_procedure("winter").run(
        vehicles,
        temps_c=parse_temps(temps),
        procedure=procedure,
        precondition=precondition,
        hvac_on=not no_hvac,
        road_surface=road_surface,
        winter_tires=winter_tires,
        wind_speed_mps=wind_mps,
    )
    if plot is not None:
        from bevsim.report.plots import plot_retention

        plot_retention(results, plot)
    if as_json:
        print_records(records_for_json(results))
        return
    heating = "no HVAC" if no_hvac else "cabin heated"
    pre = ", preconditioned" if precondition else ", cold-soaked"
    print_table(results, WINTER_COLUMNS, f"bevsim winter ({procedure.upper()}, {heating}{pre})")
    if plot is not None:
        console.print(f"plot written to {plot}")
