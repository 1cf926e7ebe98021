"""The engine facade: a run hands its end state to the next, the state refuses bad values,
the soak relaxes toward ambient, the charging options are named and checked."""

from __future__ import annotations

import math

import numpy as np
import pytest
from numba import get_num_threads

from bevsim.cycles import Cycle, load_cycle
from bevsim.engine.facade import (
    TRACE_COLUMNS,
    Conditions,
    ConditionsError,
    DcSession,
    StateError,
    VehicleState,
    compile_vehicles,
    dc_charge,
    key_off_soak,
    run_cycle,
)
from bevsim.spec import load_vehicle

CAR = "src/bevsim/vehicles/ms11-lfp.yaml"
EXACT_WHEN_NO_LIMIT_BINDS = (
    "speed_achieved_mps",
    "wheel_power_w",
    "aero_power_w",
    "rolling_power_w",
    "inertia_power_w",
    "motor_mech_power_w",
    "motor_loss_w",
    "friction_brake_power_w",
    "battery_power_w",
    "cabin_temp_c",
)
"""Trace channels the polarization restart at a hand-over cannot change while no pack limit
binds: the road, the powertrain and the terminal power follow the speed trace alone."""


@pytest.fixture(scope="module")
def spec():
    return load_vehicle(CAR)


def _part(cycle: Cycle, lo: int, hi: int) -> Cycle:
    return Cycle(
        "part",
        cycle.time_s[lo:hi] - cycle.time_s[lo],
        cycle.speed_mps[lo:hi],
        cycle.grade[lo:hi],
        "test",
    )


def _halves(spec, conditions):
    cycle = load_cycle("wltc-3b")
    batch = compile_vehicles([spec], conditions)
    whole = run_cycle(batch, cycle, traces=True)
    k = len(cycle.time_s) // 2
    first = run_cycle(batch, _part(cycle, 0, k + 1), traces=True)
    second = run_cycle(batch, _part(cycle, k, len(cycle.time_s)), traces=True, state=first.state)
    return whole, first, second, k


def test_two_halves_with_the_state_handed_over_drive_like_one_run(spec):
    whole, first, second, k = _halves(spec, Conditions(initial_soc=0.7))
    assert np.array_equal(first.traces[0], whole.traces[0, : k + 1])
    for name in EXACT_WHEN_NO_LIMIT_BINDS:
        i = TRACE_COLUMNS.index(name)
        assert np.array_equal(second.traces[0, 1:, i], whole.traces[0, k + 1 :, i]), name
    # the polarization restarts at 0 V at the hand-over: only the pack's inside moves, a little
    assert second.state.soc[0] == pytest.approx(whole.state.soc[0], abs=1e-6)
    assert second.state.cell_temp_c[0] == pytest.approx(whole.state.cell_temp_c[0], abs=1e-3)
    split = first.total("terminal_energy_j") + second.total("terminal_energy_j")
    assert split[0] == pytest.approx(whole.total("terminal_energy_j")[0], rel=1e-12)


def test_cold_halves_match_within_the_polarization_share(spec):
    """At -5 degC the cold pack's charge limit caps regen, and that limit depends on the RC
    polarization, which restarts at the hand-over: energies agree to 1e-3, speed exactly."""
    whole, first, second, _ = _halves(
        spec, Conditions(ambient_temp_c=-5.0, hvac_on=True, initial_soc=0.7)
    )
    assert np.array_equal(
        second.trace("speed_achieved_mps")[0],
        whole.trace("speed_achieved_mps")[0, -len(second.time_s) :],
    )
    for name in ("chemical_energy_j", "regen_energy_j", "cabin_hvac_energy_j"):
        split = first.total(name)[0] + second.total(name)[0]
        assert split == pytest.approx(whole.total(name)[0], rel=1e-3), name
    assert second.state.soc[0] == pytest.approx(whole.state.soc[0], abs=5e-5)
    assert second.state.cabin_temp_c[0] == whole.state.cabin_temp_c[0]


def test_a_run_from_its_own_start_state_is_bit_identical(spec):
    batch = compile_vehicles([spec, spec], [Conditions(), Conditions(ambient_temp_c=0.0)])
    cycle = load_cycle("udds")
    plain = run_cycle(batch, cycle, traces=True)
    from_state = run_cycle(batch, cycle, traces=True, state=batch.start_state)
    assert np.array_equal(plain.totals, from_state.totals)
    assert np.array_equal(plain.traces, from_state.traces)


