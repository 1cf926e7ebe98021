"""The engine as procedures, autonomy and trips see it: compile, run, state in and out.

Everything outside ``bevsim.engine`` imports from here, never from the kernel, the column
layout or a private name:

- compile: :func:`compile_vehicles` (specs and :class:`Conditions` in, a :class:`CompiledBatch`
  out), the checks every procedure shares (:func:`refuse_outside_tables`,
  :func:`refuse_outside_window`);
- run: :func:`run_cycle` drives a batch over a cycle, from its compiled conditions or from a
  :class:`VehicleState`, and returns a :class:`BatchOutput` whose ``state`` the next run takes;
  totals and traces by name (:data:`TOTAL_COLUMNS`, :data:`TRACE_COLUMNS`);
- between runs: :func:`key_off_soak` (a parked car cooling or warming toward ambient);
- on the plug: :func:`ac_charge` (grid charging to a target SOC) and :func:`dc_charge` (one DC
  fast-charging session, its options in :class:`DcSession`);
- the full-throttle model for acceleration, top speed and grade (engine/performance.py);
- the road's conditions :class:`Conditions` takes: surfaces (:data:`SURFACE_ROLLING_FACTOR`),
  the test track and public-road defaults (engine/road_conditions.py).

Units: SI in names ([W], [A], [V], [s], [J]), temperatures in degC, SOC as a fraction [-].
"""

from __future__ import annotations

from bevsim.engine.charge_sessions import (
    CHARGE_COLUMNS,
    DC_LIMITERS,
    DC_TOTALS,
    DC_TRACE,
    DcSession,
    DcSessionOutput,
    ac_charge,
    dc_charge,
)
from bevsim.engine.compile import (
    CompiledBatch,
    Conditions,
    ConditionsError,
    compile_vehicles,
    dry_air_density_kg_per_m3,
    pack_heat_capacity_j_per_k,
    refuse_outside_tables,
    refuse_outside_window,
)
from bevsim.engine.kernel import TRACE_TOLERANCE_MPS
from bevsim.engine.layout import ENERGY_SINKS, TOTAL_COLUMNS, TRACE_COLUMNS
from bevsim.engine.performance import LIMITERS as PERFORMANCE_LIMITERS
from bevsim.engine.performance import N_TRACE as PERFORMANCE_TRACE_LENGTH
from bevsim.engine.performance import (
    SPEED_LIMITER,
    compile_performance,
    launch,
    max_grade,
    max_road_speed_mps,
    rested_pack_available_w,
    top_speed,
)
from bevsim.engine.performance import TRACE_COLUMNS as PERFORMANCE_TRACE_COLUMNS
from bevsim.engine.performance import VEHICLE_COLUMNS as PERFORMANCE_VEHICLE_COLUMNS
from bevsim.engine.road_conditions import (
    MAX_WIND_SPEED_MPS,
    PUBLIC_ASPHALT,
    PUBLIC_ROAD_WIND_SPEED_MPS,
    SURFACE_ROLLING_FACTOR,
    TEST_TRACK,
)
from bevsim.engine.run import DEFAULT_DT_S, BatchOutput, run_cycle
from bevsim.engine.soak import key_off_soak
from bevsim.engine.state import StateError, VehicleState
from bevsim.engine.tire_temperature import ROLLING_RESISTANCE_REFERENCE_C

__all__ = [
    "CHARGE_COLUMNS",
    "DC_LIMITERS",
    "DC_TOTALS",
    "DC_TRACE",
    "DEFAULT_DT_S",
    "ENERGY_SINKS",
    "MAX_WIND_SPEED_MPS",
    "PUBLIC_ASPHALT",
    "PUBLIC_ROAD_WIND_SPEED_MPS",
    "PERFORMANCE_LIMITERS",
    "PERFORMANCE_TRACE_COLUMNS",
    "PERFORMANCE_TRACE_LENGTH",
    "PERFORMANCE_VEHICLE_COLUMNS",
    "ROLLING_RESISTANCE_REFERENCE_C",
    "SPEED_LIMITER",
    "SURFACE_ROLLING_FACTOR",
    "TEST_TRACK",
    "TOTAL_COLUMNS",
    "TRACE_COLUMNS",
    "TRACE_TOLERANCE_MPS",
    "BatchOutput",
    "CompiledBatch",
    "Conditions",
    "ConditionsError",
    "DcSession",
    "DcSessionOutput",
    "StateError",
    "VehicleState",
    "ac_charge",
    "compile_performance",
    "compile_vehicles",
    "dc_charge",
    "dry_air_density_kg_per_m3",
    "key_off_soak",
    "launch",
    "max_grade",
    "max_road_speed_mps",
    "pack_heat_capacity_j_per_k",
    "refuse_outside_tables",
    "refuse_outside_window",
    "rested_pack_available_w",
    "run_cycle",
    "top_speed",
]
