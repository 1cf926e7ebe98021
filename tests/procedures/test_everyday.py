"""Everyday use: a day of short trips with the car parked and cooling between them. Energy books
over the day, parking and trip-splitting costs in the cold, the trip cycle, and bad input."""

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.cycles import Cycle
from bevsim.engine.facade import PUBLIC_ASPHALT
from bevsim.errors import BevsimError
from bevsim.procedures.everyday import everyday_day, everyday_test, trip_cycle
from bevsim.procedures.range_common import ENERGY_USE, Environment
from bevsim.procedures.registry import get_procedure

ID3 = "vw-id3-pro-58kwh-2020"


def _wltc_window(start_s: float, end_s: float) -> Cycle:
    """The WLTC 3b between two of its standstills [s], its clock restarted at zero."""
    wltc = bevsim.load_cycle("wltc-3b")
    keep = (wltc.time_s >= start_s) & (wltc.time_s <= end_s)
    return Cycle(
        f"wltc {start_s:g}-{end_s:g} s",
        wltc.time_s[keep] - start_s,
        wltc.speed_mps[keep],
        wltc.grade[keep],
    )


ONE_TRIP = [_wltc_window(0.0, 1477.0)]
"""The WLTC's low, medium and high phases as one trip."""
THREE_TRIPS = [_wltc_window(0.0, 589.0), _wltc_window(589.0, 1022.0), _wltc_window(1022.0, 1477.0)]
"""The same trace as three trips, one phase each (each phase starts and ends at a standstill)."""


def _day(trips, parked_h, ambient_c, hvac_on):
    env = Environment(ambient_c, hvac_on, road_surface=PUBLIC_ASPHALT)
    return everyday_day([bevsim.load_vehicle(ID3)], trips, 3600.0 * parked_h, env).iloc[0]


def test_trip_ends_at_the_standstill_nearest_its_length():
    trip = trip_cycle(15.0)  # MiD's mean car trip: the WLTC's low, medium and high phases
    assert trip.distance_m == pytest.approx(15012.0, abs=5.0)
    assert trip.speed_mps[-1] == 0.0 and trip.speed_mps[0] == 0.0
    for km in (2.0, 7.0, 40.0, 60.0):  # short ones inside the low phase, long ones repeated
        trip = trip_cycle(km)
        assert trip.speed_mps[-1] == 0.0
        assert abs(trip.distance_m / 1000.0 - km) < 0.5 * max(km, 2.0)


@pytest.mark.parametrize("ambient_c", [-10.0, 23.0])
def test_energy_books_close_over_a_multi_trip_day(ambient_c):
    row = everyday_test(ID3, ambient_c, trips_per_day=3, trip_km=5.0, parked_h=1.5)
    r = row.iloc[0]
    assert r["day_distance_km"] == pytest.approx(3 * trip_cycle(5.0).distance_m / 1000.0)
    # trips start and end at rest: the energy from the terminals went to the road, the drive
    # unit and brakes, the cabin, the pack heater and the low-voltage loads
    into = sum(r[name] for name in ENERGY_USE if name != "battery_losses_kwh")
    assert into == pytest.approx(r["battery_energy_kwh"], rel=2e-3)
    assert r["battery_consumption_kwh_per_100km"] == pytest.approx(
        100.0 * r["battery_energy_kwh"] / r["day_distance_km"]
    )
    # the wall pays the charger's and the cells' losses on top
    assert r["recharge_energy_kwh"] > r["battery_energy_kwh"]


def test_a_longer_park_costs_more_heating_per_km():
    short, long = (
        everyday_test(ID3, 0.0, trips_per_day=3, trip_km=5.0, parked_h=h).iloc[0]
        for h in (0.25, 4.0)
    )
    assert long["cabin_hvac_kwh"] > 1.2 * short["cabin_hvac_kwh"]
    assert long["battery_consumption_kwh_per_100km"] > short["battery_consumption_kwh_per_100km"]


