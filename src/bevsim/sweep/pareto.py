"""The Pareto front of sweep results: range (more is better) against pack cost (less is better)."""

from __future__ import annotations

import pandas as pd


def pareto_front(frame: pd.DataFrame) -> pd.DataFrame:
    """Rows no other row beats on both range (more) and pack cost (less), per procedure."""
    ok = frame[frame["error"].isna()] if "error" in frame else frame
    if "range_km" not in ok or ok.empty:
        return ok.iloc[0:0]
    parts = []
    for _, group in ok.groupby("procedure", sort=False):
        ordered = group.sort_values(["pack_cost_usd", "range_km"], ascending=[True, False])
        best_before = ordered["range_km"].cummax().shift(1, fill_value=float("-inf"))
        parts.append(ordered[ordered["range_km"] > best_before])
    return pd.concat(parts).sort_values(["procedure", "pack_cost_usd"])
