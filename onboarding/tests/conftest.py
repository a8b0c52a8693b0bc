"""Fixtures for the end-to-end job tests: a real SMTP server and a real Celery worker process.

The worker is a separate process, so it works on the test database through PostgreSQL (it
cannot see SQLite's in-memory test database) and takes its tasks from a Redis database of its
own, emptied before each test.
"""

import asyncio
import ctypes
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from email import message_from_bytes, policy
from email.message import EmailMessage
from itertools import count
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit, urlunsplit

import pytest
import redis
from aiosmtpd.controller import Controller
from django.conf import settings
from django.db import connection

SKIP_REASON = "needs PostgreSQL and Redis: run via .ci/run or set DATABASE_URL and REDIS_URL"
# The e2e tests' Redis databases: one per process of the suite (pytest-xdist's gw0, gw1…), so
# that tests running at once never take each other's messages, nor empty each other's queue.
FIRST_E2E_REDIS_DB = 8
REDIS_DATABASES = 16
WORKER_READY_SECONDS = 60
WORKER_STOP_SECONDS = 15


def uses_postgresql() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


def wait_until(condition: Callable[[], object], *, timeout: float, what: str, every=0.05):
    """Poll `condition` until it is true; fail saying what did not happen."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"Waited {timeout:g} s, but {what} did not happen.")
        time.sleep(every)


# The SMTP server


class SmtpInbox:
    """An aiosmtpd handler that keeps what it accepts, and can refuse or hold messages.

    `refuse_next = K` answers the next K messages with "451 try again later". `hold_after(n)`
    accepts n messages, then keeps every later sender waiting for the server's answer until
    `release()`. A sender that goes away meanwhile has delivered nothing, as with a mail server
    that takes a message only once it has said so; with `taken_first=True` the server has
    taken the message already and only its answer is slow, so the message arrives even though
    its sender never hears so.
    """

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse_next = 0
        self.refused = 0
        self.held = 0
        self._hold_after: int | None = None
        self._taken_first = False
        self._released = threading.Event()

    async def handle_DATA(self, server, session, envelope) -> str:  # the name aiosmtpd calls
        if self.refuse_next > 0:
            self.refuse_next -= 1
            self.refused += 1
            return "451 4.3.0 Try again later"
        if self._hold_after is not None and len(self.messages) >= self._hold_after:
            if self._taken_first:
                self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
            self.held += 1
            try:
                # aiosmtpd cancels this coroutine if the sender disconnects while it waits.
                while not self._released.is_set():
                    await asyncio.sleep(0.01)
            finally:
                self.held -= 1
            if self._taken_first:
                return "250 2.0.0 Accepted"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 2.0.0 Accepted"

    def hold_after(self, accepted: int, *, taken_first: bool = False) -> None:
        self._released.clear()
        self._taken_first = taken_first
        self._hold_after = accepted

    def release(self) -> None:
        self._hold_after = None
        self._released.set()

    def keys(self) -> list[str]:
        """The X-Golive-Key header of every message received, duplicates included."""
        return [message["X-Golive-Key"] for message in self.messages]

    def times_received(self) -> Counter:
        return Counter(self.keys())

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[SmtpInbox, int]]:
    # aiosmtpd logs every connection at INFO; a failing test's output needs the worker's log.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    inbox = SmtpInbox()
    port = free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, server_hostname="smtp.golive-e2e.test"
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        inbox.release()
        controller.stop()


# The broker


def e2e_redis_url() -> str:
    """REDIS_URL (or the local default) with the database number kept for these tests."""
    base = os.environ.get("REDIS_URL") or "redis://127.0.0.1:6379/0"
    parts = urlsplit(base)
    if parts.scheme not in ("redis", "rediss"):
        pytest.fail(f"REDIS_URL must be a redis:// or rediss:// URL for these tests, not {base}")
    return urlunsplit(parts._replace(path=f"/{e2e_redis_db()}", query=""))


def e2e_redis_db() -> int:
    worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
    if FIRST_E2E_REDIS_DB + worker >= REDIS_DATABASES:
        most = REDIS_DATABASES - FIRST_E2E_REDIS_DB
        pytest.fail(f"The e2e tests have Redis databases for {most} test processes at most.")
    return FIRST_E2E_REDIS_DB + worker


@contextmanager
def celery_broker(url: str) -> Iterator[None]:
    """Point this process's Celery app at `url`, so what it enqueues reaches the worker."""
    from onboarding.celery import app

    def switch(broker_url: str, transport_options: dict) -> None:
        app.conf.broker_url = broker_url
        app.conf.broker_transport_options = transport_options
        # The app keeps the connection and producer pools of the broker it first used; kombu
        # keeps every pool by URL, so dropping the app's references is enough.
        app._pool = None
        app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.broker_transport_options)
    switch(url, {"visibility_timeout": 3600})
    try:
        yield
    finally:
        switch(*saved)


# Celery reads these from the environment before its configuration: they would win over ours.
CELERY_ENV_OVERRIDES = ("CELERY_BROKER_URL", "CELERY_BROKER_READ_URL", "CELERY_BROKER_WRITE_URL")


@pytest.fixture
def e2e_broker(monkeypatch) -> Iterator[str]:
    for name in CELERY_ENV_OVERRIDES:
        monkeypatch.delenv(name, raising=False)
    url = e2e_redis_url()
    client = redis.Redis.from_url(url)
    try:
        client.flushdb()
    except redis.ConnectionError as error:
        if os.environ.get("REDIS_URL"):
            pytest.fail(f"Redis at {url} is not reachable: {error}")
        pytest.skip(f"{SKIP_REASON} (no Redis at {url})")
    finally:
        client.close()
    with celery_broker(url):
        yield url


