"""The project forms, the handoff report editor and the manager's home make a fixed number of
queries, whatever the data holds (the speed limit of every page: at most 12)."""

import pytest
from django.urls import reverse

from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, ProductFactory, UserFactory
from projects.models import HandoffReport
from projects.tests.factories import (
    HandoffReportFactory,
    MilestoneFactory,
    ProjectFactory,
    ProjectMembershipFactory,
    TaskFactory,
)

pytestmark = pytest.mark.django_db


def _pinned(browser, url, grow, count, django_assert_num_queries):
    grow(2)
    browser.get(url)
    with django_assert_num_queries(count):
        assert browser.get(url).status_code == 200
    grow(8)
    with django_assert_num_queries(count):
        assert browser.get(url).status_code == 200


def _more_of_everything(project):
    def grow(n):
        for _ in range(n):
            ClientFactory()
            ProductFactory()
            UserFactory(role=Role.PM)
            ContactFactory(client=project.client)
            MilestoneFactory(project=project)
            TaskFactory(project=project)
            ProjectMembershipFactory(project=project, user=UserFactory(role=Role.PM))

    return grow


def test_new_project_form(client_as, pm, django_assert_num_queries):
    project = ProjectFactory(pm=pm)
    _pinned(
        client_as(pm),
        reverse("projects:create"),
        _more_of_everything(project),
        8,
        django_assert_num_queries,
    )


def test_edit_project_form(client_as, pm, django_assert_num_queries):
    project = ProjectFactory(pm=pm)
    _pinned(
        client_as(pm),
        reverse("projects:edit", args=[project.pk]),
        _more_of_everything(project),
        10,
        django_assert_num_queries,
    )


def test_edit_handoff_report_form(client_as, pm, django_assert_num_queries):
    project = ProjectFactory(pm=pm)
    HandoffReportFactory(project=project, status=HandoffReport.Status.DRAFT)
    _pinned(
        client_as(pm),
        reverse("projects:handoff_report_edit", args=[project.pk]),
        _more_of_everything(project),
        6,
        django_assert_num_queries,
    )


def test_manager_home(client_as, manager, django_assert_num_queries):
    def grow(n):
        for _ in range(n):
            project = ProjectFactory()
            TaskFactory(project=project, owner_user=manager)

    _pinned(client_as(manager), reverse("home"), grow, 12, django_assert_num_queries)


def test_the_project_form_lists_a_few_pms_and_finds_the_others(client_as, manager, pm):
    for n in range(60):
        UserFactory(role=Role.PM, first_name="Alex", last_name=f"Many{n:02}")
    UserFactory(role=Role.PM, first_name="Zora", last_name="Quill", username="zq")
    project = ProjectFactory(pm=pm)
    browser = client_as(manager)
    form = browser.get(reverse("projects:edit", args=[project.pk])).content.decode()
    assert form.count("Many") < 55  # a few of the 61 PMs, not all of them
    assert f'<option value="{pm.pk}" selected>' in form  # the project's PM is kept
    assert 'name="pm_find"' in form
    found = browser.get(reverse("projects:pm_options"), {"pm_find": "zora qu"}).content.decode()
    assert "Zora Quill" in found and "Many" not in found
    none = browser.get(reverse("projects:pm_options"), {"pm_find": "nobody"}).content.decode()
    assert "No PM’s name contains “nobody”" in none


def test_only_those_who_open_projects_search_pms(client_as, support):
    assert client_as(support).get(reverse("projects:pm_options")).status_code == 403
