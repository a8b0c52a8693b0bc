"""`seed_demo`: the demo set loads, loads again without changing anything, and scales."""

from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.auth.models import User
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Count, Sum
from django.http import HttpRequest
from django.test import override_settings
from django.utils import timezone

from clients import roles
from clients.models import Client, Contact, SalesHandoff
from projects import demo
from projects.models import (
    HandoffReport,
    Health,
    ImplementationProject,
    Issue,
    Milestone,
    Phase,
    Risk,
    Task,
    TimeEntry,
)
from projects.services import phase_gate_problems

BASE_NAMES = [spec.name for spec in demo.PROJECTS]
BASE_CLIENTS = [spec.name for spec in demo.CLIENTS]
BASE_USERS = [spec.username for spec in demo.DEMO_USERS + demo.TEAM_USERS]
# The demo users' passwords are hashed when seeded; the default hasher is slow by design.
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The demo set, loaded once for this module and rolled back after it.

    Each test runs in its own savepoint inside this transaction, so whatever a test changes
    (seeding again, scaling, deleting) is undone before the next one.
    """
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHERS),
        transaction.atomic(),
    ):
        first_run = seed()
        yield first_run
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def demo_data(seeded, db, settings):
    settings.PASSWORD_HASHERS = FAST_HASHERS


def row_counts() -> dict[str, int]:
    """Rows in every table, including history and many-to-many tables."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
        if model._meta.app_label in {"auth", "clients", "projects"}
    }


def snapshot() -> dict[str, list]:
    """The values a user would see on the demo projects, in a stable order."""
    projects = ImplementationProject.objects.filter(name__in=BASE_NAMES).order_by("name")
    in_base = {"project__name__in": BASE_NAMES}
    return {
        "projects": list(
            projects.values_list(
                "name",
                "client__name",
                "pm__username",
                "phase",
                "status",
                "kickoff_date",
                "baseline_go_live",
                "forecast_go_live",
                "actual_go_live",
                "budget_hours",
                "budget_amount",
                "computed_health",
                "health",
                "health_reasons",
                "health_override",
                "health_override_until",
                "uat_signed_off_at",
                "sales_handoff__acknowledged_at",
            )
        ),
        "milestones": list(
            Milestone.objects.filter(**in_base)
            .order_by("project__name", "order")
            .values_list(
                "project__name", "name", "due_date", "completed_on", "signed_off_by__email"
            )
        ),
        "tasks": list(
            Task.objects.filter(**in_base)
            .order_by("project__name", "title")
            .values_list(
                "project__name",
                "title",
                "status",
                "due_date",
                "owner_user__username",
                "owner_contact__email",
            )
        ),
        "dependencies": sorted(
            Task.depends_on.through.objects.filter(
                from_task__project__name__in=BASE_NAMES
            ).values_list("from_task__project__name", "from_task__title", "to_task__title")
        ),
        "risks": list(
            Risk.objects.filter(**in_base)
            .order_by("project__name", "title")
            .values_list("project__name", "title", "score", "status", "mitigation_plan")
        ),
        "issues": list(
            Issue.objects.filter(**in_base)
            .order_by("project__name", "title")
            .values_list("project__name", "title", "severity", "status")
        ),
        "hours": list(
            TimeEntry.objects.filter(**in_base)
            .values("project__name")
            .annotate(hours=Sum("hours"), n=Count("pk"))
            .order_by("project__name")
            .values_list("project__name", "hours", "n")
        ),
        "contacts": list(
            Contact.objects.filter(client__name__in=BASE_CLIENTS)
            .order_by("client__name", "email")
            .values_list("client__name", "email", "role", "is_primary", "receives_status_reports")
        ),
        "users": list(
            User.objects.filter(username__in=BASE_USERS)
            .order_by("username")
            .values_list(
                "username", "first_name", "last_name", "email", "is_superuser", "groups__name"
            )
        ),
    }


def test_seeding_again_leaves_the_same_data():
    counts, values = row_counts(), snapshot()

    output = seed()

    assert "0 rows created, 0 updated" in output
    assert row_counts() == counts
    assert snapshot() == values


def test_seeding_an_empty_database_creates_the_whole_set(seeded):
    assert "0 rows created" not in seeded
    assert "Demo logins (password golive-demo)" in seeded
    assert ImplementationProject.objects.count() == len(demo.PROJECTS)
    assert Client.objects.count() == len(demo.CLIENTS)
    assert User.objects.count() == len(demo.DEMO_USERS) + len(demo.TEAM_USERS)


