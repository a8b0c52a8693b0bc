"""Queueing and delivering outgoing email: nothing sent twice, nothing lost, every failure kept."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.utils import timezone

from outbox import services
from outbox.models import OutgoingEmail
from projects.tests.factories import ProjectFactory

pytestmark = pytest.mark.django_db


def queue(**overrides) -> OutgoingEmail | None:
    values = {
        "kind": "status_report",
        "to": "maria.chen@bluebird.example",
        "subject": "Bluebird payroll: weekly status",
        "template": "outbox/email/base",
        "context": {"action_url": "http://golive.example/projects/7/", "action_label": "Open"},
        "dedup_key": "status_report:7:2025-W14:maria.chen@bluebird.example",
    }
    values.update(overrides)
    return services.email_queue(**values)


def reload(email: OutgoingEmail) -> OutgoingEmail:
    return OutgoingEmail.objects.get(pk=email.pk)


# Queueing


def test_queueing_stores_the_message_with_both_bodies_and_what_it_is_about(enqueued):
    project = ProjectFactory()

    email = queue(about=project)

    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.QUEUED
    assert stored.attempts == 0
    assert stored.about == project
    assert 'href="http://golive.example/projects/7/"' in stored.body_html
    assert "Open: http://golive.example/projects/7/" in stored.body_text


def test_delivery_is_enqueued_only_when_the_transaction_commits(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        email = queue()
        assert enqueued == []

    assert enqueued == [email.pk]


def test_queueing_twice_with_the_same_dedup_key_stores_and_sends_one_message(
    enqueued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = queue()
        second = queue(subject="A second attempt at the same report")

    assert first is not None
    assert second is None
    assert OutgoingEmail.objects.count() == 1
    assert reload(first).subject == "Bluebird payroll: weekly status"
    assert enqueued == [first.pk]


def test_a_duplicate_does_not_break_the_callers_transaction(enqueued):
    queue()
    queue()

    # The caller's transaction is still usable after the refused duplicate.
    assert OutgoingEmail.objects.count() == 1
    assert queue(dedup_key="another") is not None


# Delivery


def test_delivery_sends_plain_text_with_an_html_alternative_and_records_it(outbox_settings):
    email = queue()

    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT

    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["maria.chen@bluebird.example"]
    assert sent.subject == "Bluebird payroll: weekly status"
    assert sent.body == email.body_text
    assert sent.alternatives[0].content == email.body_html
    assert sent.alternatives[0].mimetype == "text/html"
    assert sent.extra_headers["X-Golive-Key"] == email.dedup_key
    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.SENT
    assert stored.attempts == 1
    assert stored.sent_at is not None
    assert stored.last_error == ""


def test_delivering_twice_sends_once(outbox_settings):
    email = queue()

    services.email_deliver(email_id=email.pk)
    assert services.email_deliver(email_id=email.pk) is None

    assert len(mail.outbox) == 1
    assert reload(email).attempts == 1


def test_a_failed_send_is_queued_again_after_a_back_off_and_the_error_is_kept(
    outbox_settings, flaky_backend
):
    flaky_backend.failures_left = 1
    email = queue()
    before = timezone.now()

    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.QUEUED

    assert mail.outbox == []
    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.QUEUED
    assert stored.attempts == 1
    assert stored.last_error == "SMTPException: 451 4.3.0 Mail server busy, try again later"
    assert stored.sent_at is None
    assert before + timedelta(seconds=30) <= stored.next_attempt_at
    assert stored.next_attempt_at <= timezone.now() + timedelta(seconds=30)


def test_the_back_off_doubles_with_each_failure_up_to_the_maximum(outbox_settings):
    assert [services.backoff_seconds(n) for n in range(1, 7)] == [30, 60, 120, 240, 480, 600]


def test_the_next_attempt_waits_longer_and_success_clears_the_error(outbox_settings, flaky_backend):
    flaky_backend.failures_left = 2
    email = queue()

    services.email_deliver(email_id=email.pk)
    before_second = timezone.now()
    services.email_deliver(email_id=email.pk)
    second = reload(email)
    assert second.attempts == 2
    assert second.next_attempt_at >= before_second + timedelta(seconds=60)

    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.SENT
    assert stored.attempts == 3
    assert stored.last_error == ""
    assert len(mail.outbox) == 1


def test_a_message_that_keeps_failing_ends_failed_after_the_last_attempt(
    outbox_settings, flaky_backend
):
    flaky_backend.failures_left = 99
    email = queue()

    outcomes = [services.email_deliver(email_id=email.pk) for _ in range(5)]

    assert outcomes == [OutgoingEmail.Status.QUEUED] * 3 + [OutgoingEmail.Status.FAILED, None]
    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.FAILED
    assert stored.attempts == 4
    assert "Mail server busy" in stored.last_error
    assert mail.outbox == []


def test_retry_queues_a_failed_message_again_and_it_is_then_sent(
    outbox_settings, flaky_backend, enqueued, django_capture_on_commit_callbacks
):
    flaky_backend.failures_left = 4
    email = queue()
    for _ in range(4):
        services.email_deliver(email_id=email.pk)
    assert reload(email).status == OutgoingEmail.Status.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email=reload(email)) is True

    assert enqueued == [email.pk]
    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.QUEUED
    assert stored.attempts == 0
    assert stored.next_attempt_at <= timezone.now()
    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("status", ["queued", "sending", "sent"])
def test_retry_leaves_a_message_that_has_not_failed_alone(
    status, enqueued, django_capture_on_commit_callbacks
):
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=status, attempts=1)

    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email=email) is False

    assert enqueued == []
    stored = reload(email)
    assert (stored.status, stored.attempts) == (status, 1)


# Claims


def test_a_claim_is_exclusive(outbox_settings):
    email = queue()

    first = services.email_claim(email_id=email.pk)
    second = services.email_claim(email_id=email.pk)

    assert first is not None
    assert first.status == OutgoingEmail.Status.SENDING
    assert first.claimed_at is not None
    assert first.attempts == 1
    assert second is None
    assert reload(email).attempts == 1


def test_a_message_claimed_by_another_worker_is_not_sent_again(outbox_settings):
    email = queue()
    services.email_claim(email_id=email.pk)

    assert services.email_deliver(email_id=email.pk) is None
    assert mail.outbox == []


# Recovery


def test_recover_enqueues_due_retries_and_claims_left_by_a_dead_worker(outbox_settings, enqueued):
    now = timezone.now()
    due_retry = queue(dedup_key="due")
    later_retry = queue(dedup_key="later")
    stale_claim = queue(dedup_key="stale")
    fresh_claim = queue(dedup_key="fresh")
    sent = queue(dedup_key="sent")
    failed = queue(dedup_key="failed")
    OutgoingEmail.objects.filter(pk=due_retry.pk).update(
        attempts=1, next_attempt_at=now - timedelta(seconds=1)
    )
    OutgoingEmail.objects.filter(pk=later_retry.pk).update(
        attempts=1, next_attempt_at=now + timedelta(seconds=60)
    )
    OutgoingEmail.objects.filter(pk=stale_claim.pk).update(
        status="sending", attempts=1, claimed_at=now - timedelta(seconds=301)
    )
    OutgoingEmail.objects.filter(pk=fresh_claim.pk).update(
        status="sending", attempts=1, claimed_at=now - timedelta(seconds=10)
    )
    OutgoingEmail.objects.filter(pk=sent.pk).update(status="sent", sent_at=now)
    OutgoingEmail.objects.filter(pk=failed.pk).update(status="failed", attempts=4)
    OutgoingEmail.objects.filter(pk__in=[sent.pk, failed.pk]).update(
        next_attempt_at=now - timedelta(hours=1)
    )

    assert services.outbox_recover(now=now) == 2

    assert sorted(enqueued) == sorted([due_retry.pk, stale_claim.pk])
    assert reload(stale_claim).status == OutgoingEmail.Status.QUEUED
    assert reload(fresh_claim).status == OutgoingEmail.Status.SENDING
    assert reload(later_retry).status == OutgoingEmail.Status.QUEUED


def test_a_recovered_claim_is_delivered_once(outbox_settings, enqueued):
    email = queue()
    services.email_claim(email_id=email.pk, now=timezone.now() - timedelta(seconds=400))

    services.outbox_recover()
    for email_id in enqueued * 2:
        services.email_deliver(email_id=email_id)

    assert len(mail.outbox) == 1
    assert reload(email).status == OutgoingEmail.Status.SENT


def test_recover_enqueues_at_most_one_batch(outbox_settings, enqueued):
    outbox_settings["RECOVER_BATCH"] = 2
    for n in range(3):
        queue(dedup_key=f"batch:{n}")

    assert services.outbox_recover() == 2
    assert len(enqueued) == 2


# Text that must not break an email


def test_a_line_break_in_a_subject_becomes_a_space_and_the_email_is_sent(outbox_settings):
    email = queue(subject="Bluebird\r\npayroll:\tweekly\x00status\u2028now ")

    assert reload(email).subject == "Bluebird payroll: weekly status now"
    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    assert mail.outbox[0].subject == "Bluebird payroll: weekly status now"


def test_a_row_stored_with_a_line_break_in_its_subject_is_still_sent(outbox_settings):
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(subject="Granite\r\nBcc: all@x.example")

    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.SENT
    assert mail.outbox[0].subject == "Granite Bcc: all@x.example"
    assert "Bcc" not in mail.outbox[0].message()


@pytest.mark.parametrize(
    "to",
    ["maria.chen@bluebird.example\r\nBcc: all@x.example", "not an address\n"],
    ids=["header injection", "newline in the address"],
)
def test_a_message_that_can_never_be_sent_fails_at_once_with_its_reason(
    outbox_settings, enqueued, to
):
    email = queue(to=to)

    assert services.email_deliver(email_id=email.pk) == OutgoingEmail.Status.FAILED

    assert mail.outbox == []
    stored = reload(email)
    assert stored.status == OutgoingEmail.Status.FAILED
    assert stored.attempts == 1
    assert stored.last_error.startswith("Not retried, this message can never be sent: ")
    assert "BadHeaderError" in stored.last_error
    enqueued.clear()
    services.outbox_recover(now=timezone.now() + timedelta(days=1))
    assert enqueued == []


class OfflineSmtpBackend(SmtpBackend):
    """Django's SMTP backend up to the wire: it checks every address as for a real server."""

    sent: list = []

    def open(self):
        if self.connection is None:
            self.connection = SimpleNamespace(
                sendmail=lambda *args, **kwargs: OfflineSmtpBackend.sent.append(args),
                quit=lambda: None,
            )
            return True
        return False


