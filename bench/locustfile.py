"""The simulated office of `make bench`: people clicking through Golive, as Locust users.

bench/office.py starts Locust on this file with BENCH_OFFICE_PEOPLE naming a JSON file it
wrote: the cookie and header names, the URL of each page kind (with "{}" where an id goes), and
one entry per person (role, session key, the objects they work on). Each Locust user takes the
next person of that list, opens their home page (which sets the CSRF cookie, as it does for a
browser), then clicks every 5–15 s: mostly reading pages of their role, and about one click in
ten a change made through the app's own forms and in-place endpoints, with the CSRF token a
browser sends. A page's parts that htmx loads by itself come with it, as the browser asks for
them. This file imports nothing of Django: Locust's gevent runs in a process of its own.
"""

import itertools
import json
import os
import random
import uuid
from datetime import date

import gevent
from locust import FastHttpUser, between, task

with open(os.environ["BENCH_OFFICE_PEOPLE"], encoding="utf-8") as people_file:
    OFFICE = json.load(people_file)
PEOPLE = itertools.cycle(enumerate(OFFICE["people"]))
URLS: dict[str, str] = OFFICE["urls"]
# With a tour (bench/tests), the people whose tour is not done yet: the run ends with the last
# one, however fast the machine is, instead of at a time a slower machine may not make.
TOURS_LEFT = {"people": len(OFFICE["people"]) if OFFICE.get("tour") else 0}

# What each role reads, and how often (weights), when it does not change something.
READS = {
    "pm": {
        "home": 3,
        "project detail": 4,
        "task list": 2,
        "task detail": 2,
        "my work": 2,
        "timesheet": 1,
        "alerts list": 1,
        "project timeline": 1,
        "risk detail": 1,
    },
    "manager": {
        "home": 3,
        "project list": 2,
        "project detail": 3,
        "alerts list (all)": 1,
        "portfolio timeline": 1,
        "client list": 1,
        "outbox list": 1,
    },
    "sales": {"home": 3, "client list": 1, "client detail": 2, "account status": 3},
    "support": {"home": 3, "project detail": 2, "project list": 1, "client detail": 1},
}
# The share of clicks that change something (about one in ten over the office's mix of roles:
# sales reps read their accounts), and which changes.
WRITE_SHARE = {"pm": 0.14, "manager": 0.1, "sales": 0.0, "support": 0.1}
WRITES = {
    "pm": {"task status": 3, "task owner": 2, "comment": 2, "time entry": 2, "risk": 1},
    "manager": {"comment": 1},
    "support": {"comment": 1},
}
TASK_STATUSES = ("not_started", "in_progress", "blocked", "done")
# The parts of a page htmx asks for as soon as the page loads (hx-trigger="load").
PARTS_ON_LOAD = {
    "task detail": ("task baseline", "task files"),
    "client detail": ("client satisfaction",),
}
# The project page's lower part loads when it is scrolled into view ("revealed"), and then the
# client portal card in it: about every other visit, a person reads that far.
SCROLLS_DOWN = 0.5


def pick(weights: dict[str, int]) -> str:
    return random.choices(list(weights), weights=list(weights.values()))[0]  # noqa: S311


