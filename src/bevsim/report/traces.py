"""Writing per-step traces to Parquet or CSV."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from bevsim.files import write_atomically


def write_traces(trace: pd.DataFrame, path: str | Path) -> Path:
    """Write a trace table to ``.parquet`` (pyarrow) or ``.csv``, atomically."""
    if Path(path).suffix.lower() == ".parquet":
        return write_atomically(path, lambda tmp: trace.to_parquet(tmp, index=False))
    return write_atomically(path, lambda tmp: trace.to_csv(tmp, index=False))
