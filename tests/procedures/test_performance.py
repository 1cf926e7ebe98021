"""``performance_test`` and ``bevsim perf``: published figures, plausibility, bad input."""

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

import bevsim
from bevsim.cli import main, perf_commands  # noqa: F401  (register the commands)
from bevsim.cli.app import app
from bevsim.errors import BevsimError, SpecError
from bevsim.procedures.performance import performance_test
from bevsim.spec import vehicle_from_dict
from bevsim.validation.performance import performance_validation_table

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "tests" / "data" / "reference" / "official" / "vehicles.yaml"
LIBRARY = ROOT / "src" / "bevsim" / "vehicles"
LIMITERS = {
    "traction",
    "motor torque",
    "motor power",
    "battery power",
    "motor speed",
    "speed limiter",
}


@pytest.fixture(scope="module")
def validation():
    return performance_validation_table(REFERENCE)


@pytest.fixture(scope="module")
def library():
    return performance_test(["tesla-model3-rwd-2022", "ms11-lfp", "ms11-naion"]).set_index(
        "vehicle_id"
    )


def test_every_published_figure_is_checked(validation):
    assert len(validation) >= 5
    assert set(validation["figure"]) == {"accel_0_60_mph_s", "accel_0_100_kmh_s", "top_speed_kmh"}


@pytest.mark.parametrize(
    "vehicle_id, figure",
    [
        ("tesla-model3-rwd-2022", "accel_0_60_mph_s"),
        ("tesla-model3-rwd-2024-highland", "top_speed_kmh"),
        ("byd-dolphin-60kwh", "accel_0_100_kmh_s"),
        ("byd-dolphin-60kwh", "top_speed_kmh"),
        ("vw-id3-pro-58kwh-2020", "top_speed_kmh"),
    ],
)
def test_published_figure_within_tolerance(validation, vehicle_id, figure):
    row = validation.set_index(["vehicle_id", "figure"]).loc[(vehicle_id, figure)]
    assert row["within_tolerance"], row.to_dict()


@pytest.mark.parametrize("vehicle_id", ["byd-dolphin-60kwh", "vw-id3-pro-58kwh-2020"])
def test_governed_top_speed_is_the_limiter_and_the_car_reaches_it(validation, vehicle_id):
    """Both 160 km/h figures are electronic limits (SOURCES.md L01-L04): the reported top speed
    is the limiter and the physical top speed of the envelopes is not below it."""
    row = validation.set_index(["vehicle_id", "figure"]).loc[(vehicle_id, "top_speed_kmh")]
    assert row["limited_by"] == "speed limiter"
    assert row["bevsim"] == pytest.approx(row["speed_limiter_kmh"]) == pytest.approx(160.0)
    assert row["reaches_limiter"] and row["physical_kmh"] >= row["speed_limiter_kmh"]
    assert row["physical_limited_by"] != "speed limiter"


def test_limiter_the_car_cannot_reach_is_a_miss(tmp_path):
    """Not circular: a limiter above the physical top speed fails even though the reported
    top speed then is the physical one and the published figure equals the limiter."""
    data = yaml.safe_load((LIBRARY / "vw-id3-pro-58kwh-2020.yaml").read_text())
    data["drive"]["speed_limiter_kmh"] = 250.0
    (tmp_path / "vw-id3-pro-58kwh-2020.yaml").write_text(yaml.safe_dump(data))
    reference = {"vehicles": [{"id": "vw-id3-pro-58kwh-2020", "top_speed_kmh": 250.0}]}
    (tmp_path / "vehicles.yaml").write_text(yaml.safe_dump(reference))
    row = performance_validation_table(tmp_path / "vehicles.yaml", tmp_path).iloc[0]
    assert row["limited_by"] == "motor speed"
    assert row["bevsim"] == pytest.approx(row["physical_kmh"])
    assert not row["reaches_limiter"]
    assert not row["within_tolerance"]


