"""The open-alert count shown in the navigation."""

from functools import cache

from alerts.selectors import open_alert_count
from clients import roles


def alert_count(request) -> dict:
    """`alert_count` is computed (one query) only when a template asks for it."""
    user = getattr(request, "user", None)

    @cache
    def count() -> int:
        if user is None or not roles.is_staff_reader(user):
            return 0
        return open_alert_count(user)

    return {"alert_count": count}
