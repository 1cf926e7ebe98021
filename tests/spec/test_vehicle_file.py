"""Vehicle files: the library loads, packs derive, tire sizes parse, bad files are refused.

Every refusal must be a SpecError whose single-line message starts with the file (or source)
and names the field path and what was expected (DESIGN.md, "Errors at the edge").
"""

from __future__ import annotations

import copy
import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import bevsim
from bevsim.chemistry import load_chemistry
from bevsim.errors import SpecError
from bevsim.spec import load_vehicle, pack_of, read_vehicle_file, vehicle_from_dict
from bevsim.spec.motor_map import load_efficiency_map
from bevsim.spec.tires import parse_tire_size

PACKAGE_DIR = Path(bevsim.__file__).parent
LIBRARY_DIR = PACKAGE_DIR / "vehicles"
LIBRARY_IDS = sorted(p.stem for p in LIBRARY_DIR.glob("*.yaml"))
BUILTIN_MAP = PACKAGE_DIR / "spec" / "data" / "motor_maps" / "pmsm-sic.csv"
assert LIBRARY_IDS, f"no vehicle files in {LIBRARY_DIR}"


def etrto_radius_m(width_mm: int, aspect_pct: int, rim_in: float) -> float:
    """Rolling radius [m]: 3.05 x unloaded diameter / (2 pi), computed independently."""
    diameter_m = rim_in * 0.0254 + 2 * width_mm * aspect_pct / 100 / 1000
    return 3.05 * diameter_m / (2 * math.pi)


def library_dict(vehicle_id: str = "ms11-lfp") -> dict:
    """A library vehicle file as a plain dict (as it was written, comments dropped)."""
    return yaml.safe_load((LIBRARY_DIR / f"{vehicle_id}.yaml").read_text(encoding="utf-8"))


def write_yaml(folder: Path, data, name: str = "car.yaml") -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def refused(path: Path) -> str:
    """The message of the SpecError raised for ``path`` (read both ways), checked to be one line."""
    with pytest.raises(SpecError) as info:
        read_vehicle_file(path)
    message = str(info.value)
    with pytest.raises(SpecError) as again:
        load_vehicle(str(path))
    assert str(again.value) == message
    assert "\n" not in message
    assert message.startswith(f"{path}: ")
    return message


# ------------------------------------------------------------------------------------------
# The library


def test_library_lists_every_file_and_ids_equal_file_stems():
    listed = bevsim.list_vehicles()
    assert sorted(listed) == LIBRARY_IDS
    assert len(LIBRARY_IDS) >= 6
    for vehicle_id, name in listed.items():
        spec = load_vehicle(vehicle_id)
        assert spec.id == vehicle_id
        assert spec.name == name and name
        # the id written in the file (where written) is the file name
        assert library_dict(vehicle_id).get("id", vehicle_id) == vehicle_id


@pytest.mark.parametrize("vehicle_id", LIBRARY_IDS)
def test_library_vehicle_is_physically_plausible(vehicle_id):
    spec = load_vehicle(vehicle_id)
    assert 900 <= spec.mass.curb_kg <= 3500
    assert 0.15 <= spec.body.drag_coefficient <= 0.4
    assert 0.25 <= spec.tires.rolling_radius_m <= 0.4
    pack = pack_of(spec)
    assert 15 <= pack.gross_energy_wh / 1000 <= 120  # from the 21 kWh BMW i3 (60 Ah)
    assert 300 <= pack.nominal_voltage_v <= 900
    # the file read by path gives the same spec as the library id
    assert read_vehicle_file(LIBRARY_DIR / f"{vehicle_id}.yaml") == spec
    # and the spec round-trips through a plain dict
    assert vehicle_from_dict(spec.model_dump()) == spec


