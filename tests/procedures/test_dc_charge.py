"""The DC fast-charge procedure, the `bevsim charge` command and the charging validation."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from bevsim.chemistry import ChemistryError, load_chemistry
from bevsim.cli import charge_commands  # noqa: F401  (registers the command)
from bevsim.cli.main import app
from bevsim.engine.compile import ConditionsError
from bevsim.procedures.dc_charge import ChargeError, dc_charge_test
from bevsim.spec import load_vehicle

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_summary_and_trace_columns():
    summary, trace = dc_charge_test("ms11-naion", 0.10, 0.80, 250.0, 23.0)
    for key in ("time_min", "energy_kwh", "avg_power_kw", "peak_power_kw", "stored_energy_kwh"):
        assert summary[key] > 0
    assert summary["avg_power_kw"] <= summary["peak_power_kw"]
    assert summary["avg_power_kw"] == pytest.approx(
        summary["energy_kwh"] / (summary["time_min"] / 60.0)
    )
    for column in ("time_s", "power_kw", "current_a", "voltage_v", "soc", "cell_temp_c"):
        assert column in trace
    assert trace["time_s"].iloc[-1] == pytest.approx(60.0 * summary["time_min"])
    assert (trace["time_s"].diff().dropna() == 1.0).all()


@pytest.mark.slow
def test_every_library_vehicle_charges():
    from bevsim.spec.loader import _library_ids

    for vid in sorted(_library_ids()):
        summary, _ = dc_charge_test(vid, 0.10, 0.80, 350.0, 23.0)
        assert 5.0 < summary["time_min"] < 90.0, vid
        spec = load_vehicle(vid)
        if spec.charging.dc_max_power_kw is not None:
            assert summary["peak_power_kw"] <= spec.charging.dc_max_power_kw * (1 + 1e-9)


def test_a_weak_charger_is_the_limit():
    summary, trace = dc_charge_test("ms11-naion", 0.10, 0.80, 50.0, 23.0)
    assert summary["peak_power_kw"] == pytest.approx(50.0, rel=1e-6)
    assert summary["mostly_limited_by"] == "charger power"


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("ms11-lfp", 0.8, 0.1, 250.0, 23.0), ["not above the start"]),
        (("ms11-lfp", 0.5, 0.5, 250.0, 23.0), ["not above the start"]),
        (("ms11-lfp", 0.1, 0.8, 0.0, 23.0), ["more than 0 kW"]),
        (("ms11-lfp", 0.1, 0.8, -5.0, 23.0), ["more than 0 kW"]),
        (("ms11-lfp", 0.1, 0.8, float("nan"), 23.0), ["more than 0 kW"]),
        (("ms11-lfp", 0.1, 0.8, 250.0, -35.0), ["outside", "lfp", "-30 to 55", "extrapolated"]),
        (("ms11-naion", 0.1, 0.8, 250.0, 70.0), ["outside", "sodium-ion"]),
        (("ms11-lfp", 0.1, 1.0, 250.0, 23.0), ["soc_max"]),
        (("ms11-lfp", 0.1, 1.5, 250.0, 23.0), ["from 0 to 1"]),
        (("ms11-lfp", 0.1, 0.8, 0.1, 23.0), ["standby"]),
    ],
)
def test_bad_inputs_are_clear_errors(args, words):
    """ChargeError, or for a temperature outside the cell tables the ConditionsError every
    procedure raises (both BevsimErrors: one line, exit 2 on the command line)."""
    with pytest.raises((ChargeError, ConditionsError)) as err:
        dc_charge_test(*args)
    for word in words:
        assert word in str(err.value)


def test_cold_lfp_without_a_heater_cannot_charge(tmp_path):
    spec = load_vehicle("ms11-lfp")
    data = spec.model_dump(mode="json", exclude_none=True)
    data["thermal"]["battery_heater_kw"] = 0.0
    path = tmp_path / "no-heater.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ChargeError, match="C/20.*heater"):
        dc_charge_test(path, 0.1, 0.8, 250.0, -10.0)
    with pytest.raises(ChargeError, match="precondition"):
        dc_charge_test(path, 0.1, 0.8, 250.0, -10.0, precondition=True)


def test_vehicle_dc_fields_are_validated(tmp_path):
    from bevsim.errors import SpecError

    data = load_vehicle("ms11-lfp").model_dump(mode="json", exclude_none=True)
    data["charging"]["dc_max_power_kw"] = -1
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(SpecError, match="dc_max_power_kw"):
        load_vehicle(path)


def test_vehicle_dc_current_and_voltage_limits_bind(tmp_path):
    data = load_vehicle("ms11-naion").model_dump(mode="json", exclude_none=True)
    data["charging"] |= {"dc_max_current_a": 200.0}
    path = tmp_path / "slow.yaml"
    path.write_text(yaml.safe_dump(data))
    summary, trace = dc_charge_test(path, 0.1, 0.8, 250.0, 23.0)
    assert trace["inlet_current_a"].max() <= 200.0 * (1 + 1e-9)
    assert summary["mostly_limited_by"] == "vehicle DC current"


def test_chemistry_charge_map_is_validated(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(load_chemistry("lfp").model_dump(mode="json")))
    bad = dict(data)
    bad["charge_c_rate_map"] = dict(data["charge_c_rate_map"])
    bad["charge_c_rate_map"]["c_rate"] = data["charge_c_rate_map"]["c_rate"][:-1]
    path = tmp_path / "short.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ChemistryError, match="charge_c_rate_map.c_rate: expected 8 rows"):
        load_chemistry(path)
    rows = [list(r) for r in data["charge_c_rate_map"]["c_rate"]]
    rows[5][3] = -1.0
    bad["charge_c_rate_map"]["c_rate"] = rows
    path = tmp_path / "negative.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ChemistryError, match=">= 0"):
        load_chemistry(path)
    rows[5][3] = 9.0
    path = tmp_path / "above.yaml"
    path.write_text(yaml.safe_dump(bad))
    with pytest.raises(ChemistryError, match="exceeds max_charge_c_rate"):
        load_chemistry(path)
    no_map = dict(data)
    del no_map["charge_c_rate_map"]
    path = tmp_path / "no-map.yaml"
    path.write_text(yaml.safe_dump(no_map))
    chem = load_chemistry(path)
    assert float(chem.charge_c_rate_map_at(25.0, 0.9)) == 2.0  # the temperature envelope


def test_chemistry_yaml_regenerates_byte_identical(tmp_path):
    shared = Path("/work/shared/data/chemistry")
    if not (shared / "ocv_lfp.csv").is_file():
        pytest.skip("shared chemistry CSVs not available")
    script = ROOT / "tools/derive_chemistry_tables.py"
    spec = importlib.util.spec_from_file_location("derive_chemistry_tables_copy", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    shipped = module.DATA_DIR
    assert shipped == ROOT / "src/bevsim/chemistry/data"
    module.DATA_DIR = tmp_path
    module.main(shared)
    for name in ("lfp.yaml", "sodium-ion.yaml", "nmc.yaml"):
        assert (tmp_path / name).read_bytes() == (shipped / name).read_bytes(), name


# ----------------------------------------------------------------------------- CLI
def test_cli_charge_prints_time_energy_power_and_plots(tmp_path):
    plot = tmp_path / "charge.png"
    result = runner.invoke(
        app,
        [
            "charge",
            "ms11-naion",
            "--from",
            "10",
            "--to",
            "80",
            "--charger",
            "250",
            "--temp",
            "-10",
            "--plot",
            str(plot),
        ],
    )
    assert result.exit_code == 0, result.output
    for word in ("time min", "energy kWh", "avg kW", "peak kW", "ms11-naion"):
        assert word in result.output
    assert plot.is_file() and plot.stat().st_size > 10_000


def test_cli_charge_json_and_precondition():
    result = runner.invoke(app, ["charge", "ms11-lfp", "--temp", "-10", "--precondition", "--json"])
    assert result.exit_code == 0, result.output
    records = json.loads(result.output)
    assert records[0]["precondition"] is True
    assert records[0]["time_min"] > 0


@pytest.mark.parametrize(
    "args",
    [
        ["--from", "80", "--to", "10"],
        ["--charger", "0"],
        ["--temp", "-35"],
    ],
)
def test_cli_bad_input_one_error_line_exit_2_no_file(tmp_path, args):
    plot = tmp_path / "charge.png"
    result = runner.invoke(app, ["charge", "ms11-lfp", *args, "--plot", str(plot)])
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("error:")
    assert not plot.exists()
    assert not list(tmp_path.iterdir())
