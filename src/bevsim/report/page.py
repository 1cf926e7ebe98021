"""A report as one self-contained HTML page (plotly.js embedded, works offline) or Markdown."""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd
import plotly.offline

from bevsim.files import write_atomically
from bevsim.report.collect import ReportData
from bevsim.report.figures import charts
from bevsim.report.tables import report_inputs, report_tables

STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th { background: #f3f3f3; }
td:first-child, th:first-child, table.inputs td { text-align: left; }
.chart { margin-bottom: 2em; }
"""


def html_report(data: ReportData) -> str:
    """The report as one HTML document with every chart and table, plotly.js inlined once."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>bevsim report: {html.escape(_car_list(data))}</title>",
        f"<style>{STYLE}</style>",
        f'<script type="text/javascript">{plotly.offline.get_plotlyjs()}</script>',
        "</head><body>",
        f"<h1>bevsim report: {html.escape(_car_list(data))}</h1>",
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


def markdown_report(data: ReportData) -> str:
    """The report as Markdown: the inputs and every section's numbers as tables."""
    lines = [f"# bevsim report: {_car_list(data)}", "", "## Inputs", ""]
    lines += _md_table(pd.DataFrame(report_inputs(data), columns=["input", "value"]))
    for heading, table in report_tables(data):
        lines += ["", f"## {heading}", "", *_md_table(table)]
    return "\n".join(lines) + "\n"


def write_report(data: ReportData, path: Path, fmt: str) -> Path:
    """Write the report in ``fmt`` (html or md) to ``path`` atomically."""
    text = html_report(data) if fmt == "html" else markdown_report(data)
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _car_list(data: ReportData) -> str:
    return ", ".join(spec.id for spec in data.specs)


def _html_table(table: pd.DataFrame, css_class: str | None = None) -> str:
    return table.to_html(index=False, border=0, escape=True, classes=css_class)


def _md_table(table: pd.DataFrame) -> list[str]:
    cells = [[_md_cell(v) for v in row] for row in table.itertuples(index=False)]
    header = [_md_cell(c) for c in table.columns]
    return [
        "| " + " | ".join(header) + " |",
        "|" + "|".join("---" for _ in header) + "|",
        *("| " + " | ".join(row) + " |" for row in cells),
    ]


def _md_cell(value) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")
