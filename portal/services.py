"""Every write of the client portal: links, sessions, access, tasks, files, sign-offs, surveys."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import PurePath

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from acceptance.services import sign_off_uat_as_contact
from clients.models import Contact
from outbox.services import Message, emails_queue_bulk
from outbox.text import one_line
from portal import notifications
from portal.models import (
    PortalAccess,
    PortalActivity,
    PortalLink,
    PortalSession,
    SignOffRequest,
    Survey,
    TaskUpload,
)
from portal.signals import survey_answered
from projects import services as project_services
from projects.models import ImplementationProject, Milestone, Task

EMAIL_KIND = "portal"


class LinkRefused(Exception):
    """A link that signs nobody in: unknown, tampered, used, expired or revoked."""


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("portal:link", args=[token])


def _check_contact(contact: Contact, project: ImplementationProject) -> None:
    if contact.client_id != project.client_id:
        raise ValidationError({"contact": "Choose a contact of this project's client."})
    if not contact.email:
        raise ValidationError({"contact": f"{contact.name} has no email address."})


# Access


def portal_access_ensure(
    *, contact: Contact, project: ImplementationProject, user: User | None
) -> PortalAccess:
    """The contact's access to the project, granted if they never had it; an access the PM
    revoked stays revoked (what the app sends on its own, a survey, never gives it back)."""
    _check_contact(contact, project)
    access, _ = PortalAccess.objects.get_or_create(
        contact=contact, project=project, defaults={"granted_by": user}
    )
    return access


def portal_access_grant(
    *, contact: Contact, project: ImplementationProject, user: User | None
) -> PortalAccess:
    """Let the contact see the project in the portal (again, if it was revoked)."""
    access = portal_access_ensure(contact=contact, project=project, user=user)
    if access.revoked_at is not None:
        access.revoked_at = None
        access.revoked_by = None
        access.granted_by = user
        access.granted_at = timezone.now()
        access.save(update_fields=["revoked_at", "revoked_by", "granted_by", "granted_at"])
    return access


@transaction.atomic
def portal_access_revoke(*, contact: Contact, project: ImplementationProject, user: User) -> int:
    """End the contact's access to the project, their unused links to it and their sessions.

    Every session ends, not only this project's: the contact signs in again with a new link
    to whatever they may still see. Returns how many accesses were revoked (0 or 1).
    """
    now = timezone.now()
    revoked = PortalAccess.objects.filter(
        contact=contact, project=project, revoked_at__isnull=True
    ).update(revoked_at=now, revoked_by=user)
    PortalLink.objects.filter(
        contact=contact, project=project, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=now)
    PortalSession.objects.filter(contact=contact, ended_at__isnull=True).update(ended_at=now)
    return revoked


# Links


def portal_link_create(
    *,
    contact: Contact,
    project: ImplementationProject,
    user: User | None,
    purpose: str = PortalLink.Purpose.SIGN_IN,
    target_id: int | None = None,
    now: datetime | None = None,
) -> tuple[PortalLink, str]:
    """A new link for the contact, and its token: the only time the token exists in clear."""
    now = now or timezone.now()
    token = secrets.token_urlsafe(32)
    link = PortalLink.objects.create(
        contact=contact,
        project=project,
        purpose=purpose,
        target_id=target_id,
        token_hash=token_hash(token),
        created_by=user,
        created_at=now,
        expires_at=now + timedelta(hours=settings.GOLIVE_PORTAL["LINK_HOURS"]),
    )
    return link, token


LINK_TEXT = {
    PortalLink.Purpose.SIGN_IN: (
        "Your sign-in link to {project}",
        "{sender} invites you to follow {project} in the client portal: the plan, what is "
        "expected of you, and your documents.",
        "Open the client portal",
    ),
    PortalLink.Purpose.SIGN_OFF: (
        "Sign-off requested: {milestone} ({project})",
        "{sender} asks you to sign off the milestone “{milestone}” of {project}.",
        "Review and sign off",
    ),
    PortalLink.Purpose.UAT_SIGN_OFF: (
        "UAT sign-off requested: {project}",
        "{sender} asks you to sign off the user acceptance testing of {project}: your "
        "confirmation that the system works as your organisation needs.",
        "Review and sign off",
    ),
    PortalLink.Purpose.SURVEY: (
        "How did we do? {project}",
        "{project} has reached an important step. Two questions and a comment of yours would "
        "help the team: it takes a minute.",
        "Answer the survey",
    ),
}


def _link_email(
    link: PortalLink, token: str, *, sender: str, milestone: str = "", reminder: bool = False
) -> Message:
    purpose = PortalLink.Purpose(link.purpose)
    subject, intro, label = LINK_TEXT[purpose]
    names = {
        "project": one_line(link.project.name),
        "milestone": one_line(milestone),
        "sender": one_line(sender) or "The implementation team",
    }
    hours = settings.GOLIVE_PORTAL["LINK_HOURS"]
    return Message(
        kind=EMAIL_KIND,
        to=link.contact.email,
        subject=("Reminder: " if reminder else "") + subject.format(**names),
        template="portal/email/link",
        context={
            "recipient_name": link.contact.name,
            "intro": intro.format(**names),
            "action_url": link_url(token),
            "action_label": label,
            "hours": hours,
        },
        dedup_key=f"portal-link:{link.pk}",
        about=link,
    )


def _sender(user: User | None) -> str:
    return (user.get_full_name() or user.username) if user else ""


@transaction.atomic
def portal_invite_send(
    *, contact: Contact, project: ImplementationProject, user: User
) -> PortalLink:
    """Give the contact access to the project and email them a personal sign-in link."""
    portal_access_grant(contact=contact, project=project, user=user)
    link, token = portal_link_create(contact=contact, project=project, user=user)
    emails_queue_bulk(messages=[_link_email(link, token, sender=_sender(user))])
    return link


def portal_link_find(token: str, *, now: datetime | None = None) -> PortalLink:
    """The link a token opens, or LinkRefused: whatever is wrong, the same answer."""
    now = now or timezone.now()
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        raise LinkRefused
    link = (
        PortalLink.objects.filter(token_hash=token_hash(token))
        .select_related("contact__client", "project")
        .first()
    )
    if (
        link is None
        or link.used_at is not None
        or link.revoked_at is not None
        or link.expires_at <= now
        or link.contact.client_id != link.project.client_id
        or not PortalAccess.objects.active()
        .filter(contact_id=link.contact_id, project_id=link.project_id)
        .exists()
    ):
        raise LinkRefused
    return link


@transaction.atomic
def portal_link_redeem(token: str, *, now: datetime | None = None) -> PortalSession:
    """Use the link once: of two browsers opening it at once, one gets a session."""
    now = now or timezone.now()
    link = portal_link_find(token, now=now)
    used = PortalLink.objects.filter(
        pk=link.pk, used_at__isnull=True, revoked_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if not used:
        raise LinkRefused
    return PortalSession.objects.create(contact=link.contact, link=link, started_at=now)


def portal_session_end(*, session_id: int) -> None:
    PortalSession.objects.filter(pk=session_id, ended_at__isnull=True).update(
        ended_at=timezone.now()
    )


# Tasks and files


def _check_own_task(task: Task, contact: Contact) -> None:
    if task.owner_contact_id != contact.pk or not task.visible_to_client:
        raise ValidationError("Only the contact a task is assigned to can do this.")


@transaction.atomic
def portal_task_complete(*, task: Task, contact: Contact) -> Task:
    """The contact marks their own task done; the team hears of it once."""
    _check_own_task(task, contact)
    if task.status == Task.Status.DONE:
        return task
    project_services.task_set_status(task=task, user=None, status=Task.Status.DONE)
    PortalActivity.objects.create(
        project_id=task.project_id, task=task, contact=contact, kind=PortalActivity.Kind.DONE
    )
    notifications.team_told(
        project=task.project,
        subject=f"{contact.name} finished a task: {task.title}",
        text=f"{contact.name} ({task.project.client.name}) marked “{task.title}” done.",
        task=task,
        dedup_key=f"portal-task-done:{task.pk}:{int(task.completed_at.timestamp())}",
    )
    return task


@dataclass(frozen=True)
class UploadLimits:
    max_bytes: int
    extensions: frozenset[str]

    @classmethod
    def from_settings(cls) -> "UploadLimits":
        config = settings.GOLIVE_PORTAL
        return cls(
            max_bytes=config["UPLOAD_MAX_MB"] * 1024 * 1024,
            extensions=frozenset(e.lower().lstrip(".") for e in config["UPLOAD_EXTENSIONS"]),
        )

    def describe(self) -> str:
        return (
            f"Up to {self.max_bytes // (1024 * 1024)} MB; "
            + ", ".join(sorted(self.extensions)).upper()
            + "."
        )


def upload_check(uploaded: UploadedFile, limits: UploadLimits | None = None) -> str:
    """The file's extension if the limits allow it; a ValidationError says why not."""
    limits = limits or UploadLimits.from_settings()
    name = PurePath(uploaded.name or "").name
    extension = PurePath(name).suffix.lower().lstrip(".")
    if not name or extension not in limits.extensions:
        raise ValidationError(
            {"file": f"Files of this type cannot be uploaded. Allowed: {limits.describe()}"}
        )
    if uploaded.size == 0:
        raise ValidationError({"file": "The file is empty."})
    if uploaded.size > limits.max_bytes:
        raise ValidationError({"file": f"The file is too large. {limits.describe()}"})
    return extension


