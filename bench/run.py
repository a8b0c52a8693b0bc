"""`make bench`: Golive's speed on a large data set: every page rendered, the jobs, an office.

What it does, in order (each step says what it is doing and how long it took):

1. Production-like settings for itself and every process it starts: DEBUG off, a random
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect, PostgreSQL from BENCH_DATABASE_URL
   (default postgres://postgres@127.0.0.1:5432/golive_bench, with _xN after the name at
   --scale N; the database is created when missing) and Redis from BENCH_REDIS_URL (default
   redis://127.0.0.1:6379/14).
2. Migrates, and loads the data set with `seed_demo --scale` until at least N × 5,000 projects
   and N × 250,000 tasks exist (skipped when they do: the data stays between runs).
3. Times the background jobs on that data (bench/jobs.py): the escalation sweep and its query
   count, composing and queueing every due weekly status report, and delivering 10,000 queued
   emails through a real Celery worker to a local SMTP sink.
4. Measures every page of bench/pages.py rendered, in a fresh process with Django's test
   client (bench/inprocess.py): the median Django CPU ms per request, the SQL queries and the
   slowest one, against the limits (CPU ≤ 10 ms and ≤ 3 × the floor page's, ≤ 12 queries, none
   slower than 5 ms).
5. Serves the app with gunicorn on 127.0.0.1 (static files by WhiteNoise after collectstatic)
   and drives each page with wrk (16 connections), beside the bare view /healthz measured first
   and last: stress figures, without a target.
6. Simulates an office with Locust (bench/office.py, bench/locustfile.py): 500 people for 3
   minutes, with a Celery worker and beat running, then the knee, the number of people at which
   p95 passes 500 ms.
7. At --scale N, compares each page's queries and CPU, and each job's cost per item, with the
   newest 1× run in var/bench/.
8. Prints the tables (Markdown, ready for docs/performance.md) with each figure against its
   target, and writes them to var/bench/<time>.md, every figure to var/bench/<time>.json.

Usage: .venv/bin/python -m bench.run [--skip-jobs] [--skip-pages] [--skip-stress]
       [--skip-office] [--skip-knee] [--office-users 500] [--office-duration 3m]
       [--only TEXT] [--scale N] [--strict] ...   (make bench BENCH_ARGS="--skip-office")

It needs PostgreSQL, Redis, and wrk (installed with apt-get when missing and run as root).
It empties the Celery queue of its own Redis database, and deletes and remakes the alerts and
status reports of its own database each run, so every run times the same work.
"""

import argparse
import http.client
import json
import math
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

BASE_DIR = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/golive_bench"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/14"
MIN_PROJECTS = 5_000
MIN_TASKS = 250_000
HOST = "127.0.0.1"

# Targets on a 2-core machine. Every page, rendered: Django CPU per request (median) at most
# MAX_CPU_MS and MAX_FLOOR_RATIO × the floor page's, at most MAX_QUERIES queries, none slower
# than MAX_QUERY_MS. The office's targets are in bench/office.py.
MAX_CPU_MS = 10
MAX_FLOOR_RATIO = 3
MAX_QUERIES = 12
MAX_QUERY_MS = 5
# The load average below which the machine counts as quiet enough to measure pages on.
QUIET_LOAD = 1.0
# The jobs, at 1× and at --scale N (where the reports and deliveries are held to their cost per
# item at 1× instead, and the sweep to a minute).
MAX_SWEEP_SECONDS = 10
MAX_SCALED_SWEEP_SECONDS = 60
MAX_REPORTS_SECONDS = 60
MAX_DELIVERY_SECONDS = 60
# At --scale N against 1×: the same queries, CPU and cost per item within 20 %.
MAX_SCALE_CHANGE = 0.20


