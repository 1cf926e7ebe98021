"""Replay a logged trip: drive a vehicle along the logged speed and compare with what the car
measured at its pack.

The trip is resampled to the kernel's step; grade comes from the logged elevation by distance
(trips.grade); the ambient temperature per step from the log (or one given value) drives the
cabin and pack thermal models, while air density and the tires' cold factor take the trip's mean
ambient; the air density also takes the standard atmosphere's pressure at the log's mean
elevation (95 kPa at Munich's 520 m, 6 % below sea level's), sea level without one. The
cabin is held at its setpoint (heating or cooling) throughout, as a driver does.
Load, cabin setpoint, start SoC and battery temperature come from the options, else from the
log's metadata, else from defaults (DRIVER_MASS_KG, the vehicle's setpoint, the first measured
SoC or a full pack, cells soaked at the ambient). A trip is driven on a public road: the
road's surface, winter tyres and a mean wind come from the options, else the public-road
defaults of :mod:`bevsim.engine.road_conditions` (public asphalt, wet where the log's weather
is rain; the car's own tyres; PUBLIC_ROAD_WIND_SPEED_MPS), not the coast-down track's smooth
dry surface and still air.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import pandas as pd

from bevsim.cycles import Cycle
from bevsim.engine.facade import (
    DEFAULT_DT_S,
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    TOTAL_COLUMNS,
    TRACE_COLUMNS,
    TRACE_TOLERANCE_MPS,
    BatchOutput,
    Conditions,
    ConditionsError,
    compile_vehicles,
    dry_air_density_kg_per_m3,
    run_cycle,
)
from bevsim.procedures.cycle_run import LOSS_COLUMNS, records_for_json
from bevsim.spec import VehicleSpec
from bevsim.trips.grade import grade_from_elevation
from bevsim.trips.model import J_PER_KWH, KMH_PER_MPS, Trip, TripError
from bevsim.trips.solar import cabin_solar_gain_w

DRIVER_MASS_KG = 75.0
"""Mass of the driver [kg]: the 75 kg of the EU's mass in running order (Regulation (EU)
No 1230/2012, Art. 2(4)); a log's payload is what the car carried beyond the driver."""
RAIN_WEATHER = ("rainy",)
"""The log weather words (bevsim.trips.solar's) that mean a wet road."""
MIN_ENERGY_FOR_ERROR_KWH = 0.05
"""Below this measured energy [kWh] a relative error says nothing; it is not reported."""


@dataclass(frozen=True)
class Location:
    """Where a trip was driven: latitude [deg N], longitude [deg E] and IANA time zone of the
    log's local clock (e.g. ``Europe/Berlin``)."""

    latitude_deg: float
    longitude_deg: float
    timezone: str

    def utc(self, local: datetime) -> datetime:
        """A local clock time of this place as an aware UTC time."""
        try:
            zone = ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            raise TripError(f"--timezone: unknown IANA time zone '{self.timezone}'") from None
        return local.replace(tzinfo=zone).astimezone(UTC)


@dataclass(frozen=True)
class ReplayOptions:
    """What overrides a log and its metadata: constant ambient [degC], load added to curb mass
    [kg], cabin setpoint [degC], start SoC [%], start battery temperature [degC]; the kernel's
    step [s]; where the trip was driven (with the log's start time and weather it gives the
    sunlight on the cabin, :mod:`bevsim.trips.solar`; without it, no sun); the road's surface,
    winter tyres and the mean wind at the car's height [m/s] (bevsim.engine.road_conditions)."""

    ambient_c: float | None = None
    load_kg: float | None = None
    cabin_setpoint_c: float | None = None
    start_soc_pct: float | None = None
    battery_temp_c: float | None = None
    dt_s: float = DEFAULT_DT_S
    location: Location | None = None
    road_surface: str | None = None  # None: the log's weather says (road_surface_of)
    winter_tires: bool = False
    wind_speed_mps: float = PUBLIC_ROAD_WIND_SPEED_MPS


