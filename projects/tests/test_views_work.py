"""The "My work" page: a person's own open tasks across projects, grouped by when they are due."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from projects.models import Task
from projects.tests.factories import ProjectFactory, ProjectMembershipFactory, TaskFactory

URL = reverse("projects:my_work")


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


def end_of_week() -> datetime.date:
    today = timezone.localdate()
    return today + datetime.timedelta(days=6 - today.weekday())


def titles(response, group: str) -> list[str]:
    found = next(g for g in response.context["groups"] if g["key"] == group)
    return [task.title for task in found["tasks"]]


@pytest.fixture
def payroll(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


@pytest.fixture
def time_project(other_pm, pm):
    project = ProjectFactory(name="Acme time", pm=other_pm)
    ProjectMembershipFactory(project=project, user=pm)
    return project


def test_anonymous_is_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_post_is_refused(client_as, pm):
    assert client_as(pm).post(URL).status_code == 405


def test_pm_sees_own_open_tasks_across_projects_grouped_by_due_date(
    client_as, pm, other_pm, payroll, time_project
):
    TaskFactory(project=payroll, owner_user=pm, title="Late census", due_date=days(-2))
    TaskFactory(project=time_project, owner_user=pm, title="Clock rules", due_date=end_of_week())
    TaskFactory(
        project=payroll,
        owner_user=pm,
        title="Parallel run",
        due_date=end_of_week() + datetime.timedelta(days=1),
    )
    TaskFactory(project=payroll, owner_user=pm, title="Someday", due_date=None)
    TaskFactory(project=payroll, owner_user=pm, title="Finished", status=Task.Status.DONE)
    TaskFactory(project=payroll, owner_user=other_pm, title="Not mine", due_date=days(-1))

    response = client_as(pm).get(URL)

    assert titles(response, "overdue") == ["Late census"]
    assert titles(response, "week") == ["Clock rules"]
    assert sorted(titles(response, "later")) == ["Parallel run", "Someday"]
    body = response.content.decode()
    assert "Finished" not in body and "Not mine" not in body
    assert "Acme time" in body  # each task says which project it belongs to
    assert 'aria-current="page">My work' in body


def test_project_filter_shows_only_that_projects_tasks(client_as, pm, payroll, time_project):
    TaskFactory(project=payroll, owner_user=pm, title="Census", due_date=days(-2))
    TaskFactory(project=time_project, owner_user=pm, title="Clock rules", due_date=days(-2))

    response = client_as(pm).get(URL, {"project": time_project.pk})

    assert titles(response, "overdue") == ["Clock rules"]
    assert response.context["selected"] == time_project


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "١٢"])
def test_bad_project_filter_shows_every_project(client_as, pm, payroll, value):
    TaskFactory(project=payroll, owner_user=pm, title="Census", due_date=days(-2))
    response = client_as(pm).get(URL, {"project": value})
    assert response.status_code == 200
    assert titles(response, "overdue") == ["Census"]


@pytest.mark.parametrize("role", ["sales_rep", "support", "manager", "no_role_user"])
def test_users_without_tasks_see_an_empty_state(client_as, request, pm, payroll, role):
    TaskFactory(project=payroll, owner_user=pm, title="Census of the PM")
    user = request.getfixturevalue(role)
    response = client_as(user).get(URL)
    body = response.content.decode()
    assert response.status_code == 200
    assert "You have no open tasks" in body
    assert "Census of the PM" not in body


def test_each_group_is_capped(client_as, pm, payroll, monkeypatch):
    monkeypatch.setattr("projects.views_work.GROUP_CAP", 3)
    for _ in range(5):
        TaskFactory(project=payroll, owner_user=pm, due_date=days(-3))
    response = client_as(pm).get(URL)
    overdue = response.context["groups"][0]
    assert len(overdue["tasks"]) == 3
    assert overdue["more"]
    assert "choose a project to see the rest" in response.content.decode()


def test_status_changes_in_place_and_answers_with_the_my_work_row(client_as, pm, payroll):
    task = TaskFactory(project=payroll, owner_user=pm, title="Census", due_date=days(-2))
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "in_progress", "row": "my_work", "next": URL},
        HTTP_HX_REQUEST="true",
    )
    task.refresh_from_db()
    body = response.content.decode()
    assert task.status == Task.Status.IN_PROGRESS
    assert f'id="my-task-{task.pk}"' in body
    assert "Acme payroll" in body
    assert "is now in progress" in body


def test_without_javascript_status_change_returns_to_my_work(client_as, pm, payroll):
    task = TaskFactory(project=payroll, owner_user=pm, due_date=days(-2))
    response = client_as(pm).post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "done", "row": "my_work", "next": URL},
    )
    assert response.status_code == 302
    assert response.url == URL
    assert client_as(pm).get(URL).context["has_any"] is False


def test_task_on_a_project_the_owner_may_not_change_shows_a_badge_not_a_form(
    client_as, pm, other_pm
):
    # The PM owns a task on a project they neither manage nor joined: they read it, not change it.
    foreign = ProjectFactory(pm=other_pm)
    TaskFactory(project=foreign, owner_user=pm, title="Borrowed", due_date=days(-1))
    body = client_as(pm).get(URL).content.decode()
    assert "Borrowed" in body
    assert 'name="status"' not in body


def test_query_count_does_not_grow_with_tasks(
    client_as, pm, payroll, time_project, django_assert_num_queries
):
    def add(n):
        for i in range(n):
            project = payroll if i % 2 else time_project
            TaskFactory(project=project, owner_user=pm, due_date=days(i * 4 - 6))

    logged_in = client_as(pm)
    add(3)
    logged_in.get(URL)
    with django_assert_num_queries(8):
        logged_in.get(URL)
    add(12)
    with django_assert_num_queries(8):
        response = logged_in.get(URL)
    assert sum(len(g["tasks"]) for g in response.context["groups"]) == 15
