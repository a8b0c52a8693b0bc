"""Events become signed deliveries, sent to a real receiver that checks them from the docs."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from alerts.models import Alert
from alerts.services import alerts_sweep
from clients.tests.factories import ContactFactory
from portal.models import Survey
from portal.services import survey_answer
from projects.models import Phase, Task
from projects.services import project_change_phase
from projects.tests.factories import ProjectFactory, TaskFactory
from webhooks import services
from webhooks.events import Event
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import WebhookEndpointFactory

pytestmark = pytest.mark.django_db


def move(project, to_phase, user):
    return project_change_phase(
        project=project, to_phase=to_phase, user=user, override_reason="Agreed with the client."
    )


def deliver_all() -> list:
    return [
        services.delivery_deliver(delivery_id=pk)
        for pk in WebhookDelivery.objects.order_by("pk").values_list("pk", flat=True)
    ]


def test_a_phase_change_is_delivered_signed_and_the_receiver_verifies_it_from_the_docs(
    receiver, manager, django_capture_on_commit_callbacks
):
    endpoint = WebhookEndpointFactory(url=receiver.url, events=[Event.PHASE_CHANGED])
    receiver.secret = endpoint.secret
    project = ProjectFactory(phase=Phase.CONFIGURATION, name="Acme payroll")

    with (
        mock.patch("webhooks.tasks.deliver_webhook.delay") as enqueue,
        django_capture_on_commit_callbacks(execute=True),
    ):
        change = move(project, Phase.DATA_CONVERSION, manager)

    delivery = WebhookDelivery.objects.get()
    enqueue.assert_called_once_with(delivery.pk)
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED

    [received] = receiver.received
    assert received.verified
    assert received.path == "/hooks/golive"
    assert received.headers["Golive-Event"] == "project.phase_changed"
    assert received.headers["Golive-Event-Id"] == str(delivery.event_id)
    payload = received.payload
    assert payload["id"] == str(delivery.event_id)
    assert payload["type"] == "project.phase_changed"
    assert payload["data"]["project"]["name"] == "Acme payroll"
    assert payload["data"]["from_phase"] == "configuration"
    assert payload["data"]["to_phase"] == "data_conversion"
    assert payload["data"]["changed_at"] == change.changed_at.isoformat()
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 1, 200)
    assert '"received": true' in delivery.last_response


def test_a_wrong_secret_does_not_verify(receiver):
    """The receiver's check is a real one: signed with another secret, it fails."""
    endpoint = WebhookEndpointFactory(url=receiver.url)
    receiver.secret = "whsec_not-the-endpoint-s"
    services.event_record(event=Event.WENT_LIVE, event_id=_uuid(), data={"x": 1})
    deliver_all()
    assert [r.verified for r in receiver.received] == [False]
    assert endpoint.secret != receiver.secret


def _uuid():
    import uuid

    return uuid.uuid4()


def test_after_a_failing_receiver_the_delivery_is_retried_with_back_off_and_then_delivered(
    receiver,
):
    endpoint = WebhookEndpointFactory(url=receiver.url, events=[Event.WENT_LIVE])
    receiver.secret = endpoint.secret
    receiver.statuses = [500, 500]
    services.event_record(event=Event.WENT_LIVE, event_id=_uuid(), data={"project": {"id": 1}})
    delivery = WebhookDelivery.objects.get()

    before = timezone.now()
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.QUEUED
    delivery.refresh_from_db()
    assert delivery.last_status_code == 500
    assert delivery.last_error == "The receiver answered 500."
    first_wait = delivery.next_attempt_at - before
    assert timedelta(seconds=29) < first_wait <= timedelta(seconds=31)
    # Not due yet: the beat's recovery leaves it alone.
    with mock.patch("webhooks.tasks.deliver_webhook.delay") as enqueue:
        assert services.webhooks_recover() == 0
        enqueue.assert_not_called()

    before = timezone.now()
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.QUEUED
    delivery.refresh_from_db()
    second_wait = delivery.next_attempt_at - before
    # Doubled: 30 s, then 60 s.
    assert timedelta(seconds=59) < second_wait <= timedelta(seconds=61)

    with mock.patch("webhooks.tasks.deliver_webhook.delay") as enqueue:
        assert services.webhooks_recover(now=delivery.next_attempt_at) == 1
        enqueue.assert_called_once_with(delivery.pk)
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    assert delivery.last_error == ""
    assert len(receiver.received) == 3
    assert all(r.verified for r in receiver.received)
    # Every attempt sends the same event, with the same id, for receivers to deduplicate.
    assert len({r.body for r in receiver.received}) == 1
    assert len({r.headers["Golive-Event-Id"] for r in receiver.received}) == 1


