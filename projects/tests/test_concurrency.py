"""Two people at once: a stale edit form changes nothing, and dependency edits make no loop."""

import contextlib
import datetime
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connections
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import UserFactory
from common.testing import form_data
from onboarding.tests.conftest import uses_postgresql
from projects import services
from projects.models import HandoffReport, ImplementationProject, Issue, Risk, Task
from projects.tests.factories import (
    HandoffReportFactory,
    IssueFactory,
    MilestoneFactory,
    ProjectFactory,
    RiskFactory,
    TaskFactory,
)

STALE = "Someone changed this while you were editing it, so nothing was saved."


def days(n: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=n)


@pytest.fixture
def boss(db):
    return UserFactory(username="boss", first_name="Morgan", last_name="Lee", role=Role.MANAGER)


@pytest.fixture
def member(db):
    return UserFactory(username="mia", first_name="Mia", last_name="Member", role=Role.PM)


@pytest.fixture
def project(pm, member):
    return ProjectFactory(name="Acme payroll", pm=pm, team=[member])


def opened(client, url):
    """The edit form as the user's browser got it."""
    response = client.get(url)
    assert response.status_code == 200
    return response.context["form"]


def page(response) -> str:
    return response.content.decode()


# The defect as reported: a manager changes a task in place while a PM has its form open.


def test_a_stale_task_form_keeps_the_managers_status_and_owner_and_says_who_changed_them(
    client, pm, boss, member, project
):
    task = TaskFactory(project=project, title="Load employees")
    url = reverse("projects:task_edit", args=[task.pk])
    client.force_login(pm)
    form = opened(client, url)

    client.force_login(boss)
    client.post(
        reverse("projects:task_status", args=[task.pk]),
        {"status": "blocked"},
        HTTP_HX_REQUEST="true",
    )
    client.post(
        reverse("projects:task_owner", args=[task.pk]),
        {"owner": f"user:{member.pk}"},
        HTTP_HX_REQUEST="true",
    )

    client.force_login(pm)
    response = client.post(url, form_data(form, title="Load all employees"))

    assert response.status_code == 200
    task.refresh_from_db()
    assert (task.title, task.status, task.owner_user) == ("Load employees", "blocked", member)
    text = page(response)
    assert STALE in text
    assert "Morgan Lee" in text
    assert "Status from Not started to Blocked" in text
    assert "Owner from nothing to Mia Member" in text
    # What the PM typed is still in the form.
    assert 'value="Load all employees"' in text


def test_saving_again_after_reading_what_changed_keeps_the_users_input(client, pm, boss, project):
    task = TaskFactory(project=project, title="Load employees")
    url = reverse("projects:task_edit", args=[task.pk])
    client.force_login(pm)
    form = opened(client, url)
    services.task_set_status(task=task, user=boss, status=Task.Status.BLOCKED)

    refused = client.post(url, form_data(form, title="Load all employees"))
    again = client.post(url, form_data(refused.context["form"]))

    assert again.status_code == 302
    task.refresh_from_db()
    assert task.title == "Load all employees"


def test_an_unchanged_form_saves_and_a_form_without_its_version_is_refused(client, pm, project):
    task = TaskFactory(project=project, title="Load employees")
    url = reverse("projects:task_edit", args=[task.pk])
    client.force_login(pm)
    form = opened(client, url)

    missing = client.post(url, form_data(form, title="Renamed", version=None))
    assert "This form is out of date: reload the page" in page(missing)
    task.refresh_from_db()
    assert task.title == "Load employees"

    assert client.post(url, form_data(form, title="Renamed")).status_code == 302
    task.refresh_from_db()
    assert (task.title, task.version) == ("Renamed", 1)


# Every other edit form of a project


def _project_case(project, boss):
    services.project_update(
        project=ImplementationProject.objects.get(pk=project.pk),
        user=boss,
        data={"budget_hours": Decimal("300")},
    )


def _milestone_case(milestone, boss):
    services.milestone_save(
        project=milestone.project, user=boss, milestone=milestone, data={"due_date": days(40)}
    )


def _risk_case(risk, boss):
    services.risk_set_status(risk=risk, user=boss, status=Risk.Status.MITIGATING)


def _issue_case(issue, boss):
    services.issue_set_status(issue=issue, user=boss, status=Issue.Status.IN_PROGRESS)


def _report_case(report, boss):
    services.handoff_report_save(
        project=report.project, user=boss, data={"training": "Four admin sessions."}
    )


