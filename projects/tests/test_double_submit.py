"""A create form sent twice (a double click, a resent POST) creates one object."""

import re
import threading

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.db import connections
from django.test import Client as Browser
from django.urls import reverse

from clients.roles import Role
from clients.tests.factories import ClientFactory, ProductFactory, UserFactory
from common.submissions import REPEATED
from common.testing import form_data, submission_key_after
from onboarding.tests.conftest import uses_postgresql
from projects import services
from projects.forms import ProjectForm
from projects.models import Comment, ImplementationProject, ProjectMembership, TimeEntry
from projects.tests.factories import IssueFactory, ProjectFactory, RiskFactory, TaskFactory


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def twice(client, url, data):
    first = client.post(url, data)
    second = client.post(url, data)
    assert first.status_code == 302, first.content.decode()[:2000]
    assert second.status_code == 302
    # The repeat lands where the first one did, and says why nothing new is there.
    assert second.url == first.url
    assert messages_of(second)[-1] == REPEATED
    return first


# Forms on a page of their own: what the browser got, filled in, sent twice.

FORM_PAGES = {
    "project": (
        lambda project: reverse("projects:create"),
        lambda project: {
            "name": "Bluebird payroll",
            "client": ClientFactory(name="Bluebird").pk,
            "products": [ProductFactory(name="Payroll").pk],
        },
        lambda project: ImplementationProject.objects.filter(name="Bluebird payroll").count(),
    ),
    "milestone": (
        lambda project: reverse("projects:milestone_create", args=[project.pk]),
        lambda project: {"name": "UAT", "order": 1},
        lambda project: project.milestones.filter(name="UAT").count(),
    ),
    "task": (
        lambda project: reverse("projects:task_create", args=[project.pk]),
        lambda project: {"title": "Send the census file"},
        lambda project: project.tasks.filter(title="Send the census file").count(),
    ),
    "risk": (
        lambda project: reverse("projects:risk_create", args=[project.pk]),
        lambda project: {"title": "Census late", "probability": 3, "impact": 4},
        lambda project: project.risks.filter(title="Census late").count(),
    ),
    "issue": (
        lambda project: reverse("projects:issue_create", args=[project.pk]),
        lambda project: {"title": "GL export fails", "severity": "high"},
        lambda project: project.issues.filter(title="GL export fails").count(),
    ),
    "time entry": (
        lambda project: reverse("projects:time_entry_create", args=[project.pk]),
        lambda project: {"hours": "2.5"},
        lambda project: project.time_entries.count(),
    ),
}


@pytest.mark.parametrize("kind", list(FORM_PAGES))
def test_a_create_form_sent_twice_creates_one(client, pm, project, kind):
    url_of, filled, count = FORM_PAGES[kind]
    client.force_login(pm)
    url = url_of(project)
    form = client.get(url).context["form"]
    assert form["submission_key"].value()

    twice(client, url, form_data(form, **filled(project)))

    assert count(project) == 1


def test_logging_the_same_hours_from_two_forms_logs_them_twice(client, pm, project):
    """Two forms are two submissions, however alike: each carries its own key."""
    client.force_login(pm)
    url = reverse("projects:time_entry_create", args=[project.pk])
    first = client.get(url).context["form"]
    second = client.get(url).context["form"]

    client.post(url, form_data(first, hours="2"))
    client.post(url, form_data(second, hours="2"))

    assert TimeEntry.objects.filter(project=project).count() == 2


def test_two_different_entries_sent_with_the_same_key_are_both_logged(client, pm, project):
    """A page answered twice from the page cache holds the same key in both copies: what was
    typed into each still tells two submissions apart."""
    client.force_login(pm)
    url = reverse("projects:time_entry_create", args=[project.pk])
    form = client.get(url).context["form"]

    client.post(url, form_data(form, hours="2"))
    client.post(url, form_data(form, hours="3"))

    assert sorted(e.hours for e in TimeEntry.objects.filter(project=project)) == [2, 3]


def test_a_form_corrected_after_an_error_is_created_with_the_same_key(client, pm, project):
    client.force_login(pm)
    url = reverse("projects:task_create", args=[project.pk])
    form = client.get(url).context["form"]

    refused = client.post(
        url, form_data(form, title="Send census", start_date="2026-02-10", due_date="2026-02-01")
    )
    assert refused.status_code == 200
    created = client.post(url, form_data(refused.context["form"], due_date="2026-02-20"))

    assert created.status_code == 302
    assert project.tasks.filter(title="Send census").count() == 1


