"""Regen (10-s charge-pulse) limits in the shipped LFP/NMC tables: a labelled PyBaMM model
derivation (tools/derive_regen_pulse_limits.py), capped between the sustained charge limit and the
discharge pulse rating. One point is re-derived when PyBaMM is installed."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import bevsim.chemistry

DATA = Path(bevsim.chemistry.__file__).resolve().parent / "data"
TOOLS = Path(__file__).resolve().parents[2] / "tools"
DERIVED_IDS = ["lfp", "nmc"]


def _yaml(cid: str) -> dict:
    return yaml.safe_load((DATA / f"{cid}.yaml").read_text())


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"_bevsim_{name}", TOOLS / f"{name}.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look the module up while it executes
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("cid", DERIVED_IDS)
def test_regen_limit_between_sustained_charge_and_discharge(cid):
    d = _yaml(cid)
    regen = np.array(d["max_regen_c_rate"])
    assert len(regen) == len(d["temperature_c"])
    assert np.all(regen >= np.array(d["max_charge_c_rate"]))
    assert np.all(regen <= np.array(d["max_discharge_c_rate"]))


@pytest.mark.parametrize("cid", DERIVED_IDS)
def test_regen_limit_non_decreasing_up_to_25c_and_non_zero_at_minus_10c(cid):
    d = _yaml(cid)
    t = np.array(d["temperature_c"])
    regen = np.array(d["max_regen_c_rate"])
    assert np.all(np.diff(regen[t <= 25.0]) >= 0.0)
    assert regen[list(t).index(-10.0)] > 0.0


def test_sodium_ion_has_no_regen_table():
    assert "max_regen_c_rate" not in _yaml("sodium-ion")


def test_yaml_regen_matches_derive_chemistry_tables_rule():
    tables = _load_script("derive_chemistry_tables")
    for cid in DERIVED_IDS:
        assert _yaml(cid)["max_regen_c_rate"] == tables.max_regen(cid)
    assert tables.max_regen("sodium-ion") is None


def test_rederive_lfp_minus_10c_binding_soc():
    """Re-run the PyBaMM derivation for LFP at -10 C at its binding SOC (a few seconds)."""
    pytest.importorskip("pybamm")
    tables = _load_script("derive_chemistry_tables")
    script = _load_script("derive_regen_pulse_limits")
    i = tables.TEMP_C.index(-10.0)
    per_soc = tables.REGEN_PULSE_DERIVED_C["lfp"]
    soc = min(per_soc, key=lambda s: per_soc[s][i])
    shipped = _yaml("lfp")["max_regen_c_rate"][i]
    assert shipped == pytest.approx(per_soc[soc][i])  # not capped at -10 C
    assert script.derive_point("lfp", -10.0, soc) == pytest.approx(shipped, rel=0.05)


@settings(max_examples=200, deadline=None)
@given(
    cid=st.sampled_from(["lfp", "nmc", "sodium-ion"]),
    temp_c=st.floats(min_value=-60.0, max_value=80.0, allow_nan=False),
)
def test_regen_never_below_sustained_charge_at_any_temperature(cid, temp_c):
    """Between and beyond the grid points (interpolated, clamped), for every shipped chemistry:
    the pulse limit the kernel uses for regen is at least the sustained limit, and finite."""
    chem = bevsim.chemistry.load_chemistry(cid)
    regen = float(chem.max_regen_c_rate_at(temp_c))
    assert np.isfinite(regen)
    assert regen >= float(chem.max_charge_c_rate_at(temp_c)) - 1e-12
