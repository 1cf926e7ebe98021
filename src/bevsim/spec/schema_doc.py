"""The vehicle-file reference page (Markdown), generated from the same JSON Schema as
``bevsim schema vehicle``: one table per section with type, unit, default, range and meaning."""

from __future__ import annotations

import json

from bevsim.spec.schema import is_numeric, vehicle_schema

INTRO = """# Vehicle-file reference

A vehicle file is YAML. Every field below is checked when the file is read: an unknown field,
a number outside its range, NaN or infinity, a string where a number belongs are errors that
name the file and the field. The numbers are in the unit of the field's name (SI inside
bevsim). Generated from the pydantic models by `bevsim schema vehicle --markdown`; the JSON
Schema for editors is `bevsim schema vehicle > vehicle.json` (for example with the YAML
language server: `# yaml-language-server: $schema=vehicle.json` on the file's first line).
The library's files are in `src/bevsim/vehicles/`, every number's source beside it.
"""
BOUNDS = (
    ("minimum", ">="),
    ("exclusiveMinimum", ">"),
    ("maximum", "<="),
    ("exclusiveMaximum", "<"),
)


def vehicle_reference_markdown() -> str:
    """The reference page: the top-level fields, then each section's fields, as Markdown."""
    schema = vehicle_schema()
    defs = schema["$defs"]
    lines = [INTRO, "## Top level", "", *_table(schema, defs)]
    for path, name in _sections(schema, defs):
        definition = defs[name]
        lines += ["", f"## `{path}`", ""]
        if definition.get("description"):
            lines += [" ".join(definition["description"].split()), ""]
        lines += _table(definition, defs)
    return "\n".join(lines) + "\n"


def _sections(schema: dict, defs: dict) -> list[tuple[str, str]]:
    """(dotted path, definition name) of every nested section, depth first in file order."""
    out: list[tuple[str, str]] = []

    def walk(definition: dict, prefix: str) -> None:
        for field, prop in definition.get("properties", {}).items():
            ref = _ref(prop)
            if ref is None:
                continue
            path = f"{prefix}{field}" + ("[]" if _is_array(prop) else "")
            out.append((path, ref))
            walk(defs[ref], f"{path}.")

    walk(schema, "")
    return out


def _table(definition: dict, defs: dict) -> list[str]:
    required = set(definition.get("required", []))
    rows = [
        "| field | type | unit | default | range | meaning |",
        "|---|---|---|---|---|---|",
    ]
    for field, prop in definition.get("properties", {}).items():
        unit = prop.get("unit", "")
        meaning = prop.get("description", "").removesuffix(f"[{unit}]" if unit else "").strip()
        default = "required" if field in required else _code(prop.get("default"))
        cells = [f"`{field}`", _type(prop), unit, default, _range(prop), meaning]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return rows


def _alternatives(prop: dict) -> list[dict]:
    return prop.get("anyOf", [prop])


def _ref(prop: dict) -> str | None:
    for alt in _alternatives(prop):
        target = alt.get("items", alt).get("$ref")
        if target:
            return target.rsplit("/", 1)[-1]
    return None


def _is_array(prop: dict) -> bool:
    return any(alt.get("type") == "array" for alt in _alternatives(prop))


def _type(prop: dict) -> str:
    names = []
    for alt in _alternatives(prop):
        if "enum" in alt or "const" in alt:
            values = alt.get("enum", [alt.get("const")])
            names.append("one of " + ", ".join(f"`{v}`" for v in values))
        elif "$ref" in alt:
            names.append("section")
        elif alt.get("type") == "array":
            names.append("list of sections" if "$ref" in alt.get("items", {}) else "list")
        else:
            names.append(str(alt.get("type", "any")))
    return " or ".join(names)


def _range(prop: dict) -> str:
    parts = []
    for alt in _alternatives(prop):
        parts += [f"{sign} {alt[key]:g}" for key, sign in BOUNDS if key in alt]
        if "minLength" in alt or "maxLength" in alt:
            parts.append(f"{alt.get('minLength', 0)} to {alt.get('maxLength', '...')} characters")
        if "minItems" in alt or "maxItems" in alt:
            parts.append(f"{alt.get('minItems', 0)} to {alt.get('maxItems', '...')} items")
        if "pattern" in alt:
            parts.append(f"pattern `{alt['pattern']}`")
    if not parts and is_numeric(prop):
        return "any finite"
    return ", ".join(parts)


def _code(value) -> str:
    if isinstance(value, dict):
        return "see section" if value else "`{}`"
    return f"`{json.dumps(value)}`"
