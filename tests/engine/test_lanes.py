"""The kernel steps variants side by side in blocks of LANES: a variant's result must not depend
on its block, its lane, the spare lanes of a short block, or when its neighbours stop."""

import numpy as np

import bevsim
from bevsim.cycles import Cycle
from bevsim.engine.compile import compile_vehicles
from bevsim.engine.layout import TOTAL_COLUMNS, TRACE_COLUMNS, P
from bevsim.engine.params import LANES
from bevsim.engine.run import run_cycle
from bevsim.spec import vehicle_from_dict
from bevsim.units import GRAVITY_MPS2

COL = {name: i for i, name in enumerate(TOTAL_COLUMNS)}
TRC = {name: i for i, name in enumerate(TRACE_COLUMNS)}


def _packs(n: int) -> list:
    """n variants of ms11-lfp whose packs (cells of 50-150 Ah) deplete at different cycles."""
    base = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    specs = []
    for k, capacity_ah in enumerate(np.linspace(50.0, 150.0, n)):
        data = {**base, "id": f"pack-{k}", "battery": {**base["battery"]}}
        data["battery"]["cell_capacity_ah"] = float(capacity_ah)
        specs.append(vehicle_from_dict(data))
    return specs


def test_depletion_results_do_not_depend_on_the_block_or_on_neighbours_that_stop_earlier():
    n = LANES + 13  # one full block and a short one with spare lanes
    specs = _packs(n)
    cycle = bevsim.load_cycle("cltc-p").repeated(60)
    batch = run_cycle(compile_vehicles(specs), cycle, break_off_s=4.0).totals
    assert batch[:, COL["broke_off"]].min() == 1.0
    steps = batch[:, COL["steps"]]
    assert steps.max() > 2.5 * steps.min()  # neighbours really stop at different steps
    for k in (0, LANES - 1, LANES, n - 1):
        alone = run_cycle(compile_vehicles([specs[k]]), cycle, break_off_s=4.0).totals[0]
        np.testing.assert_array_equal(batch[k], alone)
    shuffled = np.random.default_rng(3).permutation(n)
    again = run_cycle(compile_vehicles([specs[i] for i in shuffled]), cycle, break_off_s=4.0)
    np.testing.assert_array_equal(again.totals, batch[shuffled])


def test_braking_beyond_the_tires_decelerates_at_the_friction_limit_in_any_lane():
    """A trace asking 30 m/s to 0 in one second: the lane re-solved for skidding brakes at the
    tires' force plus the road loads, the same in every lane."""
    time_s = np.arange(0.0, 12.0)
    speed = np.where(time_s < 6.0, 30.0, 0.0)
    speed[:6] = np.linspace(0.0, 30.0, 6)  # an (impossible) launch the car falls behind on
    cycle = Cycle("panic-stop", time_s, speed, np.zeros_like(time_s))
    spec = bevsim.load_vehicle("ms11-naion")
    batch = compile_vehicles([spec] * (LANES + 1))
    out = run_cycle(batch, cycle, traces=True)
    traces = out.traces
    for k in range(1, LANES + 1):
        np.testing.assert_array_equal(traces[k], traces[0])
    achieved = traces[0][:, TRC["speed_achieved_mps"]]
    params = batch.params[0]
    step = int(np.argmax(np.diff(speed) < -20.0)) + 1  # the step that asks for 0
    v1, v2 = achieved[step - 1], achieved[step]
    assert v2 > 0.0  # it cannot stop in one second
    decel = (v1 - v2) / 1.0
    tires = params[P.braking_force_max_n] / params[P.inertial_mass_kg]
    # the tires' force plus the road loads (about 1 % of it at this speed)
    assert tires < decel < 1.03 * tires
    assert decel < 1.3 * GRAVITY_MPS2  # tire friction, not the trace
    assert traces[0][step, TRC["friction_brake_power_w"]] > 0.0
