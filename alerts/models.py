"""Escalation alerts: a condition the sweep found on a project, and who was told about it."""

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.urls import reverse

from clients import roles
from outbox.models import OutgoingEmail
from projects.models import ImplementationProject, Issue, Milestone, Risk, Task

User = settings.AUTH_USER_MODEL


class AlertQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AlertQuerySet":
        """Alerts belong to projects, which every implementation-side role may read."""
        if roles.is_staff_reader(user):
            return self
        return self.none()

    def live(self) -> "AlertQuerySet":
        """Alerts whose condition still holds, whatever people did about them."""
        return self.filter(cleared_at__isnull=True)

    def unresolved(self) -> "AlertQuerySet":
        """Open or acknowledged: still someone's business."""
        return self.filter(status__in=[Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED])

    def on_projects_of(self, user) -> "AlertQuerySet":
        """On projects the user manages or is on the team of."""
        return self.filter(
            project__in=ImplementationProject.objects.managed_or_joined_by(user).values("pk")
        )

    def concerning(self, user) -> "AlertQuerySet":
        """The alerts page's "Mine", which the navigation counts: told to the user, owned by
        them, on projects they manage, and for implementation managers everything that reached
        their rung."""
        parts = [
            _owned_by(user),
            _notified(user),
            Alert.objects.filter(project__pm=user).values("pk").order_by(),
        ]
        if roles.is_manager(user):
            parts.append(Alert.objects.filter(level=Alert.Level.MANAGER).values("pk").order_by())
        return self.filter(pk__in=_union(*parts))

    def with_related(self) -> "AlertQuerySet":
        return self.select_related(
            "project", "project__client", "owner", "task", "milestone", "risk", "issue"
        )

    def with_can_act(self, user) -> "AlertQuerySet":
        """Annotate `can_act`: the rule of alerts.access.can_act_on_alert, in the same query."""
        editable = ImplementationProject.objects.editable_by(user).filter(pk=OuterRef("project_id"))
        return self.annotate(
            can_act=ExpressionWrapper(
                Q(owner_id=user.pk) | Exists(editable), output_field=BooleanField()
            )
        )


# The ways an alert concerns a user, each an id set one index answers. Combined with UNION
# rather than OR: an OR across the alert, its project and its notifications makes the database
# read every alert, on every page (the navigation counts them).


def _owned_by(user) -> models.QuerySet:
    return Alert.objects.filter(owner=user).values("pk").order_by()


def _notified(user) -> models.QuerySet:
    return AlertNotification.objects.filter(recipient=user).values("alert_id").order_by()


def _union(first: models.QuerySet, *others: models.QuerySet) -> models.QuerySet:
    return first.union(*others)


class Alert(models.Model):
    """One escalation condition on one object, while it lasts; climbs a ladder until acted on."""

    class Kind(models.TextChoices):
        TASK_OVERDUE = "task_overdue", "Task overdue"
        MILESTONE_OVERDUE = "milestone_overdue", "Key milestone overdue"
        MILESTONE_SLIPPING = "milestone_slipping", "Key milestone slipping"
        RISK_UNMITIGATED = "risk_unmitigated", "High risk without mitigation"
        ISSUE_CRITICAL = "issue_critical", "Critical issue open too long"
        PROJECT_INACTIVE = "project_inactive", "No activity on project"

    class Level(models.IntegerChoices):
        OWNER = 0, "Owner"
        PM = 1, "Project manager"
        MANAGER = 2, "Implementation manager"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACKNOWLEDGED = "acknowledged", "Acknowledged"
        RESOLVED = "resolved", "Resolved"
        CLEARED = "cleared", "Cleared"

    kind = models.CharField(max_length=30, choices=Kind.choices)
    # "<object type>:<pk>", e.g. "task:12": names the condition while it lasts. Each object has
    # one condition at most (a late milestone is one, overdue or slipping), so the kind may
    # change while the alert lasts.
    object_key = models.CharField(max_length=60)
    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="alerts"
    )
    # The object the alert is about (none for a project-wide condition). SET_NULL keeps the
    # alert's history when the object is deleted; the sweep then clears the alert.
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    issue = models.ForeignKey(
        Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="alerts"
    )
    subject = models.CharField(max_length=200, help_text="The object's name when last seen.")
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_alerts"
    )
    level = models.PositiveSmallIntegerField(choices=Level.choices, default=Level.OWNER)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    detail = models.TextField()
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField()
    next_escalation_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution_note = models.TextField(blank=True)
    cleared_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["-first_seen_at", "-pk"]
        constraints = [
            # Two sweeps running at once cannot both open an alert for the same condition.
            models.UniqueConstraint(
                fields=["object_key"],
                condition=Q(cleared_at__isnull=True),
                name="alerts_one_live_alert_per_object",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-first_seen_at"], name="alerts_status_seen"),
            # The alerts list, newest first, of what is still someone's business (unresolved()).
            models.Index(
                fields=["-first_seen_at", "-id"],
                name="alerts_unresolved_newest",
                condition=Q(status__in=["open", "acknowledged"]),
            ),
            # The portfolio's open escalations by level, counted from the index alone.
            models.Index(
                fields=["level", "project"],
                name="alerts_live_unresolved_level",
                condition=Q(cleared_at__isnull=True, status__in=["open", "acknowledged"]),
            ),
            models.Index(fields=["kind", "status"], name="alerts_kind_status"),
            models.Index(fields=["level", "status"], name="alerts_level_status"),
            models.Index(fields=["project", "status"], name="alerts_project_status"),
            models.Index(fields=["owner", "status"], name="alerts_owner_status"),
            models.Index(
                fields=["next_escalation_at"],
                name="alerts_due_escalation",
                condition=Q(status="open"),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("alerts:detail", args=[self.pk])

    @property
    def about(self):
        """The task, milestone, risk or issue the alert is about, if it still exists."""
        return self.task or self.milestone or self.risk or self.issue

    @property
    def about_label(self) -> str:
        about = self.about
        return str(about._meta.verbose_name).capitalize() if about else ""

    @property
    def is_unresolved(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.ACKNOWLEDGED)


class AlertNotification(models.Model):
    """One person told about an alert at one rung of the ladder, and the email that told them."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    level = models.PositiveSmallIntegerField(choices=Alert.Level.choices)
    recipient = models.ForeignKey(User, on_delete=models.CASCADE, related_name="alert_notices")
    email = models.ForeignKey(
        OutgoingEmail, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "level", "recipient"], name="alerts_notify_once_per_rung"
            ),
        ]
        indexes = [models.Index(fields=["recipient", "alert"], name="alerts_notice_recipient")]

    def __str__(self) -> str:
        return f"{self.recipient} told at {self.get_level_display()} level"
