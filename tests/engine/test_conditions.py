"""Test conditions the model cannot run are refused when a batch is compiled, the same way for
every procedure (issue 17 item 8: one command ran a temperature outside the cell tables at the
table's edge value while another refused it)."""

from __future__ import annotations

import pytest

from bevsim.chemistry import load_chemistry
from bevsim.engine.compile import (
    Conditions,
    ConditionsError,
    compile_vehicles,
    refuse_outside_window,
)
from bevsim.procedures.cycle_run import simulate
from bevsim.spec import load_vehicle


@pytest.mark.parametrize("vehicle_id", ["ms11-lfp", "ms11-naion"])
def test_start_temperatures_must_lie_in_the_cell_tables(vehicle_id):
    spec = load_vehicle(vehicle_id)
    chem = load_chemistry(spec.battery.chemistry)
    low, high = chem.temperature_c[0], chem.temperature_c[-1]
    for edge in (low, high):
        compile_vehicles([spec], Conditions(ambient_temp_c=edge))
    for outside in (low - 0.5, high + 0.5, float("nan")):
        with pytest.raises(ConditionsError, match="ambient temperature .* is outside the"):
            compile_vehicles([spec], Conditions(ambient_temp_c=outside))
    drifted = compile_vehicles([spec], Conditions(ambient_temp_c=23.0, cell_temp_c=high + 5))
    assert drifted.column("cell_temp_c")[0] == high + 5  # carried between legs: clamped in a run


def test_start_soc_a_user_asks_for_must_lie_in_the_usable_window():
    spec = load_vehicle("ms11-lfp")
    low, high = spec.battery.soc_min, spec.battery.soc_max
    for soc in (None, low, 0.5, high):
        refuse_outside_window(spec, soc)
    for soc in (low - 0.01, high + 0.01, 5.0, float("nan")):
        with pytest.raises(ConditionsError, match="start SOC .* is outside its usable window"):
            refuse_outside_window(spec, soc)
        with pytest.raises(ConditionsError, match="ms11-lfp: start SOC"):
            simulate("ms11-lfp", "udds", initial_soc=soc)