def say(text: str) -> None:
    print(text, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--skip-jobs", action="store_true", help="Do not time the jobs.")
    parser.add_argument(
        "--skip-reports",
        action="store_true",
        help="Time the sweep and email delivery, not the status reports (minutes at 10×).",
    )
    parser.add_argument(
        "--skip-pages", action="store_true", help="Do not measure the pages rendered in process."
    )
    parser.add_argument(
        "--skip-stress", action="store_true", help="Do not drive each page with wrk."
    )
    parser.add_argument("--skip-office", action="store_true", help="Do not simulate the office.")
    parser.add_argument(
        "--skip-knee", action="store_true", help="Simulate the office, but not the knee search."
    )
    parser.add_argument("--only", default="", help="Only the pages whose name contains this.")
    parser.add_argument("--duration", default="5s", help="wrk's duration per page (5s).")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections (16).")
    parser.add_argument("--threads", type=int, default=2, help="wrk threads (2).")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn workers (2 × cores + 1).",
    )
    parser.add_argument("--emails", type=int, default=10_000, help="Emails to deliver (10,000).")
    parser.add_argument(
        "--office-users", type=int, default=500, help="People in the simulated office (500)."
    )
    parser.add_argument(
        "--office-duration", default="3m", help="How long the office works (3m; 90s, 1h...)."
    )
    parser.add_argument(
        "--knee-duration", default="60s", help="How long each size of the knee search runs (60s)."
    )
    parser.add_argument(
        "--knee-most", type=int, default=4000, help="The most people the knee search tries (4,000)."
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=1,
        help=(
            "N times the data (at least N × 5,000 projects and N × 250,000 tasks) in a database "
            "of its own (golive_bench_xN), compared with the newest 1× run. The office and the "
            "wrk stress are skipped unless --with-office / --with-stress."
        ),
    )
    parser.add_argument("--with-office", action="store_true", help="At --scale N: the office too.")
    parser.add_argument("--with-stress", action="store_true", help="At --scale N: wrk too.")
    parser.add_argument(
        "--strict", action="store_true", help="Exit with status 1 when a target is missed."
    )
    args = parser.parse_args(argv)
    if args.scale < 1:
        parser.error("--scale must be 1 or more.")
    for name in ("office_duration", "knee_duration"):
        try:
            seconds(getattr(args, name))
        except argparse.ArgumentTypeError as error:
            parser.error(str(error))
    return args


# Settings and services


def database_url(scale: int) -> str:
    """BENCH_DATABASE_URL at 1×; at N×, the same server with the database name suffixed _xN."""
    url = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL)
    if scale == 1:
        return url
    parts = urlsplit(url)
    return parts._replace(path=f"{parts.path.rstrip('/')}_x{scale}").geturl()


def bench_environment(scale: int = 1) -> dict[str, str]:
    """The production-like settings every process of the run shares."""
    return {
        "DJANGO_SETTINGS_MODULE": "onboarding.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://{HOST}",
        "DATABASE_URL": database_url(scale),
        "REDIS_URL": os.environ.get("BENCH_REDIS_URL", DEFAULT_REDIS_URL),
        "EMAIL_URL": "dummymail://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def ensure_database(url: str) -> None:
    """Create the benchmark database when it is missing."""
    import psycopg2
    from psycopg2 import sql

    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql"):
        sys.exit(f"BENCH_DATABASE_URL must be a PostgreSQL URL, not {url}.")
    name = parts.path.lstrip("/")
    try:
        connection = psycopg2.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            password=parts.password,
            dbname="postgres",
        )
    except psycopg2.OperationalError as error:
        sys.exit(f"PostgreSQL at {parts.hostname}:{parts.port or 5432} is not reachable: {error}")
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            say(f"Creating the database {name}")
            cursor.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    connection.close()


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        say("Installing wrk with apt-get")
        install = ["apt-get", "install", "-y", "-q", "wrk"]
        if subprocess.run(install, check=False).returncode != 0:  # noqa: S603
            subprocess.run(["apt-get", "update", "-q"], check=True)  # noqa: S607
            subprocess.run(install, check=True)  # noqa: S603
        wrk = shutil.which("wrk")
    if not wrk:
        sys.exit("The benchmark needs wrk: install it (Debian: apt-get install wrk) and rerun.")
    return wrk


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextmanager
def process_group(command: list[str], *, env: dict[str, str], log: Path, name: str):
    """Run `command` in a process group of its own; SIGTERM it (then SIGKILL) at the end."""
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own executables and arguments
            command,
            cwd=BASE_DIR,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            with suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                say(f"{name} did not stop within 20 s; killing it")
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for(condition, *, timeout: float, what: str, every: float = 0.1):
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if time.monotonic() > deadline:
            raise RuntimeError(f"Waited {timeout:g} s for {what}.")
        time.sleep(every)


