"""The vehicle file's JSON Schema, generated from the pydantic models, with every number's unit.

Units come from the field names (DESIGN.md: units in names), so the schema cannot drift from
the models; the docstring under a field (why its range is what it is) becomes its description
where the field has no ``description`` of its own.
"""

from __future__ import annotations

import ast
import inspect
import textwrap
from functools import cache

from pydantic import BaseModel

from bevsim.spec.models import VehicleSpec

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
UNIT_SUFFIXES = (
    ("_w_per_k_per_mps", "W/(K m/s)"),
    ("_kj_per_k", "kJ/K"),
    ("_w_per_k", "W/K"),
    ("_n_per_kmh2", "N/(km/h)^2"),
    ("_n_per_kmh", "N/(km/h)"),
    ("_kwh", "kWh"),
    ("_kw", "kW"),
    ("_w", "W"),
    ("_kg", "kg"),
    ("_m2", "m^2"),
    ("_m", "m"),
    ("_c", "degC"),
    ("_v", "V"),
    ("_ah", "A h"),
    ("_a", "A"),
    ("_nm", "N m"),
    ("_rpm", "rpm"),
    ("_kmh", "km/h"),
    ("_n", "N"),
)
"""Field-name suffix -> unit, longest first (the vehicle file's units, converted to SI later)."""
COUNT_FIELDS = {"cells_in_series": "count", "cells_in_parallel": "count", "year": "year"}
DIMENSIONLESS = "1"
"""Unit of a ratio, share, efficiency, coefficient or SOC fraction (0 to 1)."""


def unit_of(field_name: str) -> str:
    """The unit of a numeric vehicle-file field, from its name ('1' when dimensionless)."""
    if field_name in COUNT_FIELDS:
        return COUNT_FIELDS[field_name]
    for suffix, unit in UNIT_SUFFIXES:
        if field_name.endswith(suffix):
            return unit
    return DIMENSIONLESS


@cache
def vehicle_schema() -> dict:
    """JSON Schema (2020-12) of a vehicle file: types, defaults, ranges, units, descriptions.

    Numeric fields carry ``unit`` (a keyword validators ignore) and the unit in brackets at the
    end of their description, which is what editors show on hover.
    """
    schema = VehicleSpec.model_json_schema(mode="validation")
    models = {m.__name__: m for m in _models(VehicleSpec)}
    _annotate(schema, VehicleSpec)
    for name, definition in schema.get("$defs", {}).items():
        _annotate(definition, models[name])
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": "bevsim vehicle file",
        **{k: v for k, v in schema.items() if k != "title"},
    }


def is_numeric(prop: dict) -> bool:
    """Whether a schema property holds a number or an integer (possibly nullable)."""
    types = {prop.get("type")} | {alt.get("type") for alt in prop.get("anyOf", [])}
    return bool(types & {"number", "integer"})


def _annotate(definition: dict, model: type[BaseModel]) -> None:
    docs = _attribute_docstrings(model)
    for name, prop in definition.get("properties", {}).items():
        text = prop.get("description") or docs.get(name)
        if is_numeric(prop):
            prop["unit"] = unit_of(name)
            text = f"{text} [{prop['unit']}]" if text else f"[{prop['unit']}]"
        if text:
            prop["description"] = text


def _models(model: type[BaseModel]) -> list[type[BaseModel]]:
    """``model`` and every pydantic model reachable through its fields."""
    from bevsim.errors import _inner_model

    seen: dict[str, type[BaseModel]] = {}
    stack = [model]
    while stack:
        current = stack.pop()
        if current.__name__ in seen:
            continue
        seen[current.__name__] = current
        for field in current.model_fields.values():
            inner = _inner_model(field.annotation)
            if inner is not None:
                stack.append(inner)
    return list(seen.values())


def _attribute_docstrings(model: type[BaseModel]) -> dict[str, str]:
    """Field name -> the string literal right under the field in the class body."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(model)))
    body = tree.body[0].body
    out = {}
    for stmt, following in zip(body, body[1:], strict=False):
        if (
            isinstance(stmt, ast.AnnAssign)
            and isinstance(stmt.target, ast.Name)
            and isinstance(following, ast.Expr)
            and isinstance(following.value, ast.Constant)
            and isinstance(following.value.value, str)
        ):
            out[stmt.target.id] = " ".join(inspect.cleandoc(following.value.value).split())
    return out
