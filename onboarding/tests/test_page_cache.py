"""The page cache answers a repeated visit without rendering, and never with an out-of-date page.

It keys pages by PostgreSQL's transaction snapshot, so these tests run on PostgreSQL, outside a
test transaction (the cache stands aside inside one), as the web app runs.
"""

import re
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.middleware.csrf import _unmask_cipher_token
from django.urls import reverse
from django.utils import timezone

from clients.roles import Role
from clients.tests.factories import UserFactory
from onboarding import page_cache
from onboarding.tests.conftest import uses_postgresql
from projects.models import Risk, Task
from projects.tests.factories import ProjectFactory, RiskFactory, TaskFactory

pytestmark = [
    pytest.mark.skipif(not uses_postgresql(), reason="the page cache works on PostgreSQL only"),
    pytest.mark.django_db(transaction=True),
]

NONCE_IN_PAGE = re.compile(r'<script[^>]* nonce="([^"]+)"')
NONCE_IN_HEADER = re.compile(r"'nonce-([^']+)'")
CSRF_IN_FORM = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
MASKED_TOKEN = re.compile(r"\b[A-Za-z0-9]{64}\b")


@pytest.fixture(autouse=True)
def role_groups():
    # These tests commit, so the database is emptied after each, the role groups that clients'
    # data migration made included.
    for role in Role:
        Group.objects.get_or_create(name=role.value)


@pytest.fixture
def pm():
    return UserFactory(username="cache_pm", role=Role.PM)


@pytest.fixture
def project(pm):
    project = ProjectFactory(pm=pm, name="Northwind payroll")
    TaskFactory(project=project, title="Map the pay codes")
    return project


def without_secrets(response, csrf_secret: str, nonce: str) -> str:
    page = response.content.decode().replace(nonce, "NONCE")
    return MASKED_TOKEN.sub(
        lambda token: "TOKEN" if _unmask_cipher_token(token[0]) == csrf_secret else token[0], page
    )


def visit(client, url):
    """A GET as a browser makes it, and whether the cache answered it ("hit", "miss" or None)."""
    response = client.get(url)
    assert response.status_code == 200
    return response, response.headers.get(page_cache.HEADER_KEPT)


def warmed(client, url):
    """Visit until the page is stored: the first visit only gets the browser its CSRF cookie."""
    visit(client, url)
    response, source = visit(client, url)
    assert source == "miss"
    return response


def test_a_repeated_visit_is_answered_from_the_cache_with_fresh_secrets(client, pm, project):
    client.force_login(pm)
    url = project.get_absolute_url()
    rendered = warmed(client, url)

    cached, source = visit(client, url)

    assert source == "hit"
    assert "Map the pay codes" in cached.content.decode()
    # The nonce is new, and the one the CSP header allows.
    rendered_nonce = NONCE_IN_PAGE.search(rendered.content.decode()).group(1)
    cached_nonce = NONCE_IN_PAGE.search(cached.content.decode()).group(1)
    assert cached_nonce != rendered_nonce
    assert set(NONCE_IN_PAGE.findall(cached.content.decode())) == {cached_nonce}
    assert NONCE_IN_HEADER.search(cached["Content-Security-Policy"]).group(1) == cached_nonce
    # The CSRF tokens are masked afresh, and each still belongs to this browser's secret.
    secret = client.cookies["csrftoken"].value
    rendered_tokens = set(CSRF_IN_FORM.findall(rendered.content.decode()))
    cached_tokens = CSRF_IN_FORM.findall(cached.content.decode())
    assert cached_tokens
    assert not rendered_tokens & set(cached_tokens)
    assert all(_unmask_cipher_token(token) == secret for token in cached_tokens)
    # Apart from those secrets, the page is the page.
    assert without_secrets(cached, secret, cached_nonce) == without_secrets(
        rendered, secret, rendered_nonce
    )


def test_a_repeated_visit_costs_one_query(client, pm, project, django_assert_num_queries):
    client.force_login(pm)
    url = project.get_absolute_url()
    warmed(client, url)

    with django_assert_num_queries(1):
        assert visit(client, url)[1] == "hit"