def settle(*, limit: float = 90.0, every: float = 5.0) -> float:
    """Wait, at most `limit` seconds, for the load average to fall to QUIET_LOAD; return it.

    The jobs before the pages leave the load average high for a minute after they end (it
    decays over a minute), and their worker's last work can still be running: pages measured
    then cost up to a third more CPU than on a quiet machine.
    """
    deadline = time.monotonic() + limit
    busy = os.getloadavg()[0]
    if busy > QUIET_LOAD:
        say(f"Waiting up to {limit:g} s for the load average ({busy:.1f}) to settle")
    while busy > QUIET_LOAD and time.monotonic() < deadline:
        time.sleep(every)
        busy = os.getloadavg()[0]
    return busy


# Data


def ensure_data(scale: int = 1) -> dict[str, int]:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from projects import demo
    from projects.models import ImplementationProject, Task

    def counts() -> tuple[int, int]:
        return ImplementationProject.objects.count(), Task.objects.count()

    min_projects, min_tasks = MIN_PROJECTS * scale, MIN_TASKS * scale
    projects, tasks = counts()
    if projects and not User.objects.filter(username__startswith="bench-pm-").exists():
        # The benchmark deletes and remakes alerts and status reports: never on real data.
        sys.exit(
            "This database holds projects but no benchmark data (seed_demo --scale): point "
            "BENCH_DATABASE_URL at a database of its own."
        )
    rounds = 0
    while projects < min_projects or tasks < min_tasks:
        rounds += 1
        if rounds > 5:
            sys.exit("seed_demo did not reach the benchmark's size after five rounds.")
        if projects == 0:
            call_command("seed_demo", verbosity=0)
            projects, tasks = counts()
        # Each scaled copy adds the base set's projects, and about as many tasks per project.
        per_copy_projects = len(demo.PROJECTS)
        per_copy_tasks = per_copy_projects * tasks / max(projects, 1)
        scale = max(
            math.ceil((min_projects - projects) / per_copy_projects),
            math.ceil((min_tasks - tasks) / per_copy_tasks * 1.01),
            1,
        )
        say(
            f"Loading data: {projects:,} projects and {tasks:,} tasks so far; "
            f"seed_demo --scale {scale} (about {scale * per_copy_projects:,} projects and "
            f"{round(scale * per_copy_tasks):,} tasks more)"
        )
        started = time.perf_counter()
        call_command("seed_demo", scale=scale, verbosity=0)
        projects, tasks = counts()
        say(f"  done in {time.perf_counter() - started:.0f} s")
    return data_sizes()


def vacuum() -> None:
    """VACUUM ANALYZE: what autovacuum does within minutes of a bulk change in production.

    The benchmark loads data and rewrites the alerts, reports and emails of its last run in
    seconds; without this, the timings would depend on whether autovacuum has caught up.
    """
    from django.db import connection

    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    say(f"VACUUM ANALYZE in {time.perf_counter() - started:.0f} s")


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def data_sizes() -> dict[str, int]:
    from alerts.models import Alert
    from clients.models import Client, Contact
    from outbox.models import OutgoingEmail
    from projects.models import ImplementationProject, Issue, Milestone, Risk, Task, TimeEntry
    from reports.models import StatusReport

    models = {
        "clients": Client,
        "contacts": Contact,
        "projects": ImplementationProject,
        "milestones": Milestone,
        "tasks": Task,
        "risks": Risk,
        "issues": Issue,
        "time entries": TimeEntry,
        "alerts": Alert,
        "status reports": StatusReport,
        "outgoing emails": OutgoingEmail,
    }
    return {label: model.objects.count() for label, model in models.items()}


# Pages


def login_cookies(logins: set[str]) -> dict[str, dict[str, str]]:
    """The cookies of a browser logged in as each demo login, for wrk and the test client.

    A database session, as logging in makes it, and the CSRF cookie that the first page a
    browser opens sets: each page is then asked for as the person's browser would.
    """
    from django.conf import settings
    from django.contrib.auth.models import User
    from django.test import Client
    from django.urls import reverse

    from bench.pages import PORTAL

    browsers = {}
    for username in sorted(logins):
        client = Client(SERVER_NAME=HOST)
        if username == PORTAL:
            from portal.demo import sign_in_demo_contact

            sign_in_demo_contact(client)
        else:
            client.force_login(User.objects.get(username=username))
            client.get(reverse("home"))
        browsers[username] = {
            name: client.cookies[name].value
            for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
        }
    return browsers


def cookie_header(cookies: dict[str, str] | None) -> dict[str, str]:
    if not cookies:
        return {}
    return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}


