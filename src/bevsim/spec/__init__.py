"""What a vehicle is: the vehicle-file models, the library and the pack derivation."""

from bevsim.spec.loader import (
    list_vehicles,
    load_vehicle,
    load_vehicles,
    read_vehicle_file,
    vehicle_from_dict,
)
from bevsim.spec.models import VehicleSpec
from bevsim.spec.pack import PackDesign, pack_of

__all__ = [
    "PackDesign",
    "VehicleSpec",
    "list_vehicles",
    "load_vehicle",
    "load_vehicles",
    "pack_of",
    "read_vehicle_file",
    "vehicle_from_dict",
]
