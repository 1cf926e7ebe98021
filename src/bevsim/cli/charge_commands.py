"""``bevsim charge``: a DC fast-charging session from one SOC to another, with its curve."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
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
from bevsim.procedures.dc_charge import (
    DEFAULT_CHARGER_MAX_CURRENT_A,
    PRECONDITION_TARGET_C,
    dc_charge_run,
)

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
    result = dc_charge_run(
        vehicle, from_soc, to_soc, charger_kw, temp_c, precondition, charger_current_a
    )
    summary = pd.DataFrame([result.summary])
    if plot is not None:
        plot_session(result.trace, result.summary, plot)
    if as_json:
        print_records(records_for_json(summary))
        return
    pre = ", preconditioned" if precondition else ""
    title = f"bevsim charge ({charger_kw:g} kW DC charger, {temp_c:g} °C{pre})"
    print_table(summary, CHARGE_COLUMNS, title)
    if plot is not None:
        console.print(f"plot written to {plot}")


def plot_session(trace: pd.DataFrame, summary: dict, path: Path) -> Path:
    """Power, current, voltage, SOC and cell temperature against time, one panel each."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bevsim.files import save_figure

    minutes = trace["time_s"] / 60.0
    panels = (
        ("power_kw", "power [kW]"),
        ("current_a", "current [A]"),
        ("voltage_v", "pack voltage [V]"),
        ("soc", "SOC [%]"),
        ("cell_temp_c", "cell temp. [°C]"),
    )
    fig, axes = plt.subplots(len(panels), 1, figsize=(8, 10), sharex=True)
    for ax, (column, label) in zip(axes, panels, strict=True):
        values = trace[column] * (100.0 if column == "soc" else 1.0)
        ax.plot(minutes, values, lw=1.4, color="C0")
        ax.set_ylabel(label, fontsize=8)
        ax.grid(alpha=0.3)
    axes[0].plot(minutes, trace["battery_power_kw"], lw=1.0, color="C1", label="into the pack")
    axes[0].legend(fontsize=7, loc="upper right")
    axes[-1].set_xlabel("time [min]")
    pre = ", preconditioned" if summary["precondition"] else ""
    fig.suptitle(
        f"{summary['vehicle_id']}: {summary['from_soc_pct']:.0f} → {summary['to_soc_pct']:.0f} % "
        f"in {summary['time_min']:.1f} min on {summary['charger_kw']:g} kW at "
        f"{summary['ambient_temp_c']:g} °C{pre}",
        fontsize=10,
    )
    fig.tight_layout()
    return save_figure(fig, path, dpi=120)
