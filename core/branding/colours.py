"""Colour arithmetic for tenant themes: WCAG 2.1 relative luminance and contrast ratios."""

import re

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")

WHITE = "#ffffff"
# WCAG 2.1 AA for normal text (success criterion 1.4.3).
MIN_TEXT_CONTRAST = 4.5


def _channel(value: int) -> float:
    """One sRGB channel (0-255) as linear light, per the WCAG definition of relative luminance."""
    scaled = value / 255
    return scaled / 12.92 if scaled <= 0.03928 else ((scaled + 0.055) / 1.055) ** 2.4


def relative_luminance(colour: str) -> float:
    """0.0 for black to 1.0 for white; `colour` is #rrggbb."""
    if not HEX_COLOUR.match(colour):
        raise ValueError(f"not a #rrggbb colour: {colour!r}")
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * _channel(red) + 0.7152 * _channel(green) + 0.0722 * _channel(blue)


def contrast_ratio(first: str, second: str = WHITE) -> float:
    """The WCAG contrast ratio of two #rrggbb colours, from 1.0 (same) to 21.0 (black on white)."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def readable_with_white_text(colour: str) -> bool:
    """Whether white text on this colour (and this colour as text on white) meets WCAG AA."""
    return contrast_ratio(colour, WHITE) >= MIN_TEXT_CONTRAST
