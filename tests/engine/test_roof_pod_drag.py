"""A roof sensor pod's drag reaches the kernel for coast-down cars too (issue 12's bug)."""

from __future__ import annotations

import numpy as np
import pytest

from bevsim.cycles import load_cycle
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import TOTAL_COLUMNS
from bevsim.engine.run import run_cycle
from bevsim.spec import load_vehicle
from bevsim.spec.models import Autonomy


def test_a_coast_down_car_with_a_roof_pod_pays_its_drag_on_the_highway():
    base = load_vehicle("tesla-model3-rwd-2022")
    assert base.road_load is not None
    stack = Autonomy(lidar="hesai-at128", compute_power_w=0.0, sensor_power_w=0.0)
    pod = base.model_copy(update={"autonomy": stack})
    area = pod.autonomy.roof_drag_area_m2
    assert area > 0
    cycle = load_cycle("hwfet")
    out = run_cycle(compile_vehicles([base, pod]), cycle)
    aero = out.totals[:, TOTAL_COLUMNS.index("aero_energy_j")]
    # the added aero work is 0.5 rho dCdA integral(v^3 dt) over the trace
    trace = cycle.resampled(1.0)
    v_mid = 0.5 * (trace.speed_mps[1:] + trace.speed_mps[:-1])
    expected = (
        0.5 * Conditions().air_density * area * float(np.sum(v_mid**3 * np.diff(trace.time_s)))
    )
    assert aero[1] - aero[0] == pytest.approx(expected, rel=0.05)