def test_an_invalid_recipient_address_fails_at_once_with_its_reason(outbox_settings, settings):
    settings.EMAIL_BACKEND = f"{__name__}.OfflineSmtpBackend"
    OfflineSmtpBackend.sent = []
    bad, good = queue(to="maria.chen@"), queue(dedup_key="good", to="maria.chen@bluebird.example")

    assert services.email_deliver(email_id=bad.pk) == OutgoingEmail.Status.FAILED
    assert services.email_deliver(email_id=good.pk) == OutgoingEmail.Status.SENT
    stored = reload(bad)
    assert stored.attempts == 1
    assert stored.last_error == (
        'Not retried, this message can never be sent: ValueError: Invalid address "maria.chen@"'
    )
    assert len(OfflineSmtpBackend.sent) == 1


class RefusingBackend(LocmemBackend):
    """A mail server that answers every recipient with the code given on the class."""

    code = 550

    def send_messages(self, messages):
        import smtplib

        code = RefusingBackend.code
        raise smtplib.SMTPRecipientsRefused(
            {"maria.chen@bluebird.example": (code, b"5.1.1 No such user")}
        )


@pytest.mark.parametrize(("code", "status"), [(550, "failed"), (450, "queued")])
def test_a_recipient_refused_for_good_fails_at_once_and_a_passing_refusal_is_retried(
    outbox_settings, settings, code, status
):
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    RefusingBackend.code = code
    email = queue()

    assert services.email_deliver(email_id=email.pk) == status
    assert reload(email).attempts == 1


