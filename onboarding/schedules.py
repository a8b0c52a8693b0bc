"""Every periodic job, in one place. Intervals are settings (see .env.example)."""

from datetime import timedelta

from django.conf import settings


def beat_schedule() -> dict:
    every = settings.GOLIVE_SCHEDULES
    return {
        "refresh-project-health": {
            "task": "projects.refresh_health",
            "schedule": timedelta(seconds=every["HEALTH_REFRESH_SECONDS"]),
        },
        "status-reports-tick": {
            "task": "reports.tick",
            "schedule": timedelta(seconds=every["STATUS_REPORT_TICK_SECONDS"]),
        },
        "escalation-sweep": {
            "task": "alerts.sweep",
            "schedule": timedelta(seconds=every["ESCALATION_SWEEP_SECONDS"]),
        },
        "outbox-recover": {
            "task": "outbox.recover",
            "schedule": timedelta(seconds=every["OUTBOX_RECOVER_SECONDS"]),
        },
        "import-recover": {
            "task": "exchange.recover",
            "schedule": timedelta(seconds=every["IMPORT_RECOVER_SECONDS"]),
        },
        "webhooks-recover": {
            "task": "webhooks.recover",
            "schedule": timedelta(seconds=every["WEBHOOKS_RECOVER_SECONDS"]),
        },
        "handoff-reminders": {
            "task": "golive.handoff_reminders",
            "schedule": timedelta(seconds=every["HANDOFF_REMINDER_TICK_SECONDS"]),
        },
        "sales-digest": {
            "task": "golive.sales_digest",
            "schedule": timedelta(seconds=every["SALES_DIGEST_TICK_SECONDS"]),
        },
        "survey-reminders": {
            "task": "portal.survey_reminders",
            "schedule": timedelta(seconds=every["SURVEY_REMINDER_SECONDS"]),
        },
    }