@dataclass(frozen=True)
class TripRun:
    """A trip ready for the kernel: the drive cycle (grade and ambient per step), the
    conditions, the setpoint [degC] the cabin is held at, and the resampled trip."""

    cycle: Cycle
    conditions: Conditions
    cabin_setpoint_c: float | None
    trip: Trip


@dataclass(frozen=True)
class TripResult:
    """One vehicle on one trip: the summary (JSON-ready, units in the keys) and the per-step
    trace of predicted and measured signals."""

    summary: dict
    trace: pd.DataFrame


def prepare(trip: Trip, options: ReplayOptions = ReplayOptions()) -> TripRun:
    """The drive cycle and conditions of a trip (see the module docstring)."""
    trip = trip.resampled(options.dt_s)
    if options.ambient_c is None and trip.ambient_temp_c is None:
        raise TripError(
            f"{trip.source}: the log has no ambient temperature (ambient_temp_c); give --ambient-c"
        )
    ambient = None if options.ambient_c is not None else trip.ambient_temp_c
    mean_ambient = options.ambient_c if ambient is None else float(np.mean(ambient))
    start_ambient = options.ambient_c if ambient is None else float(ambient[0])
    meta = trip.metadata
    air_density = _air_density(trip, mean_ambient)
    distance_m = trip.cumulative_distance_m()
    if trip.elevation_m is None:
        grade = np.zeros_like(distance_m)
    else:
        grade = grade_from_elevation(distance_m, trip.elevation_m)
    cycle = Cycle(
        name=trip.name,
        time_s=trip.time_s - trip.time_s[0],
        speed_mps=trip.speed_mps,
        grade=grade,
        source=trip.source,
        ambient_temp_c=ambient,
    )
    conditions = Conditions(
        added_mass_kg=_first(options.load_kg, _with_driver(meta.payload_kg), DRIVER_MASS_KG),
        ambient_temp_c=mean_ambient,
        air_density_kg_per_m3=air_density,
        cell_temp_c=_first(options.battery_temp_c, meta.battery_temp_c),
        initial_soc=_start_soc(trip, options),
        hvac_on=True,
        cabin_temp_c=start_ambient,
        cabin_solar_gain_w=solar_gain_w(trip, options.location) or 0.0,
        road_surface=options.road_surface or road_surface_of(trip),
        winter_tires=options.winter_tires,
        wind_speed_mps=options.wind_speed_mps,
    )
    setpoint = _first(options.cabin_setpoint_c, meta.cabin_setpoint_c)
    return TripRun(cycle, conditions, setpoint, trip)


def _air_density(trip: Trip, mean_ambient_c: float) -> float:
    """Dry-air density [kg/m^3] at the trip's mean ambient [degC] and the standard pressure at
    its mean logged elevation [m] (sea level where the log has none)."""
    altitude_m = 0.0 if trip.elevation_m is None else float(np.mean(trip.elevation_m))
    try:
        return dry_air_density_kg_per_m3(mean_ambient_c, altitude_m)
    except ConditionsError as err:
        raise TripError(f"{trip.source}: elevation_m: mean {err}") from None


def road_surface_of(trip: Trip) -> str:
    """The road a log was driven on, from its weather: wet in rain (RAIN_WEATHER), else dry
    public asphalt (a log without weather too)."""
    return "wet" if trip.metadata.weather in RAIN_WEATHER else PUBLIC_ASPHALT


def solar_gain_w(trip: Trip, location: Location | None) -> float | None:
    """Mean solar heat gain into the cabin [W], or None where the place, the start time or a
    known weather word is missing (then the trip is replayed without sun)."""
    meta = trip.metadata
    if location is None or meta.start_local is None or meta.weather is None:
        return None
    return cabin_solar_gain_w(
        location.latitude_deg,
        location.longitude_deg,
        location.utc(meta.start_local),
        trip.duration_s,
        meta.weather,
    )


def _first(*values):
    return next((v for v in values if v is not None), None)


def _with_driver(payload_kg: float | None) -> float | None:
    return None if payload_kg is None else DRIVER_MASS_KG + payload_kg


