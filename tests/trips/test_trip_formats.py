"""Trip logs: bevsim's trip CSV, TeslaMate's positions export and GPX, read from real and
synthetic logs; bad logs are refused with the file, line and column; splitting at gaps and
charging stops; grade from elevation by distance."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from trip_logs import SUMMER, WINTER

from bevsim.trips import TripError, check_unbroken, grade_from_elevation, read_trip, split_trip
from bevsim.trips.grade import MAX_GRADE, SLOPE_WINDOW_M
from bevsim.trips.model import MAX_GAP_S, Trip

HEADER = (
    "time_s,speed_kmh,elevation_m,ambient_temp_c,"
    "measured_battery_voltage_v,measured_battery_current_a"
)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# bevsim's trip CSV on the real data


@pytest.mark.parametrize("log", [SUMMER, WINTER])
def test_measured_energy_of_a_real_trip_is_the_data_sets_v_times_i_integral(log, trip_metadata):
    entry = trip_metadata[log.name]
    trip = read_trip(log)
    assert trip.measured_energy_kwh() == pytest.approx(entry["measured_energy_kwh_1hz"], abs=5e-4)
    assert trip.distance_m / 1000 == pytest.approx(entry["distance_km"], abs=2e-3)
    assert trip.metadata.start_soc_pct == entry["soc_start_pct"]
    assert trip.metadata.payload_kg == entry["payload_kg"]
    assert trip.metadata.season == entry["season"]
    assert np.all(np.isfinite(trip.ambient_temp_c)) and np.all(np.isfinite(trip.elevation_m))


def test_empty_measured_cells_are_missing_samples_not_zeros():
    trip = read_trip(SUMMER)  # 6 heater samples are empty in this trip (data set README)
    heater = trip.measured["measured_heating_power_w"]
    assert np.isnan(heater).sum() == 6
    assert np.all(np.isfinite(trip.channel("measured_heating_power_w")))


# ------------------------------------------------------------------------------------------
# Bad logs: one line naming the file, the line and the column


@pytest.mark.parametrize(
    ("row", "column", "expected"),
    [
        ("3,abc,500,10,380,5", "column 2 (speed_kmh)", "expected a number"),
        ("3,50,500,nan,380,5", "column 4 (ambient_temp_c)", "finite"),
        ("3,-4,500,10,380,5", "column 2 (speed_kmh)", "expected 0..400"),
        ("3,50,500,10,380,99999", "column 6 (measured_battery_current_a)", "expected -3000..3000"),
        ("3,50,500,,380,5", "column 4 (ambient_temp_c)", "expected a number"),
    ],
)
def test_a_bad_cell_is_reported_with_file_line_and_column(tmp_path, row, column, expected):
    path = _write(tmp_path / "bad.csv", f"{HEADER}\n1,0,500,10,380,5\n2,10,500,10,380,5\n{row}\n")
    with pytest.raises(TripError) as err:
        read_trip(path)
    message = str(err.value)
    assert message.startswith(f"{path}: line 4, {column}: ")
    assert expected in message
    assert "\n" not in message


def test_time_going_backwards_is_refused_at_its_line(tmp_path):
    path = _write(tmp_path / "t.csv", "time_s,speed_kmh\n0,0\n1,5\n1,6\n")
    with pytest.raises(TripError, match=r"t.csv: line 4: time: expected strictly increasing"):
        read_trip(path)


def test_unknown_column_gets_a_did_you_mean(tmp_path):
    path = _write(tmp_path / "t.csv", "time_s,speed_kmh,ambient_temp\n0,0,1\n1,5,1\n")
    with pytest.raises(TripError, match=r"line 1, column 3: unknown column 'ambient_temp'; did"):
        read_trip(path)


def test_unknown_suffix_and_foreign_header_are_refused(tmp_path):
    with pytest.raises(TripError, match="unknown log format '.txt'"):
        read_trip(_write(tmp_path / "t.txt", "x"))
    with pytest.raises(TripError, match="line 1: header 'a,b' is none of"):
        read_trip(_write(tmp_path / "t.csv", "a,b\n1,2\n"))


# ------------------------------------------------------------------------------------------
# Property tests of the CSV parser

finite = st.floats(min_value=0.0, max_value=200.0, allow_nan=False, allow_infinity=False)


@settings(max_examples=60, deadline=None)
@given(
    steps=st.lists(st.floats(min_value=0.01, max_value=20.0), min_size=2, max_size=40),
    speed=st.data(),
)
def test_any_valid_trip_csv_round_trips(tmp_path_factory, steps, speed):
    time_s = np.concatenate([[0.0], np.cumsum(np.round(steps, 3))])
    time_s = np.unique(np.round(time_s, 3))
    if len(time_s) < 2:
        return
    speeds = [speed.draw(finite) for _ in time_s]
    lines = ["time_s,speed_kmh,measured_soc_pct"]
    lines += [
        f"{float(t)!r},{v!r},{'' if k % 3 == 0 else 50.0}"
        for k, (t, v) in enumerate(zip(time_s, speeds, strict=True))
    ]
    path = tmp_path_factory.mktemp("csv") / "trip.csv"
    path.write_text("\n".join(lines) + "\n")
    trip = read_trip(path)
    np.testing.assert_array_equal(trip.time_s, time_s)
    np.testing.assert_allclose(trip.speed_mps * 3.6, speeds, rtol=1e-12, atol=1e-9)
    soc = trip.measured["measured_soc_pct"]
    assert np.isnan(soc[::3]).all() and (np.delete(soc, slice(None, None, 3)) == 50.0).all()
    assert trip.elevation_m is None and trip.ambient_temp_c is None


@settings(max_examples=60, deadline=None)
@given(
    line=st.integers(min_value=2, max_value=6),
    column=st.integers(min_value=1, max_value=3),
    junk=st.sampled_from(["x", "1e", "--1", "inf", "-inf", "NaN", "", "1,5"]),
)
def test_any_corrupt_cell_is_reported_at_its_line(tmp_path_factory, line, column, junk):
    rows = [["time_s", "speed_kmh", "elevation_m"]] + [[str(k), "30", "500"] for k in range(5)]
    rows[line - 1][column - 1] = junk
    path = tmp_path_factory.mktemp("bad") / "trip.csv"
    path.write_text("\n".join(",".join(r) for r in rows) + "\n")
    with pytest.raises(TripError) as err:
        read_trip(path)
    assert str(err.value).startswith(f"{path}: line {line}")


# ------------------------------------------------------------------------------------------
# TeslaMate positions export, made from the real winter trip by TeslaMate's own columns


def _teslamate_from(trip: Trip, every_s: int) -> str:
    start = datetime(2020, 1, 11, 10, 0, tzinfo=UTC).replace(tzinfo=None)
    power = trip.measured_power_w()
    soc = trip.measured["measured_soc_pct"]
    lines = [
        "id,car_id,drive_id,date,latitude,longitude,speed,power,odometer,battery_level,outside_temp,elevation"
    ]
    for k in range(0, len(trip.time_s), every_s):
        stamp = start + timedelta(seconds=float(trip.time_s[k]))
        speed = "" if trip.speed_mps[k] == 0 else f"{trip.speed_mps[k] * 3.6:.1f}"
        lines.append(
            f"{k},1,7,{stamp.isoformat(sep=' ', timespec='milliseconds')},48.1,11.6,{speed},"
            f"{power[k] / 1000:.3f},1000.0,{soc[k]:.0f},{trip.ambient_temp_c[k]},"
            f"{trip.elevation_m[k] if k % 10 else ''}"
        )
    return "\n".join(lines) + "\n"


def test_teslamate_export_reads_speed_power_soc_temperature_and_elevation(tmp_path):
    real = read_trip(WINTER)
    path = _write(tmp_path / "positions.csv", _teslamate_from(real, every_s=1))
    trip = read_trip(path)
    assert trip.distance_m == pytest.approx(real.distance_m, rel=1e-3)
    assert trip.measured_energy_kwh() == pytest.approx(real.measured_energy_kwh(), rel=2e-3)
    np.testing.assert_allclose(trip.ambient_temp_c, real.ambient_temp_c)
    assert np.all(np.isfinite(trip.elevation_m))  # empty cells interpolated
    np.testing.assert_allclose(trip.elevation_m, real.elevation_m, atol=0.5)


def test_sparse_teslamate_samples_keep_the_trip_energy(tmp_path):
    real = read_trip(WINTER)
    trip = read_trip(_write(tmp_path / "positions.csv", _teslamate_from(real, every_s=5)))
    assert trip.measured_energy_kwh() == pytest.approx(real.measured_energy_kwh(), rel=0.03)
    assert trip.resampled(1.0).distance_m == pytest.approx(real.distance_m, rel=0.03)


def test_teslamate_bad_date_is_reported_at_its_line_and_column(tmp_path):
    text = "id,date,speed\n1,2024-05-01 12:00:00,10\n2,yesterday,12\n"
    with pytest.raises(TripError, match=r"line 3, column 2 \(date\): expected an ISO 8601 time"):
        read_trip(_write(tmp_path / "positions.csv", text))


# ------------------------------------------------------------------------------------------
# GPX: speed from positions


def _gpx_from(trip: Trip, extension: bool) -> str:
    """A track along a meridian: the trip's distance as latitude, its elevation and ambient."""
    metres_per_degree = 6371008.8 * math.pi / 180.0  # gpxpy's haversine earth radius
    start = datetime(2020, 1, 11, 10, 0, tzinfo=UTC)
    points = []
    for t, d, ele, amb in zip(
        trip.time_s,
        trip.cumulative_distance_m(),
        trip.elevation_m,
        trip.ambient_temp_c,
        strict=True,
    ):
        ext = (
            f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:atemp>{amb}</gpxtpx:atemp>"
            "</gpxtpx:TrackPointExtension></extensions>"
            if extension
            else ""
        )
        stamp = (start + timedelta(seconds=float(t))).strftime("%Y-%m-%dT%H:%M:%SZ")
        points.append(
            f'<trkpt lat="{48.0 + d / metres_per_degree:.9f}" lon="11.5"><ele>{ele}</ele>'
            f"<time>{stamp}</time>{ext}</trkpt>"
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
        'xmlns="http://www.topografix.com/GPX/1/1" '
        'xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">'
        f"<trk><trkseg>{''.join(points)}</trkseg></trk></gpx>"
    )


