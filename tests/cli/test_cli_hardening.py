"""Issue 17 (input side): each example, run as written, is refused with exit code 2 and one line.

Items 3 (impossible values), 5 (file contents echoed), 7 (deep / huge YAML), 8 (silent
substitutions) and 10 (text mangled by rich). Every test goes through the Typer app in-process.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import bevsim
from bevsim.cli.app import print_table
from bevsim.cli.main import app

LIBRARY_DIR = Path(bevsim.__file__).parent / "vehicles"
INPUT_ERROR = 2


def refused(runner: CliRunner, *args: str, words: tuple[str, ...] = ()) -> str:
    """Exit 2, nothing on stdout, one ``error:`` line on stderr holding every word."""
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == INPUT_ERROR, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def library_dict(vehicle_id: str = "ms11-lfp") -> dict:
    return yaml.safe_load((LIBRARY_DIR / f"{vehicle_id}.yaml").read_text(encoding="utf-8"))


def write_vehicle(folder: Path, data: dict, name: str = "car.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


# ------------------------------------------------------------------ item 3: impossible numbers

CLI_NUMBERS = {
    "negative load": (["simulate", "ms11-lfp", "--load-kg", "-5000"], "--load-kg: expected 0 to"),
    "huge load": (["simulate", "ms11-lfp", "--load-kg", "1e9"], "got 1e+09"),
    "nan load": (["compare", "ms11-lfp", "--load-kg", "nan"], "--load-kg: not a finite number"),
    "perf load": (["perf", "ms11-lfp", "--load-kg", "-5000"], "--load-kg: expected 0 to 2000 kg"),
    "soc in percent": (["simulate", "ms11-lfp", "--initial-soc", "150"], "0 to 100 %"),
    "nan soc": (["charge", "ms11-lfp", "--from", "nan"], "--from: not a finite number"),
    "target soc": (["charge", "ms11-lfp", "--to", "180"], "--to: expected 0 to 100 %"),
    "huge charger": (["charge", "ms11-lfp", "--charger", "1e9"], "--charger: expected 1 to"),
    "tiny charger": (["charge", "ms11-lfp", "--charger", "1e-9"], "--charger: expected 1 to"),
    "charger current": (["charge", "ms11-lfp", "--charger-current", "-1"], "--charger-current"),
    "inf temp": (["charge", "ms11-lfp", "--temp", "inf"], "--temp: not a finite number"),
    "winter temps": (["winter", "ms11-lfp", "--temps", "-7,nan"], "--temps: not a finite"),
    "winter cold": (["winter", "ms11-lfp", "--temps", "-90"], "--temps: expected -40 to 50"),
    "adas jobs": (["adas", "ms11-lfp", "--jobs", "0"], "--jobs: expected 1 to 256"),
    "adas seed": (["adas", "ms11-lfp", "--seed", "-1"], "--seed: expected 0 to"),
    "lidar height": (["lidar", "hesai-at128", "--sensor-height", "nan"], "--sensor-height: not"),
    "lidar frame": (["lidar", "hesai-at128", "--frame", "-3"], "--frame: expected 0 to"),
    "not a number": (["simulate", "ms11-lfp", "--load-kg", "abc"], "Invalid value for '--load-kg'"),
    "not an integer": (["adas", "ms11-lfp", "--jobs", "1.5"], "Invalid value for '--jobs'"),
    "unknown option": (["simulate", "ms11-lfp", "--lod-kg", "5"], "No such option: --lod-kg"),
}


@pytest.mark.parametrize("case", sorted(CLI_NUMBERS))
def test_impossible_cli_number_is_refused_in_one_line(runner, workdir, case):
    args, words = CLI_NUMBERS[case]
    refused(runner, *args, words=(words,))
    assert list(workdir.iterdir()) == []


FILE_FIELDS = {
    "1e-9 kW motor": (("drive", "motors", 0, "peak_power_kw"), 1e-9, "greater than or equal to 1"),
    "0.001 Ah cell": (("battery", "cell_capacity_ah"), 0.001, "greater than or equal to 1"),
    "boolean count": (("battery", "cells_in_series"), True, "valid integer (got True)"),
    "NaN field": (("mass", "curb_kg"), float("nan"), "mass.curb_kg: not a finite number (got nan)"),
    "inf field": (("body", "frontal_area_m2"), float("inf"), "not a finite number (got inf)"),
}


@pytest.mark.parametrize("case", sorted(FILE_FIELDS))
def test_impossible_vehicle_field_is_refused_in_one_line(runner, workdir, case):
    path, value, words = FILE_FIELDS[case]
    data = library_dict()
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    data["id"] = "mutated"
    file = write_vehicle(workdir, data)
    line = refused(runner, "simulate", str(file), "--traces", "run.csv", words=(words,))
    assert line.startswith(f"error: {file}: ")
    assert "less than or equal" not in line  # a NaN is not reported as "should be <= 10000"
    assert sorted(p.name for p in workdir.iterdir()) == ["car.yaml"]


def test_duplicated_yaml_key_is_refused_from_the_cli(runner, workdir):
    text = (LIBRARY_DIR / "ms11-lfp.yaml").read_text(encoding="utf-8")
    file = workdir / "dup.yaml"
    file.write_text(text.replace("mass:\n", "mass:\n  curb_kg: 1000\n", 1), encoding="utf-8")
    refused(runner, "simulate", str(file), words=("duplicate key 'curb_kg'", "line "))


def test_nan_result_is_an_error_not_an_output(monkeypatch):
    """Every procedure's table passes finite_results; a NaN that slips through the ranges is an
    error naming vehicle, procedure and column."""
    from bevsim.procedures.finite import ResultError, finite_results

    frame = pd.DataFrame({"vehicle_id": ["a", "b"], "range_km": [400.0, float("nan")]})
    with pytest.raises(ResultError, match=r"^b: cltc: range_km came out as nan \(not a finite"):
        finite_results(frame, "cltc")
    inf = frame.assign(range_km=[float("inf"), 1.0])
    with pytest.raises(ResultError, match="a: cltc: range_km came out as inf"):
        finite_results(inf, "cltc", may_be_undefined=["range_km"])
    assert finite_results(frame, "cltc", may_be_undefined=["range_km"]) is frame


# ------------------------------------------------------------------ item 5: no file contents


def test_efficiency_map_pointing_at_a_system_file_names_it_without_content(runner, workdir):
    secret = workdir / "passwd"
    secret.write_text("root:x:0:0:TOP-SECRET:/root:/bin/bash\n", encoding="utf-8")
    data = library_dict()
    data["id"] = "mapped"
    data["drive"]["motors"][0]["efficiency_map"] = str(secret)
    line = refused(runner, "simulate", str(write_vehicle(workdir, data)))
    assert "drive.motors.0.efficiency_map" in line and str(secret) in line
    assert "TOP-SECRET" not in line and "/bin/bash" not in line


def test_cycle_pointing_at_a_system_file_names_it_without_content(runner, workdir):
    secret = workdir / "passwd.csv"
    secret.write_text("root:x:0:0:TOP-SECRET:/root:/bin/bash\n", encoding="utf-8")
    line = refused(runner, "simulate", "ms11-lfp", "--cycle", str(secret))
    assert "TOP-SECRET" not in line and "(not a cycle CSV header)" in line


# ------------------------------------------------------------------ item 7: YAML bounds


def test_deeply_nested_vehicle_file_is_one_line(runner, workdir):
    file = workdir / "deep.yaml"
    file.write_text("name: x\nextra: " + "[" * 3000 + "]" * 3000 + "\n", encoding="utf-8")
    refused(runner, "simulate", str(file), words=("nested deeper than 32 levels",))


def test_huge_vehicle_file_is_refused_before_parsing(runner, workdir):
    file = workdir / "huge.yaml"
    file.write_text("junk: |\n" + ("  " + "x" * 99 + "\n") * 20_000, encoding="utf-8")
    refused(runner, "simulate", str(file), words=("the vehicle file may be at most 1 MB",))


# ------------------------------------------------------------------ item 8: no silent substitution


def test_temperature_outside_the_cell_tables_is_refused_alike_by_charge_and_winter(runner):
    """charge refused -35 degC while winter silently ran it at the table's -30 degC edge."""
    words = ("ambient temperature -35 degC is outside the 'lfp' chemistry's tables",)
    charge = refused(runner, "charge", "ms11-lfp", "--temp", "-35", words=words)
    winter = refused(runner, "winter", "ms11-lfp", "--temps", "-35", words=words)
    assert charge.removeprefix("error: ") == winter.removeprefix("error: ")


