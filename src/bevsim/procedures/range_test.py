"""Official range tests by name: the orchestrator behind ``bevsim range``."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from bevsim.errors import BevsimError, did_you_mean
from bevsim.procedures import cltc, epa, wltp
from bevsim.spec import VehicleSpec, load_vehicles

PROCEDURES = {"cltc": cltc.run, "wltp": wltp.run, "epa": epa.run}


def range_test(
    vehicles: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
    procedure: str = "cltc",
    label_method: str = "two-cycle",
) -> pd.DataFrame:
    """Range [km] and grid consumption [kWh/100 km] by procedure: cltc, wltp, epa or all.

    One row per (vehicle, procedure); EPA rows also carry miles, kWh/100 mi and MPGe, with the
    label adjustment by ``label_method``: two-cycle (x 0.7) or five-cycle (vehicle-specific).
    """
    epa.check_label_method(label_method)
    specs = load_vehicles(vehicles)
    frames = [
        epa.run(specs, label_method=label_method) if name == "epa" else PROCEDURES[name](specs)
        for name in procedure_names(procedure)
    ]
    return pd.concat(frames, ignore_index=True)


def procedure_names(procedure: str) -> list[str]:
    """The range procedures ``procedure`` names: itself (cltc, wltp or epa, any case) or, for
    all, each in turn; a BevsimError with a did-you-mean otherwise."""
    names = list(PROCEDURES) if procedure == "all" else [procedure.lower()]
    for name in names:
        if name not in PROCEDURES:
            known = [*PROCEDURES, "all"]
            raise BevsimError(
                f"unknown procedure '{procedure}';{did_you_mean(name, known)} "
                f"known: {', '.join(known)}"
            )
    return names
