"""Project templates (playbooks): proven plans that new projects are made from."""

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.urls import reverse

from clients import roles
from clients.models import Product
from projects.models import ImplementationProject

User = settings.AUTH_USER_MODEL


class ProjectTemplateQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ProjectTemplateQuerySet":
        """PMs read templates to plan with them; managers and admins also edit them."""
        if roles.is_manager(user) or roles.is_pm(user):
            return self
        return self.none()

    def active(self) -> "ProjectTemplateQuerySet":
        return self.filter(is_active=True)


class ProjectTemplate(models.Model):
    """A proven plan for one product: milestones and tasks placed in business days."""

    name = models.CharField(max_length=200, unique=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="templates")
    description = models.TextField(blank=True)
    is_active = models.BooleanField(
        "active", default=True, help_text="Only active templates are offered for new projects."
    )
    # Any change to the template or to what it holds moves this on, so that an edit form
    # opened before someone else's change is refused instead of undoing it.
    version = models.PositiveIntegerField(default=1)
    projects = models.ManyToManyField(
        ImplementationProject, through="ProjectTemplateUse", related_name="templates", blank=True
    )
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Who last changed the template or what it holds: a stale edit is told whose change it met.
    updated_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", editable=False
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = ProjectTemplateQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        indexes = [models.Index(fields=["product", "is_active"])]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("playbooks:detail", args=[self.pk])


class TemplateMilestone(models.Model):
    """A milestone of a template: its window in business days from kick-off."""

    template = models.ForeignKey(
        ProjectTemplate, on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    offset_days = models.PositiveIntegerField(
        "offset (business days)", default=0, help_text="Business days after kick-off it starts."
    )
    duration_days = models.PositiveIntegerField(
        "duration (business days)", default=1, validators=[MinValueValidator(1)]
    )
    is_key = models.BooleanField("key milestone", default=False)
    is_golive_critical = models.BooleanField("go-live critical", default=False)
    visible_to_client = models.BooleanField("client-visible", default=True)

    class Meta:
        ordering = ["order", "offset_days", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "name"], name="unique_template_milestone_name"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def end_day(self) -> int:
        return self.offset_days + self.duration_days


class OwnerRole(models.TextChoices):
    PM = "pm", "Project manager"
    CONSULTANT = "consultant", "Consultant"
    CLIENT = "client", "Client"


class TemplateTask(models.Model):
    """A task of a template, owned by a role, waiting on other tasks of the same template."""

    template = models.ForeignKey(ProjectTemplate, on_delete=models.CASCADE, related_name="tasks")
    milestone = models.ForeignKey(
        TemplateMilestone, null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    offset_days = models.PositiveIntegerField(
        "offset (business days)",
        default=0,
        help_text="Business days after kick-off it may start at the earliest.",
    )
    duration_days = models.PositiveIntegerField(
        "duration (business days)", default=1, validators=[MinValueValidator(1)]
    )
    owner_role = models.CharField(max_length=20, choices=OwnerRole.choices, default=OwnerRole.PM)
    estimate_hours = models.DecimalField(
        max_digits=6, decimal_places=1, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    visible_to_client = models.BooleanField("client-visible", default=False)
    depends_on = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="successors",
        help_text="Tasks that must finish before this one can start.",
    )

    class Meta:
        ordering = ["offset_days", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["template", "title"], name="unique_template_task_title")
        ]

    def __str__(self) -> str:
        return self.title


class ProjectTemplateUse(models.Model):
    """A template a project's plan was made from: which, when and by whom."""

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="template_uses"
    )
    template = models.ForeignKey(ProjectTemplate, on_delete=models.PROTECT, related_name="uses")
    applied_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["template__name"]
        constraints = [
            models.UniqueConstraint(fields=["project", "template"], name="unique_project_template")
        ]

    def __str__(self) -> str:
        return f"{self.project} from {self.template}"
