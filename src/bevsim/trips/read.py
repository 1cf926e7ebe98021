"""Reading a trip log of any supported format, by its suffix and header."""

from __future__ import annotations

import csv
from pathlib import Path

from bevsim.trips.csv_log import read_trip_csv
from bevsim.trips.gpx_log import read_trip_gpx
from bevsim.trips.model import Trip, TripError
from bevsim.trips.teslamate import looks_like_teslamate, read_trip_teslamate

FORMATS = "bevsim trip CSV (time_s,speed_kmh,...), TeslaMate positions CSV (date,speed,...), GPX"


def read_trip(path: str | Path) -> Trip:
    """A trip from a log file: ``.gpx`` is GPX 1.1; a ``.csv`` is bevsim's trip format when
    its header has ``time_s``, TeslaMate's positions export when it has ``date`` and
    ``speed``."""
    path = Path(path)
    if not path.is_file():
        raise TripError(f"{path}: trip log not found")
    suffix = path.suffix.lower()
    if suffix == ".gpx":
        return read_trip_gpx(path)
    if suffix != ".csv":
        raise TripError(f"{path}: unknown log format '{suffix}'; expected {FORMATS}")
    header = _header(path)
    if "time_s" in header:
        return read_trip_csv(path)
    if looks_like_teslamate(header):
        return read_trip_teslamate(path)
    raise TripError(f"{path}: line 1: header {','.join(header)!r} is none of {FORMATS}")


def _header(path: Path) -> list[str]:
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            for row in csv.reader(handle):
                if any(cell.strip() for cell in row):
                    return [cell.strip() for cell in row]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise TripError(f"{path}: cannot read trip log: {exc}") from None
    raise TripError(f"{path}: empty file; expected {FORMATS}")
