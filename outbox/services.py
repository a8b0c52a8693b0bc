"""Queueing and delivering outgoing email. Jobs call email_queue; a Celery task delivers."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.template.loader import render_to_string
from django.utils import timezone

from outbox.models import OutgoingEmail

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""


def _enqueue_delivery(email_ids: list[int]) -> None:
    from outbox.tasks import deliver_email

    for email_id in email_ids:
        deliver_email.delay(email_id)


def email_queue(
    *,
    kind: str,
    to: str,
    subject: str,
    template: str,
    context: dict,
    dedup_key: str,
    about: Model | None = None,
) -> OutgoingEmail | None:
    """Store one message and have it delivered after the transaction commits.

    `template` names a pair under templates/: `<template>.txt` and `<template>.html`. Returns
    None, queueing nothing, when a message with the same dedup key exists already.
    """
    context = {"site_url": settings.SITE_URL, **context}
    html = render_to_string(f"{template}.html", context)
    text = render_to_string(f"{template}.txt", context)
    email = OutgoingEmail(
        kind=kind,
        to_email=to,
        subject=subject[:250],
        body_text=text,
        body_html=html,
        dedup_key=dedup_key,
    )
    if about is not None:
        email.about_type = ContentType.objects.get_for_model(about)
        email.about_id = about.pk
    try:
        with transaction.atomic():
            email.save()
    except IntegrityError:
        if OutgoingEmail.objects.filter(dedup_key=dedup_key).exists():
            return None
        raise
    transaction.on_commit(lambda: _enqueue_delivery([email.pk]))
    return email


def email_claim(*, email_id: int, now=None) -> OutgoingEmail | None:
    """Take a queued message for sending; None if another worker has it or it is done."""
    now = now or timezone.now()
    claimed = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED).update(
        status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return None
    return OutgoingEmail.objects.get(pk=email_id)


def backoff_seconds(attempts: int) -> int:
    """Exponential back-off: base, 2×base, 4×base… capped."""
    base = settings.OUTBOX["RETRY_BASE_SECONDS"]
    return min(base * 2 ** max(attempts - 1, 0), settings.OUTBOX["RETRY_MAX_SECONDS"])


def email_deliver(*, email_id: int) -> OutgoingEmail.Status | None:
    """Send one claimed message and record the outcome; a failure is queued again later."""
    email = email_claim(email_id=email_id)
    if email is None:
        return None
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        headers={"X-Golive-Key": email.dedup_key},
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    try:
        message.send()
    except Exception as error:  # noqa: BLE001 - any transport error is recorded and retried
        return _record_failure(email, error)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutgoingEmail.Status.SENT


def _record_failure(email: OutgoingEmail, error: Exception) -> OutgoingEmail.Status:
    description = f"{type(error).__name__}: {error}"[:2000]
    logger.warning("Delivery of outgoing email %s failed: %s", email.pk, description)
    if email.attempts >= settings.OUTBOX["MAX_ATTEMPTS"]:
        status = OutgoingEmail.Status.FAILED
        next_attempt = email.next_attempt_at
    else:
        status = OutgoingEmail.Status.QUEUED
        next_attempt = timezone.now() + timedelta(seconds=backoff_seconds(email.attempts))
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=status, last_error=description, next_attempt_at=next_attempt
    )
    return status


def email_retry(*, email: OutgoingEmail) -> bool:
    """A person asks for a failed message to be tried again; False if it had not failed."""
    updated = OutgoingEmail.objects.filter(pk=email.pk, status=OutgoingEmail.Status.FAILED).update(
        status=OutgoingEmail.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    if updated:
        transaction.on_commit(lambda: _enqueue_delivery([email.pk]))
    return bool(updated)


def outbox_recover(*, now=None) -> int:
    """Enqueue again what is due: retries whose time has come and claims left by a dead worker.

    Run by the beat tick, so nothing queued is lost when a worker or Redis restarts.
    """
    now = now or timezone.now()
    stale_before = now - timedelta(seconds=settings.OUTBOX["CLAIM_TIMEOUT_SECONDS"])
    OutgoingEmail.objects.stale_sending(stale_before).update(
        status=OutgoingEmail.Status.QUEUED, next_attempt_at=now
    )
    due_ids = list(
        OutgoingEmail.objects.due(now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[: settings.OUTBOX["RECOVER_BATCH"]]
    )
    _enqueue_delivery(due_ids)
    return len(due_ids)
