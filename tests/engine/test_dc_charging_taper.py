"""Class-default DC taper (chemistry/dc_taper.py, tools/derive_dc_taper.py): derived from the
measured curves it names, physical (at most the car's peak, non-increasing above the knee),
bounded by the chemistry's DC map in a session, and yielding to a file's own measured curve."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml

from bevsim.chemistry import load_chemistry
from bevsim.chemistry.dc_taper import class_default_curve, class_default_fraction
from bevsim.procedures.dc_charge import dc_charge_run
from bevsim.spec import load_vehicle, pack_of

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src" / "bevsim" / "chemistry" / "data" / "dc_taper" / "class_default.yaml"


def _tool():
    spec = importlib.util.spec_from_file_location(
        "_derive_dc_taper", ROOT / "tools" / "derive_dc_taper.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


TOOL = _tool()


def test_the_shipped_default_is_what_the_tool_derives_from_the_measured_curves():
    derived = TOOL.derived_table(ROOT / TOOL.SOURCE)
    assert yaml.safe_load(SHIPPED.read_text(encoding="utf-8")) == derived
    assert set(derived) == {"lfp", "nmc"}  # no sodium-ion car has a measured curve in the set


def test_the_derivation_cars_are_not_validation_cars_and_name_their_source():
    cars = TOOL.load_cars(ROOT / TOOL.SOURCE)
    library = {p.stem for p in (ROOT / "src" / "bevsim" / "vehicles").glob("*.yaml")}
    for car in cars:
        assert car["id"] not in library
        assert car["source"].startswith("EVKX, content/models/")
        assert car["peak_kw"] == pytest.approx(car["power_kw"].max(), abs=10.0)
        assert np.all(np.diff(car["soc_pct"]) > 0)
        # the table's own 10-80 % time is its energy over its power, within EVKX's ~4 % booking
        own = TOOL.window_time_s(
            car, lambda soc, c=car: np.interp(soc, c["soc_pct"], c["power_kw"])
        )
        assert own == pytest.approx(car["t80_s"] - car["t10_s"], rel=0.06)
    # one curve per measurement: no two cars share a power table
    tables = [tuple(car["power_kw"]) for car in cars]
    assert len(set(tables)) == len(tables)


@pytest.mark.parametrize("chemistry", ["lfp", "nmc"])
def test_the_fraction_is_at_most_one_reaches_one_and_never_rises_above_its_knee(chemistry):
    soc, fraction = class_default_fraction(chemistry)
    assert np.all(np.diff(soc) > 0) and soc[0] == pytest.approx(0.10) and soc[-1] == 0.80
    assert np.all(fraction > 0.0) and fraction.max() == pytest.approx(1.0)
    knee = int(np.argmax(fraction))
    assert np.all(np.diff(fraction[knee:]) <= 0.0)
    # the taper is real: by 80 % SOC the car is well below its peak
    assert fraction[-1] < 0.8


def test_the_fraction_lies_within_the_derivation_cars():
    entry = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["nmc"]
    fraction = np.array(entry["power_fraction"])
    assert np.all(fraction <= np.array(entry["spread_max"]) + 1e-9)
    assert np.all(fraction >= np.array(entry["spread_min"]) - 1e-9)


def test_a_chemistry_without_measured_cars_has_no_default():
    assert class_default_fraction("sodium-ion") is None
    soc, power = class_default_curve("sodium-ion", 250e3)
    assert soc.size == 0 and power.size == 0
    trace = dc_charge_run("ms11-naion", 0.10, 0.80, 350.0, 23.0).trace
    assert "DC power curve" not in set(trace["limiter"])


@pytest.mark.parametrize(
    ("vehicle", "binding"),
    [
        ("tesla-model3-rwd-2024-highland", "cell charge map"),
        ("vw-id3-pro-58kwh-2020", "DC power curve"),
    ],
)
def test_a_session_stays_under_the_taper_and_under_the_chemistry_map(vehicle, binding):
    """Each 1-s step (from the SOC and cell temperature it starts at) takes no more current than
    the chemistry's DC map allows and no more inlet power than the class default times the car's
    peak (warm cells: the map does not derate it). The taper caps the map, it never raises it:
    the Highland's LFP map (about 2.1 C, 136 kW) stays below 170 kW times the taper and binds."""
    spec = load_vehicle(vehicle)
    chem = load_chemistry(spec.battery.chemistry)
    pack_ah = pack_of(spec).capacity_ah
    peak_w = 1000.0 * spec.charging.dc_max_power_kw
    soc_grid, fraction = class_default_fraction(chem.id)
    trace = dc_charge_run(spec, 0.10, 0.80, 350.0, 23.0).trace
    start, step = trace.iloc[:-1], trace.iloc[1:]
    map_a = chem.charge_c_rate_map_at(start["cell_temp_c"].to_numpy(), start["soc"].to_numpy())
    assert np.all(step["current_a"].to_numpy() <= map_a * pack_ah * (1 + 1e-9) + 1e-9)
    taper_w = np.interp(start["soc"].to_numpy(), soc_grid, fraction) * peak_w
    assert np.all(step["inlet_power_w"].to_numpy() <= taper_w * (1 + 1e-9))
    assert binding in set(step["limiter"])


def test_the_taper_slows_a_car_the_map_alone_let_charge_at_its_peak():
    """The ID.3 (100 kW) held its peak to 80 % on the NMC map alone; with the taper its power
    at 70 % SOC is about the default's fraction of its peak."""
    trace = dc_charge_run("vw-id3-pro-58kwh-2020", 0.10, 0.80, 350.0, 23.0).trace
    soc_grid, fraction = class_default_fraction("nmc")
    near = trace[(trace["soc"] > 0.695) & (trace["soc"] < 0.705)]
    expected_kw = 100.0 * np.interp(0.70, soc_grid, fraction)
    assert near["power_kw"].mean() == pytest.approx(expected_kw, rel=0.02)


def test_a_files_own_measured_curve_wins_over_the_class_default():
    """A measured curve replaces the chemistry map and the default: flat 150 kW on the Ioniq 6
    gives 150 kW at 70 % SOC, where the default gives about 54 % of 233 kW."""
    spec = load_vehicle("hyundai-ioniq6-lr-rwd")
    data = spec.model_dump()
    data["charging"]["dc_power_curve"] = [[0.0, 150.0], [100.0, 150.0]]
    own = type(spec).model_validate(data)
    trace = dc_charge_run(own, 0.10, 0.80, 350.0, 23.0).trace
    near = trace[(trace["soc"] > 0.695) & (trace["soc"] < 0.705)]
    assert near["power_kw"].mean() == pytest.approx(150.0, rel=0.01)
    default_trace = dc_charge_run(spec, 0.10, 0.80, 350.0, 23.0).trace
    near_default = default_trace[(default_trace["soc"] > 0.695) & (default_trace["soc"] < 0.705)]
    assert near_default["power_kw"].mean() < 0.6 * 233.0
