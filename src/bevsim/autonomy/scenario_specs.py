"""Scenario files: a Euro NCAP car-to-car rear test matrix (``ccr``) or an ACC drive (``acc``).

A scenario file (``data/scenarios/<id>.yaml``) is either a ``ccr`` test matrix (ego speeds x
target speed/deceleration/headway x lateral offsets, with the protocol's scoring bands) or an
``acc`` drive (road, ego, ACC settings, actors with timed events: speed changes and lane
changes); :func:`bevsim.autonomy.scenarios.load_scenario` reads one. Lengths [m], speeds
[km/h] where the name says so, accelerations [m/s^2], times [s].
"""

from __future__ import annotations

import math
from typing import Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PositiveFloat, PositiveInt, model_validator

from bevsim.autonomy.scenes import DEFAULT_SENSOR_HEIGHT_M
from bevsim.errors import BevsimError


class ScenarioError(BevsimError):
    """A scenario id, scenario file or scenario option is invalid."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ScoreBand(_Strict):
    """Points by relative impact speed at one ego speed: below thresholds_kmh[i] -> scores[i]."""

    ego_kmh: float = Field(gt=0, le=250)
    thresholds_kmh: list[PositiveFloat] = Field(min_length=1)
    scores: list[float] = Field(min_length=1)

    @model_validator(mode="after")
    def _paired(self) -> Self:
        if len(self.thresholds_kmh) != len(self.scores):
            raise ValueError("thresholds_kmh and scores must have the same length")
        return self

    def points(self, impact_kmh: float) -> float:
        """Points [0..1] for a relative impact speed [km/h] (0 = avoided)."""
        score = 0.0
        for threshold, value in zip(self.thresholds_kmh, self.scores, strict=True):
            if impact_kmh < threshold:
                score = max(score, value)
        return score


class TargetBox(_Strict):
    """The target vehicle: a box [m] with a lidar reflectivity [-]."""

    kind: Literal["car", "truck", "box"] = "car"
    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.5, 1.8, 1.45)
    reflectivity: float = Field(default=0.3, gt=0, le=1)


class EgoGeometry(_Strict):
    """The ego's box [m] and its roof sensor mount: height [m], forward of the centre [m]."""

    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.7, 1.9, 1.45)
    sensor_height_m: float = Field(default=DEFAULT_SENSOR_HEIGHT_M, gt=0.3, le=5)
    sensor_forward_m: float = Field(default=0.3, ge=-3, le=3)


class CcrScenario(_Strict):
    """A Euro NCAP car-to-car rear test matrix (see the module docstring)."""

    id: str = Field(min_length=1)
    kind: Literal["ccr"]
    description: str = ""
    protocol: str = ""
    ego_speeds_kmh: list[PositiveFloat] = Field(min_length=1)
    target_speed_kmh: float = Field(ge=0, le=200)
    target_decels_mps2: list[float] = [0.0]
    headways_m: list[PositiveFloat] | None = None
    offsets_pct: list[float] = [0.0]
    start_ttc_s: PositiveFloat = 4.0
    lead_in_s: float = Field(default=1.0, ge=0, le=10)
    target: TargetBox = TargetBox()
    ego: EgoGeometry = EgoGeometry()
    lane_width_m: float = Field(default=3.5, ge=2.5, le=5)
    scoring: list[ScoreBand] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        for off in self.offsets_pct:
            if not -100 < off < 100:
                raise ValueError(f"offsets_pct: {off} outside -100..100 (no overlap)")
        for d in self.target_decels_mps2:
            if not 0 <= d <= 12:
                raise ValueError(f"target_decels_mps2: {d} outside 0..12 m/s^2")
        return self

    def band(self, ego_kmh: float) -> ScoreBand:
        """The scoring band for an ego speed [km/h]: the listed speed at or below it."""
        bands = sorted(self.scoring, key=lambda b: b.ego_kmh)
        below = [b for b in bands if b.ego_kmh <= ego_kmh + 1e-9]
        return below[-1] if below else bands[0]


