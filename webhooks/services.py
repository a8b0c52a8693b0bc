"""Registering webhook endpoints, recording events for them, and delivering each event.

Delivery mirrors the outbox's email: a row per event and endpoint, written in the event's own
transaction; a Celery task enqueued on commit claims it with a conditional update, sends it,
and records the outcome; a failure waits an exponential back-off; the beat's webhooks.recover
requeues what is due and what a dead worker left claimed.
"""

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Iterable
from datetime import timedelta
from uuid import UUID

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from common.versions import version_claim
from webhooks import network
from webhooks.events import Event
from webhooks.models import WebhookDelivery, WebhookEndpoint, new_secret

logger = logging.getLogger(__name__)

# What a failed delivery keeps of the receiver's answer, for the delivery log.
RESPONSE_KEPT = 500
ERROR_KEPT = 2000

SIGNATURE_HEADER = "Golive-Signature"
EVENT_HEADER = "Golive-Event"
EVENT_ID_HEADER = "Golive-Event-Id"
DELIVERY_HEADER = "Golive-Delivery"


# Endpoints


def _check_events(events: Iterable[str]) -> list[str]:
    known = [event.value for event in Event]
    chosen = [event for event in known if event in set(events)]
    if not chosen:
        raise ValidationError({"events": "Choose at least one event to send."})
    return chosen


@transaction.atomic
def endpoint_create(
    *, url: str, events: Iterable[str], description: str = "", active: bool = True, user: User
) -> WebhookEndpoint:
    """Register a URL for events; its secret is made here. The URL was checked by the form."""
    return WebhookEndpoint.objects.create(
        url=url,
        events=_check_events(events),
        description=description.strip(),
        active=active,
        created_by=user,
    )


@transaction.atomic
def endpoint_update(
    *,
    endpoint: WebhookEndpoint,
    version: int | None,
    url: str,
    events: Iterable[str],
    description: str,
    active: bool,
) -> WebhookEndpoint:
    """Change where and what an endpoint receives; a stale form changes nothing."""
    version_claim(endpoint, version=version)
    endpoint.url = url
    endpoint.events = _check_events(events)
    endpoint.description = description.strip()
    endpoint.active = active
    endpoint.save(update_fields=["url", "events", "description", "active", "version"])
    return endpoint


