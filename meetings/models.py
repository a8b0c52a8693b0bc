"""Meetings of a project: who met, what was said, what was decided and who does what next."""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact
from projects.models import ImplementationProject, Task

User = settings.AUTH_USER_MODEL


class MeetingQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MeetingQuerySet":
        """Meetings of the projects the user may read; one rule, the projects' own."""
        return self.filter(project__in=ImplementationProject.objects.visible_to(user))

    def upcoming(self, now) -> "MeetingQuerySet":
        return self.filter(starts_at__gte=now).order_by("starts_at", "pk")


class Meeting(models.Model):
    """A meeting with the client or the team: agenda before, minutes after."""

    class Kind(models.TextChoices):
        KICKOFF = "kickoff", "Kick-off"
        WEEKLY_STATUS = "weekly_status", "Weekly status"
        GO_LIVE_READINESS = "go_live_readiness", "Go-live readiness"
        OTHER = "other", "Other"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="meetings"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.WEEKLY_STATUS)
    title = models.CharField(max_length=200)
    starts_at = models.DateTimeField("starts")
    duration_minutes = models.PositiveIntegerField(
        "duration (minutes)",
        default=60,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    attendee_users = models.ManyToManyField(
        User, verbose_name="attendees (team)", blank=True, related_name="meetings_attended"
    )
    attendee_contacts = models.ManyToManyField(
        Contact, verbose_name="attendees (client)", blank=True, related_name="meetings_attended"
    )
    agenda = models.TextField(blank=True)
    minutes = models.TextField(blank=True)
    # Each saved edit adds one; an edit opened at an older version is refused.
    version = models.PositiveIntegerField(default=1)
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    updated_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = MeetingQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["project", "starts_at"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("meetings:meeting_detail", args=[self.pk])

    @property
    def ends_at(self):
        return self.starts_at + timedelta(minutes=self.duration_minutes)


class Decision(models.Model):
    """A decision recorded in a meeting's minutes; the handoff report lists them."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="decisions")
    text = models.TextField("decision")
    decided_on = models.DateField()
    decided_by = models.CharField(
        "decided by", max_length=200, help_text="Who made it, e.g. the client's payroll lead."
    )
    recorded_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["meeting", "decided_on"])]

    def __str__(self) -> str:
        return self.text[:80]


class ActionItem(models.Model):
    """The link from a meeting to the task one of its action items became."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="action_items")
    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="meeting_action")
    created_by = models.ForeignKey(
        User, null=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"Action item {self.task_id} of meeting {self.meeting_id}"