@pytest.mark.parametrize("vehicle_id", LIBRARY_IDS)
def test_pack_energy_is_series_times_parallel_times_ah_times_cell_voltage(vehicle_id):
    spec = load_vehicle(vehicle_id)
    battery = spec.battery
    cell_v = load_chemistry(battery.chemistry).nominal_voltage_v
    pack = pack_of(spec)
    assert pack.cell_nominal_voltage_v == cell_v
    expected_wh = pack.cells_in_series * pack.cells_in_parallel * pack.cell_capacity_ah * cell_v
    assert pack.gross_energy_wh == pytest.approx(expected_wh, rel=1e-12)
    assert pack.nominal_voltage_v == pytest.approx(pack.cells_in_series * cell_v)
    assert pack.capacity_ah == pytest.approx(pack.cells_in_parallel * pack.cell_capacity_ah)
    if battery.cells_in_series is not None:
        assert pack.cells_in_series == battery.cells_in_series
        assert pack.cells_in_parallel == (battery.cells_in_parallel or 1)
        assert pack.cell_capacity_ah == battery.cell_capacity_ah
    else:
        # energy + voltage form: one string of round(V / cell V) cells makes up the energy
        assert pack.cells_in_series == round(battery.nominal_voltage_v / cell_v)
        assert pack.cells_in_parallel == 1
        assert pack.gross_energy_wh == pytest.approx(battery.gross_energy_kwh * 1000, rel=1e-12)


def test_known_pack_figures():
    lfp = pack_of(load_vehicle("ms11-lfp"))  # 156s1p x 150 Ah x 3.2 V
    assert (lfp.cells_in_series, lfp.cells_in_parallel) == (156, 1)
    assert lfp.gross_energy_wh == pytest.approx(156 * 150 * 3.2)
    awd = pack_of(load_vehicle("tesla-model3-lr-awd-2022"))  # 96s46p x 5 Ah x 3.7 V
    assert awd.gross_energy_wh == pytest.approx(96 * 46 * 5.0 * 3.7)
    naion = load_vehicle("ms11-naion")  # 80 kWh, 496 V, sodium-ion
    assert naion.battery.cells_in_series is None
    pack = pack_of(naion)
    cell_v = load_chemistry("sodium-ion").nominal_voltage_v
    assert pack.cells_in_series == round(496 / cell_v)
    assert pack.gross_energy_wh == pytest.approx(80_000)


@pytest.mark.parametrize(
    ("voltage_v", "chemistry"),
    [(400.0, "lfp"), (401.7, "nmc"), (799.0, "nmc"), (355.0, "sodium-ion"), (48.0, "lfp")],
)
def test_energy_and_voltage_form_rounds_series_count(tmp_path, voltage_v, chemistry):
    data = library_dict("ms11-naion")
    data["battery"].update(chemistry=chemistry, gross_energy_kwh=55.0, nominal_voltage_v=voltage_v)
    spec = read_vehicle_file(write_yaml(tmp_path, data))
    cell_v = load_chemistry(chemistry).nominal_voltage_v
    pack = pack_of(spec)
    assert pack.cells_in_series == round(voltage_v / cell_v)
    assert pack.gross_energy_wh == pytest.approx(55_000, rel=1e-12)


def test_unknown_library_id_suggests_the_close_one():
    with pytest.raises(SpecError) as info:
        load_vehicle("ms11-lpf")
    message = str(info.value)
    assert "ms11-lpf" in message
    assert "did you mean 'ms11-lfp'" in message
    assert "\n" not in message


def test_missing_vehicle_file_is_refused(tmp_path):
    path = tmp_path / "nope.yaml"
    with pytest.raises(SpecError, match=re.escape(f"{path}: vehicle file not found")):
        load_vehicle(path)


def test_id_defaults_to_the_file_stem(tmp_path):
    data = library_dict()
    del data["id"]
    spec = read_vehicle_file(write_yaml(tmp_path, data, "my-car.yaml"))
    assert spec.id == "my-car"


# ------------------------------------------------------------------------------------------
# Tire sizes


def test_tire_size_is_the_etrto_rolling_radius():
    radius = parse_tire_size("245/45 R19")
    assert radius == pytest.approx(etrto_radius_m(245, 45, 19), rel=1e-12)
    # 3.05 * (0.4826 + 0.2205) / 2 pi
    assert radius == pytest.approx(0.34130, abs=5e-5)
    assert load_vehicle("ms11-lfp").tires.rolling_radius_m == pytest.approx(radius)


