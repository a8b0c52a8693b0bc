"""The background jobs, timed on the benchmark data: sweep, status reports, email delivery.

Each is called the way production calls it (the service behind the beat task, or a real Celery
worker on Redis for delivery), in this process, with the settings bench/run.py set up.
"""

import email.policy
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email.parser import BytesHeaderParser
from pathlib import Path

from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from bench.run import (
    BIN,
    HOST,
    MAX_DELIVERY_SECONDS,
    MAX_REPORTS_SECONDS,
    MAX_SCALED_SWEEP_SECONDS,
    MAX_SWEEP_SECONDS,
    free_port,
    process_group,
    vacuum,
    wait_for,
)

DELIVERY_TIMEOUT_SECONDS = 600


class QueryCounter:
    """Counts the SQL statements run on the default connection, without keeping their text."""

    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def timed() -> Iterator[dict]:
    counter = QueryCounter()
    figures: dict = {}
    started = time.perf_counter()
    with connection.execute_wrapper(counter):
        yield figures
    figures["seconds"] = time.perf_counter() - started
    figures["queries"] = counter.count


# The escalation sweep


def time_sweep(say: Callable[[str], None], limit: float) -> list[dict]:
    from alerts.models import Alert
    from alerts.services import EMAIL_KIND, alerts_sweep
    from outbox.models import OutgoingEmail

    # Every run times the same first sweep: all conditions new, every owner told.
    say("  escalation sweep: removing the alerts of the previous run")
    Alert.objects.all().delete()
    OutgoingEmail.objects.filter(kind=EMAIL_KIND).delete()
    vacuum()
    rows = []
    for key, label in (
        ("sweep-first", "first sweep (every alert new)"),
        ("sweep-next", "next sweep (nothing new)"),
    ):
        say(f"  escalation sweep: {label}")
        emails_before = OutgoingEmail.objects.filter(kind=EMAIL_KIND).count()
        with timed() as figures:
            result = alerts_sweep()
        emails = OutgoingEmail.objects.filter(kind=EMAIL_KIND).count() - emails_before
        rows.append(
            {
                "key": key,
                "job": f"escalation sweep, {label}",
                "work": (
                    f"{result.found:,} conditions; {result.opened:,} alerts opened, "
                    f"{result.escalated:,} escalated; {result.notified:,} notifications "
                    f"in {emails:,} emails (one per person)"
                ),
                **figures,
                "items": result.found,
                "limit": limit,
                "ok": figures["seconds"] < limit,
            }
        )
    return rows


# Status reports


def time_reports(say: Callable[[str], None], limit: float | None) -> list[dict]:
    from outbox.models import OutgoingEmail
    from reports.models import StatusReport
    from reports.selectors import due_reports
    from reports.services import EMAIL_KIND, StatusReportsFailed, reports_send_due

    # Every run makes the same reports: this period's, for every reporting project.
    say("  status reports: removing the reports of the previous run")
    OutgoingEmail.objects.filter(kind=EMAIL_KIND).delete()
    StatusReport.objects.all().delete()
    vacuum()
    now = timezone.now()
    due = len(due_reports(now))
    say(f"  status reports: composing and queueing {due:,} reports")
    failed: list[int] = []
    with timed() as figures:
        try:
            created = reports_send_due(now=now)
        except StatusReportsFailed as failure:
            created, failed = failure.created, failure.failed_project_ids
    emails = OutgoingEmail.objects.filter(kind=EMAIL_KIND).count()
    work = f"{len(created):,} reports of {due:,} due, {emails:,} emails queued"
    if failed:
        work += f"; {len(failed)} FAILED"
    return [
        {
            "key": "reports",
            "job": "weekly status reports (the reports tick)",
            "work": work,
            **figures,
            "items": len(created),
            "limit": limit,
            "ok": (limit is None or figures["seconds"] < limit) and not failed,
        }
    ]


# Email delivery


class CountingSink:
    """An SMTP server's handler that accepts everything and counts each message's dedup key."""

    # Only the headers are parsed: a long key is folded onto a continuation line, and the
    # parser unfolds it.
    HEADERS = BytesHeaderParser(policy=email.policy.default)

    def __init__(self) -> None:
        self.received = 0
        self.keys: Counter = Counter()

    async def handle_DATA(self, server, session, envelope) -> str:  # the name aiosmtpd calls
        key = self.HEADERS.parsebytes(envelope.content)["X-Golive-Key"]
        self.keys[str(key or "")] += 1
        self.received += 1
        return "250 2.0.0 Accepted"


@contextmanager
def smtp_sink() -> Iterator[tuple[CountingSink, int]]:
    sink, port = CountingSink(), free_port()
    controller = Controller(sink, hostname=HOST, port=port, server_hostname="sink.golive-bench")
    controller.start()
    try:
        yield sink, port
    finally:
        controller.stop()


