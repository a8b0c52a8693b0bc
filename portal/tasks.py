import logging

from celery import shared_task
from django.db import transaction

from clients.models import Contact
from outbox.services import BROKER_ERRORS
from portal import services
from projects.models import ImplementationProject

logger = logging.getLogger(__name__)


@shared_task(
    name="portal.send_survey",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=8,
)
def send_survey_task(project_id: int, contact_id: int, reason: str) -> int | None:
    """Send one survey; the survey's unique key makes a repeat (or a retry) send nothing."""
    project = ImplementationProject.objects.get(pk=project_id)
    contact = Contact.objects.get(pk=contact_id)
    survey = services.send_survey(project, contact, reason)
    return survey.pk if survey else None


def send_survey_later(*, project: ImplementationProject, contact: Contact, reason: str) -> None:
    """Queue the survey once the caller's transaction commits (what the go-live job calls)."""

    def enqueue() -> None:
        try:
            send_survey_task.delay(project.pk, contact.pk, reason)
        except BROKER_ERRORS:
            # The go-live is committed; sending the survey by hand (or again) stays possible.
            logger.exception("Could not queue the survey of project %s", project.pk)

    transaction.on_commit(enqueue)


@shared_task(
    name="portal.survey_reminders",
    autoretry_for=(Exception,),
    retry_backoff=30,
    retry_backoff_max=3600,
    max_retries=5,
)
def survey_reminders() -> int:
    return services.survey_reminders_send()
