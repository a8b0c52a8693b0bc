"""The alert count shown in the navigation: the rows the alerts page opens on."""

from functools import cache

from alerts import selectors
from clients import roles


def alert_count(request) -> dict:
    """`alert_count` is computed (one query) only when a template asks for it."""
    user = getattr(request, "user", None)

    @cache
    def count() -> int:
        if user is None or not roles.is_staff_reader(user):
            return 0
        return selectors.alert_count(user)

    return {"alert_count": count}