def _start_soc(trip: Trip, options: ReplayOptions) -> float | None:
    """Start SoC [0..1]: the option, the metadata, the first measured SoC, or None (full)."""
    pct = _first(options.start_soc_pct, trip.metadata.start_soc_pct)
    if pct is None:
        soc = trip.measured.get("measured_soc_pct")
        valid = soc[np.isfinite(soc)] if soc is not None else np.empty(0)
        pct = float(valid[0]) if valid.size else None
    return None if pct is None else pct / 100.0


def with_setpoint(spec: VehicleSpec, setpoint_c: float | None) -> VehicleSpec:
    """The vehicle with its cabin setpoint [degC] replaced (None: unchanged)."""
    if setpoint_c is None:
        return spec
    thermal = spec.thermal.model_copy(update={"cabin_setpoint_c": setpoint_c})
    return spec.model_copy(update={"thermal": thermal})


def run_trip(specs: Sequence[VehicleSpec], run: TripRun, traces: bool = False) -> BatchOutput:
    """Drive every vehicle of ``specs`` (one batch) over the prepared trip."""
    specs = [with_setpoint(s, run.cabin_setpoint_c) for s in specs]
    batch = compile_vehicles(specs, run.conditions)
    return run_cycle(batch, run.cycle, traces=traces, dt_s=float(np.diff(run.cycle.time_s[:2])[0]))


def replay(spec: VehicleSpec, trip: Trip, options: ReplayOptions = ReplayOptions()) -> TripResult:
    """Drive ``spec`` along ``trip`` and compare with the trip's measurements."""
    run = prepare(trip, options)
    out = run_trip([spec], run, traces=True)
    assert out.traces is not None
    return summarise(spec, run, out.totals[0], out.traces[0])


def summarise(spec: VehicleSpec, run: TripRun, totals: np.ndarray, trace: np.ndarray) -> TripResult:
    """Summary and trace of one vehicle's replay of one trip."""
    t = dict(zip(TOTAL_COLUMNS, totals, strict=True))
    frame = _trace_frame(run, trace)
    distance_km = t["distance_m"] / 1000.0
    predicted_kwh = t["terminal_energy_j"] / J_PER_KWH
    measured_kwh = run.trip.measured_energy_kwh()
    summary = {
        "trip": run.trip.name,
        "source": run.trip.source,
        "season": run.trip.metadata.season,
        "vehicle_id": spec.id,
        "vehicle": spec.name,
        "duration_s": run.cycle.duration_s,
        "distance_km": distance_km,
        "trace_distance_km": t["trace_distance_m"] / 1000.0,
        "test_mass_kg": spec.mass.curb_kg + run.conditions.added_mass_kg,
        "ambient_mean_c": run.conditions.ambient_temp_c,
        "air_density_kg_per_m3": run.conditions.air_density,
        "cabin_setpoint_c": with_setpoint(spec, run.cabin_setpoint_c).thermal.cabin_setpoint_c,
        "weather": run.trip.metadata.weather,
        "cabin_solar_gain_w": run.conditions.cabin_solar_gain_w,
        "road_surface": run.conditions.road_surface,
        "winter_tires": run.conditions.winter_tires,
        "wind_speed_mps": run.conditions.wind_speed_mps,
        "start_soc_pct": float(frame["predicted_soc_pct"].iloc[0]),
        "predicted_battery_energy_kwh": predicted_kwh,
        "predicted_consumption_kwh_per_100km": _per_100km(predicted_kwh, distance_km),
        "predicted_end_soc_pct": 100.0 * t["final_soc"],
        "followed_trace": bool(t["max_speed_shortfall_mps"] <= TRACE_TOLERANCE_MPS),
        "max_speed_shortfall_kmh": t["max_speed_shortfall_mps"] * KMH_PER_MPS,
        **{k: t[v] / J_PER_KWH for k, v in LOSS_COLUMNS.items()},
        **_measured(run, frame, measured_kwh, predicted_kwh, distance_km),
    }
    return TripResult(records_for_json(pd.DataFrame([summary]))[0], frame)


