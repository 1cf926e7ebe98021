"""physics.tires on hand-made rows: the tire factor's ISO 28580 law and the warm-up and
cooling steps, compiled and as Python."""

import pytest
from physics_rows import row

from bevsim.engine import tire_temperature as tt
from bevsim.engine.physics.tires import tire_scale, tire_temp_next

WARM_C = 30.0 + tt.equilibrium_rise_k(30.0)
TIRES = dict(ambient_temp_c=30.0, tire_warm_temp_c=WARM_C, tire_rise_k=WARM_C - 30.0)


@pytest.mark.parametrize("jit", [True, False])
def test_the_factor_is_one_on_warm_tires_and_the_iso_law_otherwise(jit):
    scale = tire_scale if jit else tire_scale.py_func
    p = row(**TIRES, tire_share_of_rolling=1.0)
    assert scale(p, WARM_C) == 1.0
    for tire_c in (-20.0, 10.0, 40.0, 70.0):
        law = tt.factor_at_tire_temp(tire_c) / tt.factor_at_tire_temp(WARM_C)
        assert scale(p, tire_c) == pytest.approx(law, rel=1e-12)
    assert scale(p, 10.0) > 1.0 > scale(p, 70.0)
    # only the tires' share moves: half of f0 is bearing and driveline drag
    half = row(**TIRES, tire_share_of_rolling=0.5)
    assert scale(half, 10.0) - 1.0 == pytest.approx(0.5 * (scale(p, 10.0) - 1.0), rel=1e-12)


@pytest.mark.parametrize("jit", [True, False])
def test_rolling_closes_the_gap_per_metre_and_standing_per_second(jit):
    step = tire_temp_next if jit else tire_temp_next.py_func
    p = row(**TIRES)
    gap = WARM_C - 30.0
    # 20 m/s for 2 s: 40 m of the warm-up distance
    rolled = step(p, 30.0, 20.0, 2.0, True)
    assert rolled == pytest.approx(30.0 + gap * 40.0 / tt.TIRE_WARM_UP_DISTANCE_M, rel=1e-12)
    # at rest toward ambient, not toward the warm equilibrium
    stood = step(p, WARM_C, 0.0, 60.0, False)
    assert stood == pytest.approx(WARM_C - gap * 60.0 / tt.TIRE_COOLING_TIME_S, rel=1e-12)
    # at the equilibrium it stays; one long step never overshoots
    assert step(p, WARM_C, 30.0, 1.0, True) == WARM_C
    assert step(p, 0.0, 0.0, 1e9, False) == 30.0
