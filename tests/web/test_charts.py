"""The SVG charts: valid markup, one bar per figure, heights in proportion, names for screen readers."""

import xml.etree.ElementTree as ET

import pytest

from core.web import charts
from core.web.charts import Series

SVG = "{http://www.w3.org/2000/svg}"


def _parse(chart: charts.Chart) -> ET.Element:
    return ET.fromstring(str(chart.svg))  # noqa: S314 - our own markup


def _bars(root: ET.Element) -> list[ET.Element]:
    return [rect for rect in root.iter(f"{SVG}rect") if rect.get("class") == "bar"]


@pytest.mark.parametrize(
    ("maximum", "integer", "expected"),
    [
        (4, True, (4, 1)),
        (7, True, (8, 2)),
        (0, True, (1, 1)),
        (1, True, (1, 1)),
        (230, True, (300, 100)),
        (9, True, (10, 5)),
        (10, True, (10, 5)),
        (3, True, (3, 1)),
    ],
)
def test_the_value_axis_ends_on_a_round_number(maximum: float, integer: bool, expected: tuple[float, float]) -> None:
    assert charts.nice_scale(maximum, integer=integer) == expected


def test_a_rate_axis_uses_fractions() -> None:
    top, step = charts.nice_scale(0.3, integer=False)
    assert top == pytest.approx(0.3)
    assert step == pytest.approx(0.1)


def test_a_bar_chart_draws_one_bar_per_figure_in_proportion() -> None:
    # given three weeks with 1, 2 and 4 requests
    chart = charts.bar_chart(
        title="Requests per week", label_heading="Week", labels=["W1", "W2", "W3"], series=Series("Posted", (1, 2, 4))
    )

    # then the SVG parses, names itself, and the largest bar reaches the top of the plot
    root = _parse(chart)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-label") == "Requests per week"
    assert root.find(f"{SVG}title").text == "Requests per week"  # type: ignore[union-attr]
    heights = [float(bar.get("height", "")) for bar in _bars(root)]
    assert heights == pytest.approx([charts.PLOT_HEIGHT / 4, charts.PLOT_HEIGHT / 2, charts.PLOT_HEIGHT])
    # bars stand on the axis
    bottoms = [float(bar.get("y", "")) + float(bar.get("height", "")) for bar in _bars(root)]
    assert bottoms == pytest.approx([charts.TOP + charts.PLOT_HEIGHT] * 3)
    # and the table carries the same figures
    assert chart.rows == (("W1", ("1",)), ("W2", ("2",)), ("W3", ("4",)))


def test_zero_figures_draw_flat_bars_and_an_axis_from_zero_to_one() -> None:
    chart = charts.bar_chart(title="Nothing", label_heading="Day", labels=["a", "b"], series=Series("Posted", (0, 0)))
    heights = [float(bar.get("height", "")) for bar in _bars(_parse(chart))]
    assert heights == [0, 0]


def test_a_stacked_chart_draws_a_segment_per_nonzero_figure_and_totals_in_the_table() -> None:
    # given two weeks: 3 completed + 1 expired, then 0 completed + 2 expired
    chart = charts.stacked_bar_chart(
        title="Requests by state",
        label_heading="Week",
        labels=["W1", "W2"],
        series=[Series("Completed", (3, 0), charts.GREEN), Series("Expired", (1, 2), charts.RED)],
        total_heading="Total",
    )
    bars = _bars(_parse(chart))

    # then three segments (the zero draws none), each as tall as its share of the axis' top (4)
    assert len(bars) == 3
    assert [bar.get("fill") for bar in bars] == [charts.GREEN, charts.RED, charts.RED]
    heights = [float(bar.get("height", "")) for bar in bars]
    assert heights == pytest.approx([charts.PLOT_HEIGHT * 3 / 4, charts.PLOT_HEIGHT / 4, charts.PLOT_HEIGHT / 2])
    # the second segment of week 1 sits on top of the first
    first, second = bars[0], bars[1]
    assert float(second.get("y", "")) + float(second.get("height", "")) == pytest.approx(float(first.get("y", "")))
    assert chart.rows == (("W1", ("3", "1", "4")), ("W2", ("0", "2", "2")))
    assert chart.total_heading == "Total"


def test_a_line_chart_breaks_where_a_figure_is_missing() -> None:
    chart = charts.line_chart(
        title="Expiry rate",
        label_heading="Month",
        labels=["Jan", "Feb", "Mar", "Apr"],
        series=[Series("Expiry rate", (0.5, None, 0.25, 0.5))],
        fmt=lambda value: f"{value:.0%}",
        integer=False,
    )
    root = _parse(chart)
    paths = [path for path in root.iter(f"{SVG}path") if path.get("class") == "line"]
    points = [circle for circle in root.iter(f"{SVG}circle") if circle.get("class") == "point"]

    assert len(paths) == 1
    assert paths[0].get("d", "").count("M") == 2  # the pen lifts over February
    assert len(points) == 3
    assert chart.rows[1] == ("Feb", ("no figure",))
    assert chart.rows[0] == ("Jan", ("50%",))


def test_a_horizontal_chart_draws_a_bar_per_group_and_series_with_names_escaped() -> None:
    chart = charts.horizontal_bar_chart(
        title="Per group",
        label_heading="Group",
        labels=["Hjemmetjenesten <&>", "Frivillige"],
        series=[Series("Posted", (4, 2)), Series("Expired", (1, 0), charts.RED)],
    )
    root = _parse(chart)
    widths = [float(bar.get("width", "")) for bar in _bars(root)]

    assert len(widths) == 4
    assert widths[0] == max(widths)
    assert widths[3] == 0
    assert "Hjemmetjenesten &lt;&amp;&gt;" in str(chart.svg)


def test_series_and_labels_must_agree() -> None:
    with pytest.raises(ValueError, match="2 values for 3 labels"):
        charts.bar_chart(title="x", label_heading="y", labels=["a", "b", "c"], series=Series("s", (1, 2)))


def test_many_labels_are_thinned_under_the_axis_but_all_stay_in_the_table() -> None:
    labels = [f"D{i}" for i in range(30)]
    chart = charts.bar_chart(title="Days", label_heading="Day", labels=labels, series=Series("Posted", (1,) * 30))
    root = _parse(chart)
    shown = [text.text for text in root.iter(f"{SVG}text") if (text.text or "").startswith("D")]

    assert len(shown) <= charts.MAX_X_LABELS
    assert len(chart.rows) == 30
    assert len(_bars(root)) == 30
