"""Every published official figure of the reference cars, predicted from their specifications.

Tolerance +-5 %. Figures bevsim does not yet reach are marked as expected failures (strict: the
test fails when one starts to pass, so this list only shrinks), each with the reason found;
docs/validation.md holds the whole table (tools/make_validation.py).
"""

from pathlib import Path

import pytest

from bevsim.validation.reference import TOLERANCE, validation_table

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"

LABEL_ADJUSTMENT = (
    "Tesla labels come from 5-cycle testing (label/raw 0.745); bevsim's own 5-cycle runs give "
    "0.750, and its raw highway consumption is about 5 % above the test car list's"
)
USABLE_ENERGY = "usable pack energy unpublished; the class-typical 95 % of 60 kWh looks low"
WLTP_RECHARGE = (
    "WLTP grid consumption needs about 1.18x the battery energy; bevsim's on-board-charger model "
    "at the charger's rated power gives 1.10x (the EU test's charging conditions are unconfirmed)"
)
NO_ROAD_LOAD = "no published coast-down coefficients; drag, area, rolling resistance are estimates"
KNOWN_MISSES = {
    ("tesla_model3_rwd_2024_highland", "CLTC range"): "the pack is the US car's, measured in "
    "its EPA test (60.997 kWh usable); the China car's pack energy is not published, and with "
    "that pack bevsim's CLTC battery consumption is 7 % below the 10.1 kWh/100 km the CLTC "
    "range would imply",
    **{
        ("tesla_model3_rwd_2024_highland", f"EPA label {key}"): NO_ROAD_LOAD
        + "; bevsim's raw consumption is below the EPA certificate's on the highway"
        for key in ("mpge_combined", "range_mi")
    },
    ("byd_dolphin_60kwh_eu", "WLTP consumption"): WLTP_RECHARGE,
    ("hyundai_ioniq6_lr_rwd_18in", "WLTP consumption"): WLTP_RECHARGE,
    ("vw_id3_pro_58kwh_2020", "WLTP consumption"): WLTP_RECHARGE,
    ("vw_id3_pro_58kwh_2020", "WLTP range"): NO_ROAD_LOAD + "; 2020 MEB drive unit, not SiC",
    ("hyundai_ioniq6_lr_rwd_18in", "EPA label range_mi"): NO_ROAD_LOAD,
    ("hyundai_ioniq6_lr_rwd_18in", "EPA label mpge_combined"): NO_ROAD_LOAD,
    ("chevrolet_bolt_euv_2022", "EPA label range_mi"): "usable energy unpublished: the quoted "
    "65 kWh is taken as gross with a class-typical 95 % window",
    ("chevrolet_bolt_euv_2022", "EPA label range_hwy_mi_approx"): "approximate figure",
    **{
        ("tesla_model3_rwd_2022_us", f"EPA label {key}"): LABEL_ADJUSTMENT + "; " + USABLE_ENERGY
        for key in ("range_mi", "range_city_mi", "range_hwy_mi")
    },
}

TABLE = validation_table(
    DATA / "official" / "vehicles.yaml",
    DATA,
    DATA / "label_methods.yaml",
    DATA / "official" / "epa_certificates.yaml",
)
CASES = [
    pytest.param(
        row,
        id=f"{row.vehicle_id}: {row.figure}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[(row.vehicle_id, row.figure)])]
        if (row.vehicle_id, row.figure) in KNOWN_MISSES
        else [],
    )
    for row in TABLE.itertuples()
]


@pytest.mark.parametrize("row", CASES)
def test_prediction_within_5_percent_of_the_official_figure(row):
    assert abs(row.error_pct) <= 100 * TOLERANCE, f"{row.bevsim:.1f} vs {row.official:.1f}"


def test_every_known_miss_is_still_in_the_reference_set():
    figures = set(zip(TABLE["vehicle_id"], TABLE["figure"], strict=True))
    assert set(KNOWN_MISSES) <= figures
