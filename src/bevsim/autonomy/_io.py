"""Reading autonomy data files (sensors, scenes): YAML in, validated pydantic models out.

Errors are :class:`bevsim.errors.BevsimError` subclasses with one line naming the file, the
field path and what was expected, with a did-you-mean for misspelt ids and fields.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any, TypeVar, get_args

import yaml
from pydantic import BaseModel, ValidationError

from bevsim.errors import BevsimError, did_you_mean

M = TypeVar("M", bound=BaseModel)


def library_ids(folder: str) -> list[str]:
    """Ids (file stems) of the YAML files shipped in ``autonomy/data/<folder>``."""
    root = resources.files("bevsim.autonomy") / "data" / folder
    return sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))


def load_model(ref: str | Path, folder: str, model: type[M], error: type[BevsimError]) -> M:
    """Load a library id (``folder`` in the package) or a YAML path into ``model``."""
    text = str(ref)
    if text.endswith((".yaml", ".yml")) or Path(text).is_file():
        path = Path(text)
        if not path.is_file():
            raise error(f"{path}: no such {folder[:-1]} file")
        source = str(path)
        raw = path.read_text(encoding="utf-8")
        default_id = path.stem
    else:
        known = library_ids(folder)
        if text not in known:
            hint = did_you_mean(text, known)
            raise error(f"unknown {folder[:-1]} '{text}';{hint} known: {', '.join(known)}")
        source = f"{folder}/{text}.yaml"
        raw = (resources.files("bevsim.autonomy") / "data" / folder / f"{text}.yaml").read_text(
            encoding="utf-8"
        )
        default_id = text
    try:
        data = yaml.safe_load(raw)
    except yaml.YAMLError as exc:
        raise error(f"{source}: not valid YAML ({' '.join(str(exc).split())})") from None
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping of fields at the top level")
    data.setdefault("id", default_id)
    return validate(model, data, source, error)


def validate(model: type[M], data: dict[str, Any], source: str, error: type[BevsimError]) -> M:
    """``model.model_validate(data)`` with a one-line error naming ``source`` and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(format_error(model, source, exc)) from None


def format_error(model: type[BaseModel], source: str, exc: ValidationError) -> str:
    """``source: field.path: what was expected (got value)`` plus a count of other errors."""
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
    got = first.get("input")
    shown = (
        ""
        if first["type"] in {"missing", "extra_forbidden"} or isinstance(got, dict | list)
        else f" (got {got!r})"
    )
    more = f" [+{len(errors) - 1} more]" if len(errors) > 1 else ""
    return f"{source}: {loc}: {msg}{shown}{more}"


def _fields_at(model: type[BaseModel], parent: str) -> list[str]:
    current: Any = model
    for part in [p for p in parent.split(".") if p and not p.isdigit()]:
        field = current.model_fields.get(part)
        current = _inner_model(field.annotation) if field is not None else None
        if current is None:
            return []
    return list(current.model_fields)


def _inner_model(annotation: Any) -> Any:
    stack = [annotation]
    while stack:
        cand = stack.pop()
        if isinstance(cand, type) and issubclass(cand, BaseModel):
            return cand
        stack.extend(get_args(cand))
    return None
