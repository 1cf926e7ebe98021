"""``bevsim calibrate``: fit a vehicle's named physical parameters to logged trips."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
import yaml
from rich.progress import Progress

from bevsim.cli.app import (
    PANEL_CYCLES,
    JsonOption,
    VehicleArgument,
    app,
    check_output_path,
    console,
    err_console,
    print_records,
    reports_input_errors,
)
from bevsim.cli.trip_commands import LogsArgument, read_logs
from bevsim.errors import BevsimError
from bevsim.files import write_atomically
from bevsim.spec import load_vehicle
from bevsim.trips.calibrate import DEFAULT_FOLDS, FIT_BOUNDS, Calibration, calibrate, parse_paths
from bevsim.trips.calibrate import with_values as calibrated_spec


@app.command(name="calibrate", rich_help_panel=PANEL_CYCLES)
@reports_input_errors
def calibrate_command(
    vehicle: VehicleArgument,
    logs: LogsArgument,
    fit: Annotated[
        str,
        typer.Option(
            "--fit",
            help=f"Comma-separated parameter paths to fit; known: {', '.join(FIT_BOUNDS)}.",
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Calibrated vehicle file (.yaml).")],
    folds: Annotated[int, typer.Option("--folds", help="k of the k-fold split over trips.")] = (
        DEFAULT_FOLDS
    ),
    split: Annotated[
        bool, typer.Option("--split", help="Split logs at gaps and charging stops.")
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """Fit named parameters of a vehicle to logged trips' measured pack energy (bounded least
    squares, k-fold over trips) and write the calibrated vehicle file with the fit report."""
    check_output_path(out, {".yaml", ".yml"}, "calibrated vehicle")
    paths = parse_paths(fit)
    if folds < 2:
        raise BevsimError(f"--folds: expected at least 2, got {folds}")
    spec = load_vehicle(vehicle)
    trips = read_logs(logs, split)
    k = max(2, min(folds, len(trips)))
    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("fitting folds", total=k + 1)
        result = calibrate(spec, trips, paths, k, progress=lambda: progress.advance(task))
    text = calibrated_yaml(spec, result, trips)
    write_atomically(out, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    records = report_records(result)
    if as_json:
        print_records(records)
        return
    for path, value in result.fit.values.items():
        console.print(
            f"{path} = {value:.6g}   (bounds {FIT_BOUNDS[path][0]:g}..{FIT_BOUNDS[path][1]:g})"
        )
    seasons = {t.name: t.metadata.season or "all" for t in trips}
    for season, (fit_mae, held_mae) in _season_mae(result, seasons).items():
        console.print(f"{season}: fit MAE {fit_mae:.1f} %, held-out MAE {held_mae:.1f} %")
    console.print(f"written: {out}")


def report_records(result: Calibration) -> list[dict]:
    """One record per trip: fitted and held-out energy error [%]."""
    return [
        {
            "trip": name,
            "fit_error_pct": result.fit.errors_pct[name],
            "held_out_error_pct": result.held_out_pct[name],
            **{f"fitted.{p}": v for p, v in result.fit.values.items()},
        }
        for name in result.fit.errors_pct
    ]


def _season_mae(result: Calibration, seasons: dict[str, str]) -> dict:
    """Per season: MAE [%] of the fitted and of the held-out energy errors."""
    groups: dict[str, list[str]] = {}
    for name in result.fit.errors_pct:
        groups.setdefault(seasons.get(name, "all"), []).append(name)
    return {
        season: (
            sum(abs(result.fit.errors_pct[n]) for n in names) / len(names),
            sum(abs(result.held_out_pct[n]) for n in names) / len(names),
        )
        for season, names in groups.items()
    }


def calibrated_yaml(spec, result: Calibration, trips) -> str:
    """The calibrated vehicle file: the fit report and the bounds' sources as comments, then
    the vehicle with the fitted values (id and name marked calibrated)."""
    seasons = {t.name: t.metadata.season or "all" for t in trips}
    tuned = calibrated_spec(spec, result.fit.values)
    data = tuned.model_dump(exclude_none=True, mode="json")
    data["id"] = f"{spec.id}-calibrated"
    data["name"] = f"{spec.name} (calibrated)"
    lines = [
        f"# {data['name']}: {spec.id} calibrated by `bevsim calibrate` to {len(trips)} trips",
        "# (bounded least squares on the cumulative pack energy at 25/50/75/100 % of each trip;",
        f"# {len(result.folds)}-fold split over trips for the held-out errors).",
        "# Fitted parameters (bounds and their source):",
    ]
    for path, value in result.fit.values.items():
        lo, hi, source = FIT_BOUNDS[path]
        lines.append(f"#   {path} = {value:.6g}  [{lo:g} .. {hi:g}]  {source}")
    lines.append("# Energy error per season, MAE: fitted on all trips / held out (k-fold):")
    for season, (fit_mae, held_mae) in _season_mae(result, seasons).items():
        lines.append(f"#   {season}: {fit_mae:.1f} % / {held_mae:.1f} %")
    lines.append("# Per trip, error [%] fitted / held out (fold):")
    for k, fold in enumerate(result.folds, start=1):
        for name in fold:
            lines.append(
                f"#   {name}: {result.fit.errors_pct[name]:+.1f} / "
                f"{result.held_out_pct[name]:+.1f} (fold {k})"
            )
    body = yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
    return "\n".join(lines) + "\n" + body