def fetch(port: int, path: str, headers: dict[str, str]) -> int:
    """The status of one GET."""
    connection = http.client.HTTPConnection(HOST, port, timeout=30)
    try:
        connection.request("GET", path, headers={"Host": HOST, **headers})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def in_process(env: dict[str, str], pages: list[dict]) -> dict[str, dict]:
    """Each page's SQL queries, their time and its Django CPU ms, measured by bench/inprocess.py.

    Django's test client in a fresh process, after a first request has warmed its caches. The
    CPU time (Python only, not the database server's) hardly depends on what else runs on the
    machine, unlike requests per second: it says what a page costs.
    """
    done = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "bench.inprocess"],
        input=json.dumps(pages),
        capture_output=True,
        text=True,
        cwd=BASE_DIR,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"Measuring the pages in process failed:\n{done.stderr}")
    return json.loads(done.stdout)


def run_wrk(wrk: str, port: int, path: str, headers: dict[str, str], args) -> dict:
    command = [
        wrk,
        f"-t{args.threads}",
        f"-c{args.connections}",
        f"-d{args.duration}",
        "--latency",
        "--timeout",
        "10s",
        "-s",
        str(BASE_DIR / "bench" / "latency.lua"),
    ]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    command.append(f"http://{HOST}:{port}{path}")
    output = subprocess.run(  # noqa: S603 - wrk with our own arguments
        command, capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"^BENCH_JSON (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk printed no summary:\n{output}")
    raw = json.loads(match.group(1))
    errors = sum(raw[k] for k in ("connect_errors", "read_errors", "write_errors", "timeouts"))
    return {
        "requests": raw["requests"],
        "rps": raw["requests"] / (raw["duration_us"] / 1e6),
        "p50_ms": raw["p50_us"] / 1000,
        "p95_ms": raw["p95_us"] / 1000,
        "p99_ms": raw["p99_us"] / 1000,
        "non_2xx_3xx": raw["status_errors"],
        "socket_errors": errors,
    }


@contextmanager
def gunicorn(env: dict[str, str], workers: int, log: Path):
    port = free_port()
    command = [
        str(BIN / "gunicorn"),
        "-c",
        str(BASE_DIR / "onboarding" / "gunicorn.conf.py"),
        "onboarding.wsgi",
        "--bind",
        f"{HOST}:{port}",
        "--workers",
        str(workers),
        "--log-level",
        "warning",
    ]
    with process_group(command, env=env, log=log, name="gunicorn") as process:

        def answers() -> bool:
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited at start; see {log}")
            with suppress(OSError):
                return fetch(port, "/healthz", {}) == 200
            return False

        wait_for(answers, timeout=60, what="gunicorn to answer")
        yield port


def chosen_pages(only: str) -> list:
    """The pages of bench/pages.py to measure: the floor page always, it is the yardstick."""
    from bench.pages import FLOOR, PAGES

    return [page for page in PAGES if page is FLOOR or only.lower() in page.name.lower()]


def rendered(env: dict[str, str], pages: list, paths: dict, browsers: dict) -> dict:
    """Each page's figures in process, checked against the limits; the floor page's CPU ms."""
    from bench.pages import FLOOR

    say("Counting each page's queries, their time and Django CPU time in a process of its own")
    measured = in_process(
        env,
        [
            {
                "name": page.name,
                "path": paths[page.name],
                "cookies": browsers.get(page.login, {}),
                "headers": page.headers(),
                "floor": page is FLOOR,
            }
            for page in pages
        ],
    )
    floor_ms = measured[FLOOR.name]["cpu_ms"]
    rows = []
    for page in pages:
        row = {"name": page.name, "login": page.login or "anonymous", "path": paths[page.name]}
        row.update(measured[page.name])
        # Against the floor page measured beside this page, request by request (inprocess.py).
        row["floor_ratio"] = row["cpu_ms"] / (row.get("floor_beside_ms") or floor_ms)
        row["cpu_ok"] = row["cpu_ms"] <= MAX_CPU_MS and row["floor_ratio"] <= MAX_FLOOR_RATIO
        row["queries_ok"] = row["queries"] <= MAX_QUERIES and len(row["query_counts"]) == 1
        row["slowest_ok"] = row["slowest_query_ms"] <= MAX_QUERY_MS
        row["ok"] = row["cpu_ok"] and row["queries_ok"] and row["slowest_ok"]
        rows.append(row)
    return {"floor_cpu_ms": floor_ms, "pages": rows}