def test_label_method_without_an_epa_procedure_is_refused(runner):
    refused(
        runner,
        *("range", "ms11-lfp", "--procedure", "cltc", "--label-method", "five-cycle"),
        words=("--label-method: does not apply here", "--procedure cltc has no EPA label"),
    )


def test_unknown_procedure_is_named_before_the_label_method(runner):
    refused(
        runner,
        *("range", "ms11-lfp", "--procedure", "ctlc", "--label-method", "five-cycle"),
        words=("unknown procedure 'ctlc'; did you mean 'cltc'?",),
    )


@pytest.mark.parametrize("option", [("--seed", "7"), ("--sensor", "hesai-at128")])
def test_lidar_options_with_ideal_perception_are_refused(runner, option):
    refused(
        runner,
        *("adas", "ms11-lfp", "--perception", "ideal", *option),
        words=(f"{option[0]}: does not apply here", "--perception ideal uses no lidar"),
    )


def test_user_file_keeping_a_library_id_is_refused(runner, workdir):
    data = library_dict()
    data["mass"]["curb_kg"] = 2100.0
    file = write_vehicle(workdir, data, "heavier.yaml")  # keeps id: ms11-lfp
    refused(
        runner,
        *("compare", "ms11-lfp", str(file), "--cycles", "udds"),
        words=(f"{file}: id 'ms11-lfp' is also the id of library vehicle 'ms11-lfp'",),
    )


