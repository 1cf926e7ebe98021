"""A report as one self-contained HTML page (plotly.js embedded, works offline)."""

from __future__ import annotations

import html

import pandas as pd
import plotly.offline

from bevsim.report.collect import ReportData
from bevsim.report.figures import charts
from bevsim.report.tables import car_list, report_inputs, report_tables

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; }
td:first-child, th:first-child, table.inputs td, table.inputs th { text-align: left; }
.chart { margin-bottom: 2em; }
.table-wrap { overflow-x: auto; }
"""


def html_report(data: ReportData) -> str:
    """The report as one HTML document with every chart and table, plotly.js inlined once."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>bevsim report: {html.escape(car_list(data))}</title>",
        f"<style>{STYLE}</style>",
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>bevsim report: {html.escape(car_list(data))}</h1>",
        "<h2>Inputs</h2>",
        _html_table(pd.DataFrame(report_inputs(data), columns=["input", "value"]), "inputs"),
    ]
    for chart in charts(data):
        body = chart.figure.to_html(
            full_html=False,
            include_plotlyjs=False,
            div_id=f"chart-{chart.chart_id}",
            config={"displaylogo": False, "responsive": True},
        )
        parts += [f'<section class="chart"><h2>{html.escape(chart.title)}</h2>', body, "</section>"]
    parts.append("<h2>Numbers</h2>")
    for heading, table in report_tables(data):
        parts += [f"<h3>{html.escape(heading)}</h3>", _html_table(table)]
    parts.append("</body></html>")
    return "\n".join(parts)


def _html_table(table: pd.DataFrame, css_class: str | None = None) -> str:
    body = table.to_html(index=False, border=0, escape=True, classes=css_class)
    return f'<div class="table-wrap">{body}</div>'
