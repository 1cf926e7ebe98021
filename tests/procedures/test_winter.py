"""Winter: thermal energy balances, cold chemistry, heat pump vs PTC, preconditioning, and the
AAA 2019 cold-weather result (range retention within +-8 percentage points)."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

import bevsim
from bevsim.cli.main import app
from bevsim.engine.compile import Conditions, compile_vehicles
from bevsim.engine.layout import ENERGY_SINKS, TOTAL_COLUMNS, TRACE_COLUMNS
from bevsim.engine.physics import thermal
from bevsim.engine.run import run_cycle
from bevsim.procedures import epa
from bevsim.procedures.range_common import Environment
from bevsim.procedures.winter import winter_test
from bevsim.spec import vehicle_from_dict

COLD = Conditions(added_mass_kg=100.0, ambient_temp_c=-10.0, hvac_on=True)


def totals(spec, cycle="wltc-3b", conditions=COLD):
    batch = compile_vehicles([spec], conditions)
    out = run_cycle(batch, bevsim.load_cycle(cycle))
    return batch, dict(zip(TOTAL_COLUMNS, out.totals[0], strict=True))


@pytest.mark.parametrize("vehicle_id", ["ms11-lfp", "ms11-naion", "tesla-model3-lr-awd-2022"])
def test_energy_balance_closes_with_heating_in_the_cold(vehicle_id):
    _, t = totals(bevsim.load_vehicle(vehicle_id))
    assert t["cabin_hvac_energy_j"] > 1e6 and t["battery_thermal_energy_j"] > 1e6
    assert sum(t[k] for k in ENERGY_SINKS) == pytest.approx(t["chemical_energy_j"], rel=1e-3)


def test_pack_and_cabin_heat_balances_close():
    spec = bevsim.load_vehicle("ms11-lfp")
    batch, t = totals(spec)
    c_pack = batch.column("pack_heat_capacity_j_per_k")[0]
    stored = c_pack * (t["final_cell_temp_c"] - (-10.0))
    net_in = t["battery_heat_generated_j"] + t["battery_heater_heat_j"]
    out = t["pack_heat_to_ambient_j"] + t["pack_heat_recovered_j"]
    assert stored == pytest.approx(net_in - out, rel=1e-9)
    # the battery heater turns electric energy into heat one for one (PTC)
    assert t["battery_heater_heat_j"] == pytest.approx(t["battery_thermal_energy_j"], rel=1e-9)
    # a PTC-heated cabin gets exactly its electric energy as heat
    ptc = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    ptc["thermal"]["cabin_heating"] = "ptc"
    _, tp = totals(vehicle_from_dict(ptc))
    assert tp["cabin_heat_j"] == pytest.approx(tp["cabin_hvac_energy_j"], rel=1e-9)
    assert tp["final_cabin_temp_c"] == pytest.approx(22.0, abs=1.5)


def test_heat_pump_needs_less_electricity_than_ptc_for_the_same_heat():
    data = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    _, recovering = totals(vehicle_from_dict(data))
    data["thermal"]["drive_unit_heat_recovery"] = 0.0
    _, hp = totals(vehicle_from_dict(data))
    data["thermal"]["cabin_heating"] = "ptc"
    _, ptc = totals(vehicle_from_dict(data))
    assert hp["cabin_heat_j"] == pytest.approx(ptc["cabin_heat_j"], rel=0.02)
    # the run's COP lies between the PTC's and the pump's at -10 degC and no load
    cop = hp["cabin_heat_j"] / hp["cabin_hvac_energy_j"]
    assert 1.2 < cop < thermal.heat_pump_cop(-10.0, 22.0, 0.0)
    # recovered drive-unit heat saves electricity for the same cabin heat
    assert recovering["cabin_heat_j"] == pytest.approx(hp["cabin_heat_j"], rel=0.02)
    assert recovering["cabin_hvac_energy_j"] < 0.97 * hp["cabin_hvac_energy_j"]


def test_cold_pack_limits_regen_to_the_lfp_pulse_limit():
    """A -20 degC LFP pack (heater off) takes regen only up to its 10-s pulse limit
    (chemistry max_regen_c_rate, 0.2C at -20 degC; no sustained charging below 0 degC): the
    charge current never passes it, the rest of the braking goes to the friction brakes.
    Sodium-ion, whose sustained limit stays high in the cold, keeps far more regen."""
    spec = _unheated_while_driving("ms11-lfp")
    cold = Conditions(ambient_temp_c=-20.0, cell_temp_c=-20.0, hvac_on=False)
    batch = compile_vehicles([spec], cold)
    out = run_cycle(batch, bevsim.load_cycle("udds"), traces=True)
    t = dict(zip(TOTAL_COLUMNS, out.totals[0], strict=True))
    trace = dict(zip(TRACE_COLUMNS, out.traces[0].T, strict=True))
    _, warm = totals(spec, "udds", Conditions(ambient_temp_c=23.0))
    lfp = bevsim.chemistry.load_chemistry("lfp")
    assert float(lfp.max_charge_c_rate_at(-20.0)) == 0.0
    pulse_c = float(lfp.max_regen_c_rate_at(trace["cell_temp_c"].max()))
    assert 0.0 < pulse_c < 0.5
    pack_ah = spec.battery.cell_capacity_ah * (spec.battery.cells_in_parallel or 1)
    assert -trace["battery_current_a"].min() <= pulse_c * pack_ah * 1.001
    assert 0.05 * warm["terminal_charge_energy_j"] < t["terminal_charge_energy_j"]
    assert t["terminal_charge_energy_j"] < 0.9 * warm["terminal_charge_energy_j"]
    assert t["friction_brake_energy_j"] > 3 * warm["friction_brake_energy_j"]
    _, na = totals(_unheated_while_driving("ms11-naion"), "udds", cold)
    _, na_warm = totals(_unheated_while_driving("ms11-naion"), "udds", Conditions(23.0))
    na_kept = na["terminal_charge_energy_j"] / na_warm["terminal_charge_energy_j"]
    assert na_kept > t["terminal_charge_energy_j"] / warm["terminal_charge_energy_j"] + 0.03


def _unheated_while_driving(vehicle_id):
    """A library car whose pack heater stays off while driving."""
    data = bevsim.load_vehicle(vehicle_id).model_dump(exclude_none=True)
    data["thermal"]["battery_heating_below_driving_c"] = -40.0
    return vehicle_from_dict(data)


@pytest.fixture(scope="module")
def ms11_winter():
    return winter_test(["ms11-lfp", "ms11-naion"], [-20.0, -7.0], "cltc", hvac_on=False)


def test_sodium_ion_keeps_more_range_than_lfp_at_minus_20(ms11_winter):
    """Without heating both packs reach the bottom of their window at CLTC's currents (the
    cold cut-off decides, tests/engine/test_cold_capacity.py); the sodium-ion car keeps at
    least the LFP car's share, with its cells' regen in the cold (LFP takes no sustained
    charge below 0 degC) and its lower heater energy share."""
    at = ms11_winter[ms11_winter["ambient_temp_c"] == -20.0].set_index("vehicle_id")
    lfp, naion = at.loc["ms11-lfp", "range_retained"], at.loc["ms11-naion", "range_retained"]
    assert naion >= lfp
    assert naion - lfp < 0.05


def test_preconditioning_on_the_plug_gives_back_range():
    cold = winter_test("ms11-lfp", [-10.0], "cltc")
    warm = winter_test("ms11-lfp", [-10.0], "cltc", precondition=True)
    assert warm["range_km"].iloc[0] > cold["range_km"].iloc[0]
    assert warm["precondition_grid_energy_kwh"].iloc[0] > 1.0


def aaa_retention(hvac_on):
    """EPA city/highway range at 20 degF over 75 degF, reference cars heated by PTC as the AAA
    2019 fleet mostly was (docs/research/winter.md), their climate control on outside air
    (docs/validation_winter.md)."""
    specs = []
    for name in ("chevrolet-bolt-euv-2022", "nissan-leaf-sl-plus-62kwh-2022"):
        data = bevsim.load_vehicle(name).model_dump(exclude_none=True)
        data["thermal"]["cabin_heating"] = "ptc"
        data["thermal"]["cabin_recirculation"] = "fresh_air"
        specs.append(vehicle_from_dict(data))
    warm = epa.run(specs, Environment(23.9, hvac_on=hvac_on)).set_index("vehicle_id")
    cold = epa.run(specs, Environment(-6.7, hvac_on=hvac_on)).set_index("vehicle_id")
    return cold["range_mi"] / warm["range_mi"]


@pytest.mark.parametrize(("hvac_on", "published"), [(True, 0.59), (False, 0.88)])
def test_aaa_2019_cold_range_retention_within_8_points(hvac_on, published):
    retention = aaa_retention(hvac_on)
    assert np.all(np.abs(retention - published) <= 0.08), retention.to_dict()


def test_epa_cold_ftp_at_20_degf_keeps_less_range_than_at_75_degf():
    cold = winter_test("ms11-naion", [-6.7], "ftp75")
    assert cold["procedure"].iloc[0] == "ftp75"
    assert 0.3 < cold["range_retained"].iloc[0] < 0.9
    assert cold["cabin_hvac_kwh"].iloc[0] > 1.0


def test_winter_cli_json_and_bad_temperatures(tmp_path):
    runner = CliRunner()
    ok = runner.invoke(app, ["winter", "ms11-naion", "--temps", "-7", "--json"])
    assert ok.exit_code == 0, ok.output
    (row,) = json.loads(ok.stdout)
    assert row["ambient_temp_c"] == -7.0 and 0.3 < row["range_retained"] < 0.95
    plot = tmp_path / "w.png"
    for temps in ("-90", "cold"):
        bad = runner.invoke(app, ["winter", "ms11-lfp", "--temps", temps, "--plot", str(plot)])
        assert bad.exit_code == 2 and bad.stderr.startswith("error:")
        assert not plot.exists()
