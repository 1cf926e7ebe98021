"""Figure of a DC charging session: power, current, voltage, SOC and cell temperature (PNG/SVG)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bevsim.report.figure_file import plt, save_figure


def plot_session(trace: pd.DataFrame, summary: dict, path: Path) -> Path:
    """Power, current, voltage, SOC and cell temperature against time, one panel each."""
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
