"""End to end: a real Celery worker on Redis and PostgreSQL sends to a real SMTP server.

Nothing is ever lost, and each message arrives once: when everything works, when the mail
server refuses for a while, when the same delivery is enqueued twice at once, when Redis is
down while a page queues email, and for the jobs that write mail: a status report made by two
ticks at once, and an escalation found by two sweeps at once and by a third one later.

SMTP cannot be made exactly-once: when a worker dies while sending, a message the server had
already taken is sent again. So the one weaker promise, checked when the worker is killed in
the middle of a batch, is that at most the messages in flight at that moment arrive twice, each
copy with the same Message-ID. Messages are told apart by their X-Golive-Key header (the
dedup key).
"""

import re
import time
from collections.abc import Iterator
from datetime import timedelta
from functools import partial

import pytest
import redis
from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert
from alerts.tasks import sweep_alerts
from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, UserFactory
from onboarding.tests.conftest import (
    CELERY_ENV_OVERRIDES,
    SKIP_REASON,
    celery_broker,
    uses_postgresql,
    wait_until,
)
from outbox import services
from outbox.models import OutgoingEmail
from outbox.tasks import deliver_email
from projects.tests.factories import ProjectFactory, TaskFactory
from reports.models import StatusReport
from reports.tasks import tick as report_tick

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not uses_postgresql(), reason=SKIP_REASON),
]

# Long enough for a whole batch on a slow CI machine; a passing run takes a fraction of it.
DELIVERY_SECONDS = 45
# How long to keep watching for a duplicate after the last expected message arrived.
GRACE_SECONDS = 1.0


def queue(key: str, *, to: str = "maria.chen@bluebird.example") -> OutgoingEmail:
    return services.email_queue(
        kind="e2e",
        to=to,
        subject=f"Bluebird payroll: weekly status ({key})",
        template="outbox/email/base",
        context={
            "action_url": f"{settings.SITE_URL}/projects/1/",
            "action_label": "Open the project",
        },
        dedup_key=key,
    )


def queue_batch(prefix: str, size: int) -> list[str]:
    """Queue `size` messages in one transaction; delivery is enqueued when it commits."""
    keys = [f"{prefix}:{n}" for n in range(size)]
    with transaction.atomic():
        for n, key in enumerate(keys):
            queue(key, to=f"person{n}@client.example")
    return keys


def sent_count(keys: list[str]) -> int:
    return OutgoingEmail.objects.filter(dedup_key__in=keys, status="sent").count()


def task_results(worker, name: str) -> list[str]:
    """The return values the worker logged for task `name`, in the order they finished."""
    pattern = rf"{re.escape(name)}\[[^]]+\] succeeded in [\d.]+s: (.*)"
    return re.findall(pattern, worker.log())


