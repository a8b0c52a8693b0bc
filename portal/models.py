"""The client portal: who of a client's contacts may enter, how, and what they do there.

A contact never has a password. A PM grants a contact access to a project (PortalAccess) and
sends a personal link (PortalLink): a random token of which only the hash is stored, valid
until it expires, once. Opening it starts a PortalSession; revoking access ends them all.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from clients.models import Contact
from projects.models import ImplementationProject, Milestone, Task

User = settings.AUTH_USER_MODEL


class PortalAccessQuerySet(models.QuerySet):
    def active(self) -> "PortalAccessQuerySet":
        return self.filter(revoked_at__isnull=True)


class PortalAccess(models.Model):
    """A contact may see one project of their client in the portal, until revoked."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="portal_accesses")
    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="portal_accesses"
    )
    granted_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PortalAccessQuerySet.as_manager()

    class Meta:
        verbose_name = "portal access"
        verbose_name_plural = "portal accesses"
        ordering = ["contact__name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["contact", "project"], name="unique_portal_access")
        ]

    def __str__(self) -> str:
        return f"{self.contact} on {self.project}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PortalLink(models.Model):
    """A personal, single-use, expiring sign-in link; the token itself is never stored."""

    class Purpose(models.TextChoices):
        SIGN_IN = "sign_in", "Sign in"
        SIGN_OFF = "sign_off", "Milestone sign-off"
        UAT_SIGN_OFF = "uat_sign_off", "UAT sign-off"
        SURVEY = "survey", "Satisfaction survey"

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="portal_links")
    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="portal_links"
    )
    purpose = models.CharField(max_length=20, choices=Purpose.choices, default=Purpose.SIGN_IN)
    # Where the link leads once opened (a sign-off request or a survey), for its purpose.
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["contact", "used_at"])]

    def __str__(self) -> str:
        return f"{self.get_purpose_display()} link for {self.contact}"


class PortalSession(models.Model):
    """A contact's time in the portal, begun by opening a link; ended by revocation or age."""

    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="portal_sessions")
    link = models.OneToOneField(
        PortalLink, null=True, blank=True, on_delete=models.SET_NULL, related_name="session"
    )
    started_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["contact", "ended_at"])]

    def __str__(self) -> str:
        return f"Portal session of {self.contact} from {self.started_at:%Y-%m-%d %H:%M}"


def upload_path(instance: "TaskUpload", filename: str) -> str:
    # The stored name never holds what the client typed: the original is kept in a column.
    return f"portal/tasks/{instance.task_id}/{timezone.now():%Y%m%d%H%M%S}-{instance.token}"


class TaskUpload(models.Model):
    """A file a client contact sent for a task, stored through Django's storage API."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="portal_uploads")
    file = models.FileField(upload_to=upload_path, max_length=300)
    token = models.CharField(max_length=32, editable=False)
    original_name = models.CharField(max_length=255)
    size = models.PositiveBigIntegerField()
    content_type = models.CharField(max_length=100, blank=True)
    uploaded_by = models.ForeignKey(
        Contact, null=True, on_delete=models.SET_NULL, related_name="portal_uploads"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        indexes = [models.Index(fields=["task", "-uploaded_at"])]

    def __str__(self) -> str:
        return self.original_name


class SignOffRequest(models.Model):
    """A PM asks a contact to sign a milestone off, or (with no milestone) the project's UAT;
    the contact confirms in the portal."""

    milestone = models.ForeignKey(
        Milestone,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signoff_requests",
    )
    # Set on UAT requests (and on milestone requests made since UAT ones exist).
    project = models.ForeignKey(
        ImplementationProject,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="signoff_requests",
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="signoff_requests")
    requested_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            # One open request per milestone and contact: a second click sends nothing new.
            models.UniqueConstraint(
                fields=["milestone", "contact"],
                condition=Q(signed_at__isnull=True),
                name="one_open_signoff_request",
            ),
            models.UniqueConstraint(
                fields=["project", "contact"],
                condition=Q(signed_at__isnull=True, milestone__isnull=True),
                name="one_open_uat_signoff_request",
            ),
            models.CheckConstraint(
                condition=Q(milestone__isnull=False) | Q(project__isnull=False),
                name="signoff_request_of_something",
            ),
        ]

    def __str__(self) -> str:
        what = self.milestone if self.milestone_id else "UAT"
        return f"Sign-off of {what} by {self.contact}"

    @property
    def is_uat(self) -> bool:
        return self.milestone_id is None


class Survey(models.Model):
    """A satisfaction survey sent to a contact about a project; answered once."""

    class Reason(models.TextChoices):
        GO_LIVE = "go_live", "Go-live"
        HYPERCARE_EXIT = "hypercare_exit", "End of hypercare"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="surveys"
    )
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="surveys")
    reason = models.CharField(max_length=20, choices=Reason.choices)
    # Empty when the survey was never sent (withheld, below).
    sent_at = models.DateTimeField(null=True, blank=True, default=timezone.now)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # When the survey, or its reminder, was held back because the PM had revoked the contact's
    # portal access: a survey never gives the project back, and the PM sees why none went.
    withheld_at = models.DateTimeField(null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    csat = models.PositiveSmallIntegerField(
        "satisfaction (1–5)",
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    nps = models.PositiveSmallIntegerField(
        "likely to recommend (0–10)",
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(10)],
    )
    comment = models.TextField(blank=True)

    class Meta:
        ordering = [F("sent_at").desc(nulls_last=True), "-pk"]
        constraints = [
            # What makes send_survey idempotent: one survey per project, contact and occasion.
            models.UniqueConstraint(
                fields=["project", "contact", "reason"], name="one_survey_per_occasion"
            )
        ]
        indexes = [models.Index(fields=["answered_at", "reminded_at", "sent_at"])]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} survey of {self.project} for {self.contact}"

    @property
    def is_answered(self) -> bool:
        return self.answered_at is not None


class PortalActivity(models.Model):
    """Something a contact did in the portal that the team should see: a task marked done or a
    file sent. It waits on the team's home pages until a team member opens the task."""

    class Kind(models.TextChoices):
        DONE = "done", "Task done by the client"
        UPLOAD = "upload", "File sent by the client"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="portal_activities"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="portal_activities")
    contact = models.ForeignKey(Contact, null=True, on_delete=models.SET_NULL, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(null=True, blank=True)
    seen_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name_plural = "portal activities"
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["project", "seen_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.task}"
