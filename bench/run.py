"""`make bench`: Golive's speed on a large data set, against the framework's own ceiling.

What it does, in order (each step says what it is doing and how long it took):

1. Production-like settings for itself and every process it starts: DEBUG off, a random
   SECRET_KEY, ALLOWED_HOSTS=127.0.0.1, no HTTPS redirect, PostgreSQL from BENCH_DATABASE_URL
   (default postgres://postgres@127.0.0.1:5432/golive_bench; the database is created when
   missing) and Redis from BENCH_REDIS_URL (default redis://127.0.0.1:6379/14).
2. Migrates, and loads the data set with `seed_demo --scale N` until at least 5,000 projects and
   250,000 tasks exist (skipped when they do: the data stays between runs).
3. Times the background jobs on that data (bench/jobs.py): the escalation sweep and its query
   count, composing and queueing every due weekly status report, and delivering 10,000 queued
   emails through a real Celery worker to a local SMTP sink.
4. Serves the app with gunicorn on 127.0.0.1 (static files by WhiteNoise after collectstatic),
   logs the demo users in (a database session and a CSRF cookie, which wrk sends as the
   person's browser would), checks that every page answers 200, counts each page's SQL queries
   and CPU time with Django's test client, and drives each page of bench/pages.py with wrk
   (16 connections, 10 s), beside the bare view /healthz, measured first and last in the same
   run.
5. Prints the tables (Markdown, ready for docs/performance.md) with each figure against its
   target, and writes every figure to var/bench/<time>.json.

Usage: .venv/bin/python -m bench.run [--skip-jobs] [--skip-pages] [--only TEXT] [--duration 10s]
       [--workers N] [--strict]        (make bench BENCH_ARGS="--skip-jobs --only task")

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

# Targets of issue 4 on a 2-core machine.
MIN_RATIO = 0.15
MAX_P95_MS = 100
MAX_SWEEP_SECONDS = 10
MAX_REPORTS_SECONDS = 60
MAX_DELIVERY_SECONDS = 60


def say(text: str) -> None:
    print(text, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.run", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--skip-jobs", action="store_true", help="Do not time the jobs.")
    parser.add_argument("--skip-pages", action="store_true", help="Do not drive the pages.")
    parser.add_argument("--only", default="", help="Only the pages whose name contains this.")
    parser.add_argument("--duration", default="10s", help="wrk's duration per page (10s).")
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
        "--strict", action="store_true", help="Exit with status 1 when a target is missed."
    )
    return parser.parse_args(argv)


# Settings and services


def bench_environment() -> dict[str, str]:
    """The production-like settings every process of the run shares."""
    return {
        "DJANGO_SETTINGS_MODULE": "onboarding.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": HOST,
        "SECURE_SSL_REDIRECT": "false",
        "SITE_URL": f"http://{HOST}",
        "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE_URL),
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


# Data


def ensure_data() -> dict[str, int]:
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from projects import demo
    from projects.models import ImplementationProject, Task

    def counts() -> tuple[int, int]:
        return ImplementationProject.objects.count(), Task.objects.count()

    projects, tasks = counts()
    if projects and not User.objects.filter(username__startswith="bench-pm-").exists():
        # The benchmark deletes and remakes alerts and status reports: never on real data.
        sys.exit(
            "This database holds projects but no benchmark data (seed_demo --scale): point "
            "BENCH_DATABASE_URL at a database of its own."
        )
    rounds = 0
    while projects < MIN_PROJECTS or tasks < MIN_TASKS:
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
            math.ceil((MIN_PROJECTS - projects) / per_copy_projects),
            math.ceil((MIN_TASKS - tasks) / per_copy_tasks * 1.01),
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
    """The cookies of a browser logged in as each demo login, for wrk to send.

    A database session, as logging in makes it, and the CSRF cookie that the first page a
    browser opens sets: wrk then asks for each page as the person's browser would.
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
    """SQL queries and Django CPU ms per request of each page, measured by bench/inprocess.py.

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


def bench_pages(args, env: dict[str, str], wrk: str, log_dir: Path) -> dict:
    from django.core.management import call_command

    from bench.pages import BARE, PAGES

    pages = [page for page in PAGES if args.only.lower() in page.name.lower()]
    say("Collecting static files for WhiteNoise")
    call_command("collectstatic", interactive=False, verbosity=0)
    browsers = login_cookies({page.login for page in pages if page.login})
    paths = {page.name: page.path() for page in pages}
    busy = os.getloadavg()[0]
    if busy > 1:
        say(
            f"Warning: the load average is {busy:.1f} before the pages are driven: other "
            "processes share the CPU, and requests per second will be lower than on an idle "
            "machine (CPU ms per request is not affected)."
        )
    # Before gunicorn starts, so that no server process competes for the CPU meanwhile.
    say("Counting each page's queries and Django CPU time in a process of its own")
    measured = in_process(
        env,
        [{"name": BARE.name, "path": BARE.path(), "cookies": {}}]
        + [
            {"name": page.name, "path": paths[page.name], "cookies": browsers.get(page.login, {})}
            for page in pages
        ],
    )
    say(f"Starting gunicorn with {args.workers} workers")
    results = {"bare": [], "pages": []}
    with gunicorn(env, args.workers, log_dir / "gunicorn.log") as port:
        for page in pages:
            headers = cookie_header(browsers.get(page.login))
            status = fetch(port, paths[page.name], headers)
            if status != 200:
                raise RuntimeError(
                    f"{page.name} ({paths[page.name]}) answered {status} to {page.login}, not "
                    "200: fix the page or its entry in bench/pages.py."
                )

        def measure_bare(label: str) -> dict:
            say(f"  {BARE.name}, {label}")
            row = run_wrk(wrk, port, BARE.path(), {}, args)
            row.update(name=f"{BARE.name}, {label}", login="", path=BARE.path())
            row.update(measured[BARE.name])
            results["bare"].append(row)
            return row

        say("Driving the pages with wrk")
        measure_bare("first")
        for page in pages:
            say(f"  {page.name}")
            path = paths[page.name]
            headers = cookie_header(browsers.get(page.login))
            row = run_wrk(wrk, port, path, headers, args)
            row.update(name=page.name, login=page.login or "anonymous", path=path)
            row.update(measured[page.name])
            results["pages"].append(row)
        measure_bare("last")
    bare_rps = sum(row["rps"] for row in results["bare"]) / len(results["bare"])
    for row in results["pages"]:
        row["ratio"] = row["rps"] / bare_rps
        row["ok"] = (
            row["ratio"] >= MIN_RATIO
            and row["p95_ms"] < MAX_P95_MS
            and not row["non_2xx_3xx"]
            and not row["socket_errors"]
        )
    results["bare_rps"] = bare_rps
    return results


# Output


def _mark(ok: bool) -> str:
    return "ok" if ok else "**MISSED**"


def page_table(results: dict) -> str:
    lines = [
        "| page | login | req/s | p50 ms | p95 ms | p99 ms | × bare | target | queries | CPU ms |",
        "|---|---|--:|--:|--:|--:|--:|---|--:|--:|",
    ]
    for row in results["bare"]:
        lines.append(
            f"| {row['name']} | – | {row['rps']:,.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | 1.00 | | {row['queries']} | "
            f"{row['cpu_ms']:.1f} |"
        )
    for row in results["pages"]:
        flags = ""
        if row["non_2xx_3xx"] or row["socket_errors"]:
            flags = f" ({row['non_2xx_3xx']} bad answers, {row['socket_errors']} socket errors)"
        lines.append(
            f"| {row['name']} | {row['login']} | {row['rps']:,.0f} | {row['p50_ms']:.1f} | "
            f"{row['p95_ms']:.1f} | {row['p99_ms']:.1f} | {row['ratio']:.2f} | "
            f"{_mark(row['ok'])}{flags} | {row['queries']} | {row['cpu_ms']:.1f} |"
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


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    env = {**os.environ, **bench_environment()}
    os.environ.update(env)
    log_dir = BASE_DIR / "var" / "bench"
    log_dir.mkdir(parents=True, exist_ok=True)
    wrk = "" if args.skip_pages else ensure_wrk()
    ensure_database(env["DATABASE_URL"])

    import django

    django.setup()
    from django.core.management import call_command

    say(f"Database {env['DATABASE_URL']}; Redis {env['REDIS_URL']}")
    call_command("migrate", interactive=False, verbosity=0)
    sizes = ensure_data()
    say("Data: " + ", ".join(f"{n:,} {label}" for label, n in sizes.items()))
    vacuum()
    load_before = load_average()

    given = sys.argv[1:] if argv is None else argv
    report: dict = {
        "command": "make bench" + (f" BENCH_ARGS='{' '.join(given)}'" if given else ""),
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "data": sizes,
        "settings": {
            "gunicorn_workers": args.workers,
            "wrk": f"-t{args.threads} -c{args.connections} -d{args.duration}",
        },
    }
    ok = True
    if not args.skip_jobs:
        from bench import jobs

        say("Timing the jobs")
        report["jobs"] = jobs.run_all(env=env, log_dir=log_dir, emails=args.emails, say=say)
        ok &= all(row.get("ok", True) for row in report["jobs"]["rows"])
    if not args.skip_pages:
        vacuum()
        report["pages"] = bench_pages(args, env, wrk, log_dir)
        ok &= all(row["ok"] for row in report["pages"]["pages"])

    report["data"] = data_sizes()
    report["load"] = {"before": load_before, "after": load_average()}
    out = log_dir / f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}.json"
    out.write_text(json.dumps(report, indent=2, default=str))
    m = report["machine"]
    say("")
    say(f"Machine: {m['nproc']} cores ({m['cpu']}), {m['memory']} memory")
    say(f"Load average before and after: {report['load']['before']} / {report['load']['after']}")
    say("Data: " + ", ".join(f"{n:,} {label}" for label, n in report["data"].items()))
    if "jobs" in report:
        say("")
        say(jobs_table(report["jobs"]))
    if "pages" in report:
        say("")
        say(
            f"gunicorn {args.workers} sync workers; wrk -t{args.threads} -c{args.connections} "
            f"-d{args.duration}. Targets: ≥ {MIN_RATIO} × the bare view's req/s, "
            f"p95 < {MAX_P95_MS} ms."
        )
        say(page_table(report["pages"]))
    say("")
    say(f"All figures: {out.relative_to(BASE_DIR)} ({time.perf_counter() - started:.0f} s in all)")
    say("Every target met." if ok else "Some targets were MISSED (see above).")
    return 1 if (args.strict and not ok) else 0


if __name__ == "__main__":
    sys.exit(main())
