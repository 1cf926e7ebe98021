"""Closed-loop ADAS: vehicle stepping through the kernel, AEB/ACC, Euro NCAP scoring, the CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import bevsim.cli.adas_commands  # noqa: F401  (registers the commands until main.py imports it)
from bevsim.autonomy.controllers import AebController, LeadEstimate
from bevsim.autonomy.scenario_specs import ScenarioError, parse_speeds
from bevsim.autonomy.scenarios import load_scenario, run_scenario
from bevsim.autonomy.vehicle import LongitudinalVehicle
from bevsim.cli.main import app
from bevsim.engine.facade import compile_vehicles
from bevsim.spec import load_vehicle

KMH = 3.6


def invoke(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_full_braking_decelerates_at_the_tire_limit():
    car = LongitudinalVehicle("ms11-lfp", speed_mps=50 / KMH)
    steps = 0
    while car.speed_mps > 0.0:
        car.step(-20.0)
        steps += 1
    decel = (50 / KMH) / (steps * car.dt_s)
    mu_g = car.friction_limit_mps2  # 0.9 x 9.81 = 8.83 m/s^2
    # mu m g over the inertial mass (3 % rotating parts), plus a little aero and rolling
    assert 0.95 * mu_g < decel < 1.01 * mu_g
    assert car.position_m == pytest.approx((50 / KMH) ** 2 / (2 * decel), rel=0.05)


def test_full_throttle_is_limited_by_the_powertrain():
    car = LongitudinalVehicle("ms11-lfp", speed_mps=0.0)
    first = car.step(20.0)
    assert 2.0 < first.accel_mps2 < 0.9 * 9.81 * 0.5 + 0.1  # traction of the driven (rear) axle
    for _ in range(int(8 / car.dt_s)):
        res = car.step(20.0)
    assert res.accel_mps2 < 4.0  # power-limited at speed
    assert res.battery_power_w > 100e3
    assert car.soc < 0.8


def test_soc_and_temperature_carry_over_between_steps():
    car = LongitudinalVehicle("ms11-naion", speed_mps=20.0)
    soc0 = car.soc
    for _ in range(40):
        car.step(0.0)
    assert car.soc < soc0
    assert car.energy_j > 0


@pytest.mark.slow
def test_aeb_avoids_a_stationary_target_at_30_kmh_with_lidar_perception():
    scn = load_scenario("euro-ncap-ccrs").model_copy(update={"offsets_pct": [0.0]})
    result = run_scenario("ms11-lfp", scn, speeds_kmh=[30.0], perception="lidar")
    rec = result.records[0]
    assert rec["avoided"] and rec["passed"] and rec["points"] == 1.0
    assert rec["impact_speed_kmh"] == 0.0
    assert 0.0 < rec["min_gap_m"] < 6.0
    assert rec["warning_ttc_s"] > rec["braking_ttc_s"]
    run = result.runs[0]
    # perception saw the target: once the track has settled (0.5 s), the perceived gap -
    # carried forward between 10 Hz frames - follows the truth within 0.3 m
    pairs = [
        (p, g)
        for t, p, g in zip(run.time_s, run.perceived_gap_m, run.gap_m, strict=True)
        if t > 0.5 and p == p and g == g
    ]
    assert len(pairs) > 20
    assert max(abs(p - t) for p, t in pairs) < 0.3


def test_aeb_stages_follow_ttc():
    aeb = AebController()
    assert aeb.command(20.0, LeadEstimate(60.0, 20.0), 0.0) is None  # TTC 3 s
    assert aeb.command(20.0, LeadEstimate(50.0, 20.0), 0.1) is None and aeb.stage == "warning"
    aeb = AebController()
    # TTC 1.5 s but 30 m: needs 6.9 m/s^2 > partial -> full braking
    assert aeb.command(20.0, LeadEstimate(30.0, 20.0), 0.0) == -10.0
    aeb = AebController()
    # slow closing: TTC 1.5 s, needs 1.2 m/s^2 -> partial braking
    assert aeb.command(10.0, LeadEstimate(3.0, 2.0), 0.0) == -4.0


def test_acc_settles_at_the_set_time_gap():
    result = run_scenario("ms11-lfp", "acc-follow", perception="ideal")
    rec = result.records[0]
    # steady following before the cut-in: time gap within 0.05 s of the 1.8 s set
    assert rec["settled_time_gap_s"] == pytest.approx(1.8, abs=0.05)
    assert rec["avoided"] and rec["passed"]
    assert rec["aeb_braking_s"] == 0.0  # the cut-in and the 3 m/s^2 lead stop need no AEB
    assert rec["peak_decel_mps2"] <= 3.5 + 0.5  # ISO 15622 envelope at speed


@pytest.mark.parametrize("vehicle_id", ["ms11-lfp", "ms11-naion"])
def test_ccrm_and_ccrb_results_are_produced(vehicle_id):
    ccrm = run_scenario(vehicle_id, "euro-ncap-ccrm", perception="ideal")
    assert len(ccrm.records) == 11 * 5
    assert {r["target_speed_kmh"] for r in ccrm.records} == {20.0}
    assert all(r["avoided"] for r in ccrm.records if r["ego_speed_kmh"] <= 50)
    ccrb = run_scenario(vehicle_id, "euro-ncap-ccrb", perception="ideal")
    cases = {(r["target_decel_mps2"], r["headway_m"]) for r in ccrb.records}
    assert cases == {(2.0, 12.0), (2.0, 40.0), (6.0, 12.0), (6.0, 40.0)}
    for rec in ccrm.records + ccrb.records:
        assert 0.0 <= rec["points"] <= 1.0
        assert rec["peak_decel_mps2"] > 0.0
        assert rec["avoided"] == (rec["impact_speed_kmh"] == 0.0)


def test_scoring_bands_follow_the_protocol_table():
    band = load_scenario("euro-ncap-ccrs").band(50.0)
    assert [band.points(v) for v in (0.0, 4.9, 10.0, 20.0, 35.0, 45.0)] == [
        1.0,
        1.0,
        0.75,
        0.5,
        0.25,
        0.0,
    ]
    assert load_scenario("euro-ncap-ccrs").band(10.0).points(2.0) == 0.0


def test_autonomy_stack_feeds_the_compiled_parameters():
    spec = load_vehicle("ms11-lfp")
    bare = spec.model_copy(update={"autonomy": None})
    with_pod, bare_car = compile_vehicles([spec]), compile_vehicles([bare])
    # 200 W compute + 13.5 W AT128, drawn from the 12 V net through the DC-DC converter
    stack_hv_w = 213.5 / spec.accessories.dcdc_efficiency
    for column, added in (("accessory_power_w", stack_hv_w), ("drag_area_m2", 0.009)):
        difference = with_pod.column(column)[0] - bare_car.column(column)[0]
        assert difference == pytest.approx(added), column


def test_autonomy_cost_is_positive_and_the_range_difference():
    res = invoke("autonomy-cost", "ms11-lfp", "--procedure", "cltc", "--json")
    assert res.exit_code == 0, res.output
    (row,) = json.loads(res.stdout)
    assert row["cost_km"] > 0
    assert row["cost_km"] == pytest.approx(row["range_without_km"] - row["range_with_km"], abs=1e-3)
    assert row["cost_pct"] == pytest.approx(100 * row["cost_km"] / row["range_without_km"], 1e-3)
    assert 2.0 < row["cost_pct"] < 12.0  # autonomy.md E.3: 250 W costs 5-10 % in city traffic


def test_adas_cli_writes_plot_and_json(tmp_path):
    plot = tmp_path / "ccrs.png"
    res = invoke(
        "adas",
        "ms11-naion",
        "--scenario",
        "euro-ncap-ccrs",
        "--speeds",
        "20:40:10",
        "--perception",
        "ideal",
        "--plot",
        str(plot),
        "--json",
    )
    assert res.exit_code == 0, res.output
    records = json.loads(res.stdout)
    assert len(records) == 3 * 5
    assert plot.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scenario", "euro-ncap-ccrx"], "did you mean 'euro-ncap-ccrs'"),
        (["--speeds", "10:60:5"], "outside the protocol"),
        (["--speeds", "50:10:5"], "start <= stop"),
        (["--speeds", "fast"], "expected start:stop:step"),
        (["--scenario", "euro-ncap-ccrb", "--speeds", "40,50"], "one fixed ego speed"),
        (["--perception", "radar"], "unknown perception"),
    ],
)
def test_adas_bad_input_is_one_error_line(tmp_path, args, message):
    plot = tmp_path / "out.png"
    res = invoke("adas", "ms11-lfp", *args, "--plot", str(plot))
    assert res.exit_code == 2
    lines = [line for line in res.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:") and message in lines[0]
    assert not plot.exists()


def test_overlapping_objects_are_refused(tmp_path):
    path = tmp_path / "crowded.yaml"
    path.write_text(
        "kind: acc\nduration_s: 10\nego: {speed_kmh: 50}\nacc: {set_speed_kmh: 60}\n"
        "objects:\n  - {id: a, x_m: 30, speed_kmh: 50}\n  - {id: b, x_m: 32, speed_kmh: 50}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="'a' and 'b' overlap"):
        load_scenario(path)
    plot = tmp_path / "acc.png"
    res = invoke("adas", "ms11-lfp", "--scenario", str(path), "--plot", str(plot))
    assert res.exit_code == 2 and "overlap" in res.output
    assert not plot.exists()


def test_parse_speeds():
    assert parse_speeds("10:50:5") == [10, 15, 20, 25, 30, 35, 40, 45, 50]
    assert parse_speeds("20,35") == [20.0, 35.0]


def test_unknown_lidar_in_a_vehicle_file_is_refused():
    spec = load_vehicle("ms11-lfp")
    data = spec.model_dump()
    data["autonomy"]["lidar"] = "hesai-at129"
    with pytest.raises(ValueError, match="did you mean 'hesai-at128'"):
        type(spec).model_validate(data)
