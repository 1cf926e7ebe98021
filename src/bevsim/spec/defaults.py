"""Which defaults a vehicle file relied on: every field it did not set, with the value used."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel


@dataclass(frozen=True)
class DefaultUsed:
    """A field the file left out: its dotted path, the value bevsim used and what it means."""

    path: str
    value: Any
    description: str


def defaults_used(model: BaseModel, prefix: str = "") -> list[DefaultUsed]:
    """The fields of ``model`` (a validated spec) that took their default, depth first; a
    section the file left out entirely is listed field by field. An optional field left at
    None (an override not given) is not listed, unless its None means a class default (the
    model's ``CLASS_DEFAULTS``: field -> the property that resolves it), listed with that
    value."""
    out: list[DefaultUsed] = []
    class_defaults = getattr(type(model), "CLASS_DEFAULTS", {})
    for name, field in type(model).model_fields.items():
        path = f"{prefix}{name}"
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            out.extend(defaults_used(value, f"{path}."))
        elif name not in model.model_fields_set:
            if value is None and name in class_defaults:
                resolved = class_defaults[name]
                doc = getattr(type(model), resolved).__doc__ or f"class default ({resolved})"
                meaning = " ".join(doc.split())
                out.append(DefaultUsed(path, getattr(model, resolved), meaning))
            elif value is not None:
                out.append(DefaultUsed(path, value, field.description or ""))
        elif isinstance(value, list):
            for i, item in enumerate(value):
                if isinstance(item, BaseModel):
                    out.extend(defaults_used(item, f"{path}.{i}."))
    return out