def test_a_demo_user_who_changed_their_password_gets_the_demo_one_back(client):
    pm = User.objects.get(username="pm")
    pm.set_password("something-else")
    pm.save(update_fields=["password"])

    seed()

    assert client.login(request=HttpRequest(), username="pm", password="golive-demo")


def test_each_demo_login_works_with_the_documented_password_and_role(client):
    logins = {
        "pm": roles.is_pm,
        "pm2": roles.is_pm,
        "manager": roles.is_manager,
        "sales": roles.is_sales_rep,
        "sales2": roles.is_sales_rep,
        "support": roles.is_support,
        "admin": roles.is_admin,
    }
    for username, has_role in logins.items():
        # django-axes checks every login against its lockouts, which needs a request.
        assert client.login(
            request=HttpRequest(), username=username, password=demo.DEMO_PASSWORD
        ), username
        user = User.objects.get(username=username)
        assert has_role(user), username
        assert roles.role_label(user) != "No role"
        assert user.get_full_name() and user.email
        assert user.is_staff == user.is_superuser == (username == "admin")
        client.logout()


def test_the_demo_covers_every_phase_and_every_health():
    projects = ImplementationProject.objects.filter(name__in=BASE_NAMES)

    assert len(BASE_NAMES) >= 15
    assert projects.count() == len(BASE_NAMES)
    assert set(projects.values_list("phase", flat=True)) == set(Phase.values)
    assert set(projects.values_list("computed_health", flat=True)) == set(Health.values)
    assert set(projects.values_list("health", flat=True)) == set(Health.values)
    assert Client.objects.count() >= 12
    assert set(Client.objects.values_list("segment", flat=True)) == set(Client.Segment.values)
    assert set(Client.objects.values_list("account_status", flat=True)) == set(
        Client.AccountStatus.values
    )


def test_each_demo_project_shows_the_health_its_data_was_built_for():
    computed = dict(
        ImplementationProject.objects.filter(name__in=BASE_NAMES).values_list(
            "name", "computed_health"
        )
    )

    assert computed == {spec.name: spec.expected_health for spec in demo.PROJECTS}


def test_red_projects_are_red_for_reasons_a_pm_can_read():
    red = ImplementationProject.objects.filter(name__in=BASE_NAMES, health=Health.RED)

    assert red.exists()
    for project in red:
        texts = " / ".join(r["text"] for r in project.health_reasons if r["level"] == "red")
        assert "behind baseline" in texts
        assert "critical issue" in texts
        assert project.issues.open().critical().exists()


def test_two_projects_carry_a_pm_health_override_that_has_not_expired():
    today = timezone.localdate()
    overridden = ImplementationProject.objects.exclude(health_override="")

    assert overridden.count() == 2
    for project in overridden:
        assert project.override_active(today)
        assert project.health == project.health_override != project.computed_health
        assert project.health_override_reason
        assert project.health_override_by.username in {"pm", "pm2"}


def test_demo_projects_are_consistent_with_their_phase():
    today = timezone.localdate()
    projects = ImplementationProject.objects.filter(name__in=BASE_NAMES).select_related(
        "sales_handoff"
    )
    for project in projects:
        phase = Phase(project.phase)
        milestones = list(project.milestones.all())
        tasks = list(project.tasks.select_related("milestone").prefetch_related("depends_on"))
        # The plans of the products' templates stitched together: larger for two or three.
        assert 6 <= len(milestones) <= 10, project.name
        assert 20 <= len(tasks) <= 50, project.name
        assert project.phase_changes.count() == phase.index
        assert project.sales_handoff.client_id == project.client_id
        for task in tasks:
            if task.status in (Task.Status.IN_PROGRESS, Task.Status.DONE):
                assert all(d.status == Task.Status.DONE for d in task.depends_on.all()), task
            if task.milestone.completed_on:
                assert task.status == Task.Status.DONE, task
        if phase != Phase.SALES_HANDOFF:
            assert project.pm_id and project.sales_handoff.is_acknowledged, project.name
            assert project.sales_handoff.acknowledged_by_id == project.pm_id, project.name
        # Every phase it left, it left through its gate: that phase's key milestones are done.
        for passed in list(Phase)[: phase.index]:
            open_key = [m.name for m in milestones if m.is_key and m.phase == passed]
            assert all(m.completed_on for m in milestones if m.is_key and m.phase == passed), (
                project.name,
                open_key,
            )
        if phase.index >= Phase.GO_LIVE.index:
            assert project.actual_go_live is not None and project.actual_go_live <= today
            assert project.uat_signed_off_by.client_id == project.client_id
            project.phase = Phase.TESTING  # the go-live gate it passed on the way in
            assert phase_gate_problems(project, Phase.GO_LIVE) == [], project.name
        else:
            assert project.actual_go_live is None
            assert project.uat_signed_off_at is None
        if phase == Phase.HYPERCARE:
            assert project.handoff_report.status == HandoffReport.Status.SENT
        if phase == Phase.HANDED_OFF:
            assert project.handoff_report.status == HandoffReport.Status.ACCEPTED
            assert all(m.completed_on for m in milestones)


