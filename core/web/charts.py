"""Server-rendered SVG charts: bars, stacked bars, grouped horizontal bars and lines, with no JavaScript.

Each function returns a Chart: the SVG markup (role="img", an aria-label and a <title>), the series for a
legend in words, and the same figures as table rows, so nothing is told by colour or shape alone. Colours
are presentation attributes (the Content-Security-Policy allows no inline style), each at 3:1 or more
against white, as WCAG 1.4.11 asks of graphics.
"""

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

# Contrast against white: blue 7.8:1, green 6.5:1, red 7.3:1, amber 5.9:1, purple 9.9:1, grey 7.8:1.
BLUE = "#0b5394"
GREEN = "#1e6b3a"
RED = "#a4262c"
AMBER = "#8a5a00"
PURPLE = "#5b2a86"
GREY = "#4a5360"
PALETTE = (BLUE, GREEN, RED, AMBER, PURPLE, GREY)

INK = "#1b1f24"
MUTED = "#4a5360"
GRID = "#c9ced6"

# The drawing's own coordinates; CSS scales the whole picture to the width of its column.
WIDTH = 640
HEIGHT = 280
LEFT = 56
RIGHT = 12
TOP = 12
BOTTOM = 40
PLOT_WIDTH = WIDTH - LEFT - RIGHT
PLOT_HEIGHT = HEIGHT - TOP - BOTTOM
MAX_X_LABELS = 8

# Horizontal bars: one row per label, the label's text to the left of its bars.
ROW_HEIGHT = 28
LABEL_WIDTH = 180
LABEL_CHARS = 24

Number = float | int
Formatter = Callable[[Number], str]


def whole(value: Number) -> str:
    """A count, as the data table and tick labels show it."""
    return f"{round(value):d}"


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Number | None, ...]
    colour: str = BLUE
    # A dash pattern for lines ("" = solid), so two lines differ in more than colour.
    dash: str = ""


@dataclass(frozen=True)
class Chart:
    kind: str  # bar | stacked | hbar | line
    title: str
    label_heading: str  # the data table's first column, e.g. "Week"
    labels: tuple[str, ...]
    series: tuple[Series, ...]
    svg: SafeString
    rows: tuple[tuple[str, tuple[str, ...]], ...] = field(default=())
    # The heading of an extra last column of the table (a stacked chart's totals); "" = none.
    total_heading: str = ""


def nice_scale(maximum: Number, *, integer: bool = True) -> tuple[float, float]:
    """The top of the value axis and the step between its ticks: about four steps of 1, 2, 2.5 or 5 x 10^n.

    nice_scale(4) == (4, 1); nice_scale(7) == (8, 2); nice_scale(0) == (1, 1); for rates nice_scale(0.3,
    integer=False) == (0.3, 0.1).
    """
    if maximum <= 0:
        return (1.0, 1.0) if integer else (1.0, 0.25)
    raw = maximum / 4
    magnitude = 10 ** math.floor(math.log10(raw))
    steps = [m * magnitude for m in (1, 2, 2.5, 5, 10)]
    if integer:
        # Counts tick at whole numbers: no 2.5, nothing below 1.
        steps = [max(1.0, s) for s in steps if s >= 1 and float(s).is_integer()] or [1.0]
    step = next(s for s in steps if s >= raw - 1e-12)
    top = math.ceil(maximum / step - 1e-9) * step
    return float(top), float(step)


