"""A report as plain Markdown: the inputs and every section's numbers as tables."""

from __future__ import annotations

import pandas as pd

from bevsim.report.collect import ReportData
from bevsim.report.tables import car_list, report_inputs, report_tables


def markdown_report(data: ReportData) -> str:
    """The report as Markdown: the inputs and every section's numbers as tables."""
    lines = [f"# bevsim report: {car_list(data)}", "", "## Inputs", ""]
    lines += _md_table(pd.DataFrame(report_inputs(data), columns=["input", "value"]))
    for heading, table in report_tables(data):
        lines += ["", f"## {heading}", "", *_md_table(table)]
    return "\n".join(lines) + "\n"


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
