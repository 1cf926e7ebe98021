"""Published winter figures for validation, read strictly from a YAML file such as
``tests/data/reference/winter/figures.yaml``: each row names a library car, the published value
(a range or consumption retention as a fraction [-], or a parked heating power [kW]), its
tolerance (retention: a fraction, 0.05 = +-5 percentage points; power: relative), what is
compared, the test's conditions (ambient [degC], drive, HVAC, soak, load [kg]) and the source.
A field missing, of the wrong kind or out of range is a BevsimError naming the file, the row
and the field with what was expected.
"""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from pathlib import Path
from typing import Any

from bevsim.engine.facade import MAX_WIND_SPEED_MPS, SURFACE_ROLLING_FACTOR
from bevsim.errors import BevsimError
from bevsim.procedures.everyday import MAX_TRIP_KM, MAX_TRIPS_PER_DAY
from bevsim.yamlfile import read_yaml_file

KINDS = ("range_retention", "consumption_retention", "parked_heating_power")
PROCEDURE_DRIVES = ("epa", "cltc", "wltp", "ftp75")
ROAD_DRIVES = ("constant_speed", "everyday")
"""Drives on a public road: the row may set its surface, tyres and wind."""
DRIVES = (*PROCEDURE_DRIVES, *ROAD_DRIVES, "parked")
BASELINES = ("same_drive", "official")
RATING_PROCEDURES = ("cltc", "wltp")
THERMAL_FIELDS = {
    "cabin_heating": ("heat_pump", "ptc"),
    "cabin_recirculation": ("fog_limited", "fresh_air"),
}
ROAD_FIELDS = ("road_surface", "winter_tires", "wind_speed_mps")
EVERYDAY_FIELDS = ("trips_per_day", "trip_km", "parked_h")


@dataclass(frozen=True)
class WinterFigure:
    """One published winter figure, its conditions and source (units in the field names;
    retention and tolerance as fractions)."""

    id: str
    vehicle_id: str
    kind: str
    published: float
    tolerance: float
    compared: str
    conditions: str
    drive: str
    ambient_c: float
    hvac_on: bool
    precondition: bool
    source: str
    car_note: str = ""
    speed_kmh: float | None = None
    baseline: str = "same_drive"
    reference_ambient_c: float = 23.0
    baseline_procedure: str | None = None
    occupants: int = 1
    load_kg: float = 0.0
    duration_h: float = 2.0
    thermal: tuple[tuple[str, str], ...] = ()
    why_missed: str = ""
    road_surface: str | None = None  # None: the public-road default (constant-speed drives)
    winter_tires: bool = False
    wind_speed_mps: float | None = None  # None: the public-road default
    trips_per_day: int | None = None  # everyday drives; None: the procedure's default
    trip_km: float | None = None
    parked_h: float | None = None

    @property
    def is_retention(self) -> bool:
        """Whether the figure is a retention (a fraction compared in percentage points)."""
        return self.kind != "parked_heating_power"


REQUIRED = tuple(f.name for f in fields(WinterFigure) if f.default is MISSING)
"""A row's keys without a default (WinterFigure's order)."""
OPTIONAL = tuple(f.name for f in fields(WinterFigure) if f.default is not MISSING)
"""A row's keys with a default."""


def load_winter_figures(path: str | Path) -> list[WinterFigure]:
    """Every row of a winter-figures YAML file (``figures: [...]``), checked."""
    path = Path(path)
    data = read_yaml_file(path, "winter figures file")
    if not isinstance(data, dict) or not isinstance(data.get("figures"), list):
        raise BevsimError(f"{path}: expected a mapping with a list 'figures'")
    figures = [_figure(path, i, row) for i, row in enumerate(data["figures"])]
    ids = [f.id for f in figures]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    if twice:
        raise BevsimError(f"{path}: figure ids given twice: {', '.join(twice)}")
    return figures