@pytest.mark.parametrize(
    ("size", "width", "aspect", "rim"),
    [
        ("235/45ZR18", 235, 45, 18),
        ("P225/55R17 97V", 225, 55, 17),
        ("225/55R17 97V", 225, 55, 17),
        ("LT265/70R17", 265, 70, 17),
        ("  205/55 R16  ", 205, 55, 16),
        ("215/60r16", 215, 60, 16),
        ("195/65 R15 91H", 195, 65, 15),
        ("225/40 ZR18 92Y", 225, 40, 18),
        ("255/40 R20 101W", 255, 40, 20),
    ],
)
def test_common_tire_size_formats_are_accepted(size, width, aspect, rim):
    assert parse_tire_size(size) == pytest.approx(etrto_radius_m(width, aspect, rim), rel=1e-12)


@pytest.mark.parametrize(
    "size",
    ["", "garbage", "245/45", "245 45 R19", "245/45 19", "24/45 R19", "245/4 R19", "R19",
     "245/45 R", "245/45 R19 extra words", "245mm/45 R19", "-245/45 R19", "245/45 R1"],
)  # fmt: skip
def test_malformed_tire_sizes_are_rejected(size):
    with pytest.raises(ValueError, match="ISO metric tire size"):
        parse_tire_size(size)


@settings(max_examples=200, deadline=None)
@given(
    width=st.integers(25, 71).map(lambda k: 5 * k),  # 125..355
    aspect=st.integers(5, 17).map(lambda k: 5 * k),  # 25..85
    rim=st.integers(13, 23),
    zr=st.booleans(),
)
def test_tire_radius_matches_the_formula_in_any_spacing(width, aspect, rim, zr):
    r = "ZR" if zr else "R"
    expected = etrto_radius_m(width, aspect, rim)
    variants = [
        f"{width}/{aspect}{r}{rim}",
        f"{width}/{aspect} {r}{rim}",
        f"{width}/{aspect} {r} {rim}",
        f"{width} / {aspect} {r}{rim}",
    ]
    values = [parse_tire_size(v) for v in variants]
    assert values[0] == pytest.approx(expected, rel=1e-12)
    assert all(v == values[0] for v in values)


# ------------------------------------------------------------------------------------------
# Bad vehicle files


def test_unknown_field_near_miss_suggests_the_field(tmp_path):
    data = library_dict()
    data["body"]["drag_coeficient"] = data["body"].pop("drag_coefficient")
    message = refused(write_yaml(tmp_path, data))
    assert "body.drag_coeficient" in message
    assert "unknown field" in message
    assert "did you mean 'drag_coefficient'" in message


def test_unknown_top_level_field(tmp_path):
    data = library_dict()
    data["colour"] = "red"
    message = refused(write_yaml(tmp_path, data))
    assert ": colour: unknown field" in message


def _set(data: dict, dotted: str, value) -> dict:
    node = data
    *parents, leaf = dotted.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    if value is _DELETE:
        del node[leaf]
    else:
        node[leaf] = value
    return data


_DELETE = object()

BAD_FIELDS = [
    # (field path, value, words the message must contain)
    ("mass.curb_kg", "heavy", ["mass.curb_kg", "valid number", "'heavy'"]),
    ("mass.curb_kg", -1500, ["mass.curb_kg", "greater than or equal to 200"]),
    ("mass.curb_kg", 0, ["mass.curb_kg", "greater than or equal to 200"]),
    ("mass.curb_kg", float("nan"), ["mass.curb_kg", "not a finite number", "nan"]),
    ("mass.curb_kg", float("inf"), ["mass.curb_kg", "not a finite number", "inf"]),
    ("mass.curb_kg", True, ["mass.curb_kg", "valid number", "True"]),
    ("mass.curb_kg", "1980", ["mass.curb_kg", "valid number", "'1980'"]),
    ("mass.curb_kg", _DELETE, ["mass.curb_kg", "required field is missing"]),
    ("body.drag_coefficient", 1.5, ["body.drag_coefficient", "less than or equal to 1"]),
    ("body.drag_coefficient", 0.05, ["body.drag_coefficient", "greater than or equal to 0.1"]),
    ("body.frontal_area_m2", [2.2], ["body.frontal_area_m2", "valid number"]),
    ("battery.soc_max", 1.2, ["battery.soc_max", "less than or equal to 1"]),
    ("battery.soc_min", -0.1, ["battery.soc_min", "greater than or equal to 0"]),
    ("battery.cells_in_series", 15.5, ["battery.cells_in_series", "integer"]),
    ("battery.cells_in_series", True, ["battery.cells_in_series", "integer", "True"]),
    ("battery.cells_in_parallel", False, ["battery.cells_in_parallel", "integer", "False"]),
    ("battery.cells_in_series", 120.0, ["battery.cells_in_series", "integer"]),
    ("battery.cell_capacity_ah", 0.001, ["battery.cell_capacity_ah", "greater than or equal to 1"]),
    ("battery.cell_capacity_ah", float("nan"), ["battery.cell_capacity_ah", "not a finite"]),
    ("battery.max_discharge_power_kw", 1e9, ["battery.max_discharge_power_kw", "less than"]),
    ("battery.chemistry", "lpf", ["battery.chemistry", "did you mean 'lfp'"]),
    ("drive.layout", "4wd", ["drive.layout", "'fwd', 'rwd' or 'awd'"]),
    ("drive.motors.0.axle", "middle", ["drive.motors.0.axle", "'front' or 'rear'"]),
    ("drive.motors.0.peak_power_kw", -220, ["drive.motors.0.peak_power_kw", "greater than or"]),
    ("drive.motors.0.peak_power_kw", 1e-9, ["drive.motors.0.peak_power_kw", "equal to 1 "]),
    ("drive.motors.0.peak_torque_nm", float("-inf"), ["peak_torque_nm", "not a finite number"]),
    ("name", "x" * 500, ["name", "at most 200 characters", "..."]),
    ("drive.motors", [], ["drive.motors", "at least 1"]),
    ("year", "twenty", ["year", "integer"]),
    ("id", "bad id!", ["id", "pattern"]),
]