def test_gpx_speed_from_positions_gives_the_trip_distance_and_ambient(tmp_path):
    real = read_trip(WINTER)
    trip = read_trip(_write(tmp_path / "t.gpx", _gpx_from(real, extension=True)))
    assert trip.distance_m == pytest.approx(real.distance_m, rel=2e-3)
    assert np.corrcoef(trip.speed_mps, real.speed_mps)[0, 1] > 0.97
    np.testing.assert_allclose(trip.elevation_m, real.elevation_m)
    np.testing.assert_allclose(trip.ambient_temp_c, real.ambient_temp_c)
    assert not trip.measured


def test_gpx_without_atemp_has_no_ambient_and_bad_xml_is_one_line(tmp_path):
    real = read_trip(WINTER)
    trip = read_trip(_write(tmp_path / "t.gpx", _gpx_from(real, extension=False)))
    assert trip.ambient_temp_c is None
    with pytest.raises(TripError) as err:
        read_trip(_write(tmp_path / "bad.gpx", "<gpx><trk><trkseg><trkpt lat='1'"))
    assert str(err.value).startswith(f"{tmp_path / 'bad.gpx'}: invalid GPX") and "\n" not in str(
        err.value
    )


def test_gpx_point_without_time_is_named(tmp_path):
    text = (
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>'
        '<trkpt lat="48" lon="11"><time>2020-01-01T00:00:00Z</time></trkpt>'
        '<trkpt lat="48.001" lon="11"></trkpt></trkseg></trk></gpx>'
    )
    with pytest.raises(TripError, match=r"track point 2: <time>: missing"):
        read_trip(_write(tmp_path / "t.gpx", text))