@transaction.atomic
def portal_upload_add(*, task: Task, contact: Contact, uploaded: UploadedFile) -> TaskUpload:
    """Store a file the contact sends for their task and tell the team."""
    _check_own_task(task, contact)
    upload_check(uploaded)
    upload = TaskUpload(
        task=task,
        token=secrets.token_hex(16),
        original_name=one_line(PurePath(uploaded.name).name, limit=255),
        size=uploaded.size,
        content_type=one_line(uploaded.content_type or "", limit=100),
        uploaded_by=contact,
    )
    # Stored through the default storage; a failed row removes the file again.
    upload.file.save(uploaded.name, uploaded, save=False)
    try:
        upload.save()
    except Exception:
        upload.file.delete(save=False)
        raise
    PortalActivity.objects.create(
        project_id=task.project_id, task=task, contact=contact, kind=PortalActivity.Kind.UPLOAD
    )
    notifications.team_told(
        project=task.project,
        subject=f"{contact.name} uploaded a file for: {task.title}",
        text=f"{contact.name} ({task.project.client.name}) uploaded “{upload.original_name}” "
        f"for the task “{task.title}”.",
        task=task,
        dedup_key=f"portal-upload:{upload.pk}",
    )
    return upload


# Milestone sign-off


@transaction.atomic
def signoff_request(*, milestone: Milestone, contact: Contact, user: User) -> SignOffRequest:
    """Ask a contact to sign off a completed, client-visible milestone, by email with a link."""
    project = milestone.project
    _check_contact(contact, project)
    if milestone.completed_on is None:
        raise ValidationError({"milestone": "Complete the milestone before asking for sign-off."})
    if milestone.signed_off_at is not None:
        raise ValidationError({"milestone": "This milestone is signed off already."})
    if not milestone.visible_to_client:
        raise ValidationError(
            {"milestone": "Make the milestone client-visible before asking for its sign-off."}
        )
    try:
        with transaction.atomic():
            request = SignOffRequest.objects.create(
                milestone=milestone, project=project, contact=contact, requested_by=user
            )
    except IntegrityError:
        raise ValidationError(
            {"contact": f"{contact.name} has been asked already and has not answered yet."}
        ) from None
    portal_access_grant(contact=contact, project=project, user=user)
    link, token = portal_link_create(
        contact=contact,
        project=project,
        user=user,
        purpose=PortalLink.Purpose.SIGN_OFF,
        target_id=request.pk,
    )
    emails_queue_bulk(
        messages=[_link_email(link, token, sender=_sender(user), milestone=milestone.name)]
    )
    return request


