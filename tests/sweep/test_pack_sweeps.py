"""A sweep varies what it says (issue 17, items 1 and 2): varied pack fields take effect, the
curb mass follows the pack, and a field that changes no result is refused in one line."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bevsim.chemistry import load_chemistry
from bevsim.cli import sweep_commands  # noqa: F401  (registers the commands)
from bevsim.cli.app import app
from bevsim.spec import load_vehicle, pack_of, vehicle_from_dict
from bevsim.spec.pack_mass import CELL_TO_PACK_MASS_RATIO
from bevsim.sweep import run_sweep
from bevsim.sweep.pack_axes import MassFollowsPack, restate_pack

runner = CliRunner()
LFP = load_chemistry("lfp")
CTP_WH_PER_KG = LFP.specific_energy_wh_per_kg * CELL_TO_PACK_MASS_RATIO["cell_to_pack"]


def one_error_line(result) -> str:
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert result.exit_code == 2, result.output
    assert len(lines) == 1 and lines[0].startswith("error:"), result.output
    assert "Traceback" not in result.output
    return lines[0]


def test_issue_example_gross_energy_of_a_cell_pack_varies_the_pack():
    """`bevsim sweep ms11-lfp --vary battery.gross_energy_kwh=50,60 --procedure cltc` gave two
    identical rows (74.9 kWh, 658 km)."""
    frame = run_sweep("ms11-lfp", ["battery.gross_energy_kwh=50,60"], ["cltc"])
    assert frame["pack_energy_kwh"].tolist() == pytest.approx([50.0, 60.0], rel=1e-12)
    small, large = frame.iloc[0], frame.iloc[1]
    assert small["range_km"] < large["range_km"]
    # range grows less than the energy: the larger pack is heavier
    assert large["range_km"] / small["range_km"] < 60 / 50
    assert large["range_km"] / small["range_km"] > 1.1
    assert large["curb_mass_kg"] - small["curb_mass_kg"] == pytest.approx(
        10_000.0 / CTP_WH_PER_KG, rel=1e-9
    )
    assert set(frame["mass_source"]) == {"cells"}
    assert frame["error"].isna().all()


def test_restated_pack_keeps_energy_and_voltage():
    spec = load_vehicle("ms11-lfp")
    base = spec.model_dump(mode="json", exclude_none=True)
    restated = vehicle_from_dict(restate_pack(spec, base, ["battery.gross_energy_kwh"]))
    assert restated.battery.cells_in_series is None
    assert pack_of(restated).gross_energy_wh == pytest.approx(pack_of(spec).gross_energy_wh)
    assert pack_of(restated).nominal_voltage_v == pytest.approx(pack_of(spec).nominal_voltage_v)
    naion = load_vehicle("ms11-naion")
    data = naion.model_dump(mode="json", exclude_none=True)
    as_cells = vehicle_from_dict(restate_pack(naion, data, ["battery.cells_in_parallel"]))
    assert as_cells.battery.gross_energy_kwh is None
    assert pack_of(as_cells).gross_energy_wh == pytest.approx(pack_of(naion).gross_energy_wh)


@settings(max_examples=60, deadline=None)
@given(
    energy_kwh=st.floats(10, 200),
    chemistry=st.sampled_from(["lfp", "sodium-ion", "nmc"]),
    pack_type=st.sampled_from(sorted(CELL_TO_PACK_MASS_RATIO)),
)
def test_curb_mass_follows_pack_mass(energy_kwh, chemistry, pack_type):
    """Curb mass of a variant = base curb mass + pack mass change, the pack mass being the cell
    mass over the cell-to-pack mass ratio; the base pack gives back the base mass."""
    spec = load_vehicle("ms11-naion")
    base = spec.model_dump(mode="json", exclude_none=True)
    rule = MassFollowsPack.of(spec)
    assert rule.apply(base)["mass"]["curb_kg"] == pytest.approx(spec.mass.curb_kg)
    battery = dict(base["battery"], gross_energy_kwh=energy_kwh)
    battery.update(chemistry=chemistry, pack_type=pack_type)
    variant = rule.apply({**base, "battery": battery})
    chem = load_chemistry(chemistry)
    cells_kg = 1000.0 * energy_kwh / chem.specific_energy_wh_per_kg
    expected = (
        spec.mass.curb_kg - rule.base_pack_mass_kg + cells_kg / CELL_TO_PACK_MASS_RATIO[pack_type]
    )
    assert variant["mass"]["curb_kg"] == pytest.approx(expected, abs=1e-5)
    assert variant["mass"]["curb_kg"] > spec.mass.curb_kg - rule.base_pack_mass_kg


def test_readme_sweep_mass_follows_pack_unless_fixed():
    """The README's sweep gave 2,080 kg for packs of 48 to 144 kWh."""
    vary = ["battery.cell_capacity_ah=100,250", "battery.chemistry=lfp,nmc"]
    follows = run_sweep("ms11-lfp", vary, ["cltc"])
    fixed = run_sweep("ms11-lfp", vary, ["cltc"], fixed_mass=True)
    assert follows["curb_mass_kg"].nunique() == 4
    assert set(follows["mass_source"]) == {"cells"}
    assert set(fixed["curb_mass_kg"]) == {1980.0} and set(fixed["mass_source"]) == {"fixed"}
    base_row = follows[(follows["chemistry"] == "lfp")].iloc[0]
    energy_gain_wh = 1000.0 * (base_row["pack_energy_kwh"] - 74.88)
    assert base_row["curb_mass_kg"] - 1980.0 == pytest.approx(energy_gain_wh / CTP_WH_PER_KG)
    for (_, a), (_, b) in zip(follows.iterrows(), fixed.iterrows(), strict=True):
        # the same pack: a heavier car uses more energy per km, a lighter one less
        assert a["pack_energy_kwh"] == b["pack_energy_kwh"]
        lighter = a["curb_mass_kg"] < b["curb_mass_kg"]
        assert (a["consumption_kwh_per_100km"] < b["consumption_kwh_per_100km"]) == lighter