def test_more_shorter_trips_cost_more_per_km_in_the_cold_and_about_nothing_at_23c():
    """The same trace driven as one trip or as three with 2 h parks between them."""
    per_km = "battery_consumption_kwh_per_100km"
    cold = _day(THREE_TRIPS, 2.0, -5.0, True)[per_km] / _day(ONE_TRIP, 2.0, -5.0, True)[per_km]
    warm = _day(THREE_TRIPS, 2.0, 23.0, False)[per_km] / _day(ONE_TRIP, 2.0, 23.0, False)[per_km]
    assert cold > 1.10  # the cabin heated again from cold twice more
    assert abs(warm - 1.0) < 0.03  # only the tyres cooling while parked
    assert cold - 1.0 > 5.0 * abs(warm - 1.0)
    # without a park between them the three trips are the one trip
    joined = _day(THREE_TRIPS, 0.0, -5.0, True)[per_km] / _day(ONE_TRIP, 0.0, -5.0, True)[per_km]
    assert joined == pytest.approx(1.0, abs=2e-3)


def test_the_day_starts_from_the_overnight_park_not_a_full_soak():
    """The pack's time constant is hours: after an overnight park it is still above ambient."""
    r = everyday_test(ID3, -10.0, trips_per_day=4, trip_km=15.0).iloc[0]
    assert -10.0 < r["start_cell_temp_c"] < 0.0


def test_preconditioning_lowers_the_battery_energy_of_a_cold_day():
    plain, warm = (
        everyday_test(ID3, -10.0, trips_per_day=2, trip_km=5.0, precondition=p).iloc[0]
        for p in (False, True)
    )
    assert warm["battery_energy_kwh"] < plain["battery_energy_kwh"]


def test_registry_runs_the_everyday_procedure():
    table = get_procedure("everyday").run([ID3], ambient_temp_c=5.0, trips_per_day=2, trip_km=4.0)
    assert list(table["trips_per_day"]) == [2]
    assert np.isfinite(table["consumption_kwh_per_100km"]).all()


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"trips_per_day": 0}, "trips_per_day: expected 1 to 24 trips, got 0"),
        ({"trips_per_day": 2.5}, "trips_per_day: expected a whole number"),
        ({"trips_per_day": True}, "trips_per_day: expected a whole number"),
        ({"trip_km": -3.0}, "trip_km: expected a number above 0"),
        ({"trip_km": 0.0}, "trip_km: expected a number above 0"),
        ({"parked_h": -1.0}, "parked_h: expected a number at least 0"),
        ({"parked_h": float("nan")}, "parked_h: expected a number"),
        ({"trips_per_day": 24, "trip_km": 60.0, "parked_h": 1.0}, "take more than 24 h"),
        ({"load_kg": -10.0}, "load_kg: expected a number at least 0"),
    ],
)
def test_bad_day_is_refused_naming_the_field(options, words):
    with pytest.raises(BevsimError, match=words):
        everyday_test(ID3, 0.0, **options)


def test_registry_refuses_a_bad_trip_count_by_name():
    with pytest.raises(BevsimError, match="trips_per_day"):
        get_procedure("everyday").run([ID3], trips_per_day=-2)


def test_cli_winter_everyday_gives_battery_and_wall_per_km_and_refuses_bad_trips():
    from typer.testing import CliRunner

    from bevsim.cli.main import app

    runner = CliRunner()
    args = ["winter", ID3, "--everyday", "--temps", "0", "--trips", "2", "--trip-km", "4"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    assert '"consumption_retained"' in result.stdout and '"trips_per_day": 2' in result.stdout
    bad = runner.invoke(app, [*args[:-4], "--trips", "0"])
    assert bad.exit_code != 0 and "trips_per_day: expected 1 to 24" in bad.output


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    ambient_c=st.floats(-20.0, 35.0),
    parked_h=st.floats(0.0, 6.0),
    trips=st.integers(1, 3),
    hvac_on=st.booleans(),
)
def test_any_day_closes_its_books_and_pays_the_wall_more(ambient_c, parked_h, trips, hvac_on):
    r = everyday_test(
        ID3, ambient_c, trips_per_day=trips, trip_km=3.0, parked_h=parked_h, hvac_on=hvac_on
    ).iloc[0]
    into = sum(r[name] for name in ENERGY_USE if name != "battery_losses_kwh")
    assert into == pytest.approx(r["battery_energy_kwh"], rel=2e-3)
    assert 5.0 < r["battery_consumption_kwh_per_100km"] < r["consumption_kwh_per_100km"] < 80.0
    assert min(ambient_c, 23.0) - 1.0 < r["start_cell_temp_c"] < max(ambient_c, 23.0) + 1.0
