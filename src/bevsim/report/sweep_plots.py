"""Figure of a design sweep: range against pack energy and against pack cost (PNG/SVG)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bevsim.errors import BevsimError
from bevsim.report.figure_file import plt, save_figure
from bevsim.sweep.pareto import pareto_front


def plot_sweep(frame: pd.DataFrame, path: Path) -> Path:
    """Range vs pack energy coloured by chemistry, and range vs pack cost with its Pareto front."""
    ok = frame[frame["error"].isna()] if "error" in frame else frame
    if "range_km" not in ok or ok.empty:
        raise BevsimError(f"{path}: the sweep has no range results to plot (use --procedure)")
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.8))
    size = 4 if len(ok) > 5000 else 14
    for chem, group in ok.groupby("chemistry"):
        left.scatter(
            group["pack_energy_kwh"],
            group["range_km"],
            s=size,
            label=chem,
            alpha=0.6,
            rasterized=True,
        )
        right.scatter(
            group["pack_cost_usd"],
            group["range_km"],
            s=size,
            alpha=0.3,
            rasterized=True,
            label=chem,
        )
    front = pareto_front(ok)
    for proc, group in front.groupby("procedure"):
        right.step(
            group["pack_cost_usd"],
            group["range_km"],
            where="post",
            color="black",
            lw=1.2,
            label=f"Pareto front ({proc.upper()})",
        )
    left.set_xlabel("pack energy [kWh]")
    right.set_xlabel("pack cost [USD]")
    for ax in (left, right):
        ax.set_ylabel("range [km]")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    left.set_title("Range vs pack energy, by chemistry")
    right.set_title("Range vs pack cost")
    fig.tight_layout()
    return save_figure(fig, path, dpi=120)