def _n(value: float) -> str:
    """A coordinate with at most two decimals, without trailing zeros."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _shorten(text: str, limit: int = LABEL_CHARS) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open_svg(title: str, *, height: int) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" width="100%" role="img" '
        f'aria-label="{escape(title)}" focusable="false" font-family="system-ui, sans-serif">',
        f"<title>{escape(title)}</title>",
    ]


def _value_axis(top: float, step: float, fmt: Formatter) -> list[str]:
    """Horizontal grid lines with their values at the left, from 0 to top."""
    parts = []
    ticks = round(top / step)
    for i in range(ticks + 1):
        value = step * i
        y = TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(y)}" x2="{WIDTH - RIGHT}" y2="{_n(y)}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{_n(y + 4)}" text-anchor="end" font-size="13" fill="{MUTED}">'
            f"{escape(fmt(value))}</text>"
        )
    return parts


def _label_axis(labels: Sequence[str], centres: Sequence[float]) -> list[str]:
    """Labels under the plot, thinned to at most MAX_X_LABELS so they never overlap (the table has them all)."""
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    y = TOP + PLOT_HEIGHT + 18
    parts = [
        f'<line x1="{LEFT}" y1="{TOP + PLOT_HEIGHT}" x2="{WIDTH - RIGHT}" y2="{TOP + PLOT_HEIGHT}" '
        f'stroke="{MUTED}" stroke-width="1"/>'
    ]
    for i, (label, x) in enumerate(zip(labels, centres, strict=True)):
        if i % every == 0:
            parts.append(
                f'<text x="{_n(x)}" y="{y}" text-anchor="middle" font-size="13" fill="{MUTED}">{escape(label)}</text>'
            )
    return parts


def _rows(labels: Sequence[str], series: Sequence[Series], fmt: Formatter) -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple(
        (label, tuple(gettext("no figure") if s.values[i] is None else fmt(s.values[i] or 0) for s in series))
        for i, label in enumerate(labels)
    )


def _chart(
    kind: str,
    parts: list[str],
    *,
    title: str,
    label_heading: str,
    labels: Sequence[str],
    series: Sequence[Series],
    rows: tuple[tuple[str, tuple[str, ...]], ...],
    total_heading: str = "",
) -> Chart:
    """The finished chart: its SVG from `parts`, every text of which went through escape()."""
    return Chart(
        kind=kind,
        title=title,
        label_heading=label_heading,
        labels=tuple(labels),
        series=tuple(series),
        svg=mark_safe("".join(parts)),  # noqa: S308 - every text in it went through escape()
        rows=rows,
        total_heading=total_heading,
    )


def _check(labels: Sequence[str], series: Sequence[Series]) -> None:
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"series {s.label!r} has {len(s.values)} values for {len(labels)} labels")


def _slots(count: int) -> tuple[float, float]:
    """The width of one label's slot and of a bar in it (bars take 70 % of the slot)."""
    slot = PLOT_WIDTH / max(count, 1)
    return slot, slot * 0.7


def _bar(x: float, y: float, *, width: float, height: float, colour: str, tip: str) -> str:
    return (
        f'<rect class="bar" x="{_n(x)}" y="{_n(y)}" width="{_n(width)}" height="{_n(height)}" fill="{colour}">'
        f"<title>{escape(tip)}</title></rect>"
    )


def bar_chart(
    *,
    title: str,
    label_heading: str,
    labels: Sequence[str],
    series: Series,
    fmt: Formatter = whole,
    integer: bool = True,
) -> Chart:
    """One bar per label (zero-height for zero), bars reaching the axis' top for the largest value."""
    _check(labels, [series])
    values = [v or 0 for v in series.values]
    top, step = nice_scale(max(values, default=0), integer=integer)
    slot, width = _slots(len(labels))
    parts = _open_svg(title, height=HEIGHT) + _value_axis(top, step, fmt)
    centres = []
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        height = PLOT_HEIGHT * value / top
        x = LEFT + slot * i + (slot - width) / 2
        centres.append(LEFT + slot * i + slot / 2)
        parts.append(
            _bar(
                x,
                TOP + PLOT_HEIGHT - height,
                width=width,
                height=height,
                colour=series.colour,
                tip=f"{label}: {fmt(value)}",
            )
        )
    parts += [*_label_axis(labels, centres), "</svg>"]
    return _chart(
        "bar",
        parts,
        title=title,
        label_heading=label_heading,
        labels=labels,
        series=[series],
        rows=_rows(labels, [series], fmt),
    )


def stacked_bar_chart(
    *,
    title: str,
    label_heading: str,
    labels: Sequence[str],
    series: Sequence[Series],
    total_heading: str,
    fmt: Formatter = whole,
) -> Chart:
    """One column per label, its series stacked from the bottom in the given order; a zero draws no segment.

    A thin white gap separates the segments. The table adds a total per label.
    """
    _check(labels, series)
    totals = [sum(s.values[i] or 0 for s in series) for i in range(len(labels))]
    top, step = nice_scale(max(totals, default=0))
    slot, width = _slots(len(labels))
    parts = _open_svg(title, height=HEIGHT) + _value_axis(top, step, fmt)
    centres = []
    for i, label in enumerate(labels):
        x = LEFT + slot * i + (slot - width) / 2
        centres.append(LEFT + slot * i + slot / 2)
        base: float = TOP + PLOT_HEIGHT
        for s in series:
            value = s.values[i] or 0
            if value <= 0:
                continue
            height = PLOT_HEIGHT * value / top
            base -= height
            parts.append(
                _bar(x, base, width=width, height=height, colour=s.colour, tip=f"{label}, {s.label}: {fmt(value)}")
            )
            parts.append(
                f'<line x1="{_n(x)}" y1="{_n(base)}" x2="{_n(x + width)}" y2="{_n(base)}" '
                'stroke="#ffffff" stroke-width="1"/>'
            )
    parts += [*_label_axis(labels, centres), "</svg>"]
    rows = tuple((label, (*cells, fmt(totals[i]))) for i, (label, cells) in enumerate(_rows(labels, series, fmt)))
    return _chart(
        "stacked",
        parts,
        title=title,
        label_heading=label_heading,
        labels=labels,
        series=series,
        rows=rows,
        total_heading=total_heading,
    )


