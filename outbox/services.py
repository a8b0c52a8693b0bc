"""Queueing and delivering outgoing email. Jobs call email_queue; a Celery task delivers."""

import hashlib
import logging
import smtplib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from functools import cache
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import BadHeaderError, EmailMultiAlternatives, get_connection
from django.db import IntegrityError, transaction
from django.db.models import F, Model
from django.template.loader import get_template, render_to_string
from django.utils import timezone
from kombu.exceptions import OperationalError

from outbox.models import OutgoingEmail
from outbox.text import one_line

logger = logging.getLogger(__name__)


SUBJECT_MAX = 250


def subject_line(text: str) -> str:
    """A subject no stored text can break: newlines and other control characters become spaces.

    Every subject passes through here (email_queue, emails_queue_bulk, and again when sent), so
    a project name or task title typed with a line break cannot make an email unsendable.
    """
    return one_line(text, limit=SUBJECT_MAX)


def message_id(dedup_key: str) -> str:
    """The Message-ID of the email with this dedup key: the same for every copy ever sent.

    A copy sent again (the worker died after the server took it, before it was recorded) then
    carries the same id, so mail programs can tell it is the same message.
    """
    digest = hashlib.sha256(dedup_key.encode()).hexdigest()[:32]
    return f"<{digest}@golive.{_message_id_domain()}>"


def _message_id_domain() -> str:
    sender = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = sender.rpartition("@")[2] if "@" in sender else ""
    return (domain or urlsplit(settings.SITE_URL).hostname or "localhost").lower()


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""


def _enqueue_delivery(*, email_ids: list[int]) -> None:
    from outbox.tasks import deliver_email

    for email_id in email_ids:
        deliver_email.delay(email_id)


# What sending a task raises while the broker (Redis) is down or unreachable.
BROKER_ERRORS = (OperationalError, OSError)


def _enqueue_on_commit(enqueue: Callable[..., None], email_ids: list[int]) -> None:
    """Hand the messages to Celery once the transaction commits, without failing the caller.

    The rows are committed by then: with Redis down, the page or job that queued them has done
    its work, so the broker's error is logged, not raised, and outbox_recover (the beat tick)
    enqueues the messages again once Redis is back.
    """

    def hand_over() -> None:
        try:
            enqueue(email_ids=email_ids)
        except BROKER_ERRORS as error:
            logger.error(
                "Could not hand %s outgoing email(s) to Celery (%s: %s); they are stored, and "
                "outbox.recover will send them once the broker is back.",
                len(email_ids),
                type(error).__name__,
                error,
            )

    transaction.on_commit(hand_over)


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
        subject=subject_line(subject),
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
    _enqueue_on_commit(_enqueue_delivery, [email.pk])
    return email


@dataclass(frozen=True)
class Message:
    """One message for `emails_queue_bulk`: what `email_queue` takes, as a value."""

    kind: str
    to: str
    subject: str
    template: str
    context: dict
    dedup_key: str
    about: Model | None = None


# Looked up once, not once per message.
_template = cache(get_template)


def emails_queue_bulk(*, messages: list[Message], now=None) -> dict[str, int]:
    """`email_queue` for many messages in two queries, for jobs that send many at once.

    Stores the messages whose dedup key is new and has them delivered in batches after the
    transaction commits. Returns the email id of every dedup key, new or stored before.
    """
    if not messages:
        return {}
    now = now or timezone.now()
    # Messages that share one context object (a report to each of its readers) are rendered once.
    bodies: dict[tuple[str, int], tuple[str, str]] = {}
    rows = []
    for message in messages:
        key = (message.template, id(message.context))
        if key not in bodies:
            context = {"site_url": settings.SITE_URL, **message.context}
            bodies[key] = (
                _template(f"{message.template}.txt").render(context),
                _template(f"{message.template}.html").render(context),
            )
        body_text, body_html = bodies[key]
        email = OutgoingEmail(
            kind=message.kind,
            to_email=message.to,
            subject=subject_line(message.subject),
            body_text=body_text,
            body_html=body_html,
            dedup_key=message.dedup_key,
            created_at=now,
            next_attempt_at=now,
        )
        if message.about is not None:
            email.about_type = ContentType.objects.get_for_model(message.about)
            email.about_id = message.about.pk
        rows.append(email)
    OutgoingEmail.objects.bulk_create(rows, ignore_conflicts=True)
    stored = OutgoingEmail.objects.filter(
        dedup_key__in=[message.dedup_key for message in messages]
    ).values_list("dedup_key", "pk", "created_at")
    ids, written_now = {}, []
    for key, pk, created_at in stored:
        ids[key] = pk
        if created_at == now:
            written_now.append(pk)
    if written_now:
        _enqueue_on_commit(emails_enqueue, sorted(written_now))
    return ids


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
    try:
        _message(email).send()
    except Exception as error:  # noqa: BLE001 - any transport error is recorded and retried
        return _record_failure(email, error)
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
    )
    return OutgoingEmail.Status.SENT


