"""The vehicle-file JSON Schema: it accepts every shipped vehicle file, rejects what the models
reject (unknown fields, out-of-range numbers), and names every number's unit and range."""

from __future__ import annotations

import copy
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from typer.testing import CliRunner

from bevsim.cli.main import app
from bevsim.spec import VehicleSpec
from bevsim.spec.schema import is_numeric, unit_of, vehicle_schema
from bevsim.spec.schema_doc import vehicle_reference_markdown

REFERENCE_PAGE = Path(__file__).parents[2] / "docs" / "vehicle-file.md"
VEHICLE_FILES = sorted(
    p for p in resources.files("bevsim.vehicles").iterdir() if p.name.endswith(".yaml")
)


def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(vehicle_schema())


def _document(path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _properties():
    schema = vehicle_schema()
    yield from schema["properties"].items()
    for definition in schema["$defs"].values():
        yield from definition.get("properties", {}).items()


def test_schema_is_a_valid_2020_12_schema():
    jsonschema.Draft202012Validator.check_schema(vehicle_schema())
    assert vehicle_schema()["additionalProperties"] is False


@pytest.mark.parametrize("path", VEHICLE_FILES, ids=lambda p: p.name)
def test_every_shipped_vehicle_file_validates(path):
    errors = [e.message for e in _validator().iter_errors(_document(path))]
    assert errors == []


@pytest.mark.parametrize(
    "where", [(), ("body",), ("battery",), ("drive", "motors", 0), ("thermal",)]
)
def test_an_unknown_field_is_rejected_like_the_models_do(where):
    document = copy.deepcopy(_document(VEHICLE_FILES[0]))
    target = document
    for key in where:
        target = target.setdefault(key, {}) if isinstance(key, str) else target[key]
    target["drag_coeficient"] = 0.2
    errors = list(_validator().iter_errors(document))
    assert errors and "drag_coeficient" in errors[0].message
    with pytest.raises(ValidationError):
        VehicleSpec.model_validate(document)


def test_every_number_has_a_unit_and_a_range():
    for name, prop in _properties():
        if not is_numeric(prop):
            assert "unit" not in prop, name
            continue
        assert prop["unit"] == unit_of(name) and prop["description"].endswith(f"[{unit_of(name)}]")
        bounds = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"}
        alternatives = prop.get("anyOf", [prop])
        assert any(bounds & set(alt) for alt in alternatives), name


def test_units_follow_the_field_names():
    assert unit_of("curb_kg") == "kg"
    assert unit_of("cabin_conductance_per_speed_w_per_k_per_mps") == "W/(K m/s)"
    assert unit_of("cabin_conductance_w_per_k") == "W/K"
    assert unit_of("battery_heater_kw") == "kW"
    assert unit_of("cell_capacity_ah") == "A h"
    assert unit_of("dc_max_current_a") == "A"
    assert unit_of("cabin_setpoint_c") == "degC"
    assert unit_of("soc_max") == "1"


def test_defaults_match_the_models():
    schema = vehicle_schema()
    thermal = schema["$defs"]["Thermal"]["properties"]
    model_defaults = VehicleSpec.model_fields["thermal"].default
    for name, prop in thermal.items():
        if "default" in prop and not isinstance(prop["default"], dict):
            assert prop["default"] == getattr(model_defaults, name), name


@settings(max_examples=60, deadline=None)
@given(curb=st.floats(allow_nan=False, allow_infinity=False, min_value=-1e5, max_value=1e5))
def test_schema_and_models_agree_on_a_number(curb):
    document = copy.deepcopy(_document(VEHICLE_FILES[0]))
    document["mass"]["curb_kg"] = curb
    schema_ok = _validator().is_valid(document)
    try:
        VehicleSpec.model_validate(document)
        model_ok = True
    except ValidationError:
        model_ok = False
    assert schema_ok == model_ok


def test_reference_page_is_generated_from_the_models():
    assert REFERENCE_PAGE.read_text(encoding="utf-8") == vehicle_reference_markdown(), (
        "docs/vehicle-file.md is stale: bevsim schema vehicle --markdown > docs/vehicle-file.md"
    )
    for name in vehicle_schema()["$defs"]["Battery"]["properties"]:
        assert f"| `{name}` |" in REFERENCE_PAGE.read_text(encoding="utf-8")


def test_cli_prints_the_schema_and_refuses_an_unknown_kind():
    runner = CliRunner()
    result = runner.invoke(app, ["schema", "vehicle"])
    assert result.exit_code == 0
    assert json.loads(result.stdout) == vehicle_schema()
    result = runner.invoke(app, ["schema", "cycle"])
    assert result.exit_code == 2
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: unknown schema 'cycle'")
