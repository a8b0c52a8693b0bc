"""An import of accounts, contacts and projects from a CRM's CSV file: its check and its run."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone


class ImportRunQuerySet(models.QuerySet):
    def stalled(self, before) -> "ImportRunQuerySet":
        """Runs a job claimed and never finished (its worker died): another job takes them."""
        return self.filter(
            status__in=[ImportRun.Status.CHECKING, ImportRun.Status.RUNNING],
            claimed_at__lt=before,
        )


class ImportRun(models.Model):
    """One uploaded file: checked row by row (the dry run), then imported if someone says so."""

    class Status(models.TextChoices):
        CHECK_QUEUED = "check_queued", "Waiting to be checked"
        CHECKING = "checking", "Checking"
        CHECKED = "checked", "Checked"
        QUEUED = "queued", "Waiting to import"
        RUNNING = "running", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    class Mode(models.TextChoices):
        ALL = "all", "The whole file"
        GOOD_ROWS = "good_rows", "Only the good rows"

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    file_name = models.CharField(max_length=255)
    # The file's text as read (UTF-8, no byte-order mark): the jobs read it from here.
    content = models.TextField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.CHECKED)
    mode = models.CharField(max_length=20, choices=Mode.choices, blank=True)
    rows_total = models.PositiveIntegerField(default=0)
    # The rows the check or the import has been through so far: its progress.
    rows_done = models.PositiveIntegerField(default=0)
    rows_bad = models.PositiveIntegerField(default=0)
    # Each bad row: {"row": its line in the file, "account": what it names, "problems": [...]}.
    problems = models.JSONField(default=list, blank=True)
    # What the import did: {"clients_created": 3, "contacts_updated": 1, ...}.
    counts = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "claimed_at"])]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        return reverse("exchange:import_detail", args=[self.pk])

    @property
    def rows_good(self) -> int:
        return self.rows_total - self.rows_bad

    @property
    def is_working(self) -> bool:
        """A job is on it, or is about to be: the page keeps asking for its progress."""
        return self.status in (
            self.Status.CHECK_QUEUED,
            self.Status.CHECKING,
            self.Status.QUEUED,
            self.Status.RUNNING,
        )

    @property
    def progress_percent(self) -> int:
        return round(100 * self.rows_done / self.rows_total) if self.rows_total else 0