class Person(FastHttpUser):
    # 5–15 s between clicks; bench/tests make it shorter to try every click in seconds.
    wait_time = between(*OFFICE.get("wait", (5, 15)))

    def on_start(self) -> None:
        index, self.person = next(PEOPLE)
        self.role = self.person["role"]
        self.csrf = ""
        self.tour = self.first_clicks(index) if OFFICE.get("tour") else []
        self.read("home")

    def first_clicks(self, index: int) -> list[tuple[str, str]]:
        """Every read and change of the role once, in order, before clicking at random.

        Each person starts the round at their own place in it, so that a few clicks of each of
        a role's people try them all (bench/tests run the office for seconds).
        """
        clicks = [("read", kind) for kind in READS[self.role]]
        if self.person["projects"]:
            clicks += [("write", kind) for kind in WRITES.get(self.role, {})]
        start = index % len(clicks)
        return clicks[start:] + clicks[:start]

    def cookies(self) -> dict[str, str]:
        """The Cookie header a browser sends: the session, and the CSRF cookie once it is set.

        Both cookies are marked Secure, so over http they are sent by hand.
        """
        cookies = {OFFICE["session_cookie"]: self.person["session"]}
        if self.csrf_token():
            cookies[OFFICE["csrf_cookie"]] = self.csrf
        return {"Cookie": "; ".join(f"{name}={value}" for name, value in cookies.items())}

    def csrf_token(self) -> str:
        """The CSRF cookie the first page set."""
        if not self.csrf:
            name = OFFICE["csrf_cookie"]
            self.csrf = next((c.value for c in self.client.cookiejar if c.name == name), "")
        return self.csrf

    # Reading

    def url(self, kind: str, pk: object = None) -> str:
        return URLS[kind].format(pk)

    def one(self, key: str) -> int:
        return random.choice(self.person[key])  # noqa: S311

    def project(self) -> dict:
        return random.choice(self.person["projects"])  # noqa: S311

    def read(self, kind: str, *, scroll: bool | None = None) -> None:
        pk = None
        if kind in ("project detail", "task list", "project timeline"):
            pk = self.project()["id"]
        elif kind in ("task detail", "risk detail"):
            key = "tasks" if kind == "task detail" else "risks"
            items = [pk for project in self.person["projects"] for pk in project[key]]
            if not items:
                kind, pk = "project detail", self.project()["id"]
            else:
                pk = random.choice(items)  # noqa: S311
        elif kind in ("client detail", "account status"):
            pk = self.one("clients")
        self.get(kind, self.url(kind, pk))
        for part in PARTS_ON_LOAD.get(kind, ()):
            self.get(part, self.url(part, pk), htmx=True)
        if scroll is None:
            scroll = random.random() < SCROLLS_DOWN  # noqa: S311
        if kind == "project detail" and scroll:
            self.get("project detail, lower part", self.url(kind, pk) + "?fragment=more", htmx=True)
            self.get("client portal card", self.url("client portal card", pk), htmx=True)

    def get(self, kind: str, path: str, *, htmx: bool = False) -> None:
        headers = self.cookies()
        if htmx:
            headers["HX-Request"] = "true"
        with self.client.get(
            path, name=kind, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{kind}: {response.status_code} for {path}")

    # Changing

    def post(
        self,
        kind: str,
        path: str,
        data: dict,
        *,
        expect: int,
        htmx: bool = False,
        then: str = "",
    ) -> None:
        """POST as the browser does (CSRF header from the cookie); follow a redirect as a read."""
        headers = {**self.cookies(), "X-CSRFToken": self.csrf_token()}
        if htmx:
            headers["HX-Request"] = "true"
        with self.client.post(
            path,
            data=data,
            headers=headers,
            name=f"{kind} (change)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != expect:
                response.failure(f"{kind}: {response.status_code} for {path}, not {expect}")
                return
            location = response.headers.get("Location", "")
        if expect == 302 and then:
            self.get(then, location)

    def write(self, kind: str) -> None:
        project = self.project()
        if kind in ("task status", "task owner") and project["tasks"]:
            pk = random.choice(project["tasks"])  # noqa: S311
            if kind == "task status":
                data = {"status": random.choice(TASK_STATUSES)}  # noqa: S311
            else:
                data = {"owner": random.choice([f"user:{self.person['user']}", ""])}  # noqa: S311
            self.post(kind, self.url(kind, pk), data, expect=200, htmx=True)
        elif kind == "time entry" and project["tasks"]:
            data = {
                "spent_on": date.today().isoformat(),  # noqa: DTZ011 - the server's today
                "hours": random.choice(["0.5", "1", "1.5", "2"]),  # noqa: S311
                "task": random.choice(project["tasks"]),  # noqa: S311
                "billable": "on",
                "note": "Configuration workshop follow-up",
                "submission_key": str(uuid.uuid4()),
            }
            self.post(kind, self.url(kind, project["id"]), data, expect=302, then="project detail")
        elif kind == "risk":
            self.get("new risk", self.url("new risk", project["id"]))
            data = {
                "title": "Census file arrives late",
                "description": "The client's HRIS export is not scheduled yet.",
                "probability": "3",
                "impact": "2",
                "status": "open",
                "owner": "",
                "mitigation_plan": "Agree the export date at the weekly status call.",
                "submission_key": str(uuid.uuid4()),
            }
            self.post(
                kind, self.url("new risk", project["id"]), data, expect=302, then="risk detail"
            )
        else:
            data = {
                "body": "Checked with the client: the parallel run stays on the plan.",
                "submission_key": str(uuid.uuid4()),
            }
            self.post(
                "comment",
                self.url("comment", project["id"]),
                data,
                expect=302,
                then="project detail",
            )

    def tour_done(self) -> None:
        TOURS_LEFT["people"] -= 1
        if TOURS_LEFT["people"] == 0:
            # From a greenlet of its own: quitting stops every person, this one included.
            gevent.spawn(self.environment.runner.quit)

    @task
    def click(self) -> None:
        if self.tour:
            action, kind = self.tour.pop(0)
            if action == "write":
                self.write(kind)
            else:
                self.read(kind, scroll=True)
            if not self.tour:
                self.tour_done()
            return
        share = OFFICE.get("write_share") or WRITE_SHARE[self.role]
        if random.random() < share and self.role in WRITES and self.person["projects"]:  # noqa: S311
            self.write(pick(WRITES[self.role]))
        else:
            self.read(pick(READS[self.role]))