@contextmanager
def celery_worker(env: dict[str, str], log: Path) -> Iterator[None]:
    from onboarding.celery import app

    node = f"bench-{time.time_ns()}@golive-bench"
    command = [
        str(BIN / "celery"),
        "-A",
        "onboarding",
        "worker",
        "--pool=prefork",
        "--loglevel=WARNING",
        "--without-gossip",
        "--without-mingle",
        "-n",
        node,
    ]
    with process_group(command, env=env, log=log, name="the Celery worker") as process:

        def answers() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"The Celery worker exited at start; see {log}")
            return bool(app.control.ping(destination=[node], timeout=0.5))

        wait_for(answers, timeout=60, what="the Celery worker to start")
        yield


def queued_emails(count: int) -> list[int]:
    """The oldest `count` queued emails; made up to `count` from a status report's when short."""
    from outbox.models import OutgoingEmail

    queued = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED)
    ids = list(queued.order_by("pk").values_list("pk", flat=True)[:count])
    missing = count - len(ids)
    if missing > 0:
        model = OutgoingEmail.objects.order_by("-pk").first()
        if model is None:
            raise RuntimeError("No email to copy: run the status reports first.")
        stamp = time.time_ns()
        OutgoingEmail.objects.bulk_create(
            [
                OutgoingEmail(
                    kind="benchmark",
                    to_email=f"reader{n}@bench.example",
                    subject=model.subject,
                    body_text=model.body_text,
                    body_html=model.body_html,
                    dedup_key=f"benchmark:{stamp}:{n}",
                )
                for n in range(missing)
            ],
            batch_size=1000,
        )
        ids = list(queued.order_by("pk").values_list("pk", flat=True)[:count])
    return ids


def time_delivery(
    env: dict[str, str], log_dir: Path, count: int, say: Callable[[str], None]
) -> list[dict]:
    from onboarding.celery import app
    from outbox.models import OutgoingEmail
    from outbox.services import emails_enqueue

    # The sweep and the reports enqueued their deliveries with no worker running; dropping
    # them is what a Redis restart does (the outbox's recovery would send them later).
    app.control.purge()
    ids = queued_emails(count)
    with smtp_sink() as (sink, port):
        worker_env = {**env, "EMAIL_URL": f"smtp://{HOST}:{port}"}
        say("  email delivery: starting the Celery worker")
        with celery_worker(worker_env, log_dir / "celery-worker.log"):
            say(f"  email delivery: {len(ids):,} queued emails to the SMTP sink")
            started = time.perf_counter()
            emails_enqueue(email_ids=ids)
            wait_for(
                lambda: sink.received >= len(ids),
                timeout=DELIVERY_TIMEOUT_SECONDS,
                what=f"{len(ids):,} emails to reach the SMTP sink",
                every=0.05,
            )
            sent = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.SENT)
            wait_for(
                lambda: sent.filter(pk__in=ids).count() == len(ids),
                timeout=60,
                what="every delivered email to be recorded as sent",
                every=0.1,
            )
            seconds = time.perf_counter() - started
    duplicates = sum(n - 1 for n in sink.keys.values() if n > 1)
    return [
        {
            "key": "delivery",
            "job": "email delivery (Celery worker → SMTP)",
            "work": (
                f"{len(ids):,} emails, {sink.received:,} received, {duplicates} duplicates; "
                f"{len(ids) / seconds:,.0f} per second"
            ),
            "seconds": seconds,
            "queries": None,
            "items": len(ids),
            "limit": MAX_DELIVERY_SECONDS,
            "ok": seconds < MAX_DELIVERY_SECONDS and not duplicates,
        }
    ]


def run_all(
    *,
    env: dict[str, str],
    log_dir: Path,
    emails: int,
    say: Callable[[str], None],
    scale: int = 1,
    reports: bool = True,
) -> dict:
    """Every job's figures. At 1× each has a limit in seconds; at N× the sweep has a minute, and
    the reports are held to their cost per item at 1× (bench/run.py compares them)."""
    sweep_limit = MAX_SWEEP_SECONDS if scale == 1 else MAX_SCALED_SWEEP_SECONDS
    reports_limit = MAX_REPORTS_SECONDS if scale == 1 else None
    rows = (
        time_sweep(say, sweep_limit)
        + (time_reports(say, reports_limit) if reports else [])
        + time_delivery(env, log_dir, emails, say)
    )
    for row in rows:
        say(f"    {row['job']}: {row['seconds']:.1f} s — {row['work']}")
    sys.stdout.flush()
    return {"rows": rows}
