"""``bevsim schema``: the JSON Schema of bevsim's input files, for editors and checkers."""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from bevsim.cli.app import PANEL_LIBRARY, app, reports_input_errors
from bevsim.errors import BevsimError, did_you_mean

SCHEMAS = ("vehicle",)
"""Input files with a schema."""


@app.command(name="schema", rich_help_panel=PANEL_LIBRARY)
@reports_input_errors
def schema_command(
    kind: Annotated[str, typer.Argument(help="Which file: vehicle.")],
    markdown: Annotated[
        bool, typer.Option("--markdown", help="Print the reference page (Markdown) instead.")
    ] = False,
) -> None:
    """Print the JSON Schema of a vehicle file (every field's type, unit, default and range)."""
    if kind.lower() not in SCHEMAS:
        raise BevsimError(
            f"unknown schema '{kind}';{did_you_mean(kind, list(SCHEMAS))} known: "
            f"{', '.join(SCHEMAS)}"
        )
    if markdown:
        from bevsim.spec.schema_doc import vehicle_reference_markdown

        sys.stdout.write(vehicle_reference_markdown())
        return
    from bevsim.spec.schema import vehicle_schema

    sys.stdout.write(json.dumps(vehicle_schema(), indent=2, ensure_ascii=False) + "\n")