@transaction.atomic
def signoff_confirm(*, request: SignOffRequest, contact: Contact) -> Milestone:
    """The contact signs the milestone off: it records who and when; the PM is told."""
    if request.contact_id != contact.pk:
        raise ValidationError("This sign-off was asked of someone else.")
    milestone = (
        Milestone.objects.select_for_update(of=("self",))
        .select_related("project__client")
        .get(pk=request.milestone_id)
    )
    if request.signed_at is not None or milestone.signed_off_at is not None:
        raise ValidationError("This milestone is signed off already.")
    project_services.milestone_sign_off(milestone=milestone, user=None, contact=contact)
    SignOffRequest.objects.filter(milestone=milestone, signed_at__isnull=True).update(
        signed_at=milestone.signed_off_at
    )
    notifications.pm_told(
        project=milestone.project,
        subject=f"{contact.name} signed off: {milestone.name}",
        text=f"{contact.name} ({milestone.project.client.name}) signed off the milestone "
        f"“{milestone.name}”.",
        dedup_key=f"portal-signoff:{milestone.pk}:{int(milestone.signed_off_at.timestamp())}",
    )
    return milestone


# UAT sign-off


def uat_signoff_request(
    *, project: ImplementationProject, contact: Contact, user: User
) -> SignOffRequest:
    """Ask a contact to sign off the project's UAT in the portal, by email with a link."""
    _check_contact(contact, project)
    refusal = project_services.uat_signoff_refusal(project, with_testing=False)
    if refusal:
        raise ValidationError(refusal)
    try:
        with transaction.atomic():
            request = SignOffRequest.objects.create(
                project=project, contact=contact, requested_by=user
            )
    except IntegrityError:
        raise ValidationError(
            {"contact": f"{contact.name} has been asked already and has not answered yet."}
        ) from None
    portal_access_grant(contact=contact, project=project, user=user)
    link, token = portal_link_create(
        contact=contact,
        project=project,
        user=user,
        purpose=PortalLink.Purpose.UAT_SIGN_OFF,
        target_id=project.pk,
    )
    emails_queue_bulk(messages=[_link_email(link, token, sender=_sender(user))])
    return request


