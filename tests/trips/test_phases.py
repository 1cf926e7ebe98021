"""Where a replay misses, per phase: the log's lead is found, a log the model made itself is
missed by nothing in any phase, and the phases add up to the drive energy."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trip_logs import SUMMER

import bevsim
from bevsim.trips import read_trip
from bevsim.trips.phases import PHASES, lead_steps, phase_split
from bevsim.trips.replay import replay
from bevsim.trips.validation import compare, why


@pytest.fixture(scope="module")
def trace():
    return replay(bevsim.load_vehicle("bmw-i3-60ah-2014"), read_trip(SUMMER)).trace


@settings(max_examples=20, deadline=None)
@given(st.integers(-3, 3), st.integers(0, 1000))
def test_the_lead_of_a_shifted_copy_is_found(lead, seed):
    signal = np.random.default_rng(seed).normal(size=400).cumsum()
    assert lead_steps(np.roll(signal, -lead), signal) == lead


def _self_made_log(trace, lead: int, load_w: float):
    """The replay's own pack power as a log that leads it by ``lead`` steps, with its cabin
    HVAC as the heater channel and ``load_w`` in place of the vehicle's accessories."""
    log = trace.copy()
    drive = log["predicted_battery_power_w"] - log["predicted_accessory_power_w"]
    log["measured_battery_power_w"] = np.roll(drive.to_numpy() + load_w, -lead)
    log["measured_heating_power_w"] = np.roll(log["predicted_cabin_hvac_power_w"].to_numpy(), -lead)
    log["measured_aircon_power_w"] = 0.0
    return log


def test_a_log_the_model_made_is_missed_by_nothing_in_any_phase(trace):
    split = phase_split(_self_made_log(trace, lead=1, load_w=650.0), standstill_load_w=650.0)
    assert split.attrs["lead_s"] == 1.0
    assert split["measured_kwh"].to_numpy() == pytest.approx(split["predicted_kwh"].to_numpy())
    assert split.loc["accelerating", "measured_kwh"] > 0 > split.loc["braking", "measured_kwh"]
    assert split["steps"].sum() == len(trace) - 1


def test_the_phases_add_up_to_the_replays_drive_energy(trace):
    split = phase_split(_self_made_log(trace, lead=0, load_w=400.0), standstill_load_w=400.0)
    drive_w = (
        trace["predicted_battery_power_w"]
        - trace["predicted_cabin_hvac_power_w"]
        - trace["predicted_accessory_power_w"]
    )
    dt = np.diff(trace["time_s"], prepend=trace["time_s"].iloc[0])
    assert split["predicted_kwh"].sum() == pytest.approx(float(np.sum(drive_w * dt)) / 3.6e6)
    assert list(split.index) == list(PHASES)


def test_a_log_without_pack_power_has_no_split(trace):
    assert phase_split(trace.drop(columns=["measured_battery_power_w"]), 500.0) is None


def test_the_why_of_a_missed_trip_names_the_12v_load_and_the_phases():
    row = compare(bevsim.load_vehicle("bmw-i3-60ah-2014"), [read_trip(SUMMER)]).iloc[0]
    assert row["power_lead_s"] == 1.0
    text = why(row, target_pct=0.0)
    assert "12 V load" in text and "accelerating" in text and "braking" in text
    parts = sum(row[f"{p}_predicted_kwh"] - row[f"{p}_measured_kwh"] for p in PHASES)
    load = (row["accessory_w"] - row["standstill_12v_w"]) * row["duration_s"] / 3.6e6
    rest = row["predicted_rest_kwh"] - row["measured_rest_kwh"]
    assert parts + load == pytest.approx(rest, abs=0.01)
