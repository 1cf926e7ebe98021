"""Design variants from ``--vary PATH=SPEC``: a grid (cartesian product) or a Latin hypercube.

Grammar of SPEC (one ``--vary`` per field of the vehicle file, dotted path):

- ``a:b``       integers a, a+1, ..., b (inclusive); with ``lhs`` a continuous range [a, b]
                (snapped to integers for integer fields)
- ``a:b:step``  a, a+step, ... up to b (inclusive, exact decimal steps); with ``lhs`` a value
                drawn on that lattice
- ``v1,v2,v3``  a list: numbers or names (``lfp,sodium-ion``); one value fixes the field

Variants are generated lazily, chunk by chunk: a million-variant grid never exists as a list of
dicts, and an LHS sample is drawn block by block (``bevsim.sweep.lhs``: memory flat in N).
Every value is checked through the vehicle-file models before anything runs.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import types
import typing
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

import numpy as np
from pydantic import BaseModel

from bevsim.errors import BevsimError, did_you_mean
from bevsim.spec import VehicleSpec, vehicle_from_dict
from bevsim.sweep.lhs import lhs_block


class SweepError(BevsimError):
    """A sweep definition that cannot run: bad ``--vary``, unknown path, invalid value."""


FieldKind = Literal["int", "float", "str", "bool"]


@dataclass(frozen=True)
class Axis:
    """One varied field: its dotted path, its values (grid) or range (LHS)."""

    path: str
    text: str
    values: tuple[Any, ...] | None  # list or lattice; None for a continuous a:b range
    low: float | None = None
    high: float | None = None
    kind: FieldKind = "float"

    @property
    def column(self) -> str:
        """Store column name: the path with dots as underscores (``battery_chemistry``)."""
        return self.path.replace(".", "_")

    @property
    def size(self) -> int:
        """Number of grid values (a continuous range has none)."""
        if self.values is None:
            raise SweepError(
                f"--vary {self.path}={self.text}: a:b with decimals is a continuous range; "
                "give a step (a:b:step) or a list for a grid, or use --sample lhs:N"
            )
        return len(self.values)


# ---------------------------------------------------------------------------- field paths


def field_paths(base: dict[str, Any] | None = None) -> dict[str, FieldKind]:
    """Every leaf field of the vehicle file as a dotted path and its kind (list items by index:
    ``drive.motors.0.peak_power_kw``, as many as ``base`` has, at least one)."""
    out: dict[str, FieldKind] = {}
    _walk(VehicleSpec, "", base or {}, out)
    return out


def _walk(model: type[BaseModel], prefix: str, data: Any, out: dict[str, FieldKind]) -> None:
    for name, info in model.model_fields.items():
        path = f"{prefix}{name}"
        sub = data.get(name) if isinstance(data, dict) else None
        inner, is_list = _unwrap(info.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            if is_list:
                count = max(1, len(sub) if isinstance(sub, list) else 0)
                for i in range(count):
                    item = sub[i] if isinstance(sub, list) and i < len(sub) else None
                    _walk(inner, f"{path}.{i}.", item, out)
            else:
                _walk(inner, f"{path}.", sub, out)
        elif not is_list:
            out[path] = _kind(info.annotation)


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(model or scalar type, is a list) of a field annotation, Optional removed."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        args = [a for a in typing.get_args(annotation) if a is not type(None)]
        return _unwrap(args[0]) if len(args) == 1 else (annotation, False)
    if origin is list:
        inner, _ = _unwrap(typing.get_args(annotation)[0])
        return inner, True
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    return annotation, False


def _kind(annotation: Any) -> FieldKind:
    inner, _ = _unwrap(annotation)
    if typing.get_origin(inner) is Literal:
        return "str"
    if inner is bool:
        return "bool"
    if inner is int:
        return "int"
    if inner is float:
        return "float"
    return "str"


def resolve_path(path: str, known: dict[str, FieldKind]) -> FieldKind:
    """The kind of a known leaf path, or a SweepError naming the closest known paths."""
    if path in known:
        return known[path]
    children = sorted(p for p in known if p.startswith(path + "."))
    if children:
        shown = ", ".join(children[:8]) + (" ..." if len(children) > 8 else "")
        raise SweepError(f"--vary {path}: is a group of fields, not a value; vary one of {shown}")
    hint = did_you_mean(path, list(known))
    raise SweepError(
        f"--vary {path}: unknown field of the vehicle file;{hint or ' see docs/sweeps.md'}"
        f"{'' if hint else ' for the field paths'}"
    )


# ---------------------------------------------------------------------------- grammar

_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def parse_vary(text: str, known: dict[str, FieldKind] | None = None) -> Axis:
    """Parse ``PATH=SPEC`` into an Axis (path checked against ``known`` when given)."""
    path, sep, spec = text.partition("=")
    path, spec = path.strip(), spec.strip()
    if not sep or not path or not spec:
        raise SweepError(
            f"--vary {text!r}: expected PATH=SPEC, e.g. body.drag_coefficient=0.2,0.22"
        )
    kind: FieldKind = resolve_path(path, known) if known is not None else "float"
    if ":" in spec and "," not in spec:
        return _parse_range(path, spec, kind)
    items = [item.strip() for item in spec.split(",")]
    if any(not item for item in items):
        raise SweepError(f"--vary {path}={spec}: empty value in the list")
    values = tuple(_scalar(item, kind) for item in items)
    if len(set(map(repr, values))) != len(values):
        raise SweepError(f"--vary {path}={spec}: a value is listed twice")
    return Axis(path, spec, values, kind=kind)


def _scalar(item: str, kind: FieldKind) -> Any:
    if kind == "bool":
        lowered = item.lower()
        if lowered in {"true", "false"}:
            return lowered == "true"
        return item
    if _NUMBER.match(item) and kind != "str":
        number = float(item)
        if kind == "int" and number.is_integer():
            return int(number)
        return int(item) if re.fullmatch(r"[+-]?\d+", item) else number
    return item


def _decimal(path: str, spec: str, part: str) -> Decimal:
    try:
        value = Decimal(part)
    except InvalidOperation:
        raise SweepError(f"--vary {path}={spec}: {part!r} is not a number") from None
    if not value.is_finite():
        raise SweepError(f"--vary {path}={spec}: {part!r} is not a finite number")
    return value


def _parse_range(path: str, spec: str, kind: FieldKind) -> Axis:
    parts = spec.split(":")
    if len(parts) not in (2, 3) or any(not p.strip() for p in parts):
        raise SweepError(f"--vary {path}={spec}: expected a:b, a:b:step or v1,v2,...")
    if kind in ("str", "bool"):
        raise SweepError(f"--vary {path}={spec}: {path} is not numeric; give a list v1,v2,...")
    low, high = (_decimal(path, spec, p.strip()) for p in parts[:2])
    if high < low:
        raise SweepError(f"--vary {path}={spec}: the end ({high}) is below the start ({low})")
    if len(parts) == 3:
        step = _decimal(path, spec, parts[2].strip())
        if step <= 0:
            raise SweepError(f"--vary {path}={spec}: the step must be positive")
        count = int((high - low) / step) + 1
        if count > 10_000_000:
            raise SweepError(f"--vary {path}={spec}: {count:,} values on one axis is too many")
        values = tuple(_number(low + i * step, kind) for i in range(count))
        return Axis(path, spec, values, float(low), float(high), kind)
    if low == low.to_integral_value() and high == high.to_integral_value():
        values = tuple(_number(Decimal(v), kind) for v in range(int(low), int(high) + 1))
        return Axis(path, spec, values, float(low), float(high), kind)
    return Axis(path, spec, None, float(low), float(high), kind)


def _number(value: Decimal, kind: FieldKind) -> int | float:
    if kind == "int" or (value == value.to_integral_value() and kind != "float"):
        return int(value)
    return float(value)


# ---------------------------------------------------------------------------- variants


def apply_overrides(base: dict[str, Any], paths: Sequence[str], values: Sequence[Any]) -> dict:
    """A copy of ``base`` with each dotted path set (only the dicts on the paths are copied)."""
    out = dict(base)
    for path, value in zip(paths, values, strict=True):
        parts = path.split(".")
        node: Any = out
        for part in parts[:-1]:
            if isinstance(node, list):
                index = int(part)
                node[index] = dict(node[index]) if index < len(node) else {}
                node = node[index]
            else:
                child = node.get(part)
                node[part] = list(child) if isinstance(child, list) else dict(child or {})
                node = node[part]
        leaf = parts[-1]
        if isinstance(node, list):
            node[int(leaf)] = value
        else:
            node[leaf] = value
    return out


def canonical_json(data: dict[str, Any]) -> str:
    """Sorted, compact JSON: equal vehicles give equal text (the content of the key)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), allow_nan=False)