def _figure(path: Path, index: int, row: Any) -> WinterFigure:
    where = f"{path}: figures[{index}]"
    if not isinstance(row, dict):
        raise BevsimError(f"{where}: expected a mapping of field: value")
    where = f"{path}: {row.get('id', f'figures[{index}]')}"
    unknown = sorted(set(row) - set(REQUIRED) - set(OPTIONAL))
    if unknown:
        raise BevsimError(f"{where}: unknown field {', '.join(map(str, unknown))}")
    missing = [k for k in REQUIRED if k not in row]
    if missing:
        raise BevsimError(f"{where}: missing field {', '.join(missing)}")
    fields = {k: _text(where, row, k) for k in ("id", "vehicle_id", "compared", "conditions")}
    fields |= {k: _text(where, row, k) for k in ("source", "car_note", "why_missed") if k in row}
    fields["kind"] = _choice(where, row, "kind", KINDS)
    fields["drive"] = _choice(where, row, "drive", DRIVES)
    fields["published"] = _number(where, row, "published", 0.0, None)
    fields["tolerance"] = _number(where, row, "tolerance", 0.0, 1.0)
    fields["ambient_c"] = _number(where, row, "ambient_c", -40.0, 50.0, strict=False)
    for key in ("hvac_on", "precondition"):
        if not isinstance(row[key], bool):
            raise BevsimError(f"{where}: {key}: expected true or false, got {row[key]!r}")
        fields[key] = row[key]
    fields |= _drive_fields(where, row, fields)
    if "thermal" in row:
        fields["thermal"] = _thermal(where, row["thermal"])
    return WinterFigure(**fields)


def _drive_fields(where: str, row: dict, fields: dict) -> dict:
    """The fields that depend on the kind and the drive, checked against both."""
    kind, drive, out = fields["kind"], fields["drive"], {}
    if fields["kind"] != "parked_heating_power" and fields["published"] > 1.0:
        raise BevsimError(f"{where}: published: expected a retention <= 1, got {row['published']}")
    if (kind == "parked_heating_power") != (drive == "parked"):
        raise BevsimError(f"{where}: drive: parked goes with kind parked_heating_power only")
    if kind == "consumption_retention" and row.get("baseline") == "official":
        raise BevsimError(f"{where}: baseline: a consumption retention needs same_drive")
    if (drive == "constant_speed") != ("speed_kmh" in row):
        raise BevsimError(f"{where}: speed_kmh: expected for constant_speed drives only")
    if "speed_kmh" in row:
        out["speed_kmh"] = _number(where, row, "speed_kmh", 1.0, 250.0)
    if "baseline" in row:
        out["baseline"] = _choice(where, row, "baseline", BASELINES)
    if drive != "parked" and "baseline" not in row:
        raise BevsimError(f"{where}: missing field baseline (one of {', '.join(BASELINES)})")
    if out.get("baseline") == "official":
        out["baseline_procedure"] = _choice(where, row, "baseline_procedure", RATING_PROCEDURES)
    elif "baseline_procedure" in row:
        raise BevsimError(f"{where}: baseline_procedure: only with baseline official")
    if "reference_ambient_c" in row:
        out["reference_ambient_c"] = _number(where, row, "reference_ambient_c", -40.0, 50.0)
    if drive in PROCEDURE_DRIVES and ({"occupants", "load_kg"} & set(row)):
        raise BevsimError(f"{where}: occupants, load_kg: a procedure drive uses its own test mass")
    if "occupants" in row:
        if not isinstance(row["occupants"], int) or isinstance(row["occupants"], bool):
            raise BevsimError(f"{where}: occupants: expected a whole number of people")
        if not 1 <= row["occupants"] <= 7:
            raise BevsimError(f"{where}: occupants: expected 1 to 7, got {row['occupants']}")
        out["occupants"] = row["occupants"]
    if "load_kg" in row:
        out["load_kg"] = _number(where, row, "load_kg", 0.0, 1000.0, strict=False)
    if "duration_h" in row:
        out["duration_h"] = _number(where, row, "duration_h", 0.0, 24.0)
    if drive == "everyday" and kind != "consumption_retention":
        raise BevsimError(f"{where}: kind: an everyday drive gives a consumption_retention")
    if drive == "everyday" and "occupants" in row:
        raise BevsimError(f"{where}: occupants: an everyday drive carries load_kg only")
    return out | _road_fields(where, row, drive) | _everyday_fields(where, row, drive)