CASES = {
    # name: (make the object, its edit URL, what the PM changes, what the manager changes,
    #        what the stale message says, the manager's change as stored)
    "project": (
        lambda project: project,
        lambda obj: reverse("projects:edit", args=[obj.pk]),
        {"name": "Acme payroll (renamed)"},
        _project_case,
        "Budget hours from 200 to 300",
        lambda obj: (obj.name, obj.budget_hours) == ("Acme payroll", Decimal("300")),
    ),
    "milestone": (
        lambda project: MilestoneFactory(project=project, name="UAT", due_date=days(30)),
        lambda obj: reverse("projects:milestone_edit", args=[obj.pk]),
        {"name": "UAT done"},
        _milestone_case,
        "Due date from",
        lambda obj: (obj.name, obj.due_date) == ("UAT", days(40)),
    ),
    "risk": (
        lambda project: RiskFactory(project=project, title="Late census"),
        lambda obj: reverse("projects:risk_edit", args=[obj.pk]),
        {"title": "Census file late"},
        _risk_case,
        "Status from Open to Mitigating",
        lambda obj: (obj.title, obj.status) == ("Late census", "mitigating"),
    ),
    "issue": (
        lambda project: IssueFactory(project=project, title="GL export fails"),
        lambda obj: reverse("projects:issue_edit", args=[obj.pk]),
        {"title": "GL export broken"},
        _issue_case,
        "Status from Open to In progress",
        lambda obj: (obj.title, obj.status) == ("GL export fails", "in_progress"),
    ),
    "handoff report": (
        lambda project: HandoffReportFactory(project=project, training="Two sessions."),
        lambda obj: reverse("projects:handoff_report_edit", args=[obj.project_id]),
        {"decisions": "Weekly pay for everyone."},
        _report_case,
        "Training done from Two sessions. to Four admin sessions.",
        lambda obj: (
            (obj.training, obj.decisions)
            == ("Four admin sessions.", "Bi-weekly pay for hourly staff.")
        ),
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_a_stale_edit_form_changes_nothing_and_says_what_changed(client, pm, boss, project, case):
    make, url_of, pm_changes, meanwhile, said, kept = CASES[case]
    obj = make(project)
    url = url_of(obj)
    client.force_login(pm)
    form = opened(client, url)

    meanwhile(type(obj).objects.get(pk=obj.pk), boss)
    response = client.post(url, form_data(form, **pm_changes))

    assert response.status_code == 200
    text = page(response)
    assert STALE in text
    assert "Morgan Lee" in text
    assert said in text
    for value in pm_changes.values():
        assert value in text
    assert kept(type(obj).objects.get(pk=obj.pk))


def test_two_pms_writing_the_first_handoff_report_at_once_do_not_overwrite_each_other(
    client, pm, member, project
):
    project.phase = "go_live"
    project.save(update_fields=["phase"])
    url = reverse("projects:handoff_report_edit", args=[project.pk])
    client.force_login(pm)
    mine = opened(client, url)
    client.force_login(member)
    theirs = opened(client, url)

    assert client.post(url, form_data(theirs, training="Recorded sessions.")).status_code == 302
    client.force_login(pm)
    response = client.post(url, form_data(mine, training="Live sessions."))

    assert STALE in page(response)
    assert HandoffReport.objects.get(project=project).training == "Recorded sessions."


# In-place edits change only their own field, and count as a change


def test_an_in_place_status_change_does_not_undo_a_rename_made_meanwhile(client, pm, boss, project):
    task = TaskFactory(project=project, title="Load employees")
    services.task_save(project=project, user=boss, task=task, data={"title": "Load staff"})
    stale_row = Task.objects.get(pk=task.pk)
    stale_row.title = "Load employees"  # what the PM's row still showed

    services.task_set_status(task=stale_row, user=pm, status=Task.Status.IN_PROGRESS)

    task.refresh_from_db()
    assert (task.title, task.status, task.version) == ("Load staff", "in_progress", 2)


# Dependencies: two saves at once must not make a loop


@pytest.mark.skipif(
    not uses_postgresql(), reason="needs PostgreSQL for two real connections at once"
)
@pytest.mark.django_db(transaction=True)
def test_two_dependency_edits_at_once_cannot_make_a_loop(pm, monkeypatch):
    project = ProjectFactory(pm=pm)
    first = TaskFactory(project=project, title="First")
    second = TaskFactory(project=project, title="Second")
    both_checked = threading.Barrier(2, timeout=3)
    real_check = services._creates_cycle

    def check_then_wait(task, depends_on):
        found = real_check(task, depends_on)
        # With the fix the other save waits on the project's lock, and checks after this one
        # has written: the barrier then times out.
        with contextlib.suppress(threading.BrokenBarrierError):
            both_checked.wait()
        return found

    monkeypatch.setattr(services, "_creates_cycle", check_then_wait)
    saved, refused, errors = [], [], []

    def depend(task, on):
        try:
            services.task_save(
                project=project,
                user=pm,
                task=Task.objects.get(pk=task.pk),
                data={"depends_on": [on]},
            )
            saved.append(task.title)
        except ValidationError as error:
            refused.append(error.message_dict["depends_on"])
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=depend, args=(first, second)),
        threading.Thread(target=depend, args=(second, first)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert len(saved) == 1
    assert refused == [["These dependencies would make a loop."]]
    edges = set(Task.depends_on.through.objects.values_list("from_task_id", "to_task_id"))
    assert len(edges) == 1
