"""EPA Test Car List harness: unit conversions, vehicles built from test data, the FASTSim
mapping of the road-load curve, the error statistics and the leave-one-make-out fit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bevsim.procedures import epa
from bevsim.spec import VehicleSpec
from bevsim.validation import epa_tcl

TCL = Path(__file__).parents[1] / "data" / "reference" / "epa_tcl" / "epa_tcl_2022_public.csv"
ROWS = epa_tcl.load_tcl(TCL)


def test_the_list_has_45_configurations_with_unique_ids():
    assert len(ROWS) == 45
    assert len({r.vehicle_id for r in ROWS}) == 45


def test_si_coefficients_are_the_published_lbf_mph_ones_converted():
    raw = pd.read_csv(TCL)
    np.testing.assert_allclose(raw["f0_n"], raw["target_a_lbf"] * 4.4482216, rtol=1e-5)
    np.testing.assert_allclose(
        raw["f1_n_per_kmh"], raw["target_b_lbf_per_mph"] * 4.4482216 / 1.609344, rtol=1e-4
    )
    np.testing.assert_allclose(
        raw["f2_n_per_kmh2"], raw["target_c_lbf_per_mph2"] * 4.4482216 / 1.609344**2, rtol=1e-4
    )


def test_gear_ratio_from_nv_matches_the_model3_published_reduction():
    # Model 3 RWD: N/V 115 rpm/mph (TCL), rolling radius 0.334 m (FASTSim), 9.03:1 (manual).
    assert epa_tcl.gear_ratio_from_nv(115.0, 0.334) == pytest.approx(9.03, rel=0.01)


def test_a_built_car_is_tested_at_its_etw_with_its_road_load_and_rated_power():
    for row in ROWS:
        spec = VehicleSpec.model_validate(epa_tcl.tcl_vehicle_dict(row))
        assert epa.test_mass_kg(spec) == pytest.approx(row.etw_kg)
        assert spec.road_load.f2_n_per_kmh2 == row.f2_n_per_kmh2
        assert sum(m.peak_power_kw for m in spec.drive.motors) == pytest.approx(row.rated_power_kw)
        assert len(spec.drive.motors) == (2 if row.drive == "AWD" else 1)


def test_public_facts_override_dotted_paths_and_every_list_item():
    row = next(r for r in ROWS if r.drive == "AWD")
    vehicle = epa_tcl.tcl_vehicle_dict(
        row, {"drive.motors.*.max_speed_rpm": 15000.0, "accessories.base_power_w": 400.0}
    )
    assert [m["max_speed_rpm"] for m in vehicle["drive"]["motors"]] == [15000.0, 15000.0]
    assert vehicle["accessories"]["base_power_w"] == 400.0


@pytest.mark.peer
def test_fastsim_road_load_reproduces_the_coast_down_curve():
    pytest.importorskip("fastsim")
    from bevsim.peers.fastsim_tcl import AIR_DENSITY_KG_PER_M3, fastsim_road_load

    for row in ROWS:
        crr, cd = fastsim_road_load(row, 2.22)
        v = np.linspace(20.0, 120.0, 11)
        curve = row.f0_n + row.f1_n_per_kmh * v + row.f2_n_per_kmh2 * v**2
        fastsim = row.etw_kg * 9.80 * crr + 0.5 * AIR_DENSITY_KG_PER_M3 * cd * 2.22 * (v / 3.6) ** 2
        # two terms cannot follow a large linear term (Ioniq 5) exactly: 10 % at worst
        assert np.max(np.abs(fastsim / curve - 1.0)) < 0.10, row.vehicle_id
        assert np.sqrt(np.mean((fastsim / curve - 1.0) ** 2)) < 0.05, row.vehicle_id
        assert 0.002 < crr < 0.02 and 0.1 < cd < 0.5


def _table(errors, powers, makes):
    return pd.DataFrame({"error_pct": errors, "rated_power_kw": powers, "make": makes})


def test_error_summary_of_a_hand_made_table():
    table = _table([-2.0, 4.0, -6.0], [100.0, 200.0, 300.0], ["a", "b", "c"])
    s = epa_tcl.error_summary(table)
    assert s["n"] == 3
    assert s["mae_pct"] == pytest.approx(4.0)
    assert s["max_pct"] == pytest.approx(6.0)
    assert s["mean_pct"] == pytest.approx(-4.0 / 3.0)
    assert s["corr_power"] == pytest.approx(np.corrcoef([-2, 4, -6], [100, 200, 300])[0, 1])


@given(st.floats(0.0, 2000.0, allow_nan=False))
def test_every_power_has_exactly_one_class(power_kw):
    label = epa_tcl.power_class(power_kw)
    assert label in {"< 150 kW", "150-250 kW", "250-400 kW", ">= 400 kW"}


def test_leave_one_make_out_chooses_each_value_on_the_other_makes():
    rows = [r for r in ROWS if r.make in ("Audi", "Kia", "Tesla")]
    makes = sorted({r.make for r in rows})
    best = {make: float(i) for i, make in enumerate(makes)}  # each make prefers another value

    def simulate(value):
        errors = [abs(value - best[r.make]) + 1.0 for r in rows]
        return _table(errors, [r.rated_power_kw for r in rows], [r.make for r in rows])

    parameter = epa_tcl.GlobalParameter(
        "x", tuple(float(i) for i in range(len(makes))), (0.0, 10.0), "test", "test"
    )
    fit = epa_tcl.fit_global(rows, parameter, simulate)
    assert fit.in_sample_mae_pct <= fit.lomo_mae_pct
    for make in makes:
        chosen = fit.lomo_table.loc[fit.lomo_table["make"] == make, "chosen_value"]
        assert (chosen != best[make]).all()


def test_a_grid_outside_its_sourced_range_is_refused():
    with pytest.raises(Exception, match="plausible range"):
        epa_tcl.GlobalParameter("x", (1.0, 20.0), (0.0, 10.0), "test", "test")


@pytest.fixture(scope="module")
def model3_and_bolt():
    import yaml

    facts = yaml.safe_load((TCL.parent / "public_facts.yaml").read_text())
    rows = [r for r in ROWS if r.make in ("Tesla", "Chevrolet")]
    return epa_tcl.long_errors(rows, epa_tcl.bevsim_results(epa_tcl.tcl_specs(rows, facts)))


def test_bevsim_on_the_model3_and_bolt_rows_stays_within_the_documented_errors(model3_and_bolt):
    """Regression guard for docs/validation_epa_tcl.md: these rows were within 7.0 %."""
    errors = model3_and_bolt["error_pct"].abs()
    assert len(errors) == 6
    assert errors.max() < 8.0, model3_and_bolt


def test_public_facts_are_cited_and_name_cars_of_the_list():
    import yaml

    facts = yaml.safe_load((TCL.parent / "public_facts.yaml").read_text())
    keys = {r.model for r in ROWS} | {f"{r.model}|{r.drive}" for r in ROWS}
    for name, entry in facts.items():
        assert name in keys, name
        assert entry.get("source"), f"{name}: no source"
    specs = epa_tcl.tcl_specs(ROWS, facts)
    by_id = {s.id: s for s in specs}
    etron_s = by_id["e-tron-s-0-nazs-es-225"]
    assert [m.axle for m in etron_s.drive.motors] == ["front", "rear", "rear"]
    assert {m.type for m in etron_s.drive.motors} == {"induction"}
    etron_gt = by_id["e-tron-gt-0-nazg-gt60-126"]
    assert etron_gt.drive.motors[1].gear_ratios == [15.563, 8.05]  # the J1 rear two-speed unit
    model3 = by_id["model-3-rwd-0-3r022-043763"]
    assert model3.drive.motors[0].inverter == "sic"
    assert model3.drive.motors[0].max_speed_rpm == pytest.approx(115.0 * 225.0 / 1.609344)


def test_every_car_of_the_list_compiles_to_finite_loss_maps():
    import yaml

    from bevsim.engine.compile import compile_vehicles

    facts = yaml.safe_load((TCL.parent / "public_facts.yaml").read_text())
    batch = compile_vehicles(epa_tcl.tcl_specs(ROWS, facts))
    assert np.all(np.isfinite(batch.tables.motor_loss_pu))
    assert np.all(np.isfinite(batch.params))


def test_drive_unit_kind_names_technologies_and_gears():
    """The page's drive-unit groups: technologies sorted with PMSM first, two-speed marked."""
    from bevsim.spec import load_vehicle

    base = load_vehicle("tesla-model3-lr-awd-2022")
    assert epa_tcl.drive_unit_kind(base) == "pmsm + induction"
    single = load_vehicle("tesla-model3-rwd-2022")
    assert epa_tcl.drive_unit_kind(single) == "pmsm"
    motor = single.drive.motors[0].model_copy(
        update={"gear_ratio": None, "gear_ratios": [15.5, 8.05]}
    )
    geared = single.model_copy(
        update={"drive": single.drive.model_copy(update={"motors": [motor]})}
    )
    assert epa_tcl.drive_unit_kind(geared) == "pmsm, two-speed"