def _everyday_fields(where: str, row: dict, drive: str) -> dict:
    """The day's trips (count, length [km]) and parking between them [h], everyday only."""
    given = [k for k in EVERYDAY_FIELDS if k in row]
    if given and drive != "everyday":
        raise BevsimError(f"{where}: {', '.join(given)}: for everyday drives only")
    out: dict = {}
    if "trips_per_day" in row:
        trips = row["trips_per_day"]
        most = MAX_TRIPS_PER_DAY
        if isinstance(trips, bool) or not isinstance(trips, int) or not 1 <= trips <= most:
            raise BevsimError(f"{where}: trips_per_day: expected a whole number 1 to {most}")
        out["trips_per_day"] = trips
    if "trip_km" in row:
        out["trip_km"] = _number(where, row, "trip_km", 0.0, MAX_TRIP_KM)
    if "parked_h" in row:
        out["parked_h"] = _number(where, row, "parked_h", 0.0, 24.0, strict=False)
    return out


def _road_fields(where: str, row: dict, drive: str) -> dict:
    """The road's surface, winter tyres and wind of a road drive (ROAD_DRIVES) only."""
    given = [k for k in ROAD_FIELDS if k in row]
    if given and drive not in ROAD_DRIVES:
        raise BevsimError(
            f"{where}: {', '.join(given)}: for constant_speed or everyday (road) drives only"
        )
    out: dict = {}
    if "road_surface" in row:
        out["road_surface"] = _choice(where, row, "road_surface", tuple(SURFACE_ROLLING_FACTOR))
    if "winter_tires" in row:
        if not isinstance(row["winter_tires"], bool):
            raise BevsimError(f"{where}: winter_tires: expected true or false")
        out["winter_tires"] = row["winter_tires"]
    if "wind_speed_mps" in row:
        out["wind_speed_mps"] = _number(
            where, row, "wind_speed_mps", 0.0, MAX_WIND_SPEED_MPS, strict=False
        )
    return out


def _text(where: str, row: dict, key: str) -> str:
    value = row[key]
    if not isinstance(value, str) or not value.strip():
        raise BevsimError(f"{where}: {key}: expected text, got {value!r}")
    return value.strip()


def _choice(where: str, row: dict, key: str, choices: tuple[str, ...]) -> str:
    value = row.get(key)
    if value not in choices:
        raise BevsimError(f"{where}: {key}: expected one of {', '.join(choices)}, got {value!r}")
    return value


def _number(
    where: str, row: dict, key: str, low: float, high: float | None, strict: bool = True
) -> float:
    """row[key] as a float in (low, high] (``strict``) or [low, high]; high None: unbounded."""
    value = row.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise BevsimError(f"{where}: {key}: expected a number, got {value!r}")
    value = float(value)
    above = value > low if strict else value >= low
    if not (above and (high is None or value <= high)):
        bound = "above" if strict else "at least"
        top = "" if high is None else f" and at most {high:g}"
        raise BevsimError(f"{where}: {key}: expected a number {bound} {low:g}{top}, got {value:g}")
    return value


def _thermal(where: str, thermal: Any) -> tuple[tuple[str, str], ...]:
    if not isinstance(thermal, dict):
        raise BevsimError(f"{where}: thermal: expected a mapping of vehicle-file thermal fields")
    for key, value in thermal.items():
        if key not in THERMAL_FIELDS:
            raise BevsimError(
                f"{where}: thermal.{key}: expected one of {', '.join(THERMAL_FIELDS)}"
            )
        if value not in THERMAL_FIELDS[key]:
            raise BevsimError(
                f"{where}: thermal.{key}: expected one of {', '.join(THERMAL_FIELDS[key])}, "
                f"got {value!r}"
            )
    return tuple(sorted(thermal.items()))
