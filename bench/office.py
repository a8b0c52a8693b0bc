"""The simulated office: Locust's people against gunicorn, with a Celery worker and beat running.

bench/run.py calls `simulate` with gunicorn already serving the benchmark data. It starts a Celery
worker and beat on the same database and Redis (so the sweep, health refresh, reports and email
jobs run as they do in production, beside the requests), then:

1. the office: `users` people (60 % PMs, 10 % managers, 20 % sales reps, 10 % support) for
   `duration` seconds, each clicking every 5–15 s, about one click in ten a change
   (bench/locustfile.py says what each role does). Targets: no errors, p95 < 150 ms.
2. the knee: shorter runs with more (or fewer) people, doubling then halving the gap, to find
   the number of people at which p95 passes 500 ms.

People log in as the data's own users: each simulated PM as one of the PMs of the data (seed_demo
--scale makes two per copy, each managing their own projects; a PM's login is reused only when
there are more simulated PMs than PMs), the managers, sales reps and support people as the demo's
(`manager`, `sales`/`sales2`, `support`), each with a session of their own, made in the database
as logging in makes it.
"""

import csv
import importlib
import json
import random
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from bench.run import BASE_DIR, BIN, HOST, process_group

MAX_P95_MS = 150
KNEE_P95_MS = 500
# The office's mix of roles, ten people at a time: 6 PMs, 1 manager, 2 sales reps, 1 support.
# The same pattern for every size, so the n-th person is the same person in every run.
PATTERN = ("pm", "sales", "pm", "support", "pm", "sales", "pm", "manager", "pm", "pm")
PROJECTS_PER_PERSON = 3
TASKS_PER_PROJECT = 10
SAMPLE = 20
PLACEHOLDER = 987654321


def roles_for(count: int) -> list[str]:
    return [PATTERN[index % len(PATTERN)] for index in range(count)]


def url_templates() -> dict[str, str]:
    """Each page kind's URL, with "{}" where its id goes."""
    from django.urls import reverse

    def with_id(name: str) -> str:
        return reverse(name, args=[PLACEHOLDER]).replace(str(PLACEHOLDER), "{}")

    return {
        "home": reverse("home"),
        "my work": reverse("projects:my_work"),
        "timesheet": reverse("projects:timesheet"),
        "alerts list": reverse("alerts:list"),
        "alerts list (all)": reverse("alerts:list") + "?scope=all",
        "project list": reverse("projects:list"),
        "portfolio timeline": reverse("projects:portfolio_timeline"),
        "client list": reverse("clients:list"),
        "outbox list": reverse("outbox:list"),
        "project detail": with_id("projects:detail"),
        "task list": with_id("projects:task_list"),
        "project timeline": with_id("projects:timeline"),
        "task detail": with_id("projects:task_detail"),
        "risk detail": with_id("projects:risk_detail"),
        "client detail": with_id("clients:detail"),
        "account status": with_id("projects:account_status"),
        "new risk": with_id("projects:risk_create"),
        "task status": with_id("projects:task_status"),
        "task owner": with_id("projects:task_owner"),
        "comment": with_id("projects:comment"),
        "time entry": with_id("projects:time_entry_create"),
        "task baseline": with_id("projects:task_baseline"),
        "task files": with_id("portal_staff:task_files"),
        "client satisfaction": with_id("portal_staff:client_surveys"),
        "client portal card": with_id("portal_staff:project_card"),
    }


