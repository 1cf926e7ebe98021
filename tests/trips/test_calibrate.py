"""Calibration: the bounded fit recovers a parameter from logs the model itself made, stays in
its bounds, reports k-fold held-out errors, and writes a vehicle file that loads."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from trip_logs import DATA, SUMMER, WINTER
from typer.testing import CliRunner

import bevsim
from bevsim.cli.main import app
from bevsim.errors import BevsimError
from bevsim.spec.loader import read_vehicle_file
from bevsim.trips import read_trip
from bevsim.trips.calibrate import FIT_BOUNDS, calibrate, parse_paths, with_values
from bevsim.trips.replay import replay

I3 = "bmw-i3-60ah-2014"
TRUE_ACCESSORY_W = 800.0


@pytest.fixture(scope="module")
def synthetic_logs(tmp_path_factory):
    """The two real test trips with their measured pack power replaced by what the library i3
    draws with an 800 W 12 V load (instead of its 300 W): a calibration must find 800 W."""
    folder = tmp_path_factory.mktemp("synthetic")
    shutil.copy(DATA / "trips.yaml", folder / "trips.yaml")
    truth = with_values(bevsim.load_vehicle(I3), {"accessories.base_power_w": TRUE_ACCESSORY_W})
    for log in (SUMMER, WINTER):
        trace = replay(truth, read_trip(log)).trace
        lines = ["time_s,speed_kmh,elevation_m,ambient_temp_c,measured_battery_power_w"]
        for _, r in trace.iterrows():
            lines.append(
                f"{r.time_s:g},{float(r.speed_kmh)!r},{float(r.elevation_m)!r},"
                f"{float(r.ambient_temp_c)!r},{float(r.predicted_battery_power_w)!r}"
            )
        (folder / log.name).write_text("\n".join(lines) + "\n")
    return [folder / SUMMER.name, folder / WINTER.name]


def test_the_fit_recovers_a_known_accessory_load_and_reports_held_out_errors(synthetic_logs):
    trips = [read_trip(p) for p in synthetic_logs]
    result = calibrate(bevsim.load_vehicle(I3), trips, ("accessories.base_power_w",), k=2)
    assert result.fit.values["accessories.base_power_w"] == pytest.approx(
        TRUE_ACCESSORY_W, rel=0.03
    )
    assert all(abs(e) < 1.0 for e in result.fit.errors_pct.values())
    assert set(result.held_out_pct) == {t.name for t in trips}
    assert all(abs(e) < 2.0 for e in result.held_out_pct.values())  # each fold alone finds it
    assert sorted(sum(result.folds, [])) == sorted(t.name for t in trips)


def test_the_fit_never_leaves_its_bounds(synthetic_logs):
    trips = [read_trip(p) for p in synthetic_logs]
    lo, hi, _ = FIT_BOUNDS["tires.rolling_resistance_coefficient"]
    truth = with_values(bevsim.load_vehicle(I3), {"accessories.base_power_w": 100.0})
    # the logs ask for more energy than any rolling resistance within bounds can explain
    result = calibrate(truth, trips, ("tires.rolling_resistance_coefficient",), k=2)
    crr = result.fit.values["tires.rolling_resistance_coefficient"]
    assert lo <= crr <= hi
    assert crr > bevsim.load_vehicle(I3).tires.rolling_resistance_coefficient


def test_unknown_or_repeated_paths_are_refused():
    with pytest.raises(
        BevsimError, match="unknown parameter 'accessories.base_power'; did you mean"
    ):
        parse_paths("accessories.base_power")
    with pytest.raises(BevsimError, match="named twice"):
        parse_paths("body.drag_coefficient,body.drag_coefficient")


def test_cli_calibrate_writes_a_loadable_vehicle_with_the_fit_report(synthetic_logs, tmp_path):
    out = tmp_path / "i3-cal.yaml"
    args = ["calibrate", I3, *map(str, synthetic_logs), "--fit", "accessories.base_power_w"]
    result = CliRunner().invoke(app, [*args, "--out", str(out), "--folds", "2", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert {r["trip"] for r in records} == {"tum-i3-A14", "tum-i3-B24"}
    assert all(np.isfinite(r["held_out_error_pct"]) for r in records)
    text = out.read_text()
    assert "held out" in text and FIT_BOUNDS["accessories.base_power_w"][2][:40] in text
    spec = read_vehicle_file(out)
    assert spec.id == f"{I3}-calibrated"
    assert spec.accessories.base_power_w == pytest.approx(TRUE_ACCESSORY_W, rel=0.03)


def test_cli_calibrate_bad_fit_path_is_exit_2_and_writes_nothing(tmp_path):
    out = tmp_path / "x.yaml"
    result = CliRunner().invoke(
        app, ["calibrate", I3, str(WINTER), str(SUMMER), "--fit", "cd", "--out", str(out)]
    )
    assert result.exit_code == 2
    assert "--fit: unknown parameter 'cd'" in result.output
    assert not out.exists()
