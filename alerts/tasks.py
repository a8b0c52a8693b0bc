from celery import shared_task

from alerts import services


@shared_task(name="alerts.sweep")
def sweep_alerts() -> dict[str, int]:
    """The escalation sweep; safe to run twice or concurrently (see alerts.services)."""
    return services.alerts_sweep().as_dict()
