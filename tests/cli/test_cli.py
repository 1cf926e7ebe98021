"""The ``bevsim`` command line: results as JSON, files written, and input errors as one line.

Most tests run the Typer app in-process (CliRunner); two run the installed entry point to show
it behaves the same.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from bevsim.cli.main import app
from bevsim.cycles import list_cycles
from bevsim.spec import list_vehicles

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
SUMMARY_KEYS = {
    "vehicle_id",
    "cycle",
    "distance_km",
    "battery_energy_kwh",
    "consumption_kwh_per_100km",
    "end_soc",
    "followed_trace",
}
TRACE_COLUMNS = {
    "time_s",
    "speed_requested_kmh",
    "speed_achieved_kmh",
    "battery_power_w",
    "battery_current_a",
    "terminal_voltage_v",
    "soc",
    "motor_loss_w",
}
INPUT_ERROR = 2


def invoke(runner: CliRunner, *args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def assert_one_line_error(result, *words: str) -> str:
    """Exit code 2, nothing on stdout, and exactly one ``error:`` line on stderr."""
    assert result.exit_code == INPUT_ERROR, (result.exit_code, result.stdout, result.stderr)
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: "), lines[0]
    assert "Traceback" not in result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def files_in(folder: Path) -> list[str]:
    """Everything in the folder, hidden temp files (``.name.*``) included."""
    return sorted(p.name for p in folder.rglob("*"))


# ------------------------------------------------------------------------------------------
# Results


@pytest.fixture(scope="module")
def compare_records():
    result = CliRunner().invoke(
        app,
        ["compare", "ms11-lfp", "tesla-model3-rwd-2022", "--cycles", "cltc-p,udds", "--json"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.stderr
    return json.loads(result.stdout)  # one JSON document, nothing else on stdout


def test_compare_json_has_one_record_per_vehicle_and_cycle(compare_records):
    assert isinstance(compare_records, list)
    pairs = [(r["vehicle_id"], r["cycle"]) for r in compare_records]
    assert sorted(pairs) == sorted(
        (v, c) for v in ["ms11-lfp", "tesla-model3-rwd-2022"] for c in ["cltc-p", "udds"]
    )
    for record in compare_records:
        assert set(record) >= SUMMARY_KEYS
        assert isinstance(record["followed_trace"], bool)


def test_compare_values_are_plausible(compare_records):
    by_key = {(r["vehicle_id"], r["cycle"]): r for r in compare_records}
    for vehicle in ["ms11-lfp", "tesla-model3-rwd-2022"]:
        cltc, udds = by_key[(vehicle, "cltc-p")], by_key[(vehicle, "udds")]
        assert cltc["distance_km"] == pytest.approx(14.48, abs=0.005)
        assert udds["distance_km"] == pytest.approx(11.99, abs=0.005)
        for record in (cltc, udds):
            assert 9.0 <= record["consumption_kwh_per_100km"] <= 15.0, record
            assert record["followed_trace"] is True
            assert 0.9 < record["end_soc"] < record["start_soc"] <= 1.0
            # consumption is battery energy over distance
            assert record["consumption_kwh_per_100km"] == pytest.approx(
                record["battery_energy_kwh"] / record["distance_km"] * 100, rel=1e-9
            )
    # the lighter, lower-mass Model 3 uses less than the heavier MS11 on the same cycle
    assert (
        by_key[("tesla-model3-rwd-2022", "cltc-p")]["battery_energy_kwh"]
        < by_key[("ms11-lfp", "cltc-p")]["battery_energy_kwh"]
    )


def test_compare_table_and_plot(runner, workdir):
    result = invoke(runner, "compare", "ms11-lfp", "ms11-naion", "--cycles", "hwfet", "--plot",
                    "out.png")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "ms11-lfp" in result.stdout and "ms11-naion" in result.stdout
    assert "plot written to out.png" in result.stdout
    data = (workdir / "out.png").read_bytes()
    assert data.startswith(PNG_SIGNATURE)
    assert len(data) > 5000
    assert files_in(workdir) == ["out.png"]  # no temp file left over


def test_simulate_writes_parquet_traces_and_png(runner, workdir):
    result = invoke(runner, "simulate", "ms11-naion", "--cycle", "cltc-p", "--traces",
                    "run.parquet", "--plot", "run.png", "--json")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["vehicle_id"] == "ms11-naion"
    assert record["distance_km"] == pytest.approx(14.48, abs=0.005)
    assert (workdir / "run.png").read_bytes().startswith(PNG_SIGNATURE)
    trace = pd.read_parquet(workdir / "run.parquet")
    assert len(trace) == 1801
    assert set(trace.columns) >= TRACE_COLUMNS
    assert trace["time_s"].tolist() == list(range(1801))
    assert trace["speed_requested_kmh"].max() == pytest.approx(114.0)
    assert (trace["speed_achieved_kmh"] - trace["speed_requested_kmh"]).abs().max() < 0.5
    assert trace["soc"].iloc[-1] == pytest.approx(record["end_soc"], abs=1e-6)
    assert trace["soc"].is_monotonic_increasing is False  # regen puts charge back
    assert ((trace["battery_power_w"] - trace["terminal_voltage_v"] * trace["battery_current_a"])
            .abs().max() < 1.0)  # fmt: skip
    assert (trace["motor_loss_w"] >= 0).all()
    assert files_in(workdir) == ["run.parquet", "run.png"]
    # output files get the ordinary new-file mode, not mkstemp's 0600
    umask = os.umask(0)
    os.umask(umask)
    for name in ("run.parquet", "run.png"):
        assert stat.S_IMODE((workdir / name).stat().st_mode) == 0o666 & ~umask


def test_simulate_writes_csv_traces(runner, workdir):
    result = invoke(runner, "simulate", "ms11-lfp", "--cycle", "hwfet", "--traces", "run.csv",
                    "--initial-soc", "50")  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "written: run.csv" in result.stdout
    trace = pd.read_csv(workdir / "run.csv")
    assert len(trace) == 766
    assert set(trace.columns) >= TRACE_COLUMNS
    assert trace["soc"].iloc[0] == pytest.approx(0.5, abs=0.01)
    assert files_in(workdir) == ["run.csv"]


def test_simulate_a_user_vehicle_file_and_cycle_csv(runner, workdir):
    from bevsim.spec import load_vehicle

    car = load_vehicle("ms11-lfp").model_dump(mode="json", exclude_none=True)
    car["id"] = "my-car"
    (workdir / "my-car.yaml").write_text(json.dumps(car), encoding="utf-8")  # JSON is YAML
    (workdir / "hill.csv").write_text(
        "time_s,speed_kmh,grade_pct\n0,0,0\n"
        + "".join(f"{t},36,5\n" for t in range(10, 61, 10))
        + "70,0,0\n",
        encoding="utf-8",
    )
    result = invoke(runner, "simulate", "my-car.yaml", "--cycle", "hill.csv", "--json")
    assert result.exit_code == 0, result.stderr
    (record,) = json.loads(result.stdout)
    assert record["vehicle_id"] == "my-car"
    assert record["cycle"] == "hill"
    assert record["distance_km"] == pytest.approx((50 + 500 + 50) / 1000, rel=1e-3)
    assert record["grade_energy_kwh"] > 0


def test_vehicles_json_lists_the_library(runner):
    result = invoke(runner, "vehicles", "--json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["vehicle_id"] for r in records] == list(list_vehicles())
    lfp = next(r for r in records if r["vehicle_id"] == "ms11-lfp")
    assert lfp["gross_energy_kwh"] == pytest.approx(156 * 150 * 3.2 / 1000)
    assert lfp["nominal_voltage_v"] == pytest.approx(156 * 3.2)
    assert lfp["chemistry"] == "lfp" and lfp["layout"] == "rwd"


def test_cycles_json_lists_the_library(runner):
    result = invoke(runner, "cycles", "--json")
    assert result.exit_code == 0, result.stderr
    records = json.loads(result.stdout)
    assert [r["cycle"] for r in records] == list(list_cycles())
    cltc = next(r for r in records if r["cycle"] == "cltc-p")
    assert cltc["duration_s"] == 1800
    assert cltc["distance_km"] == pytest.approx(14.48, abs=0.005)
    assert cltc["max_speed_kmh"] == pytest.approx(114.0)
    assert cltc["mean_speed_kmh"] == pytest.approx(28.96, abs=0.005)


def test_tables_without_json(runner):
    for command in ("vehicles", "cycles"):
        result = invoke(runner, command)
        assert result.exit_code == 0
        assert "bevsim" in result.stdout
        with pytest.raises(json.JSONDecodeError):
            json.loads(result.stdout)


# ------------------------------------------------------------------------------------------
# Bad input: one line on stderr, exit code 2, no output file and no temp file left


@pytest.fixture
def bad_files(workdir):
    (workdir / "broken.yaml").write_text("name: x\nmass: {curb_kg: 1500\n", encoding="utf-8")
    (workdir / "broken.csv").write_text("time_s,speed_kmh\n0,0\n1,nan\n2,0\n", encoding="utf-8")
    return workdir


BAD_SIMULATE = {
    "unknown vehicle": (["ms11-lpf"], ["unknown vehicle 'ms11-lpf'", "did you mean 'ms11-lfp'"]),
    "malformed yaml": (["broken.yaml"], ["broken.yaml: line", "invalid YAML"]),
    "missing yaml": (["absent.yaml"], ["absent.yaml: vehicle file not found"]),
    "unknown cycle": (["ms11-lfp", "--cycle", "cltc-q"], ["unknown cycle", "'cltc-p'"]),
    "malformed cycle": (
        ["ms11-lfp", "--cycle", "broken.csv"],
        ["broken.csv: line 3: speed_kmh: not a finite number"],
    ),
    "plot suffix": (["ms11-lfp", "--plot", "out.txt"], ["out.txt: plot file must end in"]),
    "traces suffix": (["ms11-lfp", "--traces", "out.xlsx"], ["traces file must end in"]),
    "traces folder": (
        ["ms11-lfp", "--traces", "missing/run.parquet"],
        ["missing/run.parquet: folder missing does not exist"],
    ),
    "initial soc": (["ms11-lfp", "--initial-soc", "150"], ["--initial-soc", "0 to 100 %", "150"]),
    "negative soc": (["ms11-lfp", "--initial-soc", "-10"], ["--initial-soc"]),
    "soc as a fraction": (
        ["ms11-lfp", "--initial-soc", "0.5"],
        ["ms11-lfp: start SOC 0.5 % is outside its usable window, battery.soc_min 3 %"],
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_SIMULATE))
def test_simulate_bad_input_is_one_line_and_writes_nothing(runner, bad_files, case):
    args, words = BAD_SIMULATE[case]
    before = files_in(bad_files)
    out = ["--traces", "run.parquet", "--plot", "run.png"]
    # the good output paths go first so a bad path given later still wins
    result = invoke(runner, "simulate", *args[:1], *out, *args[1:])
    assert_one_line_error(result, *words)
    assert files_in(bad_files) == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["ms11-lfp", "--cycles", "cltc-p,bogus"], ["unknown cycle 'bogus'"]),
        (["ms11-lfp", "--cycles", " , "], ["--cycles: expected at least one cycle"]),
        (["ms11-lfp", "broken.yaml"], ["broken.yaml: line"]),
        (["ms11-lfp", "--plot", "out.txt"], ["out.txt: plot file must end in"]),
        (["ms11-lfp", "--plot", "nowhere/out.png"], ["folder nowhere does not exist"]),
    ],
)
def test_compare_bad_input_is_one_line_and_writes_nothing(runner, bad_files, args, words):
    before = files_in(bad_files)
    extra = [] if "--plot" in args else ["--plot", "out.png"]
    result = invoke(runner, "compare", *args, *extra, "--json")
    assert_one_line_error(result, *words)
    assert files_in(bad_files) == before


def test_failed_write_leaves_no_partial_or_temp_file(runner, workdir, monkeypatch):
    import bevsim.report.plots as plots

    def broken_plot(*_args, **_kwargs):
        raise PermissionError("disk says no")

    monkeypatch.setattr(plots, "plot_run", broken_plot)
    result = invoke(runner, "simulate", "ms11-lfp", "--cycle", "hwfet", "--plot", "run.png")
    assert_one_line_error(result, "disk says no")
    assert files_in(workdir) == []


def test_write_atomically_cleans_up_after_a_failing_writer(tmp_path):
    from bevsim.files import write_atomically

    def half_write(tmp: Path) -> None:
        tmp.write_text("partial")
        raise RuntimeError("writer crashed")

    (tmp_path / "keep.csv").write_text("old")
    with pytest.raises(RuntimeError):
        write_atomically(tmp_path / "keep.csv", half_write)
    assert files_in(tmp_path) == ["keep.csv"]
    assert (tmp_path / "keep.csv").read_text() == "old"  # the old file is untouched


# ------------------------------------------------------------------------------------------
# The installed entry point behaves the same


@pytest.fixture(scope="module")
def bevsim_exe():
    exe = shutil.which("bevsim")
    if exe is None:
        pytest.skip("the bevsim entry point is not installed")
    return exe


@pytest.mark.slow
def test_entry_point_compare_json(bevsim_exe, tmp_path):
    done = subprocess.run(
        [bevsim_exe, "compare", "tesla-model3-rwd-2022", "--cycles", "cltc", "--json"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    (record,) = json.loads(done.stdout)
    assert record["cycle"] == "cltc-p"
    assert record["distance_km"] == pytest.approx(14.48, abs=0.005)
    assert 9.0 <= record["consumption_kwh_per_100km"] <= 15.0


@pytest.mark.slow
def test_entry_point_bad_input_is_one_line(bevsim_exe, tmp_path):
    done = subprocess.run(
        [bevsim_exe, "simulate", "ms11-lfp", "--initial-soc", "150", "--traces", "run.parquet"],
        capture_output=True, text=True, cwd=tmp_path, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == INPUT_ERROR
    assert done.stdout == ""
    lines = done.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: --initial-soc"), done.stderr
    assert "\x1b[" not in done.stderr  # no colour codes when not a terminal
    assert files_in(tmp_path) == []
