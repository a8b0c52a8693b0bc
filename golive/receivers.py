"""What the golive app does when a project goes live and when its handoff report moves."""

import logging

from django.db import transaction
from django.db.models import F
from django.dispatch import receiver

from golive.handoff import handoff_report_store_sent
from golive.models import HandoffMessage
from golive.services import project_hand_off
from outbox.services import BROKER_ERRORS
from projects.models import HandoffReport
from projects.signals import handoff_report_changed, went_live

logger = logging.getLogger(__name__)


@receiver(went_live, dispatch_uid="golive.build_handoff_at_go_live")
def build_handoff_at_go_live(sender, project, change, user, **kwargs) -> None:
    """The handoff report is built by a job once the move into Go-live has committed."""
    from golive.tasks import build_handoff_report

    project_id, change_id = project.pk, change.pk

    def enqueue() -> None:
        try:
            build_handoff_report.delay(project_id, change_id)
        except BROKER_ERRORS as error:
            # The move is committed; the reminder tick builds any report a go-live is missing.
            logger.error("Could not enqueue the handoff build of project %s: %s", project_id, error)

    transaction.on_commit(enqueue)


@receiver(handoff_report_changed, dispatch_uid="golive.handoff_report_changed")
def keep_handoff_events(sender, report: HandoffReport, **kwargs) -> None:
    if report.status == HandoffReport.Status.SENT:
        handoff_report_store_sent(report=report)
    elif report.status == HandoffReport.Status.ACCEPTED:
        project_hand_off(project=report.project, user=report.decided_by)
    elif report.status == HandoffReport.Status.RETURNED and report.support_comment:
        # Support's questions open (or continue) the report's thread, where the PM answers.
        HandoffMessage.objects.create(
            report=report,
            author=report.decided_by,
            from_support=True,
            body=report.support_comment,
            created_at=report.decided_at,
        )
        HandoffReport.objects.filter(pk=report.pk).update(message_count=F("message_count") + 1)
        report.message_count += 1
