"""End to end, the go-live jobs: a real Celery worker on Redis and PostgreSQL, a real SMTP
server. The handoff report is built once per go-live even when its job runs twice at once,
support is told once when it is sent, and two digest ticks at once send each rep one digest."""

import time

import pytest
from django.db import transaction
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import ClientFactory, ContactFactory, UserFactory
from golive import services as golive_services
from golive.tasks import build_handoff_report, sales_digest
from onboarding.tests.conftest import SKIP_REASON, uses_postgresql, wait_until
from onboarding.tests.test_jobs_e2e import DELIVERY_SECONDS, GRACE_SECONDS, task_results
from outbox.models import OutgoingEmail
from projects.models import HandoffReport, Phase
from projects.services import handoff_report_send
from projects.tests.factories import MilestoneFactory, ProjectFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not uses_postgresql(), reason=SKIP_REASON),
]


@pytest.fixture
def digest_due_any_time(monkeypatch):
    """The worker starts with this environment: the week's digest is due from Monday 00:00."""
    monkeypatch.setenv("SALES_DIGEST_WEEKDAY", "0")
    monkeypatch.setenv("SALES_DIGEST_HOUR", "0")


def test_go_live_builds_the_handoff_once_and_support_is_told_once(celery_worker, inbox):
    pm = UserFactory(username="e2e_pm", email="pm@vendor.example", role=Role.PM)
    UserFactory(username="e2e_support", email="desk@vendor.example", role=Role.SUPPORT)
    client = ClientFactory(name="Bluebird Logistics")
    contact = ContactFactory(client=client, name="Maria Chen")
    project = ProjectFactory(name="Bluebird payroll", pm=pm, client=client, phase=Phase.TESTING)
    MilestoneFactory(
        project=project,
        is_golive_critical=True,
        completed_on=timezone.localdate(),
        signed_off_by=contact,
        signed_off_at=timezone.now(),
    )
    project.uat_signed_off_at, project.uat_signed_off_by = timezone.now(), contact
    project.save()

    with transaction.atomic():
        change = golive_services.project_go_live(project=project, user=pm)
    # The same build enqueued again (a retry, a second beat): one of the two builds.
    build_handoff_report.delay(project.pk, change.pk)
    wait_until(
        lambda: len(task_results(celery_worker, "golive.build_handoff_report")) == 2,
        timeout=DELIVERY_SECONDS,
        what=f"two runs of the handoff build\n{celery_worker.log_tail()}",
    )
    report = HandoffReport.objects.get(project=project)
    assert sorted(task_results(celery_worker, "golive.build_handoff_report")) == [
        f"'report {report.pk} already built'",
        f"'report {report.pk} built'",
    ]
    assert report.built_for_change_id == change.pk
    assert report.built_data["client"]["name"] == "Bluebird Logistics"

    handoff_report_send(report=report, user=pm)
    wait_until(
        lambda: OutgoingEmail.objects.filter(kind="handoff_report", status="sent").count() == 2,
        timeout=DELIVERY_SECONDS,
        what=f"delivery to support\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)
    # Support is told once on each address; the client's contact gets one survey of go-live.
    assert sorted(message["To"] for message in inbox.messages) == sorted(
        ["desk@vendor.example", "support@golive.example", contact.email]
    )
    to_contact = next(m for m in inbox.messages if m["To"] == contact.email)
    assert to_contact["Subject"] == "How did we do? Bluebird payroll"
    report.refresh_from_db()
    to_desk = next(m for m in inbox.messages if m["To"] == "support@golive.example")
    assert "Maria Chen" in to_desk.get_body(preferencelist=("html",)).get_content()
    assert "Maria Chen" in report.sent_html


def test_two_digest_ticks_at_once_send_each_rep_one_digest(
    digest_due_any_time, celery_worker, inbox
):
    reps = [
        UserFactory(username=f"e2e_rep{n}", email=f"rep{n}@vendor.example", role=Role.SALES)
        for n in range(2)
    ]
    UserFactory(username="e2e_rep_idle", email="idle@vendor.example", role=Role.SALES)
    for n, rep in enumerate(reps):
        ProjectFactory(
            name=f"Payroll {n}", client=ClientFactory(name=f"Account {n}", sales_rep=rep)
        )

    sales_digest.delay()
    sales_digest.delay()
    wait_until(
        lambda: (
            len(task_results(celery_worker, "golive.sales_digest")) == 2
            and OutgoingEmail.objects.filter(kind="sales_digest", status="sent").count() == 2
        ),
        timeout=DELIVERY_SECONDS,
        what=f"delivery of the digests\n{celery_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)
    assert sorted(message["To"] for message in inbox.messages) == [
        "rep0@vendor.example",
        "rep1@vendor.example",
    ]
    for n, message in enumerate(sorted(inbox.messages, key=lambda m: m["To"])):
        assert f"Account {n}" in message.get_body(preferencelist=("plain",)).get_content()
