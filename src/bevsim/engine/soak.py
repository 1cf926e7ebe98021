"""Key-off soak: a parked car's cabin, pack and tires relax toward ambient between two runs.

Both are the lumped capacities of the thermal model (engine/physics/thermal.py) with the car
off: no HVAC, no heater or chiller, no cell heat, standing still (the cabin loses heat through
its shell at rest only; no fan moves fresh air). With a constant ambient the lumped equation
C dT/dt = -UA (T - T_amb) is solved exactly: T = T_amb + (T0 - T_amb) exp(-t UA / C).
The tires cool with their own time constant (engine/tire_temperature.py). SOC is kept (no
standby drain while parked). Temperatures in degC, times in s.
"""

from __future__ import annotations

import math

import numpy as np

from bevsim.engine.compile import CompiledBatch
from bevsim.engine.layout import P
from bevsim.engine.state import VehicleState
from bevsim.engine.tire_temperature import TIRE_COOLING_TIME_S


def key_off_soak(batch: CompiledBatch, state: VehicleState, soak_s: float) -> VehicleState:
    """The state after ``soak_s`` [s] parked at each variant's compiled ambient [degC], from
    ``state`` (one entry per variant of ``batch``)."""
    if not (math.isfinite(soak_s) and soak_s >= 0.0):
        raise ValueError(f"soak_s: expected a duration of 0 s or more, got {soak_s}")
    params = batch.params
    if len(params) != len(state):
        raise ValueError(f"state: {len(state)} variants for a batch of {len(params)}")
    ambient_c = params[:, P.ambient_temp_c]
    cabin_tau_s = params[:, P.cabin_heat_capacity_j_per_k] / params[:, P.cabin_conductance_w_per_k]
    pack_tau_s = params[:, P.pack_heat_capacity_j_per_k] / params[:, P.pack_conductance_w_per_k]
    cabin = _toward_ambient(state.cabin_temp_c, ambient_c, soak_s, cabin_tau_s)
    cell = _toward_ambient(state.cell_temp_c, ambient_c, soak_s, pack_tau_s)
    tire = None
    if state.tire_temp_c is not None:
        tire = _toward_ambient(state.tire_temp_c, ambient_c, soak_s, TIRE_COOLING_TIME_S)
    return VehicleState(state.soc.copy(), cell, cabin, tire)


def _toward_ambient(start_c, ambient_c, soak_s: float, tau_s) -> np.ndarray:
    """Temperatures [degC] after ``soak_s`` [s] of exponential relaxation from ``start_c``
    toward ``ambient_c`` with time constants ``tau_s`` [s] (scalar or per variant)."""
    decay = np.array([math.exp(-soak_s / tau) for tau in np.broadcast_to(tau_s, ambient_c.shape)])
    return ambient_c + (np.asarray(start_c) - ambient_c) * decay
