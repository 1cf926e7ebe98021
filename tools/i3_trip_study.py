"""The numbers of docs/research/i3_trips.md: where the library BMW i3 misses the TUM trips'
pack energy, and how much each suspected input moves it.

Run from the repository root:  python tools/i3_trip_study.py [DATA_DIR]   (about 1 minute)

DATA_DIR defaults to ../shared/data/trips/tum-bmw-i3. Prints markdown tables: (1) the logged
power's lead over the replay, (2) the wheel-to-pack power ratio in the accelerations, step by
step of the corrections, (3) the drive energy per phase and season (bevsim.trips.phases),
(4) a per-step least-squares split of the drive power into inertia, road load and a constant,
log against replay, and (5) each candidate input's effect on the season errors. Nothing here
is fitted into the vehicle: (4) and (5) are diagnostics.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import bevsim
from bevsim.engine.facade import TOTAL_COLUMNS, dry_air_density_kg_per_m3
from bevsim.trips import read_trip
from bevsim.trips.calibrate import with_values
from bevsim.trips.phases import PHASES, drive_power_w, phase_split
from bevsim.trips.replay import Location, ReplayOptions, prepare, replay, run_trip
from bevsim.trips.validation import STANDSTILL_KMH, _standstill_load_w
from bevsim.units import J_PER_KWH

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "trips" / "tum-bmw-i3"
VEHICLE = "bmw-i3-60ah-2014"
OPTIONS = ReplayOptions(location=Location(48.14, 11.58, "Europe/Berlin"))
DEFAULT_ROTATING_KG = 0.03 * 1195.0
"""The library's default before the i3 got its own (3 % of curb, bevsim.spec.models)."""


def main() -> None:
    data = Path(sys.argv[1]) if len(sys.argv) > 1 else DATA
    entries = yaml.safe_load((data / "trips.yaml").read_text())["trips"]
    trips = [read_trip(data / e["file"]) for e in entries]
    spec = bevsim.load_vehicle(VEHICLE)
    traces = {t.name: replay(spec, t, OPTIONS).trace for t in trips}
    seasons = {t.name: t.metadata.season for t in trips}
    usable = {n: f for n, f in traces.items() if _usable(f)}
    print(lead_table(usable, seasons), "\n")
    print(ratio_table(usable, seasons), "\n")
    print(phase_table(usable, seasons), "\n")
    print(regression_table(usable, seasons), "\n")
    print(sensitivity_table(spec, trips), "\n")


def _usable(f: pd.DataFrame) -> bool:
    """A trace whose heater channel is usable and that has a standstill."""
    heater = f.get("measured_heating_power_w")
    standing = f["speed_kmh"] < STANDSTILL_KMH
    return heater is not None and heater.notna().mean() > 0.95 and standing.sum() >= 10


def _drive(f: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, float]:
    """Measured and predicted drive power [W] (HVAC out; phases.drive_power_w) and the
    log's standstill load [W]."""
    measured, predicted = drive_power_w(f)
    return measured, predicted, _standstill_load_w(f, f["speed_kmh"] < STANDSTILL_KMH)


def lead_table(traces: dict, seasons: dict) -> str:
    leads = {n: phase_split(f, _drive(f)[2]).attrs["lead_s"] for n, f in traces.items()}
    lines = ["| season | trips | logged power leads the replay by, s (trips) |", "|---|---:|---|"]
    for season in ("summer", "winter"):
        v = pd.Series([leads[n] for n in traces if seasons[n] == season])
        counts = ", ".join(f"{k:.0f} s: {c}" for k, c in v.value_counts().sort_index().items())
        lines.append(f"| {season} | {len(v)} | {counts} |")
    return "\n".join(lines)