@dataclass(frozen=True)
class VariantSpace:
    """The variants of one base vehicle: a grid or an LHS sample over the axes."""

    base: dict[str, Any]
    axes: tuple[Axis, ...]
    sample: int | None = None  # None: grid; N: Latin hypercube of N points
    seed: int = 0
    follow: Callable[[dict[str, Any]], dict[str, Any]] | None = None
    """Applied to every variant after its overrides (the curb mass following the pack)."""

    def __len__(self) -> int:
        if self.sample is not None:
            return self.sample
        return math.prod(axis.size for axis in self.axes)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(axis.path for axis in self.axes)

    def chunks(self, size: int) -> Iterator[list[tuple[Any, ...]]]:
        """The varied values of each variant, ``size`` variants at a time, in a fixed order."""
        if self.sample is None:
            values = itertools.product(*(axis.values or () for axis in self.axes))
            while batch := list(itertools.islice(values, size)):
                yield batch
            return
        for start in range(0, self.sample, size):
            stop = min(start + size, self.sample)
            block = lhs_block(len(self.axes), self.sample, self.seed, start, stop)
            columns = [lhs_values(axis, block[:, j]) for j, axis in enumerate(self.axes)]
            yield list(zip(*columns, strict=True))

    def variant(self, values: Sequence[Any]) -> dict[str, Any]:
        """The vehicle dict of one variant."""
        return self._followed(apply_overrides(self.base, self.paths, values))

    def _followed(self, data: dict[str, Any]) -> dict[str, Any]:
        return data if self.follow is None else self.follow(data)

    def check(self, source: str) -> None:
        """Validate every axis value on the base car, and the grid's corners, before any run."""
        if not self.axes:
            raise SweepError("nothing to vary: give at least one --vary PATH=SPEC")
        if self.sample is None:
            for axis in self.axes:
                axis.size  # noqa: B018  (raises for a continuous range in a grid)
        for axis in self.axes:
            probes = axis.values if axis.values is not None else (axis.low, axis.high)
            if axis.kind in ("int", "float") and axis.values is not None and len(probes) > 2:
                probes = (probes[0], probes[-1])  # numeric bounds are intervals: ends suffice
            for value in probes:
                try:
                    vehicle_from_dict(self.variant_one(axis.path, value), source=source)
                except BevsimError as exc:
                    raise SweepError(f"--vary {axis.path}={axis.text}: {exc}") from None
        corners = [self._corner(0), self._corner(-1)]
        for corner in corners:
            vehicle_from_dict(self.variant(corner), source=f"{source} (corner {corner})")

    def variant_one(self, path: str, value: Any) -> dict[str, Any]:
        """The base vehicle with one field set (the others at their base values)."""
        return self._followed(apply_overrides(self.base, [path], [value]))

    def _corner(self, end: int) -> tuple[Any, ...]:
        out = []
        for axis in self.axes:
            if axis.values is not None:
                out.append(axis.values[end])
            else:
                bound = axis.low if end == 0 else axis.high
                out.append(int(bound) if axis.kind == "int" else bound)
        return tuple(out)


def lhs_values(axis: Axis, u: np.ndarray) -> list[Any]:
    """Map unit draws to an axis: continuous range, integers, lattice or list (uniform)."""
    if axis.values is None:
        assert axis.low is not None and axis.high is not None
        if axis.kind == "int":
            span = int(axis.high) - int(axis.low) + 1
            return [int(axis.low) + min(int(x * span), span - 1) for x in u]
        return [float(axis.low + x * (axis.high - axis.low)) for x in u]
    count = len(axis.values)
    idx = np.minimum((u * count).astype(np.int64), count - 1)
    return [axis.values[i] for i in idx]


def parse_sample(text: str | None) -> int | None:
    """``lhs:N`` to N; None (or ``grid``) for the full grid."""
    if text is None or text == "grid":
        return None
    kind, _, count = text.partition(":")
    if kind != "lhs" or not count.strip().isdigit() or int(count) < 1:
        raise SweepError(f"--sample {text}: expected lhs:N (N >= 1) or grid")
    return int(count)
