"""bevsim: a battery-electric car simulator with one batched, numba-compiled kernel.

Python API::

    import bevsim
    car = bevsim.load_vehicle("ms11-lfp")
    result = bevsim.simulate([car, "tesla-model3-rwd-2022"], "cltc-p", traces=True)
    result.summary        # pandas DataFrame, one row per vehicle, units in column names
    result.traces["ms11-lfp"]
"""

from bevsim.cycles import Cycle, list_cycles, load_cycle
from bevsim.errors import BevsimError
from bevsim.procedures.cycle_run import SimulationResult, simulate
from bevsim.spec import VehicleSpec, list_vehicles, load_vehicle

__version__ = "0.1.0"

__all__ = [
    "BevsimError",
    "Cycle",
    "SimulationResult",
    "VehicleSpec",
    "list_cycles",
    "list_vehicles",
    "load_cycle",
    "load_vehicle",
    "simulate",
]
