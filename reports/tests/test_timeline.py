"""The status report's timeline: the project's timeline a level up, in every version and medium.

The plan: a tight chain of work through "Design signed" to "Go-live" decides the go-live
(Collect data → Map pay codes → Go/no-go); "Reports reviewed" has float and is not shared with
the client; "Config late" was due last Friday. Design signed was re-planned two days later
after its baseline, across a company holiday.
"""

import pytest

from projects.baselines import take_baseline
from projects.models import Holiday, Milestone, Task
from projects.tests.factories import MilestoneFactory, TaskFactory
from reports import services
from reports.models import Audience
from reports.tests.dates import MONDAY, at, days

pytestmark = pytest.mark.django_db

NOW = at(days(7))  # Monday 10 March 2025


@pytest.fixture
def project(make_project):
    project = make_project(kickoff_date=MONDAY, baseline_go_live=days(15))
    project.forecast_go_live = days(15)  # Tuesday 18 March
    project.save(update_fields=["forecast_go_live"])
    design = MilestoneFactory(
        project=project, name="Design signed", order=1, due_date=days(9), visible_to_client=True
    )
    reviewed = MilestoneFactory(project=project, name="Reports reviewed", order=2, due_date=days(9))
    MilestoneFactory(
        project=project, name="Config late", order=3, due_date=days(4), visible_to_client=True
    )
    go_live = MilestoneFactory(
        project=project,
        name="Go-live",
        order=4,
        due_date=days(15),
        is_golive_critical=True,
        visible_to_client=True,
    )
    collect = TaskFactory(
        project=project, milestone=design, title="Collect data", start_date=MONDAY, due_date=days(4)
    )
    mapping = TaskFactory(
        project=project,
        milestone=design,
        title="Map pay codes",
        start_date=days(7),
        due_date=days(9),
        depends_on=[collect],
    )
    TaskFactory(
        project=project,
        milestone=reviewed,
        title="Review reports",
        start_date=days(8),
        due_date=days(9),
    )
    TaskFactory(
        project=project,
        milestone=go_live,
        title="Go/no-go",
        start_date=days(14),
        due_date=days(15),
        depends_on=[mapping],
    )
    take_baseline(project=project, user=project.pm, reason="", first=True)
    # Mapping takes two days more (Thursday is a company holiday), and so does the design.
    Holiday.objects.create(date=days(10), name="Company day off")
    Task.objects.filter(pk=mapping.pk).update(due_date=days(11))
    Milestone.objects.filter(pk=design.pk).update(due_date=days(11))
    return project


@pytest.fixture
def report(project):
    report, _ = services.report_send_now(project=project, user=project.pm, now=NOW)
    report.refresh_from_db()  # the snapshot as stored
    return report


def chart_row(document_html: str, name: str) -> str:
    """The SVG group that draws one milestone's row of the chart."""
    (group,) = [
        g for g in document_html.split("<g>")[1:] if g.startswith(f"<title>Milestone: {name},")
    ]
    return group.split("</g>")[0]


def table_row(html: str, name: str) -> str:
    """One milestone's row of the table under the chart (and of the email's chart)."""
    table = html.split(">Timeline</h3>")[1].split("\n</table>")[0]
    rows = table.split('<tr style="border-top')[1:]
    (row,) = [r for r in rows if f">{name}" in r.split("</th>")[0]]
    return row


def text_line(text: str, name: str) -> str:
    timeline = text.split("TIMELINE\n")[1].split("\n\n")[0]
    (line,) = [line for line in timeline.splitlines() if line.startswith(f"- {name}")]
    return line


def test_the_milestones_on_the_critical_path_are_marked_in_every_medium(report):
    snapshot = {m["name"]: m for m in report.snapshot["timeline"]}
    assert {name for name, m in snapshot.items() if m["critical"]} == {"Design signed", "Go-live"}
    internal = report.documents.get(audience=Audience.INTERNAL)

    design = chart_row(internal.document_html, "Design signed")
    assert 'fill="url(#timeline-critical)"' in design and ">CP</text>" in design
    assert "on the critical path" in design  # said in words, not only in colour
    reviewed = chart_row(internal.document_html, "Reports reviewed")
    assert "timeline-critical" not in reviewed and "critical path" not in reviewed
    assert 'id="timeline-critical"' in internal.document_html  # the stripes' pattern
    for html in (internal.document_html, internal.body_html):
        assert "Critical path" in table_row(html, "Design signed")
        assert "Critical path" not in table_row(html, "Reports reviewed")
    assert 'bgcolor="#b8570f"' in table_row(internal.body_html, "Go-live")
    assert "on the critical path" in text_line(internal.body_text, "Design signed")
    assert "critical" not in text_line(internal.body_text, "Reports reviewed")
    assert "2 milestones on the critical path" in internal.body_html