@pytest.mark.parametrize(("field", "value", "words"), BAD_FIELDS, ids=lambda v: str(v)[:30])
def test_bad_field_is_refused_naming_the_path_and_the_rule(tmp_path, field, value, words):
    path = write_yaml(tmp_path, _set(library_dict(), field, value))
    message = refused(path)
    assert message.startswith(f"{path}: {field}: ")
    for word in words:
        assert word in message


@pytest.mark.parametrize(
    ("cells", "words"),
    [
        ({"cells_in_series": 2}, ["0.96 kWh pack; expected 1 to 500 kWh"]),
        ({"cells_in_parallel": 80}, ["kWh pack; expected 1 to 500 kWh"]),
        ({"cells_in_series": 14}, ["14 cells in series make a", "V pack; expected 48 to 1500 V"]),
    ],
)
def test_cells_must_make_a_traction_pack(tmp_path, cells, words):
    """The issue's 0.001 Ah cell: each cell field in range, the pack they make is not."""
    data = library_dict()
    data["battery"].update(cells)
    message = refused(write_yaml(tmp_path, data))
    assert ": battery: " in message
    for word in words:
        assert word in message


def test_soc_min_not_below_soc_max(tmp_path):
    data = library_dict()
    data["battery"].update(soc_min=0.9, soc_max=0.9)
    message = refused(write_yaml(tmp_path, data))
    assert ": battery: " in message
    assert "soc_min (0.9) must be below soc_max (0.9)" in message


@pytest.mark.parametrize(
    "tires",
    [
        {"rolling_resistance_coefficient": 0.007, "size": "245/45 R19", "radius_m": 0.34},
        {"rolling_resistance_coefficient": 0.007},
    ],
    ids=["both", "neither"],
)
def test_tire_size_and_radius_exactly_one(tmp_path, tires):
    data = library_dict()
    data["tires"] = tires
    message = refused(write_yaml(tmp_path, data))
    assert ": tires: give exactly one of 'size'" in message
    assert "radius_m" in message


def test_bad_tire_size_in_file(tmp_path):
    data = library_dict()
    data["tires"]["size"] = "245-45-19"
    message = refused(write_yaml(tmp_path, data))
    assert ": tires: expected an ISO metric tire size like '245/45 R19', got '245-45-19'" in message


@pytest.mark.parametrize(
    ("layout", "axles"),
    [("fwd", ["rear"]), ("rwd", ["front"]), ("awd", ["rear"]), ("awd", ["rear", "rear"])],
)
def test_motors_must_match_layout(tmp_path, layout, axles):
    data = library_dict()
    motor = data["drive"]["motors"][0]
    data["drive"]["layout"] = layout
    data["drive"]["motors"] = [dict(motor, axle=a) for a in axles]
    message = refused(write_yaml(tmp_path, data))
    assert ": drive: " in message
    assert f"layout '{layout}' needs motors on" in message


