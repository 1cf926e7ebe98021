"""Replaying real trips of the BMW i3 (60 Ah): energy closes, the car follows the log, the
prediction is near the measurement, the ambient trace reaches the thermal models, and a
one-hour trip replays fast; ``bevsim trip`` on the command line."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest
from trip_logs import SUMMER, WINTER
from typer.testing import CliRunner

import bevsim
from bevsim.cli.main import app
from bevsim.cycles import Cycle
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import TOTAL_COLUMNS
from bevsim.engine.run import run_cycle
from bevsim.procedures.cycle_run import LOSS_COLUMNS
from bevsim.trips import read_trip
from bevsim.trips.model import MEASURED_CHANNELS
from bevsim.trips.replay import DRIVER_MASS_KG, ReplayOptions, replay

I3 = "bmw-i3-60ah-2014"
COL = {name: i for i, name in enumerate(TOTAL_COLUMNS)}


@pytest.fixture(scope="module")
def i3():
    return bevsim.load_vehicle(I3)


@pytest.mark.parametrize("log", [SUMMER, WINTER])
def test_replay_closes_energy_follows_the_log_and_reports_the_measurement(i3, log, trip_metadata):
    entry = trip_metadata[log.name]
    result = replay(i3, read_trip(log))
    s = result.summary
    assert s["followed_trace"]
    assert s["distance_km"] == pytest.approx(entry["distance_km"], rel=5e-3)
    assert s["test_mass_kg"] == pytest.approx(1195 + DRIVER_MASS_KG + entry["payload_kg"])
    assert s["cabin_setpoint_c"] == entry["cabin_setpoint_c"]
    assert s["start_soc_pct"] == pytest.approx(entry["soc_start_pct"])
    # where the energy went adds up to the pack's terminal energy plus its own losses
    sinks = sum(s[k] for k in LOSS_COLUMNS)
    pack_losses = s["battery_ohmic_loss_kwh"] + s["battery_polarization_loss_kwh"]
    assert sinks - pack_losses == pytest.approx(s["predicted_battery_energy_kwh"], abs=2e-3)
    assert s["measured_battery_energy_kwh"] == pytest.approx(
        entry["measured_energy_kwh_1hz"], abs=1e-3
    )
    expected_error = 100 * (
        s["predicted_battery_energy_kwh"] / s["measured_battery_energy_kwh"] - 1
    )
    assert s["battery_energy_error_pct"] == pytest.approx(expected_error)
    trace = result.trace
    assert np.all(np.isfinite(trace["predicted_soc_pct"]))
    assert trace["predicted_soc_pct"].iloc[-1] < trace["predicted_soc_pct"].iloc[0]
    assert trace["predicted_battery_energy_kwh"].iloc[-1] == pytest.approx(
        s["predicted_battery_energy_kwh"], rel=1e-9
    )
    assert trace["measured_battery_energy_kwh"].iloc[-1] == pytest.approx(
        s["measured_battery_energy_kwh"], rel=1e-9
    )
    assert 0 <= s["soc_rmse_pct"] < 2.5


def test_winter_replay_is_within_the_winter_target(i3):
    """Guard: the uncalibrated library i3 on the cold trip B24 (5.8 degC mean) stays within the
    12 % winter target (it misses by -2.6 %; docs/validation_trips.md)."""
    s = replay(i3, read_trip(WINTER)).summary
    assert abs(s["battery_energy_error_pct"]) < 12.0
    assert s["cabin_hvac_energy_kwh"] > 0.3  # heating the cabin from 5.8 degC is most of it


def test_options_override_the_log_and_its_metadata(i3):
    trip = read_trip(WINTER)
    base = replay(i3, trip).summary
    heavy = replay(i3, trip, ReplayOptions(load_kg=400.0)).summary
    cold = replay(i3, trip, ReplayOptions(ambient_c=-10.0)).summary
    warm_cabin = replay(i3, trip, ReplayOptions(cabin_setpoint_c=16.0)).summary
    low = replay(i3, trip, ReplayOptions(start_soc_pct=30.0)).summary
    assert heavy["test_mass_kg"] == 1195 + 400
    assert heavy["rolling_energy_kwh"] > base["rolling_energy_kwh"] * 1.15
    assert cold["ambient_mean_c"] == -10.0
    assert cold["cabin_hvac_energy_kwh"] > base["cabin_hvac_energy_kwh"] * 1.5
    assert warm_cabin["cabin_hvac_energy_kwh"] < base["cabin_hvac_energy_kwh"]
    assert low["start_soc_pct"] == pytest.approx(30.0)


def test_a_log_without_ambient_needs_ambient_c(tmp_path, i3):
    path = tmp_path / "noambient.csv"
    path.write_text("time_s,speed_kmh\n" + "".join(f"{k},{min(k, 40)}\n" for k in range(120)))
    with pytest.raises(bevsim.errors.BevsimError, match="no ambient temperature.*--ambient-c"):
        replay(i3, read_trip(path))
    s = replay(i3, read_trip(path), ReplayOptions(ambient_c=20.0)).summary
    assert s["measured_battery_energy_kwh"] is None and s["battery_energy_error_pct"] is None
    assert s["predicted_battery_energy_kwh"] > 0


# ------------------------------------------------------------------------------------------
# The kernel's ambient trace


def _flat_cycle(ambient: np.ndarray | None) -> Cycle:
    time_s = np.arange(600.0)
    speed = np.where((time_s % 120) < 90, 12.0, 0.0)
    return Cycle("stop-go", time_s, speed, np.zeros_like(time_s), ambient_temp_c=ambient)


def test_a_constant_ambient_trace_gives_the_constant_ambient_run_bit_for_bit(i3):
    batch = compile_vehicles([i3], Conditions(ambient_temp_c=5.0, hvac_on=True))
    plain = run_cycle(batch, _flat_cycle(None), traces=True)
    traced = run_cycle(batch, _flat_cycle(np.full(600, 5.0)), traces=True)
    np.testing.assert_array_equal(plain.totals, traced.totals)
    np.testing.assert_array_equal(plain.traces, traced.traces)


def test_the_ambient_trace_reaches_cabin_and_pack(i3):
    batch = compile_vehicles([i3], Conditions(ambient_temp_c=5.0, hvac_on=True, cabin_temp_c=5.0))
    steady = run_cycle(batch, _flat_cycle(np.full(600, 5.0))).totals[0]
    cooling = run_cycle(batch, _flat_cycle(np.linspace(5.0, -15.0, 600))).totals[0]
    assert cooling[COL["cabin_hvac_energy_j"]] > steady[COL["cabin_hvac_energy_j"]] * 1.1
    assert cooling[COL["pack_heat_to_ambient_j"]] > steady[COL["pack_heat_to_ambient_j"]]
    # ... and the tires, which the colder air keeps colder: more rolling resistance; the drive
    # itself barely changes (the launches the car cannot follow reach a hair less speed)
    assert cooling[COL["final_tire_temp_c"]] < steady[COL["final_tire_temp_c"]]
    assert cooling[COL["rolling_energy_j"]] > steady[COL["rolling_energy_j"]]
    assert cooling[COL["aero_energy_j"]] == pytest.approx(steady[COL["aero_energy_j"]], rel=1e-4)


def test_repeating_and_resampling_a_cycle_carry_its_ambient_trace():
    cycle = _flat_cycle(np.linspace(0.0, 10.0, 600))
    twice = cycle.repeated(2)
    assert len(twice.ambient_temp_c) == len(twice.time_s) == 1199
    half = cycle.resampled(0.5)
    assert half.ambient_temp_c[1] == pytest.approx(10.0 / 599 / 2)


# ------------------------------------------------------------------------------------------
# Speed


def test_a_one_hour_trip_replays_in_under_two_seconds(i3, tmp_path):
    """Four copies of the winter trip back to back (65 min, 1 Hz): read and replayed in < 2 s
    after the first compile (measured: about 0.2 s on one core)."""
    lines = WINTER.read_text().splitlines()
    header, rows = lines[0], lines[1:]
    out = [header]
    for k in range(4):
        for row in rows:
            t, rest = row.split(",", 1)
            out.append(f"{float(t) + k * 979},{rest}")
    path = tmp_path / "hour.csv"
    path.write_text("\n".join(out) + "\n")
    replay(i3, read_trip(WINTER))  # compile
    start = time.perf_counter()
    s = replay(i3, read_trip(path)).summary
    elapsed = time.perf_counter() - start
    assert s["duration_s"] > 3600
    assert elapsed < 2.0


# ------------------------------------------------------------------------------------------
# The command line

runner = CliRunner()


def test_cli_trip_json_has_the_issue_keys_for_each_log():
    result = runner.invoke(app, ["trip", I3, str(SUMMER), str(WINTER), "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["trip"] for r in records] == ["tum-i3-A14", "tum-i3-B24"]
    for r in records:
        for key in (
            "predicted_battery_energy_kwh",
            "measured_battery_energy_kwh",
            "battery_energy_error_pct",
        ):
            assert isinstance(r[key], float) and np.isfinite(r[key])


def test_cli_trip_writes_plot_and_traces(tmp_path):
    plot, traces = tmp_path / "winter.png", tmp_path / "winter.csv"
    result = runner.invoke(
        app, ["trip", I3, str(WINTER), "--plot", str(plot), "--traces", str(traces)]
    )
    assert result.exit_code == 0, result.output
    assert plot.stat().st_size > 20_000
    import pandas as pd

    frame = pd.read_csv(traces)
    # every measured channel of the log is there (V and I as their product, the pack power)
    expected = set(MEASURED_CHANNELS) - {"measured_battery_voltage_v", "measured_battery_current_a"}
    assert expected | {"predicted_battery_power_w", "predicted_soc_pct", "trip"} <= set(
        frame.columns
    )


def test_cli_trip_bad_log_is_one_line_and_exit_2_without_output_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("time_s,speed_kmh,ambient_temp_c\n0,0,5\n1,fast,5\n")
    plot = tmp_path / "p.png"
    result = runner.invoke(app, ["trip", I3, str(bad), "--plot", str(plot)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1
    assert f"{bad}: line 3, column 2 (speed_kmh): expected a number" in " ".join(
        result.output.split()
    )
    assert "Traceback" not in result.output
    assert not plot.exists()


def test_cli_trip_refuses_a_gap_unless_split(tmp_path):
    lines = WINTER.read_text().splitlines()
    gapped = tmp_path / "gapped.csv"
    gapped.write_text("\n".join([lines[0], *lines[1:300], *lines[400:]]) + "\n")
    refused = runner.invoke(app, ["trip", I3, str(gapped), "--ambient-c", "5"])
    assert (
        refused.exit_code == 2 and "gap of 101 s" in refused.output and "--split" in refused.output
    )
    split = runner.invoke(app, ["trip", I3, str(gapped), "--split", "--json"])
    assert split.exit_code == 0, split.output
    assert [r["trip"] for r in json.loads(split.stdout)] == ["gapped#1", "gapped#2"]


@pytest.mark.parametrize(
    ("option", "value"),
    [
        ("--ambient-c", "80"),
        ("--load-kg", "-5"),
        ("--start-soc-pct", "120"),
        ("--cabin-setpoint-c", "3"),
        ("--wind-mps", "-1"),
        ("--wind-mps", "40"),
        ("--road-surface", "ice"),
    ],
)
def test_cli_trip_out_of_range_option_is_refused(option, value):
    result = runner.invoke(app, ["trip", I3, str(WINTER), option, value])
    assert result.exit_code == 2
    assert f"{option}: expected" in result.output


def test_cli_trip_and_calibrate_take_teslamate_and_gpx_logs(tmp_path):
    """The same real trip as a TeslaMate export and as a GPX track: the trip command predicts
    nearly the same energy from each; TeslaMate's logged power gives the measured energy."""
    from test_trip_formats import _gpx_from, _teslamate_from

    real = read_trip(WINTER)
    teslamate = tmp_path / "positions.csv"
    teslamate.write_text(_teslamate_from(real, every_s=2))
    gpx = tmp_path / "ride.gpx"
    gpx.write_text(_gpx_from(real, extension=True))
    options = ["--load-kg", "135", "--cabin-setpoint-c", "22", "--start-soc-pct", "53.4"]
    result = runner.invoke(
        app, ["trip", I3, str(WINTER), str(teslamate), str(gpx), *options, "--json"]
    )
    assert result.exit_code == 0, result.output
    csv_run, tm_run, gpx_run = json.loads(result.stdout)
    for other in (tm_run, gpx_run):
        assert other["distance_km"] == pytest.approx(csv_run["distance_km"], rel=0.02)
        assert other["predicted_battery_energy_kwh"] == pytest.approx(
            csv_run["predicted_battery_energy_kwh"], rel=0.06
        )
    assert tm_run["measured_battery_energy_kwh"] == pytest.approx(
        csv_run["measured_battery_energy_kwh"], rel=0.01
    )
    assert gpx_run["measured_battery_energy_kwh"] is None
    out = tmp_path / "cal.yaml"
    calibrated = runner.invoke(
        app,
        [
            "calibrate",
            I3,
            str(teslamate),
            str(SUMMER),
            "--fit",
            "accessories.base_power_w",
            "--out",
            str(out),
            "--folds",
            "2",
        ],
    )
    assert calibrated.exit_code == 0, calibrated.output
    assert "held-out MAE" in calibrated.output and out.is_file()
    no_power = runner.invoke(
        app,
        [
            "calibrate",
            I3,
            str(gpx),
            str(SUMMER),
            "--fit",
            "body.drag_coefficient",
            "--out",
            str(tmp_path / "x.yaml"),
        ],
    )
    assert no_power.exit_code == 2 and "needs measured pack power" in no_power.output


