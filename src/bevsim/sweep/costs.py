"""Pack cost per kWh by chemistry [USD/kWh], as sourced data (``data/pack_cost.yaml``)."""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import yaml

from bevsim.errors import BevsimError, did_you_mean


@cache
def pack_cost_table() -> dict[str, dict[str, Any]]:
    """The cost table: chemistry -> {usd_per_kwh, source}."""
    text = (resources.files("bevsim.sweep") / "data" / "pack_cost.yaml").read_text("utf-8")
    return yaml.safe_load(text)["chemistries"]


def pack_cost_usd_per_kwh(chemistry: str, overrides: dict[str, float] | None = None) -> float:
    """Pack price [USD/kWh] of a chemistry (``overrides`` first, then the sourced table)."""
    if overrides and chemistry in overrides:
        return float(overrides[chemistry])
    table = pack_cost_table()
    if chemistry not in table:
        raise BevsimError(
            f"no pack cost for chemistry '{chemistry}';{did_you_mean(chemistry, list(table))} "
            f"known: {', '.join(table)} (pass pack_costs={{'{chemistry}': USD_PER_KWH}})"
        )
    return float(table[chemistry]["usd_per_kwh"])