def test_an_overdue_milestone_is_marked_in_every_medium(report):
    snapshot = {m["name"]: m for m in report.snapshot["timeline"]}
    assert [name for name, m in snapshot.items() if m["overdue"]] == ["Config late"]
    internal = report.documents.get(audience=Audience.INTERNAL)

    late = chart_row(internal.document_html, "Config late")
    assert 'stroke="#b02a37"' in late and ">!</text>" in late and ", overdue" in late
    assert "overdue" not in chart_row(internal.document_html, "Go-live")
    for html in (internal.document_html, internal.body_html):
        assert "Overdue" in table_row(html, "Config late")
        assert "Overdue" not in table_row(html, "Design signed")
    assert 'bgcolor="#b02a37"' in table_row(internal.body_html, "Config late")
    assert text_line(internal.body_text, "Config late").endswith(
        ", overdue; baseline 7 Mar 2025, on baseline"
    )


def test_each_milestone_shows_its_baseline_and_variance_in_business_days(report):
    design = next(m for m in report.snapshot["timeline"] if m["name"] == "Design signed")
    # Its work began on the Monday, as planned; it ends on Friday 14th, not Wednesday 12th:
    # one business day later, since Thursday is a company holiday.
    assert (design["start"], design["finish"]) == (MONDAY.isoformat(), days(11).isoformat())
    assert (design["baseline_start"], design["baseline"]) == (
        MONDAY.isoformat(),
        days(9).isoformat(),
    )
    assert design["variance"] == 1
    internal = report.documents.get(audience=Audience.INTERNAL)

    drawn = chart_row(internal.document_html, "Design signed")
    assert 'height="4" fill="#adb5bd"' in drawn  # the baseline bar beneath
    assert "baseline 12 Mar 2025, 1 business day against it" in drawn
    for html in (internal.document_html, internal.body_html):
        row = table_row(html, "Design signed")
        assert "12 Mar 2025" in row and "1 business day behind" in row
    assert text_line(internal.body_text, "Design signed") == (
        "- Design signed: 3 Mar to 14 Mar 2025, on the critical path; "
        "baseline 12 Mar 2025, 1 business day behind"
    )


def test_the_chart_marks_today_and_the_forecast_go_live(report):
    internal = report.documents.get(audience=Audience.INTERNAL)
    assert ">today</text>" in internal.document_html
    assert ">forecast go-live</text>" in internal.document_html
    assert "Forecast go-live 18 Mar 2025" in internal.body_html
    # The picture says it is one, and what it shows; the table after it says the same.
    assert 'role="img" aria-labelledby="report-timeline-title report-timeline-desc"' in (
        internal.document_html
    )
    assert "The table below lists the same." in internal.document_html


def test_the_client_version_holds_only_the_milestones_shared_with_the_client(report):
    client = report.documents.get(audience=Audience.CLIENT)
    assert [m["name"] for m in client.snapshot["timeline"]] == [
        "Design signed",
        "Config late",
        "Go-live",
    ]
    for medium, text in {
        "document": client.document_html,
        "email": client.body_html,
        "text": client.body_text,
    }.items():
        assert "Reports reviewed" not in text, medium
        assert "Design signed" in text and "Go-live" in text, medium
    assert "Critical path" in table_row(client.body_html, "Design signed")
    # The lists of milestones the period touched leave it out too.
    assert client.snapshot["milestones_overdue"] == [
        {"name": "Config late", "date": days(4).isoformat(), "is_key": False, "days_late": 3}
    ]
    internal = report.documents.get(audience=Audience.INTERNAL)
    assert "Reports reviewed" in internal.document_html and "Reports reviewed" in internal.body_text