@transaction.atomic
def uat_signoff_confirm(*, request: SignOffRequest, contact: Contact) -> ImplementationProject:
    """The contact signs UAT off (refused with the reason while testing has critical work
    open); every open UAT request of the project is answered by it; the PM is told."""
    if request.contact_id != contact.pk or not request.is_uat:
        raise ValidationError("This sign-off was asked of someone else.")
    project = ImplementationProject.objects.select_related("client").get(pk=request.project_id)
    sign_off_uat_as_contact(project, contact)
    project.refresh_from_db(fields=["uat_signed_off_at"])
    SignOffRequest.objects.filter(
        project=project, milestone__isnull=True, signed_at__isnull=True
    ).update(signed_at=project.uat_signed_off_at)
    notifications.pm_told(
        project=project,
        subject=f"{contact.name} signed off UAT: {project.name}",
        text=f"{contact.name} ({project.client.name}) signed off the user acceptance testing "
        f"of {project.name}.",
        dedup_key=f"portal-uat-signoff:{project.pk}:{int(project.uat_signed_off_at.timestamp())}",
    )
    return project


# Satisfaction survey


def survey_contact(project: ImplementationProject) -> Contact | None:
    """Whom a project's survey goes to: its client's primary contact (else the first)."""
    return (
        Contact.objects.filter(client_id=project.client_id)
        .exclude(email="")
        .order_by("-is_primary", "pk")
        .first()
    )


