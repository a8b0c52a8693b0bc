"""The implementation project and everything inside it."""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from clients import roles
from clients.models import Client, Contact, Product, SalesHandoff

User = settings.AUTH_USER_MODEL


class Phase(models.TextChoices):
    SALES_HANDOFF = "sales_handoff", "Sales handoff"
    KICKOFF = "kickoff", "Kick-off"
    DISCOVERY = "discovery", "Discovery & planning"
    CONFIGURATION = "configuration", "Configuration"
    DATA_CONVERSION = "data_conversion", "Data conversion & integrations"
    TESTING = "testing", "Testing (ORT/UAT)"
    GO_LIVE = "go_live", "Go-live"
    HYPERCARE = "hypercare", "Hypercare"
    HANDED_OFF = "handed_off", "Handed off"

    @classmethod
    def ordered(cls) -> list["Phase"]:
        return list(cls)

    @property
    def index(self) -> int:
        return list(Phase).index(self)


class Health(models.TextChoices):
    GREEN = "green", "Green"
    AMBER = "amber", "Amber"
    RED = "red", "Red"
    # A project on hold or cancelled is not judged: it shows its state, not a colour.
    ON_HOLD = "on_hold", "On hold"
    CANCELLED = "cancelled", "Cancelled"

    @property
    def rank(self) -> int:
        return {"green": 0, "amber": 1, "red": 2}.get(self.value, -1)

    @property
    def is_rag(self) -> bool:
        return self.value in RAG


# Worst first: red, then amber, then the rest. The home page orders in-flight projects by it,
# through an index of this very expression.
HEALTH_RANK = models.Case(
    models.When(health=Health.RED, then=models.Value(2)),
    models.When(health=Health.AMBER, then=models.Value(1)),
    default=models.Value(0),
    output_field=models.IntegerField(),
)


RAG = ("green", "amber", "red")
# What a PM may set as an override: a colour, never a project state.
RAG_CHOICES = [(value, label) for value, label in Health.choices if value in RAG]


class ProjectQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectQuerySet":
        """Project pages are for the implementation side; sales reps use the account status page."""
        if roles.is_staff_reader(user):
            return self
        return self.none()

    def editable_by(self, user) -> "ProjectQuerySet":
        if roles.is_manager(user):
            return self
        if roles.is_pm(user):
            member = ProjectMembership.objects.filter(project=OuterRef("pk"), user=user)
            return self.filter(Q(pm=user) | Exists(member))
        return self.none()

    def managed_or_joined_by(self, user) -> "ProjectQuerySet":
        # A union of two indexed id sets: `pm = user OR EXISTS(membership)` made the database
        # read every project for a PM's home page.
        managed = ImplementationProject.objects.filter(pm=user).values("pk").order_by()
        joined = ProjectMembership.objects.filter(user=user).values("project_id").order_by()
        return self.filter(pk__in=managed.union(joined))

    def active(self) -> "ProjectQuerySet":
        return self.filter(status=ImplementationProject.Status.ACTIVE)

    def in_flight(self) -> "ProjectQuerySet":
        return self.active().exclude(phase=Phase.HANDED_OFF)

    def with_progress(self) -> "ProjectQuerySet":
        """Annotate task_total and task_done, each a subquery per project row.

        Subqueries rather than a join on tasks with GROUP BY: PostgreSQL then counts the tasks
        of the rows a page shows, after sorting and LIMIT, instead of every project's before.
        """
        tasks = Task.objects.filter(project=OuterRef("pk")).order_by().values("project")
        done = tasks.filter(status=Task.Status.DONE)
        return self.annotate(
            task_total=Coalesce(Subquery(tasks.annotate(n=Count("pk")).values("n")), 0),
            task_done=Coalesce(Subquery(done.annotate(n=Count("pk")).values("n")), 0),
        )