# ------------------------------------------------------------------ item 10: literal text


def test_help_keeps_units_in_brackets_and_colon_ranges(runner):
    charge = runner.invoke(app, ["charge", "--help"], terminal_width=200).stdout
    assert "Charger power [kW]." in charge
    assert "Start SOC [%], 0 to 100" in charge
    simulate = runner.invoke(app, ["simulate", "--help"], terminal_width=200).stdout
    assert "Load added to curb mass [kg]" in simulate
    assert "Start SOC [%], 0 to 100" in simulate
    sweep = runner.invoke(app, ["sweep", "--help"], terminal_width=200).stdout
    assert "a:b:step" in sweep
    assert "\N{NEGATIVE SQUARED LATIN CAPITAL LETTER B}" not in sweep
    adas = runner.invoke(app, ["adas", "--help"], terminal_width=200).stdout
    assert "10:50:5" in adas


def test_tables_show_stored_strings_as_written(capsys):
    frame = pd.DataFrame(
        {"vary": ["10:100:5", "[bold]x[/] [kW]"], "ok": [True, False], "t_s": [float("nan"), 1.0]}
    )
    print_table(frame, {"vary": "vary", "ok": "ok", "t_s": "t s"}, "a:b:step [kg]")
    out = capsys.readouterr().out
    assert "nan" not in out and " - " in out  # a value not reached
    assert "10:100:5" in out and "[bold]x[/] [kW]" in out
    assert "a:b:step [kg]" in out
    assert "\N{HUNDRED POINTS SYMBOL}" not in out


def test_error_lines_keep_brackets(runner, workdir):
    refused(runner, "simulate", "ms11-lfp", "--cycle", "run[kW]:100:.csv",
            words=("run[kW]:100:.csv: cycle file not found",))  # fmt: skip


def test_scenario_file_gets_the_yaml_rules_and_no_content_echo(runner, workdir):
    """Sensor, scene and scenario files are read like vehicle files (duplicate keys refused,
    size and depth bounded), and a YAML error never quotes the file."""
    dup = workdir / "dup.yaml"
    dup.write_text("kind: acc\nkind: ccr\n", encoding="utf-8")
    refused(runner, "adas", "ms11-lfp", "--scenario", str(dup), words=("line 2: duplicate key",))
    broken = workdir / "broken.yaml"
    broken.write_text("kind: [acc\nTOP-SECRET: 1\n", encoding="utf-8")
    line = refused(runner, "adas", "ms11-lfp", "--scenario", str(broken), words=("invalid YAML",))
    assert "TOP-SECRET" not in line


def test_precondition_that_cannot_warm_the_pack_is_refused(runner):
    refused(
        runner,
        *("charge", "ms11-lfp", "--temp", "35", "--precondition"),
        words=("--precondition: does not apply here", "at --temp 35 the cells already start"),
    )


@given(value=st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers()))
def test_option_range_accepts_exactly_the_finite_values_inside(value):
    """Property: check() returns the value iff it is finite and in range, else one line that
    names the option (and says "not a finite number" for NaN and infinities)."""
    from bevsim.cli.numbers import LOAD_KG
    from bevsim.errors import BevsimError

    inside = math.isfinite(value) and LOAD_KG.low <= value <= LOAD_KG.high
    if inside:
        assert LOAD_KG.check(value) == value
        return
    with pytest.raises(BevsimError) as info:
        LOAD_KG.check(value)
    message = str(info.value)
    assert message.startswith("--load-kg: ") and "\n" not in message
    finite = "not a finite number" in message
    assert finite == (not math.isfinite(value))
    if not finite:
        assert "expected 0 to 2000 kg" in message
