"""Public-road conditions (engine/road_conditions.py): sourced, bounded factors; the rolling
energy scales by the surface's factor; a mean wind's drag is symmetric in its direction and
grows with its speed; the defaults leave official runs as they were; bad values are refused."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import bevsim
from bevsim.cycles import load_cycle
from bevsim.engine import road_conditions as rc
from bevsim.engine.compile import Conditions, ConditionsError, compile_vehicles
from bevsim.engine.run import run_cycle
from bevsim.engine.tire_temperature import rolling_resistance_factor

NOTE = Path(__file__).resolve().parents[2] / "docs" / "research" / "road_conditions.md"
PHYSICS_CAR = "hyundai-ioniq6-lr-rwd"  # drag and rolling coefficients, no coast-down
COAST_DOWN_CAR = "tesla-model3-rwd-2022"


def _note_table() -> dict[str, tuple[float, float, float]]:
    """The research note's surface table: surface -> (factor, low, high)."""
    rows = {}
    for match in re.finditer(r"^\| `(\w+)` \| ([\d.]+) \| ([^|]+)\|", NOTE.read_text(), re.M):
        surface, factor, span = match.groups()
        bounds = re.findall(r"[\d.]+", span)
        low, high = (float(bounds[0]), float(bounds[1])) if bounds else (1.0, 1.0)
        rows[surface] = (float(factor), low, high)
    return rows


def test_each_surface_factor_is_the_research_notes_value_and_within_its_range():
    table = _note_table()
    assert set(table) == set(rc.SURFACE_ROLLING_FACTOR)
    for surface, factor in rc.SURFACE_ROLLING_FACTOR.items():
        assert (factor, *rc.SURFACE_ROLLING_FACTOR_RANGE[surface]) == table[surface]
        low, high = rc.SURFACE_ROLLING_FACTOR_RANGE[surface]
        assert 1.0 <= low <= factor <= high <= 3.0
    assert rc.SURFACE_ROLLING_FACTOR[rc.TEST_TRACK] == 1.0


def test_winter_tyre_yaw_and_wind_defaults_are_sourced_and_bounded():
    text = NOTE.read_text()
    low, high = rc.WINTER_TIRE_ROLLING_FACTOR_RANGE
    assert 1.0 <= low <= rc.WINTER_TIRE_ROLLING_FACTOR <= high <= 1.3
    assert "bevsim takes 1.15" in text and rc.WINTER_TIRE_ROLLING_FACTOR == 1.15
    low, high = rc.YAW_DRAG_SENSITIVITY_RANGE_PER_RAD2
    assert low <= rc.YAW_DRAG_SENSITIVITY_PER_RAD2 <= high
    # +10 % at 10 degrees of yaw, as the note derives it
    assert pytest.approx(0.10 / math.radians(10.0) ** 2, 0.01) == rc.YAW_DRAG_SENSITIVITY_PER_RAD2
    assert "k = 3.3 /rad" in text and "*derived* 2 m/s" in text
    assert rc.PUBLIC_ROAD_WIND_SPEED_MPS == 2.0


@pytest.fixture(scope="module")
def wltc():
    return load_cycle("wltc-3b")


def _totals(spec, conditions, cycle):
    return run_cycle(compile_vehicles([spec], [conditions]), cycle)


@pytest.mark.parametrize("surface", ["public_asphalt", "wet", "snow"])
def test_rolling_energy_over_the_test_tracks_is_the_surface_factor(surface, wltc):
    spec = bevsim.load_vehicle(PHYSICS_CAR)
    base = Conditions(added_mass_kg=75.0)
    track = _totals(spec, base, wltc)
    road = _totals(spec, replace(base, road_surface=surface), wltc)
    ratio = road.total("rolling_energy_j")[0] / track.total("rolling_energy_j")[0]
    assert ratio == pytest.approx(rc.SURFACE_ROLLING_FACTOR[surface], rel=1e-9)
    # the drag, the distance and the trace are the same; only the rolling force moved
    assert road.total("aero_energy_j")[0] == pytest.approx(track.total("aero_energy_j")[0])
    assert road.total("distance_m")[0] == pytest.approx(track.total("distance_m")[0])
    winter = _totals(spec, replace(base, road_surface=surface, winter_tires=True), wltc)
    assert winter.total("rolling_energy_j")[0] / road.total("rolling_energy_j")[0] == (
        pytest.approx(rc.WINTER_TIRE_ROLLING_FACTOR, rel=1e-9)
    )


