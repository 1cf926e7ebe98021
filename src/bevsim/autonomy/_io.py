"""Reading autonomy data files (scenes, scenarios) from ``bevsim/autonomy/data``: the
package's library in bevsim.datafiles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bevsim.datafiles import M, validate
from bevsim.datafiles import library_ids as _package_library_ids
from bevsim.datafiles import load_mapping as _package_load_mapping
from bevsim.datafiles import load_model as _package_load_model
from bevsim.errors import BevsimError

PACKAGE = "bevsim.autonomy"

__all__ = ["library_ids", "load_mapping", "load_model", "validate"]


def library_ids(folder: str) -> list[str]:
    """Ids (file stems) of the YAML files shipped in ``autonomy/data/<folder>``."""
    return _package_library_ids(PACKAGE, folder)


def load_model(ref: str | Path, folder: str, model: type[M], error: type[BevsimError]) -> M:
    """Load a library id (``folder`` in autonomy's data) or a YAML path into ``model``."""
    return _package_load_model(ref, PACKAGE, folder, model, error)


def load_mapping(
    ref: str | Path, folder: str, error: type[BevsimError]
) -> tuple[dict[str, Any], str]:
    """The fields of a library id (``folder`` in autonomy's data) or a YAML path, with ``id``
    defaulting to the id or file stem, and the source name for messages."""
    return _package_load_mapping(ref, PACKAGE, folder, error)
