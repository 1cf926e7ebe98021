"""``bevsim procedures``: the registered procedures with their options, units and defaults."""

from __future__ import annotations

import pandas as pd

from bevsim.cli.app import (
    PANEL_PROCEDURES,
    JsonOption,
    app,
    print_records,
    print_table,
    reports_input_errors,
)

COLUMNS = {
    "procedure": "procedure",
    "option": "option",
    "kind": "kind",
    "unit": "unit",
    "default": "default",
    "help": "meaning",
}


def procedure_records() -> list[dict]:
    """One record per registered procedure: name, description and its options (name, kind,
    unit, default as text, help, allowed values, required)."""
    from bevsim.procedures.registry import REGISTRY

    records = []
    for procedure in REGISTRY.values():
        options = [
            {
                "name": o.name,
                "kind": o.kind,
                "unit": o.unit,
                "default": None if o.default is None else o.text(o.default),
                "help": o.help,
                "choices": list(o.choices),
                "required": o.required,
            }
            for o in procedure.options
        ]
        records.append(
            {
                "name": procedure.name,
                "description": procedure.description,
                "condition_option": procedure.condition,
                "options": options,
            }
        )
    return records


@app.command(name="procedures", rich_help_panel=PANEL_PROCEDURES)
@reports_input_errors
def procedures_command(as_json: JsonOption = False) -> None:
    """List the procedures (for bevsim sweep --procedure) with their options and units."""
    records = procedure_records()
    if as_json:
        print_records(records)
        return
    rows = []
    for record in records:
        rows.append({"procedure": record["name"], "option": "", "help": record["description"]})
        for o in record["options"]:
            default = "(required)" if o["required"] else o["default"] or "(vehicle's own)"
            meaning = o["help"] + (f" One of {', '.join(o['choices'])}." if o["choices"] else "")
            rows.append(
                {
                    "procedure": "",
                    "option": o["name"],
                    "kind": o["kind"],
                    "unit": o["unit"],
                    "default": default,
                    "help": meaning,
                }
            )
    frame = pd.DataFrame(rows, columns=list(COLUMNS)).fillna("")
    print_table(frame, COLUMNS, "Procedures: bevsim sweep --procedure NAME --option KEY=VALUE")