def _measured(run: TripRun, frame: pd.DataFrame, measured_kwh, predicted_kwh, distance_km):
    """The measured figures and the errors against them (None where not measured)."""
    error = None
    if measured_kwh is not None and abs(measured_kwh) >= MIN_ENERGY_FOR_ERROR_KWH:
        error = 100.0 * (predicted_kwh - measured_kwh) / measured_kwh
    soc = frame.get("measured_soc_pct")
    valid = soc.notna() if soc is not None else None
    rmse = None
    end_soc = None
    if valid is not None and valid.any():
        diff = frame.loc[valid, "predicted_soc_pct"] - soc[valid]
        rmse = float(np.sqrt(np.mean(diff**2)))
        end_soc = float(soc[valid].iloc[-1])
    return {
        "measured_battery_energy_kwh": measured_kwh,
        "measured_consumption_kwh_per_100km": None
        if measured_kwh is None
        else _per_100km(measured_kwh, distance_km),
        "battery_energy_error_pct": error,
        "measured_end_soc_pct": end_soc,
        "soc_rmse_pct": rmse,
        "measured_heating_energy_kwh": _channel_kwh(run.trip, "measured_heating_power_w"),
        "measured_aircon_energy_kwh": _channel_kwh(run.trip, "measured_aircon_power_w"),
    }


def _channel_kwh(trip: Trip, name: str) -> float | None:
    power = trip.channel(name)
    return None if power is None else float(np.trapezoid(power, trip.time_s)) / J_PER_KWH


def _per_100km(kwh: float, km: float) -> float | None:
    return 100.0 * kwh / km if km > 0 else None


def _trace_frame(run: TripRun, trace: np.ndarray) -> pd.DataFrame:
    """Per step: time, distance, speed, grade, ambient; predicted pack power, cumulative
    energy, SoC, HVAC, accessory, wheel and inertia power; and the measured ones where the log
    has them."""
    tr = {name: trace[:, i] for i, name in enumerate(TRACE_COLUMNS)}
    trip = run.trip
    time_s = run.cycle.time_s
    dt = np.diff(time_s, prepend=time_s[0])
    power = tr["battery_power_w"].copy()
    power[0] = power[1] if len(power) > 1 else 0.0  # the start row holds no step
    frame = pd.DataFrame(
        {
            "time_s": time_s,
            "distance_km": trip.cumulative_distance_m() / 1000.0,
            "speed_kmh": trip.speed_mps * KMH_PER_MPS,
            "achieved_speed_kmh": tr["speed_achieved_mps"] * KMH_PER_MPS,
            "grade_pct": 100.0 * run.cycle.grade,
            "elevation_m": trip.elevation_m if trip.elevation_m is not None else np.nan,
            "ambient_temp_c": run.cycle.ambient_temp_c
            if run.cycle.ambient_temp_c is not None
            else run.conditions.ambient_temp_c,
            "predicted_battery_power_w": power,
            "predicted_battery_energy_kwh": np.cumsum(tr["battery_power_w"] * dt) / J_PER_KWH,
            "predicted_soc_pct": 100.0 * tr["soc"],
            "predicted_cabin_hvac_power_w": tr["cabin_hvac_power_w"],
            "predicted_accessory_power_w": tr["accessory_power_w"],
            "predicted_wheel_power_w": tr["wheel_power_w"],
            "predicted_inertia_power_w": tr["inertia_power_w"],
            "predicted_cabin_temp_c": tr["cabin_temp_c"],
            "predicted_cell_temp_c": tr["cell_temp_c"],
        }
    )
    measured_power = trip.measured_power_w()
    if measured_power is not None:
        frame["measured_battery_power_w"] = measured_power
        steps = 0.5 * (measured_power[1:] + measured_power[:-1]) * np.diff(time_s)
        frame["measured_battery_energy_kwh"] = np.concatenate([[0.0], np.cumsum(steps)]) / J_PER_KWH
    for name in ("measured_soc_pct", "measured_heating_power_w", "measured_aircon_power_w"):
        values = trip.measured.get(name)
        if values is not None:
            frame[name] = values
    return frame
