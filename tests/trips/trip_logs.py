"""Paths of the real trip logs the trip tests read (a copy of two TUM BMW i3 trips)."""

from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / "data" / "trips" / "tum-bmw-i3"
SUMMER = DATA / "tum-i3-A14.csv"
WINTER = DATA / "tum-i3-B24.csv"
