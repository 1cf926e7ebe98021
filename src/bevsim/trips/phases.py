"""Where in a replayed trip the drive energy is missed: accelerating, cruising, braking or
standing.

The logged pack power and the replay's are compared second by second after two corrections the
TUM i3 logs need (docs/research/i3_trips.md): the logged power leads the replay's by one 1 Hz
sample (the car's speed signal lags its current; found by cross-correlation, LAG_SEARCH_STEPS),
and the car's own load at standstill (12 V system, logger) is taken out of the log as the
vehicle's accessory load is taken out of the replay, so that what is compared is the drive.
A step's phase comes from the replay's wheel power: braking below 0, accelerating where the
inertia power is more than half of it, else cruising; standing below STANDING_MPS.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bevsim.units import J_PER_KWH, KMH_PER_MPS

PHASES = ("accelerating", "cruising", "braking", "standing")
LAG_SEARCH_STEPS = 3
"""The measured power's lead over the replay is searched within +-3 steps [-]."""
STANDING_MPS = 0.1
"""Below this replayed speed [m/s] the car stands."""
ACCELERATING_INERTIA_SHARE = 0.5
"""A step with wheel power above 0 accelerates where inertia takes more than this share of it."""


def lead_steps(measured_w: np.ndarray, predicted_w: np.ndarray) -> int:
    """Steps [-] by which the measured power leads the predicted one: the shift (within
    LAG_SEARCH_STEPS) of highest correlation; 0 where the signals are too short or flat."""
    measured_w = np.nan_to_num(np.asarray(measured_w, dtype=float))
    predicted_w = np.asarray(predicted_w, dtype=float)
    n = min(len(measured_w), len(predicted_w))
    best, best_corr = 0, -np.inf
    for lead in range(-LAG_SEARCH_STEPS, LAG_SEARCH_STEPS + 1):
        a, b = _shifted(measured_w[:n], predicted_w[:n], lead)
        if a.size < 10 or np.std(a) == 0.0 or np.std(b) == 0.0:
            continue
        corr = float(np.corrcoef(a, b)[0, 1])
        if corr > best_corr:
            best, best_corr = lead, corr
    return best


def _shifted(measured: np.ndarray, predicted: np.ndarray, lead: int):
    """The overlapping parts with measured[k] paired with predicted[k + lead]."""
    if lead >= 0:
        return measured[: len(measured) - lead], predicted[lead:]
    return measured[-lead:], predicted[: len(predicted) + lead]


def drive_power_w(trace: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Measured and predicted drive power per step [W] of a replay's trace with the log's pack
    power: measured pack power minus heater and A/C power (where logged; the standstill load
    still in), predicted pack power minus cabin HVAC and accessory power."""
    measured = trace["measured_battery_power_w"].to_numpy(dtype=float)
    for channel in ("measured_heating_power_w", "measured_aircon_power_w"):
        if channel in trace:
            measured = measured - np.nan_to_num(trace[channel].to_numpy(dtype=float))
    predicted = (
        trace["predicted_battery_power_w"]
        - trace["predicted_cabin_hvac_power_w"]
        - trace["predicted_accessory_power_w"]
    ).to_numpy(dtype=float)
    return measured, predicted


def phase_split(trace: pd.DataFrame, standstill_load_w: float) -> pd.DataFrame | None:
    """Drive energy per phase [kWh], measured and predicted, and the step count, from a
    replay's trace (bevsim.trips.replay) and the log's standstill load [W], with the log's
    lead [s] in ``attrs["lead_s"]``; None where the log has no pack power. Measured drive
    power: pack power minus heater and A/C power (where logged) minus ``standstill_load_w``,
    moved by its lead (lead_steps); predicted: pack power minus cabin HVAC and accessory
    power."""
    if "measured_battery_power_w" not in trace:
        return None
    measured, predicted = drive_power_w(trace)
    measured = measured - standstill_load_w
    lead = lead_steps(measured, predicted)
    m, p = _shifted(measured, predicted, lead)
    first = max(lead, 0)
    wheel = trace["predicted_wheel_power_w"].to_numpy(dtype=float)[first : first + len(p)]
    inertia = trace["predicted_inertia_power_w"].to_numpy(dtype=float)[first : first + len(p)]
    speed = trace["achieved_speed_kmh"].to_numpy(dtype=float)[first : first + len(p)] / KMH_PER_MPS
    phase = np.where(
        speed < STANDING_MPS,
        "standing",
        np.where(
            wheel < 0.0,
            "braking",
            np.where(inertia > ACCELERATING_INERTIA_SHARE * wheel, "accelerating", "cruising"),
        ),
    )
    time_s = trace["time_s"].to_numpy(dtype=float)
    dt = np.diff(time_s, prepend=time_s[0])[first : first + len(p)]
    ok = np.isfinite(m)
    rows = {
        name: {
            "measured_kwh": float(np.sum((m * dt)[ok & (phase == name)])) / J_PER_KWH,
            "predicted_kwh": float(np.sum((p * dt)[ok & (phase == name)])) / J_PER_KWH,
            "steps": int(np.sum(ok & (phase == name))),
        }
        for name in PHASES
    }
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.attrs["lead_s"] = lead * float(np.median(dt)) if dt.size else 0.0
    return frame
