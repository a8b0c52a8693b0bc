"""Acceptance testing (ORT/UAT): a project's test cases and every run of them."""

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from clients.models import Contact, Product
from projects.models import ImplementationProject, Issue


class TestCase(models.Model):
    """One thing the client checks before accepting the system: steps and what should happen."""

    __test__ = False  # not a pytest class, whatever its name

    project = models.ForeignKey(
        ImplementationProject, on_delete=models.CASCADE, related_name="test_cases"
    )
    title = models.CharField(max_length=200)
    steps = models.TextField()
    expected_result = models.TextField()
    product = models.ForeignKey(
        Product, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    is_critical = models.BooleanField(
        "critical", default=False, help_text="UAT cannot be signed off until it passes."
    )
    tester_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tester_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="test_cases"
    )
    # The latest run, kept on the case so progress is counted without reading every run.
    latest_run = models.ForeignKey(
        "TestRun", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["project", "-is_critical", "title", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(tester_user__isnull=False, tester_contact__isnull=False),
                name="test_case_one_tester",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("acceptance:testing", args=[self.project_id]) + f"#case-{self.pk}"

    @property
    def tester_name(self) -> str:
        if self.tester_contact_id:
            return self.tester_contact.name
        if self.tester_user_id:
            return self.tester_user.get_full_name() or self.tester_user.username
        return ""


def attachment_path(run: "TestRun", filename: str) -> str:
    return f"test-runs/{run.case.project_id}/{timezone.now():%Y%m}/{filename}"


class TestRun(models.Model):
    """One execution of a case: passed or failed, by whom, with notes and perhaps a screenshot."""

    __test__ = False

    case = models.ForeignKey(TestCase, on_delete=models.CASCADE, related_name="runs")
    passed = models.BooleanField()
    notes = models.TextField(blank=True)
    attachment = models.FileField(upload_to=attachment_path, blank=True, max_length=255)
    run_by_user = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_by_contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    run_at = models.DateTimeField(default=timezone.now)
    # The defect a failed run raised, or (on a retest) the one it checks the fix of.
    defect = models.ForeignKey(
        Issue, null=True, blank=True, on_delete=models.SET_NULL, related_name="test_runs"
    )

    class Meta:
        ordering = ["-run_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.case} — {'passed' if self.passed else 'failed'}"

    @property
    def run_by_name(self) -> str:
        if self.run_by_contact_id:
            return self.run_by_contact.name
        if self.run_by_user_id:
            return self.run_by_user.get_full_name() or self.run_by_user.username
        return ""
