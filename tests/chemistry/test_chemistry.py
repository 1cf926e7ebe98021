"""Chemistry layer: shipped data loads, is physically sensible, and bad input is refused."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bevsim.chemistry import Chemistry, ChemistryError, list_chemistries, load_chemistry

IDS = ["lfp", "nmc", "sodium-ion"]


def test_shipped_ids():
    assert list_chemistries() == IDS


@pytest.mark.parametrize("cid", IDS)
def test_each_shipped_chemistry_loads_and_id_matches_file(cid):
    chem = load_chemistry(cid)
    assert isinstance(chem, Chemistry)
    assert chem.id == cid
    assert pickle.loads(pickle.dumps(chem)) == chem


@pytest.mark.parametrize("cid", IDS)
def test_ocv_monotonic_and_inside_voltage_window(cid):
    chem = load_chemistry(cid)
    ocv = chem.ocv_at(np.linspace(0, 1, 1001))
    assert np.all(np.diff(ocv) > 0)
    assert ocv.min() >= chem.min_voltage_v - 1e-9
    assert ocv.max() <= chem.max_voltage_v + 1e-9
    assert 20 <= len(chem.ocv.soc) <= 60


@pytest.mark.parametrize("cid", IDS)
def test_nominal_voltage_is_mean_ocv(cid):
    chem = load_chemistry(cid)
    soc = np.linspace(0, 1, 2001)
    mean_ocv = np.trapezoid(chem.ocv_at(soc), soc)
    assert abs(mean_ocv - chem.nominal_voltage_v) < 0.1


def test_sodium_ion_is_commercial_like_not_the_nvpf_lab_cell():
    """Guard: PyBaMM's NVPF set has a 3.68 V mean and a 50 %-SOC step; CATL-like cells don't."""
    chem = load_chemistry("sodium-ion")
    assert 3.0 <= chem.nominal_voltage_v <= 3.1
    soc = np.linspace(0.05, 0.95, 181)
    steps = np.diff(chem.ocv_at(soc))
    assert steps.max() < 3 * np.median(steps)  # sloping, no plateau-to-plateau jump


def test_cold_capacity_sodium_beats_lfp_and_matches_facts():
    na, lfp = load_chemistry("sodium-ion"), load_chemistry("lfp")
    assert float(na.capacity_fraction_at(-20)) > float(lfp.capacity_fraction_at(-20))
    assert float(na.capacity_fraction_at(-20)) == pytest.approx(0.9, abs=0.02)  # CATL > 90 %
    assert 0.70 <= float(lfp.capacity_fraction_at(-20)) <= 0.85  # FACTS.md sec. 6


@pytest.mark.parametrize("cid", IDS)
def test_capacity_fraction_is_one_at_25c(cid):
    assert float(load_chemistry(cid).capacity_fraction_at(25.0)) == pytest.approx(1.0)


@pytest.mark.parametrize("cid", ["lfp", "nmc"])
def test_graphite_cells_do_not_charge_at_or_below_0c(cid):
    chem = load_chemistry(cid)
    assert np.all(chem.max_charge_c_rate_at([-40, -30, -20, -10, -5, 0]) == 0)
    assert float(chem.max_charge_c_rate_at(25)) > 0


def test_sodium_ion_charges_in_the_cold():
    assert float(load_chemistry("sodium-ion").max_charge_c_rate_at(-30)) > 0


@pytest.mark.parametrize("cid", IDS)
def test_resistance_rises_as_temperature_falls(cid):
    chem = load_chemistry(cid)
    temps = np.array(chem.temperature_c)
    for soc in (0.1, 0.5, 0.9):
        for fn in (chem.r0_at, chem.r1_at):
            r = fn(temps, soc, 100.0)
            assert np.all(np.diff(r) < 0)
    # Arrhenius: ln R is linear in 1/T
    r0 = chem.r0_at(temps, 0.5, 1.0)
    slope = np.polyfit(1 / (temps + 273.15), np.log(r0), 1, full=True)
    assert slope[1][0] < 1e-6


@pytest.mark.parametrize(
    ("cid", "lo", "hi"), [("lfp", 0.3, 1.0), ("nmc", 0.3, 1.0), ("sodium-ion", 0.3, 1.0)]
)
def test_reference_cell_r0_at_25c_is_large_format_realistic(cid, lo, hi):
    chem = load_chemistry(cid)
    r0_mohm = float(chem.r0_at(25, 0.5, chem.reference_capacity_ah)) * 1e3
    assert lo <= r0_mohm <= hi


def test_resistance_scales_with_cell_capacity():
    chem = load_chemistry("lfp")
    assert float(chem.r0_at(25, 0.5, 270.0)) == pytest.approx(float(chem.r0_at(25, 0.5, 135.0)) / 2)


def test_resampled_shapes_and_clamping():
    chem = load_chemistry("lfp")
    soc, temps = np.linspace(0, 1, 101), np.arange(-40, 61, 5.0)
    out = chem.resampled(soc, temps)
    assert out["ocv_v"].shape == (101,)
    for k in ("r0_ohm_ah", "r1_ohm_ah", "tau1_s"):
        assert out[k].shape == (21, 101)
    for k in ("capacity_fraction", "max_charge_c_rate", "max_discharge_c_rate"):
        assert out[k].shape == (21,)
    # clamped: -40 C equals the -30 C row, 60 C equals the 55 C row
    assert np.allclose(out["r0_ohm_ah"][0], out["r0_ohm_ah"][2])
    assert np.allclose(out["r0_ohm_ah"][-1], chem.r0_at(55.0, soc, 1.0))
    assert np.allclose(out["r0_ohm_ah"][5], chem.r0_at(-15.0, soc, 1.0))


@pytest.mark.parametrize("alias", ["naion", "Na-Ion", "SODIUM", "sodium-ion", "LFP", "nmc"])
def test_aliases_case_insensitive(alias):
    assert load_chemistry(alias).id in IDS


def test_load_is_cached_on_resolved_path():
    assert load_chemistry("naion") is load_chemistry("sodium-ion")


def test_unknown_id_did_you_mean():
    with pytest.raises(ChemistryError) as e:
        load_chemistry("lpf")
    expected = "unknown chemistry 'lpf'; did you mean 'lfp'? known: lfp, nmc, sodium-ion"
    assert str(e.value) == expected
    assert isinstance(e.value, ValueError)


def test_unknown_id_without_close_match():
    with pytest.raises(ChemistryError, match=r"unknown chemistry 'xyz'; known: lfp, nmc"):
        load_chemistry("xyz")


# ------------------------------------------------------------------ bad files
def _shipped_dict(cid="lfp") -> dict:
    chem = load_chemistry(cid)
    return yaml.safe_load(yaml.safe_dump(chem.model_dump(mode="json")))


def _write(tmp_path: Path, data: dict, name="bad.yaml") -> Path:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(data))
    return p


def _expect_error(path: Path, field: str, *words: str) -> str:
    with pytest.raises(ChemistryError) as e:
        load_chemistry(path)
    msg = str(e.value)
    assert str(path) in msg or path.name in msg
    assert field in msg
    for w in words:
        assert w in msg
    return msg


def test_roundtrip_file_loads(tmp_path):
    chem = load_chemistry(_write(tmp_path, _shipped_dict(), "ok.yaml"))
    assert chem == load_chemistry("lfp")


def test_bad_file_unknown_field(tmp_path):
    d = _shipped_dict()
    d["resistance"]["r2_ohm_ah"] = d["resistance"]["r1_ohm_ah"]
    _expect_error(_write(tmp_path, d), "resistance.r2_ohm_ah", "unknown field", "r1_ohm_ah")


def test_bad_file_unknown_top_level_field(tmp_path):
    d = _shipped_dict()
    d["colour"] = "blue"
    _expect_error(_write(tmp_path, d), "colour", "unknown field")


def test_bad_file_non_monotonic_soc(tmp_path):
    d = _shipped_dict()
    d["resistance"]["soc"][2], d["resistance"]["soc"][3] = d["resistance"]["soc"][3], 0.15
    _expect_error(_write(tmp_path, d), "resistance.soc", "strictly increasing")


def test_bad_file_non_monotonic_ocv(tmp_path):
    d = _shipped_dict()
    d["ocv"]["ocv_v"][5] = d["ocv"]["ocv_v"][4]
    _expect_error(_write(tmp_path, d), "ocv.ocv_v", "strictly increasing")


def test_bad_file_wrong_table_shape(tmp_path):
    d = _shipped_dict()
    d["resistance"]["r0_ohm_ah"] = d["resistance"]["r0_ohm_ah"][:-1]
    _expect_error(_write(tmp_path, d), "resistance.r0_ohm_ah", "expected 8 rows")


def test_bad_file_wrong_row_length(tmp_path):
    d = _shipped_dict()
    d["resistance"]["tau1_s"][3] = d["resistance"]["tau1_s"][3][:-2]
    _expect_error(_write(tmp_path, d), "resistance.tau1_s", "values (one per resistance.soc)")


def test_bad_file_negative_resistance(tmp_path):
    d = _shipped_dict()
    d["resistance"]["r1_ohm_ah"][2][4] = -0.01
    _expect_error(_write(tmp_path, d), "resistance.r1_ohm_ah", "> 0")


def test_bad_file_voltage_order(tmp_path):
    d = _shipped_dict()
    d["nominal_voltage_v"] = 4.0
    _expect_error(_write(tmp_path, d), "nominal_voltage_v", "min_voltage_v < nominal_voltage_v")


def test_bad_file_capacity_fraction_length_and_range(tmp_path):
    d = _shipped_dict()
    d["capacity_fraction"] = d["capacity_fraction"][:-1]
    _expect_error(_write(tmp_path, d), "capacity_fraction", "expected 8 values")
    d = _shipped_dict()
    d["capacity_fraction"][0] = 1.5
    _expect_error(_write(tmp_path, d, "bad2.yaml"), "capacity_fraction", "(0, 1.2]")


def test_bad_file_negative_c_rate(tmp_path):
    d = _shipped_dict()
    d["max_charge_c_rate"][0] = -1
    _expect_error(_write(tmp_path, d), "max_charge_c_rate", ">= 0")


def test_bad_file_missing_field_and_not_yaml(tmp_path):
    d = _shipped_dict()
    del d["temperature_c"]
    _expect_error(_write(tmp_path, d), "temperature_c", "missing")
    p = tmp_path / "broken.yaml"
    p.write_text("id: [unclosed\n")
    _expect_error(p, "broken.yaml", "invalid YAML")


def test_missing_file(tmp_path):
    with pytest.raises(ChemistryError, match="not found"):
        load_chemistry(tmp_path / "nope.yaml")


# ------------------------------------------------------------------ properties
CHEMS = [load_chemistry(c) for c in IDS]
finite = st.floats(min_value=-80, max_value=120, allow_nan=False)
socs = st.floats(min_value=-0.5, max_value=1.5, allow_nan=False)


@settings(max_examples=200, deadline=None, database=None)
@given(st.sampled_from(CHEMS), finite, socs)
def test_interpolation_stays_within_table_bounds(chem, temp_c, soc):
    res = chem.resistance
    for table, value in (
        (res.r0_ohm_ah, chem.r0_at(temp_c, soc, 1.0)),
        (res.r1_ohm_ah, chem.r1_at(temp_c, soc, 1.0)),
        (res.tau1_s, chem.tau1_at(temp_c, soc)),
    ):
        arr = np.asarray(table)
        assert arr.min() - 1e-12 <= float(value) <= arr.max() + 1e-12
    for grid, fn in (
        (chem.capacity_fraction, chem.capacity_fraction_at),
        (chem.max_charge_c_rate, chem.max_charge_c_rate_at),
        (chem.max_discharge_c_rate, chem.max_discharge_c_rate_at),
    ):
        assert min(grid) - 1e-12 <= float(fn(temp_c)) <= max(grid) + 1e-12
    assert chem.ocv.ocv_v[0] <= float(chem.ocv_at(soc)) <= chem.ocv.ocv_v[-1]


@settings(max_examples=200, deadline=None, database=None)
@given(st.sampled_from(CHEMS), st.floats(0, 1), st.floats(0, 1))
def test_ocv_monotone_for_random_soc_pairs(chem, a, b):
    lo, hi = sorted((a, b))
    v_lo, v_hi = float(chem.ocv_at(lo)), float(chem.ocv_at(hi))
    assert v_hi >= v_lo  # never decreasing
    if hi - lo > 1e-9:  # strictly increasing beyond float resolution
        assert v_hi > v_lo


@pytest.mark.parametrize(
    ("values", "words"),
    [
        (lambda d: d["max_regen_c_rate"][:-1], ("expected 8 values", "one per temperature_c")),
        (lambda d: [0.0] * 8, ("at least max_charge_c_rate", "at 10 C", "0 < 0.5")),
        (lambda d: [-0.1] + d["max_regen_c_rate"][1:], (">= 0",)),
    ],
    ids=["wrong-length", "below-the-sustained-limit", "negative"],
)
def test_bad_file_regen_pulse_limit(tmp_path, values, words):
    d = _shipped_dict()
    d["max_regen_c_rate"] = values(d)
    _expect_error(_write(tmp_path, d), "max_regen_c_rate", *words)


def test_regen_pulse_limit_is_optional_and_falls_back_to_the_sustained_limit(tmp_path):
    d = _shipped_dict()
    del d["max_regen_c_rate"]
    chem = load_chemistry(_write(tmp_path, d, "no_pulse.yaml"))
    temps = np.linspace(-30.0, 55.0, 18)
    assert np.array_equal(chem.max_regen_c_rate_at(temps), chem.max_charge_c_rate_at(temps))
    assert chem.resampled([0.0, 1.0], temps)["max_regen_c_rate"].tolist() == (
        chem.max_charge_c_rate_at(temps).tolist()
    )


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("nominal_voltage_v", 1e-9, ["greater than or equal to 0.5"]),
        ("max_voltage_v", 400.0, ["less than or equal to 5"]),
        ("reference_capacity_ah", 0.001, ["greater than or equal to 0.1"]),
        ("specific_energy_wh_per_kg", True, ["valid number"]),
        ("nominal_voltage_v", float("nan"), ["not a finite number"]),
        ("temperature_c", [-30, 25, 1e6], ["within -80..100 degC"]),
        ("capacity_fraction", [True] * 8, ["valid number"]),
    ],
)
def test_impossible_chemistry_values_are_refused(tmp_path, field, value, words):
    """Issue 17 item 3 for chemistry files: every number has a physical range, is a number
    (not a boolean) and is finite."""
    d = _shipped_dict()
    d[field] = value
    _expect_error(_write(tmp_path, d), field, *words)
