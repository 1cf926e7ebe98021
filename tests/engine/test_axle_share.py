"""The drive-cycle kernel's traction limit follows the chassis' axle loads (issue 12)."""

from __future__ import annotations

import pytest

from bevsim.engine.compile import GRAVITY_MPS2, compile_vehicles
from bevsim.spec import list_vehicles, load_vehicle


@pytest.mark.parametrize("vehicle_id", list_vehicles())
def test_traction_limit_is_friction_times_the_driven_axles_static_load(vehicle_id):
    spec = load_vehicle(vehicle_id)
    batch = compile_vehicles([spec])
    layout = spec.drive.layout
    front = spec.chassis.front_share(layout)
    share = {"fwd": front, "rwd": 1.0 - front, "awd": 1.0}[layout]
    weight = batch.column("mass_kg")[0] * GRAVITY_MPS2
    expected = spec.drive.tire_road_friction * weight * share
    assert batch.column("traction_force_max_n")[0] == pytest.approx(expected)


def test_a_heavier_front_axle_gives_a_front_driven_car_more_traction():
    spec = load_vehicle("byd-dolphin-60kwh")
    assert spec.drive.layout == "fwd"
    heavy = spec.model_copy(
        update={"chassis": spec.chassis.model_copy(update={"front_axle_load_share": 0.65})}
    )
    light = spec.model_copy(
        update={"chassis": spec.chassis.model_copy(update={"front_axle_load_share": 0.55})}
    )
    limits = compile_vehicles([heavy, light]).column("traction_force_max_n")
    assert limits[0] / limits[1] == pytest.approx(0.65 / 0.55)
