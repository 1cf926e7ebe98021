"""``bevsim vehicles`` and ``bevsim cycles``: what the libraries hold."""

from __future__ import annotations

from typing import Annotated

import pandas as pd
import typer

from bevsim.cli.app import (
    PANEL_LIBRARY,
    JsonOption,
    app,
    print_records,
    print_table,
    reports_input_errors,
)
from bevsim.cycles import list_cycles, load_cycle
from bevsim.spec import list_vehicles, load_vehicle, pack_of
from bevsim.spec.defaults import defaults_used


@app.command(rich_help_panel=PANEL_LIBRARY)
@reports_input_errors
def vehicles(
    as_json: JsonOption = False,
    explain: Annotated[
        str | None,
        typer.Option(
            "--explain",
            help="A vehicle (library id or YAML file): list the defaults it relies on instead",
        ),
    ] = None,
) -> None:
    """List the built-in vehicles with their key figures, or the defaults one file relies on."""
    if explain is not None:
        _explain_defaults(explain, as_json)
        return
    rows = []
    for vehicle_id in list_vehicles():
        spec = load_vehicle(vehicle_id)
        pack = pack_of(spec)
        rows.append(
            {
                "vehicle_id": vehicle_id,
                "vehicle": spec.name,
                "curb_mass_kg": spec.mass.curb_kg,
                "drag_coefficient": spec.body.drag_coefficient,
                "layout": spec.drive.layout,
                "motor_peak_power_kw": sum(m.peak_power_kw for m in spec.drive.motors),
                "chemistry": spec.battery.chemistry,
                "gross_energy_kwh": pack.gross_energy_wh / 1000.0,
                "nominal_voltage_v": pack.nominal_voltage_v,
            }
        )
    frame = pd.DataFrame(rows)
    if as_json:
        print_records(frame.to_dict(orient="records"))
        return
    print_table(
        frame,
        {
            "vehicle_id": "Vehicle id",
            "vehicle": "Name",
            "curb_mass_kg": "curb kg",
            "drag_coefficient": "Cd",
            "layout": "layout",
            "motor_peak_power_kw": "motor kW",
            "chemistry": "chemistry",
            "gross_energy_kwh": "pack kWh",
            "nominal_voltage_v": "pack V",
        },
        "bevsim vehicle library",
    )


def _explain_defaults(vehicle: str, as_json: bool) -> None:
    spec = load_vehicle(vehicle)
    frame = pd.DataFrame(
        [
            {"field": d.path, "default": str(d.value), "meaning": d.description}
            for d in defaults_used(spec)
        ],
        columns=["field", "default", "meaning"],
    )
    if as_json:
        print_records(frame.to_dict(orient="records"))
        return
    print_table(
        frame,
        {"field": "Field", "default": "Default used", "meaning": "Meaning"},
        f"defaults {spec.id} relies on (fields its file does not set)",
    )


@app.command(rich_help_panel=PANEL_LIBRARY)
@reports_input_errors
def cycles(as_json: JsonOption = False) -> None:
    """List the built-in drive cycles."""
    rows = []
    for name, description in list_cycles().items():
        cycle = load_cycle(name)
        rows.append(
            {
                "cycle": name,
                "description": description,
                "duration_s": cycle.duration_s,
                "distance_km": cycle.distance_m / 1000.0,
                "max_speed_kmh": cycle.max_speed_mps * 3.6,
                "mean_speed_kmh": cycle.distance_m / cycle.duration_s * 3.6,
            }
        )
    frame = pd.DataFrame(rows)
    if as_json:
        print_records(frame.to_dict(orient="records"))
        return
    print_table(
        frame,
        {
            "cycle": "Cycle",
            "description": "Description",
            "duration_s": "duration s",
            "distance_km": "distance km",
            "max_speed_kmh": "max km/h",
            "mean_speed_kmh": "mean km/h",
        },
        "bevsim drive cycles",
    )
