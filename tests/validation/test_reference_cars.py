"""Every published official figure of the reference cars, predicted from their library files.

Tolerance +-5 %. Figures bevsim does not yet reach are marked as expected failures (strict: the
test fails when one starts to pass, so this list only shrinks), each with the reason found
(tests/data/reference/official/known_misses.yaml, which the page prints too);
docs/validation.md holds the whole table (tools/make_validation.py). The cases are the
published figures, read from the reference set at collection; the simulations run once, in the
module's ``table`` fixture.
"""

from pathlib import Path

import pytest

from bevsim.validation.reference import (
    TOLERANCE,
    load_known_misses,
    reference_figures,
    validation_table,
)

DATA = Path(__file__).resolve().parents[1] / "data" / "reference"
REFERENCE = DATA / "official" / "vehicles.yaml"
CERTIFICATES = DATA / "official" / "epa_certificates.yaml"

KNOWN_MISSES = load_known_misses(DATA / "official" / "known_misses.yaml")

FIGURES = reference_figures(REFERENCE, CERTIFICATES)
CASES = [
    pytest.param(
        figure.vehicle_id,
        figure.name,
        id=f"{figure.vehicle_id}: {figure.name}",
        marks=[
            pytest.mark.xfail(strict=True, reason=KNOWN_MISSES[(figure.vehicle_id, figure.name)])
        ]
        if (figure.vehicle_id, figure.name) in KNOWN_MISSES
        else [],
    )
    for figure in FIGURES
]


@pytest.fixture(scope="module")
def table():
    """The validation table of the library's reference cars, indexed by (vehicle id, figure)."""
    return validation_table(REFERENCE, DATA / "label_methods.yaml", CERTIFICATES).set_index(
        ["vehicle_id", "figure"]
    )


@pytest.mark.parametrize("vehicle_id, figure", CASES)
def test_prediction_within_5_percent_of_the_official_figure(table, vehicle_id, figure):
    row = table.loc[(vehicle_id, figure)]
    assert abs(row.error_pct) <= 100 * TOLERANCE, f"{row.bevsim:.1f} vs {row.official:.1f}"


def test_the_table_has_one_row_per_published_figure(table):
    assert table.index.is_unique
    assert set(table.index) == {(f.vehicle_id, f.name) for f in FIGURES}


def test_every_known_miss_is_still_in_the_reference_set():
    assert set(KNOWN_MISSES) <= {(f.vehicle_id, f.name) for f in FIGURES}


def test_every_known_miss_names_a_published_figure():
    """A reason without its figure (a renamed figure, a car gone from the library) is stale."""
    names = {(f.vehicle_id, f.name) for f in FIGURES}
    assert set(KNOWN_MISSES) <= names, sorted(set(KNOWN_MISSES) - names)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("car-a:\n  CLTC range: ''\n", r"car-a\.CLTC range: expected the reason as text"),
        ("car-a: just text\n", r"car-a: expected a mapping of figure: why"),
    ],
)
def test_a_known_miss_without_its_reason_is_refused(tmp_path, text, expected):
    from bevsim.errors import BevsimError

    path = tmp_path / "known_misses.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BevsimError, match=expected) as error:
        load_known_misses(path)
    assert str(path) in str(error.value)
