"""Meeting services: stale edits refused, action items as tasks, decisions for the handoff.

A create form sent twice is the views' (common.submissions), tested in test_views.
"""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from clients.tests.factories import ContactFactory
from common.versions import StaleEdit
from meetings import services
from meetings.models import ActionItem
from meetings.selectors import project_decisions
from meetings.tests.factories import DecisionFactory, MeetingFactory
from projects.models import Task
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db
TODAY: datetime.date  # set for each test by `_today`


@pytest.fixture(autouse=True)
def _today():
    """Today as each test runs: read at import, it would be yesterday's after midnight."""
    global TODAY
    TODAY = timezone.localdate()


@pytest.fixture
def project(pm):
    return ProjectFactory(name="Acme payroll", pm=pm)


@pytest.fixture
def meeting(project):
    return MeetingFactory(project=project, title="Weekly status")


def _update(meeting, user, version, **changes):
    values = {
        "kind": meeting.kind,
        "title": meeting.title,
        "starts_at": meeting.starts_at,
        "duration_minutes": meeting.duration_minutes,
        "attendee_users": [],
        "attendee_contacts": [],
        "agenda": meeting.agenda,
        "minutes": meeting.minutes,
    }
    values.update(changes)
    return services.meeting_update(meeting=meeting, user=user, version=version, **values)


def test_an_edit_from_an_older_version_is_refused_and_names_who_saved_meanwhile(
    meeting, pm, manager
):
    manager.first_name, manager.last_name = "Mia", "Manager"
    manager.save(update_fields=["first_name", "last_name"])
    _update(meeting, manager, 1, minutes="Census arrives Friday.")
    with pytest.raises(StaleEdit) as refused:
        _update(meeting, pm, 1, minutes="Nothing decided.", title="Renamed")
    text = " ".join(refused.value.messages)
    assert "Mia Manager changed this meeting" in text and "Minutes" in text
    assert "Title" in text and "nothing was saved" in text
    meeting.refresh_from_db()
    assert (meeting.minutes, meeting.title, meeting.version) == (
        "Census arrives Friday.",
        "Weekly status",
        2,
    )


def test_attendees_from_another_client_are_refused(project, pm):
    stranger = ContactFactory()
    with pytest.raises(ValidationError):
        services.meeting_create(
            project=project,
            user=pm,
            kind="other",
            title="Sync",
            starts_at=timezone.now(),
            duration_minutes=30,
            attendee_contacts=[stranger],
        )


def test_an_action_item_is_a_task_of_the_project(meeting, pm):
    due = TODAY + datetime.timedelta(days=3)
    item = services.action_item_create(
        meeting=meeting, user=pm, title="Map pay codes", due_date=due, owner_user=pm
    )
    task = Task.objects.get()
    assert item.task == task
    assert task.project == meeting.project and task.owner_user == pm and task.due_date == due
    assert task.meeting_action.meeting == meeting


def test_an_action_item_needs_exactly_one_owner(meeting, pm):
    contact = ContactFactory(client=meeting.project.client)
    for owners in ({}, {"owner_user": pm, "owner_contact": contact}):
        with pytest.raises(ValidationError):
            services.action_item_create(
                meeting=meeting, user=pm, title="Map pay codes", due_date=TODAY, **owners
            )
    assert not Task.objects.exists() and not ActionItem.objects.exists()


def test_project_decisions_lists_the_projects_own_newest_first(project, meeting):
    older = DecisionFactory(meeting=meeting, decided_on=TODAY - datetime.timedelta(days=5))
    newer = DecisionFactory(meeting=MeetingFactory(project=project), decided_on=TODAY)
    DecisionFactory()  # another project's
    assert list(project_decisions(project)) == [newer, older]


def test_the_same_edit_sent_twice_is_saved_once_without_a_complaint(meeting, pm):
    _update(meeting, pm, 1, minutes="Census arrives Friday.", attendee_users=[pm])
    again = _update(meeting, pm, 1, minutes="Census arrives Friday.", attendee_users=[pm])
    assert again.version == 2 and again.minutes == "Census arrives Friday."


def test_an_older_edit_that_differs_only_in_attendees_is_still_refused(meeting, pm, manager):
    _update(meeting, manager, 1, attendee_users=[manager])
    with pytest.raises(StaleEdit, match="Attendees \\(team\\)"):
        _update(meeting, pm, 1, attendee_users=[pm])
