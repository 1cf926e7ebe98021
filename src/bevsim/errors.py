"""Errors raised at the edge when input is read: each names the source, field and expectation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, get_args

from pydantic import BaseModel, ValidationError

T = TypeVar("T")

MAX_SHOWN_CHARS = 40
"""Longest repr of a bad value quoted in an error message [characters]."""


class BevsimError(ValueError):
    """Base class for every input error bevsim reports to a user."""


class SpecError(BevsimError):
    """A vehicle file or vehicle id is invalid."""


class CycleError(BevsimError):
    """A drive cycle name or CSV file is invalid."""


def did_you_mean(name: str, known: list[str]) -> str:
    """Return ' did you mean 'x'?' for the closest known name, or '' when none is close."""
    import difflib

    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.5)
    return f" did you mean '{close[0]}'?" if close else ""


def lookup_known(table: Mapping[str, T], name: str, what: str, error: type[BevsimError]) -> T:
    """``table[name.lower()]``, or ``error`` saying "unknown <what> 'name'" with a did-you-mean
    and the known names."""
    key = name.lower()
    if key not in table:
        known = list(table)
        raise error(f"unknown {what} '{name}';{did_you_mean(key, known)} known: {', '.join(known)}")
    return table[key]


def format_validation_error(model: type[BaseModel], source: str, exc: ValidationError) -> str:
    """One line: ``source: field.path: what was expected (got value)`` plus a count of others.

    A misspelt field is also reported missing by pydantic; the unknown one is shown first, with
    a did-you-mean over the fields allowed at that place of ``model``.
    """
    errors = exc.errors(include_url=False)
    errors.sort(key=lambda e: e["type"] != "extra_forbidden")
    first = errors[0]
    loc = ".".join(str(p) for p in first["loc"]) or "(top level)"
    msg = first["msg"].removeprefix("Value error, ")
    if first["type"] == "extra_forbidden":
        parent, _, leaf = loc.rpartition(".")
        known = _fields_at(model, parent)
        hint = did_you_mean(leaf, known) if known else ""
        msg = f"unknown field;{hint}" if hint else "unknown field"
    elif first["type"] == "missing":
        msg = "required field is missing"
    elif first["type"] == "finite_number":
        msg = "not a finite number"
    got = first.get("input")
    hidden = (
        first["type"] in {"missing", "extra_forbidden"}
        or isinstance(got, dict | list)
        or (isinstance(got, str) and got in msg)  # already named, e.g. a file path
    )
    shown = "" if hidden else f" (got {shown_value(got)})"
    more = f" [+{len(errors) - 1} more]" if len(errors) > 1 else ""
    return f"{source}: {loc}: {msg}{shown}{more}"


def shown_value(value: Any, limit: int = MAX_SHOWN_CHARS) -> str:
    """``repr(value)`` cut to ``limit`` characters, so a long string never floods a message."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _fields_at(model: type[BaseModel], parent: str) -> list[str]:
    """Field names of the (nested) model found at the dotted path ``parent``."""
    current: Any = model
    for part in [p for p in parent.split(".") if p and not p.isdigit()]:
        field = current.model_fields.get(part)
        current = _inner_model(field.annotation) if field is not None else None
        if current is None:
            return []
    return list(current.model_fields)


def _inner_model(annotation: Any) -> Any:
    """The pydantic model inside an annotation such as ``list[Motor]`` or ``Autonomy | None``."""
    stack = [annotation]
    while stack:
        cand = stack.pop()
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
        stack.extend(get_args(cand))
    return None