def test_a_submission_the_service_refused_leaves_its_key_free(client, pm, project, monkeypatch):
    """The key is recorded in the create's transaction: a refused create records nothing."""
    client.force_login(pm)
    url = reverse("projects:risk_create", args=[project.pk])
    data = form_data(client.get(url).context["form"], title="Census late", probability=3, impact=4)
    real_save = services.risk_save

    def refuse_once(**kwargs):
        monkeypatch.setattr(services, "risk_save", real_save)
        raise ValidationError({"title": "Refused this time."})

    monkeypatch.setattr(services, "risk_save", refuse_once)

    assert "Refused this time." in client.post(url, data).content.decode()
    assert client.post(url, data).status_code == 302
    assert project.risks.filter(title="Census late").count() == 1


# Forms inside another page: the key is in the page's form that posts to the action.


def _comment_cases(project):
    task = TaskFactory(project=project)
    risk = RiskFactory(project=project)
    issue = IssueFactory(project=project)
    # The project's and the task's comment forms load when opened, from the page's fragment.
    opened = "?fragment=comment-form"
    return {
        "project": (
            project.get_absolute_url() + opened,
            reverse("projects:comment", args=[project.pk]),
        ),
        "task": (
            task.get_absolute_url() + opened,
            reverse("projects:task_comment", args=[task.pk]),
        ),
        "risk": (risk.get_absolute_url(), reverse("projects:risk_comment", args=[risk.pk])),
        "issue": (issue.get_absolute_url(), reverse("projects:issue_comment", args=[issue.pk])),
    }


@pytest.mark.parametrize("on", ["project", "task", "risk", "issue"])
def test_a_comment_sent_twice_is_posted_once(client, pm, project, on):
    page_url, action = _comment_cases(project)[on]
    client.force_login(pm)
    page = client.get(page_url, HTTP_HX_REQUEST="true").content.decode()
    key = submission_key_after(page, action)

    twice(client, action, {"body": "The census file arrived.", "submission_key": key})

    assert Comment.objects.filter(body="The census file arrived.").count() == 1


def test_time_logged_twice_burns_the_budget_once(client, pm, project):
    client.force_login(pm)
    action = reverse("projects:time_entry_create", args=[project.pk])
    # The project page links to this form.
    assert action in client.get(project.get_absolute_url()).content.decode()
    page = client.get(action).content.decode()
    key = re.search(r'name="submission_key" value="([0-9a-f-]{36})"', page).group(1)
    data = {"spent_on": "2026-01-05", "hours": "3", "billable": "on", "submission_key": key}

    twice(client, action, data)

    assert [entry.hours for entry in project.time_entries.all()] == [3]


def test_a_team_member_added_twice_is_added_once(client, pm, project):
    trainer = UserFactory(username="trainer", role=Role.PM)
    client.force_login(pm)
    action = reverse("projects:member_add", args=[project.pk])
    # The project page loads its team form when "Add to team" is opened.
    team_form = client.get(
        project.get_absolute_url(), {"fragment": "team-form"}, HTTP_HX_REQUEST="true"
    )
    key = submission_key_after(team_form.content.decode(), action)

    twice(client, action, {"user": trainer.pk, "role": "trainer", "submission_key": key})

    assert ProjectMembership.objects.filter(project=project, user=trainer).count() == 1


# Two requests at the same moment


@pytest.mark.skipif(
    not uses_postgresql(), reason="needs PostgreSQL for two real connections at once"
)
@pytest.mark.django_db(transaction=True)
def test_a_project_form_sent_twice_at_the_same_moment_creates_one_project(pm, monkeypatch):
    account = ClientFactory(name="Bluebird")
    payroll = ProductFactory(name="Payroll")
    browsers = [Browser(), Browser()]
    for browser in browsers:
        browser.force_login(pm)
    form = browsers[0].get(reverse("projects:create")).context["form"]
    data = form_data(form, name="Bluebird payroll", client=account.pk, products=[payroll.pk])

    both_validated = threading.Barrier(2, timeout=10)
    real_clean = ProjectForm.clean

    def clean_then_wait(self):
        cleaned = real_clean(self)
        both_validated.wait()
        return cleaned

    monkeypatch.setattr(ProjectForm, "clean", clean_then_wait)
    answers, errors = [], []

    def send(browser):
        try:
            answers.append(browser.post(reverse("projects:create"), data))
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(browser,)) for browser in browsers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    project = ImplementationProject.objects.get(name="Bluebird payroll")
    assert [answer.status_code for answer in answers] == [302, 302]
    assert {answer.url for answer in answers} == {project.get_absolute_url()}
