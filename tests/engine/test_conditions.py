"""Test conditions the model cannot run are refused when a batch is compiled, the same way for
every procedure (issue 17 item 8: one command ran a temperature outside the cell tables at the
table's edge value while another refused it)."""

from __future__ import annotations

import pytest

from bevsim.chemistry import load_chemistry
from bevsim.engine.compile import Conditions, ConditionsError, compile_vehicles
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
    with pytest.raises(ConditionsError, match=f"{vehicle_id}: cell temperature {high + 5:g} degC"):
        compile_vehicles([spec], Conditions(ambient_temp_c=23.0, cell_temp_c=high + 5))


def test_start_soc_must_lie_in_the_usable_window():
    spec = load_vehicle("ms11-lfp")
    low, high = spec.battery.soc_min, spec.battery.soc_max
    for soc in (low, 0.5, high):
        batch = compile_vehicles([spec], Conditions(initial_soc=soc))
        assert batch.column("initial_soc")[0] == soc
    for soc in (low - 0.01, high + 0.01, 5.0, float("nan")):
        with pytest.raises(ConditionsError, match="start SOC .* is outside its usable window"):
            compile_vehicles([spec], Conditions(initial_soc=soc))