def test_issue_example_file_with_cells_and_gross_energy_is_refused(tmp_path):
    data = load_vehicle("ms11-lfp").model_dump(mode="json", exclude_none=True)
    data["battery"]["gross_energy_kwh"] = 60.0
    path = tmp_path / "both.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    store = tmp_path / "s.duckdb"
    args = ["sweep", str(path), "--vary", "body.drag_coefficient=0.2,0.22"]
    line = one_error_line(runner.invoke(app, [*args, "--store", str(store)]))
    assert "both.yaml" in line and "battery" in line and "gross_energy_kwh" in line
    assert not store.exists()


@pytest.mark.parametrize(
    ("vehicle", "vary", "why"),
    [
        ("ms11-lfp", "thermal.cabin_setpoint_c=20,24", "HVAC"),
        ("ms11-lfp", "charging.dc_max_power_kw=100,200", "charge procedures"),
        ("ms11-lfp", "drive.speed_limiter_kmh=180", "performance"),
        ("tesla-model3-rwd-2022", "body.drag_coefficient=0.2,0.23", "road_load"),
        ("tesla-model3-rwd-2022", "accessories.low_voltage_load_w=200,300", "base_power_w"),
    ],
)
def test_a_varied_field_without_effect_is_refused(tmp_path, vehicle, vary, why):
    store = tmp_path / "s.duckdb"
    result = runner.invoke(app, ["sweep", vehicle, "--vary", vary, "--store", str(store)])
    line = one_error_line(result)
    assert vary.split("=")[0] in line and "changes no result of cltc" in line and why in line
    assert not store.exists()


def test_varying_both_pack_forms_is_refused():
    result = runner.invoke(
        app,
        [
            "sweep",
            "ms11-lfp",
            "--vary",
            "battery.gross_energy_kwh=50,60",
            "--vary",
            "battery.cells_in_series=100,120",
        ],
    )
    assert "vary fields of one form" in one_error_line(result)


def test_partial_effect_is_a_note_and_the_sweep_runs():
    result = runner.invoke(
        app,
        [
            "sweep",
            "ms11-lfp",
            "--vary",
            "charging.onboard_charger_efficiency=0.9,0.95",
            "--procedure",
            "cltc",
            "--cycle",
            "wltc",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "note: --vary charging.onboard_charger_efficiency: changes no result of cycle:" in (
        result.output
    )
    summary = json.loads(result.stdout[result.stdout.index("[") :])[0]
    assert summary["computed_rows"] == 4 and summary["mass_source"] == "file"
