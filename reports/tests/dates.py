"""Fixed dates for the report tests: a known Monday and moments on the days around it."""

import datetime

from django.utils import timezone

MONDAY = datetime.date(2025, 3, 3)


def at(day: datetime.date, hour: int = 12) -> datetime.datetime:
    """An aware moment on the given day, in the project's time zone."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def days(n: int, start: datetime.date = MONDAY) -> datetime.date:
    return start + datetime.timedelta(days=n)
