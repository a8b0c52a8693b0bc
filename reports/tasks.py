from celery import shared_task

from common.jobs import RETRY
from reports import services


@shared_task(name="reports.tick")
def tick() -> int:
    """Make and queue every status report that is due; run by beat every few minutes."""
    return len(services.reports_send_due())


@shared_task(name="reports.make_pdfs", max_retries=8, **RETRY)
def make_pdfs(report_id: int) -> int:
    """Make and store the PDFs of a report just sent; a repeat (or a retry) makes none again."""
    return services.report_pdfs_make(report_id)
