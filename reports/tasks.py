from celery import shared_task

from reports import services


@shared_task(name="reports.tick")
def tick() -> int:
    """Make and queue every status report that is due; run by beat every few minutes."""
    return len(services.reports_send_due())
