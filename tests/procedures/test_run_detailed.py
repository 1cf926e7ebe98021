"""``run_detailed``: the same table as ``run`` with the traces a procedure has, and those
traces consistent with the table (launch times, the session's end, the distance driven)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from bevsim.procedures.performance import QUARTER_MILE_M
from bevsim.procedures.registry import REGISTRY
from bevsim.spec import load_vehicle
from bevsim.units import KMH_PER_MPS

CARS = ["ms11-lfp", "tesla-model3-rwd-2022"]


def test_perf_traces_are_the_launches_the_table_timed():
    detailed = REGISTRY["perf"].run_detailed(CARS, load_kg=150.0)
    pd.testing.assert_frame_equal(detailed.table, REGISTRY["perf"].run(CARS, load_kg=150.0))
    assert list(detailed.traces) == CARS
    for car, row in detailed.table.set_index("vehicle_id").iterrows():
        launch = detailed.traces[car]
        assert np.all(np.diff(launch["speed_kmh"]) >= 0.0)  # full throttle from standstill
        t_100 = np.interp(100.0, launch["speed_kmh"], launch["time_s"])
        assert t_100 == pytest.approx(row["accel_0_100_kmh_s"], rel=1e-12)
        t_quarter = np.interp(QUARTER_MILE_M, launch["distance_m"], launch["time_s"])
        assert t_quarter == pytest.approx(row["quarter_mile_s"], rel=1e-12)
        trap_kmh = np.interp(t_quarter, launch["time_s"], launch["speed_kmh"])
        assert trap_kmh == pytest.approx(row["quarter_mile_trap_speed_kmh"], rel=1e-9)
        assert launch["speed_kmh"].max() < row["top_speed_kmh"]  # a quarter mile, not flat out


def test_charge_trace_is_the_session_of_its_row():
    options = {"from_soc": 0.2, "to_soc": 0.7, "charger_kw": 150.0}
    detailed = REGISTRY["charge"].run_detailed(CARS, **options)
    pd.testing.assert_frame_equal(detailed.table, REGISTRY["charge"].run(CARS, **options))
    assert list(detailed.traces) == CARS
    for car, row in detailed.table.set_index("vehicle_id").iterrows():
        session = detailed.traces[car]
        assert session["soc"].iloc[0] == pytest.approx(0.2, abs=0.01)
        assert session["soc"].iloc[-1] == pytest.approx(0.7)
        assert session["time_s"].iloc[-1] / 60.0 == pytest.approx(row["time_min"])
        assert session["voltage_v"].max() == row["max_voltage_v"]
        assert session["voltage_v"].min() == row["min_voltage_v"]
        assert session["power_kw"].max() == pytest.approx(row["peak_power_kw"])
        assert row["peak_power_kw"] < 150.0 + 1e-9  # never above the charger's power


def test_cycle_traces_drive_the_distance_of_the_table():
    detailed = REGISTRY["cycle"].run_detailed(CARS, cycle="udds", load_kg=0.0)
    pd.testing.assert_frame_equal(
        detailed.table, REGISTRY["cycle"].run(CARS, cycle="udds", load_kg=0.0)
    )
    assert list(detailed.traces) == CARS
    for car, row in detailed.table.set_index("vehicle_id").iterrows():
        trace = detailed.traces[car]
        dt_s = np.diff(trace["time_s"]).mean()
        speed_mps = trace["speed_achieved_kmh"] / KMH_PER_MPS
        assert speed_mps.sum() * dt_s / 1000.0 == pytest.approx(row["distance_km"], rel=1e-9)
        assert trace["soc"].iloc[-1] == row["end_soc"]
        assert trace["speed_achieved_kmh"].max() == pytest.approx(91.2, abs=1.0)  # UDDS top


@pytest.mark.parametrize("name", ["cltc", "winter", "autonomy"])
def test_procedures_without_traces_give_none(name):
    options = {"temps_c": (23.0,)} if name == "winter" else {}
    detailed = REGISTRY[name].run_detailed(["ms11-lfp"], **options)
    assert detailed.traces == {}
    assert list(detailed.table["vehicle_id"]) == ["ms11-lfp"]


def test_run_keeps_no_traces():
    """``run`` (what a sweep stores) asks the batch for no traces: the kernel keeps none."""
    procedure = REGISTRY["cycle"]
    result = procedure.batch([load_vehicle("ms11-lfp")], procedure.resolve(cycle="udds"), False)
    assert result.traces == {}
    pd.testing.assert_frame_equal(result.table, procedure.run(["ms11-lfp"], cycle="udds"))
