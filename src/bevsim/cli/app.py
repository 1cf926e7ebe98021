"""The ``bevsim`` Typer app and what its commands share: errors, JSON, tables, output paths.

Every command that prints results takes ``--json`` and then prints one JSON document: a list
of records whose keys carry their units. Input errors print one line and exit with code 2.
"""

from __future__ import annotations

import inspect
import json
import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Annotated

import click
import pandas as pd
import typer
import typer.rich_utils as typer_rich
from rich.console import Console
from rich.table import Table
from rich.text import Text

from bevsim.engine.facade import SURFACE_ROLLING_FACTOR
from bevsim.errors import BevsimError

app = typer.Typer(
    name="bevsim",
    help="Battery-electric car simulator: range, consumption and comparisons on regulatory cycles.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
WIDTH_WHEN_PIPED = 160
# Text printed here comes from users and files (vehicle names, paths, stored sweep values such
# as "10:100:5"): neither rich markup ("[kW]" vanished) nor emoji codes (":100:") are applied.
_LITERAL = {"markup": False, "emoji": False}
console = (
    Console(**_LITERAL) if sys.stdout.isatty() else Console(width=WIDTH_WHEN_PIPED, **_LITERAL)
)
err_console = (
    Console(stderr=True, **_LITERAL)
    if sys.stderr.isatty()
    else Console(stderr=True, width=500, **_LITERAL)
)


def _literal_help_text(*, text: str, style: str = "", markup_mode: str | None = None) -> Text:
    """Help text as written: typer's rich help parses markup ("Charger power [kW]" lost its
    unit) and emoji codes ("a:b:step" became "a🅱step") in every help string; bevsim's help
    strings are plain text, so they are shown literally (typer's option highlighting kept)."""
    return typer_rich.highlighter(Text(inspect.cleandoc(text), style=style))


typer_rich._make_rich_text = _literal_help_text  # typer has no switch for literal help text


def _one_line_usage_error(exc: click.ClickException) -> None:
    """A command-line usage error (unknown option, '--load-kg abc') as one ``error:`` line on
    stderr, like every other input error, instead of typer's multi-line panel; click exits 2."""
    if type(exc).__name__ == "NoArgsIsHelpError":  # typer's own check: help was printed
        return
    message = " ".join(exc.format_message().split())
    err_console.print(Text.assemble(("error:", "bold red"), " ", message), soft_wrap=True)


typer_rich.rich_format_error = _one_line_usage_error

PLOT_SUFFIXES = {".png", ".svg", ".pdf"}
PANEL_CYCLES = "Drive cycles"
PANEL_PROCEDURES = "Official procedures, winter, performance, charging"
PANEL_SWEEPS = "Design sweeps"
PANEL_AUTONOMY = "Autonomy"
PANEL_LIBRARY = "Library"
EXIT_INPUT_ERROR = 2

JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON document instead.")]
WinterTiresOption = Annotated[
    bool, typer.Option("--winter-tires", help="Winter tyres instead of the car's own.")
]
WindOption = Annotated[
    float,
    typer.Option("--wind-mps", help="Mean wind at the car's height, m/s, of random direction."),
]


def road_surface_option(default: str):
    """The ``--road-surface`` option: its help names the surfaces and ``default``, what the
    command takes when it is not given."""
    return typer.Option(
        "--road-surface",
        help="The road's surface, for the tyres' rolling resistance: "
        + ", ".join(SURFACE_ROLLING_FACTOR)
        + f" (default: {default}).",
    )


VehicleArgument = Annotated[str, typer.Argument(help="Library id or vehicle YAML path.")]
VehiclesArgument = Annotated[
    list[str], typer.Argument(help="Library ids or vehicle YAML paths.", show_default=False)
]
LoadOption = Annotated[
    float,
    typer.Option("--load-kg", help="Load added to curb mass [kg], 0 to 2000 (driver + luggage)."),
]


def reports_input_errors(command: Callable) -> Callable:
    """Turn input errors into one line on stderr and exit code 2, never a traceback."""

    @wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except (BevsimError, FileNotFoundError, PermissionError, IsADirectoryError) as exc:
            message = " ".join(str(exc).split())
            line = Text.assemble(("error:", "bold red"), " ", message)
            err_console.print(line, highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_INPUT_ERROR) from None

    return wrapper


def check_output_path(path: Path | None, suffixes: set[str], what: str) -> None:
    """Refuse an output path before any work: wrong suffix or a folder that does not exist."""
    if path is None:
        return
    if path.suffix.lower() not in suffixes:
        raise BevsimError(f"{path}: {what} file must end in {', '.join(sorted(suffixes))}")
    if not path.parent.resolve().is_dir():
        raise BevsimError(f"{path}: folder {path.parent} does not exist")


def print_records(records: list[dict]) -> None:
    """Print records as one JSON document on stdout."""
    sys.stdout.write(json.dumps(records, indent=2, allow_nan=False) + "\n")


def print_table(frame: pd.DataFrame, columns: dict[str, str], title: str) -> None:
    """A rich table of the given columns (column name -> header)."""
    table = Table(title=title, header_style="bold")
    for column, header in columns.items():
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(header, justify="right" if numeric else "left")
    for _, row in frame.iterrows():
        table.add_row(*(_cell(row[col]) for col in columns))
    console.print(table)


def _cell(value) -> str | Text:
    if isinstance(value, bool):
        return Text("yes", style="green") if value else Text("no", style="red")
    if isinstance(value, float):
        if value != value:  # NaN: a value not reached (procedures refuse any other NaN)
            return "-"
        return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"
    return str(value)
