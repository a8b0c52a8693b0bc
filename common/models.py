"""Rows that serve every app and hold no business rules."""

from django.conf import settings
from django.db import models


class Submission(models.Model):
    """A create form's one-time key, recorded in the transaction of what it created.

    The digest of the submitted values goes with the key: a repeat of the same submission is
    one, while two forms that happen to carry the same key (a page served twice from the page
    cache) but different values are two.
    """

    key = models.UUIDField()
    digest = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    url = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["key", "digest"], name="unique_submission_key")
        ]

    def __str__(self) -> str:
        return str(self.key)