def stress(args, wrk: str, port: int, pages: list, paths: dict, browsers: dict) -> dict:
    """Each page under wrk's 16 connections beside the bare view, first and last: no target."""
    from bench.pages import BARE

    for page in pages:
        headers = {**cookie_header(browsers.get(page.login)), **page.headers()}
        status = fetch(port, paths[page.name], headers)
        if status != 200:
            raise RuntimeError(
                f"{page.name} ({paths[page.name]}) answered {status} to {page.login}, not "
                "200: fix the page or its entry in bench/pages.py."
            )
    results: dict = {"bare": [], "pages": []}

    def measure_bare(label: str) -> None:
        say(f"  {BARE.name}, {label}")
        row = run_wrk(wrk, port, BARE.path(), {}, args)
        row.update(name=f"{BARE.name}, {label}", login="", path=BARE.path())
        results["bare"].append(row)

    say(f"Driving the pages with wrk ({args.connections} connections, {args.duration} each)")
    measure_bare("first")
    for page in pages:
        say(f"  {page.name}")
        path = paths[page.name]
        headers = {**cookie_header(browsers.get(page.login)), **page.headers()}
        row = run_wrk(wrk, port, path, headers, args)
        row.update(name=page.name, login=page.login or "anonymous", path=path)
        results["pages"].append(row)
    measure_bare("last")
    bare_rps = sum(row["rps"] for row in results["bare"]) / len(results["bare"])
    for row in results["pages"]:
        row["ratio"] = row["rps"] / bare_rps
    results["bare_rps"] = bare_rps
    return results


def bench_pages(args, env: dict[str, str], wrk: str, log_dir: Path, report: dict) -> None:
    """The pages rendered in process, then with gunicorn serving: wrk's stress and the office."""
    from django.core.management import call_command

    say("Collecting static files for WhiteNoise")
    call_command("collectstatic", interactive=False, verbosity=0)
    busy = settle()
    if busy > QUIET_LOAD:
        say(
            f"Warning: the load average is {busy:.1f} before the pages are measured: other "
            "processes share the CPU (CPU ms per request is hardly affected; requests per "
            "second and latencies are)."
        )
    pages, paths, browsers = [], {}, {}
    if not (args.skip_pages and args.skip_stress):
        pages = chosen_pages(args.only)
        browsers = login_cookies({page.login for page in pages if page.login})
        paths = {page.name: page.path() for page in pages}
    if not args.skip_pages:
        # Before gunicorn starts, so that no server process competes for the CPU meanwhile.
        report["rendered"] = rendered(env, pages, paths, browsers)
    if args.skip_stress and args.skip_office:
        return
    say(f"Starting gunicorn with {args.workers} workers")
    with gunicorn(env, args.workers, log_dir / "gunicorn.log") as port:
        if not args.skip_stress:
            report["stress"] = stress(args, wrk, port, pages, paths, browsers)
        if not args.skip_office:
            from bench import office

            say("Simulating an office with Locust (a Celery worker and beat running)")
            vacuum()
            report["office"] = office.simulate(
                env=env,
                port=port,
                log_dir=log_dir,
                users=args.office_users,
                seconds=seconds(args.office_duration),
                knee=not args.skip_knee,
                knee_seconds=seconds(args.knee_duration),
                knee_most=args.knee_most,
                say=say,
            )


def seconds(duration: str) -> int:
    """ "3m", "90s" or "90" in seconds."""
    match = re.fullmatch(r"\s*(\d+)\s*([smh]?)\s*", str(duration))
    if not match:
        raise argparse.ArgumentTypeError(f"Not a duration: {duration} (say 90s, 3m or 1h).")
    return int(match.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600}[match.group(2)]


def reference_run(log_dir: Path) -> tuple[Path, dict] | None:
    """The newest 1× run that measured the pages and the jobs, for the --scale comparison."""
    for path in sorted(log_dir.glob("*.json"), reverse=True):
        with suppress(ValueError, OSError):
            report = json.loads(path.read_text())
            if report.get("scale", 1) == 1 and "rendered" in report and "jobs" in report:
                return path, report
    return None


