"""The Gantt chart of a status report: one bar per milestone on a date axis, with today marked.

A report goes out by email, so it is drawn two ways from the same geometry. The email gets a
table of milestones whose bars are table cells with a width and a background colour: Gmail and
Outlook (Word's renderer) strip or ignore inline SVG, and images would need hosting or
attachments that many clients block, while a table shows everywhere and reads aloud in order.
That is what the established project tools send too. The report page and its PDF get an SVG
chart (the same bars, month ticks, baselines and a today line), which browsers and WeasyPrint
draw crisply at any size; an equivalent table follows it for screen readers.

Works on the report's stored data (plain dates), so it draws any report the same way.
"""

from datetime import date, timedelta

from django.utils.text import Truncator

LABEL_WIDTH = 200
CHART_WIDTH = 480
ROW_HEIGHT = 22
HEADER_HEIGHT = 24
MARGIN_DAYS = 3
# A milestone's name beside its bar is cut to what fits in LABEL_WIDTH.
LABEL_CHARS = 30


def chart(rows: list[dict], today: date) -> dict | None:
    """Where each milestone's bar goes: in percent of the axis (email) and in SVG units (page)."""
    dated = [r for r in rows if r["end"] is not None]
    if not dated:
        return None
    days = [d for r in dated for d in (r["start"], r["end"], r["baseline"]) if d is not None]
    start = min(min(days), today) - timedelta(days=MARGIN_DAYS)
    end = max(max(days), today) + timedelta(days=MARGIN_DAYS)
    span = (end - start).days + 1

    def share(d: date) -> float:
        return (d - start).days / span

    bars = []
    for index, row in enumerate(dated):
        begin = row["start"] or row["end"]
        left = share(begin)
        width = max(share(row["end"] + timedelta(days=1)) - left, 1 / span)
        colour = "#198754" if row["done"] else "#b02a37" if row["overdue"] else "#1d4e89"
        y = HEADER_HEIGHT + index * ROW_HEIGHT
        bars.append(
            {
                **row,
                "colour": colour,
                # Email: three cells (before, bar, after) whose widths add up to 100.
                "before_pct": round(100 * left, 1),
                "bar_pct": max(round(100 * width, 1), 0.5),
                "after_pct": max(round(100 - 100 * left - 100 * width, 1), 0),
                # SVG
                "y": y,
                "bar_y": y + 5,
                "text_y": y + 15,
                "label": Truncator(row["name"]).chars(LABEL_CHARS),
                "x": round(LABEL_WIDTH + CHART_WIDTH * left, 1),
                "width": round(max(CHART_WIDTH * width, 3), 1),
                "baseline_x": (
                    round(LABEL_WIDTH + CHART_WIDTH * share(row["baseline"]), 1)
                    if row["baseline"]
                    else None
                ),
                # The baseline's dashed line reaches a little above and below the bar.
                "baseline_y1": y + 2,
                "baseline_y2": y + 20,
            }
        )
    months = []
    d = date(start.year, start.month, 1)
    while d <= end:
        if d >= start:
            x = round(LABEL_WIDTH + CHART_WIDTH * share(d), 1)
            months.append({"x": x, "text_x": int(x) + 3, "label": d})
        d = date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    today_share = share(today)
    today_x = round(LABEL_WIDTH + CHART_WIDTH * today_share, 1)
    height = HEADER_HEIGHT + len(bars) * ROW_HEIGHT + 6
    return {
        "bars": bars,
        "months": months,
        "start": start,
        "end": end,
        "today_x": today_x,
        "today_text_x": int(today_x) + 3,
        "today_pct": round(100 * today_share, 1),
        "width": LABEL_WIDTH + CHART_WIDTH + 10,
        "height": height,
        "today_text_y": height - 2,
        "label_width": LABEL_WIDTH,
    }
