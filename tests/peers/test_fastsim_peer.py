"""Peer check: bevsim with FASTSim 3.1's "2022 Tesla Model 3 RWD" parameters, run side by side
with FASTSim in this process, gives the same battery energy on UDDS and HWFET within 3 %.

FASTSim's battery is a constant efficiency and bevsim's an equivalent circuit, so the energy
compared is the electrical energy at the pack terminals (net of regen), which both models
compute from the same powertrain: road load, wheel inertia, transmission, motor efficiency
(FASTSim's step table over power fraction, fixed regen efficiency) and accessory load.
"""

import pytest

fastsim_peer = pytest.importorskip("bevsim.peers.fastsim_peer")
pytest.importorskip("fastsim")

from bevsim.cycles import load_cycle  # noqa: E402
from bevsim.engine.compile import compile_vehicles  # noqa: E402
from bevsim.engine.layout import TOTAL_COLUMNS  # noqa: E402
from bevsim.engine.run import run_cycle  # noqa: E402
from bevsim.peers.fastsim_equivalent import bevsim_model3_equivalent  # noqa: E402

pytestmark = pytest.mark.peer
TOLERANCE = 0.03


@pytest.fixture(scope="module")
def model3_batch(tmp_path_factory):
    map_path = tmp_path_factory.mktemp("peer") / "fastsim_model3_motor.csv"
    spec, conditions = bevsim_model3_equivalent(map_path)
    return compile_vehicles([spec], conditions)


@pytest.mark.parametrize("cycle", ["udds", "hwfet"])
def test_battery_energy_within_3_percent_of_fastsim(model3_batch, cycle):
    peer = fastsim_peer.run_model3(cycle)
    totals = run_cycle(model3_batch, load_cycle(cycle)).totals[0]
    ours = dict(zip(TOTAL_COLUMNS, totals, strict=True))
    assert ours["distance_m"] == pytest.approx(peer["distance_m"], rel=1e-3)
    assert ours["terminal_energy_j"] == pytest.approx(
        peer["battery_electrical_energy_j"], rel=TOLERANCE
    )
    assert ours["accessory_energy_j"] == pytest.approx(peer["accessory_energy_j"], rel=1e-3)


def test_the_equivalent_uses_fastsims_own_parameters(model3_batch):
    params = fastsim_peer.model3_parameters()
    column = model3_batch.column
    assert column("mass_kg")[0] == params["mass_kg"]
    assert column("drag_area_m2")[0] == pytest.approx(
        params["drag_coefficient"] * params["frontal_area_m2"]
    )
    assert column("air_density_kg_per_m3")[0] == params["air_density_kg_per_m3"]
    assert column("inertial_mass_kg")[0] == pytest.approx(
        params["mass_kg"] + params["equivalent_wheel_inertia_mass_kg"]
    )
    assert column("motor_peak_power_w")[0] == params["motor_peak_power_w"]
    assert column("accessory_power_w")[0] == params["accessory_power_w"]