def compare_scale(report: dict, reference: dict) -> dict:
    """Each page's queries and CPU, and each job's cost per item, against the 1× run.

    A page's CPU is compared as its ratio to the floor page measured beside it in each run: the
    virtual machine's speed drifts between runs as it does within one, so milliseconds taken
    half an hour apart compare machines as much as data. The floor page itself, the yardstick,
    is compared in ms.
    """
    base_pages = {row["name"]: row for row in reference["rendered"]["pages"]}
    pages = []
    for row in report.get("rendered", {}).get("pages", []):
        base = base_pages.get(row["name"])
        if base is None:
            continue
        ms_change = row["cpu_ms"] / base["cpu_ms"] - 1
        beside = row.get("floor_beside_ms") and base.get("floor_beside_ms")
        change = row["floor_ratio"] / base["floor_ratio"] - 1 if beside else ms_change
        pages.append(
            {
                "name": row["name"],
                "queries_1x": base["queries"],
                "queries": row["queries"],
                "cpu_ms_1x": base["cpu_ms"],
                "cpu_ms": row["cpu_ms"],
                "floor_ratio_1x": base["floor_ratio"],
                "floor_ratio": row["floor_ratio"],
                "ms_change": ms_change,
                "change": change,
                "ok": row["queries"] == base["queries"] and change <= MAX_SCALE_CHANGE,
            }
        )
    # The sweep is held to a minute at N×; the reports and deliveries to their cost per item.
    base_jobs = {
        row["key"]: row
        for row in reference["jobs"]["rows"]
        if row.get("key") in ("reports", "delivery")
    }
    jobs = []
    for row in report.get("jobs", {}).get("rows", []):
        base = base_jobs.get(row.get("key"))
        if base is None or not row.get("items") or not base.get("items"):
            continue
        per_item, base_per_item = row["seconds"] / row["items"], base["seconds"] / base["items"]
        change = per_item / base_per_item - 1
        jobs.append(
            {
                "job": row["job"],
                "items_1x": base["items"],
                "items": row["items"],
                "ms_per_item_1x": base_per_item * 1000,
                "ms_per_item": per_item * 1000,
                "change": change,
                "ok": change <= MAX_SCALE_CHANGE,
            }
        )
    return {"pages": pages, "jobs": jobs}


# Output


def _mark(ok: bool) -> str:
    return "ok" if ok else "**MISSED**"


