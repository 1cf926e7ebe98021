"""``bevsim vehicles --explain``: the defaults a vehicle file relies on."""

from __future__ import annotations

import json

import yaml
from typer.testing import CliRunner

from bevsim.cli.main import app
from bevsim.spec import load_vehicle


def test_explain_lists_the_defaults_of_a_file_and_not_what_it_sets(tmp_path):
    spec = load_vehicle("tesla-model3-rwd-2022").model_dump(exclude_unset=True)
    spec["id"] = "my-car"
    spec["drive"]["motors"][0]["type"] = "induction"
    path = tmp_path / "car.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = CliRunner().invoke(app, ["vehicles", "--explain", str(path), "--json"])
    assert result.exit_code == 0, result.output
    rows = {r["field"]: r["default"] for r in json.loads(result.output)}
    assert "drive.motors.0.type" not in rows  # given by the file
    assert rows["drive.motors.0.inverter"] == "sic"
    assert "charging.standby_power_w" not in rows  # an override the file does not give
    assert rows["accessories.charging_low_voltage_load_w"] == "180.0"
    assert rows["accessories.thermal_pumps_w"] == "50.0"
    # an optional field whose None means a class default is listed with that default
    assert rows["thermal.pack_heat_recovery"] == "0.5"  # heat-pump car
    assert rows["thermal.pack_heat_recovery_above_c"] == "15.0"
    assert rows["thermal.drive_unit_heat_recovery"] == "0.5"


def test_explain_of_a_missing_file_is_one_line_and_exit_2(tmp_path):
    result = CliRunner().invoke(app, ["vehicles", "--explain", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
