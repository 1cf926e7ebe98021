"""The cycle-run procedure and the Python API: summary columns, traces, plausibility."""

import numpy as np
import pytest

import bevsim


@pytest.fixture(scope="module")
def compare():
    return bevsim.simulate(
        ["ms11-lfp", "ms11-naion", "tesla-model3-rwd-2022"], "cltc-p", traces=True
    )


def test_summary_has_one_row_per_vehicle_with_units_in_names(compare):
    summary = compare.summary
    assert list(summary["vehicle_id"]) == ["ms11-lfp", "ms11-naion", "tesla-model3-rwd-2022"]
    for column in summary.columns:
        if column in {"vehicle_id", "vehicle", "cycle", "followed_trace"}:
            continue
        assert column.split("_")[-1] in {"kg", "km", "kwh", "100km", "soc", "kmh", "s"}, column
    records = compare.to_records()
    assert {"distance_km", "battery_energy_kwh", "consumption_kwh_per_100km"} <= set(records[0])


def test_model3_class_sedans_use_11_to_15_kwh_per_100km_on_cltc_at_the_battery(compare):
    """The core issue's plausibility band (a real Model 3 RWD: 556 km CLTC on ~57 kWh usable
    gives about 10.3 kWh/100 km at the battery, so the band's lower edge is widened to 9.5)."""
    for _, row in compare.summary.iterrows():
        assert 9.5 <= row["consumption_kwh_per_100km"] <= 15.0, row["vehicle_id"]
        assert row["followed_trace"]
        assert row["distance_km"] == pytest.approx(14.48, abs=0.01)


def test_sodium_ion_pack_is_heavier_and_uses_a_little_more_energy(compare):
    by_id = compare.summary.set_index("vehicle_id")
    assert by_id.loc["ms11-naion", "test_mass_kg"] > by_id.loc["ms11-lfp", "test_mass_kg"]
    assert (
        by_id.loc["ms11-naion", "consumption_kwh_per_100km"]
        > by_id.loc["ms11-lfp", "consumption_kwh_per_100km"]
    )


def test_traces_have_one_row_per_second_and_consistent_power(compare):
    trace = compare.traces["ms11-naion"]
    assert len(trace) == 1801
    assert np.allclose(trace["time_s"], np.arange(1801))
    v = trace["terminal_voltage_v"]
    i = trace["battery_current_a"]
    assert np.allclose(v * i, trace["battery_power_w"], rtol=1e-9, atol=1e-6)
    assert (trace["soc"].diff().dropna() <= 1e-12).sum() > 0
    assert trace["soc"].between(0.0, 1.0).all()


def test_a_vehicle_yaml_path_and_a_cycle_csv_path_work(tmp_path):
    path = tmp_path / "my-car.yaml"
    spec = bevsim.load_vehicle("ms11-lfp").model_dump(exclude_none=True)
    spec.pop("id")
    import yaml

    path.write_text(yaml.safe_dump(spec))
    cycle = tmp_path / "city.csv"
    cycle.write_text("time_s,speed_kmh\n0,0\n10,36\n20,36\n30,0\n")
    result = bevsim.simulate(str(path), str(cycle))
    row = result.summary.iloc[0]
    assert row["vehicle_id"] == "my-car"
    assert row["distance_km"] == pytest.approx(0.2, rel=1e-9)  # 10 m/s for 10 s + 2 ramps of 50 m
