"""Find, read and validate chemistry files: shipped ids (with aliases) or paths to YAML files."""

from __future__ import annotations

import difflib
import functools
from importlib import resources
from pathlib import Path

from pydantic import BaseModel, ValidationError

from bevsim.errors import BevsimError
from bevsim.yamlfile import read_yaml_file

from .model import ChargeMap, Chemistry, OcvTable, ResistanceTable

__all__ = ["ChemistryError", "list_chemistries", "load_chemistry"]

ALIASES = {
    "naion": "sodium-ion",
    "na-ion": "sodium-ion",
    "na_ion": "sodium-ion",
    "sodium": "sodium-ion",
    "sodium_ion": "sodium-ion",
    "sib": "sodium-ion",
    "lifepo4": "lfp",
    "ncm": "nmc",
}

_SECTION_MODELS: dict[str, type[BaseModel]] = {
    "": Chemistry,
    "ocv": OcvTable,
    "resistance": ResistanceTable,
    "charge_c_rate_map": ChargeMap,
}


class ChemistryError(BevsimError):
    """A chemistry id or chemistry file is invalid (a ValueError)."""


def _data_dir():
    return resources.files("bevsim.chemistry").joinpath("data")


def list_chemistries() -> list[str]:
    """Ids of the chemistries shipped with bevsim (file stems in the package data), sorted."""
    return list(_shipped_ids())


@functools.cache
def _shipped_ids() -> tuple[str, ...]:
    return tuple(sorted(p.name[:-5] for p in _data_dir().iterdir() if p.name.endswith(".yaml")))


@functools.cache
def _shipped_file(key: str) -> Path:
    """The resolved path of a shipped chemistry file (a sweep resolves ids once per variant)."""
    with resources.as_file(_data_dir().joinpath(f"{key}.yaml")) as p:
        return Path(p).resolve()


def load_chemistry(name_or_path: str | Path) -> Chemistry:
    """Load a shipped chemistry by id or alias (case-insensitive), or a YAML file by path.

    Raises ChemistryError for an unknown id (with a did-you-mean) or an invalid file (naming
    the file, the field path and what was expected). Results are cached per resolved path.
    """
    if isinstance(name_or_path, Path) or _looks_like_path(str(name_or_path)):
        path = Path(name_or_path).expanduser()
        if not path.is_file():
            raise ChemistryError(f"{path}: chemistry file not found")
        return _load_file(path.resolve())
    key = str(name_or_path).strip().lower()
    key = ALIASES.get(key, key)
    known = _shipped_ids()
    if key not in known:
        raise ChemistryError(_unknown_message(str(name_or_path), list(known)))
    return _load_file(_shipped_file(key))


def _looks_like_path(s: str) -> bool:
    return s.endswith((".yaml", ".yml")) or "/" in s or "\\" in s


def _unknown_message(name: str, known: list[str]) -> str:
    candidates = {k: k for k in known} | {a: t for a, t in ALIASES.items() if t in known}
    close = difflib.get_close_matches(name.lower(), list(candidates), n=1, cutoff=0.5)
    hint = f" did you mean '{candidates[close[0]]}'?" if close else ""
    return f"unknown chemistry '{name}';{hint} known: {', '.join(known)}"


@functools.lru_cache(maxsize=64)
def _load_file(path: Path) -> Chemistry:
    """Read and validate one resolved YAML path (cached: Chemistry is immutable)."""
    raw = read_yaml_file(path, "chemistry file", ChemistryError)
    if not isinstance(raw, dict):
        raise ChemistryError(f"{path}: expected a mapping of chemistry fields at the top level")
    try:
        return Chemistry.model_validate(raw)
    except ValidationError as exc:
        raise ChemistryError(_format_validation(path, exc)) from None


def _format_validation(path: Path, exc: ValidationError) -> str:
    """'FILE: FIELD.PATH: expectation' for the first error, '(+N more)' for the rest."""
    errors = exc.errors(include_url=False)
    err = errors[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "extra_forbidden":
        parent = ".".join(str(p) for p in err["loc"][:-1])
        model = _SECTION_MODELS.get(parent)
        allowed = f"; expected one of: {', '.join(model.model_fields)}" if model else ""
        msg = f"unknown field '{err['loc'][-1]}'{allowed}"
    elif err["type"] == "missing":
        msg = "missing required field"
    elif err["type"] == "finite_number":
        msg = "not a finite number"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    prefix = f"{loc}: " if loc else ""
    return f"{path}: invalid chemistry: {prefix}{msg}{more}"
