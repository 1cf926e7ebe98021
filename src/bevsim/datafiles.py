"""Reading a package's library of data files (sensors, scenes, scenarios): YAML in, validated
pydantic models out. A library is ``<package>/data/<folder>/<id>.yaml``.

Errors are :class:`bevsim.errors.BevsimError` subclasses with one line naming the file, the
field path and what was expected, with a did-you-mean for misspelt ids and fields.
"""

from __future__ import annotations

import functools
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bevsim.errors import BevsimError, did_you_mean, format_validation_error
from bevsim.yamlfile import read_yaml_file

M = TypeVar("M", bound=BaseModel)


def library_ids(package: str, folder: str) -> list[str]:
    """Ids (file stems) of the YAML files shipped in ``<package>/data/<folder>``."""
    return list(_shipped_ids(package, folder))


@functools.cache
def _shipped_ids(package: str, folder: str) -> tuple[str, ...]:
    """library_ids, listed once per process (package data does not change while it runs)."""
    root = resources.files(package) / "data" / folder
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in root.iterdir() if p.name.endswith(".yaml"))
    )


def load_model(
    ref: str | Path, package: str, folder: str, model: type[M], error: type[BevsimError]
) -> M:
    """Load a library id (``folder`` in ``package``) or a YAML path into ``model``."""
    data, source = load_mapping(ref, package, folder, error)
    return validate(model, data, source, error)


def load_mapping(
    ref: str | Path, package: str, folder: str, error: type[BevsimError]
) -> tuple[dict[str, Any], str]:
    """The fields of a library id (``folder`` in ``package``) or a YAML path, with ``id``
    defaulting to the id or file stem, and the source name for messages."""
    text = str(ref)
    if text.endswith((".yaml", ".yml")) or Path(text).is_file():
        path = Path(text)
        if not path.is_file():
            raise error(f"{path}: no such {folder[:-1]} file")
        source = str(path)
        data = read_yaml_file(path, f"{folder[:-1]} file", error)
        default_id = path.stem
    else:
        known = library_ids(package, folder)
        if text not in known:
            hint = did_you_mean(text, known)
            raise error(f"unknown {folder[:-1]} '{text}';{hint} known: {', '.join(known)}")
        source = f"{folder}/{text}.yaml"
        raw = (resources.files(package) / "data" / folder / f"{text}.yaml").read_text(
            encoding="utf-8"
        )
        data = yaml.safe_load(raw)  # a shipped file
        default_id = text
    if not isinstance(data, dict):
        raise error(f"{source}: expected a mapping of fields at the top level")
    data.setdefault("id", default_id)
    return data, source


def validate(model: type[M], data: dict[str, Any], source: str, error: type[BevsimError]) -> M:
    """``model.model_validate(data)`` with a one-line error naming ``source`` and the field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise error(format_validation_error(model, source, exc)) from None