def test_both_battery_forms_refused(tmp_path):
    data = library_dict()
    data["battery"].update(gross_energy_kwh=75.0, nominal_voltage_v=500.0)
    message = refused(write_yaml(tmp_path, data))
    assert ": battery: give either cells_in_series" in message


def test_malformed_yaml_names_the_line(tmp_path):
    path = tmp_path / "broken.yaml"
    text = (LIBRARY_DIR / "ms11-lfp.yaml").read_text(encoding="utf-8")
    lines = text.splitlines()
    index = next(i for i, line in enumerate(lines) if line.startswith("body:"))
    lines.insert(index + 1, "  drag_coefficient: [0.2")  # unclosed flow sequence
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    message = refused(path)
    assert "invalid YAML" in message
    found = re.search(r": line (\d+): ", message)
    assert found is not None
    # the error is reported at or just after the broken line (1-based)
    assert index + 2 <= int(found.group(1)) <= index + 4


@pytest.mark.parametrize(
    ("text", "got"),
    [("- a\n- b\n", "list"), ("just a string\n", "str"), ("", "NoneType"), ("42\n", "int")],
)
def test_top_level_must_be_a_mapping(tmp_path, text, got):
    path = tmp_path / "car.yaml"
    path.write_text(text, encoding="utf-8")
    message = refused(path)
    assert f"expected a mapping of vehicle fields, got {got}" in message


def test_undecodable_file_is_refused(tmp_path):
    path = tmp_path / "car.yaml"
    path.write_bytes(b"name: \xff\xfe\n")
    assert "cannot read vehicle file" in refused(path)


def test_many_errors_are_counted_on_the_one_line(tmp_path):
    data = library_dict()
    data["mass"]["curb_kg"] = -1
    data["body"]["drag_coefficient"] = 5
    message = refused(write_yaml(tmp_path, data))
    assert message.endswith("[+1 more]")


# ------------------------------------------------------------------------------------------
# Hypothesis: any numeric leaf set to an invalid value is refused naming that leaf


