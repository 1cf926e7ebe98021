"""``report.html`` in a real browser: headless Chromium (the Debian package) opens the file
offline, logs no console error, draws every chart with its data, shows hover values, and a
screenshot is kept under ``test-artifacts/``."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bevsim.report.collect import collect
from bevsim.report.figures import charts
from bevsim.report.write import write_report

sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is not installed: pip install '.[dev]'"
)
CHROMIUM = next(
    (path for name in ("chromium", "chromium-browser") if (path := shutil.which(name))), None
)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="no Chromium on PATH (apt-get install chromium; .ci/run installs it)",
    ),
]
ARTIFACTS = Path(
    os.environ.get("BEVSIM_TEST_ARTIFACTS", Path(__file__).parents[2] / "test-artifacts")
)
QUIET_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
"""Chromium without a sandbox (runs as root in CI) and without its calls home (no internet)."""
LOCAL_SCHEMES = ("file:", "data:")
"""URL schemes a self-contained page may load from; anything else is a network request."""
CARS = ["ms11-lfp", "ms11-naion", "tesla-model3-rwd-2022"]
CHART_STATE = """() => [...document.querySelectorAll('.js-plotly-plot')].map(el => ({
    id: el.id,
    traces: (el._fullData || []).length,
    points: (el._fullData || []).reduce((n, t) => n + (t.y ? t.y.length : 0), 0),
    drawn: el.querySelectorAll('g.trace').length,
    marks: el.querySelectorAll('g.trace path, g.trace .point').length,
    xtitle: (el.querySelector('.xtitle') || {}).textContent || '',
    ytitle: (el.querySelector('.ytitle') || {}).textContent || '',
}))"""
HOVER = """(id) => {
    const el = document.getElementById(id);
    Plotly.Fx.hover(el, [{curveNumber: 0, pointNumber: 0}]);
    return (el.querySelector('.hoverlayer') || {}).textContent || '';
}"""


def test_report_renders_every_chart_without_console_errors(tmp_path):
    data = collect(CARS)
    expected = [f"chart-{chart.chart_id}" for chart in charts(data)]
    page_path = write_report(data, tmp_path / "report.html", "html")
    errors: list[str] = []
    remote: list[str] = []
    with sync_api.sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path / "profile"),  # a fresh --user-data-dir
            executable_path=CHROMIUM,
            headless=True,
            args=QUIET_FLAGS,
            viewport={"width": 1200, "height": 900},
        )
        try:
            page = context.new_page()
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.on(
                "request",
                lambda r: None if r.url.startswith(LOCAL_SCHEMES) else remote.append(r.url),
            )
            page.goto(page_path.resolve().as_uri(), wait_until="load")
            page.wait_for_function(
                f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {len(expected)}"
            )
            state = page.evaluate(CHART_STATE)
            hover = page.evaluate(HOVER, "chart-range")
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        finally:
            context.close()
    assert errors == [], errors
    assert remote == [], remote  # self-contained: nothing fetched from a network
    assert [chart["id"] for chart in state] == expected
    for chart in state:
        assert chart["traces"] > 0 and chart["points"] > 0, chart
        assert chart["drawn"] == chart["traces"] and chart["marks"] > 0, chart
        assert "[" in chart["ytitle"], chart  # every value axis names its unit
    assert "range [km]" in hover
    assert (ARTIFACTS / "report.png").stat().st_size > 10_000