def test_a_coast_down_cars_road_factor_moves_only_the_tyres_share_of_f0():
    spec = bevsim.load_vehicle(COAST_DOWN_CAR)
    track = compile_vehicles([spec], Conditions())
    wet = compile_vehicles([spec], Conditions(road_surface="wet"))
    share = track.column("tire_share_of_rolling")[0]
    assert 0.0 < share < 1.0
    factor = rc.SURFACE_ROLLING_FACTOR["wet"]
    assert wet.column("f0_n")[0] / track.column("f0_n")[0] == pytest.approx(
        1.0 + share * (factor - 1.0)
    )
    # the tyres' rolling force, share x f0, scales by the factor; the rest of f0 stays
    tyres = track.column("f0_n")[0] * share
    assert wet.column("f0_n")[0] * wet.column("tire_share_of_rolling")[0] == pytest.approx(
        factor * tyres
    )
    assert wet.column("f1_n_per_mps")[0] == track.column("f1_n_per_mps")[0]


def test_wind_drag_is_symmetric_in_direction_and_its_mean_is_the_compiled_constant():
    aero, v, w = 0.35, 25.0, 2.0
    angles = np.linspace(0.0, 2.0 * math.pi, 3601)[:-1]
    forces = np.array([rc.yawed_drag_force_n(aero, v, w, a) for a in angles])
    mirrored = np.array([rc.yawed_drag_force_n(aero, v, w, -a) for a in angles])
    assert np.allclose(forces, mirrored, rtol=1e-12)
    extra = forces.mean() - aero * v * v
    assert extra == pytest.approx(rc.mean_wind_drag_force_n(aero, w), rel=0.02)
    assert rc.yawed_drag_force_n(aero, v, 0.0, 1.0) == pytest.approx(aero * v * v)
    # a head wind costs more than a tail wind saves; a cross wind adds drag through yaw
    head, tail = rc.yawed_drag_force_n(aero, v, w, 0.0), rc.yawed_drag_force_n(aero, v, w, math.pi)
    assert head - aero * v * v > aero * v * v - tail > 0.0
    assert rc.yawed_drag_force_n(aero, v, w, math.pi / 2) > aero * (v * v + w * w)
    winds = [rc.mean_wind_drag_force_n(aero, x) for x in (0.0, 1.0, 2.0, 4.0)]
    assert winds[0] == 0.0 and np.all(np.diff(winds) > 0.0)


@pytest.mark.parametrize("car", [PHYSICS_CAR, COAST_DOWN_CAR])
def test_wind_adds_drag_energy_in_proportion_to_the_distance(car, wltc):
    spec = bevsim.load_vehicle(car)
    calm = _totals(spec, Conditions(), wltc)
    windy_conditions = Conditions(wind_speed_mps=3.0)
    windy = _totals(spec, windy_conditions, wltc)
    force = compile_vehicles([spec], windy_conditions).column("wind_drag_force_n")[0]
    assert force > 0.0
    extra_j = windy.total("aero_energy_j")[0] - calm.total("aero_energy_j")[0]
    assert extra_j == pytest.approx(force * calm.total("distance_m")[0], rel=1e-3)
    assert windy.total("rolling_energy_j")[0] == pytest.approx(calm.total("rolling_energy_j")[0])


def test_the_defaults_are_the_coast_down_track_in_still_air():
    spec = bevsim.load_vehicle(PHYSICS_CAR)
    cond = Conditions()
    assert (cond.road_surface, cond.winter_tires, cond.wind_speed_mps) == ("test_track", False, 0)
    batch = compile_vehicles([spec], cond)
    assert batch.column("wind_drag_force_n")[0] == 0.0
    expected = spec.tires.rolling_resistance_coefficient * rolling_resistance_factor(23.0)
    assert batch.column("rolling_resistance_coefficient")[0] == expected


def test_official_procedures_keep_the_test_track(wltc):
    """A WLTP range run through the registry is the same as a run on explicit track conditions."""
    from bevsim.procedures.registry import get_procedure

    spec = bevsim.load_vehicle(PHYSICS_CAR)
    official = get_procedure("wltp").run([spec])["range_km"].iloc[0]
    again = get_procedure("wltp").run([spec])["range_km"].iloc[0]
    assert official == again
    track = Conditions(road_surface="test_track", winter_tires=False, wind_speed_mps=0.0)
    assert compile_vehicles([spec], track).params.tobytes() == (
        compile_vehicles([spec], Conditions()).params.tobytes()
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("road_surface", "ice"),
        ("wind_speed_mps", -1.0),
        ("wind_speed_mps", math.nan),
        ("wind_speed_mps", 45.0),
        ("winter_tires", "yes"),
    ],
)
def test_bad_road_conditions_are_refused_naming_the_field(field, value):
    with pytest.raises(ConditionsError, match=field):
        Conditions(**{field: value})
