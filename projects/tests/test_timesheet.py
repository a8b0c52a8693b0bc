"""The weekly timesheet: hours per task and day, set (not added) through timesheet_save."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from projects import selectors, services
from projects.models import Task, TimeEntry
from projects.tests.factories import (
    ProjectFactory,
    ProjectMembershipFactory,
    TaskFactory,
    TimeEntryFactory,
)

MONDAY = datetime.date(2026, 11, 23)
URL = reverse("projects:timesheet")


def week_url(monday=MONDAY) -> str:
    return f"{URL}?week={monday.isoformat()}"


def cell(task, day) -> str:
    return f"h-{task.pk}-{day:%Y%m%d}"


def state(user, monday=MONDAY) -> str:
    return selectors.timesheet_state(selectors.timesheet_entries(user=user, week_start=monday))


def logged(user) -> dict:
    return {(e.task_id, e.spent_on): e.hours for e in TimeEntry.objects.filter(user=user)}


@pytest.fixture
def task(pm):
    project = ProjectFactory(name="Acme payroll", pm=pm)
    return TaskFactory(project=project, owner_user=pm, title="Census file")


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_week_grid_shows_own_tasks_and_stored_hours(client_as, pm, other_pm, task):
    TimeEntryFactory(
        project=task.project, task=task, user=pm, spent_on=MONDAY, hours=Decimal("2.5")
    )
    TaskFactory(project=task.project, owner_user=other_pm, title="Someone else's")
    body = client_as(pm).get(week_url()).content.decode()
    assert "Census file" in body
    assert "Someone else" not in body
    assert f'name="{cell(task, MONDAY)}"' in body
    assert 'value="2.5"' in body
    assert "Week of Monday 23 November 2026" in body
    assert "?week=2026-11-16" in body and "?week=2026-11-30" in body


def test_any_day_opens_its_week(client_as, pm, task):
    response = client_as(pm).get(f"{URL}?week=2026-11-26")
    assert response.context["week_start"] == MONDAY


@pytest.mark.parametrize("week", ["nonsense", "9999-12-31", "0001-01-01", ""])
def test_bad_week_opens_this_week(client_as, pm, week):
    assert client_as(pm).get(f"{URL}?week={week}").status_code == 200


def test_saving_creates_updates_and_clears_entries(client_as, pm, task):
    tuesday = MONDAY + datetime.timedelta(days=1)
    TimeEntryFactory(project=task.project, task=task, user=pm, spent_on=MONDAY, hours=Decimal(3))
    TimeEntryFactory(project=task.project, task=task, user=pm, spent_on=tuesday, hours=Decimal(1))
    response = client_as(pm).post(
        week_url(),
        {
            "state": state(pm),
            cell(task, MONDAY): "4",
            cell(task, tuesday): "",
            cell(task, MONDAY + datetime.timedelta(days=2)): "1.25",
        },
    )
    assert response.status_code == 302
    assert logged(pm) == {
        (task.pk, MONDAY): Decimal(4),
        (task.pk, MONDAY + datetime.timedelta(days=2)): Decimal("1.25"),
    }
    page = client_as(pm).get(response.url).content.decode()
    assert "Timesheet saved: 3 days changed." in page


def test_sending_the_same_grid_twice_logs_it_once(client_as, pm, task):
    data = {"state": state(pm), cell(task, MONDAY): "6"}
    logged_in = client_as(pm)
    logged_in.post(week_url(), data)
    second = logged_in.post(week_url(), data)
    assert second.status_code == 302
    assert logged(pm) == {(task.pk, MONDAY): Decimal(6)}
    assert "nothing changed" in logged_in.get(second.url).content.decode()


def test_a_stale_grid_is_refused_and_keeps_the_input(client_as, pm, task):
    opened_at = state(pm)
    # Meanwhile the same user logs time elsewhere (another tab, the project's time form).
    TimeEntryFactory(project=task.project, task=task, user=pm, spent_on=MONDAY, hours=Decimal(2))
    response = client_as(pm).post(week_url(), {"state": opened_at, cell(task, MONDAY): "5"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "changed since you opened it, so nothing was saved" in body
    assert logged(pm) == {(task.pk, MONDAY): Decimal(2)}
    assert 'value="5"' in body
    # Saving again is deliberate: it now carries the week's current state and goes through.
    again = client_as(pm).post(
        week_url(), {"state": response.context["form"]["state"].value(), cell(task, MONDAY): "5"}
    )
    assert again.status_code == 302
    assert logged(pm) == {(task.pk, MONDAY): Decimal(5)}


@pytest.mark.parametrize("value", ["25", "-1", "abc", "0.1"])
def test_bad_hours_are_refused_with_a_message(client_as, pm, task, value):
    response = client_as(pm).post(week_url(), {"state": state(pm), cell(task, MONDAY): value})
    assert response.status_code == 200
    assert (
        "nothing was saved" in response.content.decode()
        or "quarter of an hour" in response.content.decode()
    )
    assert TimeEntry.objects.count() == 0


def test_more_than_24_hours_in_a_day_is_refused(client_as, pm, task):
    other = TaskFactory(project=task.project, owner_user=pm)
    response = client_as(pm).post(
        week_url(), {"state": state(pm), cell(task, MONDAY): "20", cell(other, MONDAY): "5"}
    )
    assert "more than 24 hours in one day" in response.content.decode()
    assert TimeEntry.objects.count() == 0


def test_only_tasks_the_user_may_log_on(pm, other_pm, task):
    # A task of a project the PM neither manages nor joined, and a done task with no hours.
    foreign = TaskFactory(project=ProjectFactory(pm=other_pm), owner_user=pm)
    done = TaskFactory(project=task.project, owner_user=pm, status=Task.Status.DONE)
    for refused in (foreign, done):
        with pytest.raises(ValidationError, match="only on your own tasks"):
            services.timesheet_save(
                user=pm,
                week_start=MONDAY,
                hours={(refused.pk, MONDAY): Decimal(1)},
                state=state(pm),
            )
    assert TimeEntry.objects.count() == 0


def test_member_logs_on_their_task_of_a_joined_project(pm, other_pm):
    project = ProjectFactory(pm=other_pm)
    ProjectMembershipFactory(project=project, user=pm)
    joined = TaskFactory(project=project, owner_user=pm)
    services.timesheet_save(
        user=pm, week_start=MONDAY, hours={(joined.pk, MONDAY): Decimal(2)}, state=state(pm)
    )
    entry = TimeEntry.objects.get()
    assert (entry.project, entry.task, entry.hours) == (project, joined, Decimal(2))


@pytest.mark.parametrize("role", ["sales_rep", "support", "no_role_user"])
def test_users_without_tasks_see_an_empty_state(client_as, request, role, task):
    response = client_as(request.getfixturevalue(role)).get(URL)
    assert response.status_code == 200
    assert "no tasks to log hours on" in response.content.decode()


def test_query_count_does_not_grow_with_tasks(client_as, pm, task, django_assert_num_queries):
    logged_in = client_as(pm)
    logged_in.get(week_url())
    with django_assert_num_queries(6):
        logged_in.get(week_url())
    for i in range(8):
        extra = TaskFactory(project=task.project, owner_user=pm)
        TimeEntryFactory(
            project=task.project,
            task=extra,
            user=pm,
            spent_on=MONDAY + datetime.timedelta(days=i % 7),
            hours=1,
        )
    with django_assert_num_queries(6):
        response = logged_in.get(week_url())
    assert len(response.context["form"].tasks) == 9


def test_the_timesheet_is_in_the_navigation_of_those_who_log_time_only(client_as, pm, sales_rep):
    timesheet = f'href="{reverse("projects:timesheet")}"'
    assert timesheet in client_as(pm).get(reverse("home")).content.decode()
    assert timesheet not in client_as(sales_rep).get(reverse("home")).content.decode()