def test_a_trip_is_replayed_on_a_public_road_by_default(i3):
    """Dry public asphalt and the public-road wind unless the options say otherwise; the
    rolling energy on it over the test track's is the surface's factor (the i3 has no
    coast-down, so its whole rolling force is the tyres')."""
    from bevsim.engine import road_conditions as rc

    trip = read_trip(SUMMER)
    road = replay(i3, trip).summary
    assert (road["road_surface"], road["winter_tires"]) == ("public_asphalt", False)
    assert road["wind_speed_mps"] == rc.PUBLIC_ROAD_WIND_SPEED_MPS
    track = replay(i3, trip, ReplayOptions(road_surface="test_track", wind_speed_mps=0.0)).summary
    ratio = road["rolling_energy_kwh"] / track["rolling_energy_kwh"]
    assert ratio == pytest.approx(rc.SURFACE_ROLLING_FACTOR["public_asphalt"], rel=1e-6)
    assert road["aero_energy_kwh"] > track["aero_energy_kwh"]
    assert road["predicted_battery_energy_kwh"] > track["predicted_battery_energy_kwh"]


def test_a_rainy_logs_road_is_wet_unless_the_option_says_otherwise(i3):
    from dataclasses import replace as swap

    from bevsim.trips.replay import road_surface_of

    trip = read_trip(SUMMER)
    rainy = swap(trip, metadata=swap(trip.metadata, weather="rainy"))
    assert road_surface_of(trip) == "public_asphalt" and road_surface_of(rainy) == "wet"
    assert replay(i3, rainy).summary["road_surface"] == "wet"
    dry = replay(i3, rainy, ReplayOptions(road_surface="public_asphalt")).summary
    assert dry["road_surface"] == "public_asphalt"


