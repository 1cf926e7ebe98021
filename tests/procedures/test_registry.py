"""The procedure registry: every procedure under one protocol, the adapters giving exactly what
the procedures' own functions give, typed options with units in their names, conditions, and
procedure texts that name a procedure with its options exactly."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from bevsim.cli.main import app
from bevsim.procedures.cycle_run import simulate
from bevsim.procedures.dc_charge import dc_charge_test
from bevsim.procedures.performance import performance_test
from bevsim.procedures.protocol import Procedure, ProcedureError, procedure_name
from bevsim.procedures.range_test import range_test
from bevsim.procedures.registry import (
    REGISTRY,
    from_procedure_name,
    get_procedure,
    parse_options,
)
from bevsim.procedures.winter import winter_test
from bevsim.spec import load_vehicle

EXPECTED = ("cycle", "cltc", "wltp", "epa", "winter", "everyday", "perf", "charge", "autonomy")
UNIT_SUFFIX = {
    "degC": "_c",
    "kg": "_kg",
    "s": "_s",
    "kW": "_kw",
    "A": "_a",
    "m/s": "_mps",
    "km": "_km",
    "h": "_h",
}


def test_every_procedure_is_registered_under_the_protocol():
    assert tuple(REGISTRY) == EXPECTED
    for name, procedure in REGISTRY.items():
        assert isinstance(procedure, Procedure)
        assert procedure.name == name and procedure.description.endswith(".")


@pytest.mark.parametrize("name", EXPECTED)
def test_option_names_carry_their_units(name):
    for option in REGISTRY[name].options:
        assert option.kind in ("float", "floats", "int", "bool", "str")
        if option.unit in UNIT_SUFFIX:
            assert option.name.endswith(UNIT_SUFFIX[option.unit]), option.name
        elif option.unit == "-" and option.kind == "int":
            assert option.name.startswith("trips_"), option.name  # counts: a number of trips
        elif option.unit == "-":
            assert option.name.endswith("soc"), option.name  # fractions are states of charge
        else:
            assert option.unit == "" and option.kind in ("bool", "str"), option.name
        if option.default is not None:
            assert option.check(option.default) == option.default
            assert option.parse(option.text(option.default)) == option.default


def test_range_and_cycle_adapters_give_the_functions_rows_exactly():
    cars = ["ms11-lfp", "bmw-i3-60ah-2014"]
    for name in ("cltc", "wltp", "epa"):
        pd.testing.assert_frame_equal(REGISTRY[name].run(cars), range_test(cars, name))
    five = REGISTRY["epa"].run(cars, label_method="five-cycle")
    pd.testing.assert_frame_equal(five, range_test(cars, "epa", label_method="five-cycle"))
    cold = REGISTRY["cycle"].run(cars, cycle="udds", ambient_temp_c=-10.0, initial_soc=0.6)
    expected = simulate(cars, "udds", ambient_temp_c=-10.0, initial_soc=0.6).summary
    pd.testing.assert_frame_equal(cold, expected)


def test_winter_rows_are_per_vehicle_and_temperature():
    cars = ["ms11-lfp", "bmw-i3-60ah-2014"]
    table = REGISTRY["winter"].run(cars, temps_c=(-7.0, -20.0), procedure="wltp")
    pd.testing.assert_frame_equal(table, winter_test(cars, (-7.0, -20.0), "wltp"))
    assert len(table) == 4 and set(table["ambient_temp_c"]) == {-7.0, -20.0}
    colder = table.set_index(["vehicle_id", "ambient_temp_c"])["range_km"]
    for car in ("ms11-lfp", "bmw-i3-60ah-2014"):
        assert colder[(car, -20.0)] < colder[(car, -7.0)]


def test_winter_splits_into_one_condition_per_temperature():
    winter = REGISTRY["winter"]
    conditions = winter.conditions(temps_c=(-7.0, -20.0, -7.0))
    assert [c["temps_c"] for c in conditions] == [(-7.0,), (-20.0,)]
    assert all(c["procedure"] == "cltc" and c["hvac_on"] for c in conditions)
    assert len(REGISTRY["perf"].conditions()) == 1


def test_variants_sharing_an_id_get_their_own_winter_rows():
    """A sweep's variants keep their base car's id; winter matches its 23 degC reference row
    by id, so the adapter runs them under distinct ids."""
    base = load_vehicle("ms11-lfp")
    heavy = base.model_copy(update={"mass": base.mass.model_copy(update={"curb_kg": 2300.0})})
    table = REGISTRY["winter"].run([base, heavy], temps_c=(-7.0,))
    alone = REGISTRY["winter"].run([heavy], temps_c=(-7.0,))
    assert list(table["vehicle_id"]) == ["ms11-lfp", "ms11-lfp"]
    assert table["range_km"].iloc[1] == alone["range_km"].iloc[0]
    assert table["range_km"].iloc[1] < table["range_km"].iloc[0]
    cost = REGISTRY["autonomy"].run([base, heavy])
    assert len(cost) == 2 and cost["range_with_km"].iloc[1] < cost["range_with_km"].iloc[0]


def test_perf_and_charge_batches_match_the_single_runs():
    cars = ["ms11-lfp", "tesla-model3-rwd-2022"]
    perf = REGISTRY["perf"].run(cars, load_kg=150.0)
    expected = performance_test(cars, load_kg=150.0)
    pd.testing.assert_frame_equal(perf.drop(columns="ambient_temp_c"), expected)
    assert (perf["ambient_temp_c"] == 23.0).all()
    charge = REGISTRY["charge"].run(cars, to_soc=0.7, charger_kw=150.0)
    for i, car in enumerate(cars):
        summary, trace = dc_charge_test(car, to_soc=0.7, charger_kw=150.0)
        row = charge.iloc[i]
        assert {k: row[k] for k in summary} == summary
        assert row["max_voltage_v"] == trace["voltage_v"].max()
        assert row["min_voltage_v"] == trace["voltage_v"].min()


def test_autonomy_applies_only_to_cars_with_a_stack():
    autonomy = REGISTRY["autonomy"]
    assert autonomy.applies_to(load_vehicle("ms11-lfp"))
    assert not autonomy.applies_to(load_vehicle("bmw-i3-60ah-2014"))
    assert all(REGISTRY[n].applies_to(load_vehicle("bmw-i3-60ah-2014")) for n in EXPECTED[:-1])


@pytest.mark.parametrize(
    ("name", "options", "text"),
    [
        ("cltc", {}, "cltc"),
        ("epa", {"label_method": "two-cycle"}, "epa"),
        ("epa", {"label_method": "FIVE-CYCLE"}, "epa[label_method=five-cycle]"),
        ("cycle", {"cycle": "UDDS"}, "cycle:UDDS"),
        ("cycle", {"cycle": "UDDS", "load_kg": 0.0}, "cycle:UDDS[load_kg=0.0]"),
        ("winter", {"temps_c": (-7.0,)}, "winter[temps_c=-7.0]"),
        ("charge", {"to_soc": 0.1 + 0.2, "precondition": True}, None),
    ],
)
def test_procedure_texts_name_the_options_exactly(name, options, text):
    procedure = REGISTRY[name]
    written = procedure_name(procedure, options)
    if text is not None:
        assert written == text
    again, parsed = from_procedure_name(written)
    assert again is procedure
    assert parsed == procedure.resolve(**options)  # floats round-trip bit for bit


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: get_procedure("wintr"), "unknown procedure 'wintr'; did you mean 'winter'?"),
        (lambda: REGISTRY["winter"].resolve(temp_c=(-7.0,)), "did you mean 'temps_c'?"),
        (lambda: REGISTRY["cycle"].resolve(), "procedure cycle needs option cycle"),
        (lambda: REGISTRY["cltc"].resolve(label_method="x"), "known: none"),
        (lambda: parse_options(REGISTRY["winter"], {"temps_c": "-7,cold"}), "expected floats"),
        (lambda: parse_options(REGISTRY["winter"], {"hvac_on": "maybe"}), "true or false"),
        (lambda: REGISTRY["winter"].resolve(procedure="nedc"), "known: cltc, wltp, epa, ftp75"),
        (lambda: REGISTRY["charge"].resolve(charger_kw=float("nan")), "finite"),
        (lambda: REGISTRY["autonomy"].resolve(procedure="all"), "known: cltc, wltp, epa"),
        (lambda: procedure_name(REGISTRY["cycle"], {"cycle": "a;b"}), "no [ ] ; ="),
    ],
)
def test_bad_names_and_options_are_refused_in_one_line(call, words):
    with pytest.raises(ProcedureError) as info:
        call()
    assert words in str(info.value) and "\n" not in str(info.value)


def test_procedures_command_lists_names_options_and_units():
    result = CliRunner().invoke(app, ["procedures", "--json"])
    assert result.exit_code == 0, result.output
    records = {r["name"]: r for r in json.loads(result.output)}
    assert tuple(records) == EXPECTED
    winter = {o["name"]: o for o in records["winter"]["options"]}
    assert winter["temps_c"]["unit"] == "degC" and records["winter"]["condition_option"]
    assert winter["temps_c"]["default"] == "-20.0,-7.0,0.0,23.0"
    assert {o["name"]: o["unit"] for o in records["charge"]["options"]}["charger_kw"] == "kW"
    table = CliRunner().invoke(app, ["procedures"])
    assert table.exit_code == 0 and "charger_max_current_a" in table.output
