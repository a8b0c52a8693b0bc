"""The Gantt chart of a status report: the project's timeline a level up, one bar per milestone.

A client reading a weekly report wants the milestones, not every task, but told what the
project's timeline tells: each milestone's bar with its baseline bar beneath, the today line,
the milestones on the critical path, the overdue ones, and the go-live. The chart is laid out
and drawn by the project timeline's own code (projects.timeline.milestone_layout, the tags of
projects/templatetags/timeline_chart.py), from the report's stored rows (plain data, see
reports.selectors._timeline), so it draws any report the same way.

A report goes out by email, so it is drawn two ways. The email gets a table of milestones
whose bars are table cells with a width and a background colour: Gmail and Outlook (Word's
renderer) strip or ignore inline SVG, and images would need hosting or attachments that many
clients block, while a table shows everywhere and reads aloud in order. That is what the
established project tools send too. The report page and its PDF get the SVG chart, which
browsers and WeasyPrint draw crisply at any size; the same table (without the bars) follows it
for screen readers, and says in words what the colours say.
"""

from datetime import date

from projects.timeline import MilestoneSpan, Row, Timeline, milestone_layout


def chart(
    rows: list[dict], today: date, *, go_live: date | None = None, went_live: bool = False
) -> Timeline | None:
    """The chart of a report's timeline rows, or None when no milestone has a date."""
    spans = [MilestoneSpan(**row) for row in rows]
    if not any(span.finish for span in spans):
        return None
    return milestone_layout(spans, today=today, go_live=go_live, went_live=went_live)


def email_cells(row: Row, timeline: Timeline) -> tuple[float, float, float]:
    """The widths (in percent of the axis) before a milestone's bar, of the bar and after it,
    which add up to 100: its bar drawn with three table cells."""
    span = (timeline.end - timeline.start).days + 1
    begin = row.start if row.start is not None and row.start <= row.finish else row.finish
    before = round(100 * (begin - timeline.start).days / span, 1)
    width = max(round(100 * ((row.finish - begin).days + 1) / span, 1), 0.5)
    return before, width, max(round(100 - before - width, 1), 0)