def test_the_air_is_thinner_at_the_logs_elevation_than_at_sea_level(i3):
    """Guard (the replay took sea-level pressure for Munich's 520 m): the aero energy of a log
    with its elevation over the same log without one is the standard atmosphere's pressure
    ratio at the log's mean elevation; the speed-only work (rolling) is unchanged."""
    from dataclasses import replace as swap

    from bevsim.engine.compile import standard_pressure_pa

    trip = read_trip(SUMMER)
    level = swap(trip, elevation_m=np.full_like(trip.elevation_m, float(np.mean(trip.elevation_m))))
    high = replay(i3, level).summary
    sea = replay(i3, swap(trip, elevation_m=None)).summary
    expected = standard_pressure_pa(float(np.mean(trip.elevation_m))) / 101325.0
    assert 0.92 < expected < 0.96  # the TUM trips lie at 470-610 m
    assert high["air_density_kg_per_m3"] / sea["air_density_kg_per_m3"] == pytest.approx(expected)
    assert high["aero_energy_kwh"] / sea["aero_energy_kwh"] == pytest.approx(expected, rel=1e-9)
    assert high["rolling_energy_kwh"] == pytest.approx(sea["rolling_energy_kwh"], rel=1e-12)


def test_an_impossible_mean_elevation_is_refused_naming_the_log(i3):
    from dataclasses import replace as swap

    from bevsim.trips.model import TripError

    trip = read_trip(SUMMER)
    with pytest.raises(TripError, match=r"elevation_m.*altitude_m: expected -500 to 6000 m"):
        replay(i3, swap(trip, elevation_m=np.full_like(trip.elevation_m, 9000.0)))
