"""``bevsim report``: the numbers behind every chart are physical, the HTML is self-contained,
every chart carries data with unit-labelled axes, and bad input writes no file."""

from __future__ import annotations

import json
import re
import time

import numpy as np
import pytest
from typer.testing import CliRunner

from bevsim.cli.main import app
from bevsim.procedures.cycle_run import LOSS_COLUMNS
from bevsim.report.collect import BREAKDOWN_LABELS, WINTER_TEMPS_C, collect
from bevsim.report.figures import charts
from bevsim.report.markdown import markdown_report
from bevsim.report.page import html_report
from bevsim.report.tables import report_tables

CARS = ["ms11-lfp", "ms11-naion", "tesla-model3-rwd-2022"]
MAX_HTML_BYTES = 5_000_000
TARGET_S = 15.0
"""Issue 16's target for a three-car report once the kernel is compiled [s]."""
UNIT = re.compile(r"\[[^\]]+\]")


@pytest.fixture(scope="module")
def data():
    return collect(CARS)


@pytest.fixture(scope="module")
def page(data):
    return html_report(data)


@pytest.mark.slow
def test_three_cars_after_the_first_compile_take_under_15_s(data, tmp_path):
    from bevsim.report.write import write_report

    start = time.perf_counter()  # the fixture compiled the kernel for these cars
    write_report(collect(CARS), tmp_path / "r.html", "html")
    assert time.perf_counter() - start < TARGET_S


def test_every_loss_has_a_label():
    assert set(BREAKDOWN_LABELS) == set(LOSS_COLUMNS)


def test_energy_breakdown_closes_on_chemical_energy(data):
    frame = data.breakdown
    assert list(frame["vehicle_id"]) == CARS
    total = frame[list(LOSS_COLUMNS)].sum(axis=1)
    np.testing.assert_allclose(total, frame["chemical_energy_kwh"], rtol=1e-6)
    assert (frame["aero_energy_kwh"] > 0).all() and (frame["rolling_energy_kwh"] > 0).all()


def test_official_results_are_finite_and_ordered(data):
    ranges = data.ranges.set_index(["vehicle_id", "procedure"])["range_km"]
    assert np.isfinite(ranges).all() and (ranges > 100).all()
    for car in CARS:  # CLTC is the gentlest cycle, EPA's 0.7 label factor the harshest
        assert ranges[(car, "cltc")] > ranges[(car, "wltp")] > ranges[(car, "epa")]


def test_winter_retention_is_one_at_23_and_falls_with_cold(data):
    for _, rows in data.winter.groupby("vehicle_id"):
        rows = rows.sort_values("ambient_temp_c")
        assert list(rows["ambient_temp_c"]) == sorted(WINTER_TEMPS_C)
        retained = rows["range_retained"].to_numpy()
        assert retained[-1] == pytest.approx(1.0)
        assert np.all(np.diff(retained) > 0) and 0.0 < retained[0] < 1.0


def test_charging_traces_rise_in_soc_with_positive_power(data):
    for vehicle_id, trace in data.charge_traces.items():
        assert np.all(np.diff(trace["soc"]) >= -1e-12), vehicle_id
        assert trace["soc"].iloc[-1] == pytest.approx(0.80, abs=0.01)
        assert trace["power_kw"].max() <= 250.0 + 1e-6
        assert trace["power_kw"].max() > 0


def test_autonomy_shown_only_for_cars_with_a_stack(data):
    assert sorted(data.autonomy["vehicle_id"]) == ["ms11-lfp", "ms11-naion"]
    assert (data.autonomy["cost_km"] > 0).all()


def test_every_chart_has_data_and_unit_axes(data):
    made = charts(data)
    assert len(made) == 11
    for chart in made:
        fig = chart.figure
        assert fig.data, chart.chart_id
        for trace in fig.data:
            assert len(trace.y) > 0 and np.all(np.isfinite(np.asarray(trace.y, float)))
            assert trace.hovertemplate, chart.chart_id
        assert UNIT.search(fig.layout.yaxis.title.text), chart.chart_id
        x_title = fig.layout.xaxis.title.text
        assert x_title in {"vehicle", "procedure", "drive cycle"} or UNIT.search(x_title)


def test_html_is_self_contained_and_small(page, data):
    size = len(page.encode())
    assert size < MAX_HTML_BYTES, size
    assert not re.search(r"<script[^>]+src=", page)  # plotly.js inlined: opens offline
    assert len(re.findall(r'Plotly\.newPlot\(\s*"chart-', page)) == len(charts(data))
    for chart in charts(data):
        assert f'id="chart-{chart.chart_id}"' in page
    assert "model version" in page and "0.1.0+" in page


def test_markdown_holds_the_same_numbers(data):
    text = markdown_report(data)
    for heading in ("Official range", "Consumption by cycle", "Winter", "Performance", "DC"):
        assert f"## {heading}" in text
    cltc = data.ranges[data.ranges["procedure"] == "cltc"].iloc[0]
    assert f"| {round(cltc['range_km'], 2)} |" in text


def test_breakdown_table_closes(data):
    heading, table = next(t for t in report_tables(data) if t[0].startswith("Where the energy"))
    terms = [c for c in table.columns if c not in ("vehicle", "from the cells [kWh/100 km]")]
    assert len(terms) == len(LOSS_COLUMNS), heading
    np.testing.assert_allclose(
        table[terms].sum(axis=1), table["from the cells [kWh/100 km]"], atol=0.1
    )


@pytest.mark.slow
def test_cli_writes_html_and_md(tmp_path):
    runner = CliRunner()
    out = tmp_path / "r.html"
    result = runner.invoke(app, ["report", "ms11-lfp", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert out.stat().st_size < MAX_HTML_BYTES and out.read_text().startswith("<!DOCTYPE html>")
    md = tmp_path / "r.md"
    result = runner.invoke(app, ["report", "ms11-lfp", "--out", str(md), "--format", "md"])
    assert result.exit_code == 0, result.stderr
    assert md.read_text().startswith("# bevsim report: ms11-lfp")
    assert "Autonomy cost" in md.read_text()
    assert json.dumps(sorted(p.name for p in tmp_path.iterdir())) == '["r.html", "r.md"]'


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["ms11-lfp", "--format", "pdf"], "--format"),
        (["ms11-lfp", "--out", "{tmp}/r.md"], ".html"),
        (["no-such-car", "--out", "{tmp}/r.html"], "no-such-car"),
        (["ms11-lfp", "--out", "{tmp}/missing/r.html"], "does not exist"),
    ],
)
def test_bad_input_is_one_line_and_no_file(tmp_path, args, needle):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = CliRunner().invoke(app, ["report", *args])
    assert result.exit_code == 2, (result.stdout, result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and needle in lines[0], lines
    assert "Traceback" not in result.stderr
    assert list(tmp_path.rglob("*")) == []