class Event(_Strict):
    """At ``at_s`` [s]: accelerate at ``accel_mps2`` until ``until_kmh``, or change lane."""

    at_s: float = Field(ge=0)
    accel_mps2: float | None = Field(default=None, ge=-10, le=5)
    until_kmh: float | None = Field(default=None, ge=0, le=250)
    lane_change_to: PositiveInt | None = None
    duration_s: PositiveFloat = 3.0

    @model_validator(mode="after")
    def _one(self) -> Self:
        speed = self.accel_mps2 is not None
        if speed == (self.lane_change_to is not None):
            raise ValueError("give either accel_mps2 (+ until_kmh) or lane_change_to")
        if speed and (self.until_kmh is None or self.accel_mps2 == 0):
            raise ValueError("accel_mps2 needs a non-zero value and until_kmh")
        return self


class Actor(_Strict):
    """A scripted road user: box, lane, start centre x [m], speed [km/h] and events."""

    id: str = Field(min_length=1)
    kind: Literal["car", "truck", "box"] = "car"
    size_m: tuple[PositiveFloat, PositiveFloat, PositiveFloat] = (4.5, 1.8, 1.45)
    reflectivity: float = Field(default=0.3, gt=0, le=1)
    lane: PositiveInt = 1
    x_m: float
    speed_kmh: float = Field(ge=0, le=250)
    events: list[Event] = []


class AccRoad(_Strict):
    """Road of an ACC drive: lanes, lane width [m], guardrails."""

    lanes: PositiveInt = Field(default=2, le=6)
    lane_width_m: float = Field(default=3.5, ge=2.5, le=5)
    guardrails: bool = True


class AccEgo(EgoGeometry):
    """The ACC ego: start speed [km/h] and lane."""

    speed_kmh: float = Field(ge=0, le=250)
    lane: PositiveInt = 1


class AccOptions(_Strict):
    """ACC settings: set speed [km/h], time gap [s], standstill distance [m]."""

    set_speed_kmh: float = Field(gt=0, le=250)
    time_gap_s: float = Field(default=1.8, ge=0.8, le=3.0)
    standstill_m: float = Field(default=4.0, ge=1, le=10)


class AccScenario(_Strict):
    """An ACC drive with scripted actors (see the module docstring)."""

    id: str = Field(min_length=1)
    kind: Literal["acc"]
    description: str = ""
    duration_s: float = Field(gt=0, le=600)
    road: AccRoad = AccRoad()
    ego: AccEgo
    acc: AccOptions
    objects: list[Actor] = []

    @model_validator(mode="after")
    def _lanes(self) -> Self:
        lanes = [self.ego.lane] + [a.lane for a in self.objects]
        lanes += [e.lane_change_to for a in self.objects for e in a.events if e.lane_change_to]
        if max(lanes) > self.road.lanes:
            raise ValueError(f"a lane number exceeds the road's {self.road.lanes} lanes")
        ids = [a.id for a in self.objects]
        if len(set(ids)) != len(ids) or "ego" in ids:
            raise ValueError("object ids must be unique and not 'ego'")
        return self


ScenarioSpec = CcrScenario | AccScenario


def parse_speeds(text: str) -> list[float]:
    """``"10:50:5"`` (start:stop:step, stop included) or ``"20,30,45"`` -> speeds [km/h]."""
    usage = "expected start:stop:step (e.g. 10:50:5) or a list (20,30,40) in km/h"
    try:
        parts = [float(p) for p in text.split(":" if ":" in text else ",") if p.strip()]
    except ValueError:
        raise ScenarioError(f"--speeds '{text}': {usage}") from None
    if ":" in text:
        if len(parts) != 3:
            raise ScenarioError(f"--speeds '{text}': {usage}")
        start, stop, step = parts
        if step <= 0 or stop < start:
            raise ScenarioError(
                f"--speeds '{text}': need start <= stop and a step > 0 (start:stop:step)"
            )
        count = int(math.floor((stop - start) / step + 1e-9)) + 1
        speeds = [round(start + k * step, 6) for k in range(count)]
    else:
        speeds = parts
    if not speeds or any(not math.isfinite(s) or s <= 0 for s in speeds):
        raise ScenarioError(f"--speeds '{text}': speeds must be positive numbers in km/h")
    return speeds
