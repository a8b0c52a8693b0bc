"""A project's timeline: what it draws, who may see it, and what it costs to draw."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Task
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory
from projects.timeline import MilestoneTask, layout, milestone_spans


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


def timeline_url(project) -> str:
    return reverse("projects:timeline", args=[project.pk])


def test_the_timeline_draws_the_plan_grouped_by_milestone(client_as, pm, project):
    design = MilestoneFactory(project=project, name="Design signed", due_date=days(20))
    MilestoneFactory(project=project, name="Go-live", due_date=days(60), baseline_date=days(50))
    first = TaskFactory(
        project=project, milestone=design, title="Collect data", start_date=days(-10)
    )
    first.due_date = days(-2)  # late: still open
    first.save()
    TaskFactory(
        project=project,
        milestone=design,
        title="Map pay codes",
        start_date=days(1),
        due_date=days(15),
        depends_on=[first],
    )
    TaskFactory(project=project, title="Undated chore", start_date=None, due_date=None)

    response = client_as(pm).get(timeline_url(project))

    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert [(r.kind, r.full_label) for r in timeline.rows] == [
        ("milestone", "Design signed"),
        ("task", "Collect data"),
        ("task", "Map pay codes"),
        ("milestone", "Go-live"),
        ("group", ""),
        ("task", "Undated chore"),
    ]
    html = response.content.decode()
    assert 'role="img"' in html and '<title id="timeline-title">' in html
    assert len(timeline.arrows) == 1
    # Overdue and critical are said in words, not only in colour.
    assert "Collect data, " in html and "overdue" in html
    assert "Map pay codes</a></th>" in html and "Critical path" in html
    assert "no dates" in html
    assert timeline.today_x is not None


def test_titles_are_shown_as_typed_in_the_chart_and_the_table(client_as, pm, project):
    title = 'Map <b>pay</b> & "codes" 🚀'
    TaskFactory(project=project, title=title, start_date=days(1), due_date=days(5))

    html = client_as(pm).get(timeline_url(project)).content.decode()

    escaped = "Map &lt;b&gt;pay&lt;/b&gt; &amp; &quot;codes&quot; 🚀"
    assert "<b>pay" not in html
    assert f'fill="#212529">{escaped}</text>' in html
    assert f"<title>{escaped}, " in html
    assert f'">{escaped}</a></th>' in html


def test_the_critical_path_and_overdue_are_marked_on_the_rows(pm):
    project = ProjectFactory(pm=pm)
    early = TaskFactory(project=project, start_date=days(-20), due_date=days(-10))
    late = TaskFactory(project=project, start_date=days(-9), due_date=days(30), depends_on=[early])
    side = TaskFactory(project=project, start_date=days(-9), due_date=days(-3))
    tasks = list(Task.objects.filter(project=project))
    deps = [(late.pk, early.pk)]

    timeline = layout([], tasks, deps, today=days(0))

    rows = {r.task_id: r for r in timeline.rows if r.kind == "task"}
    assert rows[late.pk].critical and not rows[side.pk].critical
    assert rows[side.pk].overdue and not rows[late.pk].overdue
    assert rows[early.pk].overdue


def test_a_milestone_shows_its_baseline_beside_its_forecast(pm):
    project = ProjectFactory(pm=pm)
    milestone = MilestoneFactory(project=project, due_date=days(30), baseline_date=days(20))

    timeline = layout([milestone], [], [], today=days(0))

    row = timeline.rows[0]
    assert row.diamond and row.baseline_diamond
    assert row.baseline_x < row.x


def test_an_empty_plan_says_so(client_as, pm, project):
    response = client_as(pm).get(timeline_url(project))
    assert b"no milestones or tasks yet" in response.content


@pytest.mark.parametrize(
    ("role", "status"),
    [("pm", 200), ("manager", 200), ("support", 200), ("other_pm", 200), ("sales_rep", 404)],
)
def test_who_may_see_a_timeline(request, client_as, project, role, status):
    user = request.getfixturevalue(role)
    assert client_as(user).get(timeline_url(project)).status_code == status


def test_the_timeline_costs_the_same_queries_for_a_bigger_plan(
    client_as, pm, project, django_assert_num_queries
):
    def add(n):
        milestone = MilestoneFactory(project=project)
        previous = None
        for _ in range(n):
            previous = TaskFactory(
                project=project, milestone=milestone, depends_on=[previous] if previous else []
            )

    add(2)
    browser = client_as(pm)
    browser.get(timeline_url(project))
    # session, user, groups, project, baselines kept, milestones, tasks, dependencies, the
    # current baseline's dates, holidays, open alerts
    with django_assert_num_queries(11):
        browser.get(timeline_url(project))
    add(30)
    with django_assert_num_queries(11):
        response = browser.get(timeline_url(project))
    assert len(response.context["timeline"].rows) == 34


def test_a_300_task_plan_draws_a_row_per_task_for_the_same_queries(
    client_as, pm, project, django_assert_num_queries
):
    milestones = [MilestoneFactory(project=project, due_date=days(10 * n)) for n in range(1, 6)]
    tasks = [
        TaskFactory(
            project=project,
            milestone=milestones[n % 5],
            start_date=days(n % 40),
            due_date=days(n % 40 + 3),
        )
        for n in range(300)
    ]
    Task.depends_on.through.objects.bulk_create(
        Task.depends_on.through(from_task=successor, to_task=predecessor)
        for predecessor, successor in zip(tasks, tasks[1:], strict=False)
    )
    browser = client_as(pm)

    # The same queries as a plan of a few tasks (above).
    with django_assert_num_queries(11):
        response = browser.get(timeline_url(project))

    timeline = response.context["timeline"]
    task_rows = [row for row in timeline.rows if row.kind == "task"]
    assert sorted(row.task_id for row in task_rows) == sorted(task.pk for task in tasks)
    assert len(timeline.arrows) == 299
    html = response.content.decode()
    assert html.count('<tr><th scope="row"') == 305  # the table: every task and milestone


def test_a_baseline_is_drawn_beneath_and_its_variance_shown(client_as, pm, project):
    task = TaskFactory(project=project, title="Build interfaces", start_date=days(1))
    task.due_date = days(7)
    task.save()
    browser = client_as(pm)
    browser.post(reverse("projects:baseline", args=[project.pk]), {"reason": ""})
    Task.objects.filter(pk=task.pk).update(due_date=task.due_date + datetime.timedelta(days=7))

    response = browser.get(timeline_url(project))

    row = response.context["timeline"].rows[-1]
    assert row.baseline == days(7) and row.baseline_width > 0
    assert row.variance == 5  # a week later: five business days
    assert "<td>+5</td>" in response.content.decode()


def test_the_go_live_variance_is_counted_in_business_days(client_as, pm):
    project = ProjectFactory(pm=pm, baseline_go_live=days(10), forecast_go_live=days(24))
    response = client_as(pm).get(timeline_url(project))
    assert response.context["timeline"].go_live_variance == 10
    assert "(+10 business days)" in response.content.decode()


def test_a_re_baseline_needs_a_reason_and_keeps_the_earlier_one(client_as, pm, project):
    from projects.models import Baseline

    TaskFactory(project=project)
    browser = client_as(pm)
    url = reverse("projects:baseline", args=[project.pk])
    browser.post(url, {"reason": ""})
    refused = browser.post(url, {"reason": "  "}, follow=True)
    assert "Say why the plan is re-baselined" in refused.content.decode()
    browser.post(url, {"reason": "Client late with payroll data"})

    assert list(Baseline.objects.filter(project=project).values_list("reason", flat=True)) == [
        "Client late with payroll data",
        "",
    ]
    page = browser.get(timeline_url(project))
    assert page.context["baseline_count"] == 2
    html = page.content.decode()
    assert "Client late with payroll data" in html and "no reason given" in html


def test_only_who_may_change_the_plan_may_baseline_it(client_as, other_pm, support, project):
    url = reverse("projects:baseline", args=[project.pk])
    assert client_as(other_pm).post(url, {"reason": "x"}).status_code == 403
    assert client_as(support).post(url, {"reason": "x"}).status_code == 403
    assert not project.baselines.exists()


def test_a_baseline_is_taken_at_kick_off(manager, project):
    from projects import services
    from projects.models import Phase

    milestone = MilestoneFactory(project=project, due_date=days(30), baseline_date=None)
    services.project_change_phase(
        project=project, to_phase=Phase.KICKOFF, user=manager, override_reason="Agreed early"
    )

    (baseline,) = project.baselines.all()
    assert baseline.reason == "Taken at kick-off"
    assert baseline.milestone_dates == {str(milestone.pk): days(30).isoformat()}
    milestone.refresh_from_db()
    assert milestone.baseline_date == days(30)


def test_a_baseline_form_sent_twice_takes_one_baseline(client_as, pm, project):
    from projects.models import Baseline

    browser = client_as(pm)
    key = browser.get(timeline_url(project)).context["baseline_form"]["submission_key"].initial
    sent = {"reason": "", "submission_key": str(key)}
    browser.post(reverse("projects:baseline", args=[project.pk]), sent)
    again = browser.post(reverse("projects:baseline", args=[project.pk]), sent, follow=True)

    assert Baseline.objects.filter(project=project).count() == 1
    assert "already been sent" in again.content.decode()


def test_a_line_break_in_a_baseline_reason_is_refused_and_takes_nothing(client_as, pm, project):
    from projects.models import Baseline

    response = client_as(pm).post(
        reverse("projects:baseline", args=[project.pk]),
        {"reason": "Client late\r\nwith data"},
        follow=True,
    )

    assert not Baseline.objects.filter(project=project).exists()
    assert "No baseline was taken." in response.content.decode()


def test_a_milestone_is_on_the_critical_path_when_one_of_its_tasks_is(pm):
    project = ProjectFactory(pm=pm)
    design = MilestoneFactory(project=project, name="Design", due_date=days(10))
    side = MilestoneFactory(project=project, name="Side work", due_date=days(10))
    go_live = MilestoneFactory(project=project, name="Go-live", due_date=days(40))
    tasks = [
        MilestoneTask(1, days(-5), days(10), (), design.pk),
        MilestoneTask(2, days(-5), days(2), (), side.pk),  # float: nothing waits on it
        MilestoneTask(3, days(11), days(40), (1,), None),
    ]

    spans = milestone_spans(
        [design, side, go_live], tasks, today=days(0), kickoff=days(-10), go_live=days(40)
    )

    assert [(s.name, s.critical) for s in spans] == [
        ("Design", True),
        ("Side work", False),
        ("Go-live", True),  # the day the path leads to
    ]
    assert (spans[0].start, spans[0].finish) == (days(-5), days(10))
    assert (spans[2].start, spans[2].finish) == (days(10), days(40))  # after the previous one


def test_month_labels_never_run_into_each_other_and_name_each_year_once():
    from projects.timeline import MONTH_LABEL_LETTER, month_ticks

    start, end = datetime.date(2026, 7, 20), datetime.date(2027, 6, 10)
    # A status report's chart: a day a unit wide, so a month is narrower than "Sep 2026".
    ticks = month_ticks(start, end, lambda d: (d - start).days * 1.0)
    assert len(ticks) == 11  # a line at every month, August to June
    labelled = [tick for tick in ticks if tick.label]
    assert labelled[0].label == "Aug 2026"
    assert [t.label for t in labelled if t.label[-4:].isdigit()] == ["Aug 2026", "Jan 2027"]
    for before, after in zip(labelled, labelled[1:], strict=False):
        assert before.x + len(before.label) * MONTH_LABEL_LETTER < after.x
    assert len(labelled) < len(ticks)  # some months go without a label

    # Wide months: every month named, the year only where it starts.
    ticks = month_ticks(start, end, lambda d: (d - start).days * 4.0)
    assert [t.label for t in ticks] == [
        "Aug 2026", "Sep", "Oct", "Nov", "Dec", "Jan 2027", "Feb", "Mar", "Apr", "May", "Jun",
    ]  # fmt: skip
