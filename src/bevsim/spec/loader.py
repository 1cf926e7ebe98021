"""Reading vehicle files: library ids or YAML paths to validated VehicleSpec objects."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bevsim.errors import SpecError, did_you_mean, format_validation_error
from bevsim.spec.models import VehicleSpec
from bevsim.yamlfile import read_yaml_file

LIBRARY_PACKAGE = "bevsim.vehicles"


def list_vehicles() -> dict[str, str]:
    """Library vehicle ids and their names."""
    return {vid: load_vehicle(vid).name for vid in _library_ids()}


def load_vehicle(ref: str | Path | VehicleSpec) -> VehicleSpec:
    """A VehicleSpec from a library id (``ms11-lfp``), a YAML path, or a spec (returned as is)."""
    if isinstance(ref, VehicleSpec):
        return ref
    text = str(ref)
    if text in _library_ids():
        return _load_library(text)
    path = Path(text)
    if path.suffix.lower() in {".yaml", ".yml"} or path.exists():
        if not path.is_file():
            raise SpecError(f"{path}: vehicle file not found")
        return read_vehicle_file(path)
    known = sorted(_library_ids())
    raise SpecError(
        f"unknown vehicle '{text}';{did_you_mean(text, known)} known: {', '.join(known)} "
        "(or a path to a vehicle YAML file)"
    )


def load_vehicles(
    refs: str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec],
) -> list[VehicleSpec]:
    """Specs for one or more references (see load_vehicle).

    Two library ids or files that give the same vehicle id are refused, naming both: results
    are keyed by vehicle id, so a user file that keeps a library id would give rows nobody can
    tell apart. Specs passed in as objects (a sweep's variants share their base id) are not
    checked.
    """
    many = [refs] if isinstance(refs, str | Path | VehicleSpec) else list(refs)
    specs = [load_vehicle(ref) for ref in many]
    named: dict[str, str] = {}
    for ref, spec in zip(many, specs, strict=True):
        if isinstance(ref, VehicleSpec):
            continue
        if spec.id in named:
            raise SpecError(
                f"{_describe(ref)}: id '{spec.id}' is also the id of {_describe(named[spec.id])}"
                "; give the file its own id (results are told apart by id)"
            )
        named[spec.id] = str(ref)
    return specs


def _describe(ref: str | Path) -> str:
    return f"library vehicle '{ref}'" if str(ref) in _library_ids() else str(ref)


@lru_cache(maxsize=1)
def _library_ids() -> tuple[str, ...]:
    folder = resources.files(LIBRARY_PACKAGE)
    return tuple(
        sorted(p.name.removesuffix(".yaml") for p in folder.iterdir() if p.name.endswith(".yaml"))
    )


@cache
def _load_library(vehicle_id: str) -> VehicleSpec:
    with resources.as_file(resources.files(LIBRARY_PACKAGE) / f"{vehicle_id}.yaml") as path:
        return read_vehicle_file(path)


def read_vehicle_file(path: Path) -> VehicleSpec:
    """Parse and validate one vehicle YAML file; errors name the file, field and expectation."""
    data = read_yaml_file(path, "vehicle file", SpecError)
    if not isinstance(data, dict):
        raise SpecError(f"{path}: expected a mapping of vehicle fields, got {type(data).__name__}")
    data.setdefault("id", path.stem)
    _resolve_relative_paths(data, path.parent)
    return vehicle_from_dict(data, source=str(path))


def vehicle_from_dict(data: dict[str, Any], source: str = "<dict>") -> VehicleSpec:
    """Validate a vehicle given as a dict; errors name ``source``, the field path and the rule."""
    try:
        return VehicleSpec.model_validate(data)
    except ValidationError as exc:
        raise SpecError(format_validation_error(VehicleSpec, source, exc)) from None


def _resolve_relative_paths(data: dict[str, Any], base: Path) -> None:
    """Make motor map paths relative to the vehicle file absolute (any shape of input: the
    model reports a malformed drive section afterwards)."""
    drive = data.get("drive")
    motors = drive.get("motors") if isinstance(drive, dict) else None
    for motor in motors if isinstance(motors, list) else []:
        if isinstance(motor, dict) and isinstance(motor.get("efficiency_map"), str):
            map_path = Path(motor["efficiency_map"])
            if not map_path.is_absolute():
                motor["efficiency_map"] = str((base / map_path).resolve())
