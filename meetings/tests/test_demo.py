"""seed_demo holds meetings on the projects under way: a kick-off and weekly status calls."""

from io import StringIO

import pytest
from django.core.management import call_command

from meetings.models import ActionItem, Decision, Meeting
from projects.models import ImplementationProject, Phase

pytestmark = pytest.mark.django_db


def test_projects_under_way_had_a_kick_off_and_hold_weekly_status_calls():
    call_command("seed_demo", stdout=StringIO())

    under_way = ImplementationProject.objects.exclude(phase=Phase.SALES_HANDOFF).filter(
        pm__isnull=False
    )
    assert under_way.exists()
    for project in under_way:
        kinds = set(project.meetings.values_list("kind", flat=True))
        assert kinds == {Meeting.Kind.KICKOFF, Meeting.Kind.WEEKLY_STATUS}, project.name
        kickoff = project.meetings.get(kind=Meeting.Kind.KICKOFF)
        assert kickoff.agenda and kickoff.minutes
        assert kickoff.decisions.exists()
        assert kickoff.attendee_users.filter(pk=project.pm_id).exists()
        assert kickoff.attendee_contacts.exists()
    # Action items are tasks of the meeting's own project.
    items = ActionItem.objects.select_related("meeting", "task")
    assert items.exists()
    assert all(item.task.project_id == item.meeting.project_id for item in items)


def test_seeding_again_leaves_the_meetings_as_they_were():
    call_command("seed_demo", stdout=StringIO())
    before = (
        list(Meeting.objects.values_list("pk", "title", "starts_at", "minutes")),
        list(Decision.objects.values_list("pk", "text")),
        list(ActionItem.objects.values_list("pk", "task_id", "meeting_id")),
    )
    call_command("seed_demo", stdout=StringIO())
    after = (
        list(Meeting.objects.values_list("pk", "title", "starts_at", "minutes")),
        list(Decision.objects.values_list("pk", "text")),
        list(ActionItem.objects.values_list("pk", "task_id", "meeting_id")),
    )
    assert after == before
