"""Pack waste heat to the cabin (issue 14 item 1): the cells' loss heat of a warm pack heats
the cabin and leaves the pack's heat balance; the books close on both sides, and the official
23 degC procedures (HVAC off) do not move."""

import pytest

import bevsim
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import ENERGY_SINKS, TOTAL_COLUMNS
from bevsim.engine.run import run_cycle
from bevsim.spec import vehicle_from_dict

AMBIENT_C = -10.0
WARM_PACK_C = 25.0  # preconditioned above the 15 degC recovery threshold


def _spec(vehicle_id="ms11-lfp", **thermal_fields):
    data = bevsim.load_vehicle(vehicle_id).model_dump(exclude_none=True)
    data["thermal"].update(thermal_fields)
    return vehicle_from_dict(data)


def _run(spec, conditions, cycle="wltc-3b"):
    batch = compile_vehicles([spec], conditions)
    out = run_cycle(batch, bevsim.load_cycle(cycle))
    return batch, dict(zip(TOTAL_COLUMNS, out.totals[0], strict=True))


WARM = Conditions(
    added_mass_kg=100.0, ambient_temp_c=AMBIENT_C, hvac_on=True, cell_temp_c=WARM_PACK_C
)


def test_recovered_heat_leaves_the_pack_and_the_pack_books_close():
    batch, t = _run(_spec(), WARM)
    recovered = t["pack_heat_recovered_j"]
    assert recovered > 0.2 * t["battery_heat_generated_j"]
    c_pack = batch.column("pack_heat_capacity_j_per_k")[0]
    stored = c_pack * (t["final_cell_temp_c"] - WARM_PACK_C)
    net_in = t["battery_heat_generated_j"] + t["battery_heater_heat_j"]
    out = t["pack_heat_to_ambient_j"] + recovered
    assert stored == pytest.approx(net_in - out, rel=1e-9, abs=1.0)
    # leaving the recovered heat out (or taking it twice) would miss by a thousand tolerances
    assert recovered > 1e3 * max(1e-9 * abs(stored), 1.0)
    # the electric books are untouched: recovered heat is not electric energy
    assert sum(t[k] for k in ENERGY_SINKS) == pytest.approx(t["chemical_energy_j"], rel=1e-3)


def test_cabin_gets_the_recovered_heat_once():
    """A PTC-heated cabin with the pack's heat routed to it (a coolant heater core) and no
    drive-unit recovery: cabin heat = electric heat + the heat taken from the pack, and the
    electricity saved is exactly that heat."""
    spec = _spec(cabin_heating="ptc", drive_unit_heat_recovery=0.0, pack_heat_recovery=1.0)
    _, t = _run(spec, WARM)
    recovered = t["pack_heat_recovered_j"]
    assert recovered > 1e4
    assert t["cabin_heat_j"] == pytest.approx(t["cabin_hvac_energy_j"] + recovered, rel=1e-9)
    _, none = _run(_spec(cabin_heating="ptc", drive_unit_heat_recovery=0.0), WARM)
    assert none["pack_heat_recovered_j"] == 0.0
    assert none["cabin_heat_j"] == pytest.approx(t["cabin_heat_j"], rel=1e-9)
    saved = none["cabin_hvac_energy_j"] - t["cabin_hvac_energy_j"]
    assert saved == pytest.approx(recovered, rel=1e-6)
    # the pack, giving its heat away, ends colder
    assert t["final_cell_temp_c"] < none["final_cell_temp_c"]


def test_a_cold_pack_keeps_its_heat():
    """Cold-soaked at -10 degC the cells never pass 15 degC on one WLTC: nothing is taken."""
    cold = Conditions(added_mass_kg=100.0, ambient_temp_c=AMBIENT_C, hvac_on=True)
    _, t = _run(_spec(), cold)
    assert t["final_cell_temp_c"] < 15.0
    assert t["pack_heat_recovered_j"] == 0.0


@pytest.mark.parametrize("cycle", ["cltc", "wltc-3b"])
def test_official_23_c_runs_do_not_move_with_the_recovery_share(cycle):
    """HVAC off at 23 degC (CLTC, WLTP): bit for bit the same whatever the share."""
    official = Conditions(added_mass_kg=100.0)
    _, base = _run(_spec(pack_heat_recovery=0.0), official, cycle)
    _, full = _run(_spec(pack_heat_recovery=1.0, pack_heat_recovery_above_c=-5.0), official, cycle)
    assert base == full
    assert full["pack_heat_recovered_j"] == 0.0
