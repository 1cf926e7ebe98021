"""The one check every procedure's result table passes before it leaves: all numbers finite.

A NaN or infinite result is an error, not an output (a 0.001 Ah cell once gave NaN energies
that were printed as results). Procedures call ``finite_results`` on the table they return; a
column listed as ``may_be_undefined`` may hold NaN where the value was not reached (a launch
that never gets to 100 km/h), which the CLI shows as "-" or null, but never an infinity.
"""

from __future__ import annotations

from collections.abc import Collection

import numpy as np
import pandas as pd

from bevsim.errors import BevsimError


class ResultError(BevsimError):
    """A procedure produced a NaN or infinite number: its inputs are outside what it can run."""


def finite_results(
    frame: pd.DataFrame, procedure: str, may_be_undefined: Collection[str] = ()
) -> pd.DataFrame:
    """``frame`` unchanged when every number in it is finite (NaN allowed only in the columns
    ``may_be_undefined``); else a ResultError naming the vehicle, the procedure and the column."""
    numeric = frame.select_dtypes(include="number")
    values = numeric.to_numpy(dtype=float)
    bad = ~np.isfinite(values)
    if bad.any():
        allowed = np.isin(numeric.columns, list(may_be_undefined))
        bad &= ~(np.isnan(values) & allowed)
    if not bad.any():
        return frame
    row, col = (int(i[0]) for i in np.nonzero(bad))
    who = frame["vehicle_id"].iloc[row] if "vehicle_id" in frame else f"row {row}"
    column = numeric.columns[col]
    raise ResultError(
        f"{who}: {procedure}: {column} came out as {values[row, col]} (not a finite number); "
        "the vehicle or test conditions are outside what the model can run"
    )
