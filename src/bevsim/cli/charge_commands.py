"""``bevsim charge``: a DC fast-charging session from one SOC to another, with its curve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bevsim.cli.app import (
    PANEL_PROCEDURES,
    PLOT_SUFFIXES,
    JsonOption,
    VehicleArgument,
    app,
    check_output_path,
    console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.numbers import (
    AMBIENT_TEMP_C,
    CHARGER_CURRENT_A,
    CHARGER_KW,
    FROM_SOC,
    TO_SOC,
    refuse_unused,
    soc_fraction,
)
from bevsim.procedures.cycle_run import records_for_json
from bevsim.procedures.dc_charge import DEFAULT_CHARGER_MAX_CURRENT_A, PRECONDITION_TARGET_C
from bevsim.procedures.registry import get_procedure

CHARGE_COLUMNS = {
    "vehicle_id": "Vehicle",
    "from_soc_pct": "from %",
    "to_soc_pct": "to %",
    "time_min": "time min",
    "energy_kwh": "energy kWh",
    "avg_power_kw": "avg kW",
    "peak_power_kw": "peak kW",
    "stored_energy_kwh": "stored kWh",
    "battery_loss_kwh": "battery loss kWh",
    "pack_thermal_kwh": "pack heating/cooling kWh",
    "max_cell_temp_c": "max cell °C",
    "mostly_limited_by": "mostly limited by",
}


@app.command(name="charge", rich_help_panel=PANEL_PROCEDURES)
@reports_input_errors
def charge_command(
    vehicle: VehicleArgument,
    from_pct: Annotated[
        float, typer.Option("--from", help="Start SOC [%], 0 to 100, as in simulate.")
    ] = 10.0,
    to_pct: Annotated[float, typer.Option("--to", help="Target SOC [%], 0 to 100.")] = 80.0,
    charger_kw: Annotated[float, typer.Option("--charger", help="Charger power [kW].")] = 250.0,
    charger_current_a: Annotated[
        float, typer.Option("--charger-current", help="Charger current limit [A].")
    ] = DEFAULT_CHARGER_MAX_CURRENT_A,
    temp_c: Annotated[
        float, typer.Option("--temp", help="Ambient temperature [°C]; cells soaked at it.")
    ] = 23.0,
    precondition: Annotated[
        bool, typer.Option("--precondition", help="Arrive with the pack warmed for charging.")
    ] = False,
    plot: Annotated[
        Path | None,
        typer.Option(help="Plot power, current, voltage, SOC and cell temperature (.png/.svg)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """DC fast charge: time and energy from start to target SOC, average and peak power."""
    check_output_path(plot, PLOT_SUFFIXES, "plot")
    from_soc, to_soc = soc_fraction(FROM_SOC, from_pct), soc_fraction(TO_SOC, to_pct)
    CHARGER_KW.check(charger_kw)
    CHARGER_CURRENT_A.check(charger_current_a)
    AMBIENT_TEMP_C.check(temp_c)
    refuse_unused(
        "--precondition",
        precondition,
        temp_c < PRECONDITION_TARGET_C,
        f"it warms the pack to {PRECONDITION_TARGET_C:g} degC, and at --temp {temp_c:g} the "
        "cells already start warmer",
    )
    result = get_procedure("charge").run_detailed(
        vehicle,
        from_soc=from_soc,
        to_soc=to_soc,
        charger_kw=charger_kw,
        ambient_temp_c=temp_c,
        precondition=precondition,
        charger_max_current_a=charger_current_a,
    )
    summary = result.table
    if plot is not None:
        from bevsim.report.charge_plots import plot_session

        (trace,) = result.traces.values()
        plot_session(trace, summary.to_dict(orient="records")[0], plot)
    if as_json:
        print_records(records_for_json(summary))
        return
    pre = ", preconditioned" if precondition else ""
    title = f"bevsim charge ({charger_kw:g} kW DC charger, {temp_c:g} °C{pre})"
    print_table(summary, CHARGE_COLUMNS, title)
    if plot is not None:
        console.print(f"plot written to {plot}")
