"""Delivery in batches: many messages over one connection, each still sent once and recorded."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail
from outbox.tasks import deliver_emails

pytestmark = pytest.mark.django_db


class CountingBackend(LocmemBackend):
    """Counts the connections made, on the class, since each get_connection() makes one."""

    made = 0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        CountingBackend.made += 1


@pytest.fixture
def counting_backend(settings):
    settings.EMAIL_BACKEND = f"{__name__}.CountingBackend"
    CountingBackend.made = 0
    return CountingBackend


def queue_many(count: int, prefix: str = "batch") -> list[OutgoingEmail]:
    return [
        services.email_queue(
            kind="status_report",
            to=f"reader{n}@bluebird.example",
            subject=f"Bluebird payroll: weekly status {n}",
            template="outbox/email/base",
            context={"action_url": "http://golive.example/projects/7/", "action_label": "Open"},
            dedup_key=f"{prefix}:{n}",
        )
        for n in range(count)
    ]


def test_a_batch_is_sent_over_one_connection_and_each_message_recorded_once(
    enqueued, counting_backend
):
    emails = queue_many(45)

    outcome = services.emails_deliver(email_ids=[email.pk for email in emails])

    assert outcome == {"sent": 45, "queued": 0, "failed": 0}
    assert counting_backend.made == 1
    assert sorted(m.extra_headers["X-Golive-Key"] for m in mail.outbox) == sorted(
        f"batch:{n}" for n in range(45)
    )
    stored = OutgoingEmail.objects.filter(pk__in=[email.pk for email in emails])
    assert set(stored.values_list("status", "attempts")) == {("sent", 1)}
    assert not stored.filter(sent_at__isnull=True).exists()


def test_messages_sent_already_or_claimed_by_another_worker_are_left_alone(enqueued):
    sent, claimed, waiting = queue_many(3)
    services.email_deliver(email_id=sent.pk)
    services.email_claim(email_id=claimed.pk)
    mail.outbox.clear()

    outcome = services.emails_deliver(email_ids=[sent.pk, claimed.pk, waiting.pk])

    assert outcome == {"sent": 1, "queued": 0, "failed": 0}
    assert [m.to for m in mail.outbox] == [["reader2@bluebird.example"]]
    assert OutgoingEmail.objects.get(pk=claimed.pk).status == OutgoingEmail.Status.SENDING


def test_a_refused_message_is_queued_again_with_its_back_off_and_the_rest_still_go(
    enqueued, flaky_backend, outbox_settings
):
    first, second, third = queue_many(3)
    flaky_backend.failures_left = 1
    before = timezone.now()

    outcome = services.emails_deliver(email_ids=[first.pk, second.pk, third.pk])

    assert outcome == {"sent": 2, "queued": 1, "failed": 0}
    refused = OutgoingEmail.objects.get(pk=first.pk)
    assert refused.status == OutgoingEmail.Status.QUEUED
    assert refused.attempts == 1
    assert "Mail server busy" in refused.last_error
    assert refused.next_attempt_at >= before + timedelta(seconds=30)
    assert len(mail.outbox) == 2


def test_a_message_out_of_attempts_fails_for_good_and_is_visible(
    enqueued, flaky_backend, outbox_settings
):
    (email,) = queue_many(1)
    OutgoingEmail.objects.filter(pk=email.pk).update(attempts=outbox_settings["MAX_ATTEMPTS"] - 1)
    flaky_backend.failures_left = 1

    assert services.emails_deliver(email_ids=[email.pk]) == {"sent": 0, "queued": 0, "failed": 1}
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert stored.status == OutgoingEmail.Status.FAILED
    assert stored.last_error


def test_enqueueing_many_messages_hands_them_to_the_worker_in_batches(monkeypatch):
    batches: list[list[int]] = []
    monkeypatch.setattr(deliver_emails, "delay", batches.append)
    ids = list(range(1, 2 * services.DELIVERY_BATCH + 8))

    services.emails_enqueue(email_ids=ids)

    assert [len(batch) for batch in batches] == [
        services.DELIVERY_BATCH,
        services.DELIVERY_BATCH,
        7,
    ]
    assert [pk for batch in batches for pk in batch] == ids


def test_the_batch_task_delivers_and_says_what_happened(enqueued):
    emails = queue_many(3)

    result = deliver_emails.apply(args=[[email.pk for email in emails]]).get()

    assert result == {"sent": 3, "queued": 0, "failed": 0}
    assert len(mail.outbox) == 3
