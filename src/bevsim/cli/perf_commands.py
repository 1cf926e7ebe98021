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
from bevsim.procedures.performance import DRIVER_KG, performance_run

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
    result = performance_run(vehicles, load_kg=load_kg)
    if plot is not None:
        plot_launches(result.traces, result.summary, plot)
    if as_json:
        print_records(records_for_json(result.summary))
        return
    print_table(result.summary, ACCEL_COLUMNS, f"bevsim perf (curb + {load_kg:g} kg, level, 23 C)")
    print_table(result.summary, SPEED_GRADE_COLUMNS, "top speed and gradeability (steady speed)")
    if plot is not None:
        console.print(f"plot written to {plot}")


def plot_launches(traces, summary, path: Path) -> Path:
    """Speed against time of each launch, with the 0-100 km/h time marked."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bevsim.files import save_figure

    fig, ax = plt.subplots(figsize=(9, 5))
    times = summary.set_index("vehicle_id")["accel_0_100_kmh_s"]
    for k, (vehicle_id, trace) in enumerate(traces.items()):
        color = f"C{k % 10}"
        ax.plot(trace["time_s"], trace["speed_kmh"], color=color, lw=1.4, label=vehicle_id)
        t100 = times.get(vehicle_id)
        if t100 is not None and t100 == t100:
            ax.plot([t100], [100.0], "o", color=color, ms=4)
            ax.annotate(
                f"{t100:.1f} s",
                (t100, 100.0),
                textcoords="offset points",
                xytext=(6, -12 - 10 * k),
                fontsize=7,
                color=color,
            )
    ax.axhline(100.0, color="0.6", lw=0.6, ls="--")
    ax.set_xlabel("time [s]")
    ax.set_ylabel("speed [km/h]")
    ax.set_title("Full-throttle launch (level road, no roll-out)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return save_figure(fig, path, dpi=130)
