"""End to end: a phase change reaches a real receiver through a real Celery worker on Redis.

The worker delivers to the test's receiver on 127.0.0.1 (allowed by WEBHOOK_ALLOWED_HOSTS in
the worker's environment), which checks every signature from docs/webhooks.md alone; a
receiver failing at first is retried with back-off, and the event arrives verified, once.
"""

import os
import time
from collections.abc import Iterator

import pytest
import redis

from onboarding.tests.conftest import (
    CELERY_ENV_OVERRIDES,
    SKIP_REASON,
    CeleryWorker,
    celery_broker,
    uses_postgresql,
    wait_until,
    worker_database_url,
)
from projects.models import Phase
from projects.services import project_change_phase
from projects.tests.factories import ProjectFactory
from webhooks.events import Event
from webhooks.models import WebhookDelivery
from webhooks.tests.factories import WebhookEndpointFactory
from webhooks.tests.receiver import Receiver

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not uses_postgresql(), reason=SKIP_REASON),
]

DELIVERY_SECONDS = 45
GRACE_SECONDS = 1.5


@pytest.fixture
def broker(monkeypatch) -> Iterator[str]:
    """The Redis of REDIS_URL, its own database number kept (other e2e tests use theirs)."""
    for name in CELERY_ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    url = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    client = redis.Redis.from_url(url)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.skip(f"{SKIP_REASON} (no Redis at {url}: {error})")
    finally:
        client.close()
    with celery_broker(url):
        yield url


@pytest.fixture
def webhook_worker(transactional_db, settings, broker, tmp_path) -> Iterator[CeleryWorker]:
    if not uses_postgresql():
        pytest.skip(SKIP_REASON)
    settings.WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onboarding.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": broker,
        "WEBHOOK_ALLOWED_HOSTS": "127.0.0.1",
        "WEBHOOK_RETRY_BASE_SECONDS": "1",
        "WEBHOOK_CLAIM_TIMEOUT_SECONDS": "5",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }
    worker = CeleryWorker(env=env, log_path=tmp_path / "celery-worker.log")
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()


@pytest.fixture
def live_receiver() -> Iterator[Receiver]:
    running = Receiver().start()
    yield running
    running.stop()


def test_a_phase_change_reaches_the_receiver_signed_once_after_its_failures(
    webhook_worker, live_receiver, manager
):
    endpoint = WebhookEndpointFactory(
        url=live_receiver.url, events=[Event.PHASE_CHANGED, Event.WENT_LIVE]
    )
    live_receiver.secret = endpoint.secret
    live_receiver.statuses = [500]  # the first attempt fails; the retry goes through
    project = ProjectFactory(phase=Phase.TESTING, name="Bluebird payroll")

    project_change_phase(
        project=project, to_phase=Phase.GO_LIVE, user=manager, override_reason="Agreed."
    )

    wait_until(
        lambda: WebhookDelivery.objects.filter(status="delivered").count() == 2,
        timeout=DELIVERY_SECONDS,
        what=f"delivery of both events\n{webhook_worker.log_tail()}",
    )
    time.sleep(GRACE_SECONDS)

    assert all(received.verified for received in live_receiver.received)
    events = sorted(received.headers["Golive-Event"] for received in live_receiver.received)
    # Three requests: one event twice (refused with 500, then taken), the other once.
    assert events.count("project.phase_changed") + events.count("project.went_live") == 3
    taken = {
        received.headers["Golive-Event-Id"]
        for received in live_receiver.received
        if received is not None
    }
    assert taken == {str(d.event_id) for d in WebhookDelivery.objects.all()}
    retried = WebhookDelivery.objects.get(attempts=2)
    assert retried.last_status_code == 200
    assert retried.last_error == ""
    [payload] = {
        r.body for r in live_receiver.received if r.headers["Golive-Event"] == "project.went_live"
    }
    assert b"Bluebird payroll" in payload
