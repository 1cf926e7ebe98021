"""GPX 1.1 tracks as trips: time and elevation from the track points, speed from positions.

Every track point of every track and segment, in file order, must carry ``<time>``; a point
without ``<ele>`` makes the whole trip flat only if no point has one (else it is an error).
Speed [m/s] is the rate of change of the travelled distance (haversine between consecutive
positions, gpxpy.geo) by central differences, so the trip's distance is the track's length.
Points logged twice at the same time are merged (the first is kept). The ambient temperature
is read from Garmin's TrackPointExtension ``atemp`` [degC] when every point has it.
"""

from __future__ import annotations

from pathlib import Path

import gpxpy
import gpxpy.gpx
import numpy as np
from gpxpy.geo import haversine_distance

from bevsim.trips.csv_log import check_time
from bevsim.trips.model import Trip, TripError, TripMetadata

MAX_SPEED_MPS = 400.0 / 3.6
"""Faster than this between two points is a position error, not driving."""


def read_trip_gpx(path: Path) -> Trip:
    """Read a GPX 1.1 file's track points as a trip (see the module docstring)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
        gpx = gpxpy.parse(text)
    except (OSError, UnicodeDecodeError) as exc:
        raise TripError(f"{path}: cannot read GPX file: {exc}") from None
    except gpxpy.gpx.GPXException as exc:
        message = " ".join(str(exc).split())
        raise TripError(f"{path}: invalid GPX: {message}") from None
    points = [p for track in gpx.tracks for seg in track.segments for p in seg.points]
    if len(points) < 2:
        raise TripError(f"{path}: expected a track with at least 2 points, got {len(points)}")
    places = [f"track point {k}" for k in range(1, len(points) + 1)]
    for point, place in zip(points, places, strict=True):
        if point.time is None:
            raise TripError(f"{path}: {place}: <time>: missing; every point needs a time")
    t0 = points[0].time
    time_s = np.array([(p.time - t0).total_seconds() for p in points])
    keep = np.concatenate([[True], np.diff(time_s) != 0.0])
    points = [p for p, k in zip(points, keep, strict=True) if k]
    places = [p for p, k in zip(places, keep, strict=True) if k]
    time_s = time_s[keep]
    check_time(path, time_s, places)
    step_m = np.array(
        [
            haversine_distance(a.latitude, a.longitude, b.latitude, b.longitude)
            for a, b in zip(points[:-1], points[1:], strict=True)
        ]
    )
    for i in np.flatnonzero(step_m / np.diff(time_s) > MAX_SPEED_MPS)[:1]:
        raise TripError(
            f"{path}: {places[i + 1]}: position: {step_m[i]:.0f} m from the previous point in "
            f"{time_s[i + 1] - time_s[i]:g} s; expected at most {MAX_SPEED_MPS * 3.6:g} km/h"
        )
    distance_m = np.concatenate([[0.0], np.cumsum(step_m)])
    speed_mps = np.clip(np.gradient(distance_m, time_s), 0.0, None)
    return Trip(
        name=path.stem,
        source=str(path),
        time_s=time_s,
        speed_mps=speed_mps,
        elevation_m=_elevation(path, points, places),
        ambient_temp_c=_ambient(points),
        metadata=TripMetadata(),
        places=tuple(places),
    )


def _elevation(path: Path, points: list, places: list[str]) -> np.ndarray | None:
    missing = [k for k, p in enumerate(points) if p.elevation is None]
    if len(missing) == len(points):
        return None
    if missing:
        raise TripError(f"{path}: {places[missing[0]]}: <ele>: missing while other points have one")
    return np.array([float(p.elevation) for p in points])


def _ambient(points: list) -> np.ndarray | None:
    """Garmin TrackPointExtension atemp [degC] of every point, or None."""
    values = []
    for point in points:
        found = None
        for ext in point.extensions:
            for node in ext.iter():
                if str(node.tag).endswith("atemp") and node.text:
                    try:
                        found = float(node.text)
                    except ValueError:
                        found = None
        if found is None:
            return None
        values.append(found)
    return np.array(values)
