"""``bevsim adas`` (closed-loop ACC/AEB scenarios) and ``bevsim autonomy-cost`` (range cost)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import pandas as pd
import typer

from bevsim.cli.app import (
    PANEL_AUTONOMY,
    PLOT_SUFFIXES,
    JsonOption,
    VehicleArgument,
    VehiclesArgument,
    app,
    check_output_path,
    console,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cli.numbers import JOBS, SEED, refuse_unused
from bevsim.cli.progress import progress

CCR_COLUMNS = {
    "case": "case",
    "passed": "pass",
    "impact_speed_kmh": "impact km/h",
    "min_ttc_s": "min TTC s",
    "peak_decel_mps2": "peak decel m/s²",
    "warning_ttc_s": "FCW at TTC s",
    "braking_ttc_s": "braking at TTC s",
    "min_gap_m": "min gap m",
    "points": "points",
}
ACC_COLUMNS = {
    "case": "scenario",
    "passed": "pass",
    "impact_speed_kmh": "impact km/h",
    "settled_time_gap_s": "settled gap s",
    "min_time_gap_s": "min gap s",
    "min_ttc_s": "min TTC s",
    "peak_decel_mps2": "peak decel m/s²",
    "peak_jerk_mps3": "peak jerk m/s³",
    "aeb_braking_s": "AEB braking s",
}
COST_COLUMNS = {
    "vehicle_id": "vehicle",
    "procedure": "procedure",
    "range_without_km": "range without km",
    "range_with_km": "range with km",
    "cost_km": "cost km",
    "cost_pct": "cost %",
    "stack_power_w": "stack W",
    "roof_drag_area_m2": "roof ΔCdA m²",
}


@app.command(name="adas", rich_help_panel=PANEL_AUTONOMY)
@reports_input_errors
def adas_command(
    vehicle: VehicleArgument,
    scenario: Annotated[
        str, typer.Option(help="Scenario id (euro-ncap-ccrs/ccrm/ccrb, acc-follow) or YAML.")
    ] = "euro-ncap-ccrs",
    speeds: Annotated[
        str | None,
        typer.Option(help="Ego speeds [km/h]: start:stop:step (10:50:5) or a list (20,30)."),
    ] = None,
    perception: Annotated[
        str, typer.Option(help="lidar (ray-cast frames, perceived) or ideal (truth at 10 Hz).")
    ] = "lidar",
    sensor: Annotated[
        str | None,
        typer.Option(help="Lidar id (lidar perception; default: the vehicle's autonomy.lidar)."),
    ] = None,
    plot: Annotated[
        Path | None, typer.Option(help="Write speed and gap plots (.png/.svg).")
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(help="Seed of lidar range noise and dropout (lidar perception; default 0)."),
    ] = None,
    jobs: Annotated[int, typer.Option(help="Processes for the cases of a test matrix.")] = 1,
    as_json: JsonOption = False,
) -> None:
    """Closed-loop AEB/ACC scenario on the vehicle model: pass/fail, impact speed, TTC, decel."""
    from bevsim.autonomy.ccr import ccr_cases
    from bevsim.autonomy.scenario_specs import parse_speeds
    from bevsim.autonomy.scenarios import load_scenario, run_scenario
    from bevsim.spec import load_vehicle

    check_output_path(plot, PLOT_SUFFIXES, "plot")
    JOBS.check(jobs)
    SEED.check(seed)
    for option, value in (("--sensor", sensor), ("--seed", seed)):
        refuse_unused(
            option,
            value is not None,
            perception != "ideal",
            "it sets the lidar, and --perception ideal uses no lidar",
        )
    seed = 0 if seed is None else seed
    speed_list = parse_speeds(speeds) if speeds is not None else None
    spec = load_vehicle(vehicle)
    scn = load_scenario(scenario)
    cases = 1 if scn.kind == "acc" else len(ccr_cases(scn, speed_list))
    with progress(f"adas {scn.id}", cases, "cases") as report:
        result = run_scenario(
            spec,
            scn,
            speed_list,
            perception=perception,
            sensor=sensor,
            seed=seed,
            jobs=jobs,
            progress=lambda done, _total: report(done),
        )
    if plot is not None:
        from bevsim.report.scenario_plots import plot_scenario

        plot_scenario(plot, result)
    records = [{**r, "perception": result.perception} for r in result.records]
    if as_json:
        print_records(records)
        return
    frame = pd.DataFrame(records)
    columns = ACC_COLUMNS if scn.kind == "acc" else CCR_COLUMNS
    frame = frame.astype({c: object for c in columns if frame[c].isna().any()})
    frame = frame.fillna("-")
    title = f"{scn.id} - {spec.name} ({perception} perception)"
    print_table(frame, columns, title)
    if scn.kind == "ccr":
        passed = int(frame["passed"].sum())
        console.print(
            f"{passed}/{len(frame)} cases passed (full points); "
            f"points {frame['points'].sum():.2f}/{len(frame)} "
            f"(Euro NCAP AEB C2C v3.0.2 bands by relative impact speed)"
        )
    if plot is not None:
        console.print(f"written: {plot}")


@app.command(name="autonomy-cost", rich_help_panel=PANEL_AUTONOMY)
@reports_input_errors
def autonomy_cost_command(
    vehicles: VehiclesArgument,
    procedure: Annotated[
        str, typer.Option(help="Range procedure: cltc, wltp, epa or all.")
    ] = "cltc",
    as_json: JsonOption = False,
) -> None:
    """Range with and without the autonomy stack (compute, sensors, roof sensor drag)."""
    from bevsim.procedures.range_test import procedure_names
    from bevsim.procedures.registry import get_procedure
    from bevsim.spec import load_vehicles

    names = procedure_names(procedure)
    specs = load_vehicles(vehicles)
    cost = get_procedure("autonomy")
    frames = [cost.run(specs, procedure=name) for name in names]
    table = pd.concat(frames, ignore_index=True)
    if as_json:
        print_records(table.round(4).to_dict(orient="records"))
        return
    print_table(table, COST_COLUMNS, f"autonomy cost in range ({procedure})")
