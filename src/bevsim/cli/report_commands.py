"""``bevsim report``: one shareable page (HTML with interactive charts, or Markdown) for cars."""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from bevsim.cli.app import (
    PANEL_PROCEDURES,
    VehiclesArgument,
    app,
    check_output_path,
    console,
    err_console,
    reports_input_errors,
)
from bevsim.errors import BevsimError
from bevsim.report.collect import STEPS, collect
from bevsim.report.write import write_report
from bevsim.spec import load_vehicles

FORMATS = {"html": ".html", "md": ".md"}
"""Report formats and the file suffix each must have."""


@app.command(name="report", rich_help_panel=PANEL_PROCEDURES)
@reports_input_errors
def report_command(
    vehicles: VehiclesArgument,
    out: Annotated[Path, typer.Option(help="Report file (.html, or .md with --format md).")] = Path(
        "report.html"
    ),
    fmt: Annotated[
        str, typer.Option("--format", help="html (interactive, self-contained) or md.")
    ] = "html",
) -> None:
    """Official range, cycle consumption, energy breakdown, winter, performance, DC charging
    and autonomy cost side by side, in one file that opens offline."""
    key = fmt.lower()
    if key not in FORMATS:
        raise BevsimError(f"--format: expected one of {', '.join(FORMATS)}, got {fmt!r}")
    check_output_path(out, {FORMATS[key]}, f"{key} report")
    specs = load_vehicles(vehicles)
    if key == "html" and find_spec("plotly") is None:
        raise BevsimError('bevsim report --format html needs plotly: pip install "bevsim[web]"')
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
        disable=not err_console.is_terminal,  # piped: no bar, stderr keeps only error lines
    ) as progress:
        task = progress.add_task("report: range", total=len(STEPS) + 1)

        def step(name: str) -> None:
            index = STEPS.index(name)
            following = STEPS[index + 1] if index + 1 < len(STEPS) else "writing"
            progress.update(task, advance=1, description=f"report: {following}")

        data = collect(specs, step, sources=vehicles)
        write_report(data, out, key)
        progress.advance(task)
    console.print(f"report written to {out}")
