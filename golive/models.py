"""Go-live's own records: the project's cut-over checklist and the Q&A thread of a handoff."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from projects.models import HandoffReport, ImplementationProject

User = settings.AUTH_USER_MODEL


class CutoverStep(models.Model):
    """One step of a project's own go-live checklist (freeze payroll, switch DNS…)."""

    class State(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        NOT_NEEDED = "not_needed", "Not needed"

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="cutover_steps"
    )
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="cutover_steps"
    )
    state = models.CharField(max_length=20, choices=State.choices, default=State.OPEN)
    order = models.PositiveIntegerField(default=0)
    # Counts the saves; an edit form sends back the one it was opened at.
    version = models.PositiveIntegerField(default=0, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["order", "pk"]
        indexes = [models.Index(fields=["project", "order"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("golive:readiness", args=[self.project_id]) + f"#step-{self.pk}"

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class HandoffMessage(models.Model):
    """A question from support on a returned handoff report, or the team's answer to it."""

    report = models.ForeignKey(HandoffReport, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    # Support asks; the implementation side answers.
    from_support = models.BooleanField(default=False)
    body = models.TextField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["report", "created_at"])]

    def __str__(self) -> str:
        return self.body[:80]
