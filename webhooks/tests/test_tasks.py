"""The Celery tasks around delivery, run in-process as the worker would run them."""

import uuid
from unittest import mock

import pytest
from celery.exceptions import Retry

from onboarding.celery import app
from onboarding.schedules import beat_schedule
from webhooks import services
from webhooks.events import Event
from webhooks.models import WebhookDelivery
from webhooks.tasks import deliver_webhook, recover_webhooks
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def test_the_tasks_are_registered_and_the_beat_runs_the_recovery():
    assert "webhooks.deliver" in app.tasks
    assert "webhooks.recover" in app.tasks
    assert beat_schedule()["webhooks-recover"]["task"] == "webhooks.recover"


def test_after_a_failure_the_task_retries_when_the_back_off_has_passed(receiver):
    WebhookEndpointFactory(url=receiver.url)
    receiver.statuses = [502]
    services.event_record(event=Event.WENT_LIVE, event_id=uuid.uuid4(), data={})
    delivery = WebhookDelivery.objects.get()

    with mock.patch.object(deliver_webhook, "retry", side_effect=Retry()) as retry:
        deliver_webhook.apply(args=[delivery.pk])

    countdown = retry.call_args.kwargs["countdown"]
    assert 28 < countdown <= 30
    assert deliver_webhook.apply(args=[delivery.pk]).get() == "delivered"
    # Run again (a duplicate message): nothing more is sent.
    assert deliver_webhook.apply(args=[delivery.pk]).get() is None
    assert len(receiver.received) == 2


def test_the_recovery_task_enqueues_what_is_due():
    WebhookEndpointFactory()
    services.event_record(event=Event.WENT_LIVE, event_id=uuid.uuid4(), data={})
    with mock.patch("webhooks.tasks.deliver_webhook.delay") as enqueue:
        assert recover_webhooks.apply().get() == 1
    enqueue.assert_called_once_with(WebhookDelivery.objects.get().pk)


def test_a_paused_endpoint_is_sent_nothing_until_it_is_active_again(receiver):
    endpoint = WebhookEndpointFactory(url=receiver.url)
    services.event_record(event=Event.WENT_LIVE, event_id=uuid.uuid4(), data={})
    endpoint.active = False
    endpoint.save(update_fields=["active"])
    delivery = WebhookDelivery.objects.get()
    assert services.delivery_deliver(delivery_id=delivery.pk) is None
    assert services.webhooks_recover() == 0
    endpoint.active = True
    endpoint.save(update_fields=["active"])
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED
    assert len(receiver.received) == 1
