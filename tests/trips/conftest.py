"""Shared paths and helpers of the trip tests."""

from pathlib import Path

import pytest
import yaml

DATA = Path(__file__).resolve().parents[1] / "data" / "trips" / "tum-bmw-i3"
SUMMER = DATA / "tum-i3-A14.csv"
WINTER = DATA / "tum-i3-B24.csv"


@pytest.fixture(scope="session")
def trip_metadata() -> dict:
    """The test copy's trips.yaml entries by file name."""
    entries = yaml.safe_load((DATA / "trips.yaml").read_text())["trips"]
    return {e["file"]: e for e in entries}
