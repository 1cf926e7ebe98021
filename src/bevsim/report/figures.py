"""Interactive plotly charts of a report: every axis titled with its unit, hover values."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from bevsim.report.collect import (
    BREAKDOWN_CYCLE,
    BREAKDOWN_LABELS,
    CHARGER_KW,
    WINTER_PROCEDURE,
    ReportData,
)

MAX_POINTS_PER_LINE = 150
"""Longest line drawn from a trace [points]: keeps the HTML small (plotly.js alone is ~4.8 MB)."""


@dataclass(frozen=True)
class Chart:
    """One chart of the report: a stable id (the HTML element id), a heading and the figure."""

    chart_id: str
    title: str
    figure: go.Figure


def charts(data: ReportData) -> list[Chart]:
    """Every chart of the report for ``data``, in page order (autonomy only where present)."""
    out = [
        Chart("range", "Official range", _range_bars(data.ranges, "range_km", "range [km]")),
        Chart(
            "official-consumption",
            "Official consumption from the grid",
            _range_bars(
                data.ranges, "consumption_kwh_per_100km", "consumption from the grid [kWh/100 km]"
            ),
        ),
        Chart("cycles", "Consumption by cycle", _cycle_bars(data.cycles)),
        Chart("breakdown", f"Where the energy goes ({BREAKDOWN_CYCLE})", _breakdown(data)),
        Chart("winter", f"Winter range retention ({WINTER_PROCEDURE.upper()})", _winter(data)),
        Chart("acceleration", "0-100 km/h", _acceleration(data.performance)),
        Chart("launch", "Full-throttle launch", _launch(data.launches)),
        Chart("top-speed", "Top speed", _top_speed(data.performance)),
        Chart("charge-soc", "DC charging power against SOC", _charge(data, "soc")),
        Chart("charge-time", "DC charging power against time", _charge(data, "time")),
    ]
    if len(data.autonomy):
        out.append(Chart("autonomy", "What autonomy costs in range", _autonomy(data.autonomy)))
    return out


def _layout(fig: go.Figure, x_title: str, y_title: str, **extra) -> go.Figure:
    fig.update_layout(
        template="none",  # a named template is inlined in every chart (~7 kB each)
        font={"family": "system-ui, sans-serif", "size": 12},
        height=420,
        margin={"l": 70, "r": 20, "t": 30, "b": 60},
        legend={"orientation": "h", "y": -0.18},
        **extra,
    )
    fig.update_xaxes(title_text=x_title, gridcolor="#e5e5e5", zeroline=False)
    fig.update_yaxes(title_text=y_title, gridcolor="#e5e5e5", zerolinecolor="#999")
    return fig


def _range_bars(ranges: pd.DataFrame, column: str, label: str) -> go.Figure:
    fig = go.Figure()
    for vehicle_id, rows in ranges.groupby("vehicle_id", sort=False):
        fig.add_bar(
            name=vehicle_id,
            x=rows["procedure"].str.upper(),
            y=rows[column],
            text=rows[column].round(1),
            hovertemplate=f"%{{x}}<br>{label}: %{{y:.1f}}<extra>{vehicle_id}</extra>",
        )
    return _layout(fig, "procedure", label, barmode="group")


def _cycle_bars(cycles: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    label = "consumption at battery terminals [kWh/100 km]"
    for vehicle_id, rows in cycles.groupby("vehicle_id", sort=False):
        fig.add_bar(
            name=vehicle_id,
            x=rows["cycle"],
            y=rows["consumption_kwh_per_100km"],
            text=rows["consumption_kwh_per_100km"].round(1),
            hovertemplate=f"%{{x}}<br>{label}: %{{y:.2f}}<extra>{vehicle_id}</extra>",
        )
    return _layout(fig, "drive cycle", label, barmode="group")


def _breakdown(data: ReportData) -> go.Figure:
    frame = data.breakdown
    per_100km = 100.0 / frame["distance_km"]
    fig = go.Figure()
    label = "energy per distance [kWh/100 km]"
    for column, name in BREAKDOWN_LABELS.items():
        values = frame[column] * per_100km
        if not np.any(np.abs(values) > 1e-6):
            continue
        fig.add_bar(
            name=name,
            x=frame["vehicle_id"],
            y=values,
            hovertemplate=f"%{{x}}<br>{name}: %{{y:.2f}} kWh/100 km<extra></extra>",
        )
    return _layout(fig, "vehicle", label, barmode="relative")


def _winter(data: ReportData) -> go.Figure:
    fig = go.Figure()
    for vehicle_id, rows in data.winter.groupby("vehicle_id", sort=False):
        chemistry = data.chemistry_of(vehicle_id)
        fig.add_scatter(
            name=f"{vehicle_id} ({chemistry})",
            x=rows["ambient_temp_c"],
            y=100.0 * rows["range_retained"],
            customdata=rows["range_km"],
            mode="lines+markers",
            line={"dash": "solid" if "lfp" in chemistry else "dash"},
            hovertemplate=(
                "%{x:g} °C<br>retained: %{y:.1f} %<br>range: %{customdata:.0f} km"
                f"<extra>{vehicle_id}</extra>"
            ),
        )
    return _layout(fig, "ambient temperature [°C]", "range retained vs 23 °C [%]")


def _acceleration(perf: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(
        x=perf["vehicle_id"],
        y=perf["accel_0_100_kmh_s"],
        customdata=perf["accel_0_100_kmh_limited_by"].fillna("-"),
        text=[
            f"{t:.2f} s, {by}"
            for t, by in zip(
                perf["accel_0_100_kmh_s"],
                perf["accel_0_100_kmh_limited_by"].fillna("-"),
                strict=True,
            )
        ],
        hovertemplate="%{x}<br>0-100 km/h: %{y:.2f} s<br>limited by: %{customdata}<extra></extra>",
        name="0-100 km/h",
    )
    return _layout(fig, "vehicle", "0-100 km/h time [s]")


def _launch(launches: dict[str, pd.DataFrame]) -> go.Figure:
    fig = go.Figure()
    for vehicle_id, trace in launches.items():
        thin = _thinned(trace)
        fig.add_scatter(
            name=vehicle_id,
            x=thin["time_s"].to_numpy(np.float32),
            y=thin["speed_kmh"].to_numpy(np.float32),
            customdata=thin["limiter"].astype(str),
            mode="lines",
            hovertemplate="%{x:.1f} s<br>%{y:.0f} km/h<br>limited by: %{customdata}"
            f"<extra>{vehicle_id}</extra>",
        )
    return _layout(fig, "time from standstill [s]", "speed [km/h]")


def _top_speed(perf: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(
        name="top speed",
        x=perf["vehicle_id"],
        y=perf["top_speed_kmh"],
        customdata=perf["top_speed_limited_by"].fillna("-"),
        text=perf["top_speed_limited_by"].fillna("-"),
        hovertemplate="%{x}<br>top speed: %{y:.0f} km/h<br>limited by: %{customdata}"
        "<extra></extra>",
    )
    fig.add_scatter(
        name="without limiter",
        x=perf["vehicle_id"],
        y=perf["top_speed_physical_kmh"],
        mode="markers",
        marker={"symbol": "diamond", "size": 11},
        customdata=perf["top_speed_physical_limited_by"].fillna("-"),
        hovertemplate="%{x}<br>without limiter: %{y:.0f} km/h<br>limited by: %{customdata}"
        "<extra></extra>",
    )
    return _layout(fig, "vehicle", "top speed [km/h]")


def _charge(data: ReportData, against: str) -> go.Figure:
    fig = go.Figure()
    for vehicle_id, trace in data.charge_traces.items():
        thin = _thinned(trace)
        soc_pct = (100.0 * thin["soc"]).to_numpy(np.float32)
        minutes = (thin["time_s"] / 60.0).to_numpy(np.float32)
        x, other = (soc_pct, minutes) if against == "soc" else (minutes, soc_pct)
        soc_first = against == "soc"
        other_label = "time %{customdata:.1f} min" if soc_first else "SOC %{customdata:.1f} %"
        x_label = "SOC %{x:.1f} %" if soc_first else "time %{x:.1f} min"
        fig.add_scatter(
            name=vehicle_id,
            x=x,
            y=thin["power_kw"].to_numpy(np.float32),
            customdata=other,
            mode="lines",
            hovertemplate=f"{x_label}<br>{other_label}<br>power: %{{y:.0f}} kW"
            f"<extra>{vehicle_id}</extra>",
        )
    x_title = "state of charge [%]" if against == "soc" else "time since plug-in [min]"
    return _layout(fig, x_title, f"DC power from the {CHARGER_KW:g} kW charger [kW]")


def _thinned(trace: pd.DataFrame) -> pd.DataFrame:
    """At most MAX_POINTS_PER_LINE evenly spaced rows, first and last kept."""
    if len(trace) <= MAX_POINTS_PER_LINE:
        return trace
    rows = np.unique(np.linspace(0, len(trace) - 1, MAX_POINTS_PER_LINE).round().astype(int))
    return trace.iloc[rows]


def _autonomy(table: pd.DataFrame) -> go.Figure:
    fig = go.Figure()
    fig.add_bar(
        name="range cost",
        x=table["vehicle_id"],
        y=table["cost_km"],
        customdata=np.stack([table["cost_pct"], table["stack_power_w"]], axis=-1),
        text=table["cost_km"].round(1),
        hovertemplate="%{x}<br>cost: %{y:.1f} km (%{customdata[0]:.1f} %)"
        "<br>stack power: %{customdata[1]:.0f} W<extra></extra>",
    )
    return _layout(fig, "vehicle", "CLTC range lost to the autonomy stack [km]")
