"""``bevsim trip``: replay logged drives and compare with what the car measured."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer
from rich.progress import Progress

from bevsim.cli.app import (
    PANEL_CYCLES,
    PLOT_SUFFIXES,
    JsonOption,
    VehicleArgument,
    WindOption,
    WinterTiresOption,
    app,
    check_output_path,
    console,
    err_console,
    print_records,
    print_table,
    reports_input_errors,
    road_surface_option,
)
from bevsim.cli.run_commands import TRACE_SUFFIXES
from bevsim.engine.facade import (
    MAX_WIND_SPEED_MPS,
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    SURFACE_ROLLING_FACTOR,
)
from bevsim.errors import BevsimError
from bevsim.spec import load_vehicle
from bevsim.trips import Trip, check_unbroken, read_trip, split_trip
from bevsim.trips.replay import Location, ReplayOptions, TripResult, replay

LogsArgument = Annotated[
    list[Path],
    typer.Argument(
        help="Trip logs: bevsim trip CSV, TeslaMate positions CSV or GPX.", show_default=False
    ),
]
SUMMARY_COLUMNS = {
    "trip": "Trip",
    "distance_km": "km",
    "predicted_battery_energy_kwh": "predicted kWh",
    "measured_battery_energy_kwh": "measured kWh",
    "battery_energy_error_pct": "error %",
    "predicted_consumption_kwh_per_100km": "kWh/100 km",
    "predicted_end_soc_pct": "end SoC %",
    "soc_rmse_pct": "SoC RMSE %",
    "followed_trace": "followed",
}
LOSS_HEADERS = {
    "aero_energy_kwh": "aero",
    "rolling_energy_kwh": "rolling",
    "grade_energy_kwh": "grade",
    "kinetic_energy_change_kwh": "kinetic",
    "driveline_loss_kwh": "driveline",
    "motor_loss_kwh": "motor",
    "battery_ohmic_loss_kwh": "pack R0",
    "battery_polarization_loss_kwh": "pack RC",
    "friction_brake_energy_kwh": "brakes",
    "accessory_energy_kwh": "12 V",
    "cabin_hvac_energy_kwh": "HVAC",
    "battery_thermal_energy_kwh": "pack TM",
}
LIMITS = {
    "--ambient-c": (-40.0, 50.0),
    "--load-kg": (0.0, 2000.0),
    "--cabin-setpoint-c": (10.0, 30.0),
    "--start-soc-pct": (0.0, 100.0),
    "--battery-temp-c": (-40.0, 60.0),
    "--latitude-deg": (-90.0, 90.0),
    "--longitude-deg": (-180.0, 180.0),
    "--wind-mps": (0.0, MAX_WIND_SPEED_MPS),
}


@app.command(name="trip", rich_help_panel=PANEL_CYCLES)
@reports_input_errors
def trip_command(
    vehicle: VehicleArgument,
    logs: LogsArgument,
    plot: Annotated[
        Path | None,
        typer.Option(help="Plot predicted vs measured (.png/.svg/.pdf); one file per trip."),
    ] = None,
    traces: Annotated[
        Path | None, typer.Option(help="Write per-second traces of every trip (.parquet/.csv).")
    ] = None,
    ambient_c: Annotated[
        float | None,
        typer.Option("--ambient-c", help="Constant ambient temperature, degC (default: the log)."),
    ] = None,
    load_kg: Annotated[
        float | None,
        typer.Option("--load-kg", help="Load added to curb mass, kg (default: 75 + payload)."),
    ] = None,
    cabin_setpoint_c: Annotated[
        float | None, typer.Option("--cabin-setpoint-c", help="Cabin setpoint (degC).")
    ] = None,
    start_soc_pct: Annotated[
        float | None, typer.Option("--start-soc-pct", help="Start SoC, % (default: the log).")
    ] = None,
    battery_temp_c: Annotated[
        float | None,
        typer.Option("--battery-temp-c", help="Cell temperature at the start (degC)."),
    ] = None,
    split: Annotated[
        bool, typer.Option("--split", help="Split logs at gaps and charging stops.")
    ] = False,
    latitude_deg: Annotated[
        float | None,
        typer.Option(
            "--latitude-deg",
            help="Where the trip was driven, deg N; with --longitude-deg, --timezone and the "
            "log's start time and weather it adds the sun on the cabin (default: no sun).",
        ),
    ] = None,
    longitude_deg: Annotated[
        float | None, typer.Option("--longitude-deg", help="Where the trip was driven, deg E.")
    ] = None,
    time_zone: Annotated[
        str | None,
        typer.Option("--timezone", help="IANA time zone of the log's clock, e.g. Europe/Berlin."),
    ] = None,
    road_surface: Annotated[
        str | None,
        road_surface_option(f"wet where the log's weather is rain, else {PUBLIC_ASPHALT}"),
    ] = None,
    winter_tires: WinterTiresOption = False,
    wind_mps: WindOption = PUBLIC_ROAD_WIND_SPEED_MPS,
    as_json: JsonOption = False,
) -> None:
    """Replay logged trips: predicted pack energy, consumption, SoC and where the energy went;
    against the log's measured pack energy and SoC where it has them."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    check_output_path(traces, TRACE_SUFFIXES, "traces")
    values = {
        "--ambient-c": ambient_c,
        "--load-kg": load_kg,
        "--cabin-setpoint-c": cabin_setpoint_c,
        "--start-soc-pct": start_soc_pct,
        "--battery-temp-c": battery_temp_c,
        "--latitude-deg": latitude_deg,
        "--longitude-deg": longitude_deg,
        "--wind-mps": wind_mps,
    }
    for option, value in values.items():
        lo, hi = LIMITS[option]
        if value is not None and not lo <= value <= hi:
            raise BevsimError(f"{option}: expected {lo:g}..{hi:g}, got {value:g}")
    place = (latitude_deg, longitude_deg, time_zone)
    if any(v is not None for v in place) and any(v is None for v in place):
        raise BevsimError("--latitude-deg, --longitude-deg and --timezone go together")
    if road_surface is not None and road_surface not in SURFACE_ROLLING_FACTOR:
        surfaces = ", ".join(SURFACE_ROLLING_FACTOR)
        raise BevsimError(f"--road-surface: expected one of {surfaces}, got {road_surface!r}")
    location = None if latitude_deg is None else Location(latitude_deg, longitude_deg, time_zone)
    options = ReplayOptions(
        ambient_c,
        load_kg,
        cabin_setpoint_c,
        start_soc_pct,
        battery_temp_c,
        location=location,
        road_surface=road_surface,
        winter_tires=winter_tires,
        wind_speed_mps=wind_mps,
    )
    spec = load_vehicle(vehicle)
    trips = read_logs(logs, split)
    results = _replay_all(spec, trips, options)
    plots = _write_outputs(results, plot, traces)
    if as_json:
        print_records([r.summary for r in results])
        return
    summary = pd.DataFrame([r.summary for r in results])
    print_table(summary, SUMMARY_COLUMNS, f"bevsim trip: {spec.name} (pack terminal energy)")
    print_table(summary, {"trip": "Trip", **LOSS_HEADERS}, "Where the energy went (kWh)")
    for path in [*plots, traces]:
        if path is not None:
            console.print(f"written: {path}")


def read_logs(logs: list[Path], split: bool) -> list[Trip]:
    """Every log read and checked before any run: split, or refused at a gap or a charge."""
    trips = []
    for path in logs:
        trip = read_trip(path)
        if split:
            trips.extend(split_trip(trip))
        else:
            check_unbroken(trip)
            trips.append(trip)
    return trips


def _replay_all(spec, trips: list[Trip], options: ReplayOptions) -> list[TripResult]:
    results = []
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("replaying trips", total=len(trips))
        for trip in trips:
            results.append(replay(spec, trip, options))
            progress.advance(task)
    return results


def _write_outputs(results: list[TripResult], plot: Path | None, traces: Path | None):
    plots = []
    if plot is not None:
        from bevsim.report.trip_plots import plot_trip

        for result in results:
            name = result.summary["trip"]
            path = plot if len(results) == 1 else plot.with_name(f"{plot.stem}-{name}{plot.suffix}")
            plots.append(plot_trip(result.trace, f"{result.summary['vehicle']}: {name}", path))
    if traces is not None:
        from bevsim.report.traces import write_traces

        frames = [r.trace.assign(trip=r.summary["trip"]) for r in results]
        write_traces(pd.concat(frames, ignore_index=True), traces)
    return plots
