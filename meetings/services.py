"""Every write on meetings: keyword-only, typed, validated; action items become tasks.

A create form sent twice makes one object through common.submissions.create_once in the view;
an edit carries the meeting's version and common.versions refuses a stale one.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import Contact
from common.versions import version_claim
from meetings.models import ActionItem, Decision, Meeting
from projects import services as project_services
from projects.models import ImplementationProject, Task

EDITABLE_FIELDS = ("kind", "title", "starts_at", "duration_minutes", "agenda", "minutes")


def _check_attendees(project: ImplementationProject, contacts: Iterable[Contact]) -> list[Contact]:
    contacts = list(contacts)
    if any(contact.client_id != project.client_id for contact in contacts):
        raise ValidationError({"attendee_contacts": "Choose contacts of this project's client."})
    return contacts


@transaction.atomic
def meeting_create(
    *,
    project: ImplementationProject,
    user: User,
    kind: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    attendee_users: Iterable[User] = (),
    attendee_contacts: Iterable[Contact] = (),
    agenda: str = "",
    minutes: str = "",
) -> Meeting:
    """Record a meeting of the project, with who attended."""
    contacts = _check_attendees(project, attendee_contacts)
    meeting = Meeting(
        project=project,
        kind=Meeting.Kind(kind),
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        agenda=agenda,
        minutes=minutes,
        created_by=user,
        updated_by=user,
    )
    meeting.full_clean()
    meeting.save()
    meeting.attendee_users.set(list(attendee_users))
    meeting.attendee_contacts.set(contacts)
    project_services.project_touch(project=project)
    return meeting


def _differences(
    stored: Meeting, values: dict, users: list[User], contacts: list[Contact]
) -> list[str]:
    """The names of what the stored meeting holds otherwise than this save asks for."""
    differ = [
        str(Meeting._meta.get_field(name).verbose_name).capitalize()
        for name, value in values.items()
        if getattr(stored, name) != value
    ]
    if set(stored.attendee_users.values_list("pk", flat=True)) != {u.pk for u in users}:
        differ.append("Attendees (team)")
    if set(stored.attendee_contacts.values_list("pk", flat=True)) != {c.pk for c in contacts}:
        differ.append("Attendees (client)")
    return differ


def _who_changed(values: dict, users: list[User], contacts: list[Contact]) -> Callable:
    """Describe a stale save: who saved the meeting last, when, and where it differs."""

    def describe(stored: Meeting, version: int) -> str:
        editor = stored.updated_by
        who = (editor.get_full_name() or editor.username) if editor else "Someone"
        when = date_format(timezone.localtime(stored.updated_at), "j M Y, H:i")
        differ = _differences(stored, values, users, contacts)
        return (
            f"{who} changed this meeting on {when}, after you opened it; "
            f"theirs and yours differ in: {', '.join(differ)}."
        )

    return describe


@transaction.atomic
def meeting_update(
    *,
    meeting: Meeting,
    user: User,
    version: int,
    kind: str,
    title: str,
    starts_at: datetime,
    duration_minutes: int,
    attendee_users: Iterable[User],
    attendee_contacts: Iterable[Contact],
    agenda: str,
    minutes: str,
) -> Meeting:
    """Save an edit opened at `version`; refuse it if someone saved the meeting meanwhile."""
    contacts = _check_attendees(meeting.project, attendee_contacts)
    users = list(attendee_users)
    values = {
        "kind": Meeting.Kind(kind),
        "title": title.strip(),
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "agenda": agenda,
        "minutes": minutes,
    }
    stored = Meeting.objects.select_for_update(no_key=True).get(pk=meeting.pk)
    if stored.version != version and not _differences(stored, values, users, contacts):
        # The same save sent twice (a double click): what it asks for is already there.
        return stored
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.updated_by, meeting.updated_at = user, timezone.now()
    meeting.full_clean(exclude=["version"], validate_unique=False)
    version_claim(meeting, version=version, describe=_who_changed(values, users, contacts))
    meeting.save(update_fields=[*EDITABLE_FIELDS, "version", "updated_by", "updated_at"])
    meeting.attendee_users.set(users)
    meeting.attendee_contacts.set(contacts)
    project_services.project_touch(project=meeting.project)
    return meeting


def _create_task(
    *,
    project: ImplementationProject,
    user: User,
    title: str,
    description: str,
    owner_user: User | None,
    owner_contact: Contact | None,
    due_date: date,
) -> Task:
    """The one call into projects' task service (its signature is moving to typed keywords)."""
    return project_services.task_save(
        project=project,
        user=user,
        task=None,
        data={
            "title": title,
            "description": description,
            "owner_user": owner_user,
            "owner_contact": owner_contact,
            "due_date": due_date,
        },
    )


@transaction.atomic
def action_item_create(
    *,
    meeting: Meeting,
    user: User,
    title: str,
    due_date: date,
    owner_user: User | None = None,
    owner_contact: Contact | None = None,
    notes: str = "",
) -> ActionItem:
    """An action item from the meeting becomes a task of its project, linked to the meeting."""
    if (owner_user is None) == (owner_contact is None):
        raise ValidationError(
            {"owner_user": "Give the action item one owner: a team member or a client contact."}
        )
    if not title.strip():
        raise ValidationError({"title": "Say what needs doing."})
    when = date_format(timezone.localtime(meeting.starts_at), "j M Y")
    origin = f"Action item from the meeting “{meeting.title}” on {when}."
    description = f"{origin}\n\n{notes.strip()}" if notes.strip() else origin
    task = _create_task(
        project=meeting.project,
        user=user,
        title=title.strip(),
        description=description,
        owner_user=owner_user,
        owner_contact=owner_contact,
        due_date=due_date,
    )
    return ActionItem.objects.create(meeting=meeting, task=task, created_by=user)


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    user: User,
    text: str,
    decided_on: date,
    decided_by: str,
) -> Decision:
    """Record a decision taken in the meeting."""
    decision = Decision(
        meeting=meeting,
        text=text.strip(),
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        recorded_by=user,
    )
    decision.full_clean()
    decision.save()
    project_services.project_touch(project=meeting.project)
    return decision
