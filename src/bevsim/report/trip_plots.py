"""Figures of a trip replay: predicted against measured over time and over distance."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bevsim.report.figure_file import plt, save_figure

SMOOTHING_S = 15
"""Window of the running mean drawn over the 1 Hz pack power [s] (the raw trace is a blur)."""


def plot_trip(trace: pd.DataFrame, title: str, path: str | Path) -> Path:
    """Six panels: speed and elevation over distance; cumulative pack energy [kWh] over time and
    over distance; pack power [kW] (running mean); SoC [%]; ambient [degC] and HVAC power [kW]."""
    fig, axes = plt.subplots(3, 2, figsize=(13, 10))
    has = trace.columns
    km = trace["distance_km"]
    ax = axes[0, 0]
    ax.plot(km, trace["speed_kmh"], lw=0.8, color="tab:gray")
    ax.set(xlabel="distance [km]", ylabel="speed [km/h]", title="Logged drive")
    if trace["elevation_m"].notna().any():
        twin = ax.twinx()
        twin.plot(km, trace["elevation_m"], color="tab:green", lw=1.0)
        twin.set_ylabel("elevation [m]", color="tab:green")
    for ax, x, label in (
        (axes[0, 1], trace["time_s"] / 60.0, "time [min]"),
        (axes[1, 0], km, "distance [km]"),
    ):
        ax.plot(x, trace["predicted_battery_energy_kwh"], label="predicted", color="tab:blue")
        if "measured_battery_energy_kwh" in has:
            ax.plot(x, trace["measured_battery_energy_kwh"], label="measured", color="tab:red")
        ax.set(
            xlabel=label,
            ylabel="energy out of the pack [kWh]",
            title=f"Pack energy over {label.split()[0]}",
        )
        ax.legend(fontsize=8)
    minutes = trace["time_s"] / 60.0
    ax = axes[1, 1]
    mean = {"window": SMOOTHING_S, "center": True, "min_periods": 1}
    curves = [("predicted", "tab:blue")] + [("measured", "tab:red")] * (
        "measured_battery_power_w" in has
    )
    for name, color in curves:
        power_w = trace[f"{name}_battery_power_w"].rolling(**mean).mean()
        ax.plot(minutes, power_w / 1000.0, label=name, color=color, lw=0.9)
    ax.set(xlabel="time [min]", ylabel=f"pack power [kW], {SMOOTHING_S} s mean", title="Pack power")
    ax.legend(fontsize=8)
    ax = axes[2, 0]
    ax.plot(minutes, trace["predicted_soc_pct"], label="predicted", color="tab:blue")
    if "measured_soc_pct" in has:
        ax.plot(minutes, trace["measured_soc_pct"], label="measured (BMS)", color="tab:red")
    ax.set(xlabel="time [min]", ylabel="state of charge [%]", title="SoC")
    ax.legend(fontsize=8)
    ax = axes[2, 1]
    ax.plot(
        minutes,
        trace["predicted_cabin_hvac_power_w"] / 1000.0,
        label="predicted HVAC",
        color="tab:blue",
        lw=0.9,
    )
    for column, label, color in (
        ("measured_heating_power_w", "measured heater", "tab:red"),
        ("measured_aircon_power_w", "measured A/C", "tab:orange"),
    ):
        if column in has and trace[column].notna().any():
            ax.plot(minutes, trace[column] / 1000.0, label=label, color=color, lw=0.9)
    ax.set(xlabel="time [min]", ylabel="electric power [kW]", title="Cabin heating and cooling")
    twin = ax.twinx()
    twin.plot(minutes, trace["ambient_temp_c"], color="tab:gray", ls="--", lw=0.9)
    twin.set_ylabel("ambient [degC]", color="tab:gray")
    ax.legend(fontsize=8, loc="upper left")
    for ax in axes.flat:
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)
