"""The simulated office for a few seconds against a live server: every click a person makes works.

The office of `make bench` is Locust's people clicking for minutes on the benchmark data; here a
handful of them click every few tenths of a second on the demo data, half their clicks changes,
so that each page kind and each change (with its CSRF token and form fields) is tried at least
once, and none may fail.
"""

import os

import pytest
from django.core.management import call_command

from bench import office

# A live server, and Locust in a process of its own.
pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_server(live_server):
    """pytest-django's live server on the demo data (one request at a time on SQLite: see
    onboarding/tests/live_servers.py)."""
    call_command("seed_demo", verbosity=0)
    return live_server.url


def test_every_click_of_the_office_works(demo_server, tmp_path):
    people = office.Office().people(20)
    assert {person["role"] for person in people} == {"pm", "manager", "sales", "support"}

    result = office.run_locust(
        env=dict(os.environ),
        port=None,
        host=demo_server,
        people=people,
        # The run ends when every person has tried every click of their role: a few seconds
        # here, longer on a slower or busier machine.
        seconds=90,
        out=tmp_path / "office",
        spawn_seconds=1,
        wait=(0.05, 0.2),
        write_share=0.5,
        tour=True,
    )

    assert result["errors"] == []
    assert result["failures"] == 0
    count = {kind["kind"]: kind["requests"] for kind in result["kinds"]}
    # Each person first tries every click of their role once, starting at their own place in
    # the round; the run ends when every one of them is done.
    reads = {
        "home",
        "project list",
        "project detail",
        "project timeline",
        "task list",
        "task detail",
        "risk detail",
        "my work",
        "timesheet",
        "alerts list",
        "alerts list (all)",
        "portfolio timeline",
        "client list",
        "client detail",
        "account status",
        "outbox list",
    }
    changes = {"task status", "task owner", "comment", "time entry", "risk"}
    assert {kind for kind in reads if not count.get(kind)} == set()
    assert {kind for kind in changes if not count.get(f"{kind} (change)")} == set()
    # The parts htmx loads with a page come with it, as a browser asks for them; the project
    # page's lower part when the person scrolls to it (always, on the first visit), and the
    # client portal card with it. A person stopped at the end of the run may not have asked
    # for the last page's parts yet, but the first round's clicks are all done by then.
    follows = {
        "task baseline": "task detail",
        "task files": "task detail",
        "client satisfaction": "client detail",
        "project detail, lower part": "project detail",
        "client portal card": "project detail, lower part",
    }
    for part, page in follows.items():
        assert 0 < count.get(part, 0) <= count[page], part
