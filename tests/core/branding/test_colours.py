"""WCAG contrast arithmetic: the figures the standard itself gives."""

import pytest

from core.branding.colours import contrast_ratio, readable_with_white_text, relative_luminance


def test_black_on_white_is_the_largest_contrast_and_a_colour_against_itself_the_smallest() -> None:
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21.0)
    assert contrast_ratio("#0b5394", "#0b5394") == pytest.approx(1.0)


def test_luminance_runs_from_black_to_white() -> None:
    assert relative_luminance("#000000") == 0.0
    assert relative_luminance("#FFFFFF") == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("colour", "ratio"),
    [
        ("#767676", 4.54),  # the lightest grey that passes AA on white
        ("#777777", 4.48),  # one step lighter fails
        ("#0b5394", 7.84),  # Dugnad's default blue
        ("#1e6b3a", 6.52),  # Dugnad's default green
    ],
)
def test_known_colours_against_white(colour: str, ratio: float) -> None:
    assert contrast_ratio(colour) == pytest.approx(ratio, abs=0.01)


def test_white_text_needs_four_and_a_half_to_one() -> None:
    assert readable_with_white_text("#767676")
    assert not readable_with_white_text("#777777")
    assert not readable_with_white_text("#ffcc00")


def test_anything_but_six_hex_digits_is_refused() -> None:
    for bad in ("0b5394", "#0b539", "#0b53944", "#gggggg", "red"):
        with pytest.raises(ValueError, match="rrggbb"):
            relative_luminance(bad)