def test_a_queued_email_is_delivered_once_by_the_worker(celery_worker, inbox):
    email = queue("e2e:single")

    wait_until(
        lambda: OutgoingEmail.objects.get(pk=email.pk).status == "sent",
        timeout=DELIVERY_SECONDS,
        what=f"delivery of the queued message\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)

    assert inbox.keys() == ["e2e:single"]
    message = inbox.messages[0]
    assert message["To"] == "maria.chen@bluebird.example"
    assert message["Subject"] == "Bluebird payroll: weekly status (e2e:single)"
    assert message.get_content_type() == "multipart/alternative"
    plain = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    assert f"Open the project: {settings.SITE_URL}/projects/1/" in plain
    assert f'href="{settings.SITE_URL}/projects/1/"' in html
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert stored.attempts == 1
    assert stored.sent_at is not None


def test_a_message_the_server_refuses_is_retried_and_arrives_once(celery_worker, inbox):
    inbox.refuse_next = 2
    email = queue("e2e:refused-twice")

    wait_until(
        lambda: OutgoingEmail.objects.get(pk=email.pk).status == "sent",
        timeout=DELIVERY_SECONDS,
        what=f"delivery after two refusals\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)

    assert inbox.refused == 2
    assert inbox.keys() == ["e2e:refused-twice"]
    stored = OutgoingEmail.objects.get(pk=email.pk)
    assert stored.attempts == 3
    assert stored.last_error == ""


@pytest.mark.parametrize(
    "taken_first",
    [False, True],
    ids=["the server had not taken them", "the server had taken them"],
)
def test_killing_the_worker_mid_batch_loses_nothing_and_resends_only_what_was_in_flight(
    celery_worker, inbox, e2e_broker, taken_first
):
    """The worker is killed with SIGKILL while it is sending two messages to a slow server,
    and Redis comes back empty. Every message arrives; the two in flight are sent again, so
    they arrive twice if the server had already taken them (and never otherwise), each copy
    with the same Message-ID. Nothing else arrives twice."""
    size, accepted_before_kill = 200, 80
    # After 80 messages the server keeps its next senders waiting, so the worker is killed
    # while both of its pool processes are in the middle of sending a message.
    inbox.hold_after(accepted_before_kill, taken_first=taken_first)
    keys = queue_batch("e2e:batch", size)
    wait_until(
        lambda: inbox.held == 2,
        timeout=DELIVERY_SECONDS,
        what=f"two sends in flight\n{celery_worker.log_tail()}",
    )

    celery_worker.kill()
    wait_until(lambda: inbox.held == 0, timeout=10, what="the server noticing the dead worker")
    in_flight = set(
        OutgoingEmail.objects.filter(dedup_key__in=keys, status="sending").values_list(
            "dedup_key", flat=True
        )
    )
    assert len(in_flight) == 2
    assert len(inbox.messages) == accepted_before_kill + (2 if taken_first else 0)
    # Redis restarted without its data: the deliveries waiting in it are gone.
    redis.Redis.from_url(e2e_broker).flushdb()

    inbox.release()
    celery_worker.start()

    def beat_tick_until_all_sent() -> bool:
        # What the beat schedule does every minute: re-enqueue due rows and stale claims.
        services.outbox_recover()
        return sent_count(keys) == size

    wait_until(
        beat_tick_until_all_sent,
        timeout=DELIVERY_SECONDS,
        every=0.5,
        what=f"delivery of the whole batch\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)

    received = inbox.times_received()
    assert set(received) == set(keys), "a message was lost"
    sent_twice = {key for key, times in received.items() if times > 1}
    assert sent_twice == (in_flight if taken_first else set())
    assert max(received.values()) <= 2
    assert len(inbox.messages) == size + len(sent_twice)
    # A copy sent again is the same message to the reader's mail program.
    for message in inbox.messages:
        assert message["Message-ID"] == services.message_id(message["X-Golive-Key"])
    # The two messages being sent when the worker died were claimed again, and sent once more.
    attempts = dict(
        OutgoingEmail.objects.filter(dedup_key__in=keys).values_list("dedup_key", "attempts")
    )
    assert {key for key, count in attempts.items() if count > 1} == in_flight
    assert {attempts[key] for key in in_flight} == {2}


def test_the_same_delivery_enqueued_twice_at_once_sends_each_message_once(celery_worker, inbox):
    size = 40
    keys = [f"e2e:twice:{n}" for n in range(size)]
    with transaction.atomic():
        for n, key in enumerate(keys):
            email = queue(key, to=f"person{n}@client.example")
            # Right behind email_queue's own enqueue: the worker's two pool processes take
            # both copies of each delivery at the same moment.
            transaction.on_commit(partial(deliver_email.delay, email.pk))

    wait_until(
        lambda: len(task_results(celery_worker, "outbox.deliver_email")) == 2 * size,
        timeout=DELIVERY_SECONDS,
        what=f"both copies of every delivery running\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)

    assert sorted(inbox.keys()) == sorted(keys)
    assert set(
        OutgoingEmail.objects.filter(dedup_key__in=keys).values_list("status", "attempts")
    ) == {("sent", 1)}
    # Of the two copies of each delivery, one sent the message and the other found it taken.
    results = task_results(celery_worker, "outbox.deliver_email")
    assert sorted(results) == ["'sent'"] * size + ["None"] * size


def test_a_status_report_reaches_each_recipient_once(celery_worker, inbox):
    pm = UserFactory(username="e2e_pm", email="pm@vendor.example")
    consultant = UserFactory(username="e2e_consultant", email="consultant@vendor.example")
    rep = UserFactory(username="e2e_rep", email="rep@vendor.example")
    client = ClientFactory(name="Bluebird Logistics", sales_rep=rep)
    ContactFactory(client=client, email="maria.chen@bluebird.example")
    ContactFactory(client=client, email="quiet@bluebird.example", receives_status_reports=False)
    project = ProjectFactory(name="Bluebird payroll", pm=pm, client=client, team=[consultant])
    recipients = sorted(
        ["pm@vendor.example", "consultant@vendor.example", "rep@vendor.example"]
        + ["maria.chen@bluebird.example"]
    )

    # Two beat ticks at once, one on each of the worker's pool processes.
    report_tick.delay()
    report_tick.delay()
    wait_until(
        lambda: (
            len(task_results(celery_worker, "reports.tick")) == 2
            and OutgoingEmail.objects.filter(kind="status_report", status="sent").count() == 4
        ),
        timeout=DELIVERY_SECONDS,
        what=f"delivery of the status report\n{celery_worker.log_tail()}",
    )
    # A third tick, here: the report of this period exists, so nothing is due.
    assert report_tick() == 0
    time.sleep(GRACE_SECONDS)

    assert sorted(task_results(celery_worker, "reports.tick")) == ["0", "1"]
    report = StatusReport.objects.get(project=project)
    assert sorted(message["To"] for message in inbox.messages) == recipients
    assert len(set(inbox.keys())) == 4
    # The team and the sales rep get the internal version, the client's contact the client's.
    subjects = {document.audience: document.subject for document in report.documents.all()}
    assert subjects["internal"] == report.subject
    for message in inbox.messages:
        audience = "client" if message["To"].endswith("@bluebird.example") else "internal"
        assert message["Subject"] == subjects[audience]
        assert "Bluebird payroll" in message.get_body(preferencelist=("html",)).get_content()


def test_an_escalation_reaches_the_task_owner_once(celery_worker, inbox):
    today = timezone.localdate()
    pm = UserFactory(username="e2e_pm", email="pm@vendor.example")
    owner = UserFactory(username="e2e_owner", email="owner@vendor.example")
    project = ProjectFactory(name="Granite payroll", pm=pm)
    task = TaskFactory(
        project=project,
        title="Send the employee census file",
        owner_user=owner,
        start_date=today - timedelta(days=20),
        due_date=today - timedelta(days=10),
    )

    # Two sweeps at once, one on each of the worker's pool processes.
    sweep_alerts.delay()
    sweep_alerts.delay()
    wait_until(
        lambda: (
            len(task_results(celery_worker, "alerts.sweep")) == 2
            and OutgoingEmail.objects.filter(kind="alert", status="sent").exists()
        ),
        timeout=DELIVERY_SECONDS,
        what=f"delivery of the escalation\n{celery_worker.log_tail()}",
    )
    # The next sweep finds the same condition: the alert lasts, and nobody is told again.
    sweep_alerts()
    time.sleep(GRACE_SECONDS)

    assert [message["To"] for message in inbox.messages] == ["owner@vendor.example"]
    assert "Send the employee census file" in inbox.messages[0]["Subject"]
    alert = Alert.objects.get(task=task)
    assert alert.status == Alert.Status.OPEN
    assert alert.notifications.count() == 1


def test_a_line_break_in_a_name_or_title_does_not_stop_the_escalation_email(celery_worker, inbox):
    """Names typed with a line break (stored before forms refused them) reach the subject as a
    space: the email arrives at the first attempt, instead of failing six times."""
    today = timezone.localdate()
    owner = UserFactory(username="e2e_owner", email="owner@vendor.example")
    project = ProjectFactory(name="Granite\r\npayroll")
    TaskFactory(
        project=project,
        title="Send the employee\r\ncensus file\n",
        owner_user=owner,
        start_date=today - timedelta(days=20),
        due_date=today - timedelta(days=10),
    )

    sweep_alerts.delay()
    wait_until(
        lambda: OutgoingEmail.objects.filter(kind="alert", status="sent").exists(),
        timeout=DELIVERY_SECONDS,
        what=f"delivery of the escalation\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)

    [message] = inbox.messages
    assert "Send the employee census file (Granite payroll)" in message["Subject"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    assert OutgoingEmail.objects.get(kind="alert").attempts == 1


class TestRedisOutage:
    """Redis is stopped while people use the app, and started again empty."""

    @pytest.fixture
    def e2e_broker(self, own_redis, monkeypatch) -> Iterator[str]:
        """The worker and this process on a Redis of this test's own, which it stops."""
        for name in CELERY_ENV_OVERRIDES:
            monkeypatch.delenv(name, raising=False)
        with celery_broker(own_redis.url):
            yield own_redis.url

    def test_with_redis_down_pages_answer_and_the_email_arrives_once_when_it_is_back(
        self, celery_worker, inbox, own_redis, client, caplog
    ):
        pm = UserFactory(username="e2e_pm", email="pm@vendor.example", role=Role.PM)
        consultant = UserFactory(
            username="e2e_consultant", email="consultant@vendor.example", role=Role.PM
        )
        rep = UserFactory(username="e2e_rep", email="rep@vendor.example", role=Role.SALES)
        account = ClientFactory(name="Bluebird Logistics", sales_rep=rep)
        ContactFactory(client=account, email="maria.chen@bluebird.example")
        project = ProjectFactory(name="Bluebird payroll", pm=pm, client=account, team=[consultant])
        client.force_login(pm)

        own_redis.stop()
        for page in ("home", "projects:list"):
            assert client.get(reverse(page)).status_code == 200, page
        assert client.get(project.get_absolute_url()).status_code == 200
        answer = client.post(reverse("reports:send_now", args=[project.pk]), follow=True)

        # The PM sees the report sent; it and its four emails are committed, waiting for Redis.
        assert answer.status_code == 200
        assert "Status report sent to 4 recipients." in answer.content.decode()
        report = StatusReport.objects.get(project=project)
        assert answer.redirect_chain[-1][0] == report.get_absolute_url()
        emails = OutgoingEmail.objects.filter(kind="status_report", about_id=report.pk)
        keys = sorted(emails.values_list("dedup_key", flat=True))
        assert len(keys) == 4
        assert set(emails.values_list("status", flat=True)) == {"queued"}
        assert "outbox.recover will send them once the broker is back" in caplog.text
        time.sleep(GRACE_SECONDS)
        assert inbox.messages == []

        own_redis.start()

        def beat_tick_until_all_sent() -> bool:
            # What the beat schedule does every minute, once the worker is connected again.
            services.outbox_recover()
            return sent_count(keys) == len(keys)

        wait_until(
            beat_tick_until_all_sent,
            timeout=DELIVERY_SECONDS,
            every=0.5,
            what=f"delivery after Redis came back\n{celery_worker.log_tail()}",
        )
        time.sleep(GRACE_SECONDS)

        assert inbox.times_received() == dict.fromkeys(keys, 1)
        assert sorted(message["To"] for message in inbox.messages) == sorted(
            [pm.email, consultant.email, rep.email, "maria.chen@bluebird.example"]
        )
