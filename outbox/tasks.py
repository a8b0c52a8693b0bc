from celery import shared_task
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail


@shared_task(bind=True, name="outbox.deliver_email", max_retries=None)
def deliver_email(self, email_id: int) -> str | None:
    """Deliver one message; after a failed send, try again when its back-off has passed."""
    status = services.email_deliver(email_id=email_id)
    if status == OutgoingEmail.Status.QUEUED:
        next_attempt = (
            OutgoingEmail.objects.filter(pk=email_id)
            .values_list("next_attempt_at", flat=True)
            .get()
        )
        raise self.retry(countdown=max((next_attempt - timezone.now()).total_seconds(), 0))
    return status.value if status else None


@shared_task(name="outbox.deliver_emails")
def deliver_emails(email_ids: list[int]) -> dict[str, int]:
    """Deliver many messages over one connection. A failed one is queued again with its
    back-off, and the beat's outbox.recover enqueues it once that has passed."""
    return services.emails_deliver(email_ids=email_ids)


@shared_task(name="outbox.recover")
def recover_outbox() -> int:
    return services.outbox_recover()