class RedisServer:
    """A redis-server of a test's own on a spare port, which the test may stop and start.

    Nothing is saved to disk, so a restarted server is empty, as a Redis restarted without
    persistence is: every task that was waiting in it is gone.
    """

    def __init__(self, *, log_path: Path) -> None:
        self.port = free_port()
        self.log_path = log_path
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        assert self.process is None, "this Redis is running already"
        binary = shutil.which("redis-server")
        if binary is None:
            pytest.fail("redis-server is not installed (apt-get install redis-server)")
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - Redis with our own arguments
                [binary, "--bind", "127.0.0.1", "--port", str(self.port)]
                + ["--save", "", "--appendonly", "no", "--dir", str(self.log_path.parent)],
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

        def answers_ping() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"redis-server exited at start:\n{self.log_path.read_text()}")
            client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
            try:
                return bool(client.ping())
            except redis.ConnectionError:
                return False
            finally:
                client.close()

        wait_until(answers_ping, timeout=10, what=f"redis-server's start on port {self.port}")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None


@pytest.fixture
def own_redis(tmp_path) -> Iterator[RedisServer]:
    server = RedisServer(log_path=tmp_path / "redis-server.log")
    server.start()
    try:
        yield server
    finally:
        server.stop()


# The worker


def worker_database_url() -> str:
    """The URL of the database this test run uses, e.g. postgres://postgres@host:5432/test_golive."""
    db = connection.settings_dict
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    netloc = f"{credentials}@" if credentials else ""
    netloc += db["HOST"] or ""
    if db["PORT"]:
        netloc += f":{db['PORT']}"
    options = {key: value for key, value in db["OPTIONS"].items() if isinstance(value, str)}
    query = f"?{urlencode(options)}" if options else ""
    return f"postgres://{netloc}/{quote(db['NAME'], safe='')}{query}"


def _die_with_parent() -> None:
    """In the worker, before exec: on Linux, get SIGTERM should this test process die."""
    if sys.platform.startswith("linux"):
        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class CeleryWorker:
    """A real `celery worker` process in a process group of its own, so nothing outlives it."""

    _names = count(1)

    def __init__(self, *, env: dict[str, str], log_path: Path) -> None:
        self.env = env
        self.log_path = log_path
        self.process: subprocess.Popen | None = None
        self.node = ""

    def start(self) -> None:
        from onboarding.celery import app

        assert self.process is None, "the worker is running already"
        # Unique across test runs too, so a ping is never answered by some other worker.
        self.node = f"e2e-{os.getpid()}-{next(self._names)}@golive-tests"
        celery = Path(sys.executable).parent / "celery"
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own executable and arguments
                [
                    str(celery),
                    "-A",
                    "onboarding",
                    "worker",
                    "--pool=prefork",
                    "--concurrency=2",
                    "--loglevel=INFO",
                    "--without-gossip",
                    "--without-mingle",
                    "-n",
                    self.node,
                ],
                cwd=settings.BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_die_with_parent,
            )

        def answers_ping() -> bool:
            if self.process.poll() is not None:
                pytest.fail(f"The Celery worker exited at start.\n{self.log_tail()}")
            return bool(app.control.ping(destination=[self.node], timeout=0.5))

        wait_until(answers_ping, timeout=WORKER_READY_SECONDS, what="the worker's start")

    def kill(self) -> None:
        """SIGKILL to the whole worker: the main process and every pool process, mid-task."""
        assert self.process is not None
        self._signal_group(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def stop(self) -> None:
        """SIGTERM to every process of the worker; whatever is left after a while is killed."""
        if self.process is None:
            return
        if self.process.poll() is None:
            # To the pool processes too, not only the main one: the shutdown takes half as long.
            self._signal_group(signal.SIGTERM)
            with suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=WORKER_STOP_SECONDS)
        self._signal_group(signal.SIGKILL)
        self.process.wait()
        self.process = None

    def _signal_group(self, signum: int) -> None:
        with suppress(ProcessLookupError):  # the group has no process left
            os.killpg(self.process.pid, signum)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")

    def log_tail(self, lines: int = 60) -> str:
        return "Worker log (last lines):\n" + "\n".join(self.log().splitlines()[-lines:])


@pytest.fixture
def celery_worker(
    transactional_db,
    settings,
    smtp_server,
    e2e_broker,
    tmp_path,
) -> Iterator[CeleryWorker]:
    """A running worker on the test database and the e2e Redis, sending to `smtp_server`.

    The test's rows are committed so that the worker sees them; the database is emptied and
    its migration data (role groups…) restored afterwards. Back-off and claim timeout are
    short, in the worker and in this process alike, so that retries and recovery happen
    within seconds.
    """
    if not uses_postgresql():
        pytest.skip(SKIP_REASON)
    _, smtp_port = smtp_server
    settings.OUTBOX = {**settings.OUTBOX, "RETRY_BASE_SECONDS": 1, "CLAIM_TIMEOUT_SECONDS": 5}
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "onboarding.settings",
        "DATABASE_URL": worker_database_url(),
        "REDIS_URL": e2e_broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "OUTBOX_RETRY_BASE_SECONDS": "1",
        "OUTBOX_CLAIM_TIMEOUT_SECONDS": "5",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DEBUG": "true",
        "PYTHONUNBUFFERED": "1",
    }
    worker = CeleryWorker(env=env, log_path=tmp_path / "celery-worker.log")
    try:
        worker.start()
        yield worker
    finally:
        smtp_server[0].release()
        worker.stop()


@pytest.fixture
def inbox(smtp_server) -> SmtpInbox:
    return smtp_server[0]
