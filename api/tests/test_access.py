"""Who gets what from each API endpoint, called with each role's own token."""

import pytest
from django.urls import reverse

ROLES = [
    "anonymous",
    "pm",
    "other_pm",
    "manager",
    "sales_rep",
    "other_sales_rep",
    "support",
    "admin",
]


def answers(pm, other_pm, manager, sales_rep, other_sales_rep, support, admin, anonymous=401):
    return dict(
        zip(
            ROLES,
            [anonymous, pm, other_pm, manager, sales_rep, other_sales_rep, support, admin],
            strict=True,
        )
    )


EVERYONE = answers(200, 200, 200, 200, 200, 200, 200)
CLIENT_READ = answers(200, 200, 200, 200, 404, 200, 200)
PROJECT_LIST = answers(200, 200, 200, 403, 403, 200, 200)
PROJECT_READ = answers(200, 200, 200, 404, 404, 200, 200)

READS = [
    ("api:client-list", None, EVERYONE),
    ("api:client-detail", "client", CLIENT_READ),
    ("api:client-account-status", "client", CLIENT_READ),
    ("api:contact-list", None, EVERYONE),
    ("api:contact-detail", "contact", CLIENT_READ),
    ("api:project-list", None, PROJECT_LIST),
    ("api:project-detail", "project", PROJECT_READ),
    ("api:milestone-list", None, PROJECT_LIST),
    ("api:milestone-detail", "milestone", PROJECT_READ),
    ("api:task-list", None, PROJECT_LIST),
    ("api:task-detail", "task", PROJECT_READ),
    ("api:risk-list", None, PROJECT_LIST),
    ("api:risk-detail", "risk", PROJECT_READ),
    ("api:issue-list", None, PROJECT_LIST),
    ("api:issue-detail", "issue", PROJECT_READ),
    ("api:alert-list", None, PROJECT_LIST),
    ("api:alert-detail", "alert", PROJECT_READ),
    ("api:schema", None, EVERYONE),
]


@pytest.fixture
def caller(request, token_for):
    def make(role):
        user = (
            None
            if role == "anonymous"
            else request.getfixturevalue("admin_user" if role == "admin" else role)
        )
        return token_for(user)

    return make


@pytest.mark.parametrize(("name", "kind", "expected"), READS, ids=[r[0] for r in READS])
def test_each_role_reads_what_the_pages_let_it_read(name, kind, expected, world, caller):
    url = reverse(name, args=[world[kind].pk] if kind else [])
    for role in ROLES:
        response = caller(role).get(url)
        assert response.status_code == expected[role], f"GET {url} as {role}"


def test_lists_hold_only_what_the_role_may_see(world, caller, other_sales_rep):
    from clients.tests.factories import ClientFactory

    ClientFactory(name="Other rep's account", sales_rep=other_sales_rep)
    names = [c["name"] for c in caller("sales_rep").get("/api/v1/clients/").json()["results"]]
    assert names == ["Acme Corp"]
    names = [c["name"] for c in caller("pm").get("/api/v1/clients/").json()["results"]]
    assert names == ["Acme Corp", "Other rep's account"]


def test_a_sales_rep_reads_their_accounts_status_and_not_another_reps(world, caller):
    body = caller("sales_rep").get(f"/api/v1/clients/{world['client'].pk}/account-status/").json()
    assert body["client"]["name"] == "Acme Corp"
    assert [p["name"] for p in body["projects"]] == ["Acme payroll"]
    assert body["projects"][0]["next_milestone"]["name"] == "Configuration signed off"
    refused = caller("other_sales_rep").get(f"/api/v1/clients/{world['client'].pk}/account-status/")
    assert refused.status_code == 404


WRITES = [
    # (method, url name, object, answers to a request with no body)
    ("patch", "api:project-detail", "project", answers(400, 403, 400, 404, 404, 403, 400)),
    ("patch", "api:task-detail", "task", answers(400, 403, 400, 404, 404, 403, 400)),
    ("patch", "api:risk-detail", "risk", answers(400, 403, 400, 404, 404, 403, 400)),
    ("patch", "api:issue-detail", "issue", answers(400, 403, 400, 404, 404, 403, 400)),
    ("post", "api:project-phase", "project", answers(400, 403, 400, 404, 404, 403, 400)),
    ("post", "api:project-list", None, answers(400, 400, 400, 403, 403, 403, 400)),
    ("post", "api:task-list", None, answers(400, 400, 400, 403, 403, 403, 400)),
    ("post", "api:risk-list", None, answers(400, 400, 400, 403, 403, 403, 400)),
    ("post", "api:issue-list", None, answers(400, 400, 400, 403, 403, 403, 400)),
    ("post", "api:project-from-deal", None, answers(400, 400, 400, 403, 403, 403, 400)),
    # Read-only: clients, contacts, milestones and alerts are changed in the app.
    ("patch", "api:client-detail", "client", answers(405, 405, 405, 405, 405, 405, 405)),
    ("post", "api:client-list", None, answers(405, 405, 405, 405, 405, 405, 405)),
    ("patch", "api:milestone-detail", "milestone", answers(405, 405, 405, 405, 405, 405, 405)),
    ("patch", "api:alert-detail", "alert", answers(405, 405, 405, 405, 405, 405, 405)),
    ("delete", "api:project-detail", "project", answers(405, 405, 405, 405, 405, 405, 405)),
]


@pytest.mark.parametrize(
    ("method", "name", "kind", "expected"), WRITES, ids=[f"{w[0]} {w[1]}" for w in WRITES]
)
def test_each_role_may_change_only_what_the_pages_let_it_change(
    method, name, kind, expected, world, caller
):
    url = reverse(name, args=[world[kind].pk] if kind else [])
    for role in ROLES:
        response = getattr(caller(role), method)(url, {}, format="json")
        assert response.status_code == expected[role], f"{method} {url} as {role}"
    # Nothing was changed by any of them.
    world["project"].refresh_from_db()
    assert world["project"].version == 0


def test_a_refusal_says_why(world, caller):
    response = caller("support").patch(
        f"/api/v1/projects/{world['project'].pk}/", {"name": "X", "version": 0}, format="json"
    )
    assert response.status_code == 403
    assert response.json() == {
        "detail": "Only this project's PM, its team and managers can change it."
    }


def test_the_browsable_session_is_checked_for_csrf(world, pm):
    from rest_framework.test import APIClient

    browser = APIClient(enforce_csrf_checks=True)
    browser.force_login(pm)
    response = browser.patch(
        f"/api/v1/projects/{world['project'].pk}/", {"name": "Forged", "version": 0}, format="json"
    )
    assert response.status_code == 403
    assert "CSRF verification failed" in response.json()["detail"]
    world["project"].refresh_from_db()
    assert world["project"].name == "Acme payroll"
    # Reading needs no CSRF token.
    assert browser.get("/api/v1/projects/").status_code == 200
