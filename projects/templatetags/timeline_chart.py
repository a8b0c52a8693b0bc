"""A project's timeline chart and its table, each row written once here rather than by template
tags per row.

The busiest plan has about a hundred rows, each a group of SVG elements and a table row: the
template engine's lookups, date filters and localized numbers for them were most of the page's
time. Coordinates are the layout's numbers written as Python writes them (they are not prose, so
never localized, and a decimal comma would break the SVG); every text goes through escape().
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from common.dates import month_abbreviations, short_date
from projects.timeline import LABEL_WIDTH, ROW_HEIGHT, Row, Timeline

register = template.Library()


# What the bars of a chart refer to (the critical path's stripes, the arrows' heads): once per
# chart, in the project's timeline or the status report's.
DEFS = (
    "<defs>"
    '\n    <pattern id="timeline-critical" width="6" height="6" patternUnits="userSpaceOnUse" '
    'patternTransform="rotate(45)"><rect width="6" height="6" fill="#b8570f"/>'
    '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern>'
    '\n    <marker id="timeline-arrow" viewBox="0 0 6 6" refX="5" refY="3" markerWidth="6" '
    'markerHeight="6" orient="auto"><path d="M0 0L6 3L0 6z" fill="#6c757d"/></marker>'
    "\n  </defs>"
)


@register.simple_tag
def timeline_defs() -> SafeString:
    """The chart's patterns and markers, which its rows name by id."""
    # Safe: fixed markup.
    return mark_safe(DEFS)  # noqa: S308  # nosec B308 B703


@register.simple_tag
def timeline_grid(timeline: Timeline) -> SafeString:
    """A band behind every second row, the week and month lines with their labels, the axis."""
    width, height = f"{timeline.width:.0f}", timeline.height
    parts = [
        f'<rect x="0" y="{row.y}" width="{width}" height="{ROW_HEIGHT}" fill="#f6f7f9"/>'
        for row in timeline.rows[1::2]
    ]
    parts.append("\n  ")
    # The labels sit at whole units right of their line, as they always have.
    parts.extend(
        f'<line x1="{tick.x}" y1="20" x2="{tick.x}" y2="{height}" stroke="#e9ecef"/>'
        f'<text x="{int(tick.x) + 2}" y="31" fill="#6c757d" font-size="9">'
        f"{escape(tick.label)}</text>"
        for tick in timeline.weeks
    )
    parts.append("\n  ")
    parts.extend(
        f'<line x1="{tick.x}" y1="0" x2="{tick.x}" y2="{height}" stroke="#ced4da"/>'
        + (
            f'<text x="{int(tick.x) + 3}" y="13" fill="#212529" font-weight="600">'
            f"{escape(tick.label)}</text>"
            if tick.label
            else ""
        )
        for tick in timeline.months
    )
    parts.append(
        f'\n  <line x1="0" y1="{timeline.body_top}" x2="{width}" y2="{timeline.body_top}" '
        'stroke="#ced4da"/>'
    )
    # Safe: numbers of the layout, and escaped labels.
    return mark_safe("".join(parts))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def timeline_arrows(timeline: Timeline) -> SafeString:
    """One path from each task to the task that waits on it."""
    # Safe: each path is the layout's numbers and SVG path letters only.
    return mark_safe("".join(f'<path d="{d}"/>' for d in timeline.arrows))  # noqa: S308  # nosec B308 B703


def _says(row: Row, months: tuple[str, ...]) -> str:
    """The row in words, for the tooltip of its group of the chart."""
    words = "Milestone: " if row.kind in ("milestone", "milestone_span") else ""
    words += escape(row.full_label or row.label)
    if row.finish:
        words += ", "
        if row.kind != "milestone" and row.start:
            words += f"{short_date(row.start, False, months)} to "
        words += short_date(row.finish, months=months)
    else:
        words += ", no date"
    if row.baseline:
        words += f", baseline {short_date(row.baseline, months=months)}"
    if row.variance:
        words += f", {row.variance} business day{'' if abs(row.variance) == 1 else 's'} against it"
    if row.critical:
        words += ", on the critical path"
    if row.overdue:
        words += ", overdue"
    if row.done:
        words += ", done"
    return words