def test_a_copied_session_cookie_gets_nothing_after_logging_out(client, pm, project):
    client.force_login(pm)
    url = project.get_absolute_url()
    warmed(client, url)
    copy = type(client)()
    copy.cookies = SimpleCookie({name: morsel.value for name, morsel in client.cookies.items()})
    assert visit(copy, url)[1] == "hit"

    client.post(reverse("logout"))
    response = copy.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_page_is_not_served_past_the_end_of_its_session(client, pm, project, monkeypatch):
    client.force_login(pm)
    url = project.get_absolute_url()
    warmed(client, url)
    ends = Session.objects.get(session_key=client.session.session_key).expire_date
    monkeypatch.setattr(timezone, "now", lambda: ends + timedelta(seconds=1))

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_a_form_on_a_cached_page_can_be_sent(client, pm, project):
    client.force_login(pm)
    client.handler.enforce_csrf_checks = True
    risk = RiskFactory(project=project, title="Late pay calendar")
    url = risk.get_absolute_url()
    warmed(client, url)
    cached, source = visit(client, url)
    assert source == "hit"
    token = CSRF_IN_FORM.search(cached.content.decode()).group(1)

    response = client.post(
        reverse("projects:risk_status", args=[risk.pk]),
        {"status": Risk.Status.CLOSED, "csrfmiddlewaretoken": token},
    )

    assert response.status_code == 302
    risk.refresh_from_db()
    assert risk.status == Risk.Status.CLOSED


def test_a_change_of_data_is_shown_at_once(client, pm, project):
    client.force_login(pm)
    url = project.get_absolute_url()
    warmed(client, url)

    Task.objects.filter(project=project).update(title="Map the pay codes and deductions")
    response, source = visit(client, url)

    assert source == "miss"
    assert "Map the pay codes and deductions" in response.content.decode()


def test_a_change_by_a_colleague_is_shown_to_everyone(client, pm, project):
    manager = UserFactory(username="cache_manager", role=Role.MANAGER)
    client.force_login(manager)
    url = project.get_absolute_url()
    before = warmed(client, url)
    assert "1 of 1 tasks done" not in before.content.decode()

    colleague = type(client)()
    colleague.force_login(pm)
    task = project.tasks.get()
    colleague.post(reverse("projects:task_status", args=[task.pk]), {"status": Task.Status.DONE})
    response, source = visit(client, url)

    assert source == "miss"
    assert "1 of 1 tasks done" in response.content.decode()


def test_each_person_gets_their_own_page(client, pm, project):
    client.force_login(pm)
    url = reverse("home")
    assert "Northwind payroll" in warmed(client, url).content.decode()
    sales_rep = UserFactory(username="cache_sales", role=Role.SALES)

    other = type(client)()
    other.force_login(sales_rep)
    visit(other, url)
    response, source = visit(other, url)

    assert source == "miss"
    assert "Northwind payroll" not in response.content.decode()


def test_a_page_is_not_kept_past_its_minute(client, pm, project, monkeypatch):
    client.force_login(pm)
    url = project.get_absolute_url()
    now = 1_800_000_000.0
    monkeypatch.setattr(page_cache.time, "time", lambda: now)
    warmed(client, url)
    assert visit(client, url)[1] == "hit"

    monkeypatch.setattr(page_cache.time, "time", lambda: now + 60)

    assert visit(client, url)[1] == "miss"


def test_a_message_after_a_refused_change_is_shown_once(client, pm, project):
    client.force_login(pm)
    risk = RiskFactory(project=project, title="Late pay calendar")
    url = risk.get_absolute_url()
    warmed(client, url)

    client.post(reverse("projects:risk_status", args=[risk.pk]), {"status": "not-a-status"})
    with_message, source = visit(client, url)

    assert source is None
    assert "Choose one of the listed statuses." in with_message.content.decode()
    after, _ = visit(client, url)
    assert "Choose one of the listed statuses." not in after.content.decode()


def test_inside_a_transaction_its_own_changes_are_shown(client, pm, project):
    client.force_login(pm)
    url = project.get_absolute_url()
    warmed(client, url)

    with transaction.atomic():
        Task.objects.filter(project=project).update(title="Reconcile the year-end totals")
        response, source = visit(client, url)
        transaction.set_rollback(True)

    assert source is None
    assert "Reconcile the year-end totals" in response.content.decode()


def test_a_page_rendered_while_data_changed_is_not_kept(client, pm, project, monkeypatch):
    client.force_login(pm)
    url = project.get_absolute_url()
    visit(client, url)
    snapshots = iter(["100:100:", "101:101:"])
    monkeypatch.setattr(page_cache, "database_snapshot", lambda: next(snapshots))

    assert visit(client, url)[1] is None


def test_logged_out_visitors_and_a_switched_off_cache_render_each_time(
    client, pm, project, settings
):
    assert visit(client, reverse("login"))[1] is None
    settings.PAGE_CACHE = {**settings.PAGE_CACHE, "ENABLED": False}
    client.force_login(pm)
    url = project.get_absolute_url()
    for _ in range(3):
        assert visit(client, url)[1] is None


def test_the_snapshot_moves_with_every_commit():
    before = page_cache.database_snapshot()
    assert page_cache.database_snapshot() == before
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMPORARY TABLE snapshot_probe (n int)")
        cursor.execute("INSERT INTO snapshot_probe VALUES (1)")
    assert page_cache.database_snapshot() != before
