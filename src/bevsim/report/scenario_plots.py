"""Figure of a closed-loop ADAS scenario: speed and gap over time (PNG or SVG by suffix)."""

from __future__ import annotations

from pathlib import Path

from bevsim.autonomy.scenario_specs import AccScenario
from bevsim.autonomy.scenarios import ScenarioResult
from bevsim.report.figure_file import plt, save_figure
from bevsim.units import KMH_PER_MPS


def plot_scenario(path: str | Path, result: ScenarioResult) -> Path:
    """Speed and gap against time for every case (or the ACC drive), written atomically."""
    acc = isinstance(result.scenario, AccScenario)
    fig, axes = plt.subplots(3 if acc else 2, 1, figsize=(10, 9 if acc else 7), sharex=True)
    if acc:
        run = result.runs[0]
        arr = run.arrays()
        axes[0].plot(arr["time_s"], arr["ego_speed_mps"] * KMH_PER_MPS, label="ego")
        axes[0].plot(arr["time_s"], arr["lead_speed_mps"] * KMH_PER_MPS, label="lead (truth)")
        axes[1].plot(arr["time_s"], arr["gap_m"], label="gap (truth)")
        axes[1].plot(arr["time_s"], arr["perceived_gap_m"], lw=0.8, ls=":", label="perceived")
        axes[1].plot(arr["time_s"], arr["desired_gap_m"], ls="--", label="ACC desired gap")
        axes[2].plot(arr["time_s"], arr["accel_mps2"], color="tab:red")
        axes[2].set_ylabel("ego acceleration [m/s²]")
        axes[2].set_xlabel("time [s]")
        for ax in axes[:2]:
            ax.legend(fontsize=8)
    else:
        cmap = plt.get_cmap("viridis")
        speeds = sorted({r["ego_speed_kmh"] for r in result.records})
        for rec, run in zip(result.records, result.runs, strict=True):
            arr = run.arrays()
            colour = cmap(speeds.index(rec["ego_speed_kmh"]) / max(len(speeds) - 1, 1))
            style = "-" if rec["avoided"] else "--"
            central = rec["offset_pct"] == 0 or len(result.records) <= 12
            kw = {"color": colour, "ls": style, "lw": 1.2 if central else 0.5}
            label = rec["case"] if central else None
            axes[0].plot(arr["time_s"], arr["ego_speed_mps"] * KMH_PER_MPS, label=label, **kw)
            axes[1].plot(arr["time_s"], arr["gap_m"], **kw)
        axes[1].axhline(0.0, color="black", lw=0.6)
        axes[1].set_xlabel("time [s] (dashed: contact)")
        axes[0].legend(fontsize=7, ncol=2)
    axes[0].set_ylabel("speed [km/h]")
    axes[1].set_ylabel("bumper gap [m]")
    title = f"{result.scenario.id} - {result.vehicle_id} ({result.perception} perception)"
    axes[0].set_title(title, fontsize=10)
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.tight_layout()
    return save_figure(fig, path, dpi=120)
