"""The numbers of a report as small tables (column -> header with unit), shared by HTML and
Markdown so both show the same values."""

from __future__ import annotations

import pandas as pd

from bevsim.procedures.cycle_run import DEFAULT_LOAD_KG
from bevsim.procedures.performance import DRIVER_KG
from bevsim.report.collect import (
    BREAKDOWN_CYCLE,
    BREAKDOWN_LABELS,
    CHARGE_FROM_SOC,
    CHARGE_TO_SOC,
    CHARGER_KW,
    REPORT_CYCLES,
    WINTER_PROCEDURE,
    WINTER_TEMPS_C,
    ReportData,
)

RANGE_TABLE = {
    "vehicle_id": "vehicle",
    "procedure": "procedure",
    "test_mass_kg": "test mass [kg]",
    "range_km": "range [km]",
    "consumption_kwh_per_100km": "grid consumption [kWh/100 km]",
}
CYCLE_TABLE = {
    "vehicle_id": "vehicle",
    "cycle": "cycle",
    "distance_km": "distance [km]",
    "consumption_kwh_per_100km": "battery consumption [kWh/100 km]",
    "regen_energy_kwh": "regenerated [kWh]",
}
WINTER_TABLE = {
    "vehicle_id": "vehicle",
    "ambient_temp_c": "ambient [°C]",
    "range_km": "range [km]",
    "range_retained_pct": "retained vs 23 °C [%]",
    "cabin_hvac_kwh": "cabin HVAC [kWh]",
    "battery_heating_kwh": "pack heating [kWh]",
}
PERF_TABLE = {
    "vehicle_id": "vehicle",
    "accel_0_100_kmh_s": "0-100 km/h [s]",
    "accel_0_100_kmh_limited_by": "limited by",
    "top_speed_kmh": "top speed [km/h]",
    "top_speed_limited_by": "limited by",
    "top_speed_physical_kmh": "without limiter [km/h]",
}
CHARGE_TABLE = {
    "vehicle_id": "vehicle",
    "from_soc_pct": "from [%]",
    "to_soc_pct": "to [%]",
    "time_min": "time [min]",
    "energy_kwh": "energy [kWh]",
    "avg_power_kw": "average [kW]",
    "peak_power_kw": "peak [kW]",
    "mostly_limited_by": "mostly limited by",
}
AUTONOMY_TABLE = {
    "vehicle_id": "vehicle",
    "range_without_km": "CLTC range without [km]",
    "range_with_km": "with [km]",
    "cost_km": "cost [km]",
    "cost_pct": "cost [%]",
    "stack_power_w": "stack power [W]",
    "roof_drag_area_m2": "roof ΔCdA [m²]",
}


def car_list(data: ReportData) -> str:
    """The report's vehicle ids, comma-separated (its title)."""
    return ", ".join(spec.id for spec in data.specs)


def report_tables(data: ReportData) -> list[tuple[str, pd.DataFrame]]:
    """(heading, table with unit headers, values rounded for reading) for every section."""
    winter = data.winter.assign(range_retained_pct=100.0 * data.winter["range_retained"])
    sections = [
        ("Official range and consumption", data.ranges, RANGE_TABLE),
        ("Consumption by cycle", data.cycles, CYCLE_TABLE),
        (f"Where the energy goes on {BREAKDOWN_CYCLE}", *_breakdown(data)),
        ("Winter", winter, WINTER_TABLE),
        ("Performance", data.performance, PERF_TABLE),
        ("DC charging", data.charging, CHARGE_TABLE),
    ]
    if len(data.autonomy):
        sections.append(("Autonomy cost", data.autonomy, AUTONOMY_TABLE))
    return [(heading, _shown(frame, columns)) for heading, frame, columns in sections]


def _breakdown(data: ReportData) -> tuple[pd.DataFrame, dict[str, str]]:
    """Chemical energy and each term per distance [kWh/100 km] (the terms sum to the total)."""
    from bevsim.procedures.cycle_run import LOSS_COLUMNS

    frame = data.breakdown
    per_100km = frame[["chemical_energy_kwh", *LOSS_COLUMNS]].div(frame["distance_km"], axis=0)
    table = pd.concat([frame[["vehicle_id"]], 100.0 * per_100km], axis=1)
    columns = {"vehicle_id": "vehicle", "chemical_energy_kwh": "from the cells [kWh/100 km]"}
    columns |= {c: f"{BREAKDOWN_LABELS[c]} [kWh/100 km]" for c in LOSS_COLUMNS}
    return table, columns


def _shown(frame: pd.DataFrame, columns: dict[str, str]) -> pd.DataFrame:
    table = frame[list(columns)].rename(columns=columns)
    numeric = table.select_dtypes("number").columns
    table[numeric] = table[numeric].round(2)
    return table.fillna("-")


def report_inputs(data: ReportData) -> list[tuple[str, str]]:
    """(label, value) of what the report was made from: versions, vehicle files, procedures."""
    import bevsim
    from bevsim.sweep.store import model_version

    return [
        ("bevsim version", bevsim.__version__),
        ("model version", model_version()),
        *(
            (f"vehicle {spec.id}", f"{spec.name} ({src})")
            for spec, src in zip(data.specs, data.sources, strict=True)
        ),
        *((f"procedure: {name}", text) for name, text in PROCEDURE_NOTES),
    ]


PROCEDURE_NOTES = (  # (procedure, conditions) as run by collect
    (
        "range",
        "CLTC (GB/T 18386.1), WLTP (consecutive WLTC 3b), EPA (UDDS + HWFET, 2-cycle label "
        "x 0.7), driven to depletion and recharged from the grid (test masses in the table)",
    ),
    ("cycles", f"{', '.join(REPORT_CYCLES)} from full, curb + {DEFAULT_LOAD_KG:g} kg, 23 °C"),
    ("energy breakdown", BREAKDOWN_CYCLE),
    (
        "winter",
        f"{WINTER_PROCEDURE.upper()} at {', '.join(f'{t:g}' for t in WINTER_TEMPS_C)} °C, "
        "cabin heated, cold-soaked",
    ),
    ("performance", f"full throttle, curb + {DRIVER_KG:g} kg driver, level road, 23 °C"),
    (
        "DC charging",
        f"{100 * CHARGE_FROM_SOC:g} -> {100 * CHARGE_TO_SOC:g} % on a {CHARGER_KW:g} kW charger "
        "at 23 °C",
    ),
    ("autonomy", "CLTC range with and without the stack (cars with an autonomy section)"),
)