def test_a_pm_logging_in_finds_work_that_needs_them_today():
    today = timezone.localdate()
    pm = User.objects.get(username="pm")
    open_tasks = Task.objects.filter(owner_user=pm).open()

    assert ImplementationProject.objects.filter(pm=pm).count() == 8
    assert open_tasks.overdue(today).exists()
    assert open_tasks.due_between(today, today + timedelta(days=6)).exists()
    assert Task.objects.filter(status=Task.Status.BLOCKED).exists()
    census = Task.objects.filter(title="Send employee census file", owner_contact__isnull=False)
    assert census.exists()


def test_clients_have_contacts_a_handoff_and_a_sales_rep():
    for client in Client.objects.prefetch_related("contacts").select_related("sales_rep"):
        contacts = list(client.contacts.all())
        assert 3 <= len(contacts) <= 5, client.name
        assert sum(c.is_primary for c in contacts) == 1
        assert any(c.receives_status_reports for c in contacts)
        assert client.sales_rep.username in {"sales", "sales2"}
    unacknowledged = SalesHandoff.objects.filter(acknowledged_at__isnull=True)
    assert SalesHandoff.objects.filter(acknowledged_at__isnull=False).exists()
    assert unacknowledged.exists()
    for handoff in unacknowledged.select_related("project"):
        assert handoff.project.phase == Phase.SALES_HANDOFF
        assert phase_gate_problems(handoff.project, Phase.KICKOFF)


def test_budgets_burn_in_step_with_the_work_done():
    burned = dict(TimeEntry.objects.values_list("project__name").annotate(h=Sum("hours")))
    for project in ImplementationProject.objects.filter(name__in=BASE_NAMES):
        if project.phase in (Phase.SALES_HANDOFF, Phase.KICKOFF):
            continue
        assert 0 < burned[project.name] <= project.budget_hours, project.name
    assert Risk.objects.filter(score__gte=15, mitigation_plan="", status="open").exists()


def test_scale_adds_one_more_base_amount_of_projects_each_time_it_is_asked():
    before, values = row_counts(), snapshot()

    output = seed("--scale", "1")

    after = row_counts()
    added = {label: after[label] - before[label] for label in before}
    assert added["projects.ImplementationProject"] == len(demo.PROJECTS)
    assert added["clients.Client"] == len(demo.CLIENTS)
    assert added["projects.Milestone"] == before["projects.Milestone"]
    assert added["projects.Task"] == before["projects.Task"]
    # Scaled copies sit elsewhere in their phase, so links and hours vary a little.
    assert added["projects.Task_depends_on"] == pytest.approx(
        before["projects.Task_depends_on"], rel=0.1
    )
    assert added["projects.TimeEntry"] == pytest.approx(before["projects.TimeEntry"], rel=0.25)
    assert added["projects.Risk"] > 0 and added["projects.Issue"] > 0
    assert added["projects.HistoricalTask"] == 0  # bulk rows carry no history
    assert snapshot() == values  # the base set is untouched
    assert "Added batches #1–#1" in output

    scaled = ImplementationProject.objects.filter(client__name__endswith=" #1")
    assert scaled.count() == len(demo.PROJECTS)
    assert not scaled.filter(health_computed_at__isnull=True).exists()
    assert set(scaled.values_list("computed_health", flat=True)) == set(Health.values)

    seed("--scale", "1")

    again = ImplementationProject.objects.filter(client__name__endswith=" #2")
    assert again.count() == len(demo.PROJECTS)


def test_a_negative_scale_is_refused_and_changes_nothing():
    counts = row_counts()

    with pytest.raises(CommandError, match="--scale"):
        seed("--scale", "-1")

    assert row_counts() == counts