class ImplementationProject(models.Model):
    """One client's onboarding onto one or more products."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        ON_HOLD = "on_hold", "On hold"
        CANCELLED = "cancelled", "Cancelled"

    name = models.CharField(max_length=200)
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="projects")
    products = models.ManyToManyField(Product, related_name="projects")
    sales_handoff = models.OneToOneField(
        SalesHandoff, null=True, blank=True, on_delete=models.SET_NULL, related_name="project"
    )
    pm = models.ForeignKey(
        User,
        verbose_name="project manager",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="managed_projects",
        limit_choices_to={"groups__name": roles.Role.PM},
    )
    team = models.ManyToManyField(
        User, through="ProjectMembership", related_name="projects", blank=True
    )
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.SALES_HANDOFF)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.ACTIVE)
    kickoff_date = models.DateField("kick-off date", null=True, blank=True)
    baseline_go_live = models.DateField("baseline go-live", null=True, blank=True)
    forecast_go_live = models.DateField("forecast go-live", null=True, blank=True)
    actual_go_live = models.DateField("actual go-live", null=True, blank=True)
    # Counted whenever kick-off or go-live changes (save() below), with the days off known then,
    # so that the portfolio's medians read a column rather than a calendar per project.
    business_days_to_go_live = models.IntegerField(
        "business days from kick-off to go-live", null=True, blank=True, editable=False
    )
    # Set at go-live: the last business day of hypercare (GOLIVE_HANDOFF setting).
    hypercare_ends_on = models.DateField("hypercare ends", null=True, blank=True)
    budget_hours = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    budget_amount = models.DecimalField(
        "budget (money)",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    uat_signed_off_at = models.DateTimeField("UAT signed off", null=True, blank=True)
    uat_signed_off_by = models.ForeignKey(
        Contact,
        verbose_name="UAT signed off by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Who recorded the client's sign-off in the app, having confirmed what was still open.
    uat_signoff_recorded_by = models.ForeignKey(
        User,
        verbose_name="UAT sign-off recorded by",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Set when the PM recorded the sign-off on the client's behalf: why the client did not.
    uat_signoff_exception_reason = models.TextField("UAT sign-off exception reason", blank=True)

    # Health is computed by projects.health and stored, so lists can filter and sort by it.
    computed_health = models.CharField(max_length=10, choices=Health.choices, default=Health.GREEN)
    health = models.CharField(max_length=10, choices=Health.choices, default=Health.GREEN)
    health_reasons = models.JSONField(default=list, blank=True)
    health_computed_at = models.DateTimeField(null=True, blank=True)
    health_override = models.CharField(max_length=10, choices=RAG_CHOICES, blank=True)
    health_override_reason = models.TextField(blank=True)
    health_override_until = models.DateField(null=True, blank=True)
    health_override_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    # The deal's id in the CRM the project was imported from: a second import finds it again.
    external_id = models.CharField("external id", max_length=100, blank=True, editable=False)

    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)
    last_activity_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(
        # Health is recomputed in bulk; a person's change is what the history is for.
        excluded_fields=[
            "business_days_to_go_live",
            "computed_health",
            "health",
            "health_reasons",
            "health_computed_at",
            "last_activity_at",
            "updated_at",
        ]
    )
    objects = ProjectQuerySet.as_manager()

    class Meta:
        ordering = ["forecast_go_live", "name"]
        indexes = [
            models.Index(fields=["status", "phase"]),
            models.Index(fields=["health", "status"]),
            models.Index(fields=["pm", "status"]),
            models.Index(fields=["forecast_go_live"]),
            # The portfolio's go-lives and time to go-live read a period of go-lives.
            models.Index(fields=["actual_go_live"]),
            models.Index(fields=["name"]),
            # The portfolio's time to go-live counts a period's go-lives by duration and client
            # (and, joined on the id, by product) from this index alone: reading each project's
            # row cost most of the query.
            models.Index(
                fields=["actual_go_live", "business_days_to_go_live", "client", "id"],
                condition=Q(business_days_to_go_live__isnull=False),
                name="measured_go_lives",
            ),
            # The portfolio's PMs' load counts each PM's in-flight and red projects from this
            # index alone, in PM order, rather than reading every project's row.
            models.Index(
                fields=["pm", "health"],
                condition=Q(status="active") & ~Q(phase=Phase.HANDED_OFF),
                name="in_flight_by_pm",
            ),
            # The home page's in-flight projects, worst first: read 25 at a time in this order
            # rather than sorting every in-flight project on each view.
            models.Index(
                HEALTH_RANK.desc(),
                models.F("forecast_go_live").asc(),
                models.F("id").asc(),
                condition=Q(status="active") & ~Q(phase=Phase.HANDED_OFF),
                name="in_flight_worst_first",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["external_id"],
                condition=~Q(external_id=""),
                name="unique_project_external_id",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        touched = update_fields is None or {"kickoff_date", "actual_go_live"} & set(update_fields)
        span = self._span() if touched else None
        if span is not None and span != getattr(self, "_go_live_span", ()):
            from projects.scheduling import business_days_to_go_live

            self.business_days_to_go_live = business_days_to_go_live(*span)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "business_days_to_go_live"}
        super().save(*args, **kwargs)
        if span is not None:
            self._go_live_span = span

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.pk])

    @classmethod
    def from_db(cls, db, field_names, values):
        project = super().from_db(db, field_names, values)
        project._go_live_span = project._span()
        return project

    def _span(self) -> tuple | None:
        """Kick-off and go-live as loaded, or None when either was not read."""
        if {"kickoff_date", "actual_go_live"} & self.get_deferred_fields():
            return None
        return (self.kickoff_date, self.actual_go_live)

    @property
    def phase_enum(self) -> Phase:
        return Phase(self.phase)

    @property
    def slip_days(self) -> int | None:
        if self.baseline_go_live and self.forecast_go_live:
            return (self.forecast_go_live - self.baseline_go_live).days
        return None

    @property
    def progress_percent(self) -> int:
        """Share of tasks done; needs `with_progress()` or falls back to a query."""
        total = getattr(self, "task_total", None)
        done = getattr(self, "task_done", None)
        if total is None:
            total = self.tasks.count()
            done = self.tasks.filter(status=Task.Status.DONE).count()
        return round(100 * done / total) if total else 0

    @property
    def forecast_passed(self) -> bool:
        """The forecast go-live is behind us and the project is not live: the date needs a look."""
        return bool(
            self.forecast_go_live
            and self.actual_go_live is None
            and self.status != self.Status.CANCELLED
            and self.forecast_go_live < timezone.localdate()
        )

    @property
    def override_hides_computed(self) -> bool:
        """A PM's override shows a colour other than the one the facts give."""
        return bool(
            self.health_override and self.health in RAG and self.health != self.computed_health
        )

    def override_active(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return bool(
            self.health_override
            and self.health_override_until
            and self.health_override_until >= today
        )


class ProjectMembership(models.Model):
    """A user on a project's team, with the role they play on it."""

    class TeamRole(models.TextChoices):
        CONSULTANT = "consultant", "Implementation consultant"
        SOLUTION_ARCHITECT = "solution_architect", "Solution architect"
        DATA_CONVERSION = "data_conversion", "Data conversion specialist"
        INTEGRATION = "integration", "Integration engineer"
        TRAINER = "trainer", "Trainer"
        SUPPORT = "support", "Support liaison"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="project_memberships")
    role = models.CharField(max_length=30, choices=TeamRole.choices, default=TeamRole.CONSULTANT)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="unique_project_member")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class PhaseChange(models.Model):
    """A move of a project from one phase to another: who and when."""

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="phase_changes"
    )
    from_phase = models.CharField(max_length=20, choices=Phase.choices)
    to_phase = models.CharField(max_length=20, choices=Phase.choices)
    changed_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    note = models.TextField(blank=True)
    # A manager may move a project past a gate it does not meet, saying why; what the gate
    # found missing is kept beside the reason.
    gate_overridden = models.BooleanField(default=False)
    override_reason = models.TextField(blank=True)
    overridden_problems = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["-changed_at"]
        indexes = [models.Index(fields=["project", "-changed_at"])]

    def __str__(self) -> str:
        return f"{self.get_from_phase_display()} → {self.get_to_phase_display()}"