def _numeric_leaves(node, prefix=()):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _numeric_leaves(value, (*prefix, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _numeric_leaves(value, (*prefix, i))
    elif isinstance(node, int | float) and not isinstance(node, bool):
        yield prefix


LEAVES = [
    (vehicle_id, path)
    for vehicle_id in LIBRARY_IDS
    for path in _numeric_leaves(library_dict(vehicle_id))
]

INVALID_VALUES = st.one_of(
    st.floats(max_value=-1e-6, allow_nan=False, allow_infinity=True),
    st.integers(max_value=-1),
    st.just(float("nan")),
    st.text(min_size=1, max_size=8).filter(lambda s: not _parses_as_number(s)),
    st.sampled_from(["", "abc", "1,5", "twelve", "nan kg"]),
)


def _parses_as_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(leaf=st.sampled_from(LEAVES), value=INVALID_VALUES)
def test_invalid_numeric_leaf_is_refused_naming_it(leaf, value):
    vehicle_id, path = leaf
    data = copy.deepcopy(library_dict(vehicle_id))
    node = data
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    dotted = ".".join(str(p) for p in path)
    try:
        spec = vehicle_from_dict(data, source="mutated.yaml")
    except SpecError as exc:
        message = str(exc)
        assert "\n" not in message
        assert message.startswith(f"mutated.yaml: {dotted}: "), message
    else:
        # only a value the field allows gets through (e.g. a negative road-load f1)
        assert isinstance(value, int | float)
        assert not (isinstance(value, float) and math.isnan(value))
        got = spec
        for part in path:
            got = got[part] if isinstance(part, int) else getattr(got, part)
        assert got == value


# ------------------------------------------------------------------------------------------
# Motor efficiency maps


def _grid_csv(header: str, speeds, torques, efficiency=lambda s, t: 0.9) -> str:
    rows = [header]
    rows += [f"{s},{t},{efficiency(s, t)}" for s in speeds for t in torques]
    return "\n".join(rows) + "\n"


def test_builtin_map_loads_and_is_a_sensible_drive_unit():
    eff = load_efficiency_map(None)
    assert not eff.absolute
    assert eff.efficiency.shape == (len(eff.speed), len(eff.torque))
    assert np.all((eff.efficiency > 0.5) & (eff.efficiency <= 1.0))
    assert 0.95 <= eff.efficiency.max() <= 0.99  # PMSM + SiC peak


def test_normalised_map_file_loads(tmp_path):
    path = tmp_path / "map.csv"
    text = "# my motor\n" + _grid_csv(
        "speed_fraction,torque_fraction,efficiency",
        [0.0, 0.5, 1.0],
        [-1.0, 0.5, 1.0],
        lambda s, t: round(0.8 + 0.1 * s + 0.05 * abs(t), 4),
    )
    path.write_text(text, encoding="utf-8")
    eff = load_efficiency_map(path)
    assert not eff.absolute
    np.testing.assert_array_equal(eff.speed, [0.0, 0.5, 1.0])
    np.testing.assert_array_equal(eff.torque, [-1.0, 0.5, 1.0])
    assert eff.efficiency[2, 0] == pytest.approx(0.95)
    assert eff.efficiency[1, 1] == pytest.approx(0.875)
    assert eff.normalised(10000, 300) is eff


def test_absolute_map_file_loads_and_normalises(tmp_path):
    path = tmp_path / "abs.csv"
    speeds, torques = [1000, 8000, 16000], [50, 200, 400]
    path.write_text(
        _grid_csv("speed_rpm,torque_nm,efficiency", speeds, torques, lambda s, t: 0.9),
        encoding="utf-8",
    )
    eff = load_efficiency_map(str(path))
    assert eff.absolute
    norm = eff.normalised(16000, 400)
    assert not norm.absolute
    np.testing.assert_allclose(norm.speed, [1 / 16, 0.5, 1.0])
    np.testing.assert_allclose(norm.torque, [0.125, 0.5, 1.0])
    np.testing.assert_array_equal(norm.efficiency, eff.efficiency)


BAD_MAPS = {
    "incomplete grid": (
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n0,1,0.9\n1,0.5,0.9\n",
        "complete grid",
    ),
    "efficiency above 1": (
        _grid_csv("speed_fraction,torque_fraction,efficiency", [0, 1], [0.5, 1], lambda s, t: 1.2),
        "efficiency: expected values in (0, 1]",
    ),
    "efficiency zero": (
        _grid_csv("speed_fraction,torque_fraction,efficiency", [0, 1], [0.5, 1], lambda s, t: 0),
        "efficiency: expected values in (0, 1]",
    ),
    "negative efficiency": (
        _grid_csv("speed_fraction,torque_fraction,efficiency", [0, 1], [0.5, 1], lambda s, t: -1),
        "efficiency: expected values in (0, 1]",
    ),
    "bad header": (
        _grid_csv("speed,torque,efficiency", [0, 1], [0.5, 1]),
        "header: expected speed_fraction,torque_fraction,efficiency",
    ),
    "non-numeric": (
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n0,1,high\n1,0.5,0.9\n1,1,0.9\n",
        "line 3: expected numbers in every row",
    ),
    "nan": (
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n0,1,nan\n1,0.5,0.9\n1,1,0.9\n",
        "finite",
    ),
    "missing field": (
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n0,1\n1,0.5,0.9\n1,1,0.9\n",
        "line 3: expected 3 values per row, got 2",
    ),
    "duplicate points": (
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n0,0.5,0.9\n1,0.5,0.9\n1,1,0.9\n",
        "duplicate grid points",
    ),
    "generating only": (
        _grid_csv("speed_fraction,torque_fraction,efficiency", [0, 1], [-1, -0.5]),
        "motoring points",
    ),
    "empty": ("# only a comment\n", "empty efficiency map"),
    "speed beyond any motor": (
        _grid_csv("speed_rpm,torque_nm,efficiency", [0, 1e9], [10, 100]),
        "expected speed_rpm within 0..40000",
    ),
    "torque fraction far past the rating": (
        _grid_csv("speed_fraction,torque_fraction,efficiency", [0, 1], [0.5, 1e6]),
        "|torque_fraction| at most 2",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_MAPS))
def test_bad_map_is_refused_naming_the_file(tmp_path, case):
    text, words = BAD_MAPS[case]
    path = tmp_path / "map.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SpecError) as info:
        load_efficiency_map(path)
    message = str(info.value)
    assert message.startswith(f"{path}: ")
    assert words in message
    assert "\n" not in message


def test_missing_and_undecodable_map_files(tmp_path):
    with pytest.raises(SpecError, match="cannot read efficiency map"):
        load_efficiency_map(tmp_path / "none.csv")
    path = tmp_path / "bin.csv"
    path.write_bytes(b"speed_fraction,torque_fraction,efficiency\n\xff\xfe,1,1\n")
    with pytest.raises(SpecError, match="cannot read efficiency map"):
        load_efficiency_map(path)


def test_vehicle_map_path_is_relative_to_the_vehicle_file(tmp_path):
    (tmp_path / "maps").mkdir()
    (tmp_path / "maps" / "m.csv").write_text(BUILTIN_MAP.read_text(), encoding="utf-8")
    data = library_dict()
    data["drive"]["motors"][0]["efficiency_map"] = "maps/m.csv"
    spec = read_vehicle_file(write_yaml(tmp_path, data))
    assert Path(spec.drive.motors[0].efficiency_map) == (tmp_path / "maps" / "m.csv").resolve()


def test_bad_map_in_a_vehicle_names_vehicle_field_and_map(tmp_path):
    map_path = tmp_path / "bad.csv"
    map_path.write_text(BAD_MAPS["efficiency above 1"][0], encoding="utf-8")
    data = library_dict()
    data["drive"]["motors"][0]["efficiency_map"] = "bad.csv"
    path = write_yaml(tmp_path, data)
    message = refused(path)
    assert message.startswith(f"{path}: drive.motors.0.efficiency_map: ")
    assert str(map_path.resolve()) in message
    assert "expected values in (0, 1]" in message


SECRET = "root:x:0:0:SECRET-LINE:/root:/bin/bash"


@pytest.mark.parametrize(
    "text",
    [
        f"{SECRET}\ndaemon:x:1:1:SECRET-TOO:/usr/sbin\n",
        f"speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n{SECRET}\n",
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\nSECRET-LINE,1,0.9\n",
        "speed_fraction,torque_fraction,efficiency\n0,0.5,0.9\n0,1,0.9,SECRET-LINE\n",
    ],
    ids=["passwd-like", "passwd line in rows", "text cell", "extra cell"],
)
def test_map_errors_never_echo_the_file(tmp_path, text):
    """Issue 17 item 5: ``efficiency_map: /etc/passwd`` printed the file's first line."""
    map_path = tmp_path / "passwd"
    map_path.write_text(text, encoding="utf-8")
    data = library_dict()
    data["drive"]["motors"][0]["efficiency_map"] = str(map_path)
    message = refused(write_yaml(tmp_path, data))
    assert message.startswith(f"{tmp_path / 'car.yaml'}: drive.motors.0.efficiency_map: ")
    assert f"{map_path}: line " in message
    told = message.replace(str(tmp_path), "")
    assert "SECRET" not in told and "root" not in told


def test_map_from_an_endless_file_is_cut_off():
    with pytest.raises(SpecError, match="larger than 1 MB; the efficiency map may be at most"):
        load_efficiency_map("/dev/zero")


def test_two_references_with_one_id_are_refused(tmp_path):
    """Issue 17 item 8: a user file that keeps a library id gave two rows nobody could tell
    apart; the ids of the vehicles a user names must differ."""
    from bevsim.spec import load_vehicles

    copy_path = write_yaml(tmp_path, library_dict(), "my-car.yaml")  # keeps id: ms11-lfp
    with pytest.raises(SpecError) as info:
        load_vehicles(["ms11-lfp", str(copy_path)])
    assert str(info.value) == (
        f"{copy_path}: id 'ms11-lfp' is also the id of library vehicle 'ms11-lfp'; "
        "give the file its own id (results are told apart by id)"
    )
    with pytest.raises(SpecError, match="is also the id of"):
        load_vehicles(["ms11-lfp", "ms11-lfp"])
    spec = load_vehicle("ms11-lfp")
    assert [s.id for s in load_vehicles([spec, spec])] == ["ms11-lfp"] * 2  # a sweep's variants
    renamed = write_yaml(tmp_path, {**library_dict(), "id": "my-car"}, "renamed.yaml")
    assert [s.id for s in load_vehicles(["ms11-lfp", str(renamed)])] == ["ms11-lfp", "my-car"]
