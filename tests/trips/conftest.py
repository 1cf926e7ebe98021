"""Shared paths and helpers of the trip tests."""

import pytest
import yaml
from trip_logs import DATA


@pytest.fixture(scope="session")
def trip_metadata() -> dict:
    """The test copy's trips.yaml entries by file name."""
    entries = yaml.safe_load((DATA / "trips.yaml").read_text())["trips"]
    return {e["file"]: e for e in entries}