# The same message, whatever the number of copies


def test_every_copy_of_a_message_carries_the_same_message_id_from_its_dedup_key(
    outbox_settings, settings
):
    settings.DEFAULT_FROM_EMAIL = "Golive <golive@acme-implementations.example>"
    email = queue()
    services.email_deliver(email_id=email.pk)
    # As when the worker died after the server took the message, before it was recorded.
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.QUEUED)
    services.email_deliver(email_id=email.pk)
    other = queue(dedup_key="status_report:8:2025-W14:maria.chen@bluebird.example")
    services.email_deliver(email_id=other.pk)

    ids = [message.message()["Message-ID"] for message in mail.outbox]
    assert ids[0] == ids[1] != ids[2]
    assert ids[0] == services.message_id(email.dedup_key)
    assert ids[0].startswith("<") and ids[0].endswith("@golive.acme-implementations.example>")
    assert len(ids[0]) == len("<@golive.acme-implementations.example>") + 32


# Redis down


@pytest.fixture
def broker_down(monkeypatch):
    """Celery's broker refuses every task, as when Redis is stopped."""
    from kombu.exceptions import OperationalError

    from outbox.tasks import deliver_email, deliver_emails

    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(deliver_email, "delay", refuse)
    monkeypatch.setattr(deliver_emails, "delay", refuse)


def test_with_redis_down_queueing_commits_the_email_and_logs_instead_of_failing(
    broker_down, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        single = queue()
        many = services.emails_queue_bulk(
            messages=[
                services.Message(
                    kind="alert",
                    to=f"owner{n}@vendor.example",
                    subject="Overdue task",
                    template="outbox/email/base",
                    context={},
                    dedup_key=f"alert:{n}",
                )
                for n in range(3)
            ]
        )

    stored = OutgoingEmail.objects.filter(pk__in=[single.pk, *many.values()])
    assert set(stored.values_list("status", flat=True)) == {OutgoingEmail.Status.QUEUED}
    assert stored.count() == 4
    refusals = [r for r in caplog.records if "outbox.recover will send them" in r.getMessage()]
    assert len(refusals) == 2 and all(r.levelname == "ERROR" for r in refusals)


def test_with_redis_down_retry_still_marks_the_failed_email_queued(
    broker_down, django_capture_on_commit_callbacks
):
    email = queue()
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    with django_capture_on_commit_callbacks(execute=True):
        assert services.email_retry(email=email)
    assert reload(email).status == OutgoingEmail.Status.QUEUED
