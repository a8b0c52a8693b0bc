"""Making and revoking a user's private calendar link."""

import secrets

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from calendars.models import CalendarFeed

TOKEN_BYTES = 32


@transaction.atomic
def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the user a new link; the old one, if any, stops working at once."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    feed, _ = CalendarFeed.objects.update_or_create(
        user=user, defaults={"token": token, "created_at": timezone.now()}
    )
    return feed


@transaction.atomic
def calendar_feed_revoke(*, user: User) -> None:
    """Turn the user's link off; its address answers 404 from now on."""
    CalendarFeed.objects.filter(user=user).delete()