def test_the_state_carries_soc_and_temperatures(spec):
    cold = Conditions(ambient_temp_c=-10.0, hvac_on=True, initial_soc=0.8)
    batch = compile_vehicles([spec], cold)
    start = batch.start_state
    assert (start.soc[0], start.cell_temp_c[0], start.cabin_temp_c[0]) == (0.8, -10.0, -10.0)
    out = run_cycle(batch, load_cycle("udds"), traces=True)
    end = out.state
    assert end.soc[0] == out.trace("soc")[0, -1] < 0.8
    assert end.cabin_temp_c[0] == out.trace("cabin_temp_c")[0, -1] > 10.0  # heated
    assert end.cell_temp_c[0] == out.trace("cell_temp_c")[0, -1] > -10.0  # its own losses
    again = run_cycle(batch, load_cycle("udds"), state=end)
    assert again.state.soc[0] < end.soc[0]
    assert batch.start_state.soc[0] == 0.8  # the batch is not changed by a run from a state


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"soc": [1.5]}, "soc: variant 0 is 1.5"),
        ({"cell_temp_c": [math.nan]}, "cell_temp_c: variant 0 is nan"),
        ({"cabin_temp_c": [-300.0]}, "cabin_temp_c: variant 0 is -300 degC"),
        ({"soc": [0.5, 0.4]}, "expected one length"),
        ({"soc": [[0.5]]}, "soc: expected one value per variant"),
    ],
)
def test_the_state_refuses_bad_values_naming_the_field(fields, named):
    values = {"soc": [0.5], "cell_temp_c": [20.0], "cabin_temp_c": [20.0]} | fields
    with pytest.raises(StateError, match=named.replace("(", r"\(")):
        VehicleState(**values)


def test_a_state_of_another_batch_size_is_refused(spec):
    batch = compile_vehicles([spec, spec])
    one = VehicleState([0.5], [20.0], [20.0])
    with pytest.raises(StateError, match="state of 1 variants for a batch of 2"):
        run_cycle(batch, load_cycle("udds"), state=one)


def test_key_off_soak_relaxes_each_capacity_with_its_own_time_constant(spec):
    batch = compile_vehicles([spec], Conditions(ambient_temp_c=-7.0))
    warm = VehicleState([0.6], [25.0], [21.0])
    cabin_tau_s = (
        batch.column("cabin_heat_capacity_j_per_k")[0]
        / batch.column("cabin_conductance_w_per_k")[0]
    )
    pack_tau_s = (
        batch.column("pack_heat_capacity_j_per_k")[0] / batch.column("pack_conductance_w_per_k")[0]
    )
    after = key_off_soak(batch, warm, cabin_tau_s)
    assert after.cabin_temp_c[0] == pytest.approx(-7.0 + 28.0 / math.e, rel=1e-12)
    assert after.soc[0] == 0.6
    pack = key_off_soak(batch, warm, pack_tau_s)
    assert pack.cell_temp_c[0] == pytest.approx(-7.0 + 32.0 / math.e, rel=1e-12)
    assert key_off_soak(batch, warm, 0.0).cell_temp_c[0] == 25.0
    parked = key_off_soak(batch, warm, 100.0 * max(cabin_tau_s, pack_tau_s))
    assert parked.cabin_temp_c[0] == pytest.approx(-7.0, abs=1e-9)
    assert parked.cell_temp_c[0] == pytest.approx(-7.0, abs=1e-9)
    with pytest.raises(ValueError, match="soak_s"):
        key_off_soak(batch, warm, -1.0)


def _session(**changes) -> DcSession:
    options = {
        "from_soc": 0.1,
        "to_soc": 0.8,
        "charger_power_w": 250e3,
        "charger_max_current_a": 500.0,
        "vehicle_max_power_w": None,
        "vehicle_max_current_a": 500.0,
        "voltage_ceiling_v": 920.0,
        "standby_power_w": 300.0,
        "heating_below_c": 20.0,
        "dt_s": 1.0,
        "max_duration_s": 6 * 3600.0,
    }
    return DcSession(**(options | changes))


def test_dc_session_vehicle_limit_caps_the_inlet_power(spec):
    batch = compile_vehicles([spec], Conditions(initial_soc=0.1))
    free = dc_charge(batch, _session())
    capped = dc_charge(batch, _session(vehicle_max_power_w=50e3))
    assert capped.totals["peak_inlet_power_w"] == pytest.approx(50e3, rel=1e-9)
    assert free.totals["peak_inlet_power_w"] > 50e3
    assert capped.totals["duration_s"] > free.totals["duration_s"]
    assert capped.trace.shape[0] == capped.totals["steps"]
    assert free.totals["final_soc"] == pytest.approx(0.8, abs=1e-9)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("charger_power_w", -5.0),
        ("to_soc", 1.2),
        ("vehicle_max_power_w", 0.0),
        ("dt_s", math.nan),
        ("heating_below_c", math.inf),
    ],
)
def test_dc_session_refuses_bad_options_naming_the_field(field, value):
    with pytest.raises(ConditionsError, match=f"^{field}: expected"):
        _session(**{field: value})


def test_a_batch_of_one_block_leaves_numba_threads_as_they_were(spec):
    before = get_num_threads()
    run_cycle(compile_vehicles([spec]), load_cycle("udds"))
    assert get_num_threads() == before