# ------------------------------------------------------------------------------------------
# Gaps and charging stops


def _with_gap_and_charge(tmp_path) -> Path:
    """The real winter trip with a 5-minute hole after 200 s and a 2-minute charge at a stop
    (pack current -30 A at standstill) from 650 s."""
    lines = WINTER.read_text().splitlines()
    header, rows = lines[0], [r.split(",") for r in lines[1:]]
    out = [header]
    for row in rows:
        t = float(row[0])
        if 200 < t < 500:
            continue
        if 650 <= t < 770:
            row[1], row[5] = "0", "-30"
        out.append(",".join(row))
    return _write(tmp_path / "gapped.csv", "\n".join(out) + "\n")


def test_a_gap_or_a_charge_is_refused_with_its_line_or_split(tmp_path):
    trip = read_trip(_with_gap_and_charge(tmp_path))
    with pytest.raises(
        TripError, match=rf"line 202: gap of 300 s without samples \(more than {MAX_GAP_S:g} s\)"
    ):
        check_unbroken(trip)
    parts = split_trip(trip)
    assert [p.name for p in parts] == ["gapped#1", "gapped#2", "gapped#3"]
    assert parts[0].time_s[-1] == 200 and parts[1].time_s[0] == 500
    assert parts[1].time_s[-1] == 650 and parts[2].time_s[0] == 769
    for part in parts:
        check_unbroken(part)
        assert np.all(np.diff(part.time_s) <= MAX_GAP_S)


