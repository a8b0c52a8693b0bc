"""Kept baselines side by side: what moved, by how many business days, and who may look."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from projects.baseline_comparison import PlanDates, PlanItem, compare
from projects.baselines import take_baseline
from projects.models import Holiday
from projects.tests.factories import MilestoneFactory, ProjectFactory, TaskFactory

MONDAY = datetime.date(2027, 3, 1)


def day(n: int) -> datetime.date:
    return MONDAY + datetime.timedelta(days=n)


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm, forecast_go_live=day(25))


@pytest.fixture
def plan(project):
    """A milestone with three tasks, all on weekdays."""
    design = MilestoneFactory(project=project, name="Design signed", due_date=day(11), order=1)
    collect = TaskFactory(
        project=project, milestone=design, title="Collect data", start_date=day(0), due_date=day(3)
    )
    mapping = TaskFactory(
        project=project,
        milestone=design,
        title="Map pay codes",
        start_date=day(4),
        due_date=day(8),
        depends_on=[collect],
    )
    sign = TaskFactory(
        project=project,
        milestone=design,
        title="Sign the design",
        start_date=day(9),
        due_date=day(11),
        depends_on=[mapping],
    )
    return design, collect, mapping, sign


def compare_url(project, **query) -> str:
    url = reverse("projects:baseline_compare", args=[project.pk])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_a_re_baseline_keeps_the_old_one_and_the_diff_lists_exactly_what_moved(
    client_as, pm, project, plan
):
    design, collect, mapping, sign = plan
    first = take_baseline(project=project, user=pm, reason="", first=True)
    # The client is a week late with the data: mapping and sign-off move, collecting does not.
    Holiday.objects.create(date=day(15), name="Company day off")  # Tuesday of the third week
    mapping.start_date, mapping.due_date = day(11), day(15)  # Tue 9th → Tue 16th
    mapping.save()
    sign.start_date, sign.due_date = day(16), day(18)  # Fri 12th → Fri 19th
    sign.save()
    design.due_date = day(18)
    design.save()
    second = take_baseline(project=project, user=pm, reason="Client sent the census a week late")

    assert list(project.baselines.all()) == [second, first]
    first.refresh_from_db()
    assert first.task_dates[str(mapping.pk)] == [day(4).isoformat(), day(8).isoformat()]

    response = client_as(pm).get(compare_url(project, left=first.pk, right=second.pk))

    assert response.status_code == 200
    rows = response.context["comparison"].rows
    moved = {row.item.name: row.difference for row in rows if row.changed}
    # A week later is five business days, four when the company's day off falls in it.
    assert moved == {"Design signed": 4, "Map pay codes": 4, "Sign the design": 4}
    assert {row.item.name for row in rows if not row.changed} == {"Collect data"}
    html = response.content.decode()
    assert html.count(">Moved</span>") == 3

    listing = client_as(pm).get(reverse("projects:baseline_list", args=[project.pk]))
    text = listing.content.decode()
    assert "Client sent the census a week late" in text and "Taken at kick-off" in text


def test_only_what_moved_hides_the_rows_that_kept_their_dates(client_as, pm, project, plan):
    design, collect, mapping, sign = plan
    baseline = take_baseline(project=project, user=pm, reason="", first=True)
    collect.due_date = day(4)
    collect.save()

    response = client_as(pm).get(
        compare_url(project, left=baseline.pk, right="current", changed="on")
    )

    assert [(r.name, r.difference) for r in response.context["rows"]] == [("Collect data", "+1")]


def test_the_first_visit_compares_the_current_baseline_with_the_plan_as_it_stands(
    client_as, pm, project, plan
):
    take_baseline(project=project, user=pm, reason="", first=True)
    task = TaskFactory(project=project, title="Extra workshop", start_date=day(1), due_date=day(2))

    response = client_as(pm).get(compare_url(project))

    comparison = response.context["comparison"]
    assert comparison.right.label == "The plan as it stands"
    added = [row for row in comparison.rows if row.state == "added"]
    assert [row.item.pk for row in added] == [task.pk]
    assert comparison.moved_count == 0


def test_a_deleted_item_is_counted_not_named():
    left = PlanDates("a", milestones={1: day(3)}, tasks={7: (day(0), day(1)), 8: (day(0), day(2))})
    right = PlanDates("b", milestones={1: day(3)}, tasks={7: (day(0), day(1))})
    result = compare(left, right, [PlanItem("milestone", 1, "M"), PlanItem("task", 7, "T")])
    assert result.removed == 1
    assert [row.state for row in result.rows] == ["same", "same"]


@pytest.mark.parametrize(
    "query",
    [
        {"left": "current", "right": "current"},
        {"left": "999999", "right": "current"},
        {"left": "abc", "right": "²"},
    ],
)
def test_a_bad_choice_gets_the_form_with_a_message_not_an_error(client_as, pm, project, query):
    take_baseline(project=project, user=pm, reason="", first=True)
    response = client_as(pm).get(compare_url(project, **query))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert "comparison" not in response.context


def test_the_same_baseline_twice_is_refused_with_a_reason(client_as, pm, project):
    baseline = take_baseline(project=project, user=pm, reason="", first=True)
    response = client_as(pm).get(compare_url(project, left=baseline.pk, right=baseline.pk))
    assert "Choose two different versions" in response.content.decode()


def test_a_project_without_baselines_says_so(client_as, pm, project):
    for name in ("baseline_list", "baseline_compare"):
        response = client_as(pm).get(reverse(f"projects:{name}", args=[project.pk]))
        assert "No baseline yet" in response.content.decode()


@pytest.mark.parametrize("name", ["baseline_list", "baseline_compare"])
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("pm", 200),
        ("other_pm", 200),
        ("manager", 200),
        ("support", 200),
        ("sales_rep", 404),
        ("no_role_user", 404),
    ],
)
def test_who_may_see_the_baselines(request, client_as, project, name, role, status):
    user = request.getfixturevalue(role)
    url = reverse(f"projects:{name}", args=[project.pk])
    assert client_as(user).get(url).status_code == status
    assert client_as(user).post(url).status_code == 405


def test_a_baseline_of_a_project_one_may_not_read_is_refused(client_as, pm, sales_rep, project):
    baseline = take_baseline(project=project, user=pm, reason="", first=True)
    other = ProjectFactory(pm=pm)
    # Another project's baseline is not a choice here: the form refuses it.
    response = client_as(pm).get(compare_url(other, left=baseline.pk, right="current"))
    assert "comparison" not in response.context


@pytest.mark.parametrize("name", ["baseline_list", "baseline_compare"])
def test_the_baseline_pages_cost_the_same_queries_for_a_bigger_plan(
    client_as, pm, project, django_assert_num_queries, name
):
    url = reverse(f"projects:{name}", args=[project.pk])

    def grow(n):
        milestone = MilestoneFactory(project=project, due_date=day(40))
        previous = None
        for index in range(n):
            previous = TaskFactory(
                project=project,
                milestone=milestone,
                start_date=day(index),
                due_date=day(index + 1),
                depends_on=[previous] if previous else [],
            )
        take_baseline(project=project, user=pm, reason="More work found")
        project.tasks.update(due_date=day(45))

    take_baseline(project=project, user=pm, reason="", first=True)
    grow(2)
    browser = client_as(pm)
    browser.get(url)
    # session, user, groups, project, baselines kept, (compare: the two chosen, milestones,
    # tasks, holidays), open alerts
    expected = 6 if name == "baseline_list" else 10
    with django_assert_num_queries(expected):
        browser.get(url)
    grow(40)
    with django_assert_num_queries(expected):
        browser.get(url)


def test_a_task_shows_its_baseline_dates_and_how_far_it_moved(client_as, pm, project, plan):
    design, collect, mapping, sign = plan
    take_baseline(project=project, user=pm, reason="", first=True)
    mapping.due_date = day(10)  # Tue 9th → Thu 11th
    mapping.save()
    page = client_as(pm).get(reverse("projects:task_detail", args=[mapping.pk]))
    fragment_url = reverse("projects:task_baseline", args=[mapping.pk])
    assert fragment_url in page.content.decode()

    text = client_as(pm).get(fragment_url).content.decode()

    assert "5 Mar to 9 Mar 2027" in text
    assert "2 business days behind" in text


def test_the_project_page_gives_the_go_live_and_milestones_variance_in_business_days(
    client_as, pm, project, plan
):
    design = plan[0]
    project.baseline_go_live = day(25)  # Fri 26th
    project.forecast_go_live = day(29)  # Tue 30th: two weekdays later, one a holiday
    project.save()
    Holiday.objects.create(date=day(28), name="Company day off")
    Holiday.objects.create(date=day(9), name="Another day off")  # Wed 10th
    design.due_date = day(7)  # Fri 12th → Mon 8th: four weekdays earlier, one a holiday
    design.save()

    response = client_as(pm).get(project.get_absolute_url())

    text = response.content.decode()
    assert "1 business day behind the baseline" in text
    assert response.context["milestones"][0].variance == -3


def test_the_variance_costs_the_project_page_no_query(
    client_as, pm, project, plan, django_assert_max_num_queries
):
    browser = client_as(pm)
    url = project.get_absolute_url()
    with CaptureQueriesContext(connection) as on_plan:
        browser.get(url)
    project.forecast_go_live = day(40)
    project.save()
    plan[0].due_date = day(20)  # a Sunday
    plan[0].save()
    Holiday.objects.create(date=day(30), name="Company day off")
    with django_assert_max_num_queries(len(on_plan)):
        response = browser.get(url)
    assert response.context["milestones"][0].variance == 5  # Fri 12th → Fri 19th (21st a Sunday)


@pytest.mark.parametrize("role", ["sales_rep", "other_sales_rep", "no_role_user"])
def test_a_tasks_baseline_is_not_found_for_those_who_may_not_read_its_project(
    request, client_as, pm, project, plan, role
):
    # The account's own rep reads its status page, not its plan.
    project.client.sales_rep = request.getfixturevalue("sales_rep")
    project.client.save()
    take_baseline(project=project, user=pm, reason="", first=True)
    url = reverse("projects:task_baseline", args=[plan[2].pk])

    response = client_as(request.getfixturevalue(role)).get(url)

    assert response.status_code == 404
    assert "Mar 2027" not in response.content.decode()


def test_a_tasks_baseline_sends_anonymous_visitors_to_log_in(client, project, plan):
    url = reverse("projects:task_baseline", args=[plan[2].pk])

    response = client.get(url)

    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_a_tasks_baseline_only_answers_get(client_as, pm, plan):
    url = reverse("projects:task_baseline", args=[plan[2].pk])
    assert client_as(pm).post(url).status_code == 405
