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
    road_surface_option,
)
from bevsim.cli.numbers import TEMPS_C
from bevsim.engine.facade import (
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    TEST_TRACK,
)
from bevsim.errors import BevsimError
from bevsim.procedures import everyday
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

EVERYDAY_COLUMNS = {
    "vehicle_id": "Vehicle",
    "ambient_temp_c": "ambient °C",
    "day_distance_km": "day km",
    "battery_consumption_kwh_per_100km": "battery kWh/100 km",
    "consumption_kwh_per_100km": "wall kWh/100 km",
    "consumption_retained": "retained vs 23 °C",
    "cabin_hvac_kwh": "cabin HVAC kWh",
    "battery_heating_kwh": "pack heating kWh",
    "start_cell_temp_c": "cells at start °C",
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
        str | None,
        road_surface_option("the dyno's coast-down track; --everyday: public asphalt"),
    ] = None,
    winter_tires: WinterTiresOption = False,
    wind_mps: WindOption = None,
    everyday_use: Annotated[
        bool,
        typer.Option(
            "--everyday",
            help="A day of short trips, parked and cooling between them, on a public road "
            "(instead of --procedure).",
        ),
    ] = False,
    trips: Annotated[
        int, typer.Option(help="--everyday: trips in the day.")
    ] = everyday.DEFAULT_TRIPS_PER_DAY,
    trip_km: Annotated[
        float, typer.Option(help="--everyday: length of each trip [km].")
    ] = everyday.DEFAULT_TRIP_KM,
    parked_h: Annotated[
        float, typer.Option(help="--everyday: parked between two trips [h].")
    ] = everyday.DEFAULT_PARKED_H,
    plot: Annotated[Path | None, typer.Option(help="Plot retention vs temperature.")] = None,
    as_json: JsonOption = False,
) -> None:
    """What cold takes: range, consumption and where the energy went at each temperature."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    heating = "no HVAC" if no_hvac else "cabin heated"
    if everyday_use:
        road = {"road_surface": road_surface or PUBLIC_ASPHALT, "winter_tires": winter_tires}
        rows = everyday.everyday_across_temperatures(
            vehicles,
            parse_temps(temps),
            trips_per_day=trips,
            trip_km=trip_km,
            parked_h=parked_h,
            hvac_on=not no_hvac,
            precondition=precondition,
            wind_speed_mps=PUBLIC_ROAD_WIND_SPEED_MPS if wind_mps is None else wind_mps,
            **road,
        )
        if as_json:
            print_records(records_for_json(rows))
            return
        title = f"bevsim winter (everyday: {trips} trips of {trip_km:g} km, {heating})"
        print_table(rows, EVERYDAY_COLUMNS, title)
        return
    results = get_procedure("winter").run(
        vehicles,
        temps_c=parse_temps(temps),
        procedure=procedure,
        precondition=precondition,
        hvac_on=not no_hvac,
        road_surface=road_surface or TEST_TRACK,
        winter_tires=winter_tires,
        wind_speed_mps=0.0 if wind_mps is None else wind_mps,
    )
    if plot is not None:
        from bevsim.report.plots import plot_retention

        plot_retention(results, plot)
    if as_json:
        print_records(records_for_json(results))
        return
    pre = ", preconditioned" if precondition else ", cold-soaked"
    print_table(results, WINTER_COLUMNS, f"bevsim winter ({procedure.upper()}, {heating}{pre})")
    if plot is not None:
        console.print(f"plot written to {plot}")