class Office:
    """The people of the simulated office, with their logins' sessions, made once per run."""

    def __init__(self, seed: str = "golive-office") -> None:
        from django.contrib.auth.models import User

        from clients.models import Client
        from clients.roles import Role
        from projects.models import ImplementationProject, Risk, Task

        self.rng = random.Random(seed)
        in_flight = ImplementationProject.objects.in_flight()
        pm_ids = list(
            User.objects.filter(groups__name=Role.PM.value, is_active=True)
            .filter(pk__in=in_flight.values("pm_id"))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        self.pms = pm_ids
        self.users = {u.username: u for u in User.objects.filter(username__in=self.DEMO_LOGINS)}
        self.project_sample = list(
            in_flight.order_by("?").values_list("pk", flat=True)[: SAMPLE * 10]
        )
        self.accounts = {
            name: list(
                Client.objects.filter(sales_rep__username=name)
                .order_by("pk")
                .values_list("pk", flat=True)[:SAMPLE]
            )
            for name in ("sales", "sales2")
        }
        self.client_sample = list(
            Client.objects.order_by("?").values_list("pk", flat=True)[:SAMPLE]
        )
        self._models = (ImplementationProject, Task, Risk, User)
        self._work: dict[int, list[dict]] = {}
        self._sessions: dict[int, str] = {}

    DEMO_LOGINS = ("manager", "sales", "sales2", "support")

    def pm_work(self, user_ids: list[int]) -> None:
        """The in-flight projects of these PMs, each with some of its tasks and risks."""
        project_model, task_model, risk_model, _ = self._models
        missing = [pk for pk in user_ids if pk not in self._work]
        if not missing:
            return
        projects: dict[int, list[dict]] = {pk: [] for pk in missing}
        rows = (
            project_model.objects.in_flight()
            .filter(pm_id__in=missing)
            .order_by("pm_id", "pk")
            .values_list("pm_id", "pk")
        )
        by_id = {}
        for pm_id, pk in rows:
            if len(projects[pm_id]) < PROJECTS_PER_PERSON:
                entry = {"id": pk, "tasks": [], "risks": []}
                projects[pm_id].append(entry)
                by_id[pk] = entry
        for project_id, pk in (
            task_model.objects.filter(project_id__in=by_id)
            .order_by("project_id", "pk")
            .values_list("project_id", "pk")
        ):
            if len(by_id[project_id]["tasks"]) < TASKS_PER_PROJECT:
                by_id[project_id]["tasks"].append(pk)
        for project_id, pk in (
            risk_model.objects.filter(project_id__in=by_id)
            .order_by("pk")
            .values_list("project_id", "pk")
        ):
            by_id[project_id]["risks"].append(pk)
        self._work.update(projects)

    def session(self, user_id: int) -> str:
        """A new session of this user, as logging in makes it (one per simulated person)."""
        from django.conf import settings
        from django.contrib.auth import (
            BACKEND_SESSION_KEY,
            HASH_SESSION_KEY,
            SESSION_KEY,
            load_backend,
        )

        _, _, _, user_model = self._models
        user = user_model.objects.get(pk=user_id)
        # The backend that logging in records: the first that can load a user (as
        # django.test.Client.force_login picks it).
        backend = next(
            path
            for path in settings.AUTHENTICATION_BACKENDS
            if hasattr(load_backend(path), "get_user")
        )
        store = importlib.import_module(settings.SESSION_ENGINE).SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = backend
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        return store.session_key

    def people(self, count: int) -> list[dict]:
        """The first `count` people of the office (the same people in every run of a size)."""
        roles = roles_for(count)
        pm_slots = [i for i, role in enumerate(roles) if role == "pm"]
        if not self.pms:
            raise RuntimeError("The benchmark data has no PM with a project in flight.")
        pm_of = {slot: self.pms[n % len(self.pms)] for n, slot in enumerate(pm_slots)}
        self.pm_work(sorted(set(pm_of.values())))
        people = []
        for index, role in enumerate(roles):
            if index not in self._sessions:
                if role == "pm":
                    user_id = pm_of[index]
                else:
                    login = {"sales": ("sales", "sales2")[index % 2]}.get(role, role)
                    user_id = self.users[login].pk
                self._sessions[index] = (user_id, self.session(user_id))
            user_id, session = self._sessions[index]
            person = {"role": role, "user": user_id, "session": session}
            if role == "pm":
                person["projects"] = self._work[user_id]
            else:
                sample = self.rng.sample(self.project_sample, min(SAMPLE, len(self.project_sample)))
                person["projects"] = [{"id": pk, "tasks": [], "risks": []} for pk in sample]
                login = self.users_by_id().get(user_id, "")
                person["clients"] = self.accounts.get(login) or self.client_sample
            people.append(person)
        return people

    def users_by_id(self) -> dict[int, str]:
        return {user.pk: name for name, user in self.users.items()}


# Running Locust


def parse_stats(path: Path) -> dict:
    """Locust's _stats.csv: each request kind's figures, and the aggregate of all."""

    def number(value: str) -> float:
        try:
            return float(value)
        except ValueError:
            return 0.0

    kinds, total = [], {}
    with path.open(newline="", encoding="utf-8") as stats:
        for row in csv.DictReader(stats):
            figures = {
                "kind": row["Name"],
                "method": row["Type"],
                "requests": int(number(row["Request Count"])),
                "failures": int(number(row["Failure Count"])),
                "rps": number(row["Requests/s"]),
                "p50_ms": number(row["50%"]),
                "p95_ms": number(row["95%"]),
                "p99_ms": number(row["99%"]),
                "max_ms": number(row["Max Response Time"]),
            }
            if row["Name"] == "Aggregated":
                total = figures
            else:
                kinds.append(figures)
    return {"total": total, "kinds": sorted(kinds, key=lambda k: -k["requests"])}


def parse_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as failures:
        return [
            {"kind": row["Name"], "error": row["Error"], "count": int(row["Occurrences"])}
            for row in csv.DictReader(failures)
        ]


def run_locust(
    *,
    env: dict[str, str],
    port: int | None,
    people: list[dict],
    seconds: int,
    out: Path,
    spawn_seconds: int = 20,
    host: str = "",
    wait: tuple[float, float] = (5, 15),
    write_share: float | None = None,
    tour: bool = False,
) -> dict:
    """One headless, time-bounded Locust run of these people; their figures.

    `wait` (seconds between a person's clicks), `write_share` (the share of clicks that
    change something, instead of each role's own) and `tour` (each person first tries every
    click of their role once, and the run ends when the last of them has, or after `seconds`)
    are for the harness's tests.
    """
    from django.conf import settings

    office = {
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "urls": url_templates(),
        "people": people,
        "wait": wait,
        "write_share": write_share,
        "tour": tour,
    }
    people_file = out.with_suffix(".people.json")
    people_file.write_text(json.dumps(office))
    users = len(people)
    command = [
        str(BIN / "locust"),
        "-f",
        str(BASE_DIR / "bench" / "locustfile.py"),
        "--headless",
        "--users",
        str(users),
        "--spawn-rate",
        f"{max(users / spawn_seconds, 1):g}",
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "15",
        "--host",
        host or f"http://{HOST}:{port}",
        "--csv",
        str(out),
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    log = out.with_suffix(".log")
    locust_env = {**env, "BENCH_OFFICE_PEOPLE": str(people_file)}
    with process_group(command, env=locust_env, log=log, name="Locust") as process:
        try:
            process.wait(timeout=seconds + 120)
        except Exception as error:
            raise RuntimeError(f"Locust did not finish in time; see {log}") from error
    if process.returncode != 0:
        raise RuntimeError(f"Locust failed (exit status {process.returncode}); see {log}")
    stats = parse_stats(Path(f"{out}_stats.csv"))
    failures = parse_failures(Path(f"{out}_failures.csv"))
    total = stats["total"]
    return {
        "people": users,
        "seconds": seconds,
        **{key: total.get(key, 0) for key in ("requests", "failures", "rps")},
        **{key: total.get(key, 0.0) for key in ("p50_ms", "p95_ms", "p99_ms", "max_ms")},
        "kinds": stats["kinds"],
        "errors": failures,
    }


@contextmanager
def worker_and_beat(env: dict[str, str], log_dir: Path):
    """A Celery worker and beat on the run's database and Redis, as production runs them."""
    from bench.jobs import celery_worker

    schedule = log_dir / "celerybeat-schedule"
    for stale in log_dir.glob("celerybeat-schedule*"):
        stale.unlink()
    beat = [
        str(BIN / "celery"),
        "-A",
        "onboarding",
        "beat",
        "--loglevel=WARNING",
        "-s",
        str(schedule),
    ]
    with (
        celery_worker(env, log_dir / "office-celery-worker.log"),
        process_group(beat, env=env, log=log_dir / "office-celery-beat.log", name="Celery beat"),
    ):
        yield


def find_knee(
    run: Callable[[int], dict], first: dict, *, most: int, say: Callable[[str], None]
) -> dict:
    """The number of people at which p95 passes KNEE_P95_MS, from the runs `run(people)` makes.

    Doubles (or halves) from the first run until p95 crosses the line, then halves the gap
    twice: the knee lies between the last size under the line and the first one over it.
    """
    steps = [first]

    def over(result: dict) -> bool:
        # No request finished in the whole run: the server is that far behind.
        if not result["requests"]:
            return True
        return result["p95_ms"] > KNEE_P95_MS or result["failures"] > result["requests"] * 0.01

    def step(people: int) -> dict:
        say(f"    {people:,} people")
        result = run(people)
        steps.append(result)
        say(
            f"      {result['rps']:.1f} req/s, p95 {result['p95_ms']:.0f} ms, "
            f"{result['failures']:,} failures"
        )
        return result

    below, above = (None, first) if over(first) else (first, None)
    while above is None and below["people"] * 2 <= most:
        result = step(below["people"] * 2)
        below, above = (below, result) if over(result) else (result, None)
    while below is None and above["people"] >= 20:
        result = step(above["people"] // 2)
        below, above = (result, above) if not over(result) else (None, result)
    for _ in range(2):
        if below is None or above is None or above["people"] - below["people"] <= 50:
            break
        result = step((below["people"] + above["people"]) // 2)
        below, above = (below, result) if over(result) else (result, above)
    return {
        "line_ms": KNEE_P95_MS,
        "last_under": below["people"] if below else None,
        "first_over": above["people"] if above else None,
        "steps": sorted(steps, key=lambda s: s["people"]),
    }


def drained(port: int, say: Callable[[str], None], timeout: float = 300) -> None:
    """Wait until gunicorn answers the bare view at once: the last run's requests are done.

    Locust stops its people at the end of a run, but the requests they sent wait in gunicorn's
    queue still, and would be served during the next run.
    """
    from bench.run import fetch

    started = time.monotonic()
    while time.monotonic() - started < timeout:
        asked = time.monotonic()
        try:
            fetch(port, "/healthz", {})
        except OSError:
            pass
        else:
            if time.monotonic() - asked < 0.5:
                return
        time.sleep(1)
    say(f"    gunicorn was still busy after {timeout:.0f} s; going on")


def simulate(
    *,
    env: dict[str, str],
    port: int,
    log_dir: Path,
    users: int,
    seconds: int,
    knee: bool,
    knee_seconds: int,
    knee_most: int,
    say: Callable[[str], None],
) -> dict:
    from bench.run import vacuum
    from onboarding.celery import app
    from outbox.models import OutgoingEmail

    # The jobs' step leaves tens of thousands of emails queued with no worker running; the
    # office's worker would spend the run delivering them. An office whose worker keeps up
    # starts with an empty queue.
    app.control.purge()
    leftover = OutgoingEmail.objects.filter(
        status__in=[OutgoingEmail.Status.QUEUED, OutgoingEmail.Status.SENDING]
    ).delete()[0]
    if leftover:
        say(f"  the office: {leftover:,} emails the jobs left queued removed")
    say("  the office: choosing people and logging them in")
    started = time.perf_counter()
    office = Office()
    office.people(users)
    say(f"    {users:,} sessions in {time.perf_counter() - started:.0f} s")
    vacuum()
    stamp = time.strftime("%Y%m%dT%H%M%S")
    result: dict = {"target_p95_ms": MAX_P95_MS}
    with worker_and_beat(env, log_dir):

        def run(people: int, run_seconds: int = knee_seconds) -> dict:
            drained(port, say)
            return run_locust(
                env=env,
                port=port,
                people=office.people(people),
                seconds=run_seconds,
                out=log_dir / f"office-{stamp}-{people}",
            )

        say(f"  the office: {users:,} people for {seconds} s")
        main = run(users, seconds)
        main["ok"] = not main["failures"] and main["p95_ms"] < MAX_P95_MS
        result["run"] = main
        say(
            f"    {main['requests']:,} requests, {main['rps']:.1f} req/s, p95 "
            f"{main['p95_ms']:.0f} ms, {main['failures']:,} failures"
        )
        if knee:
            say(f"  the knee: where p95 passes {KNEE_P95_MS} ms ({knee_seconds} s per size)")
            result["knee"] = find_knee(run, main, most=knee_most, say=say)
    return result