def test_an_unbroken_real_trip_is_one_part():
    trip = read_trip(WINTER)
    check_unbroken(trip)
    assert split_trip(trip) == [trip]


# ------------------------------------------------------------------------------------------
# Grade from elevation, by distance


@settings(max_examples=80, deadline=None)
@given(
    rise=st.floats(min_value=-80.0, max_value=80.0),
    length_km=st.floats(min_value=1.0, max_value=20.0),
    noise_m=st.floats(min_value=0.0, max_value=3.0),
    stop_drift_m=st.floats(min_value=-11.0, max_value=11.0),
)
def test_grade_keeps_the_net_climb_and_stays_physical(rise, length_km, noise_m, stop_drift_m):
    """A hill of ``rise`` over the trip, GPS noise on it, and a stop half way during which the
    elevation drifts (as a lagging signal does): the grade stays within the physical range and
    its integral over distance is the climb."""
    rng = np.random.default_rng(7)
    d = np.linspace(0.0, 1000.0 * length_km, 2000)
    elevation = (
        500.0 + rise * 0.5 * (1 - np.cos(np.pi * d / d[-1])) + noise_m * rng.standard_normal(d.size)
    )
    stop = np.full(60, d[1000])  # 60 samples standing still
    drift = elevation[1000] + np.linspace(0.0, stop_drift_m, 60)
    d = np.concatenate([d[:1000], stop, d[1000:]])
    elevation = np.concatenate([elevation[:1000], drift, elevation[1000:] + stop_drift_m])
    grade = grade_from_elevation(d, elevation)
    assert np.all(np.isfinite(grade)) and np.all(np.abs(grade) <= MAX_GRADE)
    climb = np.trapezoid(grade, d)
    assert climb == pytest.approx(rise + stop_drift_m, abs=2.0 + 4 * noise_m)
    # no steeper than the hill, the drift spread over the slope window, and what is left of
    # the noise after the median and the mean
    steepest = 0.5 * np.pi * abs(rise) / d[-1] + abs(stop_drift_m) / SLOPE_WINDOW_M
    assert np.max(np.abs(grade)) <= steepest + 0.02 * noise_m + 0.005


def test_grade_of_a_real_trip_is_smooth_and_keeps_its_climb():
    trip = read_trip(WINTER)
    d = trip.cumulative_distance_m()
    grade = grade_from_elevation(d, trip.elevation_m)
    assert np.abs(grade).max() < 0.08  # Munich: no street of the route is steeper
    climb = trip.elevation_m[-1] - trip.elevation_m[0]
    assert np.trapezoid(grade, d) == pytest.approx(climb, abs=1.0)


def test_standing_still_the_whole_time_is_flat():
    assert np.all(grade_from_elevation(np.zeros(50), np.linspace(500, 510, 50)) == 0.0)


@settings(max_examples=50, deadline=None)
@given(
    rows=st.lists(
        st.tuples(
            st.integers(min_value=1, max_value=20_000),  # ms after the previous position
            st.one_of(st.none(), st.integers(min_value=0, max_value=200)),  # speed, None: parked
            st.one_of(
                st.none(), st.floats(min_value=-300, max_value=300).map(lambda x: round(x, 2))
            ),
        ),
        min_size=2,
        max_size=30,
    )
)
def test_any_teslamate_export_round_trips(tmp_path_factory, rows):
    stamp = datetime(2024, 5, 1, 12, 0, 0)
    lines = ["id,date,speed,power,elevation"]
    times = []
    for k, (step_ms, speed, power) in enumerate(rows):
        stamp += timedelta(milliseconds=step_ms)
        times.append(stamp)
        lines.append(
            f"{k},{stamp.isoformat(sep=' ', timespec='milliseconds')},"
            f"{'' if speed is None else speed},{'' if power is None else power},{500 + k}"
        )
    path = tmp_path_factory.mktemp("tm") / "positions.csv"
    path.write_text("\n".join(lines) + "\n")
    trip = read_trip(path)
    expected_t = [(t - times[0]).total_seconds() for t in times]
    np.testing.assert_allclose(trip.time_s, expected_t, atol=1e-6)
    np.testing.assert_allclose(trip.speed_mps * 3.6, [s or 0 for _, s, _ in rows], atol=1e-9)
    power = trip.measured["measured_battery_power_w"]
    for value, (_, _, kw) in zip(power, rows, strict=True):
        assert (np.isnan(value) and kw is None) or value == pytest.approx(kw * 1000.0)
    np.testing.assert_allclose(trip.elevation_m, 500 + np.arange(len(rows)))