def _drawing(row: Row) -> str:
    """The row's label and its bar or diamond, with its baseline and its marks."""
    label = escape(row.label)
    if row.kind == "group":
        return f'<text x="6" y="{row.label_y}" font-weight="600" fill="#212529">{label}</text>'
    if row.kind == "milestone":
        parts = [f'<text x="6" y="{row.label_y}" fill="#212529" font-weight="600">{label}</text>']
        if not row.has_bar:
            return "".join(parts)
        if row.baseline_diamond:
            # The line ends under the forecast diamond, which is drawn over it.
            parts.append(
                f'<line x1="{row.baseline_x}" y1="{row.y + 17}" x2="{int(row.x) + 6}" '
                f'y2="{row.y + 17}" stroke="#adb5bd" stroke-width="2"/>'
                f'<polygon points="{row.baseline_diamond}" fill="#ffffff" stroke="#6c757d" '
                'stroke-width="1.5"/>'
            )
        fill = "#adb5bd" if row.done else "#212529"
        stroke = ' stroke="#b02a37" stroke-width="2"' if row.overdue else ""
        parts.append(f'<polygon points="{row.diamond}" fill="{fill}"{stroke}/>')
        if row.overdue:
            parts.append(
                f'<text x="{row.marker_x}" y="{row.label_y}" fill="#b02a37" '
                'font-weight="700">! overdue</text>'
            )
        return "".join(parts)
    if row.kind == "milestone_span":  # a bar like a task's, named like a milestone
        parts = [f'<text x="6" y="{row.label_y}" fill="#212529" font-weight="600">{label}</text>']
    else:
        parts = [f'<text x="16" y="{row.label_y}" fill="#212529">{label}</text>']
    if not row.has_bar:
        parts.append(
            f'<text x="{LABEL_WIDTH + 4}" y="{row.label_y}" fill="#6c757d" '
            'font-style="italic">no dates</text>'
        )
        return "".join(parts)
    if row.baseline_width:
        parts.append(
            f'<rect x="{row.baseline_x}" y="{int(row.bar_y) + 13}" '
            f'width="{row.baseline_width}" height="4" fill="#adb5bd"/>'
        )
    fill = "url(#timeline-critical)" if row.critical else "#adb5bd" if row.done else "#5b8bd0"
    stroke = ' stroke="#b02a37" stroke-width="2" stroke-dasharray="3 2"' if row.overdue else ""
    parts.append(
        f'<rect x="{row.x}" y="{row.bar_y}" width="{row.width}" height="12" rx="2" '
        f'fill="{fill}"{stroke}/>'
    )
    if row.critical or row.overdue:
        marks = " ".join(mark for mark, on in (("CP", row.critical), ("!", row.overdue)) if on)
        colour = "#b02a37" if row.overdue else "#8a3c00"
        parts.append(
            f'<text x="{row.marker_x}" y="{row.label_y}" font-weight="700" fill="{colour}">'
            f"{marks}</text>"
        )
    return "".join(parts)


@register.simple_tag
def timeline_chart_rows(timeline: Timeline) -> SafeString:
    """Each row's group of the chart: what it is in words, its label, its bar or diamond.

    The label is plain text: a picture with role="img" holds no links; the table links each row.
    """
    months = month_abbreviations()
    groups = (f"<g><title>{_says(row, months)}</title>{_drawing(row)}</g>" for row in timeline.rows)
    # Safe: every text above went through escape(); numbers and colours are the layout's own.
    return mark_safe("\n  ".join(groups))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def timeline_table_rows(timeline: Timeline) -> SafeString:
    """The chart's rows as the table that says the same in words, each milestone and task linked."""
    months = month_abbreviations()
    rows = []
    for row in timeline.rows:
        if row.kind == "group":
            rows.append(f'<tr><th scope="rowgroup" colspan="7">{escape(row.label)}</th></tr>')
            continue
        link = f'<a href="{escape(row.url)}">{escape(row.full_label)}</a>'
        if row.kind == "milestone":
            name, start = f"<strong>Milestone: {link}</strong>", ""
        else:
            name = f'<span class="ms-3"></span>{link}'
            start = short_date(row.start, months=months) or "—"
        variance = ""
        if row.variance is not None:
            variance = f"+{row.variance}" if row.variance > 0 else str(row.variance)
        status = "".join(
            words
            for words, on in (
                ("Done", row.done),
                (" Critical path", row.critical),
                (" Overdue", row.overdue),
            )
            if on
        )
        rows.append(
            f'<tr><th scope="row" class="fw-normal">{name}</th><td>{start}</td>'
            f"<td>{short_date(row.finish, months=months) or 'no date'}</td>"
            f"<td>{short_date(row.baseline, months=months)}</td><td>{variance}</td>"
            f"<td>{', '.join(escape(title) for title in row.waits_on)}</td>"
            f"<td>{status}</td></tr>"
        )
    # Safe: every text above went through escape(); dates and numbers are written here.
    return mark_safe("\n".join(rows))  # noqa: S308  # nosec B308 B703


@register.simple_tag
def timeline_today(timeline: Timeline) -> SafeString:
    """The line of today across the chart, labelled at its foot."""
    if not timeline.today_x:
        return mark_safe("")  # noqa: S308  # nosec B308 B703
    x, height = timeline.today_x, timeline.height
    # Safe: numbers of the layout.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<line x1="{x}" y1="0" x2="{x}" y2="{height}" stroke="#d63384" stroke-width="2"/>'
        f'<text x="{x}" y="{height - 2}" fill="#d63384" text-anchor="middle" '
        'font-weight="600">today</text>'
    )


@register.simple_tag
def timeline_go_live(timeline: Timeline) -> SafeString:
    """The go-live's dashed line (forecast, or actual once live), labelled above today's."""
    if timeline.go_live_x is None:
        return mark_safe("")  # noqa: S308  # nosec B308 B703
    x, foot = timeline.go_live_x, timeline.height - 16
    label = "went live" if timeline.went_live else "forecast go-live"
    # Safe: numbers of the layout and fixed words.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        f'<line x1="{x}" y1="20" x2="{x}" y2="{foot - 10}" stroke="#198754" stroke-width="2" '
        f'stroke-dasharray="5 3"/><polygon points="{_go_live_diamond(x, 20)}" fill="#198754"/>'
        f'<text x="{x}" y="{foot}" fill="#146c43" text-anchor="middle" font-weight="600">'
        f"{label}</text>"
    )


def _go_live_diamond(cx: float, cy: float) -> str:
    points = ((cx, cy - 5), (cx + 5, cy), (cx, cy + 5), (cx - 5, cy))
    return " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