def ratio_table(traces: dict, seasons: dict) -> str:
    """Wheel power over pack power summed over the replay's accelerating steps."""
    rows = {k: {"summer": [0.0, 0.0], "winter": [0.0, 0.0]} for k in range(4)}
    for n, f in traces.items():
        measured, predicted, load = _drive(f)
        wheel = f["predicted_wheel_power_w"].to_numpy()
        inertia = f["predicted_inertia_power_w"].to_numpy()
        acc = (f["achieved_speed_kmh"].to_numpy() >= 0.36) & (wheel > 0) & (inertia > 0.5 * wheel)
        raw = f["measured_battery_power_w"].to_numpy()
        lead = int(round(phase_split(f, load).attrs["lead_s"]))
        shifted = np.roll(measured - load, lead)
        variants = (raw, measured, measured - load, shifted)
        for k, power in enumerate(variants):
            ok = acc & np.isfinite(power)
            if k == 3:
                ok[:lead] = False
            rows[k][seasons[n]][0] += wheel[ok].sum()
            rows[k][seasons[n]][1] += power[ok].sum()
        model = predicted
        rows.setdefault(4, {"summer": [0.0, 0.0], "winter": [0.0, 0.0]})
        rows[4][seasons[n]][0] += wheel[acc].sum()
        rows[4][seasons[n]][1] += model[acc].sum()
    names = (
        "log: pack power",
        "log: minus heater and A/C",
        "log: minus the standstill (12 V) load too",
        "log: moved by its lead too",
        "replay: pack minus HVAC and accessories",
    )
    lines = ["| accelerating steps: wheel / pack power | summer | winter |", "|---|---:|---:|"]
    for k, name in enumerate(names):
        s, w = (rows[k][x][0] / rows[k][x][1] for x in ("summer", "winter"))
        lines.append(f"| {name} | {s:.2f} | {w:.2f} |")
    return "\n".join(lines)


