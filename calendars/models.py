"""A user's private calendar link: the secret in the address calendar apps subscribe to."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class CalendarFeed(models.Model):
    """One per user: a random token (32 bytes) that opens their feeds without a login.

    Resetting the link replaces the token, revoking it deletes the row; either way the old
    address answers 404 from then on.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    def __str__(self) -> str:
        return f"Calendar link of {self.user}"
