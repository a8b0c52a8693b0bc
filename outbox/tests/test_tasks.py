"""The Celery tasks around delivery, run in-process as the worker would run them."""

from datetime import timedelta
from unittest import mock

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.utils import timezone

from onboarding.celery import app
from outbox import services
from outbox.models import OutgoingEmail
from outbox.tasks import deliver_email, recover_outbox

pytestmark = pytest.mark.django_db


def queue(key: str = "escalation:task:12:owner") -> OutgoingEmail:
    return services.email_queue(
        kind="escalation",
        to="owner@vendor.example",
        subject="Task overdue: send the employee census file",
        template="outbox/email/base",
        context={"action_url": "http://golive.example/tasks/12/"},
        dedup_key=key,
    )


def test_the_tasks_are_registered_under_the_names_the_schedule_uses():
    assert "outbox.deliver_email" in app.tasks
    assert "outbox.recover" in app.tasks


def test_deliver_sends_a_queued_message(outbox_settings):
    email = queue()

    result = deliver_email.apply(args=[email.pk])

    assert result.get() == "sent"
    assert len(mail.outbox) == 1


def test_deliver_does_nothing_for_a_message_already_sent(outbox_settings):
    email = queue()
    deliver_email.apply(args=[email.pk])

    assert deliver_email.apply(args=[email.pk]).get() is None
    assert len(mail.outbox) == 1


def test_after_a_failed_send_the_task_retries_when_the_back_off_has_passed(
    outbox_settings, flaky_backend
):
    flaky_backend.failures_left = 1
    email = queue()

    with mock.patch.object(deliver_email, "retry", side_effect=Retry()) as retry:
        deliver_email.apply(args=[email.pk])

    countdown = retry.call_args.kwargs["countdown"]
    assert 29 <= countdown <= 30
    assert mail.outbox == []


def test_the_task_keeps_retrying_until_the_send_succeeds(outbox_settings, flaky_backend):
    flaky_backend.failures_left = 2
    email = queue()

    # Run eagerly, Celery performs each retry at once instead of after the countdown.
    assert deliver_email.apply(args=[email.pk]).get() == "sent"

    assert len(mail.outbox) == 1
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.SENT, 3)


def test_the_task_gives_up_after_the_last_attempt(outbox_settings, flaky_backend):
    flaky_backend.failures_left = 99
    email = queue()

    assert deliver_email.apply(args=[email.pk]).get() == "failed"

    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert (stored.status, stored.attempts) == (OutgoingEmail.Status.FAILED, 4)
    assert mail.outbox == []


def test_recover_task_re_enqueues_what_a_dead_worker_left(outbox_settings, enqueued):
    email = queue()
    services.email_claim(email_id=email.pk, now=timezone.now() - timedelta(minutes=10))

    assert recover_outbox.apply().get() == 1
    assert enqueued == [email.pk]
