"""Bar charts as server-drawn SVG: a label, a bar and its number on every row, so that a chart
reads without colour; fills also differ by pattern (see templates/portfolio/_patterns.html).

The chart is a picture for the eye (aria-hidden): each bar is a link for the mouse, and the
table beside every chart holds the same numbers and links for keyboards and screen readers.
"""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

# Drawn about as wide as a phone shows it, so that its text keeps its size there.
LABEL_WIDTH = 132
BAR_AREA = 140
VALUE_WIDTH = 68
WIDTH = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
ROW = 24
BAR = 16
GROUP_BAR = 11

# Fills: a colour and, for the eye that cannot tell colours apart, a pattern.
FILLS = {
    "plain": "#1d4e89",
    "green": "#2e8540",
    "amber": "url(#pf-amber)",
    "red": "url(#pf-red)",
    "done": "#1d4e89",
    "planned": "url(#pf-planned)",
}


@dataclass
class Bar:
    label: str
    value: float
    url: str
    fill: str = "plain"
    text: str = ""  # what the row says after the bar; the value by default


def bar_chart(
    bars: list[Bar], *, maximum: float | None = None, value_width: int = VALUE_WIDTH
) -> SafeString:
    """One bar a row, its label on the left and its number (or text) at its end."""
    top = max([maximum or 0, *(b.value for b in bars)]) or 1
    height = ROW * len(bars) + 4
    rows = []
    for n, bar in enumerate(bars):
        y = 2 + n * ROW
        width = round(BAR_AREA * bar.value / top, 1)
        text = escape(bar.text or _number(bar.value))
        label = escape(bar.label)
        rows.append(
            f'<a href="{escape(bar.url)}" tabindex="-1">'
            f'<text x="{LABEL_WIDTH - 6}" y="{y + 13}" text-anchor="end">{label}</text>'
            f'<rect x="{LABEL_WIDTH}" y="{y + (ROW - BAR) / 2 - 2}" width="{max(width, 1)}" '
            f'height="{BAR}" fill="{FILLS[bar.fill]}" stroke="#212529" stroke-width=".5"/>'
            f'<text x="{LABEL_WIDTH + width + 4}" y="{y + 13}" font-weight="600">{text}</text>'
            "</a>"
        )
    return _svg(height, rows, LABEL_WIDTH + BAR_AREA + value_width)


@dataclass
class BarPair:
    """A row of two bars, done over planned: go-lives of one month."""

    label: str
    first: Bar
    second: Bar


def paired_bar_chart(pairs: list[BarPair]) -> SafeString:
    top = max([1, *(max(p.first.value, p.second.value) for p in pairs)])
    row = 2 * GROUP_BAR + 8
    rows = []
    for n, pair in enumerate(pairs):
        y = 2 + n * row
        rows.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + GROUP_BAR + 4}" text-anchor="end">'
            f"{escape(pair.label)}</text>"
        )
        for k, bar in enumerate((pair.first, pair.second)):
            bar_y = y + k * (GROUP_BAR + 1)
            width = round(BAR_AREA * bar.value / top, 1)
            rows.append(
                f'<a href="{escape(bar.url)}" tabindex="-1">'
                f'<rect x="{LABEL_WIDTH}" y="{bar_y}" width="{max(width, 1)}" '
                f'height="{GROUP_BAR}" fill="{FILLS[bar.fill]}" stroke="#212529" '
                f'stroke-width=".5"/><text x="{LABEL_WIDTH + width + 4}" y="{bar_y + 9}" '
                f'font-size="11">{escape(bar.text or _number(bar.value))}</text></a>'
            )
        rows.append(
            f'<line x1="0" x2="{WIDTH}" y1="{y + row - 3}" y2="{y + row - 3}" stroke="#e9ecef"/>'
        )
    return _svg(row * len(pairs) + 4, rows)


def _svg(height: int, rows: list[str], width: int = WIDTH) -> SafeString:
    body = "".join(rows)
    # Every part above is a number of ours or an escaped label.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<svg class="portfolio-chart d-block" viewBox="0 0 {width} {height}" '
        f'aria-hidden="true" focusable="false" font-family="system-ui, sans-serif" '
        f'font-size="12" fill="#212529">{body}</svg>'
    )


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"