def test_performance_validation_doc_is_current(validation):
    path = ROOT / "tools" / "make_performance_validation.py"
    spec = importlib.util.spec_from_file_location("make_performance_validation", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert (ROOT / module.OUT).read_text(encoding="utf-8") == module.render(validation)


def test_library_cars_are_plausible(library):
    model3 = library.loc["tesla-model3-rwd-2022"]
    # Tesla: 2022 Model 3 RWD 0-60 mph 5.8 s; Europe 0-100 km/h 6.1 s
    assert model3["accel_0_60_mph_s"] == pytest.approx(5.8, rel=0.10)
    assert 5.5 < model3["accel_0_100_kmh_s"] < 7.0
    assert model3["test_mass_kg"] == pytest.approx(1752 + 75)
    for _, row in library.iterrows():
        assert row["accel_0_60_mph_s"] < row["accel_0_100_kmh_s"]
        assert 2.0 < row["accel_80_120_kmh_s"] < 6.0
        assert 11.0 < row["quarter_mile_s"] < 17.0
        assert 140.0 < row["quarter_mile_trap_speed_kmh"] < 220.0
        assert 150.0 < row["top_speed_kmh"] < 300.0
        assert row["grade_0kmh_pct"] >= row["grade_30kmh_pct"] >= row["grade_80kmh_pct"] > 20
        limiters = {v for k, v in row.items() if k.endswith("_limited_by")}
        assert limiters <= LIMITERS


def test_invalid_chassis_is_refused_naming_the_field():
    data = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    data["chassis"] = {"cg_height_m": -0.5}
    with pytest.raises(SpecError, match=r"chassis\.cg_height_m"):
        vehicle_from_dict(data)
    data["chassis"] = {"wheelbase": 2.8}
    with pytest.raises(SpecError, match=r"chassis\.wheelbase.*did you mean 'wheelbase_m'"):
        vehicle_from_dict(data)
    data["chassis"] = {"front_axle_load_share": 0.95}
    with pytest.raises(SpecError, match=r"chassis\.front_axle_load_share"):
        vehicle_from_dict(data)


@pytest.mark.parametrize(
    "value, expected",
    [
        (0, "greater than 0"),
        (-160.0, "greater than 0"),
        (600, "less than or equal to 500"),
        ("fast", "valid number"),
        ("160", "valid number"),
        (True, "valid number"),
        (float("nan"), "finite number"),
    ],
)
def test_invalid_speed_limiter_is_refused_naming_file_and_field(tmp_path, value, expected):
    data = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    data.pop("id")
    data["drive"]["speed_limiter_kmh"] = value
    path = tmp_path / "limited.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SpecError) as error:
        bevsim.load_vehicle(path)
    message = str(error.value)
    assert "limited.yaml" in message and "drive.speed_limiter_kmh" in message, message
    assert expected in message


def test_speed_limiter_defaults_to_none():
    for vehicle_id in ("ms11-lfp", "ms11-naion", "tesla-model3-rwd-2022"):
        assert bevsim.load_vehicle(vehicle_id).drive.speed_limiter_kmh is None
    assert bevsim.load_vehicle("byd-dolphin-60kwh").drive.speed_limiter_kmh == 160.0


def test_bad_options_are_refused():
    with pytest.raises(BevsimError, match="load_kg"):
        performance_test("ms11-lfp", load_kg=-5)
    with pytest.raises(BevsimError, match="initial_soc"):
        performance_test("ms11-lfp", initial_soc=1.5)


def test_cli_json_and_plot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app, ["perf", "ms11-lfp", "ms11-naion", "--json", "--plot", "perf.png"]
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["vehicle_id"] for r in records] == ["ms11-lfp", "ms11-naion"]
    assert {"accel_0_100_kmh_s", "top_speed_kmh", "grade_0kmh_pct"} <= set(records[0])
    assert (tmp_path / "perf.png").stat().st_size > 1000
    assert sorted(p.name for p in tmp_path.iterdir()) == ["perf.png"]


@pytest.mark.parametrize(
    "args, words",
    [
        (["perf", "ms11-lfx"], ["ms11-lfp"]),
        (["perf", "ms11-lfp", "--plot", "perf.txt"], ["perf.txt"]),
        (["perf", "bad.yaml"], ["chassis.wheelbase_m"]),
    ],
)
def test_cli_input_errors_are_one_line_exit_2(tmp_path, monkeypatch, args, words):
    monkeypatch.chdir(tmp_path)
    data = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    data.pop("id")
    data["chassis"] = {"wheelbase_m": 0}
    (tmp_path / "bad.yaml").write_text(yaml.safe_dump(data))
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    for word in words:
        assert word in lines[0]