def test_a_receiver_that_keeps_failing_leaves_the_delivery_failed_after_the_last_attempt(
    receiver,
):
    WebhookEndpointFactory(url=receiver.url)
    receiver.statuses = [503] * 10
    services.event_record(event=Event.WENT_LIVE, event_id=_uuid(), data={})
    delivery = WebhookDelivery.objects.get()
    outcomes = []
    for _ in range(4):
        outcomes.append(services.delivery_deliver(delivery_id=delivery.pk))
    assert outcomes[-1] == WebhookDelivery.Status.FAILED
    assert services.delivery_deliver(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 4


def test_the_same_event_signalled_twice_makes_one_delivery_per_endpoint(receiver, manager):
    first = WebhookEndpointFactory(url=receiver.url, events=[Event.WENT_LIVE])
    WebhookEndpointFactory(url=receiver.url + "/second", events=[Event.WENT_LIVE])
    WebhookEndpointFactory(url=receiver.url + "/phases", events=[Event.PHASE_CHANGED])
    receiver.secret = first.secret
    project = ProjectFactory(phase=Phase.TESTING)

    change = move(project, Phase.GO_LIVE, manager)
    # The same signal again (a second receiver run, a retried job): no second delivery.
    from projects.signals import went_live

    went_live.send(sender=type(project), project=project, change=change, user=manager)

    went = WebhookDelivery.objects.filter(event=Event.WENT_LIVE)
    assert went.count() == 2
    assert went.values("event_id").distinct().count() == 1
    assert WebhookDelivery.objects.filter(event=Event.PHASE_CHANGED).count() == 1

    # The task run twice (a duplicate message, a redelivery by the broker) sends once.
    delivery = went.get(endpoint=first)
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED
    assert services.delivery_deliver(delivery_id=delivery.pk) is None
    assert len(receiver.received) == 1
    data = receiver.received[0].payload["data"]
    project.refresh_from_db()
    assert data["went_live_on"] == project.actual_go_live.isoformat()


def test_no_delivery_for_paused_or_unsubscribed_endpoints(manager):
    WebhookEndpointFactory(events=[Event.PHASE_CHANGED], active=False)
    WebhookEndpointFactory(events=[Event.ALERT_RAISED])
    move(ProjectFactory(phase=Phase.CONFIGURATION), Phase.DATA_CONVERSION, manager)
    assert not WebhookDelivery.objects.exists()


def test_a_handoff_an_alert_and_a_survey_answer_each_become_an_event(manager, pm):
    endpoint = WebhookEndpointFactory()
    project = ProjectFactory(phase=Phase.HYPERCARE, pm=pm)
    move(project, Phase.HANDED_OFF, manager)
    late_project = ProjectFactory(phase=Phase.CONFIGURATION, pm=pm)
    TaskFactory(
        project=late_project,
        title="Send the census file",
        owner_user=pm,
        due_date=timezone.localdate() - timedelta(days=9),
        status=Task.Status.NOT_STARTED,
    )
    alerts_sweep()
    contact = ContactFactory(client=project.client)
    survey = Survey.objects.create(project=project, contact=contact, reason=Survey.Reason.GO_LIVE)
    survey_answer(survey=survey, contact=contact, csat=4, nps=9, comment="Smooth go-live.")
    # Answered again: no second event.
    survey_answer(survey=survey, contact=contact, csat=1, nps=0, comment="Changed my mind.")

    by_event = {}
    for delivery in WebhookDelivery.objects.filter(endpoint=endpoint):
        by_event.setdefault(delivery.event, []).append(json.loads(delivery.body))
    assert set(by_event) == {
        "project.phase_changed",
        "project.handed_off",
        "alert.raised",
        "survey.answered",
    }
    [handed_off] = by_event["project.handed_off"]
    assert handed_off["data"]["project"]["id"] == project.pk
    alert_ids = {payload["data"]["alert"]["id"] for payload in by_event["alert.raised"]}
    assert alert_ids == set(Alert.objects.values_list("pk", flat=True))
    assert alert_ids
    [answered] = by_event["survey.answered"]
    assert answered["data"]["survey"]["csat"] == 4
    assert answered["data"]["survey"]["comment"] == "Smooth go-live."
    # A second sweep finds the same alerts open: nothing new to tell.
    count = WebhookDelivery.objects.count()
    alerts_sweep()
    assert WebhookDelivery.objects.count() == count


def test_a_delivery_in_flight_when_its_worker_died_is_sent_again_by_the_sweep(receiver):
    WebhookEndpointFactory(url=receiver.url)
    services.event_record(event=Event.WENT_LIVE, event_id=_uuid(), data={})
    delivery = WebhookDelivery.objects.get()
    long_ago = timezone.now() - timedelta(hours=1)
    services.delivery_claim(delivery_id=delivery.pk, now=long_ago)  # and then the worker died

    with mock.patch("webhooks.tasks.deliver_webhook.delay") as enqueue:
        assert services.webhooks_recover() == 1
    enqueue.assert_called_once_with(delivery.pk)
    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.DELIVERED


def test_a_rotated_secret_signs_the_next_attempt(receiver):
    endpoint = WebhookEndpointFactory(url=receiver.url)
    old = endpoint.secret
    services.event_record(event=Event.WENT_LIVE, event_id=_uuid(), data={})
    services.endpoint_rotate_secret(endpoint=endpoint)
    endpoint.refresh_from_db()
    assert endpoint.secret != old and endpoint.secret.startswith("whsec_")
    receiver.secret = endpoint.secret
    deliver_all()
    assert receiver.received[0].verified


def test_a_change_rolled_back_leaves_no_delivery_and_sends_nothing(manager):
    from django.db import transaction

    WebhookEndpointFactory(events=[Event.PHASE_CHANGED])
    project = ProjectFactory(phase=Phase.CONFIGURATION)

    class Abandoned(Exception):
        pass

    with mock.patch("webhooks.tasks.deliver_webhook.delay") as enqueue:
        with pytest.raises(Abandoned), transaction.atomic():
            move(project, Phase.DATA_CONVERSION, manager)
            assert WebhookDelivery.objects.count() == 1
            raise Abandoned
        enqueue.assert_not_called()
    assert not WebhookDelivery.objects.exists()


def test_a_receiver_too_slow_to_answer_is_given_up_on_and_retried_later(receiver, settings):
    settings.WEBHOOKS = {**settings.WEBHOOKS, "READ_TIMEOUT_SECONDS": 0.3}
    WebhookEndpointFactory(url=receiver.url)
    receiver.delay = 1.0
    services.event_record(event=Event.WENT_LIVE, event_id=_uuid(), data={})
    delivery = WebhookDelivery.objects.get()

    assert services.delivery_deliver(delivery_id=delivery.pk) == WebhookDelivery.Status.QUEUED
    delivery.refresh_from_db()
    assert "timed out" in delivery.last_error.lower()
    assert delivery.last_status_code is None