def horizontal_bar_chart(
    *,
    title: str,
    label_heading: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Formatter = whole,
) -> Chart:
    """A row per label (group or channel names, which are long) with one bar per series, value written beside it."""
    _check(labels, series)
    values = [v or 0 for s in series for v in s.values]
    top, _step = nice_scale(max(values, default=0))
    height = TOP + ROW_HEIGHT * len(series) * max(len(labels), 1) + 8 * len(labels) + 8
    bar_space = WIDTH - LABEL_WIDTH - RIGHT - 40  # room for the value's text after the longest bar
    bar_height = ROW_HEIGHT * 0.7
    parts = _open_svg(title, height=height)
    y = TOP
    for i, label in enumerate(labels):
        group_top = y
        for s in series:
            value = s.values[i] or 0
            length = bar_space * value / top
            parts.append(
                _bar(
                    LABEL_WIDTH,
                    y,
                    width=length,
                    height=bar_height,
                    colour=s.colour,
                    tip=f"{label}, {s.label}: {fmt(value)}",
                )
            )
            parts.append(
                f'<text x="{_n(LABEL_WIDTH + length + 6)}" y="{_n(y + bar_height - 5)}" font-size="12" '
                f'fill="{INK}">{escape(fmt(value))}</text>'
            )
            y += ROW_HEIGHT
        middle = group_top + (ROW_HEIGHT * len(series)) / 2
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{_n(middle)}" text-anchor="end" font-size="13" fill="{INK}">'
            f"<title>{escape(label)}</title>{escape(_shorten(label))}</text>"
        )
        y += 8
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{TOP - 4}" x2="{LABEL_WIDTH}" y2="{_n(y)}" stroke="{MUTED}" stroke-width="1"/>'
    )
    parts.append("</svg>")
    return _chart(
        "hbar",
        parts,
        title=title,
        label_heading=label_heading,
        labels=labels,
        series=series,
        rows=_rows(labels, series, fmt),
    )


def line_chart(
    *,
    title: str,
    label_heading: str,
    labels: Sequence[str],
    series: Sequence[Series],
    fmt: Formatter = whole,
    integer: bool = True,
) -> Chart:
    """A line per series through a point per label; a missing value (None) breaks the line there."""
    _check(labels, series)
    present = [v for s in series for v in s.values if v is not None]
    top, step = nice_scale(max(present, default=0), integer=integer)
    slot = PLOT_WIDTH / max(len(labels), 1)
    centres = [LEFT + slot * i + slot / 2 for i in range(len(labels))]
    parts = _open_svg(title, height=HEIGHT) + _value_axis(top, step, fmt)
    for s in series:
        path: list[str] = []
        points: list[str] = []
        pen_down = False
        for i, value in enumerate(s.values):
            if value is None:
                pen_down = False
                continue
            x, y = centres[i], TOP + PLOT_HEIGHT - PLOT_HEIGHT * value / top
            path.append(f"{'L' if pen_down else 'M'}{_n(x)} {_n(y)}")
            pen_down = True
            points.append(
                f'<circle class="point" cx="{_n(x)}" cy="{_n(y)}" r="3.5" fill="{s.colour}">'
                f"<title>{escape(f'{labels[i]}, {s.label}: {fmt(value)}')}</title></circle>"
            )
        dash = f' stroke-dasharray="{s.dash}"' if s.dash else ""
        if path:
            parts.append(
                f'<path class="line" d="{" ".join(path)}" fill="none" stroke="{s.colour}" stroke-width="2.5"'
                f' stroke-linejoin="round"{dash}/>'
            )
        parts.extend(points)
    parts += [*_label_axis(labels, centres), "</svg>"]
    return _chart(
        "line",
        parts,
        title=title,
        label_heading=label_heading,
        labels=labels,
        series=series,
        rows=_rows(labels, series, fmt),
    )
