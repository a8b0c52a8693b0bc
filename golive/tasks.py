from celery import shared_task

from common.jobs import RETRY
from golive import digest, handoff


@shared_task(name="golive.build_handoff_report", max_retries=8, **RETRY)
def build_handoff_report(project_id: int, change_id: int) -> str:
    """Build the handoff report for one move into Go-live; a second run builds nothing."""
    report, built = handoff.handoff_report_build(project_id=project_id, change_id=change_id)
    return f"report {report.pk} {'built' if built else 'already built'}"


@shared_task(name="golive.handoff_reminders", max_retries=3, **RETRY)
def handoff_reminders() -> dict[str, int]:
    """Build any report a go-live is still missing, then remind whoever sat on one."""
    return {
        "built": handoff.handoff_builds_recover(),
        "reminded": handoff.handoff_reminders_send(),
    }


@shared_task(name="golive.sales_digest", max_retries=3, **RETRY)
def sales_digest() -> int:
    """The weekly digest to each sales rep, once per rep and week however often it ticks."""
    return digest.sales_digests_send()
