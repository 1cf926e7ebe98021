"""Figure of full-throttle launches: speed over time with the 0-100 km/h time marked (PNG/SVG)."""

from __future__ import annotations

from pathlib import Path

from bevsim.report.figure_file import plt, save_figure


def plot_launches(traces, summary, path: Path) -> Path:
    """Speed against time of each launch, with the 0-100 km/h time marked."""
    fig, ax = plt.subplots(figsize=(9, 5))
    times = summary.set_index("vehicle_id")["accel_0_100_kmh_s"]
    for k, (vehicle_id, trace) in enumerate(traces.items()):
        color = f"C{k % 10}"
        ax.plot(trace["time_s"], trace["speed_kmh"], color=color, lw=1.4, label=vehicle_id)
        t100 = times.get(vehicle_id)
        if t100 is not None and t100 == t100:
            ax.plot([t100], [100.0], "o", color=color, ms=4)
            ax.annotate(
                f"{t100:.1f} s",
                (t100, 100.0),
                textcoords="offset points",
                xytext=(6, -12 - 10 * k),
                fontsize=7,
                color=color,
            )
    ax.axhline(100.0, color="0.6", lw=0.6, ls="--")
    ax.set_xlabel("time [s]")
    ax.set_ylabel("speed [km/h]")
    ax.set_title("Full-throttle launch (level road, no roll-out)")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=8, loc="lower right")
    fig.tight_layout()
    return save_figure(fig, path, dpi=130)
