"""One shape for every procedure: a name, typed options with units in their names, the
conditions a set of options stands for, and a batch run returning one table (``run``), or the
table with the per-vehicle traces where the procedure has them (``run_detailed``).

    from bevsim.procedures.registry import get_procedure
    winter = get_procedure("winter")
    table = winter.run(["ms11-lfp"], temps_c=(-7.0,))   # one row per vehicle x temperature
    launch = get_procedure("perf").run_detailed(["ms11-lfp"]).traces["ms11-lfp"]

A sweep runs each condition (``conditions``) as its own procedure, so that every stored row is one
variant under one condition; ``procedure_name`` and ``parse_procedure_name`` give the text that
names a procedure with its options in the results store (``winter[temps_c=-7.0]``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import pandas as pd

from bevsim.errors import BevsimError, did_you_mean
from bevsim.spec import VehicleSpec, load_vehicles

Vehicles = str | Path | VehicleSpec | Sequence[str | Path | VehicleSpec]
KINDS = ("float", "floats", "int", "bool", "str")
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}
_RESERVED = set("[];=")


class ProcedureError(BevsimError):
    """An unknown procedure, or an option it does not take or cannot parse."""


@dataclass(frozen=True)
class ProcedureRun:
    """A procedure's result: ``table`` (what ``run`` returns: one row per vehicle, per vehicle
    x condition, units in the column names) and ``traces``, the time series by vehicle id
    (launch traces, a charging session, kernel traces; empty where the procedure has none)."""

    table: pd.DataFrame
    traces: dict[str, pd.DataFrame] = field(default_factory=dict)


@dataclass(frozen=True)
class Option:
    """One option of a procedure: its name (with its unit), kind (float, floats = a tuple of
    floats, int, bool or str), default, unit in words ("degC", "kg", "-" for a fraction, ""
    for text or a flag), help, the values a text option allows (``choices``), and whether it must
    be given (``required``; ``default`` None otherwise means "the vehicle's own", e.g. soc_max)."""

    name: str
    kind: str
    default: Any
    unit: str
    help: str
    choices: tuple[str, ...] = ()
    required: bool = False

    def parse(self, text: str) -> Any:
        """The value of ``text`` (as given on the command line) in this option's kind."""
        raw = text.strip()
        try:
            if self.kind == "float":
                return self.check(float(raw))
            if self.kind == "floats":
                return self.check(tuple(float(part) for part in raw.split(",") if part.strip()))
            if self.kind == "int":
                return self.check(int(raw))
        except ValueError:
            raise ProcedureError(f"{self.name}: expected {self.kind}, got '{text}'") from None
        if self.kind == "bool":
            if raw.lower() not in _TRUE | _FALSE:
                raise ProcedureError(f"{self.name}: expected true or false, got '{text}'")
            return raw.lower() in _TRUE
        return self.check(raw)

    def check(self, value: Any) -> Any:
        """``value`` in this option's kind, or a ProcedureError saying what is wrong."""
        if value is None and self.default is None and not self.required:
            return None
        if self.kind in ("float", "int"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ProcedureError(f"{self.name}: expected a number, got {value!r}")
            if not math.isfinite(value):
                raise ProcedureError(f"{self.name}: expected a finite number, got {value!r}")
            if self.kind == "int" and value != int(value):
                raise ProcedureError(f"{self.name}: expected a whole number, got {value!r}")
            return float(value) if self.kind == "float" else int(value)
        if self.kind == "floats":
            values = (value,) if isinstance(value, int | float) else tuple(value)
            if not values:
                raise ProcedureError(f"{self.name}: expected at least one value")
            return tuple(Option(self.name, "float", None, self.unit, "").check(v) for v in values)
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise ProcedureError(f"{self.name}: expected true or false, got {value!r}")
            return value
        if not isinstance(value, str) or not value:
            raise ProcedureError(f"{self.name}: expected a name, got {value!r}")
        if self.choices and value.lower() not in self.choices:
            hint = did_you_mean(value.lower(), list(self.choices))
            raise ProcedureError(
                f"unknown {self.name} '{value}';{hint} known: {', '.join(self.choices)}"
            )
        return value.lower() if self.choices else value

    def text(self, value: Any) -> str:
        """``value`` as text that ``parse`` reads back exactly (floats by repr)."""
        if self.kind == "floats":
            return ",".join(repr(float(v)) for v in value)
        if self.kind == "float":
            return repr(float(value))
        if self.kind == "bool":
            return "true" if value else "false"
        return str(value)


@runtime_checkable
class Procedure(Protocol):
    """What every registered procedure offers (``bevsim.procedures.registry``)."""

    name: str
    description: str
    options: tuple[Option, ...]
    unitless: frozenset[str]
    """Result columns without a unit suffix: ids, names, flags, limiters, fractions [-]."""
    undefined: frozenset[str]
    """Result columns that may be NaN: "no value" (a speed never reached), not a failure."""
    condition: str | None
    """The option whose values are separate test conditions (rows per vehicle x value)."""

    def resolve(self, **options: Any) -> dict[str, Any]:
        """Every option, the given ones checked, the rest at their defaults."""
        ...

    def conditions(self, **options: Any) -> list[dict[str, Any]]:
        """The resolved options split into one set per test condition (e.g. per temperature)."""
        ...

    def applies_to(self, spec: VehicleSpec) -> bool:
        """Whether the procedure can run this vehicle at all (e.g. it has an autonomy stack)."""
        ...

    def run(self, vehicles: Vehicles, **options: Any) -> pd.DataFrame:
        """One row per vehicle (per vehicle x condition), units in the column names."""
        ...

    def run_detailed(self, vehicles: Vehicles, **options: Any) -> ProcedureRun:
        """The table ``run`` returns, with the per-vehicle traces where the procedure has them."""
        ...


@dataclass(frozen=True)
class BatchProcedure:
    """A procedure made of a batch function ``batch(specs, options, traces) -> ProcedureRun``
    (``traces``: whether to keep the per-vehicle traces) and its options; ``unitless`` and
    ``undefined`` as in Procedure; ``condition`` names the option (kind floats) whose values are
    separate conditions; ``needs`` says which cars it runs."""

    name: str
    description: str
    options: tuple[Option, ...]
    batch: Callable[[list[VehicleSpec], dict[str, Any], bool], ProcedureRun]
    unitless: frozenset[str] = frozenset()
    undefined: frozenset[str] = frozenset()
    condition: str | None = None
    needs: Callable[[VehicleSpec], bool] = field(default=lambda spec: True)

    def option(self, name: str) -> Option:
        """The option called ``name`` (a ProcedureError naming the known ones otherwise)."""
        for option in self.options:
            if option.name == name:
                return option
        known = [o.name for o in self.options]
        raise ProcedureError(
            f"procedure {self.name} takes no option '{name}';{did_you_mean(name, known)} "
            f"known: {', '.join(known) or 'none'}"
        )

    def resolve(self, **options: Any) -> dict[str, Any]:
        """Every option, the given ones checked, the rest at their defaults."""
        given = {name: self.option(name).check(value) for name, value in options.items()}
        missing = [o.name for o in self.options if o.required and o.name not in given]
        if missing:
            raise ProcedureError(f"procedure {self.name} needs option {', '.join(missing)}")
        return {o.name: given.get(o.name, o.default) for o in self.options}

    def conditions(self, **options: Any) -> list[dict[str, Any]]:
        """The resolved options, one set per value of the condition option (if any)."""
        resolved = self.resolve(**options)
        if self.condition is None:
            return [resolved]
        values = dict.fromkeys(resolved[self.condition])
        return [{**resolved, self.condition: (value,)} for value in values]

    def applies_to(self, spec: VehicleSpec) -> bool:
        """Whether the procedure can run this vehicle at all."""
        return bool(self.needs(spec))

    def run(self, vehicles: Vehicles, **options: Any) -> pd.DataFrame:
        """One row per vehicle (per vehicle x condition), units in the column names."""
        return self.batch(load_vehicles(vehicles), self.resolve(**options), False).table

    def run_detailed(self, vehicles: Vehicles, **options: Any) -> ProcedureRun:
        """The table ``run`` returns, with the per-vehicle traces where the procedure has them."""
        return self.batch(load_vehicles(vehicles), self.resolve(**options), True)


def procedure_name(procedure: BatchProcedure, options: dict[str, Any]) -> str:
    """The procedure with its non-default options as one text: ``winter[temps_c=-7.0]``; a
    cycle run reads ``cycle:NAME`` (``cycle:UDDS[load_kg=0.0]``). Text options holding
    ``[ ] ; =`` (a cycle file's path may) run, but cannot be named so: a ProcedureError."""
    resolved = procedure.resolve(**options)
    for option in procedure.options:
        value = resolved[option.name]
        if option.kind == "str" and value is not None and _RESERVED & set(value):
            raise ProcedureError(
                f"{option.name}: expected a name (no [ ] ; =) to name the procedure by, "
                f"got {value!r}"
            )
    head = procedure.name
    if procedure.name == "cycle":
        head = f"cycle:{resolved['cycle']}"
    parts = [
        f"{o.name}={o.text(resolved[o.name])}"
        for o in procedure.options
        if resolved[o.name] != o.default and not (procedure.name == "cycle" and o.name == "cycle")
    ]
    return f"{head}[{';'.join(parts)}]" if parts else head


def parse_procedure_name(text: str) -> tuple[str, dict[str, Any]]:
    """(procedure name, options) of a text written by ``procedure_name``."""
    head, _, rest = text.partition("[")
    options: dict[str, Any] = {}
    name = head
    if head.startswith("cycle:"):
        name, options["cycle"] = "cycle", head.removeprefix("cycle:")
    if rest:
        if not rest.endswith("]"):
            raise ProcedureError(f"procedure '{text}': expected NAME[OPTION=VALUE;...]")
        for part in rest[:-1].split(";"):
            key, sep, value = part.partition("=")
            if not sep:
                raise ProcedureError(f"procedure '{text}': expected OPTION=VALUE, got '{part}'")
            options[key] = value
    return name, options
