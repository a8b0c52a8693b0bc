"""The events a webhook can subscribe to, and the payload each one sends.

docs/webhooks.md shows every payload; change them together.
"""

import uuid

from django.conf import settings
from django.db import models


class Event(models.TextChoices):
    PHASE_CHANGED = "project.phase_changed", "Project phase changed"
    WENT_LIVE = "project.went_live", "Project went live"
    HANDED_OFF = "project.handed_off", "Project handed off to support"
    ALERT_RAISED = "alert.raised", "Alert raised"
    SURVEY_ANSWERED = "survey.answered", "Satisfaction survey answered"


# Event ids come from what happened, not from chance: the same phase change or alert always
# has the same id, so a signal handled twice makes no second delivery, and receivers may
# deduplicate on it.
_NAMESPACE = uuid.UUID("6a1f6f0e-53a6-4c55-9a55-2f1b5c9f0b7e")


def event_id(event: str, source: str) -> uuid.UUID:
    return uuid.uuid5(_NAMESPACE, f"{event}:{source}")


def _url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def _date(value) -> str | None:
    return value.isoformat() if value else None


def project_data(project) -> dict:
    """The project as every event shows it (with its client): read from loaded fields only."""
    return {
        "id": project.pk,
        "name": project.name,
        "phase": project.phase,
        "status": project.status,
        "client": {"id": project.client_id, "name": project.client.name},
        "forecast_go_live": _date(project.forecast_go_live),
        "actual_go_live": _date(project.actual_go_live),
        "url": _url(project.get_absolute_url()),
    }


def _person(user) -> dict | None:
    if user is None:
        return None
    return {"id": user.pk, "name": user.get_full_name() or user.username}


def phase_change_data(project, change, user) -> dict:
    return {
        "project": project_data(project),
        "from_phase": change.from_phase,
        "to_phase": change.to_phase,
        "changed_at": change.changed_at.isoformat(),
        "changed_by": _person(user),
        "gate_overridden": change.gate_overridden,
    }


def went_live_data(project, change, user) -> dict:
    return {
        "project": project_data(project),
        "went_live_on": _date(project.actual_go_live),
        "hypercare_ends_on": _date(project.hypercare_ends_on),
        "changed_by": _person(user),
    }


def handed_off_data(project, change, user) -> dict:
    return {
        "project": project_data(project),
        "handed_off_at": change.changed_at.isoformat(),
        "changed_by": _person(user),
    }


def alert_data(alert) -> dict:
    return {
        "alert": {
            "id": alert.pk,
            "kind": alert.kind,
            "level": alert.level,
            "subject": alert.subject,
            "detail": alert.detail,
            "first_seen_at": alert.first_seen_at.isoformat(),
            "url": _url(alert.get_absolute_url()),
        },
        "project": project_data(alert.project),
    }


def survey_data(survey) -> dict:
    return {
        "survey": {
            "id": survey.pk,
            "reason": survey.reason,
            "csat": survey.csat,
            "nps": survey.nps,
            "comment": survey.comment,
            "answered_at": survey.answered_at.isoformat(),
        },
        "contact": {"id": survey.contact_id, "name": survey.contact.name},
        "project": project_data(survey.project),
    }
