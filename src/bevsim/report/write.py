"""Writing a report file in its format (HTML needs plotly, Markdown does not)."""

from __future__ import annotations

from pathlib import Path

from bevsim.files import write_atomically
from bevsim.report.collect import ReportData


def write_report(data: ReportData, path: Path, fmt: str) -> Path:
    """Write the report in ``fmt`` (html or md) to ``path`` atomically."""
    if fmt == "html":
        from bevsim.report.page import html_report

        text = html_report(data)
    else:
        from bevsim.report.markdown import markdown_report

        text = markdown_report(data)
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