@transaction.atomic
def endpoint_rotate_secret(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """A new secret at once: deliveries from now on (retries included) are signed with it."""
    version_claim(endpoint, version=None)
    endpoint.secret = new_secret()
    endpoint.secret_rotated_at = timezone.now()
    endpoint.save(update_fields=["secret", "secret_rotated_at", "version"])
    return endpoint


@transaction.atomic
def endpoint_delete(*, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint and its delivery log; deliveries still queued are not sent."""
    endpoint.delete()


# Events


def _body(*, event: str, event_id: UUID, data: dict, now) -> str:
    envelope = {
        "id": str(event_id),
        "type": event,
        "created_at": now.isoformat(),
        "data": data,
    }
    return json.dumps(envelope, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


def subscribed_endpoints(event: str) -> list[int]:
    """The ids of the active endpoints that receive this event (one query)."""
    # Filtered here, not in SQL: SQLite cannot look inside a JSON list.
    return [
        pk
        for pk, events in WebhookEndpoint.objects.filter(active=True).values_list("pk", "events")
        if event in events
    ]


def events_record(
    *,
    event: str,
    items: list[tuple[UUID, dict]],
    endpoint_ids: list[int] | None = None,
    now=None,
) -> list[int]:
    """Record deliveries of events (id, data) to every endpoint subscribed; send on commit.

    Call inside the transaction of what happened, so the deliveries exist exactly when it
    does. An event recorded before (the same id) makes no second delivery. Returns the ids
    of the deliveries queued.
    """
    if not items:
        return []
    if endpoint_ids is None:
        endpoint_ids = subscribed_endpoints(event)
    if not endpoint_ids:
        return []
    now = now or timezone.now()
    rows = [
        WebhookDelivery(
            endpoint_id=endpoint_id,
            event=event,
            event_id=event_id,
            body=_body(event=event, event_id=event_id, data=data, now=now),
            created_at=now,
            next_attempt_at=now,
        )
        for event_id, data in items
        for endpoint_id in endpoint_ids
    ]
    WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    # Those written now carry this call's time; an event recorded before keeps its own.
    ids = list(
        WebhookDelivery.objects.filter(
            endpoint_id__in=endpoint_ids,
            event_id__in=[event_id for event_id, _ in items],
            created_at=now,
            status=WebhookDelivery.Status.QUEUED,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    if ids:
        _enqueue_on_commit(ids)
    return ids


def event_record(
    *, event: str, event_id: UUID, data: dict, endpoint_ids: list[int] | None = None
) -> list[int]:
    return events_record(event=event, items=[(event_id, data)], endpoint_ids=endpoint_ids)


# Delivery

BROKER_ERRORS = (OperationalError, OSError)


def _enqueue(delivery_ids: list[int]) -> None:
    from webhooks.tasks import deliver_webhook

    for delivery_id in delivery_ids:
        deliver_webhook.delay(delivery_id)


def _enqueue_on_commit(delivery_ids: list[int]) -> None:
    """Hand the deliveries to Celery once the transaction commits, without failing the caller.

    With Redis down, what happened has happened: the error is logged, and webhooks.recover
    (the beat tick) enqueues the stored deliveries once the broker is back.
    """

    def hand_over() -> None:
        try:
            _enqueue(delivery_ids)
        except BROKER_ERRORS as error:
            logger.error(
                "Could not hand %s webhook deliveries to Celery (%s: %s); they are stored, and "
                "webhooks.recover will send them once the broker is back.",
                len(delivery_ids),
                type(error).__name__,
                error,
            )

    transaction.on_commit(hand_over)


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The v1 signature: HMAC-SHA256, keyed by the secret, of "<timestamp>.<body>", in hex."""
    message = str(timestamp).encode() + b"." + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(delivery: WebhookDelivery, *, secret: str, timestamp: int) -> dict[str, str]:
    body = delivery.body.encode()
    return {
        "Content-Type": "application/json",
        "User-Agent": "Golive-Webhooks/1",
        EVENT_HEADER: delivery.event,
        EVENT_ID_HEADER: str(delivery.event_id),
        DELIVERY_HEADER: str(delivery.pk),
        SIGNATURE_HEADER: f"t={timestamp},v1={sign(secret=secret, timestamp=timestamp, body=body)}",
    }


def delivery_claim(*, delivery_id: int, now=None) -> WebhookDelivery | None:
    """Take a queued delivery for sending; None if another worker has it or it is done."""
    now = now or timezone.now()
    claimed = WebhookDelivery.objects.filter(
        pk=delivery_id, status=WebhookDelivery.Status.QUEUED, endpoint__active=True
    ).update(status=WebhookDelivery.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if not claimed:
        return None
    return WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)


def backoff_seconds(attempts: int) -> int:
    """Exponential back-off: base, 2×base, 4×base… capped."""
    base = settings.WEBHOOKS["RETRY_BASE_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), settings.WEBHOOKS["RETRY_MAX_SECONDS"])


def delivery_deliver(*, delivery_id: int) -> WebhookDelivery.Status | None:
    """Send one delivery, signed now, and record the outcome; a failure is queued again later.

    None when there was nothing to send (done already, another worker's, endpoint paused).
    """
    delivery = delivery_claim(delivery_id=delivery_id)
    if delivery is None:
        return None
    headers = signed_headers(delivery, secret=delivery.endpoint.secret, timestamp=int(time.time()))
    try:
        answer = network.post(delivery.endpoint.url, body=delivery.body.encode(), headers=headers)
    except network.AddressRefused as error:
        return _record_failure(delivery, f"Refused: {error}", permanent=True)
    except Exception as error:  # noqa: BLE001 - any transport error is recorded and retried
        return _record_failure(delivery, f"{type(error).__name__}: {error}")
    response = answer.body[:RESPONSE_KEPT]
    if 200 <= answer.status < 300:
        WebhookDelivery.objects.filter(pk=delivery.pk).update(
            status=WebhookDelivery.Status.DELIVERED,
            delivered_at=timezone.now(),
            last_error="",
            last_status_code=answer.status,
            last_response=response,
        )
        return WebhookDelivery.Status.DELIVERED
    return _record_failure(
        delivery,
        f"The receiver answered {answer.status}.",
        status_code=answer.status,
        response=response,
    )


def _record_failure(
    delivery: WebhookDelivery,
    description: str,
    *,
    permanent: bool = False,
    status_code: int | None = None,
    response: str = "",
) -> WebhookDelivery.Status:
    description = description[:ERROR_KEPT]
    logger.warning(
        "Webhook delivery %s failed%s: %s",
        delivery.pk,
        " for good (not retried)" if permanent else "",
        description,
    )
    if permanent or delivery.attempts >= settings.WEBHOOKS["MAX_ATTEMPTS"]:
        status = WebhookDelivery.Status.FAILED
        next_attempt = delivery.next_attempt_at
    else:
        status = WebhookDelivery.Status.QUEUED
        next_attempt = timezone.now() + timedelta(seconds=backoff_seconds(delivery.attempts))
    WebhookDelivery.objects.filter(pk=delivery.pk).update(
        status=status,
        last_error=description,
        next_attempt_at=next_attempt,
        last_status_code=status_code,
        last_response=response,
    )
    return status


def delivery_retry(*, delivery: WebhookDelivery) -> bool:
    """An admin asks for a failed delivery to be sent again; False if it had not failed."""
    updated = WebhookDelivery.objects.filter(
        pk=delivery.pk, status=WebhookDelivery.Status.FAILED
    ).update(status=WebhookDelivery.Status.QUEUED, attempts=0, next_attempt_at=timezone.now())
    if updated:
        _enqueue_on_commit([delivery.pk])
    return bool(updated)


def webhooks_recover(*, now=None) -> int:
    """Enqueue again what is due: retries whose time has come and claims left by a dead worker.

    A delivery claimed by a worker that died may have reached its receiver already: it goes
    out again, with the same event id, which receivers deduplicate on (docs/webhooks.md).
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.WEBHOOKS["CLAIM_TIMEOUT_SECONDS"])
    WebhookDelivery.objects.stale_sending(stale_before).update(
        status=WebhookDelivery.Status.QUEUED, next_attempt_at=now
    )
    due_ids = list(
        WebhookDelivery.objects.due(now)
        .filter(endpoint__active=True)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.WEBHOOKS["RECOVER_BATCH"]]
    )
    _enqueue(due_ids)
    return len(due_ids)
