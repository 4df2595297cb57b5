"""Bar charts drawn on the server: the geometry of a horizontal bar chart, which the template
`transparency/includes/bar_chart.html` writes as SVG with a table of the same numbers and a
one-sentence summary (the SVG's description), so that nothing needs JavaScript and a screen
reader hears the summary and can read the table."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH = 480  # the viewBox; the SVG scales to its box (two thirds of the page, or a phone)
ROW = 50  # each bar: its label above, the bar below
BAR = 20
LABEL_GAP = 20
VALUE_ROOM = 150  # room at the right of the longest bar for its value


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    shown: str  # the value as people read it ("12", "40 %")
    y: int
    label_y: int
    width: float
    value_x: float
    value_y: int


@dataclass(frozen=True)
class BarChart:
    slug: str  # unique on the page: ids of the title and description
    title: str
    summary: str
    column: str  # the heading of the values' column in the table alternative
    bars: list[Bar]
    height: int
    width: int = WIDTH


def bar_chart(
    *,
    slug: str,
    title: str,
    summary: str,
    column: str,
    values: list[tuple[str, int]],
    shown: list[str] | None = None,
) -> BarChart:
    top = max((value for _label, value in values), default=0)
    room = WIDTH - VALUE_ROOM
    bars = []
    for index, (label, value) in enumerate(values):
        y = index * ROW + LABEL_GAP + 4
        width = room * value / top if top else 0.0
        bars.append(
            Bar(
                label=label,
                value=value,
                shown=shown[index] if shown else str(value),
                y=y,
                label_y=y - 5,
                width=round(max(width, 1.0 if value else 0.0), 1),
                value_x=round(width + 8, 1),
                value_y=y + BAR - 3,
            )
        )
    return BarChart(
        slug=slug,
        title=title,
        summary=summary,
        column=column,
        bars=bars,
        height=max(len(values), 1) * ROW + 4,
    )