@transaction.atomic
def send_survey(
    project: ImplementationProject, contact: Contact, reason: str, *, user: User | None = None
) -> Survey | None:
    """Send the contact the project's survey for this occasion, once: None if there is one.

    A contact who never had portal access is given it for the survey. One whose access the PM
    revoked gets nothing: the survey is recorded as withheld, unsent, for the PM to see.
    """
    reason = Survey.Reason(reason)
    access = portal_access_ensure(contact=contact, project=project, user=user)
    now = timezone.now()
    withheld = not access.is_active
    try:
        with transaction.atomic():
            survey = Survey.objects.create(
                project=project,
                contact=contact,
                reason=reason,
                sent_at=None if withheld else now,
                withheld_at=now if withheld else None,
            )
    except IntegrityError:
        return None
    if not withheld:
        _survey_email(survey, user=user)
    return survey


def _survey_email(survey: Survey, *, user: User | None, reminder: bool = False) -> None:
    link, token = portal_link_create(
        contact=survey.contact,
        project=survey.project,
        user=user,
        purpose=PortalLink.Purpose.SURVEY,
        target_id=survey.pk,
    )
    emails_queue_bulk(messages=[_link_email(link, token, sender=_sender(user), reminder=reminder)])


@transaction.atomic
def survey_answer(*, survey: Survey, contact: Contact, csat: int, nps: int, comment: str) -> bool:
    """Record the contact's answer; False when the survey had been answered already."""
    if survey.contact_id != contact.pk:
        raise ValidationError("This survey was sent to someone else.")
    if not 1 <= csat <= 5 or not 0 <= nps <= 10:
        raise ValidationError("Choose a satisfaction from 1 to 5 and a score from 0 to 10.")
    now = timezone.now()
    answered = Survey.objects.filter(pk=survey.pk, answered_at__isnull=True).update(
        answered_at=now, csat=csat, nps=nps, comment=comment
    )
    if answered:
        survey.answered_at, survey.csat, survey.nps, survey.comment = now, csat, nps, comment
        survey_answered.send(sender=Survey, survey=survey)
    return bool(answered)


def survey_reminders_send(*, now: datetime | None = None) -> int:
    """Remind, once, each contact whose survey is unanswered after SURVEY_REMINDER_DAYS.

    A contact whose portal access the PM revoked since is not reminded: the survey is marked
    withheld, which the PM sees, and their access stays revoked.
    """
    now = now or timezone.now()
    due_before = now - timedelta(days=settings.GOLIVE_PORTAL["SURVEY_REMINDER_DAYS"])
    due = Survey.objects.filter(
        answered_at__isnull=True,
        reminded_at__isnull=True,
        withheld_at__isnull=True,
        sent_at__lte=due_before,
    )
    revoked = Exists(
        PortalAccess.objects.filter(
            contact_id=OuterRef("contact_id"),
            project_id=OuterRef("project_id"),
            revoked_at__isnull=False,
        )
    )
    due.filter(revoked).update(withheld_at=now)
    sent = 0
    for survey_id in list(due.values_list("pk", flat=True)[:1000]):
        with transaction.atomic():
            claimed = due.filter(pk=survey_id).exclude(revoked).update(reminded_at=now)
            if not claimed:
                continue
            survey = Survey.objects.select_related("project", "contact").get(pk=survey_id)
            if not survey.contact.email:
                continue
            # The reminder carries a fresh link: the first one has likely expired by now. Its
            # link opens nothing should the PM revoke the contact's access meanwhile.
            portal_access_ensure(contact=survey.contact, project=survey.project, user=None)
            _survey_email(survey, user=None, reminder=True)
            sent += 1
    return sent


def portal_activity_seen(*, task: Task, user: User) -> int:
    """A team member opened the task: what its contact did there no longer waits on anyone."""
    return PortalActivity.objects.filter(task=task, seen_at__isnull=True).update(
        seen_at=timezone.now(), seen_by=user
    )