def rendered_table(rendered: dict) -> str:
    lines = [
        f"Floor page: {rendered['floor_cpu_ms']:.1f} ms of CPU. Limits: CPU ≤ {MAX_CPU_MS} ms "
        f"and ≤ {MAX_FLOOR_RATIO} × the floor page; ≤ {MAX_QUERIES} queries, none slower "
        f"than {MAX_QUERY_MS} ms. Each page's × floor is against the floor page measured "
        "beside it, a request of each in turn.",
        "",
        "| page | login | CPU ms | × floor | queries | slowest query ms | SQL ms | target |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in rendered["pages"]:
        missed = [
            what
            for what, ok in (
                ("CPU", row["cpu_ok"]),
                ("queries", row["queries_ok"]),
                ("slowest query", row["slowest_ok"]),
            )
            if not ok
        ]
        target = "ok" if not missed else "**MISSED** (" + ", ".join(missed) + ")"
        queries = "/".join(str(n) for n in row["query_counts"])
        lines.append(
            f"| {row['name']} | {row['login']} | {row['cpu_ms']:.1f} | {row['floor_ratio']:.2f} | "
            f"{queries} | {row['slowest_query_ms']:.1f} | {row['db_ms']:.1f} | {target} |"
        )
    return "\n".join(lines)


def stress_table(results: dict) -> str:
    lines = [
        "| page | login | req/s | × bare | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for row in [*results["bare"], *results["pages"]]:
        ratio = row.get("ratio", row["rps"] / results["bare_rps"])
        errors = row["non_2xx_3xx"] + row["socket_errors"]
        lines.append(
            f"| {row['name']} | {row['login'] or '–'} | {row['rps']:,.0f} | {ratio:.2f} | "
            f"{row['p50_ms']:.1f} | {row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {errors} |"
        )
    return "\n".join(lines)


def office_tables(office: dict) -> str:
    run = office["run"]
    target = f"no errors, p95 < {office['target_p95_ms']} ms"
    lines = [
        "| people | seconds | requests | req/s | errors | p50 ms | p95 ms | p99 ms | target |",
        "|--:|--:|--:|--:|--:|--:|--:|--:|---|",
        f"| {run['people']:,} | {run['seconds']} | {run['requests']:,} | {run['rps']:.1f} | "
        f"{run['failures']:,} | {run['p50_ms']:.0f} | {run['p95_ms']:.0f} | {run['p99_ms']:.0f} | "
        f"{target}: {_mark(run['ok'])} |",
        "",
        "| page kind | method | requests | req/s | errors | p50 ms | p95 ms | p99 ms |",
        "|---|---|--:|--:|--:|--:|--:|--:|",
    ]
    for kind in run["kinds"]:
        lines.append(
            f"| {kind['kind']} | {kind['method']} | {kind['requests']:,} | {kind['rps']:.2f} | "
            f"{kind['failures']:,} | {kind['p50_ms']:.0f} | {kind['p95_ms']:.0f} | "
            f"{kind['p99_ms']:.0f} |"
        )
    for error in run["errors"][:10]:
        lines.append(f"\nError ({error['count']}×) on {error['kind']}: {error['error']}")
    knee = office.get("knee")
    if knee:
        under, over = knee["last_under"], knee["first_over"]
        if under and over:
            verdict = f"p95 passes {knee['line_ms']} ms between {under:,} and {over:,} people"
        elif over:
            verdict = f"p95 is over {knee['line_ms']} ms already at {over:,} people"
        else:
            verdict = f"p95 stays under {knee['line_ms']} ms up to {under:,} people (most tried)"
        lines += [
            "",
            f"The knee: {verdict}.",
            "",
            "| people | seconds | req/s | errors | p50 ms | p95 ms | p99 ms |",
            "|--:|--:|--:|--:|--:|--:|--:|",
        ]
        for step in knee["steps"]:
            lines.append(
                f"| {step['people']:,} | {step['seconds']} | {step['rps']:.1f} | "
                f"{step['failures']:,} | {step['p50_ms']:.0f} | {step['p95_ms']:.0f} | "
                f"{step['p99_ms']:.0f} |"
            )
    return "\n".join(lines)


def scale_tables(scaled: dict, scale: int, reference: str) -> str:
    limit = f"{MAX_SCALE_CHANGE:.0%}"
    lines = [
        f"Compared with the 1× run {reference}. Targets: the same queries, CPU within {limit} "
        "(each page's × floor, against the floor page measured beside it in each run; the "
        f"floor page's own CPU ms); each job's cost per item within {limit}.",
        "",
        f"| page | queries 1× | queries {scale}× | CPU ms 1× | CPU ms {scale}× | × floor 1× "
        f"| × floor {scale}× | change | target |",
        "|---|--:|--:|--:|--:|--:|--:|--:|---|",
    ]
    for row in scaled["pages"]:
        lines.append(
            f"| {row['name']} | {row['queries_1x']} | {row['queries']} | {row['cpu_ms_1x']:.1f} | "
            f"{row['cpu_ms']:.1f} | {row['floor_ratio_1x']:.2f} | {row['floor_ratio']:.2f} | "
            f"{row['change']:+.0%} | {_mark(row['ok'])} |"
        )
    lines += [
        "",
        f"| job | items 1× | items {scale}× | ms per item 1× | ms per item {scale}× | change "
        "| target |",
        "|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in scaled["jobs"]:
        lines.append(
            f"| {row['job']} | {row['items_1x']:,} | {row['items']:,} | "
            f"{row['ms_per_item_1x']:.2f} | {row['ms_per_item']:.2f} | {row['change']:+.0%} | "
            f"{_mark(row['ok'])} |"
        )
    return "\n".join(lines)


def jobs_table(jobs: dict) -> str:
    lines = ["| job | work | seconds | queries | target |", "|---|---|--:|--:|---|"]
    for row in jobs["rows"]:
        target = f"< {row['limit']} s: {_mark(row['ok'])}" if row.get("limit") else ""
        queries = f"{row['queries']:,}" if row.get("queries") is not None else ""
        lines.append(
            f"| {row['job']} | {row['work']} | {row['seconds']:.1f} | {queries} | {target} |"
        )
    return "\n".join(lines)


def machine() -> dict[str, str]:
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    total = re.search(r"MemTotal:\s+(\d+) kB", meminfo)
    model = ""
    with suppress(OSError):
        found = re.search(r"model name\s*:\s*(.*)", Path("/proc/cpuinfo").read_text())
        model = found.group(1) if found else ""
    versions = {}
    for name, command in {
        "postgresql": ["psql", "--version"],
        "redis": ["redis-server", "--version"],
        "wrk": ["wrk", "--version"],
    }.items():
        with suppress(OSError):
            done = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
            versions[name] = (done.stdout or done.stderr).splitlines()[0].strip()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model,
        "memory": f"{int(total.group(1)) / 1024 / 1024:.1f} GiB" if total else "",
        "python": sys.version.split()[0],
        **versions,
    }


def markdown(report: dict, args) -> str:
    """Every table of the run, in Markdown: docs/performance.md takes them as they are."""
    m = report["machine"]
    parts = [
        f"Command: `{report['command']}`, {report['when']} "
        f"({m['nproc']} cores, {m['cpu']}, {m['memory']}; load average before and after: "
        f"{report['load']['before']} / {report['load']['after']}).",
        "",
        "Data: " + ", ".join(f"{n:,} {label}" for label, n in report["data"].items()) + ".",
    ]
    if "jobs" in report:
        parts += ["", "#### Jobs", "", jobs_table(report["jobs"])]
    if "rendered" in report:
        parts += ["", "#### Pages, rendered", "", rendered_table(report["rendered"])]
    if "scaled" in report:
        parts += [
            "",
            f"#### {report['scale']}× the data against 1×",
            "",
            scale_tables(report["scaled"], report["scale"], report["reference"]),
        ]
    if "office" in report:
        parts += [
            "",
            "#### The office (Locust)",
            "",
            f"gunicorn {args.workers} sync workers, a Celery worker and beat on the same data; "
            "each person clicks every 5–15 s, about one click in ten a change.",
            "",
            office_tables(report["office"]),
        ]
    if "stress" in report:
        parts += [
            "",
            "#### Stress: 16 connections against each page, beside the bare view (no target)",
            "",
            f"gunicorn {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration}, one page at a time.",
            "",
            stress_table(report["stress"]),
        ]
    return "\n".join(parts)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.scale > 1:
        # The targets of the office and the stress figures are at 1×; 10× compares costs.
        args.skip_office = args.skip_office or not args.with_office
        args.skip_stress = args.skip_stress or not args.with_stress
    started = time.perf_counter()
    env = {**os.environ, **bench_environment(args.scale)}
    os.environ.update(env)
    log_dir = BASE_DIR / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    wrk = "" if args.skip_stress else ensure_wrk()
    ensure_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    say(f"Database {env['DATABASE_URL']}; Redis {env['REDIS_URL']}")
    call_command("migrate", interactive=False, verbosity=0)
    sizes = ensure_data(args.scale)
    say("Data: " + ", ".join(f"{n:,} {label}" for label, n in sizes.items()))
    vacuum()
    load_before = load_average()

    given = sys.argv[1:] if argv is None else argv
    report: dict = {
        "command": "make bench" + (f' BENCH_ARGS="{" ".join(given)}"' if given else ""),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "scale": args.scale,
        "machine": machine(),
        "data": sizes,
        "settings": {
            "gunicorn_workers": args.workers,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}",
        },
    }
    if not args.skip_jobs:
        from bench import jobs

        say("Timing the jobs")
        report["jobs"] = jobs.run_all(
            env=env,
            log_dir=log_dir,
            emails=args.emails,
            say=say,
            scale=args.scale,
            reports=not args.skip_reports,
        )
    if not (args.skip_pages and args.skip_stress and args.skip_office):
        vacuum()
        bench_pages(args, env, wrk, log_dir, report)
    if args.scale > 1:
        found = reference_run(log_dir)
        if found:
            path, reference = found
            report["reference"] = f"{path.name} ({reference['when']})"
            report["scaled"] = compare_scale(report, reference)
        else:
            say("No 1× run with pages and jobs in var/bench/: run `make bench` first to compare.")

    ok = all(row.get("ok", True) for row in report.get("jobs", {}).get("rows", []))
    ok &= all(row["ok"] for row in report.get("rendered", {}).get("pages", []))
    ok &= report.get("office", {}).get("run", {}).get("ok", True)
    ok &= all(row["ok"] for part in report.get("scaled", {}).values() for row in part)
    report["data"] = data_sizes()
    report["load"] = {"before": load_before, "after": load_average()}
    report["ok"] = ok
    stamp = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
    out = log_dir / f"{stamp}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    text = markdown(report, args)
    (log_dir / f"{stamp}.md").write_text(text + "\n")
    say("")
    say(text)
    say("")
    say(
        f"All figures: {out.relative_to(BASE_DIR)}; these tables: "
        f"{out.with_suffix('.md').relative_to(BASE_DIR)} ({time.perf_counter() - started:.0f} s "
        "in all)"
    )
    say("Every target met." if ok else "Some targets were MISSED (see above).")
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