class MilestoneQuerySet(models.QuerySet):
    def open(self) -> "MilestoneQuerySet":
        return self.filter(completed_on__isnull=True)

    def overdue(self, today: date) -> "MilestoneQuerySet":
        return self.open().filter(due_date__lt=today)


class Milestone(models.Model):
    """A checkpoint in the plan, optionally key or go-live critical, signed off by the client."""

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    baseline_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    completed_on = models.DateField(null=True, blank=True)
    completed_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The phase whose work the milestone completes: its key milestones gate leaving that phase.
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.TESTING)
    is_key = models.BooleanField("key milestone", default=False)
    is_golive_critical = models.BooleanField("go-live critical", default=False)
    # Shown to the client's contacts in the portal and its client status report.
    visible_to_client = models.BooleanField(default=False)
    signed_off_by = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords()
    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["order", "due_date", "pk"]
        indexes = [
            models.Index(fields=["project", "order"]),
            models.Index(fields=["due_date", "completed_on"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("projects:detail", args=[self.project_id]) + f"#milestone-{self.pk}"

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return not self.is_complete and self.due_date is not None and self.due_date < today


class TaskQuerySet(models.QuerySet):
    def open(self) -> "TaskQuerySet":
        return self.exclude(status=Task.Status.DONE)

    def overdue(self, today: date) -> "TaskQuerySet":
        return self.open().filter(due_date__lt=today)

    def due_between(self, start: date, end: date) -> "TaskQuerySet":
        return self.open().filter(due_date__gte=start, due_date__lte=end)

    def with_related(self) -> "TaskQuerySet":
        return self.select_related("owner_user", "owner_contact", "milestone")


class Task(models.Model):
    """A piece of work, owned by a user or (client-side) by a client contact."""

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        BLOCKED = "blocked", "Blocked"
        DONE = "done", "Done"

    class Priority(models.TextChoices):
        LOW = "low", "Low"
        NORMAL = "normal", "Normal"
        HIGH = "high", "High"
        URGENT = "urgent", "Urgent"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="tasks"
    )
    milestone = models.ForeignKey(
        Milestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner_user = models.ForeignKey(
        User,
        verbose_name="owner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tasks",
    )
    owner_contact = models.ForeignKey(
        Contact,
        verbose_name="client-side owner",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_tasks",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    start_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    estimate_hours = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    completed_at = models.DateTimeField(null=True, blank=True)
    visible_to_client = models.BooleanField(default=False)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text="Tasks that must finish before this one can start.",
    )
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(m2m_fields=[])
    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(owner_user__isnull=True) | Q(owner_contact__isnull=True),
                name="task_has_one_owner_kind",
            )
        ]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["owner_user", "status", "due_date"]),
            models.Index(fields=["status", "due_date"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:task_detail", args=[self.pk])

    @property
    def owner(self):
        return self.owner_user or self.owner_contact

    @property
    def owner_label(self) -> str:
        if self.owner_user_id:
            return self.owner_user.get_full_name() or self.owner_user.username
        if self.owner_contact_id:
            return f"{self.owner_contact.name} (client)"
        return "Unassigned"

    def is_overdue(self, today: date | None = None) -> bool:
        today = today or timezone.localdate()
        return (
            self.status != self.Status.DONE and self.due_date is not None and self.due_date < today
        )


class RiskQuerySet(models.QuerySet):
    def open(self) -> "RiskQuerySet":
        """Risks still to watch: open or being mitigated."""
        return self.filter(status__in=[Risk.Status.OPEN, Risk.Status.MITIGATING])


class Risk(models.Model):
    """Something that may go wrong: probability × impact, with an owner and a mitigation plan."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATING = "mitigating", "Mitigating"
        CLOSED = "closed", "Closed"
        OCCURRED = "occurred", "Occurred"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="risks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    probability = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text="1 (rare) to 5 (almost certain)",
    )
    impact = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(5)], help_text="1 (minor) to 5 (severe)"
    )
    score = models.GeneratedField(
        expression=models.F("probability") * models.F("impact"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
    )
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_risks"
    )
    mitigation_plan = models.TextField(blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Only risks flagged so appear in what the client reads (the client version of reports).
    visible_to_client = models.BooleanField(default=False)
    raised_at = models.DateTimeField(default=timezone.now)
    closed_at = models.DateTimeField(null=True, blank=True)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(excluded_fields=["score"])
    objects = RiskQuerySet.as_manager()

    class Meta:
        ordering = ["-score", "pk"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["status", "score"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:risk_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.MITIGATING)


class IssueQuerySet(models.QuerySet):
    def open(self) -> "IssueQuerySet":
        return self.filter(status__in=[Issue.Status.OPEN, Issue.Status.IN_PROGRESS])

    def critical(self) -> "IssueQuerySet":
        return self.filter(severity=Issue.Severity.CRITICAL)

    def serious(self) -> "IssueQuerySet":
        """High and critical issues: what support must knowingly accept a client with."""
        return self.filter(severity__in=[Issue.Severity.HIGH, Issue.Severity.CRITICAL])


class Issue(models.Model):
    """Something that has gone wrong and needs resolving."""

    class Severity(models.TextChoices):
        LOW = "low", "Low"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High"
        CRITICAL = "critical", "Critical"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        RESOLVED = "resolved", "Resolved"
        CLOSED = "closed", "Closed"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="issues"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    severity = models.CharField(max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="owned_issues"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    # Only issues flagged so appear in what the client reads (the client version of reports).
    visible_to_client = models.BooleanField(default=False)
    raised_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    escalation_level = models.PositiveSmallIntegerField(default=0)
    from_risk = models.OneToOneField(
        Risk, null=True, blank=True, on_delete=models.SET_NULL, related_name="raised_issue"
    )
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords()
    objects = IssueQuerySet.as_manager()

    class Meta:
        ordering = ["status", "-raised_at"]
        indexes = [
            models.Index(fields=["project", "status"]),
            models.Index(fields=["severity", "status"]),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("projects:issue_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS)


class TimeEntry(models.Model):
    """Hours someone spent on a project; burns its budget."""

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="time_entries"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="time_entries"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="time_entries")
    spent_on = models.DateField(default=timezone.localdate)
    hours = models.DecimalField(
        max_digits=5, decimal_places=2, validators=[MinValueValidator(0.25), MaxValueValidator(24)]
    )
    billable = models.BooleanField(default=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-spent_on", "-pk"]
        verbose_name_plural = "time entries"
        indexes = [
            models.Index(fields=["project", "spent_on"]),
            # A week's hours of every PM, on the portfolio dashboard.
            models.Index(fields=["spent_on", "user"]),
        ]

    def __str__(self) -> str:
        return f"{self.hours} h on {self.spent_on}"


class Comment(models.Model):
    """A note on a project, or on one of its tasks, risks or issues."""

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="comments"
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    risk = models.ForeignKey(
        Risk, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    issue = models.ForeignKey(
        Issue, null=True, blank=True, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["project", "created_at"])]

    def __str__(self) -> str:
        return f"Comment by {self.author} on {self.created_at:%Y-%m-%d}"


class HandoffReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "HandoffReportQuerySet":
        if roles.is_staff_reader(user):
            return self
        if roles.is_sales_rep(user):
            return self.filter(project__client__sales_rep=user)
        return self.none()


class HandoffReport(models.Model):
    """The document handed to support at go-live, and support's answer to it."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent to support"
        ACCEPTED = "accepted", "Accepted"
        RETURNED = "returned", "Returned with questions"

    project = models.OneToOneField(
        ImplementationProject, on_delete=models.CASCADE, related_name="handoff_report"
    )
    configuration_summary = models.TextField("what was configured", blank=True)
    decisions = models.TextField("decisions made", blank=True)
    training = models.TextField("training done", blank=True)
    open_items = models.TextField("notes for support", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    sent_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    support_comment = models.TextField(blank=True)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)
    # The high and critical issues still open that support confirmed when accepting.
    accepted_open_issues = models.JSONField(default=list, blank=True)
    # The facts gathered from the project when the report was built (golive.handoff), and the
    # move into Go-live it was built for: one build per go-live, however often the job runs.
    built_at = models.DateTimeField(null=True, blank=True)
    built_for_change = models.ForeignKey(
        PhaseChange, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    built_data = models.JSONField(default=dict, blank=True)
    # The HTML of the report exactly as support received it at the last sending; the page and
    # any PDF show this rather than the project as it is now.
    sent_html = models.TextField("what support received", blank=True, editable=False)
    sent_pdf = models.BinaryField(blank=True, editable=False, default=bytes)
    # When support (or, for a returned report, the PM) was reminded during the report's current
    # wait on them; cleared when it changes hands (sent, returned), so each wait is reminded once.
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    # How many questions and answers its thread holds (golive.HandoffMessage): a page shows
    # the thread without asking the database when there is none.
    message_count = models.PositiveIntegerField(default=0, editable=False)

    history = HistoricalRecords(
        excluded_fields=["built_data", "sent_html", "sent_pdf", "message_count"]
    )
    objects = HandoffReportQuerySet.as_manager()

    class Meta:
        indexes = [
            # Support's queue: the sent reports, oldest first, a page at a time (read in
            # this order, not sorted after joining every sent report to its project).
            models.Index(fields=["status", "sent_at", "id"], name="handoff_reports_in_queue"),
        ]

    def __str__(self) -> str:
        return f"Handoff report for {self.project.name}"

    def get_absolute_url(self) -> str:
        return reverse("projects:handoff_report", args=[self.project_id])


class Holiday(models.Model):
    """A day the company does not work: plans are scheduled around it."""

    date = models.DateField(unique=True)
    name = models.CharField(max_length=100)

    class Meta:
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.name} ({self.date:%Y-%m-%d})"


class RoleRate(models.Model):
    """The hourly cost of one team role, kept by admins; it prices the hours logged on projects."""

    PM = "pm"
    ROLE_CHOICES = [(PM, "Implementation PM"), *ProjectMembership.TeamRole.choices]

    role = models.CharField(max_length=30, choices=ROLE_CHOICES, unique=True)
    hourly_rate = models.DecimalField(
        max_digits=8, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        ordering = ["role"]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.hourly_rate}/h"


class Baseline(models.Model):
    """The plan's dates as they stood when it was agreed: taken at kick-off, retaken with a reason.

    Earlier baselines are kept; the latest is the one variance is measured against. The dates
    are a snapshot (milestone id → due date, task id → [start, due]) so that later edits to
    the plan never change what was agreed.
    """

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="baselines"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    taken_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    reason = models.TextField(blank=True)
    go_live = models.DateField(null=True, blank=True)
    milestone_dates = models.JSONField(default=dict, blank=True)
    task_dates = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-taken_at", "-pk"]
        indexes = [models.Index(fields=["project", "-taken_at"])]

    def __str__(self) -> str:
        return f"Baseline of {self.project} at {self.taken_at:%Y-%m-%d}"