def _message(email: OutgoingEmail, connection=None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        # Again here: rows stored before subjects were cleaned may hold a line break.
        subject=subject_line(email.subject),
        body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.to_email],
        headers={"X-Golive-Key": email.dedup_key, "Message-ID": message_id(email.dedup_key)},
        connection=connection,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    return message


def is_permanent(error: Exception) -> bool:
    """Whether a send can never succeed as stored, so that trying again only fails again.

    A header or address Python's email package refuses (BadHeaderError, an invalid address:
    both ValueError), and a refusal with a permanent (5xx) SMTP code for every recipient or for
    the message itself. A refused sender or login is the server's setup, not the message's:
    retried, as is any other error.
    """
    if isinstance(error, ValueError | BadHeaderError):
        return True
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in error.recipients.values()]
        return bool(codes) and all(code >= 500 for code in codes)
    if isinstance(error, smtplib.SMTPDataError):
        return error.smtp_code >= 500
    return False


def _record_failure(email: OutgoingEmail, error: Exception) -> OutgoingEmail.Status:
    description = f"{type(error).__name__}: {error}"[:2000]
    permanent = is_permanent(error)
    logger.warning(
        "Delivery of outgoing email %s failed%s: %s",
        email.pk,
        " for good (not retried)" if permanent else "",
        description,
    )
    if permanent:
        status = OutgoingEmail.Status.FAILED
        next_attempt = email.next_attempt_at
        description = f"Not retried, this message can never be sent: {description}"[:2000]
    elif email.attempts >= settings.OUTBOX["MAX_ATTEMPTS"]:
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
        _enqueue_on_commit(_enqueue_delivery, [email.pk])
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
    _enqueue_delivery(email_ids=due_ids)
    return len(due_ids)


# Delivery in batches, for the jobs that queue many messages at once (status reports, the
# escalation sweep): one Celery task per DELIVERY_BATCH messages and one connection to the mail
# server per task, instead of a task and a connection each. Each message is still claimed,
# sent once and recorded exactly as email_deliver does it; a failed one is queued again with
# its back-off, and outbox_recover (the beat tick) enqueues it when that has passed.

# Messages per task: enough to spread a connection's cost thin, few enough that the worker's
# processes share a large send evenly.
DELIVERY_BATCH = 100
# Messages claimed at a time within a batch: a worker that dies leaves at most this many
# claimed, until OUTBOX["CLAIM_TIMEOUT_SECONDS"] has passed and outbox_recover frees them.
CLAIM_CHUNK = 20


def emails_enqueue(*, email_ids: list[int]) -> None:
    """Have many stored messages delivered, DELIVERY_BATCH to a task (call it on commit)."""
    from outbox.tasks import deliver_emails

    for start in range(0, len(email_ids), DELIVERY_BATCH):
        deliver_emails.delay(list(email_ids[start : start + DELIVERY_BATCH]))


def emails_claim(*, email_ids: list[int], now=None) -> list[OutgoingEmail]:
    """Take the queued ones of these messages for sending; rows another worker holds are skipped."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            OutgoingEmail.objects.select_for_update(skip_locked=True)
            .filter(pk__in=email_ids, status=OutgoingEmail.Status.QUEUED)
            .values_list("pk", flat=True)
        )
        if not ids:
            return []
        OutgoingEmail.objects.filter(pk__in=ids).update(
            status=OutgoingEmail.Status.SENDING, claimed_at=now, attempts=F("attempts") + 1
        )
    return list(OutgoingEmail.objects.filter(pk__in=ids).order_by("pk"))


def emails_deliver(*, email_ids: list[int]) -> dict[str, int]:
    """Send the queued ones of these messages over one connection, recording each outcome.

    Returns how many were sent, queued again for a retry, and failed for good; messages that
    were not queued (sent already, or another worker's) are left alone.
    """
    outcome = {"sent": 0, "queued": 0, "failed": 0}
    connection = get_connection()
    try:
        for start in range(0, len(email_ids), CLAIM_CHUNK):
            for email in emails_claim(email_ids=email_ids[start : start + CLAIM_CHUNK]):
                try:
                    connection.open()  # a no-op while the connection is up
                    _message(email, connection).send()
                except Exception as error:  # noqa: BLE001 - recorded and retried, as one by one
                    outcome[_record_failure(email, error).value] += 1
                    # The server may have dropped the connection: the next message opens anew.
                    _close(connection)
                    continue
                OutgoingEmail.objects.filter(pk=email.pk).update(
                    status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error=""
                )
                outcome["sent"] += 1
    finally:
        _close(connection)
    return outcome


def _close(connection) -> None:
    try:
        connection.close()
    except Exception as error:  # noqa: BLE001 - the connection is dropped whatever the server says
        logger.warning("Closing the mail server connection failed: %s", error)
