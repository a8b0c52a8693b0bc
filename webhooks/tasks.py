from celery import shared_task
from django.utils import timezone

from webhooks import services
from webhooks.models import WebhookDelivery


@shared_task(bind=True, name="webhooks.deliver", max_retries=None)
def deliver_webhook(self, delivery_id: int) -> str | None:
    """Deliver one event to one endpoint; after a failure, try again when its back-off passed."""
    status = services.delivery_deliver(delivery_id=delivery_id)
    if status == WebhookDelivery.Status.QUEUED:
        next_attempt = (
            WebhookDelivery.objects.filter(pk=delivery_id)
            .values_list("next_attempt_at", flat=True)
            .get()
        )
        raise self.retry(countdown=max((next_attempt - timezone.now()).total_seconds(), 0))
    return status.value if status else None


@shared_task(name="webhooks.recover")
def recover_webhooks() -> int:
    return services.webhooks_recover()
