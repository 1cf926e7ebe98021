"""Matplotlib figures for cycle runs and comparisons (PNG or SVG by file suffix)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from bevsim.report.figure_file import plt, save_figure


def plot_comparison(summary: pd.DataFrame, path: str | Path) -> Path:
    """Grouped bars of consumption [kWh/100 km] per cycle and vehicle."""
    table = summary.pivot_table(
        index="cycle", columns="vehicle_id", values="consumption_kwh_per_100km", sort=False
    )
    fig, ax = plt.subplots(figsize=(max(6.0, 1.6 * len(table.index) + 3), 4.5))
    width = 0.8 / max(len(table.columns), 1)
    x = np.arange(len(table.index))
    for k, vehicle in enumerate(table.columns):
        bars = ax.bar(x + k * width - 0.4 + width / 2, table[vehicle], width, label=vehicle)
        ax.bar_label(bars, fmt="%.1f", fontsize=7, padding=1)
    ax.set_xticks(x, table.index)
    ax.set_ylabel("consumption at battery terminals [kWh/100 km]")
    ax.set_title("Energy consumption by cycle")
    ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncol=3, frameon=False)
    ax.set_ylim(0, float(np.nanmax(table.to_numpy())) * 1.15)
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_ranges(results: pd.DataFrame, path: str | Path) -> Path:
    """Range [km] and grid consumption [kWh/100 km] per procedure and vehicle, side by side."""
    fig, axes = plt.subplots(1, 2, figsize=(12, 4.8))
    for ax, column, label in (
        (axes[0], "range_km", "range [km]"),
        (axes[1], "consumption_kwh_per_100km", "consumption from the grid [kWh/100 km]"),
    ):
        table = results.pivot_table(
            index="procedure", columns="vehicle_id", values=column, sort=False
        )
        width = 0.8 / max(len(table.columns), 1)
        x = np.arange(len(table.index))
        for k, vehicle in enumerate(table.columns):
            bars = ax.bar(x + k * width - 0.4 + width / 2, table[vehicle], width, label=vehicle)
            ax.bar_label(bars, fmt="%.0f" if column == "range_km" else "%.1f", fontsize=7)
        ax.set_xticks(x, [p.upper() for p in table.index])
        ax.set_ylabel(label)
        ax.set_ylim(0, float(np.nanmax(table.to_numpy())) * 1.15)
        ax.grid(axis="y", alpha=0.3)
    axes[0].legend(
        fontsize=8, loc="upper center", bbox_to_anchor=(1.1, -0.08), ncol=4, frameon=False
    )
    fig.suptitle("Official-procedure range and consumption (EPA: label values)")
    fig.tight_layout()
    return save_figure(fig, path)


def plot_retention(results: pd.DataFrame, path: str | Path) -> Path:
    """Range retained against ambient temperature, one line per vehicle."""
    fig, ax = plt.subplots(figsize=(8, 5))
    for vehicle, rows in results.groupby("vehicle_id", sort=False):
        rows = rows.sort_values("ambient_temp_c")
        ax.plot(rows["ambient_temp_c"], 100.0 * rows["range_retained"], marker="o", label=vehicle)
    ax.axhline(100.0, color="0.5", lw=0.8)
    ax.set_xlabel("ambient temperature [°C]")
    ax.set_ylabel("range retained vs 23 °C [%]")
    ax.set_title(f"Winter range retention ({results['procedure'].iloc[0].upper()})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    return save_figure(fig, path)


def plot_run(trace: pd.DataFrame, title: str, path: str | Path) -> Path:
    """Speed (requested and achieved), battery and wheel power, and SOC against time."""
    fig, (ax_v, ax_p, ax_soc) = plt.subplots(3, 1, figsize=(10, 7.5), sharex=True)
    t = trace["time_s"]
    ax_v.plot(t, trace["speed_requested_kmh"], color="0.6", lw=2.0, label="requested")
    ax_v.plot(t, trace["speed_achieved_kmh"], color="C0", lw=1.0, label="achieved")
    ax_v.set_ylabel("speed [km/h]")
    ax_v.legend(fontsize=8, loc="upper left")
    ax_p.plot(t, trace["battery_power_w"] / 1000.0, color="C3", lw=0.9, label="battery")
    ax_p.plot(t, trace["wheel_power_w"] / 1000.0, color="C2", lw=0.9, label="wheel")
    ax_p.axhline(0.0, color="0.3", lw=0.5)
    ax_p.set_ylabel("power [kW]")
    ax_p.legend(fontsize=8, loc="upper left")
    ax_soc.plot(t, trace["soc"] * 100.0, color="C1")
    ax_soc.set_ylabel("SOC [%]")
    ax_soc.set_xlabel("time [s]")
    for ax in (ax_v, ax_p, ax_soc):
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return save_figure(fig, path)
