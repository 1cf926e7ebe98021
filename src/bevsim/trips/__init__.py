"""Logged trips: the Trip type, readers for bevsim's trip CSV, GPX and TeslaMate, grade from
elevation, and splitting at gaps and charging stops."""

from bevsim.trips.grade import grade_from_elevation
from bevsim.trips.model import Trip, TripError, TripMetadata, check_unbroken, split_trip
from bevsim.trips.read import read_trip

__all__ = [
    "Trip",
    "TripError",
    "TripMetadata",
    "check_unbroken",
    "grade_from_elevation",
    "read_trip",
    "split_trip",
]
