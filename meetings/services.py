"""Every write on meetings: keyword-only, typed, validated; action items become tasks."""

import uuid
from collections.abc import Iterable
from datetime import date, datetime

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format

from clients.models import Contact
from meetings.models import ActionItem, Decision, Meeting
from projects import services as project_services
from projects.models import ImplementationProject, Task

EDITABLE_FIELDS = ("kind", "title", "starts_at", "duration_minutes", "agenda", "minutes")


class StaleMeetingEdit(ValidationError):
    """The meeting changed since the form was opened; nothing was saved."""


def _check_attendees(project: ImplementationProject, contacts: Iterable[Contact]) -> list[Contact]:
    contacts = list(contacts)
    if any(contact.client_id != project.client_id for contact in contacts):
        raise ValidationError({"attendee_contacts": "Choose contacts of this project's client."})
    return contacts


def _existing(model, submission_key: uuid.UUID | None, **scope):
    """What an earlier sending of the same form made, if it made anything."""
    if submission_key is None:
        return None
    found = model.objects.filter(submission_key=submission_key).first()
    if found is not None and any(getattr(found, f"{k}_id") != v.pk for k, v in scope.items()):
        raise ValidationError("This form was already used elsewhere; open it again.")
    return found


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
    submission_key: uuid.UUID | None = None,
) -> Meeting:
    """Record a meeting; the same form sent twice (same submission key) makes one."""
    existing = _existing(Meeting, submission_key, project=project)
    if existing is not None:
        return existing
    contacts = _check_attendees(project, attendee_contacts)
    meeting = Meeting(
        project=project,
        kind=Meeting.Kind(kind),
        title=title.strip(),
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        agenda=agenda,
        minutes=minutes,
        submission_key=submission_key,
        created_by=user,
        updated_by=user,
    )
    meeting.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        # The same form, sent again while the first was still being saved.
        existing = _existing(Meeting, submission_key, project=project)
        if existing is None:
            raise
        return existing
    meeting.attendee_users.set(list(attendee_users))
    meeting.attendee_contacts.set(contacts)
    project_services.project_touch(project=project)
    return meeting


def _changed_fields(meeting: Meeting, values: dict) -> list[str]:
    return [
        str(Meeting._meta.get_field(name).verbose_name).capitalize()
        for name, value in values.items()
        if getattr(meeting, name) != value
    ]


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
    values = {
        "kind": Meeting.Kind(kind),
        "title": title.strip(),
        "starts_at": starts_at,
        "duration_minutes": duration_minutes,
        "agenda": agenda,
        "minutes": minutes,
    }
    candidate = Meeting(pk=meeting.pk, project=meeting.project, **values)
    candidate.full_clean(exclude=["submission_key", "version"], validate_unique=False)
    now = timezone.now()
    updated = Meeting.objects.filter(pk=meeting.pk, version=version).update(
        **values, version=F("version") + 1, updated_by=user, updated_at=now
    )
    users = list(attendee_users)
    if not updated:
        current = Meeting.objects.select_related("updated_by").get(pk=meeting.pk)
        differ = _changed_fields(current, values)
        if set(current.attendee_users.values_list("pk", flat=True)) != {u.pk for u in users}:
            differ.append("Attendees (team)")
        if set(current.attendee_contacts.values_list("pk", flat=True)) != {c.pk for c in contacts}:
            differ.append("Attendees (client)")
        if not differ:
            # The same save sent twice (a double click): what it asks for is already there.
            return current
        editor = current.updated_by
        who = (editor.get_full_name() or editor.username) if editor else "Someone"
        when = date_format(timezone.localtime(current.updated_at), "j M Y, H:i")
        raise StaleMeetingEdit(
            f"{who} changed this meeting on {when}, after you opened it, so your changes were "
            f"not saved. Theirs and yours differ in: {', '.join(differ)}. Open the meeting "
            "again to see their version, then make your changes to it."
        )
    meeting.refresh_from_db()
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
    submission_key: uuid.UUID | None = None,
) -> ActionItem:
    """An action item from the meeting becomes a task of its project, linked to the meeting."""
    existing = _existing(ActionItem, submission_key, meeting=meeting)
    if existing is not None:
        return existing
    if (owner_user is None) == (owner_contact is None):
        raise ValidationError(
            {"owner_user": "Give the action item one owner: a team member or a client contact."}
        )
    if not title.strip():
        raise ValidationError({"title": "Say what needs doing."})
    when = date_format(timezone.localtime(meeting.starts_at), "j M Y")
    origin = f"Action item from the meeting “{meeting.title}” on {when}."
    description = f"{origin}\n\n{notes.strip()}" if notes.strip() else origin
    try:
        with transaction.atomic():
            task = _create_task(
                project=meeting.project,
                user=user,
                title=title.strip(),
                description=description,
                owner_user=owner_user,
                owner_contact=owner_contact,
                due_date=due_date,
            )
            return ActionItem.objects.create(
                meeting=meeting, task=task, submission_key=submission_key, created_by=user
            )
    except IntegrityError:
        existing = _existing(ActionItem, submission_key, meeting=meeting)
        if existing is None:
            raise
        return existing


@transaction.atomic
def decision_record(
    *,
    meeting: Meeting,
    user: User,
    text: str,
    decided_on: date,
    decided_by: str,
    submission_key: uuid.UUID | None = None,
) -> Decision:
    """Record a decision taken in the meeting; the same form sent twice records one."""
    existing = _existing(Decision, submission_key, meeting=meeting)
    if existing is not None:
        return existing
    decision = Decision(
        meeting=meeting,
        text=text.strip(),
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        submission_key=submission_key,
        recorded_by=user,
    )
    decision.full_clean(exclude=["submission_key"])
    try:
        with transaction.atomic():
            decision.save()
    except IntegrityError:
        existing = _existing(Decision, submission_key, meeting=meeting)
        if existing is None:
            raise
        return existing
    project_services.project_touch(project=meeting.project)
    return decision