def phase_table(traces: dict, seasons: dict) -> str:
    """Per season: the 12 V load's share and the drive phases' (predicted - measured, kWh)."""
    out = {s: dict.fromkeys(("load", "rest", *PHASES), 0.0) for s in ("summer", "winter")}
    for n, f in traces.items():
        measured, predicted, load = _drive(f)
        split = phase_split(f, load)
        acc_w = f["predicted_accessory_power_w"].to_numpy()
        dt = np.diff(f["time_s"].to_numpy(), prepend=0.0)
        row = out[seasons[n]]
        row["load"] += float(np.sum((acc_w - load) * dt)) / J_PER_KWH
        for p in PHASES:
            row[p] += split.loc[p, "predicted_kwh"] - split.loc[p, "measured_kwh"]
            row[p + "_m"] = row.get(p + "_m", 0.0) + split.loc[p, "measured_kwh"]
            row[p + "_p"] = row.get(p + "_p", 0.0) + split.loc[p, "predicted_kwh"]
        rest_m = np.trapezoid(measured, f["time_s"]) / J_PER_KWH
        row["rest"] += float(np.sum((predicted + acc_w) * dt)) / J_PER_KWH - rest_m
    lines = [
        "| season | trips | rest miss kWh | 12 V load | accelerating (log / replay kWh) |"
        " cruising | braking | standing |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for s in ("summer", "winter"):
        r = out[s]
        n = sum(1 for x in traces if seasons[x] == s)
        ph = " | ".join(f"{r[p]:+.2f} ({r[p + '_m']:.2f} / {r[p + '_p']:.2f})" for p in PHASES[:3])
        lines.append(
            f"| {s} | {n} | {r['rest']:+.2f} | {r['load']:+.2f} | {ph} | {r['standing']:+.2f} |"
        )
    return "\n".join(lines)


def regression_table(traces: dict, seasons: dict) -> str:
    """Drive power per step = a x inertia power (> 0) + b x inertia power (< 0) + c x road
    load power (aero, rolling, grade) + d while moving; log (moved by its lead) and replay."""
    parts = {s: ([], [], []) for s in ("summer", "winter")}
    for n, f in traces.items():
        measured, predicted, load = _drive(f)
        lead = int(round(phase_split(f, load).attrs["lead_s"]))
        measured = np.roll(measured - load, lead)
        inertia = f["predicted_inertia_power_w"].to_numpy()
        road = f["predicted_wheel_power_w"].to_numpy() - inertia
        moving = f["achieved_speed_kmh"].to_numpy() >= 1.8
        ok = moving & np.isfinite(measured)
        ok[: max(lead, 0)] = False
        x = np.c_[np.clip(inertia, 0, None), np.clip(inertia, None, 0), road, np.ones_like(road)]
        parts[seasons[n]][0].append(x[ok])
        parts[seasons[n]][1].append(measured[ok])
        parts[seasons[n]][2].append(predicted[ok])
    lines = [
        "| season | | a: inertia > 0 | b: inertia < 0 | c: road load | d: moving, W |",
        "|---|---|---:|---:|---:|---:|",
    ]
    for s, (xs, ms, ps) in parts.items():
        x = np.concatenate(xs)
        log, *_ = np.linalg.lstsq(x, np.concatenate(ms), rcond=None)
        rep, *_ = np.linalg.lstsq(x, np.concatenate(ps), rcond=None)
        for name, c in (("log", log), ("replay", rep), ("log / replay", log / rep)):
            lines.append(f"| {s} | {name} | {c[0]:.3f} | {c[1]:.3f} | {c[2]:.3f} | {c[3]:.3g} |")
    return "\n".join(lines)


def _errors(spec, trips, trip_fn=None, load_kg: float = 0.0, sea_level: bool = False):
    """Per trip: season and pack-energy error [%] of ``spec`` on the trips (each changed by
    ``trip_fn``), with ``load_kg`` more on board and, if ``sea_level``, sea-level air."""
    rows = []
    for trip in trips:
        trip = trip_fn(trip) if trip_fn else trip
        run = prepare(trip, OPTIONS)
        cond = run.conditions
        density = dry_air_density_kg_per_m3(cond.ambient_temp_c) if sea_level else None
        cond = replace(
            cond,
            added_mass_kg=cond.added_mass_kg + load_kg,
            air_density_kg_per_m3=density or cond.air_density_kg_per_m3,
        )
        out = run_trip([spec], replace(run, conditions=cond))
        predicted = out.totals[0][TOTAL_COLUMNS.index("terminal_energy_j")] / J_PER_KWH
        measured = trip.measured_energy_kwh()
        rows.append({"season": trip.metadata.season, "error": 100 * (predicted / measured - 1)})
    return pd.DataFrame(rows)


def _speed_lead(seconds: float):
    def shift(trip):
        t = trip.time_s
        return replace(trip, speed_mps=np.interp(t + seconds, t, trip.speed_mps))

    return shift


def _flat(trip):
    if trip.elevation_m is None:
        return trip
    return replace(trip, elevation_m=np.full_like(trip.elevation_m, np.mean(trip.elevation_m)))


def sensitivity_table(spec, trips) -> str:
    """Season MAE and mean error [%] of the library car and of each candidate change."""
    rotating = with_values(spec, {"mass.rotating_equivalent_kg": DEFAULT_ROTATING_KG})
    rolling = with_values(spec, {"tires.rolling_resistance_coefficient": 0.008})
    drag = with_values(spec, {"body.drag_coefficient": 0.30})
    variants = [
        ("library car (this branch)", spec, {}),
        ("rotating parts 36 kg (3 % default, main) instead of 102", rotating, {}),
        (
            "air at sea-level pressure (main) instead of the log's altitude",
            spec,
            {"sea_level": True},
        ),
        ("speed 0.5 s earlier (half the logged lead)", spec, {"trip_fn": _speed_lead(0.5)}),
        ("grade 0 (elevation held at the trip's mean)", spec, {"trip_fn": _flat}),
        ("+75 kg (a passenger or the logger) [not in the log]", spec, {"load_kg": 75.0}),
        ("rolling coefficient 0.0080 instead of 0.0065 [no source]", rolling, {}),
        ("drag coefficient 0.30 instead of 0.29", drag, {}),
    ]
    lines = [
        "| variant | summer MAE | summer mean | winter MAE | winter mean |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, s, kwargs in variants:
        e = _errors(s, trips, **kwargs).groupby("season")["error"]
        mae, mean = e.apply(lambda v: v.abs().mean()), e.mean()
        lines.append(
            f"| {name} | {mae['summer']:.1f} % | {mean['summer']:+.1f} % |"
            f" {mae['winter']:.1f} % | {mean['winter']:+.1f} % |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    main()
