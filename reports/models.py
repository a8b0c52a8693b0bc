"""Status reports: each project's schedule and notes, and every report as it was sent."""

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact
from projects.models import Health, ImplementationProject

User = settings.AUTH_USER_MODEL


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Every week"
    BIWEEKLY = "biweekly", "Every two weeks"
    OFF = "off", "Off (no scheduled reports)"


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


def default_weekday() -> int:
    return settings.GOLIVE_STATUS_REPORTS["DEFAULT_WEEKDAY"]


class StatusReportSettings(models.Model):
    """A project's report schedule and the PM's notes for the next report.

    Created when someone first edits them; a project without a row reports weekly on the
    default weekday with no notes.
    """

    project = models.OneToOneField(
        ImplementationProject, on_delete=models.CASCADE, related_name="report_settings"
    )
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    weekday = models.PositiveSmallIntegerField(
        "day of the week", choices=Weekday.choices, default=default_weekday
    )
    next_notes = models.TextField(
        "notes for the next report",
        max_length=5000,
        blank=True,
        help_text="Shown in the next report, scheduled or sent now, then cleared.",
    )
    # The client contacts who receive the client version. Until the PM first chooses, the
    # client's contacts flagged for status reports do (client_recipients_chosen is False).
    client_recipients = models.ManyToManyField(
        Contact, blank=True, related_name="+", verbose_name="client contacts who receive reports"
    )
    client_recipients_chosen = models.BooleanField(default=False, editable=False)
    # Periods that began before the schedule last changed are not made up: moving the day from
    # Monday to Tuesday on a Wednesday must not send a second report that same week.
    schedule_changed_on = models.DateField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = "status report settings"
        verbose_name_plural = "status report settings"

    def __str__(self) -> str:
        return f"Status reports for {self.project}"


class StatusReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "StatusReportQuerySet":
        return self.filter(project__in=ImplementationProject.objects.visible_to(user))


class StatusReport(models.Model):
    """One status report, stored exactly as it was sent, with the data it was made from."""

    class Kind(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        MANUAL = "manual", "Sent by hand"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="status_reports"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    # "scheduled:<project>:<period start>" or "manual:<project>:<minute>": a second attempt at
    # the same report (another tick, a double click) fails on this key and sends nothing.
    key = models.CharField(max_length=80, unique=True)
    period_start = models.DateField()
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    health = models.CharField(max_length=10, choices=Health.choices, blank=True)
    subject = models.CharField(max_length=250, blank=True)
    snapshot = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    body_html = models.TextField(blank=True)
    body_text = models.TextField(blank=True)
    recipients = models.JSONField(default=list, blank=True)

    objects = StatusReportQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "period_start"],
                condition=Q(kind="scheduled"),
                name="one_scheduled_report_per_period",
            )
        ]
        indexes = [
            models.Index(fields=["project", "-created_at"]),
            models.Index(fields=["kind", "period_start"]),
        ]

    def __str__(self) -> str:
        return self.subject or f"Status report for {self.project_id}"

    def get_absolute_url(self) -> str:
        return reverse("reports:report_detail", args=[self.pk])


class Audience(models.TextChoices):
    INTERNAL = "internal", "Internal version"
    CLIENT = "client", "Client version"


class ReportDocument(models.Model):
    """One version of a report (internal or client) exactly as it went out.

    The email body went to that version's recipients; the document (the same content with the
    full timeline) is what the report page shows. Its PDF is made from that stored document by
    a job queued when the report is sent (or by the first download, should the job not have run
    yet) and stored: every download serves those bytes, so what someone downloads later is what
    went out, whatever changed since.
    """

    report = models.ForeignKey(StatusReport, on_delete=models.CASCADE, related_name="documents")
    audience = models.CharField(max_length=10, choices=Audience.choices)
    subject = models.CharField(max_length=250)
    snapshot = models.JSONField(default=dict, encoder=DjangoJSONEncoder)
    body_html = models.TextField()
    body_text = models.TextField()
    document_html = models.TextField()
    # Empty until reports.make_pdfs (or the first download) has made it from document_html.
    pdf = models.BinaryField(default=b"", blank=True)
    # The client's contacts this version was sent to (the client version only): each of them
    # downloads it in the client portal.
    contacts = models.ManyToManyField(Contact, blank=True, related_name="report_documents")

    class Meta:
        ordering = ["report", "audience"]
        constraints = [
            models.UniqueConstraint(fields=["report", "audience"], name="one_document_per_audience")
        ]

    def __str__(self) -> str:
        return f"{self.get_audience_display()} of {self.report}"
