"""What the autonomy stack costs in range: the same range test with and without it.

The stack is the vehicle file's ``autonomy:`` section - compute power, the sensors' power (the
lidar's datasheet figure unless given) and the roof sensor pod's added drag area - which the
compile step adds to every procedure (accessory load and Cd*A). The comparison car is a copy of
the spec with ``autonomy: None``; everything else is identical.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from bevsim.errors import BevsimError
from bevsim.procedures.range_test import range_test
from bevsim.spec import VehicleSpec, load_vehicles


def without_autonomy(spec: VehicleSpec) -> VehicleSpec:
    """A copy of ``spec`` with no autonomy stack (``autonomy: None``), same id."""
    return spec.model_copy(update={"autonomy": None})


def autonomy_cost(
    vehicles: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
    procedure: str = "cltc",
) -> pd.DataFrame:
    """Range [km] with and without the autonomy stack, per vehicle and procedure.

    Columns: vehicle_id, procedure, range_with_km, range_without_km, cost_km
    (= without - with), cost_pct (of the range without), stack_power_w (12 V side),
    stack_hv_power_w (through the DC-DC converter), roof_drag_area_m2.
    """
    specs = load_vehicles(vehicles)
    bare = [s for s in specs if s.autonomy is None]
    if bare:
        raise BevsimError(
            f"vehicle '{bare[0].id}' has no autonomy section: nothing to cost "
            "(add autonomy: lidar/compute_power_w to its file)"
        )
    with_stack = range_test(specs, procedure)
    without = range_test([without_autonomy(s) for s in specs], procedure)
    keys = ["vehicle_id", "procedure"]
    merged = with_stack[keys + ["range_km"]].merge(
        without[keys + ["range_km"]], on=keys, suffixes=("_with", "_without")
    )
    by_id = {s.id: s for s in specs}
    rows = []
    for _, r in merged.iterrows():
        auto = by_id[r["vehicle_id"]].autonomy
        cost = r["range_km_without"] - r["range_km_with"]
        rows.append(
            {
                "vehicle_id": r["vehicle_id"],
                "procedure": r["procedure"],
                "range_with_km": float(r["range_km_with"]),
                "range_without_km": float(r["range_km_without"]),
                "cost_km": float(cost),
                "cost_pct": float(100.0 * cost / r["range_km_without"]),
                "stack_power_w": float(auto.compute_power_w + auto.sensor_power),
                "stack_hv_power_w": float(by_id[r["vehicle_id"]].autonomy_hv_power_w),
                "roof_drag_area_m2": float(auto.roof_drag_area_m2),
            }
        )
    return pd.DataFrame(rows)
